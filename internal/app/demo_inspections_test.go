package app_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDemoInspections: the demo's month of inspections holds an item in
// every state (overdue ones among them), findings of every severity by
// two joint teams, one announced and one not; the demo accounts' school
// has an item to answer and does not see the unannounced visit planned
// there, which the inspector does; and the inspector has a visit today.
func TestDemoInspections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		today := campusguard.DateOf(monday)
		cfg := demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if err := app.DemoInspections(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if got := s.Now(); !got.Equal(monday) {
			t.Fatalf("after the demo the store's clock says %s, want %s", got, monday)
		}
		if _, err := app.CreateDemoAccounts(ctx, s); err != nil {
			t.Fatal(err)
		}
		county, err := s.FindOrgByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}

		items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: county.ID, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		states := map[campusguard.RectState]int{}
		overdue := 0
		for _, x := range items {
			states[x.State]++
			if x.Overdue {
				overdue++
			}
		}
		want := map[campusguard.RectState]int{campusguard.RectOpen: 4, campusguard.RectAnswered: 2, campusguard.RectReturned: 2,
			campusguard.RectClosed: 4}
		for st, n := range want {
			if states[st] != n {
				t.Errorf("%d items %s, want %d (all: %v)", states[st], st, n, states)
			}
		}
		if overdue != 2 {
			t.Errorf("%d items overdue, want 2", overdue)
		}
		// The demo's accountability record: a talk about the longest
		// overdue item, linked to it.
		recs, err := s.FindAccountabilities(ctx, campusguard.AccountabilityFilter{OrgID: county.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].FailureKind != campusguard.FailureRectification || len(recs[0].LinkIDs) != 1 ||
			recs[0].Measure != campusguard.MeasureTalk {
			t.Fatalf("accountability records = %+v, want one talk about an overdue item", recs)
		}
		linked, err := s.FindRectification(ctx, recs[0].LinkIDs[0])
		if err != nil || !linked.Overdue || linked.SchoolID != recs[0].SchoolID {
			t.Errorf("the record links %+v, %v; want an overdue item of its school", linked, err)
		}

		ins, err := s.FindInspections(ctx, campusguard.InspectionFilter{RegionID: county.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ins) != 2 || ins[0].Announced == ins[1].Announced {
			t.Fatalf("inspections = %d, want one announced and one not", len(ins))
		}
		severities := map[campusguard.FindingSeverity]int{}
		for _, in := range ins {
			agencies := map[campusguard.Agency]bool{}
			for _, m := range in.Members {
				agencies[m.Agency] = true
			}
			if len(agencies) != len(campusguard.Agencies) {
				t.Errorf("team %s has agencies %v, want all four", in.Team, agencies)
			}
			full, err := s.FindInspection(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range full.Visits {
				if v.Day.Before(today.AddDays(-30)) || today.AddDays(7).Before(v.Day) {
					t.Errorf("visit on %s, outside the month", v.Day)
				}
				one, err := s.FindVisit(ctx, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range one.FindingList {
					severities[f.Severity]++
				}
			}
		}
		if len(severities) != 3 {
			t.Errorf("findings by severity %v, want every severity", severities)
		}

		// The demo's principal and inspector.
		principal, inspector := demoUser(t, s, "principal"), demoUser(t, s, "inspector")
		// Accounts of the same grants act as they do (the demo's
		// password is not the tests').
		as := func(u *campusguard.User) context.Context {
			g := u.Grants[0]
			return sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: g.Role, OrgID: g.OrgID}))
		}
		pctx, ictx := as(principal), as(inspector)
		school := principal.Grants[0].OrgID
		mine, err := s.FindRectifications(pctx, campusguard.RectFilter{OrgID: school, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		toAnswer := 0
		for _, x := range mine {
			if x.State == campusguard.RectOpen || x.State == campusguard.RectReturned {
				toAnswer++
			}
		}
		if toAnswer == 0 {
			t.Errorf("the principal's school has no item to answer among %d", len(mine))
		}
		open := true
		planned, err := s.FindVisits(ictx, campusguard.VisitFilter{SchoolID: &school, Open: &open})
		if err != nil {
			t.Fatal(err)
		}
		var hidden *campusguard.Visit
		for _, v := range planned {
			if !v.Announced {
				hidden = v
			}
		}
		if hidden == nil {
			t.Fatalf("the inspector sees no unannounced visit planned at the principal's school among %d", len(planned))
		}
		if _, err := s.FindVisit(pctx, hidden.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("FindVisit(hidden) as the principal: %v, want NotFound", err)
		}
		seen, err := s.FindVisits(pctx, campusguard.VisitFilter{SchoolID: &school})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range seen {
			if v.ID == hidden.ID {
				t.Errorf("the principal's list of visits shows the unannounced one planned")
			}
		}
		n, err := s.CountVisits(pctx, campusguard.VisitFilter{SchoolID: &school, Open: &open})
		if err != nil || n != 0 {
			t.Errorf("CountVisits(open) as the principal = %d, %v; want 0", n, err)
		}
		todays, err := s.FindVisits(ictx, campusguard.VisitFilter{RegionID: county.ID, Day: &today, Open: &open})
		if err != nil || len(todays) != 1 {
			t.Fatalf("the inspector's visits today = %d, %v; want 1", len(todays), err)
		}
	})
}

// demoUser returns the demo account with the login.
func demoUser(t *testing.T, s *sqlstore.Store, login string) *campusguard.User {
	t.Helper()
	ctx := campusguard.SystemContext(context.Background(), "test")
	users, _, err := s.FindUsers(ctx, campusguard.UserFilter{Query: &login})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Login == login {
			return u
		}
	}
	t.Fatalf("no demo account %s", login)
	return nil
}
