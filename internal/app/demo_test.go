package app_test

import (
	"context"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDemoOutbreak: the demo's month of history shows the product at work
// on both databases: cases in every state, a confirmed one with contacts,
// and the outbreak raising both a fixed-rule and a statistical alert, each
// once however many days it lasted.
func TestDemoOutbreak(t *testing.T) {
	for _, d := range sqlstoretest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			s := sqlstoretest.OpenDialect(t, d)
			ctx := sqlstoretest.Ctx
			today, _ := campusguard.ParseDate("2026-11-30")
			if _, err := app.BuildDemo(context.Background(), s, demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30}); err != nil {
				t.Fatal(err)
			}
			// The county's calendar holds the history's day off, on which
			// nobody was expected, and the coming New Year's Day.
			cal, err := s.CalendarDays(ctx, 1, today.AddDays(-30), today.AddDays(60))
			if err != nil || len(cal) != 2 || cal[0].Name != "运动会停课" || cal[1].Name != "元旦" ||
				cal[1].Day.String() != "2027-01-01" {
				t.Fatalf("CalendarDays = %+v, %v; want the sports meet and New Year's Day", cal, err)
			}
			if rs, err := s.Rollups(ctx, 1, cal[0].Day, cal[0].Day); err != nil || len(rs) != 0 {
				t.Errorf("the day off has figures: %+v, %v", rs, err)
			}
			cases, _, err := s.FindCases(ctx, campusguard.CaseFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			states := map[campusguard.CaseState]int{}
			var confirmed *campusguard.Case
			for _, k := range cases {
				states[k.State]++
				if k.Outcome == campusguard.OutcomeConfirmed {
					confirmed = k
				}
			}
			for _, st := range campusguard.CaseStates {
				if states[st] == 0 {
					t.Errorf("no demo case is %s: %v", st, states)
				}
			}
			if confirmed == nil {
				t.Fatal("no confirmed case")
			}
			contacts, err := s.CaseContacts(ctx, confirmed.ID)
			if err != nil || len(contacts) < 10 {
				t.Errorf("contacts of the confirmed case = %d, %v", len(contacts), err)
			}
			alerts, _, err := s.FindAlerts(ctx, campusguard.AlertFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			rules := map[campusguard.AlertRule]int{}
			fever := 0
			for _, a := range alerts {
				rules[a.Rule]++
				if a.Rule == campusguard.RuleAberration && a.Series == campusguard.SeriesFever {
					fever++
					if a.Days < 2 {
						t.Errorf("the fever aberration lasted %d day(s); the outbreak runs several", a.Days)
					}
				}
			}
			if rules[campusguard.RuleClassDay] != 1 || rules[campusguard.RuleClassDays] != 1 {
				t.Errorf("fixed-rule alerts = %v, want one of each cluster rule", rules)
			}
			if fever == 0 {
				t.Errorf("no statistical fever alert: %v", rules)
			}
		})
	}
}
