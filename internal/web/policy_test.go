package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// policyServer serves the pages with the services of issue 16, on a clock.
func policyServer(tb testing.TB, s *sqlstore.Store, now func() time.Time) string {
	tb.Helper()
	return newServerWith(tb, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s,
		System: web.SystemInfo{Service: s, BackupDir: "/var/backups/campusguard", BackupEvery: 24 * time.Hour, BackupKeep: 7},
		Logger: discardLogger(), Now: now}).URL
}

// TestPolicySettings: a region admin sets the fever threshold, the
// retention periods and the default deadlines on the settings page; bad
// values (a threshold out of range, a retention shorter than the school
// year, a time that is none) show the form again naming the field, and
// change nothing; others may not.
func TestPolicySettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := policyServer(t, s, nil)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		page := srv + "/orgs/" + itoa(f.county.ID) + "/settings"
		p := admin.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET settings = %d", p.status)
		}
		for id, want := range map[string]string{"fever-input": "37.3", "retention-checks": "548", "retention-followups": "548",
			"retention-cases": "730", "deadline-report": "07:00", "deadline-signoff": "10:00"} {
			if got := attr(find(t, p.doc, testid(id)), "value"); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		for _, tc := range []struct {
			name, form string
			values     url.Values
			field      string // the input marked invalid
			reason     string
		}{
			{"a fever threshold above the range", "fever", url.Values{"fever_threshold": {"38.6"}}, "fever-input", "37.0 到 38.5"},
			{"below it", "fever", url.Values{"fever_threshold": {"36.9"}}, "fever-input", "37.0 到 38.5"},
			{"hundredths", "fever", url.Values{"fever_threshold": {"37.25"}}, "fever-input", "0.1"},
			{"not a number", "fever", url.Values{"fever_threshold": {"三十七"}}, "fever-input", "应为数字"},
			{"a retention of a term", "retention", url.Values{"checks_days": {"180"}, "followups_days": {"548"}, "cases_days": {"730"}},
				"retention-checks", "不能短于一个学年"},
			{"a retention left empty", "retention", url.Values{"checks_days": {"548"}, "followups_days": {""}, "cases_days": {"730"}},
				"retention-followups", "必填"},
			{"a time that is none", "deadlines", url.Values{"report_by": {"25:00"}, "signoff_by": {"10:00"}}, "deadline-report", "时:分"},
			{"a sign-off before the reports", "deadlines", url.Values{"report_by": {"08:00"}, "signoff_by": {"07:30"}},
				"deadline-signoff", "08:00 到 23:00"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := admin.post(t, page+"/"+tc.form, tc.values)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("POST %s = %d", tc.form, r.status)
				}
				errs := strings.Join(r.texts(t, testid("field-error")), " | ")
				if !strings.Contains(errs, tc.reason) {
					t.Errorf("errors = %q, want %q", errs, tc.reason)
				}
				if got := attr(find(t, r.doc, testid(tc.field)), "aria-invalid"); got != "true" {
					t.Errorf("%s not marked invalid", tc.field)
				}
			})
		}
		if pol, _ := s.RegionPolicy(ctx, f.county.ID); pol.FeverThreshold != campusguard.DefaultFeverThreshold ||
			pol.Retention != campusguard.DefaultRetention || pol.Deadlines != campusguard.DefaultDeadlines {
			t.Fatalf("refused settings changed the region: %+v", pol)
		}

		for form, values := range map[string]url.Values{
			"fever":     {"fever_threshold": {"37.5"}},
			"retention": {"checks_days": {"400"}, "followups_days": {"450"}, "cases_days": {"1000"}},
			"deadlines": {"report_by": {"07:30"}, "signoff_by": {"09:30"}},
		} {
			r := admin.post(t, page+"/"+form, values)
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/orgs/"+itoa(f.county.ID)+"/settings?saved=1#") {
				t.Errorf("POST %s = %d %s", form, r.status, r.header.Get("Location"))
			}
		}
		pol, err := s.RegionPolicy(ctx, f.county.ID)
		if err != nil || pol.FeverThreshold != 37.5 || pol.Retention != (campusguard.Retention{Checks: 400, FollowUps: 450, Cases: 1000}) ||
			pol.Deadlines != (campusguard.Deadlines{ReportBy: 7*60 + 30, SignOffBy: 9*60 + 30}) {
			t.Errorf("after saving: %+v, %v", pol, err)
		}
		if got := attr(find(t, admin.get(t, page).doc, testid("fever-input")), "value"); got != "37.5" {
			t.Errorf("the form shows %q after saving, want 37.5", got)
		}

		// Others: a principal may not read the county's settings; a viewer
		// may read the county but not set it.
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		if r := principal.post(t, page+"/fever", url.Values{"fever_threshold": {"37.0"}}); r.status != http.StatusNotFound {
			t.Errorf("principal POST fever = %d, want 404", r.status)
		}
		viewer := signIn(t, s, grant(campusguard.RegionViewer, f.county))
		if r := viewer.post(t, page+"/retention", url.Values{"checks_days": {"365"}, "followups_days": {"365"}, "cases_days": {"365"}}); r.status != http.StatusForbidden {
			t.Errorf("viewer POST retention = %d, want 403", r.status)
		}
	})
}

// TestSchoolDeadlinesAndLateSignOffs: a principal sets the school's own
// sign-off deadline; a sign-off after it is flagged late on the county's
// page, on a school day; empty fields go back to the county's.
func TestSchoolDeadlinesAndLateSignOffs(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		clock := time.Date(2026, 11, 30, 9, 15, 0, 0, campusguard.China) // a Monday
		s.Now = func() time.Time { return clock }
		srv := policyServer(t, s, s.Now)
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		page := srv + "/orgs/" + itoa(f.school.ID) + "/deadlines"
		p := principal.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET deadlines = %d", p.status)
		}
		if got := p.text(t, testid("school-signoff-state")); !strings.Contains(got, "10:00") {
			t.Errorf("sign-off state = %q, want the county's 10:00", got)
		}
		if len(principal.get(t, srv+"/orgs/"+itoa(f.school.ID)).all(t, testid("deadlines-link"))) != 1 {
			t.Errorf("the school's page has no link to its deadlines")
		}
		if r := principal.post(t, page, url.Values{"report_by": {"7点"}, "signoff_by": {""}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("POST a bad time = %d, want 422", r.status)
		}
		if r := principal.post(t, page, url.Values{"report_by": {""}, "signoff_by": {"08:00"}}); r.status != http.StatusSeeOther {
			t.Fatalf("POST deadlines = %d", r.status)
		}
		d, err := s.SchoolDeadlines(ctx, f.school.ID)
		if err != nil || !d.OwnSignOff || d.OwnReport || d.Deadlines.SignOffBy != 8*60 || d.Deadlines.ReportBy != 7*60 {
			t.Fatalf("SchoolDeadlines = %+v, %v", d, err)
		}
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		if r := teacher.get(t, page); r.status != http.StatusNotFound {
			t.Errorf("class teacher GET school deadlines = %d, want 404", r.status)
		}

		// Signed at 09:15, after its 08:00: late on the county's page.
		if _, err := s.SignOffDay(sqlstoretest.ActorCtx(t, s, principal.user), f.school.ID, campusguard.Today(clock), "零报告"); err != nil {
			t.Fatal(err)
		}
		bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		county := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID))
		if late := county.texts(t, testid("late-school")); len(late) != 1 || !strings.Contains(late[0], f.school.Name) ||
			!strings.Contains(late[0], "09:15") || !strings.Contains(late[0], "08:00") {
			t.Errorf("late schools = %q, want the school signed 09:15, due 08:00", late)
		}
		// Back to the county's 10:00: the same sign-off is on time.
		if r := principal.post(t, page, url.Values{"report_by": {""}, "signoff_by": {""}}); r.status != http.StatusSeeOther {
			t.Fatalf("POST empty deadlines = %d", r.status)
		}
		if late := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)).all(t, testid("late-school")); len(late) != 0 {
			t.Errorf("late schools after the deadline went back to 10:00: %d", len(late))
		}
	})
}

// TestBusesPage: transport and health liaisons read the bus routes'
// figures; police do not.
func TestBusesPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := policyServer(t, s, nil)
		today := campusguard.Today(time.Now())
		mask := false
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: f.student.ID, Day: today, Kind: campusguard.BusCheck,
			Temperature: ptrF(38.2), Mask: &mask, BusRouteID: &f.route.ID, ClientKey: "bus-1"}); err != nil {
			t.Fatal(err)
		}
		page := srv + "/orgs/" + itoa(f.county.ID) + "/buses"
		transport := signIn(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: f.county.ID, Duty: campusguard.DutyTransport})
		p := transport.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("transport GET buses = %d", p.status)
		}
		if got := p.text(t, testid("bus-fever")); got != "1" {
			t.Errorf("fever = %q, want 1", got)
		}
		if got := p.text(t, testid("bus-no-mask")); got != "1" {
			t.Errorf("no mask = %q, want 1", got)
		}
		if len(transport.get(t, srv+"/orgs/"+itoa(f.county.ID)).all(t, testid("buses-link"))) != 1 {
			t.Errorf("the county's page shows transport no link to the buses")
		}
		police := signIn(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: f.county.ID, Duty: campusguard.DutyPolice})
		if r := police.get(t, page); r.status != http.StatusForbidden {
			t.Errorf("police GET buses = %d, want 403", r.status)
		}
		if r := transport.get(t, page+"?day=tomorrow"); r.status != http.StatusBadRequest {
			t.Errorf("GET buses with a bad day = %d, want 400", r.status)
		}
	})
}

// TestPersonExportPage: the principal prints a student's whole file for
// the guardian; the export is audited; a class teacher may not.
func TestPersonExportPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := policyServer(t, s, nil)
		today := campusguard.Today(time.Now())
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: f.student.ID, Day: today, Kind: campusguard.HomeCheck,
			Temperature: ptrF(36.6), ClientKey: "home-1"}); err != nil {
			t.Fatal(err)
		}
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		file := principal.get(t, srv+"/people/"+itoa(f.student.ID))
		link := attr(find(t, file.doc, testid("export-link")), "href")
		p := principal.get(t, srv+link)
		if p.status != http.StatusOK {
			t.Fatalf("GET export = %d", p.status)
		}
		if got := p.text(t, testid("export-person")); !strings.Contains(got, f.studentID) || !strings.Contains(got, f.student.Name) {
			t.Errorf("the export's details = %q, want the full ID number", got)
		}
		if got := p.texts(t, testid("export-checks")+" "+testid("export-row")); len(got) != 1 || !strings.Contains(got[0], "36.6") {
			t.Errorf("the export's checks = %q", got)
		}
		if got := p.text(t, testid("export-guardians")); !strings.Contains(got, "13805961234") {
			t.Errorf("the export's guardians = %q, want the phone in full", got)
		}
		if href := attr(find(t, p.doc, testid("export-xlsx")), "href"); href != "/api/v1/people/"+itoa(f.student.ID)+"/export.xlsx" {
			t.Errorf("xlsx link = %q", href)
		}
		action := "export_person_file"
		if e, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: &action}); err != nil || len(e) != 1 ||
			e[0].Object != "person:"+itoa(f.student.ID) {
			t.Errorf("audit = %v, %v; want one export of the student", e, err)
		}
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		if r := teacher.get(t, srv+link); r.status != http.StatusForbidden {
			t.Errorf("class teacher GET export = %d, want 403", r.status)
		}
		if len(teacher.get(t, srv+"/people/"+itoa(f.student.ID)).all(t, testid("export-link"))) != 0 {
			t.Errorf("the class teacher sees the export link")
		}
	})
}

// TestSystemPage: the system administrator sees the schedule, the last good
// backup, a failed one with its detail (and an alert in the inbox), and
// the retention runs; a region admin may not.
func TestSystemPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := policyServer(t, s, nil)
		admin := signIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		p := admin.get(t, srv+"/admin/system")
		if p.status != http.StatusOK {
			t.Fatalf("GET system = %d", p.status)
		}
		if got := p.text(t, testid("backup-last")); !strings.Contains(got, "还没有成功的备份") {
			t.Errorf("last backup = %q", got)
		}
		if len(p.all(t, testid("backup-stale"))) != 1 {
			t.Errorf("no warning while no backup worked")
		}
		now := time.Now().UTC()
		for _, run := range []*campusguard.BackupRun{
			{StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-time.Hour + 3*time.Second), Source: campusguard.BackupScheduled,
				File: "/var/backups/campusguard/a.cgbak", Size: 12_400_000, OK: true},
			{StartedAt: now, FinishedAt: now.Add(time.Second), Source: campusguard.BackupScheduled,
				File: "/var/backups/campusguard/b.cgbak", Error: "no space left on device"},
		} {
			if err := s.RecordBackup(ctx, run); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RunRetention(ctx, f.county.ID, now); err != nil {
			t.Fatal(err)
		}
		p = admin.get(t, srv+"/admin/system")
		if got := p.text(t, testid("backup-last")); !strings.Contains(got, "12.4 MB") {
			t.Errorf("last backup = %q, want its size", got)
		}
		if len(p.all(t, testid("backup-stale"))) != 0 {
			t.Errorf("a warning although a backup worked an hour ago")
		}
		if rows := p.texts(t, testid("backup-result")); len(rows) != 2 || rows[0] != "失败" || rows[1] != "成功" {
			t.Errorf("backup results = %q", rows)
		}
		if got := p.text(t, testid("backup-error")); !strings.Contains(got, "no space left") {
			t.Errorf("failed backup's detail = %q", got)
		}
		if rows := p.all(t, testid("retention-row")); len(rows) != 1 {
			t.Errorf("retention rows = %d, want 1", len(rows))
		}
		if len(p.all(t, testid("nav-system"))) != 1 {
			t.Errorf("no link to the system page in the menu")
		}
		inbox, _, err := s.Inbox(sqlstoretest.ActorCtx(t, s, admin.user), false, 0, 10)
		if err != nil || len(inbox) != 1 || inbox[0].Subject != "notify.backup_failed" {
			t.Errorf("system admin's inbox = %+v, %v; want the failed backup", inbox, err)
		}
		region := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		if r := region.get(t, srv+"/admin/system"); r.status != http.StatusForbidden {
			t.Errorf("region admin GET system = %d, want 403", r.status)
		}
		if len(region.get(t, srv+"/orgs/"+itoa(f.county.ID)).all(t, testid("nav-system"))) != 0 {
			t.Errorf("the region admin's menu links the system page")
		}
	})
}

// TestViewerNeedsDuty: an account for a region viewer made on the admin
// page without a duty is refused, naming the duty; with one it is made.
func TestViewerNeedsDuty(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := policyServer(t, s, nil)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		form := url.Values{"login": {"police1"}, "name": {"公安联络员"}, "password": {"a-long-password-1"},
			"role": {string(campusguard.RegionViewer)}, "org_id": {itoa(f.county.ID)}, "duty": {""}}
		r := admin.post(t, srv+"/admin/users", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST a viewer without a duty = %d", r.status)
		}
		if errs := strings.Join(r.texts(t, testid("field-error")), " | "); !strings.Contains(errs, "联络职责") {
			t.Errorf("errors = %q, want the duty named", errs)
		}
		form.Set("duty", campusguard.DutyPolice)
		if r := admin.post(t, srv+"/admin/users", form); r.status != http.StatusSeeOther {
			t.Fatalf("POST a police liaison = %d", r.status)
		}
	})
}
