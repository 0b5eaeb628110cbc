package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// accountabilityRecord is a valid record about w.staff, a teacher of
// w.school, for an overdue item.
func accountabilityRecord(w *inspectWorld) *campusguard.Accountability {
	return &campusguard.Accountability{FailureKind: campusguard.FailureOther, Failure: "留观室整改逾期未完成",
		PersonID: &w.staff.ID, Post: "分管副校长", Measure: campusguard.MeasureTalk, Day: w.today, Note: "已约谈"}
}

// countAccountability counts every record of the county, as the system.
func countAccountability(t *testing.T, s *sqlstore.Store, w *inspectWorld) int {
	t.Helper()
	xs, err := s.FindAccountabilities(ctx, campusguard.AccountabilityFilter{OrgID: w.county.ID})
	if err != nil {
		t.Fatalf("FindAccountabilities = %v", err)
	}
	return len(xs)
}

// TestAccountabilityRoleMatrix: the records are the region's education
// bureau's alone. Every other role, and above all every school-level role,
// is answered NotFound on every method: record, view, list of the region,
// list of the school.
func TestAccountabilityRoleMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		as := func(g campusguard.Grant) context.Context {
			return sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, g))
		}
		x := accountabilityRecord(w)
		if err := s.RecordAccountability(w.bureau, x); err != nil {
			t.Fatalf("RecordAccountability(bureau) = %v", err)
		}
		if x.SchoolID != w.school.ID || x.PersonName != w.staff.Name || x.RegionID != w.county.ID || x.By == "" {
			t.Fatalf("stored record = %+v; want the school, name and region taken from the person", x)
		}
		type want struct{ record, view, list bool }
		roles := []struct {
			name string
			c    context.Context
			want want
		}{
			{"system admin", as(campusguard.Grant{Role: campusguard.SystemAdmin}), want{true, true, true}},
			{"region admin", w.bureau, want{true, true, true}},
			{"other county's admin", w.otherBureau, want{false, false, false}},
			{"inspector", w.inspector, want{false, false, false}},
			{"market viewer", w.viewer, want{false, false, false}},
			{"cdc viewer", as(campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: campusguard.DutyCDC}), want{false, false, false}},
		}
		for _, r := range campusguard.SchoolLevelRoles {
			roles = append(roles, struct {
				name string
				c    context.Context
				want want
			}{string(r), w.schoolRoles[r], want{}})
		}
		if len(roles) != len(campusguard.AccessRoles)+2 { // + other county, + a second viewer
			t.Fatalf("the matrix has %d rows for %d roles", len(roles), len(campusguard.AccessRoles))
		}
		for _, r := range roles {
			t.Run(r.name, func(t *testing.T) {
				check := func(what string, err error, ok bool) {
					t.Helper()
					if ok && err != nil {
						t.Errorf("%s = %v, want it allowed", what, err)
					}
					if !ok && campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("%s = %v, want NotFound", what, err)
					}
				}
				n := countAccountability(t, s, w)
				c := accountabilityRecord(w)
				err := s.RecordAccountability(r.c, c)
				if r.c == w.otherBureau {
					// It records in its own county: our teacher is a person
					// outside its region, named as such.
					wantCode(t, "RecordAccountability", err, campusguard.Invalid, "person_id")
				} else {
					check("RecordAccountability", err, r.want.record)
				}
				if got := countAccountability(t, s, w); (got == n+1) != r.want.record {
					t.Errorf("records %d → %d", n, got)
				}
				got, err := s.FindAccountability(r.c, x.ID)
				check("FindAccountability", err, r.want.view)
				if err == nil && (got.Failure != x.Failure || got.Measure != campusguard.MeasureTalk) {
					t.Errorf("FindAccountability = %+v", got)
				}
				_, err = s.FindAccountability(r.c, x.ID+1000)
				if campusguard.ErrorCode(err) != campusguard.NotFound {
					t.Errorf("FindAccountability(no such id) = %v", err)
				}
				for _, org := range []int64{w.county.ID, w.school.ID} {
					list, err := s.FindAccountabilities(r.c, campusguard.AccountabilityFilter{OrgID: org})
					check("FindAccountabilities", err, r.want.list)
					if err == nil && len(list) == 0 {
						t.Errorf("FindAccountabilities(%d) is empty", org)
					}
					if err != nil && list != nil {
						t.Errorf("FindAccountabilities refused with a list")
					}
				}
			})
		}
		// The other county's admin sees its own county's list, empty.
		if list, err := s.FindAccountabilities(w.otherBureau, campusguard.AccountabilityFilter{OrgID: w.county2.ID}); err != nil || len(list) != 0 {
			t.Errorf("other county's list = %d, %v", len(list), err)
		}
	})
}

// TestAccountabilityBadInput: each bad record is refused naming its field,
// and nothing is stored.
func TestAccountabilityBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		far := &campusguard.Person{SchoolID: w.school3.ID, Kind: campusguard.Staff, Name: "诏安老师", Number: "Z1", Role: campusguard.RoleTeacher}
		if err := s.CreatePerson(ctx, far); err != nil {
			t.Fatal(err)
		}
		in := w.plan(t, s, true)
		v := w.visit(t, s, in, w.school, w.today)
		f := w.finding(t, s, v, campusguard.SeveritySerious, w.today.AddDays(2))
		w.carryOut(t, s, v)
		items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: w.school.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("items = %d, %v", len(items), err)
		}
		other := w.visit(t, s, in, w.school2, w.today)
		f2 := w.finding(t, s, other, campusguard.SeveritySerious, w.today.AddDays(2))

		cases := []struct {
			name, field string
			edit        func(x *campusguard.Accountability)
		}{
			{"unknown measure", "measure", func(x *campusguard.Accountability) { x.Measure = "dismissal" }},
			{"person outside the region", "person_id", func(x *campusguard.Accountability) { x.PersonID = &far.ID }},
			{"a student", "person_id", func(x *campusguard.Accountability) { x.PersonID = &w.student.ID }},
			{"person of another school", "person_id", func(x *campusguard.Accountability) { x.SchoolID = w.school2.ID }},
			{"school outside the region", "school_id", func(x *campusguard.Accountability) {
				x.PersonID, x.PersonName, x.SchoolID = nil, "某某", w.school3.ID
			}},
			{"missing what failed", "failure", func(x *campusguard.Accountability) { x.Failure = "  " }},
			{"unknown kind", "failure_kind", func(x *campusguard.Accountability) { x.FailureKind = "mood" }},
			{"a date in the future", "day", func(x *campusguard.Accountability) { x.Day = w.today.AddDays(1) }},
			{"no day", "day", func(x *campusguard.Accountability) { x.Day = campusguard.Date{} }},
			{"nobody accountable", "person_name", func(x *campusguard.Accountability) { x.PersonID = nil; x.SchoolID = w.school.ID }},
			{"no school", "school_id", func(x *campusguard.Accountability) { x.PersonID = nil; x.PersonName = "某某" }},
			{"links on a report", "link_ids", func(x *campusguard.Accountability) {
				x.FailureKind, x.LinkIDs = campusguard.FailureReport, []int64{items[0].ID}
			}},
			{"unknown item", "link_ids", func(x *campusguard.Accountability) {
				x.FailureKind, x.LinkIDs = campusguard.FailureRectification, []int64{items[0].ID + 100}
			}},
			{"another school's finding", "link_ids", func(x *campusguard.Accountability) {
				x.FailureKind, x.LinkIDs = campusguard.FailureFinding, []int64{f2.ID}
			}},
		}
		for _, c := range cases {
			x := accountabilityRecord(w)
			c.edit(x)
			wantCode(t, c.name, s.RecordAccountability(w.bureau, x), campusguard.Invalid, c.field)
			if n := countAccountability(t, s, w); n != 0 {
				t.Fatalf("%s: %d records stored", c.name, n)
			}
		}

		// A good record links the overdue item and the finding; a typed
		// name stands for a person not in the roster; the filters find it.
		x := accountabilityRecord(w)
		x.FailureKind, x.LinkIDs = campusguard.FailureRectification, []int64{items[0].ID}
		if err := s.RecordAccountability(w.bureau, x); err != nil {
			t.Fatalf("RecordAccountability = %v", err)
		}
		y := &campusguard.Accountability{SchoolID: w.school.ID, FailureKind: campusguard.FailureFinding, LinkIDs: []int64{f.ID},
			Failure: "留观室问题", PersonName: "王某", Post: "后勤主任", Measure: campusguard.MeasureCriticism, Day: w.today.AddDays(-3)}
		if err := s.RecordAccountability(w.bureau, y); err != nil {
			t.Fatalf("RecordAccountability(typed name) = %v", err)
		}
		got, err := s.FindAccountability(w.bureau, x.ID)
		if err != nil || len(got.LinkIDs) != 1 || got.LinkIDs[0] != items[0].ID || got.PersonID == nil || *got.PersonID != w.staff.ID {
			t.Fatalf("FindAccountability = %+v, %v", got, err)
		}
		crit := campusguard.MeasureCriticism
		from := w.today.AddDays(-1)
		for _, c := range []struct {
			name string
			f    campusguard.AccountabilityFilter
			want []int64
		}{
			{"all, latest first", campusguard.AccountabilityFilter{OrgID: w.county.ID}, []int64{x.ID, y.ID}},
			{"measure", campusguard.AccountabilityFilter{OrgID: w.county.ID, Measure: &crit}, []int64{y.ID}},
			{"from", campusguard.AccountabilityFilter{OrgID: w.county.ID, From: &from}, []int64{x.ID}},
			{"person", campusguard.AccountabilityFilter{OrgID: w.county.ID, PersonID: &w.staff.ID}, []int64{x.ID}},
			{"other school", campusguard.AccountabilityFilter{OrgID: w.school2.ID}, nil},
		} {
			list, err := s.FindAccountabilities(w.bureau, c.f)
			var ids []int64
			for _, r := range list {
				ids = append(ids, r.ID)
			}
			if err != nil || len(ids) != len(c.want) || (len(ids) > 0 && ids[0] != c.want[0]) {
				t.Errorf("%s = %v, %v; want %v", c.name, ids, err, c.want)
			}
		}
		// The audit log keeps the action, without the person's name.
		entries, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: ptr("record_accountability")})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit = %d, %v", len(entries), err)
		}
		for _, e := range entries {
			if e.Object == "" || strings.Contains(e.Detail, w.staff.Name) || strings.Contains(e.Detail, "王某") {
				t.Errorf("audit entry %+v", e)
			}
		}
	})
}
