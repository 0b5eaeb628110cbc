package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestInspectionChecklistPage: the region's inspector edits the inspection
// checklist row by row. An empty title and a repeated code are refused,
// each named with its row, and nothing changes; a good list is stored as a
// new version. A reader sees the list without the form; a school's
// account does not see the page. On a school day and on a day off.
func TestInspectionChecklistPage(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				f := mustFixture(t, s)
				s.Now = func() time.Time { return c.now }
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
					Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
					Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return c.now }}).URL
				inspector := signIn(t, s, grant(campusguard.Inspector, f.county))
				cdc := signIn(t, s, grant(campusguard.RegionViewer, f.county))
				head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
				page := srv + "/orgs/" + itoa(f.county.ID) + "/inspection-checklist"
				def := campusguard.DefaultInspectionChecklist()

				if p := inspector.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/inspections"); len(p.all(t, testid("checklist-link"))) != 1 {
					t.Fatal("the inspections page does not link to the checklist")
				}
				p := inspector.get(t, page)
				if p.status != 200 || len(p.all(t, testid("checklist-row"))) != len(def)+3 ||
					attr(find(t, p.doc, testid("checklist-version")), "data-default") != "true" {
					t.Fatalf("GET checklist = %d, %d rows", p.status, len(p.all(t, testid("checklist-row"))))
				}
				// stored returns how many versions the region has saved
				// (the default is none) and the current one's size.
				stored := func() (int64, int) {
					t.Helper()
					cl, err := s.InspectionChecklist(ctx, f.county.ID)
					if err != nil {
						t.Fatal(err)
					}
					return cl.ID, len(cl.Items)
				}
				form := func(rows ...[3]string) url.Values {
					v := url.Values{}
					for _, r := range rows {
						v.Add("code", r[0])
						v.Add("section", r[1])
						v.Add("title", r[2])
					}
					return v
				}
				for _, bad := range []struct {
					name  string
					form  url.Values
					row   int
					field string
				}{
					{"empty title", form([3]string{"G1", "校门", "测温"}, [3]string{"G2", "校门", ""}), 2, "row-title"},
					{"duplicate code", form([3]string{"G1", "校门", "测温"}, [3]string{"", "", ""}, [3]string{"G1", "校门", "登记"}), 2, "row-code"},
				} {
					r := inspector.post(t, page, bad.form)
					if r.status != http.StatusUnprocessableEntity {
						t.Fatalf("%s = %d", bad.name, r.status)
					}
					rows := r.all(t, testid("checklist-row"))
					if len(rows) < bad.row || attr(find(t, rows[bad.row-1], testid(bad.field)), "aria-invalid") != "true" {
						t.Errorf("%s: row %d's %s not marked", bad.name, bad.row, bad.field)
					}
					if len(r.all(t, testid("field-error"))) != 1 {
						t.Errorf("%s: %d field errors, want 1: %v", bad.name, len(r.all(t, testid("field-error"))), r.texts(t, testid("field-error")))
					}
					if id, n := stored(); id != 0 || n != len(def) {
						t.Fatalf("%s: the checklist changed: %d, %d items", bad.name, id, n)
					}
				}
				r := inspector.post(t, page, form([3]string{"G1", "校门", "测温"}, [3]string{"", "", ""}, [3]string{"H1", "健康", "留观室"}))
				if r.status != http.StatusSeeOther {
					t.Fatalf("save = %d %s", r.status, r.body)
				}
				cl, err := s.InspectionChecklist(ctx, f.county.ID)
				if err != nil || cl.ID == 0 || len(cl.Items) != 2 || cl.Items[1].Code != "H1" {
					t.Fatalf("stored checklist = %+v, %v", cl, err)
				}
				ro := cdc.get(t, page)
				if ro.status != 200 || len(ro.all(t, testid("checklist-form"))) != 0 || len(ro.all(t, testid("checklist-item"))) != 2 {
					t.Errorf("a reader's page = %d", ro.status)
				}
				if r := cdc.post(t, page, form([3]string{"X1", "x", "x"})); r.status == http.StatusSeeOther {
					t.Errorf("a reader's save = %d", r.status)
				}
				if _, n := stored(); n != 2 {
					t.Errorf("a reader's save changed the checklist to %d items", n)
				}
				if g := head.get(t, page); g.status != 404 {
					t.Errorf("principal GET checklist = %d, want 404", g.status)
				}
			})
		})
	}
}
