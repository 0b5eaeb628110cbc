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

// TestIssue14FormPosts pins how the form posts of the environment,
// training and drill pages open and refuse: without the feature every
// post is a 404 and a bad id a 400; a refused post answers the refusal's
// status, names the field in the page's language and shows again what was
// typed or ticked. The handlers share their opening and their refusal with
// the older forms; this test holds them to what they answered before.
func TestIssue14FormPosts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, time.December, 7, 9, 0, 0, 0, campusguard.China) // a Monday
		s.Now = func() time.Time { return now }
		f := mustFixture(t, s)
		today := campusguard.DateOf(now)
		full := web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Cases: s, Alerts: s, Dashboards: s, Files: s,
			Inspections: s, Readiness: s, Environment: s, Training: s, Drills: s, Logger: discardLogger(),
			Now: func() time.Time { return now }}
		srv := newServerWith(t, s, full).URL
		bare := full
		bare.Environment, bare.Training, bare.Drills = nil, nil, nil
		bareSrv := newServerWith(t, s, bare).URL
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		school, county := srv+"/orgs/"+itoa(f.school.ID), srv+"/orgs/"+itoa(f.county.ID)
		en := "Accept-Language: en"

		// What the posts work on: a space, a session, a planned drill.
		if r := principal.post(t, school+"/spaces", url.Values{"kind": {"canteen"}, "name": {"Canteen"}}); r.status != http.StatusSeeOther {
			t.Fatalf("POST spaces = %d %s", r.status, r.body)
		}
		spaces, err := s.Spaces(ctx, f.school.ID)
		if err != nil || len(spaces) != 1 {
			t.Fatalf("Spaces = %v, %v", spaces, err)
		}
		space := itoa(spaces[0].ID)
		r := principal.post(t, school+"/training", url.Values{"kind": {"staff_training"}, "topic": {"prevention"},
			"day": {today.String()}, "trainer": {"Dr Zhang"}, "person": {itoa(f.teacher.ID)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("POST training = %d %s", r.status, r.body)
		}
		session := srv + strings.TrimSuffix(r.header.Get("Location"), "?done=recorded")
		r = principal.post(t, srv+"/schools/"+itoa(f.school.ID)+"/drills", url.Values{"scenario": {"gate_fever"},
			"planned_day": {today.String()}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("POST drills = %d %s", r.status, r.body)
		}
		drill := srv + r.header.Get("Location")
		drillID := strings.TrimPrefix(r.header.Get("Location"), "/drills/")

		// Without the feature, or with a bad id, nothing is read.
		posts := []struct{ path, id string }{
			{"/orgs/{id}/spaces", itoa(f.school.ID)},
			{"/orgs/{id}/spaces/" + space, itoa(f.school.ID)},
			{"/orgs/{id}/env-schedules", itoa(f.county.ID)},
			{"/orgs/{id}/environment/logs", itoa(f.school.ID)},
			{"/orgs/{id}/training", itoa(f.school.ID)},
			{"/orgs/{id}/training/topics", itoa(f.county.ID)},
			{"/training-sessions/{id}/attendance", strings.TrimPrefix(session, srv+"/training-sessions/")},
			{"/schools/{id}/drills", itoa(f.school.ID)},
			{"/drills/{id}/start", drillID},
			{"/drills/{id}/inject", drillID},
			{"/drills/{id}/finish", drillID},
		}
		for _, p := range posts {
			if r := principal.post(t, bareSrv+strings.Replace(p.path, "{id}", p.id, 1), nil); r.status != http.StatusNotFound {
				t.Errorf("POST %s without the feature = %d, want 404", p.path, r.status)
			}
			if r := principal.post(t, srv+strings.Replace(p.path, "{id}", "x", 1), nil); r.status != http.StatusBadRequest {
				t.Errorf("POST %s with id x = %d, want 400", p.path, r.status)
			}
		}
		if r := principal.post(t, school+"/spaces/x", nil); r.status != http.StatusBadRequest {
			t.Errorf("POST a space x = %d, want 400", r.status)
		}
		if r := principal.post(t, school+"/spaces/999999", nil); r.status != http.StatusNotFound {
			t.Errorf("POST a space not the school's = %d, want 404", r.status)
		}

		// A refused post: its status, the field named, what was typed kept.
		type kept struct{ sel, attr, want string }
		for _, c := range []struct {
			name   string
			send   func() *page
			status int
			field  string // in the field errors; "" when the refusal names none
			kept   []kept
		}{
			{"a space's name taken", func() *page {
				return principal.post(t, school+"/spaces", url.Values{"kind": {"toilet"}, "name": {"Canteen"}}, en)
			}, http.StatusConflict, "", []kept{{testid("space-name"), "value", "Canteen"},
				{testid("space-kind") + ` option[selected]`, "value", "toilet"}}},
			{"a space's schedule not a number", func() *page {
				return principal.post(t, school+"/spaces/"+space, url.Values{"own": {"true"}, "ventilation": {"x"},
					"disinfection": {"daily"}}, en)
			}, http.StatusUnprocessableEntity, "Ventilation a day", nil},
			{"a log's time not a time", func() *page {
				return postLog(t, principal, school+"/environment/logs", url.Values{"task": {"disinfection"}, "space": {space},
					"at": {"25:99"}, "note": {"west door"}})
			}, http.StatusUnprocessableEntity, "完成时间", []kept{{testid("env-at"), "value", "25:99"},
				{testid("env-note"), "value", "west door"}, {testid("env-space") + "[checked]", "value", space},
				{testid("env-task-disinfection") + "[checked]", "value", "disinfection"}}},
			{"a region's schedule not a number", func() *page {
				return bureau.post(t, county+"/env-schedules", url.Values{"kind": {"toilet"}, "ventilation": {"x"},
					"disinfection": {"daily"}}, en)
			}, http.StatusUnprocessableEntity, "Ventilation a day", nil},
			{"a session without a trainer", func() *page {
				return principal.post(t, school+"/training", url.Values{"kind": {"staff_training"}, "topic": {"prevention"},
					"title": {"Masks"}, "day": {today.String()}, "person": {itoa(f.teacher.ID)}, "notes": {"bring masks"}}, en)
			}, http.StatusUnprocessableEntity, "Trainer", []kept{{testid("training-title"), "value", "Masks"},
				{testid("training-day"), "value", today.String()}, {testid("training-person") + "[checked]", "value", itoa(f.teacher.ID)},
				{testid("training-topic-pick") + ` option[selected]`, "value", "prevention"}}},
			{"a session's day not a date, multipart", func() *page {
				return principal.postForm(t, school+"/training", url.Values{"kind": {"staff_training"}, "topic": {"prevention"},
					"title": {"Masks"}, "day": {"2026-13-01"}, "trainer": {"Dr Li"}, "person": {itoa(f.teacher.ID)}}, "", nil)
			}, http.StatusUnprocessableEntity, "日期", []kept{{testid("training-trainer"), "value", "Dr Li"},
				{testid("training-day"), "value", "2026-13-01"}, {testid("training-person") + "[checked]", "value", itoa(f.teacher.ID)}}},
			{"an attendance with a student", func() *page {
				return principal.post(t, session+"/attendance", url.Values{"person": {itoa(f.teacher.ID), itoa(f.student.ID)}}, en)
			}, http.StatusUnprocessableEntity, "Attendance", []kept{{testid("training-person") + "[checked]", "value", itoa(f.teacher.ID)}}},
			{"a topic's code twice", func() *page {
				return bureau.post(t, srv+"/orgs/"+itoa(f.county.ID)+"/training/topics", url.Values{"term": {campusguard.TermOf(today).String()},
					"code": {"a", "a"}, "name": {"One", "Two"}}, en)
			}, http.StatusUnprocessableEntity, "Topics", []kept{{testid("training-topic-name"), "value", "One"}}},
			{"a drill in the past", func() *page {
				return principal.post(t, srv+"/schools/"+itoa(f.school.ID)+"/drills", url.Values{"scenario": {"dorm_cluster"},
					"planned_day": {today.AddDays(-1).String()}, "participants": {"Grade 1"}, "participant_count": {"40"}}, en)
			}, http.StatusUnprocessableEntity, "Drill day", []kept{{testid("drill-day"), "value", today.AddDays(-1).String()},
				{testid("drill-participants"), "value", "Grade 1"}, {testid("drill-count"), "value", "40"},
				{testid("drill-scenario") + ` option[selected]`, "value", "dorm_cluster"}}},
			{"a drill's count not a number", func() *page {
				return principal.post(t, srv+"/schools/"+itoa(f.school.ID)+"/drills", url.Values{"scenario": {"gate_fever"},
					"planned_day": {today.String()}, "participant_count": {"many"}}, en)
			}, http.StatusUnprocessableEntity, "Number of participants", []kept{{testid("drill-count"), "value", "many"}}},
			{"a drill injected before its start", func() *page {
				return principal.post(t, drill+"/inject", url.Values{"person_id": {itoa(f.student.ID)}}, en)
			}, http.StatusUnprocessableEntity, "Drill status", nil},
			{"a drill finished with a bad deadline", func() *page {
				return principal.post(t, drill+"/finish", url.Values{"problem": {"no key"}, "severity": {"minor"},
					"deadline": {"soon"}, "responsible": {"Dr Wang"}}, en)
			}, http.StatusUnprocessableEntity, "Deadline", nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.send()
				if r.status != c.status {
					t.Fatalf("status = %d, want %d: %s", r.status, c.status, r.body[:min(400, len(r.body))])
				}
				if r.text(t, testid("form-error")) == "" {
					t.Errorf("the page shows no refusal")
				}
				if c.field != "" && !strings.Contains(strings.Join(r.texts(t, testid("field-error")), "\n"), c.field) {
					t.Errorf("field errors = %q, want one naming %q", r.texts(t, testid("field-error")), c.field)
				}
				for _, k := range c.kept {
					n := r.all(t, k.sel)
					if len(n) == 0 {
						t.Errorf("%s: none on the refused page", k.sel)
						continue
					}
					if got := attr(n[0], k.attr); got != k.want {
						t.Errorf("%s %s = %q, want %q", k.sel, k.attr, got, k.want)
					}
				}
			})
		}
		// The drill refused above is still planned; nothing else changed.
		if p := principal.get(t, drill, en); p.text(t, testid("drill-state")) != "Planned" {
			t.Errorf("the drill after refusals: %q", p.text(t, testid("drill-state")))
		}
	})
}
