package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDetectForm: a region admin runs the county's early warning from its
// alert page and comes back to what it found; a later day, a day that is
// not one, and anybody else are refused, with nothing raised.
func TestDetectForm(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		// Three fever cases in one class today: a class cluster to find.
		third := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "张小华", Number: "S003",
			ClassID: &f.class1.ID}
		if err := s.CreatePerson(ctx, third); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*campusguard.Person{f.student, f.student2, third} {
			mustCase(t, s, p.ID, "")
		}
		alerts := func() int {
			t.Helper()
			_, n, err := s.FindAlerts(ctx, campusguard.AlertFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		countyAlerts := srv.URL + "/orgs/" + itoa(f.county.ID) + "/alerts"
		detect := srv.URL + "/orgs/" + itoa(f.county.ID) + "/detect"
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))

		p := admin.get(t, countyAlerts)
		if got := attr(find(t, p.doc, testid("detect-day")), "value"); got != today().String() {
			t.Errorf("detect day = %q, want today %s", got, today())
		}
		if got := attr(find(t, p.doc, testid("detect-day")), "max"); got != today().String() {
			t.Errorf("detect max = %q, want today", got)
		}
		if got := attr(find(t, p.doc, testid("detect-form")), "action"); got != "/orgs/"+itoa(f.county.ID)+"/detect" {
			t.Errorf("detect action = %q", got)
		}

		// Refused days: shown on the form, nothing raised.
		for _, day := range []string{today().AddDays(1).String(), "2026-02-30", ""} {
			r := admin.post(t, detect, url.Values{"day": {day}})
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("detect %q = %d, want 422:\n%s", day, r.status, r.body)
			}
			if got := r.text(t, testid("field-error")); got == "" {
				t.Errorf("detect %q: no field error", day)
			}
			if got := attr(find(t, r.doc, testid("detect-day")), "aria-invalid"); got != "true" {
				t.Errorf("detect %q: day not marked invalid", day)
			}
			if got := attr(find(t, r.doc, testid("detect-day")), "value"); got != day {
				t.Errorf("detect %q: the form shows %q", day, got)
			}
		}
		if n := alerts(); n != 0 {
			t.Fatalf("refused runs raised %d alerts", n)
		}

		// Nobody else may run it, nor sees the form.
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		if r := officer.post(t, detect, url.Values{"day": {today().String()}}); r.status != http.StatusNotFound {
			t.Errorf("school health officer: detect = %d, want 404", r.status)
		}
		if n := len(officer.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/alerts").all(t, testid("detect-form"))); n != 0 {
			t.Errorf("the school's alert page shows %d detect forms", n)
		}
		town := signIn(t, s, grant(campusguard.RegionAdmin, f.town))
		if r := town.post(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/detect", url.Values{"day": {today().String()}}); r.status != http.StatusNotFound {
			t.Errorf("town admin on the town (not a top-level region): detect = %d, want 404", r.status)
		}
		if r := town.post(t, detect, url.Values{"day": {today().String()}}); r.status != http.StatusNotFound {
			t.Errorf("town admin on the county: detect = %d, want 404", r.status)
		}
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if r := other.post(t, detect, url.Values{"day": {today().String()}}); r.status != http.StatusNotFound {
			t.Errorf("another county's admin: detect = %d, want 404", r.status)
		}
		if n := alerts(); n != 0 {
			t.Fatalf("refused callers raised %d alerts", n)
		}

		// The region admin runs it: back to the list with what it found.
		r := admin.post(t, detect, url.Values{"day": {today().String()}})
		want := "/orgs/" + itoa(f.county.ID) + "/alerts?day=" + today().String() + "&opened=1&updated=0"
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Fatalf("detect = %d to %q, want 303 to %q", r.status, r.header.Get("Location"), want)
		}
		p = admin.get(t, srv.URL+want)
		if got, want := p.text(t, testid("notice")), "已对 "+today().String()+" 运行预警：新开 1 条，更新 0 条"; got != want {
			t.Errorf("notice = %q, want %q", got, want)
		}
		if got := p.texts(t, testid("alert-link")); len(got) != 1 || got[0] != "同班（宿舍）单日聚集" {
			t.Errorf("alerts after the run = %v", got)
		}
		// Again for the same day: changes nothing.
		r = admin.post(t, detect, url.Values{"day": {today().String()}})
		if loc := r.header.Get("Location"); loc != "/orgs/"+itoa(f.county.ID)+"/alerts?day="+today().String()+"&opened=0&updated=0" {
			t.Errorf("second run went to %q, want nothing opened or updated", loc)
		}
		if n := alerts(); n != 1 {
			t.Errorf("alerts after two runs = %d, want 1", n)
		}
	})
}
