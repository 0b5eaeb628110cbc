package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// firstDay is one morning a new user may try the demo on.
type firstDay struct {
	name  string
	today campusguard.Date // the demo's today and the server's clock's day
	// shown is the school day the daily pages show: today, or on a day
	// off the last school day before it.
	shown campusguard.Date
}

var firstDays = []firstDay{
	{name: "saturday", today: campusguard.Date{Year: 2026, Month: time.December, Day: 5},
		shown: campusguard.Date{Year: 2026, Month: time.December, Day: 4}},
	{name: "schoolday", today: campusguard.Date{Year: 2026, Month: time.December, Day: 4},
		shown: campusguard.Date{Year: 2026, Month: time.December, Day: 4}},
}

// TestFirstDay walks a new user's first morning, in zh-Hans, on a demo
// county built as the quick start builds it (with its demo accounts) for a
// Saturday and for a school day, the server's clock set to 09:30 of that
// day: the sign-in page and each account's home, the guardian's report and
// seeing it again, the class teacher's class naming its children with
// their cases, the school doctor seeing the outbreak's cases, and the
// bureau's alerts. With CAMPUSGUARD_SCREENSHOTS=1 it saves each page to
// docs/screenshots/firstday-*.png.
func TestFirstDay(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	for _, fd := range firstDays {
		t.Run(fd.name, func(t *testing.T) {
			base, s := firstDayServer(t, fd)
			story := storyClass(t, s)
			shots := newShots(t, fd.name)

			// The guardian: the home page names their child; the form shows
			// what was sent today and names a fever a normal report replaces.
			b := signInTab(t, base, phone, "parent")
			b.text(testid("children"))
			b.follow(testid("child-report"))
			if n := b.count(testid("report-sent")); n != 0 {
				t.Fatalf("%s: the form shows a report sent today before any was: %q", b.path(), b.text(testid("report-sent")))
			}
			shots.take(b, "home-report")
			setValue(b, testid("temperature"), "38.6")
			b.click(testid("symptom-cough"))
			b.follow(testid("report-submit"))
			if got := b.text(testid("report-done-text")); !strings.Contains(got, "38.6") {
				t.Errorf("report done: got %q, want the 38.6 sent", got)
			}
			b.follow(testid("report-back"))
			b.follow(testid("child-report"))
			sent := b.text(testid("report-sent-text"))
			if !strings.Contains(sent, "38.6") || !strings.Contains(sent, "今天") {
				t.Errorf("the form again: today's report shows as %q, want today's 38.6", sent)
			}
			if got := b.attrs(testid("temperature"), "value"); len(got) != 1 || got[0] != "38.6" {
				t.Errorf("the form again: temperature %q, want 38.6 filled in to correct", got)
			}
			shots.take(b, "home-report-sent")
			setValue(b, testid("temperature"), "36.6")
			b.click(testid("symptom-cough")) // unticks it
			b.follow(testid("report-submit"))
			if got := b.text(testid("report-replaced")); !strings.Contains(got, "38.6") {
				t.Errorf("a normal report after a fever: got %q, want the fever named", got)
			}

			// The class teacher: the class page names who needs attention on
			// the day shown, each with their case.
			b = signInTab(t, base, desktop, "teacher")
			b.open(orgPath(story.class))
			if got := b.text(testid("class-day-date")); got != fd.shown.String() {
				t.Errorf("class page shows %s, want %s", got, fd.shown)
			}
			if fd.today != fd.shown {
				if got := b.text(testid("day-off")); !strings.Contains(got, fd.shown.String()) {
					t.Errorf("day off: the note says %q, want it to name %s", got, fd.shown)
				}
			} else if n := b.count(testid("day-off")); n != 0 {
				t.Errorf("school day: %d day-off notes, want none", n)
			}
			named := b.texts(testid("class-day-abnormal") + " " + testid("class-day-child"))
			if len(named) == 0 {
				t.Fatalf("class page of %s: no abnormal child named", fd.shown)
			}
			for _, n := range named {
				if strings.TrimSpace(strings.SplitN(n, " ", 2)[0]) == "" {
					t.Errorf("an abnormal child without a name: %q", n)
				}
			}
			if b.count(testid("class-day-abnormal")+" "+testid("class-day-case")) == 0 {
				t.Errorf("class page: no abnormal child's case linked; named %q", named)
			}
			for _, n := range b.texts(testid("class-day-missing") + " " + testid("class-day-child")) {
				for _, a := range b.texts(testid("class-day-absent") + " " + testid("class-day-child")) {
					if strings.HasPrefix(a, n) {
						t.Errorf("%q is both absent and not reported", n)
					}
				}
			}
			if fd.today == fd.shown {
				// Today's fever, reported a moment ago, is on the list.
				if !strings.Contains(strings.Join(named, "\n"), "38.6") {
					t.Errorf("class page: today's 38.6 of the guardian's child is not named: %q", named)
				}
			}
			shots.take(b, "class")

			// The school doctor: the outbreak's cases, named, at their school.
			b = signInTab(t, base, desktop, "doctor")
			b.open(orgPath(story.school) + "/cases")
			if n := b.count(testid("case-row")); n < 3 {
				t.Errorf("the doctor sees %d cases at %s, want the outbreak's (at least 3)", n, story.schoolName)
			}
			shots.take(b, "doctor-cases")

			// The bureau: the alerts list shows the outbreak.
			b = signInTab(t, base, desktop, "bureau")
			b.open("/alerts")
			if n := b.count(testid("alert-row")); n == 0 {
				t.Errorf("the bureau's alerts: none, want the outbreak's")
			}
			shots.take(b, "alerts")
			b.open("/")
			shots.take(b, "bureau-home")
		})
	}
}

// firstDayServer builds the demo county the quick start builds, small, for
// the day, with the demo accounts, and serves it with the clock at 09:30
// of that day in China. It returns the server's URL and its store.
func firstDayServer(t *testing.T, fd firstDay) (string, *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	s, _, err := app.OpenStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "firstday.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.BuildDemo(ctx, s, demo.Config{Seed: demoSeed, Students: 1500, Today: fd.today, HistoryDays: 14}); err != nil {
		s.Close()
		t.Fatalf("build the demo county for %s: %v", fd.today, err)
	}
	if _, err := app.CreateDemoAccounts(ctx, s); err != nil {
		s.Close()
		t.Fatalf("demo accounts: %v", err)
	}
	at := time.Date(fd.today.Year, fd.today.Month, fd.today.Day, 9, 30, 0, 0, campusguard.China)
	m := &app.Main{Addr: "127.0.0.1:0", Open: s, Logger: server.Logger, Now: func() time.Time { return at }}
	if err := m.Run(ctx); err != nil {
		s.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m.URL(), s
}

// story is where the demo's accounts and its outbreak are.
type story struct {
	school, class int64
	schoolName    string
}

// storyClass reads the class teacher's class and its school.
func storyClass(t *testing.T, s *sqlstore.Store) story {
	t.Helper()
	ctx := campusguard.SystemContext(t.Context(), "e2e")
	login := "teacher"
	users, _, err := s.FindUsers(ctx, campusguard.UserFilter{Query: &login})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Login != login || len(u.Grants) == 0 {
			continue
		}
		class, err := s.FindOrgByID(ctx, u.Grants[0].OrgID)
		if err != nil {
			t.Fatal(err)
		}
		anc, err := s.OrgAncestors(ctx, class.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range anc {
			if a.Kind == campusguard.KindSchool {
				return story{school: a.ID, class: class.ID, schoolName: a.Name}
			}
		}
	}
	t.Fatal("the demo has no class teacher with a class in a school")
	return story{}
}

// signInTab opens a tab in zh-Hans on the server at base and signs in with
// the quick start's sign-in page as the demo account login.
func signInTab(t *testing.T, base string, vp viewport, login string) *tab {
	t.Helper()
	b := newTabAs(t, vp, acceptChinese, "")
	b.base = base
	b.open("/login")
	if got := b.htmlLang(); got != "zh-Hans" {
		t.Errorf("sign-in page: lang %q, want zh-Hans", got)
	}
	b.typeIn(testid("login-login"), login)
	b.typeIn(testid("login-password"), app.DemoPassword)
	b.follow(testid("login-submit"))
	if p := b.path(); strings.HasPrefix(p, "/login") {
		t.Fatalf("signing in as %s: still on %s", login, p)
	}
	return b
}

// setValue replaces the value of the input the selector matches.
func setValue(b *tab, sel, v string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), v)); err != nil {
		b.t.Fatalf("set %s on %s: %v", sel, b.path(), err)
	}
}

// shots saves the walk's pages to docs/screenshots when asked to.
type shots struct {
	t    *testing.T
	dir  string
	name string
}

func newShots(t *testing.T, name string) *shots {
	if os.Getenv(EnvScreenshots) != "1" {
		return &shots{t: t}
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller: no file name")
	}
	return &shots{t: t, dir: filepath.Join(filepath.Dir(file), "..", "docs", "screenshots"), name: name}
}

func (s *shots) take(b *tab, page string) {
	if s.dir == "" {
		return
	}
	png := b.screenshot()
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		s.t.Fatalf("screenshot of %s: not a PNG", b.path())
	}
	name := filepath.Join(s.dir, fmt.Sprintf("firstday-%s-%s.png", s.name, page))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}
