package sqlstore_test

import (
	"sort"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

func studentRow(row int, number, name, id, class string) campusguard.RosterRow {
	return campusguard.RosterRow{Row: row, Kind: "学生", Number: number, Name: name, IDNumber: id,
		Grade: "一年级", Class: class, Boarding: "否", GuardianName: "家长" + number, GuardianPhone: "1380596" + number[len(number)-4:],
		GuardianRelation: "母亲"}
}

func TestImportRoster(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		rows := []campusguard.RosterRow{
			studentRow(2, "S0001", "陈一", validID("2019-01-02", 11), "1班"),
			studentRow(3, "S0002", "林二", validID("2019-02-03", 22), "2班"),
			{Row: 4, Kind: "教职工", Number: "T0001", Name: "黄老师", Role: "班主任", Grade: "一年级", Class: "1班", Phone: "13900001111"},
		}
		rows[1].Boarding, rows[1].DormRoom, rows[1].Bed = "是", "101", "2"
		res, err := s.ImportRoster(ctx, tr.School.ID, rows)
		if err != nil {
			t.Fatalf("ImportRoster = %v", err)
		}
		if diff := cmp.Diff(&campusguard.ImportResult{Rows: 3, Created: 3}, res); diff != "" {
			t.Errorf("ImportRoster (-want +got):\n%s", diff)
		}
		class, _ := s.FindOrgByID(ctx, tr.Class1.ID)
		teacher, _, _ := s.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &tr.School.ID, Query: ptr("T0001")})
		if len(teacher) != 1 || class.HeadTeacherID == nil || *class.HeadTeacherID != teacher[0].ID {
			t.Errorf("class head teacher = %v, want the imported 班主任 %v", class.HeadTeacherID, teacher)
		}
		// Re-import: one changed, one unchanged, one new.
		rows[0].Name = "陈壹"
		rows = append(rows, studentRow(5, "S0003", "张三", "", "2班"))
		res, err = s.ImportRoster(ctx, tr.School.ID, rows)
		if err != nil {
			t.Fatalf("re-import = %v", err)
		}
		if diff := cmp.Diff(&campusguard.ImportResult{Rows: 4, Created: 1, Updated: 1, Unchanged: 2}, res); diff != "" {
			t.Errorf("re-import (-want +got):\n%s", diff)
		}
		if n := countRows(t, s, "guardian_students"); n != 3 {
			t.Errorf("guardian links = %d, want 3 (one per student, not doubled by re-import)", n)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestImportRosterBadRows: rows that are bad only against the school (an
// unknown class, room or route, a taken bed or ID number) are all reported
// with their row, and nothing is written.
func TestImportRosterBadRows(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		other := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云霄二中", ParentID: &tr.Town.ID}
		if err := s.CreateOrg(ctx, other); err != nil {
			t.Fatal(err)
		}
		g := &campusguard.Org{Kind: campusguard.KindGrade, Name: "七年级", ParentID: &other.ID}
		s.CreateOrg(ctx, g)
		c := &campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &g.ID}
		s.CreateOrg(ctx, c)
		elsewhere := validID("2012-05-05", 31)
		if err := s.CreatePerson(ctx, &campusguard.Person{SchoolID: other.ID, Kind: campusguard.Student, Name: "外校生",
			Number: "X1", IDNumber: elsewhere, ClassID: &c.ID}); err != nil {
			t.Fatal(err)
		}
		rows := []campusguard.RosterRow{
			studentRow(2, "S0001", "好人", validID("2019-01-02", 11), "1班"),
			studentRow(3, "S0002", "无班", validID("2019-01-03", 12), "9班"),
			studentRow(4, "S0003", "外校号", elsewhere, "1班"),
			studentRow(5, "S0004", "无宿舍", "", "1班"),
			studentRow(6, "S0005", "抢床一", "", "1班"),
			studentRow(7, "S0006", "抢床二", "", "1班"),
			studentRow(8, "S0007", "无线路", "", "1班"),
		}
		rows[3].Boarding, rows[3].DormRoom = "是", "999"
		rows[4].Boarding, rows[4].DormRoom, rows[4].Bed = "是", "101", "1"
		rows[5].Boarding, rows[5].DormRoom, rows[5].Bed = "是", "101", "1"
		rows[6].BusRoute = "不存在线"
		before := countRows(t, s, "people")
		_, err := s.ImportRoster(ctx, tr.School.ID, rows)
		if campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Fatalf("ImportRoster(bad) = %v, want Invalid", err)
		}
		var got []string
		for _, f := range campusguard.ErrorFields(err) {
			got = append(got, itoa(f.Row)+" "+f.Field+" "+f.Msg)
		}
		sort.Strings(got)
		want := []string{
			"3 class error.unknown_class",
			"4 id_number error.id_taken",
			"5 dorm_room error.unknown_dorm_room",
			"7 bed error.bed_taken",
			"8 bus_route error.unknown_bus_route",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
		if after := countRows(t, s, "people"); after != before {
			t.Errorf("people = %d after a refused import, want %d", after, before)
		}
		if n := countRows(t, s, "guardians"); n != 0 {
			t.Errorf("guardians = %d after a refused import, want 0", n)
		}
		if _, err := s.ImportRoster(ctx, tr.Class1.ID, rows[:1]); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("ImportRoster(into a class) = %v, want NotFound", err)
		}
	})
}
