package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// figureCells returns a table row's figures by their data-testid, without
// the "cell-" prefix.
func figureCells(t *testing.T, row *html.Node) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range []string{"expected", "reported", "completeness", "fever", "ill-absent", "open-followups"} {
		out[id] = nodeText(find(t, row, testid("cell-"+id)))
	}
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// TestCompleteness runs at two hours of today in China, before and after
// the report deadline of 07:00, with the pages' clock set to each.
func TestCompleteness(t *testing.T) {
	for _, hour := range []int{6, 12} {
		t.Run(fmt.Sprintf("%02d:00", hour), func(t *testing.T) { testCompleteness(t, hour) })
	}
}

func testCompleteness(t *testing.T, hour int) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		// A town with no school yet: nobody expected.
		empty := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "火田镇", ParentID: &f.county.ID}
		if err := s.CreateOrg(ctx, empty); err != nil {
			t.Fatal(err)
		}
		day := today()
		if err := s.OpenDay(ctx, f.county.ID, day); err != nil {
			t.Fatal(err)
		}
		// Class 1: one student reports a fever at the gate, the other is
		// absent ill (not a report, and a follow-up opens). Class 2 is
		// empty.
		for _, c := range []*campusguard.Check{
			{PersonID: f.student.ID, Day: day, Kind: campusguard.GateCheck, Temperature: ptrF(38.1), ClientKey: "w1"},
			{PersonID: f.student2.ID, Day: day, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
				AbsenceReason: campusguard.AbsentIll, ClientKey: "w2"},
		} {
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatalf("RecordCheck(%s) = %v", c.ClientKey, err)
			}
		}
		cst := campusguard.China
		y, m, d := time.Now().In(cst).Date()
		at := time.Date(y, m, d, hour, 0, 0, 0, cst)
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Logger: discardLogger(),
			Now: func() time.Time { return at }})
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		past := hour >= 7
		half := map[string]string{"expected": "2", "reported": "1", "completeness": "50%", "fever": "1",
			"ill-absent": "1", "open-followups": "1"}
		if past {
			half["completeness"] = "50% 未报齐"
		}
		none := map[string]string{"expected": "0", "reported": "0", "completeness": "无学生", "fever": "0",
			"ill-absent": "0", "open-followups": "0"}
		// checkRow checks a row's figures and its highlight.
		checkRow := func(t *testing.T, name string, row *html.Node, want map[string]string, late bool) {
			t.Helper()
			if diff := cmp.Diff(want, figureCells(t, row)); diff != "" {
				t.Errorf("%s figures (-want +got):\n%s", name, diff)
			}
			if got := hasClass(row, "incomplete"); got != late {
				t.Errorf("%s highlighted = %v, want %v (past the deadline: %v)", name, got, late, past)
			}
		}
		// rows returns the page's rows of sel by the text of their link.
		rows := func(t *testing.T, p *page, sel, link string) map[string]*html.Node {
			t.Helper()
			if p.status != http.StatusOK {
				t.Fatalf("status = %d: %.300s", p.status, p.body)
			}
			out := map[string]*html.Node{}
			for _, r := range p.all(t, sel) {
				out[nodeText(find(t, r, testid(link)))] = r
			}
			return out
		}

		t.Run("county", func(t *testing.T) {
			p := admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID))
			got := rows(t, p, testid("child-row"), "child-link")
			if len(got) != 2 || got["云陵镇"] == nil || got["火田镇"] == nil {
				t.Fatalf("child rows = %v, want both towns", got)
			}
			checkRow(t, "云陵镇", got["云陵镇"], half, past)
			checkRow(t, "火田镇", got["火田镇"], none, false)
			if got := p.text(t, testid("children-day")); !strings.Contains(got, day.String()) {
				t.Errorf("children's day = %q, want %s", got, day)
			}
			// The table scrolls inside its own box on a phone.
			if len(p.all(t, `.table-scroll > table.scroll [data-testid="child-row"]`)) != 2 {
				t.Errorf("the children's table is not inside a scrolling box")
			}
		})
		t.Run("town", func(t *testing.T) {
			got := rows(t, admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID)), testid("child-row"), "child-link")
			if len(got) != 1 || got["云陵中心小学"] == nil {
				t.Fatalf("child rows = %v, want the school", got)
			}
			checkRow(t, "云陵中心小学", got["云陵中心小学"], half, past)
		})
		t.Run("county search", func(t *testing.T) {
			// A search lists schools anywhere below, with their figures.
			got := rows(t, admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"?q=中心小学"), testid("child-row"), "child-link")
			if len(got) != 1 || got["云陵中心小学"] == nil {
				t.Fatalf("child rows = %v, want the school", got)
			}
			checkRow(t, "云陵中心小学", got["云陵中心小学"], half, past)
		})
		t.Run("school", func(t *testing.T) {
			p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
			got := rows(t, p, testid("class-figures-row"), "class-figures-link")
			if len(got) != 2 {
				t.Fatalf("class rows = %v, want both classes", got)
			}
			checkRow(t, "1班", got["1班"], half, past)
			checkRow(t, "2班", got["2班"], none, false)
			for name, class := range map[string]*campusguard.Org{"1班": f.class1, "2班": f.class2} {
				if href := attr(find(t, got[name], testid("class-figures-link")), "href"); href != "/orgs/"+itoa(class.ID) {
					t.Errorf("%s links to %q, want its page", name, href)
				}
				if g := nodeText(find(t, got[name], testid("class-figures-grade"))); g != "一年级" {
					t.Errorf("%s grade = %q, want 一年级", name, g)
				}
			}
			if got := p.text(t, testid("class-figures-day")); got != day.String() {
				t.Errorf("class figures' day = %q, want %s", got, day)
			}
			if len(p.all(t, `.table-scroll > table.scroll [data-testid="class-figures-row"]`)) != 2 {
				t.Errorf("the classes' table is not inside a scrolling box")
			}
			// The figures card above still reads the school's own figures.
			if got := p.text(t, testid("fig-expected")); got != "2" {
				t.Errorf("school's expected = %q, want 2", got)
			}
		})
	})
	t.Run("stylesheet", func(t *testing.T) {
		s := sqlstoretest.Open(t)
		srv := newServer(t, s)
		css := get(t, srv.URL+"/static/app.css").body
		for _, rule := range []string{".table-scroll { overflow-x: auto;", ".list.scroll tr.incomplete td {"} {
			if !strings.Contains(css, rule) {
				t.Errorf("app.css lacks %q", rule)
			}
		}
	})
}

func ptrF(v float64) *float64 { return &v }
