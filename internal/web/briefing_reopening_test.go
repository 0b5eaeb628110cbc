package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestBriefingPageKeepsReopening: the briefing page shows the reopening
// its briefing kept, not today's: a class suspended when it was generated
// and resumed since still counts as suspended there, while the dashboard
// shows it open.
func TestBriefingPageKeepsReopening(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		srv := readinessServer(t, s, func() time.Time { return monday })
		day := campusguard.DateOf(monday)
		bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		bctx := sqlstoretest.ActorCtx(t, s, bureau.user)
		x := &campusguard.Suspension{OrgID: f.class1.ID, Start: day, Reason: "流感样病例暴发"}
		if err := s.Suspend(bctx, x); err != nil {
			t.Fatal(err)
		}
		list := srv + "/orgs/" + itoa(f.county.ID) + "/briefings"
		if r := bureau.post(t, list, url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("POST briefings = %d", r.status)
		}
		if err := s.Resume(bctx, x.ID, day, "连续4天无新发病例"); err != nil {
			t.Fatal(err)
		}
		count := func(p *page, key string) string {
			t.Helper()
			for _, n := range p.all(t, testid("reopening-count")) {
				if attr(n, "data-key") == key {
					return nodeText(n)
				}
			}
			t.Fatalf("no reopening count %q", key)
			return ""
		}
		p := bureau.get(t, list+"/"+day.String())
		figs := find(t, p.doc, testid("reopening-figures"))
		if attr(figs, "data-open-classes") != "0" || count(p, "suspended") != "有停课班级的学校：1" {
			t.Errorf("stored briefing: open classes %s, %q; want the suspension it kept", attr(figs, "data-open-classes"), count(p, "suspended"))
		}
		d := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard")
		if attr(find(t, d.doc, testid("reopening-figures")), "data-open-classes") != "1" || count(d, "suspended") != "有停课班级的学校：0" {
			t.Errorf("dashboard: want the class resumed, open now")
		}
	})
}
