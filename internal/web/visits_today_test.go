package web_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestVisitsToday: the inspector's page of the day lists the day's visits,
// each leading to its form, and the open ones of the next days; on a day
// with none it says so. Only those who inspect have it; the school's
// principal does not, and the county's page links to it for the inspector
// alone. On a school day (Monday) and on a day off (the Sunday before).
func TestVisitsToday(t *testing.T) {
	monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
	for _, c := range []struct {
		name  string
		now   time.Time
		today int // visits on the day
		ahead int // open visits in the next days
	}{
		{"school day", monday, 1, 1},
		{"day off", monday.AddDate(0, 0, -1), 0, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				f := mustFixture(t, s)
				s.Now = func() time.Time { return c.now }
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
					Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
					Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return c.now }}).URL
				mon := campusguard.DateOf(monday)
				ids := map[string]int64{}
				for _, x := range []struct {
					name      string
					announced bool
					day       campusguard.Date
				}{{"announced", true, mon}, {"unannounced", false, mon.AddDays(1)}} {
					in := &campusguard.Inspection{RegionID: f.county.ID, Title: x.name, Team: "第一组", Announced: x.announced,
						From: mon.AddDays(-3), To: mon.AddDays(10), Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
					if err := s.CreateInspection(ctx, in); err != nil {
						t.Fatal(err)
					}
					v, err := s.AddVisit(ctx, in.ID, f.school.ID, x.day)
					if err != nil {
						t.Fatal(err)
					}
					ids[x.name] = v.ID
				}
				inspector := signIn(t, s, grant(campusguard.Inspector, f.county))
				head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
				cdc := signIn(t, s, grant(campusguard.RegionViewer, f.county))

				p := inspector.get(t, srv+"/visits")
				if p.status != 200 {
					t.Fatalf("GET /visits = %d %s", p.status, p.body)
				}
				day := p.all(t, `[data-testid="visits-day"] [data-testid="visit-card"]`)
				ahead := p.all(t, `[data-testid="visits-upcoming"] [data-testid="visit-card"]`)
				if len(day) != c.today || len(ahead) != c.ahead {
					t.Fatalf("GET /visits on %s: %d visits of the day, %d ahead; want %d, %d", c.now, len(day), len(ahead), c.today, c.ahead)
				}
				if c.today == 1 {
					if got := attr(find(t, day[0], testid("visit-open")), "href"); got != "/visits/"+itoa(ids["announced"]) {
						t.Errorf("the day's visit links to %q", got)
					}
					if n := len(p.all(t, testid("visits-none"))); n != 0 {
						t.Errorf("a day with a visit says it has none")
					}
					if g := inspector.get(t, srv+"/visits/"+itoa(ids["announced"])); g.status != 200 || len(g.all(t, testid("result-form"))) == 0 {
						t.Errorf("the visit's form = %d", g.status)
					}
				} else if n := len(p.all(t, testid("visits-none"))); n != 1 {
					t.Errorf("a day without visits does not say so")
				}
				// Another day by ?day=: the Tuesday, the unannounced visit.
				tue := inspector.get(t, srv+"/visits?day="+mon.AddDays(1).String())
				if cards := tue.all(t, `[data-testid="visits-day"] [data-testid="visit-card"]`); len(cards) != 1 ||
					attr(cards[0], "data-announced") != "false" || len(tue.all(t, testid("upcoming-none"))) != 1 {
					t.Errorf("GET /visits?day=Tuesday: %d cards", len(cards))
				}
				if g := inspector.get(t, srv+"/visits?day=2026-13-01"); g.status != 422 {
					t.Errorf("GET /visits?day=2026-13-01 = %d, want 422", g.status)
				}
				// Nobody else has the page; the county's page links to it
				// for the inspector only.
				for name, b := range map[string]*browser{"principal": head, "cdc": cdc} {
					if g := b.get(t, srv+"/visits"); g.status != 404 {
						t.Errorf("%s GET /visits = %d, want 404", name, g.status)
					}
				}
				if o := inspector.get(t, srv+"/orgs/"+itoa(f.county.ID)); len(o.all(t, testid("visits-today-link"))) != 1 {
					t.Errorf("the county's page does not link the inspector to the visits of the day")
				}
				if o := cdc.get(t, srv+"/orgs/"+itoa(f.county.ID)); len(o.all(t, testid("visits-today-link"))) != 0 {
					t.Errorf("the county's page links a reader to the visits of the day")
				}
			})
		})
	}
}
