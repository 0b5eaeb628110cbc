package campusguard

import (
	"fmt"
	"sort"
	"strings"
)

// RosterRow is one row of a school's roster spreadsheet, as text. Row is the
// 1-based row in the sheet (the header is row 1), so errors can point at it.
type RosterRow struct {
	Row              int
	Kind             PersonKind
	Number           string
	Name             string
	Gender           string
	IDNumber         string
	Phone            string
	Grade            string
	Class            string
	Role             string
	Boarding         string
	DormRoom         string
	Bed              string
	BusRoute         string
	Town             string
	Village          string
	GuardianName     string
	GuardianPhone    string
	GuardianRelation string
}

// RosterColumn describes one column of the roster template.
type RosterColumn struct {
	Key      string // field name used in errors: "id_number"
	Header   string // the Chinese header schools see
	Required bool   // needed for every row
	Example  string // shown in the template's example row
	Get      func(*RosterRow) *string
}

// RosterColumns are the template's columns, in order. Headers are Simplified
// Chinese, as schools' own sheets are; the English names are accepted too.
var RosterColumns = []RosterColumn{
	{"kind", "类别", true, "学生", func(r *RosterRow) *string { return (*string)(&r.Kind) }},
	{"number", "学号/工号", true, "20260101", func(r *RosterRow) *string { return &r.Number }},
	{"name", "姓名", true, "张小明", func(r *RosterRow) *string { return &r.Name }},
	{"gender", "性别", false, "男", func(r *RosterRow) *string { return &r.Gender }},
	{"id_number", "身份证号", false, "350623201503070018", func(r *RosterRow) *string { return &r.IDNumber }},
	{"phone", "电话", false, "", func(r *RosterRow) *string { return &r.Phone }},
	{"grade", "年级", false, "一年级", func(r *RosterRow) *string { return &r.Grade }},
	{"class", "班级", false, "1班", func(r *RosterRow) *string { return &r.Class }},
	{"role", "岗位", false, "", func(r *RosterRow) *string { return &r.Role }},
	{"boarding", "寄宿", false, "否", func(r *RosterRow) *string { return &r.Boarding }},
	{"dorm_room", "宿舍", false, "", func(r *RosterRow) *string { return &r.DormRoom }},
	{"bed", "床位", false, "", func(r *RosterRow) *string { return &r.Bed }},
	{"bus_route", "校车线路", false, "", func(r *RosterRow) *string { return &r.BusRoute }},
	{"town", "户籍乡镇", false, "云陵镇", func(r *RosterRow) *string { return &r.Town }},
	{"village", "村/社区", false, "城关村", func(r *RosterRow) *string { return &r.Village }},
	{"guardian_name", "监护人姓名", false, "张建国", func(r *RosterRow) *string { return &r.GuardianName }},
	{"guardian_phone", "监护人电话", false, "13805961234", func(r *RosterRow) *string { return &r.GuardianPhone }},
	{"guardian_relation", "监护人关系", false, "父亲", func(r *RosterRow) *string { return &r.GuardianRelation }},
}

// Words accepted in roster cells, Simplified, Traditional and English.
var (
	kindWords = map[string]PersonKind{"学生": Student, "學生": Student, "student": Student,
		"教职工": Staff, "教職工": Staff, "教师": Staff, "教師": Staff, "staff": Staff}
	genderWords = map[string]Gender{"男": Male, "m": Male, "male": Male, "女": Female, "f": Female, "female": Female}
	yesWords    = map[string]bool{"是": true, "y": true, "yes": true, "1": true, "true": true, "住校": true,
		"否": false, "n": false, "no": false, "0": false, "false": false, "走读": false, "走讀": false, "": false}
	roleWords = map[string]StaffRole{
		"教师": RoleTeacher, "教師": RoleTeacher, "任课教师": RoleTeacher,
		"班主任": RoleClassTeacher,
		"校医":  RoleHealthOfficer, "卫生保健员": RoleHealthOfficer, "衛生保健員": RoleHealthOfficer, "保健医生": RoleHealthOfficer,
		"食堂": RoleCanteen, "食堂人员": RoleCanteen, "食堂人員": RoleCanteen,
		"保安": RoleSecurity, "门卫": RoleSecurity, "門衛": RoleSecurity,
		"保洁": RoleCleaner, "保潔": RoleCleaner,
		"司机": RoleDriver, "司機": RoleDriver, "校车司机": RoleDriver,
		"其他": RoleOtherStaff,
	}
)

// RosterPerson is a validated roster row in domain values, with the names of
// the class, room and route still to be resolved against the school.
type RosterPerson struct {
	Row      int
	Person   Person
	Grade    string
	Class    string
	DormRoom string
	BusRoute string
	Guardian *Guardian
}

// ValidateRoster checks every row without the database and returns the
// domain values with an Invalid error listing every bad cell of every row,
// or nil. Rows that repeat a number or an ID number within the file are
// errors too. The values are returned even with an error, so that the
// checks against the school can run on the same rows and every problem of
// the file is reported at once; they must not be written.
func ValidateRoster(rows []RosterRow, today Date) ([]RosterPerson, error) {
	var all []FieldError
	out := make([]RosterPerson, 0, len(rows))
	seenNumber := make(map[string]int, len(rows))
	seenID := make(map[string]int, len(rows))
	for i := range rows {
		rp, errs := validateRosterRow(&rows[i], today)
		if n := rp.Person.Number; n != "" {
			if first, ok := seenNumber[n]; ok {
				errs = append(errs, FieldError{Field: "number", Row: rows[i].Row, Msg: "error.duplicate_in_file", Args: []any{first}})
			} else {
				seenNumber[n] = rows[i].Row
			}
		}
		if id := rp.Person.IDNumber; id != "" {
			if first, ok := seenID[id]; ok {
				errs = append(errs, FieldError{Field: "id_number", Row: rows[i].Row, Msg: "error.duplicate_in_file", Args: []any{first}})
			} else {
				seenID[id] = rows[i].Row
			}
		}
		all = append(all, errs...)
		out = append(out, rp)
	}
	if len(rows) == 0 {
		all = append(all, FieldError{Field: "file", Msg: "error.no_rows"})
	}
	if len(all) > 0 {
		return out, InvalidFields(all)
	}
	return out, nil
}

func validateRosterRow(r *RosterRow, today Date) (RosterPerson, []FieldError) {
	var fe fieldErrors
	rp := RosterPerson{Row: r.Row, Grade: strings.TrimSpace(r.Grade), Class: strings.TrimSpace(r.Class),
		DormRoom: strings.TrimSpace(r.DormRoom), BusRoute: strings.TrimSpace(r.BusRoute)}
	p := &rp.Person
	p.Active = true
	kind, ok := kindWords[strings.ToLower(strings.TrimSpace(string(r.Kind)))]
	if !ok {
		if strings.TrimSpace(string(r.Kind)) == "" {
			fe.add("kind", "error.required")
		} else {
			fe.add("kind", "error.bad_choice")
		}
	}
	p.Kind = kind
	p.Number, p.Name, p.IDNumber, p.Phone = r.Number, r.Name, r.IDNumber, r.Phone
	p.Bed, p.Town, p.Village = strings.TrimSpace(r.Bed), strings.TrimSpace(r.Town), strings.TrimSpace(r.Village)
	if g := strings.ToLower(strings.TrimSpace(r.Gender)); g != "" {
		if v, ok := genderWords[g]; ok {
			p.Gender = v
		} else {
			fe.add("gender", "error.bad_choice")
		}
	}
	b, ok := yesWords[strings.ToLower(strings.TrimSpace(r.Boarding))]
	if !ok {
		fe.add("boarding", "error.bad_choice")
	}
	p.Boarding = b
	if role := strings.TrimSpace(r.Role); role != "" {
		if v, ok := roleWords[role]; ok {
			p.Role = v
		} else if ValidStaffRole(StaffRole(role)) {
			p.Role = StaffRole(role)
		} else {
			fe.add("role", "error.bad_choice")
		}
	}
	switch kind {
	case Student:
		if rp.Grade == "" {
			fe.add("grade", "error.required")
		}
		if rp.Class == "" {
			fe.add("class", "error.required")
		}
		if p.Role != "" {
			fe.add("role", "error.student_role")
		}
		if rp.DormRoom != "" && !p.Boarding {
			fe.add("dorm_room", "error.dorm_not_boarding")
		}
	case Staff:
		if p.Role == "" && strings.TrimSpace(r.Role) == "" {
			fe.add("role", "error.required")
		}
		if rp.DormRoom != "" {
			fe.add("dorm_room", "error.staff_dorm")
		}
		if (rp.Grade == "") != (rp.Class == "") {
			fe.add("class", "error.grade_and_class")
		}
	}
	if p.Bed != "" && rp.DormRoom == "" {
		fe.add("bed", "error.bed_without_room")
	}
	// The person's own checks; links are resolved later, so stand-ins here.
	// A bad kind must not hide the other bad cells: check them as staff.
	probe := *p
	if kind == "" {
		probe.Kind = Staff
	}
	if kind == Student {
		one := int64(1)
		probe.ClassID = &one
	}
	if probe.Role == "" && probe.Kind == Staff {
		probe.Role = RoleOtherStaff
	}
	probe.Bed = ""
	if err := probe.Validate(today); err != nil {
		for _, f := range ErrorFields(err) {
			if f.Field == "dorm_room_id" || f.Field == "class_id" || f.Field == "role" {
				continue // reported above in roster terms
			}
			fe = append(fe, f)
		}
	}
	p.IDNumber, p.Birth, p.Gender, p.Name, p.Number, p.Phone = probe.IDNumber, probe.Birth, probe.Gender, probe.Name, probe.Number, probe.Phone
	if gn, gp := strings.TrimSpace(r.GuardianName), strings.TrimSpace(r.GuardianPhone); gn != "" || gp != "" {
		g := &Guardian{Name: gn, Phone: gp, Relation: strings.TrimSpace(r.GuardianRelation)}
		if err := g.Validate(); err != nil {
			fe = append(fe, ErrorFields(err)...)
		}
		if kind == Staff {
			fe.add("guardian_name", "error.staff_guardian")
		}
		rp.Guardian = g
	}
	for i := range fe {
		fe[i].Row = r.Row
	}
	return rp, fe
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// SamePerson reports whether an import row would change nothing of p.
func SamePerson(a, b *Person) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Kind == b.Kind && a.Name == b.Name && a.Gender == b.Gender && a.IDNumber == b.IDNumber &&
		a.Birth == b.Birth && a.Phone == b.Phone && a.Number == b.Number && eq(a.ClassID, b.ClassID) &&
		a.Role == b.Role && a.Boarding == b.Boarding && eq(a.DormRoomID, b.DormRoomID) && a.Bed == b.Bed &&
		eq(a.BusRouteID, b.BusRouteID) && a.Town == b.Town && a.Village == b.Village && a.Active == b.Active
}

// MergeFieldErrors joins the field errors of several Invalid errors (nil
// errors are skipped) into one, ordered by row and then by column order,
// dropping repeats. It returns nil when there are none, and the first error
// that is not Invalid as it is.
func MergeFieldErrors(errs ...error) error {
	var all []FieldError
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		if ErrorCode(err) != Invalid {
			return err
		}
		for _, f := range ErrorFields(err) {
			k := fmt.Sprint(f.Row, "\x00", f.Field, "\x00", f.Msg)
			if !seen[k] {
				seen[k] = true
				all = append(all, f)
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	col := map[string]int{}
	for i, c := range RosterColumns {
		col[c.Key] = i + 1
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Row != all[j].Row {
			return all[i].Row < all[j].Row
		}
		return col[all[i].Field] < col[all[j].Field]
	})
	return InvalidFields(CapFieldErrors(all))
}

// MaxFieldErrors is how many field errors an answer lists: a roster of
// 299,000 bad rows made a 128 MB JSON answer and a 606 MB page. The first
// ones tell the school what is wrong; the count tells how much.
const MaxFieldErrors = 200

// CapFieldErrors keeps the first MaxFieldErrors errors of fe and, when
// there were more, adds one on "file" saying how many more
// ("error.more_errors").
func CapFieldErrors(fe []FieldError) []FieldError {
	if len(fe) <= MaxFieldErrors {
		return fe
	}
	out := make([]FieldError, MaxFieldErrors, MaxFieldErrors+1)
	copy(out, fe)
	return append(out, FieldError{Field: "file", Msg: "error.more_errors", Args: []any{len(fe) - MaxFieldErrors}})
}
