package campusguard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var rosterToday = Date{2026, 3, 1}

// studentRow returns a valid roster row of a boy in 一年级 1班.
func studentRow(tb testing.TB) RosterRow {
	tb.Helper()
	return RosterRow{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", Gender: "男",
		IDNumber: makeID(tb, "35062320150307001"), Grade: "一年级", Class: "1班", Boarding: "否",
		Town: "云陵镇", Village: "城关村", GuardianName: "张建国", GuardianPhone: "13805961234", GuardianRelation: "父亲"}
}

// staffRow returns a valid roster row of a class teacher.
func staffRow(tb testing.TB) RosterRow {
	tb.Helper()
	return RosterRow{Row: 2, Kind: "教职工", Number: "T001", Name: "李老师", Gender: "女",
		IDNumber: makeID(tb, "35062319850611002"), Phone: "13905961234", Grade: "一年级", Class: "1班", Role: "班主任"}
}

func TestValidateRosterRow(t *testing.T) {
	tests := []struct {
		name string
		edit func(*RosterRow)
		kind func(testing.TB) RosterRow
		want []FieldError // Row 2 is implied
	}{
		{name: "good student", kind: studentRow},
		{name: "good staff", kind: staffRow},
		{name: "English kind in capitals", kind: studentRow, edit: func(r *RosterRow) { r.Kind = " Student " }},
		{name: "Traditional kind", kind: staffRow, edit: func(r *RosterRow) { r.Kind = "教職工" }},
		{name: "staff without class", kind: staffRow, edit: func(r *RosterRow) { r.Grade, r.Class = "", "" }},
		{name: "English role", kind: staffRow, edit: func(r *RosterRow) { r.Role = "health_officer" }},
		{name: "boarder with room and bed", kind: studentRow, edit: func(r *RosterRow) { r.Boarding, r.DormRoom, r.Bed = "是", "301", "2" }},
		{name: "gender from the ID number", kind: studentRow, edit: func(r *RosterRow) { r.Gender = "" }},
		{name: "lower-case x", kind: studentRow, edit: func(r *RosterRow) { r.IDNumber, r.Gender = "11010519491231002x", "女" }},
		{name: "no ID number", kind: studentRow, edit: func(r *RosterRow) { r.IDNumber = "" }},
		{name: "landline", kind: staffRow, edit: func(r *RosterRow) { r.Phone = "0591-83812345" }},

		{name: "empty kind", kind: studentRow, edit: func(r *RosterRow) { r.Kind = "" },
			want: []FieldError{{Field: "kind", Msg: "error.required"}}},
		{name: "unknown kind", kind: studentRow, edit: func(r *RosterRow) { r.Kind = "学员" },
			want: []FieldError{{Field: "kind", Msg: "error.bad_choice"}}},
		{name: "empty name", kind: studentRow, edit: func(r *RosterRow) { r.Name = "  " },
			want: []FieldError{{Field: "name", Msg: "error.required"}}},
		{name: "empty number", kind: staffRow, edit: func(r *RosterRow) { r.Number = "" },
			want: []FieldError{{Field: "number", Msg: "error.required"}}},
		{name: "name too long", kind: studentRow, edit: func(r *RosterRow) { r.Name = strings.Repeat("张", 51) },
			want: []FieldError{{Field: "name", Msg: "error.too_long", Args: []any{50}}}},
		{name: "number too long", kind: studentRow, edit: func(r *RosterRow) { r.Number = strings.Repeat("1", 33) },
			want: []FieldError{{Field: "number", Msg: "error.too_long", Args: []any{32}}}},
		{name: "bad gender word", kind: studentRow, edit: func(r *RosterRow) { r.Gender = "未知" },
			want: []FieldError{{Field: "gender", Msg: "error.bad_choice"}}},
		{name: "gender against ID number", kind: studentRow, edit: func(r *RosterRow) { r.Gender = "女" },
			want: []FieldError{{Field: "gender", Msg: "error.gender_mismatch"}}},
		{name: "wrong check digit", kind: studentRow, edit: func(r *RosterRow) { r.IDNumber = "350623201503070013" },
			want: []FieldError{{Field: "id_number", Msg: "error.id_check"}}},
		{name: "impossible birth date", kind: studentRow, edit: func(r *RosterRow) { r.IDNumber = makeID(t, "35062320150230001") },
			want: []FieldError{{Field: "id_number", Msg: "error.id_birth"}}},
		{name: "ID number as Excel shows a number", kind: studentRow, edit: func(r *RosterRow) { r.IDNumber = "3.50623E+17" },
			want: []FieldError{{Field: "id_number", Msg: "error.id_length"}}},
		{name: "bad phone", kind: staffRow, edit: func(r *RosterRow) { r.Phone = "1390596123" },
			want: []FieldError{{Field: "phone", Msg: "error.phone"}}},
		{name: "bad boarding word", kind: studentRow, edit: func(r *RosterRow) { r.Boarding = "有时" },
			want: []FieldError{{Field: "boarding", Msg: "error.bad_choice"}}},
		{name: "student without grade and class", kind: studentRow, edit: func(r *RosterRow) { r.Grade, r.Class = "", "" },
			want: []FieldError{{Field: "grade", Msg: "error.required"}, {Field: "class", Msg: "error.required"}}},
		{name: "student without class", kind: studentRow, edit: func(r *RosterRow) { r.Class = "" },
			want: []FieldError{{Field: "class", Msg: "error.required"}}},
		{name: "student with a post", kind: studentRow, edit: func(r *RosterRow) { r.Role = "班主任" },
			want: []FieldError{{Field: "role", Msg: "error.student_role"}}},
		{name: "day student with a room", kind: studentRow, edit: func(r *RosterRow) { r.DormRoom = "301" },
			want: []FieldError{{Field: "dorm_room", Msg: "error.dorm_not_boarding"}}},
		{name: "bed without room", kind: studentRow, edit: func(r *RosterRow) { r.Boarding, r.Bed = "是", "2" },
			want: []FieldError{{Field: "bed", Msg: "error.bed_without_room"}}},
		{name: "staff without post", kind: staffRow, edit: func(r *RosterRow) { r.Role = "" },
			want: []FieldError{{Field: "role", Msg: "error.required"}}},
		{name: "unknown post", kind: staffRow, edit: func(r *RosterRow) { r.Role = "校长" },
			want: []FieldError{{Field: "role", Msg: "error.bad_choice"}}},
		{name: "staff in a dormitory", kind: staffRow, edit: func(r *RosterRow) { r.DormRoom = "301" },
			want: []FieldError{{Field: "dorm_room", Msg: "error.staff_dorm"}}},
		{name: "staff with grade only", kind: staffRow, edit: func(r *RosterRow) { r.Class = "" },
			want: []FieldError{{Field: "class", Msg: "error.grade_and_class"}}},
		{name: "staff with guardian", kind: staffRow, edit: func(r *RosterRow) { r.GuardianName, r.GuardianPhone = "李父", "13805961234" },
			want: []FieldError{{Field: "guardian_name", Msg: "error.staff_guardian"}}},
		{name: "guardian without phone", kind: studentRow, edit: func(r *RosterRow) { r.GuardianPhone = "" },
			want: []FieldError{{Field: "guardian_phone", Msg: "error.required"}}},
		{name: "guardian phone without name", kind: studentRow, edit: func(r *RosterRow) { r.GuardianName = "" },
			want: []FieldError{{Field: "guardian_name", Msg: "error.required"}}},
		{name: "bad guardian phone", kind: studentRow, edit: func(r *RosterRow) { r.GuardianPhone = "1380596" },
			want: []FieldError{{Field: "guardian_phone", Msg: "error.phone"}}},
		{name: "every bad cell of a row", kind: studentRow, edit: func(r *RosterRow) {
			r.Gender, r.IDNumber, r.Class, r.GuardianPhone = "?", "35062320150307001X", "", "110"
		}, want: []FieldError{
			{Field: "gender", Msg: "error.bad_choice"}, {Field: "class", Msg: "error.required"},
			{Field: "id_number", Msg: "error.id_check"}, {Field: "guardian_phone", Msg: "error.phone"},
		}},
		{name: "bad kind hides no other cell", kind: studentRow, edit: func(r *RosterRow) {
			r.Kind, r.Name, r.IDNumber, r.Phone = "学员", "", "35062320150307001X", "12"
		}, want: []FieldError{
			{Field: "kind", Msg: "error.bad_choice"}, {Field: "name", Msg: "error.required"},
			{Field: "id_number", Msg: "error.id_check"}, {Field: "phone", Msg: "error.phone"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := tt.kind(t)
			if tt.edit != nil {
				tt.edit(&row)
			}
			_, err := ValidateRoster([]RosterRow{row}, rosterToday)
			var want []FieldError
			for _, f := range tt.want {
				f.Row = 2
				want = append(want, f)
			}
			if diff := cmp.Diff(want, ErrorFields(err), cmpopts.SortSlices(lessFieldError)); diff != "" {
				t.Errorf("ValidateRoster(%+v) fields mismatch (-want +got):\n%s", row, diff)
			}
			if len(want) > 0 && (ErrorCode(err) != Invalid || err.(*Error).Message != "error.invalid_input") {
				t.Errorf("ValidateRoster(%+v) = %v, want Invalid error.invalid_input", row, err)
			}
		})
	}
}

func lessFieldError(a, b FieldError) bool {
	if a.Row != b.Row {
		return a.Row < b.Row
	}
	if a.Field != b.Field {
		return a.Field < b.Field
	}
	return a.Msg < b.Msg
}

func TestValidateRosterValues(t *testing.T) {
	boarder := studentRow(t)
	boarder.Row, boarder.Boarding, boarder.DormRoom, boarder.Bed, boarder.BusRoute = 3, "住校", " 301 ", "2", "1号线"
	boarder.Number, boarder.IDNumber, boarder.Gender, boarder.Name = " 20260102 ", makeID(t, "35062320140512002"), "", " 王小红 "
	teacher := staffRow(t)
	teacher.Row, teacher.Kind, teacher.Role = 4, "教师", "任课教师"
	got, err := ValidateRoster([]RosterRow{studentRow(t), boarder, teacher}, rosterToday)
	if err != nil {
		t.Fatalf("ValidateRoster = %v, want no error", err)
	}
	want := []RosterPerson{
		{Row: 2, Grade: "一年级", Class: "1班", Person: Person{Kind: Student, Name: "张小明", Gender: Male,
			IDNumber: "350623201503070018", Birth: Date{2015, 3, 7}, Number: "20260101", Town: "云陵镇", Village: "城关村", Active: true},
			Guardian: &Guardian{Name: "张建国", Phone: "13805961234", Relation: "父亲"}},
		{Row: 3, Grade: "一年级", Class: "1班", DormRoom: "301", BusRoute: "1号线", Person: Person{Kind: Student, Name: "王小红", Gender: Female,
			IDNumber: makeID(t, "35062320140512002"), Birth: Date{2014, 5, 12}, Number: "20260102", Boarding: true, Bed: "2",
			Town: "云陵镇", Village: "城关村", Active: true},
			Guardian: &Guardian{Name: "张建国", Phone: "13805961234", Relation: "父亲"}},
		{Row: 4, Grade: "一年级", Class: "1班", Person: Person{Kind: Staff, Name: "李老师", Gender: Female,
			IDNumber: makeID(t, "35062319850611002"), Birth: Date{1985, 6, 11}, Phone: "13905961234", Number: "T001",
			Role: RoleTeacher, Active: true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ValidateRoster mismatch (-want +got):\n%s", diff)
	}
}

func TestValidateRosterFile(t *testing.T) {
	a := studentRow(t)
	b := studentRow(t)
	b.Row, b.IDNumber = 3, makeID(t, "35062320150307011") // same number as a
	c := studentRow(t)
	c.Row, c.Number = 4, "20260103" // same ID number as a
	d := studentRow(t)
	d.Row, d.Number, d.IDNumber = 5, "20260104", "11010519491231002x" // good
	e := studentRow(t)
	e.Row, e.Number, e.IDNumber = 6, "20260104", "11010519491231002X" // both again, as d
	d.Gender, e.Gender = "", ""
	_, err := ValidateRoster([]RosterRow{a, b, c, d, e}, rosterToday)
	want := []FieldError{
		{Field: "number", Row: 3, Msg: "error.duplicate_in_file", Args: []any{2}},
		{Field: "id_number", Row: 4, Msg: "error.duplicate_in_file", Args: []any{2}},
		{Field: "number", Row: 6, Msg: "error.duplicate_in_file", Args: []any{5}},
		{Field: "id_number", Row: 6, Msg: "error.duplicate_in_file", Args: []any{5}},
	}
	if diff := cmp.Diff(want, ErrorFields(err)); diff != "" {
		t.Errorf("ValidateRoster fields mismatch (-want +got):\n%s", diff)
	}

	_, err = ValidateRoster(nil, rosterToday)
	if diff := cmp.Diff([]FieldError{{Field: "file", Msg: "error.no_rows"}}, ErrorFields(err)); diff != "" {
		t.Errorf("ValidateRoster(nil) fields mismatch (-want +got):\n%s", diff)
	}
}

func TestRosterColumns(t *testing.T) {
	keys, headers := map[string]bool{}, map[string]bool{}
	fields := map[*string]string{}
	var row RosterRow
	for _, col := range RosterColumns {
		if keys[col.Key] || headers[col.Header] {
			t.Errorf("RosterColumns: %s (%s) appears twice", col.Key, col.Header)
		}
		keys[col.Key], headers[col.Header] = true, true
		p := col.Get(&row)
		if other, ok := fields[p]; ok {
			t.Errorf("RosterColumns: %s and %s Get the same field", col.Key, other)
		}
		fields[p] = col.Key
	}
	// The template's example row is a person the roster accepts.
	ex := RosterRow{Row: 2}
	for _, col := range RosterColumns {
		*col.Get(&ex) = col.Example
	}
	if _, err := ValidateRoster([]RosterRow{ex}, rosterToday); err != nil {
		t.Errorf("ValidateRoster(example row %+v) = %v, want no error", ex, err)
	}
}

func TestSamePerson(t *testing.T) {
	one, two := int64(1), int64(2)
	base := Person{Kind: Student, Name: "张小明", Number: "1", ClassID: &one, Active: true}
	tests := []struct {
		name string
		edit func(*Person)
		want bool
	}{
		{"same", func(*Person) {}, true},
		{"same class by value", func(p *Person) { c := int64(1); p.ClassID = &c }, true},
		{"other class", func(p *Person) { p.ClassID = &two }, false},
		{"no class", func(p *Person) { p.ClassID = nil }, false},
		{"other name", func(p *Person) { p.Name = "张小红" }, false},
		{"bed", func(p *Person) { p.Bed = "1" }, false},
		{"route", func(p *Person) { p.BusRouteID = &one }, false},
		{"inactive", func(p *Person) { p.Active = false }, false},
	}
	for _, tt := range tests {
		b := base
		tt.edit(&b)
		if got := SamePerson(&base, &b); got != tt.want {
			t.Errorf("SamePerson(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
