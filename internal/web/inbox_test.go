package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// inboxCase opens a case for the person by hand, as the user would.
func inboxCase(tb testing.TB, s *sqlstore.Store, as *campusguard.User, personID int64) *campusguard.Case {
	tb.Helper()
	onset := campusguard.Today(time.Now()).AddDays(-1)
	temp := 38.2
	k, err := s.OpenCase(sqlstoretest.ActorCtx(tb, s, as), campusguard.NewCase{PersonID: personID, OnsetDay: onset, Temperature: &temp})
	if err != nil {
		tb.Fatalf("OpenCase(%d) = %v", personID, err)
	}
	return k
}

// TestInbox: opening cases fills the class teacher's inbox; the badge on
// every page counts the unread; reading one opens its link; all can be
// marked read at once.
func TestInbox(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))

		p := teacher.get(t, srv.URL+"/inbox")
		if p.status != http.StatusOK || p.text(t, testid("inbox")+" "+testid("none")) != "还没有消息" {
			t.Fatalf("empty inbox = %d:\n%s", p.status, p.body)
		}
		if n := len(p.all(t, testid("unread-badge"))); n != 0 {
			t.Errorf("badge on an empty inbox")
		}
		if n := len(p.all(t, testid("inbox-read-all"))); n != 0 {
			t.Errorf("mark-all button with nothing unread")
		}

		k1 := inboxCase(t, s, officer.user, f.student.ID)
		k2 := inboxCase(t, s, officer.user, f.student2.ID)

		// The badge shows on any page.
		p = teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID))
		if p.status != http.StatusOK || p.text(t, testid("unread-badge")) != "2" {
			t.Fatalf("badge on the class page = %d %q", p.status, p.texts(t, testid("unread-badge")))
		}
		p = teacher.get(t, srv.URL+"/inbox")
		want := []string{"林小红 出现异常，已生成病例", "陈小明 出现异常，已生成病例"} // newest first
		if diff := cmp.Diff(want, p.texts(t, testid("inbox-subject"))); diff != "" {
			t.Errorf("inbox subjects (-want +got):\n%s", diff)
		}
		items := p.all(t, testid("inbox-item"))
		for _, it := range items {
			if !strings.Contains(attr(it, "class"), "unread") {
				t.Errorf("a new notification is not shown unread")
			}
		}
		if p.text(t, testid("inbox-read-all")) != "全部标为已读" {
			t.Errorf("no mark-all button")
		}

		// Reading one opens its case and leaves one unread.
		form := find(t, items[1], testid("inbox-read-form"))
		next := attr(find(t, form, `input[name="next"]`), "value")
		if next != "/cases/"+itoa(k1.ID) {
			t.Errorf("link of the older notification = %q, want its case", next)
		}
		p = teacher.post(t, srv.URL+attr(form, "action"), url.Values{"next": {next}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != next {
			t.Fatalf("read one = %d → %q", p.status, p.header.Get("Location"))
		}
		p = teacher.get(t, srv.URL+"/inbox")
		if p.text(t, testid("unread-badge")) != "1" {
			t.Errorf("badge after reading one = %q", p.text(t, testid("unread-badge")))
		}
		items = p.all(t, testid("inbox-item"))
		if strings.Contains(attr(items[1], "class"), "unread") || !strings.Contains(attr(items[0], "class"), "unread") {
			t.Errorf("after reading the older one: classes %q, %q", attr(items[0], "class"), attr(items[1], "class"))
		}
		if got := attr(find(t, items[1], "a"+testid("inbox-open")), "href"); got != next {
			t.Errorf("a read notification links to %q, want %q", got, next)
		}
		// Only a path on this site is followed.
		id2 := attr(items[0], "data-notification")
		p = teacher.post(t, srv.URL+"/inbox/"+id2+"/read", url.Values{"next": {"https://evil.example/"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox" {
			t.Errorf("read with an outside link = %d → %q", p.status, p.header.Get("Location"))
		}
		// Someone else's notification is not found.
		if p := officer.post(t, srv.URL+"/inbox/"+id2+"/read", nil); p.status != http.StatusNotFound {
			t.Errorf("reading another's notification = %d, want 404", p.status)
		}

		// A change of state names the state in the reader's language.
		if _, err := s.MoveCase(sqlstoretest.ActorCtx(t, s, officer.user), k2.ID, campusguard.Transition{To: campusguard.CaseReported}); err != nil {
			t.Fatal(err)
		}
		p = teacher.get(t, srv.URL+"/inbox?unread=1")
		if got := p.texts(t, testid("inbox-subject")); len(got) != 1 || got[0] != "林小红 的病例进入「已上报」" {
			t.Errorf("unread after a state change = %q", got)
		}
		p = teacher.get(t, srv.URL+"/inbox?unread=1", "Cookie: lang=en")
		if got := p.text(t, testid("inbox-subject")); strings.Contains(got, "case.state") || !strings.Contains(got, "林小红") {
			t.Errorf("English subject = %q", got)
		}

		// All read at once.
		p = teacher.post(t, srv.URL+"/inbox/read-all", nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox" {
			t.Fatalf("read all = %d → %q", p.status, p.header.Get("Location"))
		}
		p = teacher.get(t, srv.URL+"/inbox?unread=1")
		if len(p.all(t, testid("unread-badge"))) != 0 || p.text(t, testid("inbox")+" "+testid("none")) != "没有未读消息" {
			t.Errorf("after marking all read: badge %q", p.texts(t, testid("unread-badge")))
		}
		if n := len(teacher.get(t, srv.URL+"/inbox").all(t, testid("inbox-item"))); n != 3 {
			t.Errorf("the whole inbox has %d items, want 3", n)
		}
	})
}

// TestInboxPages: a long inbox pages back and forth; the badge counts
// beyond a hundred as 99+.
func TestInboxPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		u := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		now := time.Now().UTC()
		for i := range 120 {
			if _, err := s.WriteDB().Exec(`INSERT INTO notifications (region_id, user_id, kind, subject, args, link, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, f.county.ID, u.user.ID, "case_opened", "notify.case_opened",
				`["学生`+itoa(int64(i))+`"]`, "/cases/1", now.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		p := u.get(t, srv.URL+"/inbox")
		if got := p.text(t, testid("unread-badge")); got != "99+" {
			t.Errorf("badge = %q, want 99+", got)
		}
		rows := p.texts(t, testid("inbox-subject"))
		if len(rows) != 30 || rows[0] != "学生119 出现异常，已生成病例" {
			t.Fatalf("first page: %d rows, first %q", len(rows), rows[0])
		}
		if len(p.all(t, testid("pager-prev"))) != 0 {
			t.Errorf("the first page links back")
		}
		next := attr(p.all(t, testid("pager-next"))[0], "href")
		p = u.get(t, srv.URL+next)
		if got := p.text(t, testid("inbox-subject")); got != "学生89 出现异常，已生成病例" {
			t.Errorf("second page starts with %q", got)
		}
		if got := attr(p.all(t, testid("pager-prev"))[0], "href"); got != "/inbox" {
			t.Errorf("back from the second page = %q", got)
		}
		p = u.get(t, srv.URL+"/inbox?offset=90")
		if len(p.all(t, testid("pager-next"))) != 0 || len(p.all(t, testid("inbox-item"))) != 30 {
			t.Errorf("last page: next link %d, items %d", len(p.all(t, testid("pager-next"))), len(p.all(t, testid("inbox-item"))))
		}
	})
}
