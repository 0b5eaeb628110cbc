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
)

// TestILIReturnPages: a student with influenza-like illness on a Friday is
// flagged at the gate (in the search and on the reading just taken) and on
// the class's morning check, with when they may return; on the Saturday,
// a day off, the gate still flags them; on the Sunday, 48 hours after the
// symptoms with a normal reading since, not. Another is cleared by the
// school doctor's note on their file; a bad note is refused naming the
// field, and the bureau, which reads the file, records none.
func TestILIReturnPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		friday := time.Date(2026, 12, 4, 7, 30, 0, 0, campusguard.China)
		now := friday
		clock := func() time.Time { return now }
		s.Now = clock
		srv := readinessServer(t, s, clock)
		temp := 38.6
		for i, p := range []*campusguard.Person{f.student, f.student2} {
			if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: campusguard.DateOf(friday), Kind: campusguard.HomeCheck,
				ClientKey: "ili-" + itoa(int64(i)), At: friday, Temperature: &temp, Symptoms: []campusguard.Symptom{campusguard.SymCough}}); err != nil {
				t.Fatal(err)
			}
		}
		now = friday.Add(90 * time.Minute) // 09:00
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		doctor := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		gateURL := srv + "/orgs/" + itoa(f.school.ID) + "/gate"

		p := gate.get(t, gateURL+"?q=S001")
		if got := p.text(t, testid("gate-pick-ili")); !strings.Contains(got, "48") {
			t.Errorf("gate search flag = %q", got)
		}
		if got := p.text(t, testid("gate-pick-ili-return")); !strings.Contains(got, "2026-12-06 07:30") || !strings.Contains(got, "尚无体温正常") {
			t.Errorf("gate search return = %q, want no normal reading yet, from Sunday 07:30", got)
		}
		// The gate's reading, normal, shows the flag at once and the
		// symptoms gone.
		key := attr(find(t, p.doc, testid("client-key")), "value")
		done := gate.post(t, gateURL, url.Values{"client_key": {key}, "person_id": {itoa(f.student.ID)}, "temperature": {"36.5"}, "q": {"S001"}})
		if done.status != http.StatusOK {
			t.Fatalf("POST gate = %d:\n%s", done.status, done.body)
		}
		if !strings.Contains(attr(find(t, done.doc, testid("gate-result")), "class"), "fever") {
			t.Errorf("a student held after ILI is not shown in red")
		}
		if got := done.text(t, testid("gate-ili-return")); !strings.Contains(got, "2026-12-06 07:30 起可返校") {
			t.Errorf("gate result return = %q", got)
		}
		morning := teacher.get(t, srv+"/orgs/"+itoa(f.class1.ID)+"/checks?kind=morning")
		if n := len(morning.all(t, testid("check-ili"))); n != 2 {
			t.Errorf("morning check flags %d students, want 2", n)
		}

		// Saturday, a day off: still held.
		now = time.Date(2026, 12, 5, 9, 0, 0, 0, campusguard.China)
		sat := gate.get(t, gateURL+"?q=S001")
		if sat.status != http.StatusOK || len(sat.all(t, testid("gate-pick-ili"))) != 1 {
			t.Errorf("Saturday gate = %d, flags %d, want the student held", sat.status, len(sat.all(t, testid("gate-pick-ili"))))
		}

		// The doctor's note for the other, on their file.
		file := srv + "/people/" + itoa(f.student2.ID)
		pf := doctor.get(t, file)
		if len(pf.all(t, testid("ili-held"))) != 1 || len(pf.all(t, testid("return-note-form"))) != 1 {
			t.Fatalf("the doctor's view of the file lacks the flag or the form:\n%s", pf.body)
		}
		if bf := bureau.get(t, file); len(bf.all(t, testid("ili-held"))) != 1 || len(bf.all(t, testid("return-note-form"))) != 0 {
			t.Errorf("the bureau's view: want the flag, no form")
		}
		notes := file + "/return-notes"
		if r := bureau.postAnswer(t, notes, url.Values{"day": {"2026-12-05"}, "note": {"x"}}, "", "", nil); r.status != http.StatusForbidden {
			t.Errorf("the bureau's note = %d, want 403", r.status)
		}
		bad := doctor.postAnswer(t, notes, url.Values{"day": {"2026-12-06"}, "note": {"县医院复课证明"}}, "", "", nil)
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text(t, testid("form-error")), "日期") {
			t.Fatalf("a note of tomorrow = %d", bad.status)
		}
		if got := attr(find(t, bad.doc, testid("return-note-text")), "data-testid"); got == "" || !strings.Contains(bad.body, "县医院复课证明") {
			t.Errorf("the refused note's text is not kept")
		}
		ok := doctor.postAnswer(t, notes, url.Values{"day": {"2026-12-05"}, "note": {"县医院复课证明"}}, "证明.png", "image/png", photoPNG(t))
		if ok.status != http.StatusSeeOther {
			t.Fatalf("the note = %d %s", ok.status, ok.body)
		}
		now = now.Add(time.Minute)
		pf = doctor.get(t, file)
		if c := find(t, pf.doc, testid("ili-cleared")); attr(c, "data-by") != "note" {
			t.Errorf("after the note the file shows %q", nodeText(c))
		}
		if got := gate.get(t, gateURL+"?q="+url.QueryEscape("林")); len(got.all(t, testid("gate-pick-ili"))) != 0 {
			t.Errorf("the gate still holds a student cleared by a note")
		}

		// Sunday 07:30: 48 hours after Friday's symptoms, a normal reading
		// since.
		now = time.Date(2026, 12, 6, 7, 29, 0, 0, campusguard.China)
		if got := gate.get(t, gateURL+"?q=S001"); len(got.all(t, testid("gate-pick-ili"))) != 1 {
			t.Errorf("47h59 after the symptoms the gate lets the student in")
		}
		now = time.Date(2026, 12, 6, 7, 30, 0, 0, campusguard.China)
		if got := gate.get(t, gateURL+"?q=S001"); len(got.all(t, testid("gate-pick-ili"))) != 0 {
			t.Errorf("48h after the symptoms the gate still holds the student")
		}
	})
}
