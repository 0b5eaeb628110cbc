package sqlstore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

var ctx = campusguard.SystemContext(context.Background(), "test")

func validID(birth string, seq int) string { return sqlstoretest.ValidID(birth, seq) }

func pad3(n int) string {
	s := "000" + itoa(n)
	return s[len(s)-3:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func mustTree(t *testing.T, s *sqlstore.Store) *sqlstoretest.Tree { return sqlstoretest.MustTree(t, s) }

func TestOrgTree(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		if tr.County.Path != "/"+itoa(int(tr.County.ID))+"/" || tr.County.RegionID != tr.County.ID {
			t.Errorf("root path = %q region %d, want /%d/", tr.County.Path, tr.County.RegionID, tr.County.ID)
		}
		if want := tr.Grade.Path + itoa(int(tr.Class1.ID)) + "/"; tr.Class1.Path != want {
			t.Errorf("class path = %q, want %q", tr.Class1.Path, want)
		}
		got, err := s.FindOrgByID(ctx, tr.School.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tr.School, got); diff != "" {
			t.Errorf("FindOrgByID (-want +got):\n%s", diff)
		}
		anc, err := s.OrgAncestors(ctx, tr.Class1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, o := range anc {
			names = append(names, o.Name)
		}
		if diff := cmp.Diff([]string{"云霄县", "云陵镇", "云陵中心小学", "一年级"}, names); diff != "" {
			t.Errorf("OrgAncestors (-want +got):\n%s", diff)
		}
		kind := campusguard.KindClass
		classes, total, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &tr.County.ID, Kind: &kind})
		if err != nil || total != 3 || len(classes) != 3 {
			t.Errorf("FindOrgs(classes under county) = %d, %d, %v; want 3", len(classes), total, err)
		}
		// A second tree stays apart from the first.
		other := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县"}
		if err := s.CreateOrg(ctx, other); err != nil {
			t.Fatal(err)
		}
		_, total, _ = s.FindOrgs(ctx, campusguard.OrgFilter{Under: &other.ID})
		if total != 0 {
			t.Errorf("FindOrgs(under empty county) total = %d, want 0", total)
		}
	})
}

func TestOrgBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		missing := int64(99999)
		tests := []struct {
			name  string
			org   campusguard.Org
			code  campusguard.Code
			field string
		}{
			{"empty name", campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, ParentID: &tr.Town.ID}, campusguard.Invalid, "name"},
			{"bad school type", campusguard.Org{Kind: campusguard.KindSchool, Name: "x", SchoolType: "castle", ParentID: &tr.Town.ID}, campusguard.Invalid, "school_type"},
			{"class under school", campusguard.Org{Kind: campusguard.KindClass, Name: "x", ParentID: &tr.School.ID}, campusguard.Invalid, "parent_id"},
			{"school with no parent", campusguard.Org{Kind: campusguard.KindSchool, Name: "x", SchoolType: campusguard.Primary}, campusguard.Invalid, "parent_id"},
			{"unknown parent", campusguard.Org{Kind: campusguard.KindSchool, Name: "x", SchoolType: campusguard.Primary, ParentID: &missing}, campusguard.Invalid, "parent_id"},
			{"taken code", campusguard.Org{Kind: campusguard.KindSchool, Name: "x", Code: "35062201", SchoolType: campusguard.Primary, ParentID: &tr.Town.ID}, campusguard.Conflict, "code"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := countRows(t, s, "orgs")
				o := tt.org
				err := s.CreateOrg(ctx, &o)
				if got := campusguard.ErrorCode(err); got != tt.code {
					t.Fatalf("CreateOrg() code = %q (%v), want %q", got, err, tt.code)
				}
				if f := campusguard.ErrorFields(err); len(f) == 0 || f[0].Field != tt.field {
					t.Errorf("CreateOrg() fields = %+v, want %s", f, tt.field)
				}
				if after := countRows(t, s, "orgs"); after != before {
					t.Errorf("orgs = %d after a refused create, want %d", after, before)
				}
			})
		}
		if _, err := s.FindOrgByID(ctx, missing); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("FindOrgByID(missing) = %v, want NotFound", err)
		}
	})
}

func countRows(t *testing.T, s *sqlstore.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPeople(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "陈小明", Number: "S1",
			IDNumber: validID("2019-03-07", 13), ClassID: &tr.Class1.ID, Boarding: true, DormRoomID: &tr.Room.ID,
			Bed: "1", BusRouteID: &tr.Route.ID, Town: "云陵镇"}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson = %v", err)
		}
		if p.Gender != campusguard.Male || p.Birth.String() != "2019-03-07" {
			t.Errorf("derived gender/birth = %s %s, want M 2019-03-07", p.Gender, p.Birth)
		}
		got, err := s.FindPersonByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Reads show ID numbers masked, even to the system; RevealIdentity shows them.
		masked := *p
		masked.IDNumber = campusguard.HideIDNumber(p.IDNumber) // the system reads the file: birth date shown, number hidden
		if diff := cmp.Diff(&masked, got); diff != "" {
			t.Errorf("FindPersonByID (-want +got):\n%s", diff)
		}
		if id, _, err := s.RevealIdentity(ctx, p.ID); err != nil || id != p.IDNumber {
			t.Errorf("RevealIdentity = %q, %v; want %q", id, err, p.IDNumber)
		}
		if err := s.AddGuardian(ctx, p.ID, &campusguard.Guardian{Name: "陈建国", Phone: "13805961234", Relation: "父亲"}); err != nil {
			t.Fatalf("AddGuardian = %v", err)
		}
		// Same bed, a full room, a class of another school, a taken number.
		p2 := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "林小红", Number: "S1",
			IDNumber: p.IDNumber, ClassID: &tr.Class2.ID, Boarding: true, DormRoomID: &tr.Room.ID, Bed: "1"}
		err = s.CreatePerson(ctx, p2)
		if campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Fatalf("CreatePerson(dup) = %v, want Conflict", err)
		}
		var fields []string
		for _, f := range campusguard.ErrorFields(err) {
			fields = append(fields, f.Field+":"+f.Msg)
		}
		sort.Strings(fields)
		want := []string{"bed:error.bed_taken", "id_number:error.id_taken", "number:error.number_taken"}
		if diff := cmp.Diff(want, fields); diff != "" {
			t.Errorf("CreatePerson(dup) fields (-want +got):\n%s", diff)
		}
		// Update: move class, drop the bus route; history records it.
		name := "陈晓明"
		zero := int64(0)
		up, err := s.UpdatePerson(campusguard.WithActorName(ctx, "tester"), p.ID,
			campusguard.PersonUpdate{Name: &name, ClassID: &tr.Class2.ID, BusRouteID: &zero})
		if err != nil {
			t.Fatalf("UpdatePerson = %v", err)
		}
		if up.Name != name || *up.ClassID != tr.Class2.ID || up.BusRouteID != nil {
			t.Errorf("UpdatePerson = %+v", up)
		}
		f, err := s.FindPersonFile(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Class.ID != tr.Class2.ID || f.Grade.ID != tr.Grade.ID || f.School.ID != tr.School.ID ||
			f.DormRoom == nil || f.DormRoom.Name != "101" || f.BusRoute != nil || len(f.Guardians) != 1 ||
			f.Guardians[0].Relation != "父亲" || len(f.Path) != 2 {
			t.Errorf("FindPersonFile = %+v", f)
		}
		if len(f.History) < 3 || f.History[0].Kind != "guardian" && f.History[0].Kind != "updated" {
			t.Errorf("history = %+v, want created, guardian, updated", f.History)
		}
		hasUpdate := false
		for _, e := range f.History {
			hasUpdate = hasUpdate || (e.Kind == "updated" && e.Actor == "tester" && strings.Contains(e.Detail, "class_id"))
		}
		if !hasUpdate {
			t.Errorf("history %+v lacks the update by tester", f.History)
		}
		q := "晓明"
		people, total, err := s.FindPeople(ctx, campusguard.PersonFilter{Under: &tr.County.ID, Query: &q})
		if err != nil || total != 1 || people[0].ID != p.ID {
			t.Errorf("FindPeople(query) = %v %d %v", people, total, err)
		}
		people, total, _ = s.FindPeople(ctx, campusguard.PersonFilter{Under: &tr.Class1.ID})
		if total != 0 {
			t.Errorf("FindPeople(class1) total = %d, want 0 after the move", total)
		}
		counts, err := s.OrgCounts(ctx, tr.County.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&campusguard.OrgCounts{Schools: 2, Classes: 3, Students: 1}, counts); diff != "" {
			t.Errorf("OrgCounts (-want +got):\n%s", diff)
		}
	})
}

// TestMigrationsMatch checks that both dialects have the same migrations and
// that the migrated schemas have the same tables and columns.
func TestMigrationsMatch(t *testing.T) {
	list := func(d string) []string {
		var names []string
		fs.WalkDir(os.DirFS("migrations/"+d), ".", func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				names = append(names, p)
			}
			return nil
		})
		return names
	}
	if diff := cmp.Diff(list("sqlite"), list("postgres")); diff != "" {
		t.Fatalf("migration names differ (-sqlite +postgres):\n%s", diff)
	}
	schemas := map[string][]string{}
	for _, d := range sqlstoretest.Dialects(t) {
		s := sqlstoretest.OpenDialect(t, d)
		q := `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
		if d == "postgres" {
			q = `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'`
		}
		rows, err := s.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c string
			rows.Scan(&c)
			cols = append(cols, c)
		}
		rows.Close()
		sort.Strings(cols)
		schemas[d] = cols
		for _, c := range cols {
			if table, _, _ := strings.Cut(c, "."); table != "schema_migrations" && !hasRegion(cols, table) {
				t.Errorf("%s: table %s has no region_id", d, table)
			}
		}
	}
	if pg, ok := schemas["postgres"]; ok {
		if diff := cmp.Diff(schemas["sqlite"], pg); diff != "" {
			t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
		}
	}
}

func hasRegion(cols []string, table string) bool {
	for _, c := range cols {
		if c == table+".region_id" {
			return true
		}
	}
	return false
}

// TestNoForbiddenSQL keeps dialect-specific SQL out of the shared queries.
func TestNoForbiddenSQL(t *testing.T) {
	bad := regexp.MustCompile(`[^.]\bnow\(\)|\bILIKE\b|::[a-z]|\bSERIAL\b|FOR UPDATE`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "dialect{") {
				continue // the dialect value is where the differences belong
			}
			if m := bad.FindString(line); m != "" {
				t.Errorf("%s uses %q in shared SQL", f, m)
			}
		}
	}
}

func TestReady(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		if err := s.Ready(ctx); err != nil {
			t.Errorf("Ready() = %v on a migrated store", err)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Errorf("Migrate() again = %v, %v; want nothing applied", applied, err)
		}
		_ = time.Now
	})
}

func TestPagePastTheEnd(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		orgs, total, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &tr.County.ID, Offset: 50, Limit: 10})
		if err != nil || len(orgs) != 0 || total != 8 {
			t.Errorf("FindOrgs(past the end) = %d items, total %d, %v; want 0 items, total 8", len(orgs), total, err)
		}
		for i := 0; i < 3; i++ {
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "N" + itoa(i), ClassID: &tr.Class1.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		people, total, err := s.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &tr.School.ID, Offset: 10})
		if err != nil || len(people) != 0 || total != 3 {
			t.Errorf("FindPeople(past the end) = %d items, total %d, %v; want 0 items, total 3", len(people), total, err)
		}
	})
}
