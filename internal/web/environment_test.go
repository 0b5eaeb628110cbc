package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
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

// TestEnvironmentPages: the principal sets up a corridor's classrooms and
// the canteen; a caretaker logs the corridor's ventilation in one post and
// the overdue list shrinks; a time in the future and another school's
// space are refused on the form with nothing logged; on a day off nothing
// is due. The bureau reads the compliance and sets a default; gate staff
// see nothing.
func TestEnvironmentPages(t *testing.T) {
	days := map[string]time.Time{
		"school day": time.Date(2026, time.March, 10, 12, 0, 0, 0, campusguard.China), // a Tuesday, noon
		"day off":    time.Date(2026, time.March, 14, 12, 0, 0, 0, campusguard.China), // a Saturday
	}
	for name, now := range days {
		t.Run(name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				s.Now = func() time.Time { return now }
				f := mustFixture(t, s)
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Files: s, Environment: s,
					Dashboards: s, Logger: discardLogger(), Now: func() time.Time { return now }}).URL
				principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
				caretaker := signIn(t, s, grant(campusguard.StaffMember, f.school))
				bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
				school := srv + "/orgs/" + itoa(f.school.ID)

				for _, form := range []url.Values{{"kind": {"classroom"}, "name": {"一年级1班教室"}, "class_id": {itoa(f.class1.ID)}},
					{"kind": {"classroom"}, "name": {"一年级2班教室"}, "class_id": {itoa(f.class2.ID)}}, {"kind": {"canteen"}, "name": {"食堂"}}} {
					if r := principal.post(t, school+"/spaces", form); r.status != http.StatusSeeOther {
						t.Fatalf("POST spaces = %d %s", r.status, r.body[:min(300, len(r.body))])
					}
				}
				if r := principal.post(t, school+"/spaces", url.Values{"kind": {"toilet"}, "name": {"食堂"}}); r.status != http.StatusConflict ||
					r.text(t, testid("form-error")) == "" {
					t.Errorf("POST spaces (name taken) = %d", r.status)
				}
				sp := principal.get(t, school+"/spaces")
				if sp.status != http.StatusOK || len(sp.all(t, testid("space-row"))) != 3 || len(sp.all(t, testid("space-form"))) != 1 {
					t.Fatalf("GET spaces = %d, %d rows", sp.status, len(sp.all(t, testid("space-row"))))
				}
				if r := caretaker.post(t, school+"/spaces", url.Values{"kind": {"toilet"}, "name": {"厕所"}}); r.status != http.StatusForbidden {
					t.Errorf("POST spaces (caretaker) = %d, want 403", r.status)
				}
				spaces, err := s.Spaces(ctx, f.school.ID)
				if err != nil || len(spaces) != 3 {
					t.Fatalf("Spaces = %v, %v", spaces, err)
				}
				rooms := []string{itoa(spaces[0].ID), itoa(spaces[1].ID)}

				// Another school's space, for the refusal.
				town2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "诏安一小", ParentID: &f.other.ID}
				if err := s.CreateOrg(ctx, town2); err != nil {
					t.Fatal(err)
				}
				foreign := &campusguard.Space{SchoolID: town2.ID, Kind: campusguard.SpaceToilet, Name: "厕所"}
				if err := s.SaveSpace(ctx, foreign); err != nil {
					t.Fatal(err)
				}

				p := caretaker.get(t, school+"/environment")
				if p.status != http.StatusOK || len(p.all(t, testid("env-space"))) != 3 || len(p.all(t, testid("nav-environment"))) != 1 {
					t.Fatalf("GET environment (caretaker) = %d, %d spaces", p.status, len(p.all(t, testid("env-space"))))
				}
				schoolDay := name == "school day"
				overdue := len(p.all(t, testid("env-overdue-item")))
				if schoolDay && overdue != 3 { // both rooms' first airing, the canteen's first disinfection
					t.Errorf("overdue at noon = %d, want 3", overdue)
				}
				if !schoolDay && (overdue != 0 || len(p.all(t, testid("env-day-off"))) != 1) {
					t.Errorf("day off: %d overdue, day-off note %d", overdue, len(p.all(t, testid("env-day-off"))))
				}
				logs := func() int {
					l, err := s.EnvLogs(ctx, f.school.ID, campusguard.Today(now))
					if err != nil {
						t.Fatal(err)
					}
					return len(l)
				}
				if r := postLog(t, caretaker, school+"/environment/logs", url.Values{"task": {"ventilation"}, "space": rooms, "at": {"23:59"}}); r.status != http.StatusUnprocessableEntity ||
					!strings.Contains(r.text(t, testid("form-error")), "完成时间") {
					t.Errorf("log in the future = %d %q", r.status, r.text(t, testid("form-error")))
				}
				if r := postLog(t, caretaker, school+"/environment/logs", url.Values{"task": {"ventilation"}, "space": {rooms[0], itoa(foreign.ID)}}); r.status != http.StatusUnprocessableEntity ||
					!strings.Contains(r.text(t, testid("form-error")), "不是本校的场所") {
					t.Errorf("log another school's space = %d %q", r.status, r.text(t, testid("form-error")))
				}
				// A refused post with a photo stores no file either.
				var files0 int
				if err := s.WriteDB().QueryRow(`SELECT COUNT(*) FROM files`).Scan(&files0); err != nil {
					t.Fatal(err)
				}
				if r := postLog(t, caretaker, school+"/environment/logs", url.Values{"task": {"ventilation"}, "space": {itoa(foreign.ID)}},
					pngPhoto(t)); r.status != http.StatusUnprocessableEntity {
					t.Errorf("log another school's space with a photo = %d", r.status)
				}
				var files1 int
				if err := s.WriteDB().QueryRow(`SELECT COUNT(*) FROM files`).Scan(&files1); err != nil || files1 != files0 {
					t.Errorf("a refused post stored a photo: %d files, then %d (%v)", files0, files1, err)
				}
				if n := logs(); n != 0 {
					t.Fatalf("refused posts left %d logs", n)
				}
				r := postLog(t, caretaker, school+"/environment/logs", url.Values{"task": {"ventilation"}, "space": rooms}, pngPhoto(t))
				if r.status != http.StatusSeeOther {
					t.Fatalf("log the corridor = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				if n := logs(); n != 2 {
					t.Errorf("after the corridor: %d logs, want 2", n)
				}
				p = caretaker.get(t, school+"/environment?done=2")
				if got := len(p.all(t, testid("env-overdue-item"))); schoolDay && got != 1 || !schoolDay && got != 0 {
					t.Errorf("overdue after the corridor = %d", got)
				}
				if len(p.all(t, testid("env-log-row"))) != 2 || p.text(t, testid("notice")) == "" || len(p.all(t, testid("env-photo"))) != 2 {
					t.Errorf("today's logs = %d rows, %d photos", len(p.all(t, testid("env-log-row"))), len(p.all(t, testid("env-photo"))))
				}
				// The caretaker reads the photo of their log.
				if ph := caretaker.get(t, srv+attr(p.all(t, testid("env-photo"))[0], "href")); ph.status != http.StatusOK {
					t.Errorf("GET the log's photo = %d", ph.status)
				}
				if r := gate.get(t, school+"/environment"); r.status != http.StatusNotFound {
					t.Errorf("GET environment (gate) = %d, want 404", r.status)
				}

				c := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/env-compliance")
				if c.status != http.StatusOK || len(c.all(t, testid("env-school-row"))) != 1 || len(c.all(t, testid("env-schedule-row"))) != 7 {
					t.Fatalf("GET compliance = %d", c.status)
				}
				today := campusguard.Today(now).String()
				c = bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/env-compliance?from="+today+"&to="+today)
				rate := c.text(t, testid("env-school-rate"))
				// 2 of 13 due (two rooms 3 + 1, the canteen 2 + 3); a day off
				// has nothing due, so no rate.
				if schoolDay && rate != "15%" || !schoolDay && rate != "—" {
					t.Errorf("school's rate = %q", rate)
				}
				cc := srv + "/orgs/" + itoa(f.county.ID) + "/env-schedules"
				if r := bureau.post(t, cc, url.Values{"kind": {"toilet"}, "ventilation": {"x"}, "disinfection": {"daily"}}); r.status != http.StatusUnprocessableEntity {
					t.Errorf("POST env-schedules (bad) = %d", r.status)
				}
				if r := bureau.post(t, cc, url.Values{"kind": {"toilet"}, "ventilation": {"4"}, "disinfection": {"daily"}}); r.status != http.StatusSeeOther {
					t.Errorf("POST env-schedules = %d", r.status)
				}
				// The dashboard's school line and the briefing: the week
				// before today had school days and no log, so 0 %.
				dash := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard")
				if got := dash.text(t, testid("row-env")); !strings.Contains(got, "0%") {
					t.Errorf("dashboard's environment note = %q", got)
				}
				if _, err := s.GenerateBriefing(ctx, f.county.ID, campusguard.Today(now)); err != nil {
					t.Fatal(err)
				}
				br := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/briefings/"+today)
				if br.status != http.StatusOK || len(br.all(t, testid("briefing-env-school"))) != 1 {
					t.Errorf("briefing = %d, %d schools behind", br.status, len(br.all(t, testid("briefing-env-school"))))
				}
				if r := principal.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/env-compliance"); r.status != http.StatusNotFound {
					t.Errorf("GET compliance (principal) = %d, want 404", r.status)
				}
			})
		})
	}
}

// postLog posts the log form as the browser does: multipart, with b's
// CSRF token and a photo when one is given.
func postLog(tb testing.TB, b *browser, u string, form url.Values, photo ...[]byte) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, ph := range photo {
		fw, err := mw.CreateFormFile("file", "窗户.png")
		if err != nil {
			tb.Fatal(err)
		}
		fw.Write(ph)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Add("Cookie", strings.TrimPrefix(b.cookie(), "Cookie: "))
	return do(tb, req)
}

// pngPhoto is a small photo of a window.
func pngPhoto(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 180, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
