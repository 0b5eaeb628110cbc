package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestILIReturn: a student with ILI is held until 48 hours after the last
// check with fever or symptoms, once a normal check follows (47h59 held,
// 48h cleared); a doctor's note recorded after the ILI clears at once, one
// recorded before it does not; only the school's health officers and
// principals record notes (403 for other readers, 404 out of scope), and
// a bad note is refused naming the field and changes nothing.
func TestILIReturn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		tr := w.tr
		as := func(g campusguard.Grant) context.Context {
			return campusguard.WithActor(ctx, mustActor(t, s, sqlstoretest.MustUser(t, s, g)))
		}
		doctor := as(campusguard.Grant{Role: campusguard.HealthOffice, OrgID: tr.School.ID})
		gate := as(campusguard.Grant{Role: campusguard.GateStaff, OrgID: tr.School.ID})
		teacher := as(campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: tr.Class1.ID})
		people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{ClassID: &tr.Class1.ID, Kind: ptrTo(campusguard.Student), Limit: 10})
		if err != nil || len(people) != 3 {
			t.Fatal(len(people), err)
		}
		a, b, c := people[0], people[1], people[2]
		mon := time.Date(2026, 11, 30, 7, 30, 0, 0, campusguard.China) // checkDay
		now := mon
		s.Now = func() time.Time { return now }
		n := 0
		check := func(p *campusguard.Person, at time.Time, temp float64, syms ...campusguard.Symptom) {
			t.Helper()
			now = at
			n++
			if syms == nil {
				syms = []campusguard.Symptom{}
			}
			if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: campusguard.Today(at), Kind: campusguard.HomeCheck,
				ClientKey: fmt.Sprint("r", n), At: at, Temperature: f64(temp), Symptoms: syms}); err != nil {
				t.Fatal(err)
			}
		}
		held := func(what string, want ...*campusguard.Person) {
			t.Helper()
			for _, ctx := range []context.Context{gate, doctor} {
				h, err := s.ILIHeld(ctx, tr.School.ID)
				if err != nil {
					t.Fatal(err)
				}
				hc, err := s.ILIHeld(ctx, tr.Class1.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(h) != len(want) || len(hc) != len(want) {
					t.Fatalf("%s: ILIHeld = %d at the school, %d in the class, want %d", what, len(h), len(hc), len(want))
				}
				for _, p := range want {
					if _, ok := h[p.ID]; !ok {
						t.Fatalf("%s: ILIHeld misses %s", what, p.Number)
					}
				}
			}
		}
		held("nobody ill")
		// a: ILI Monday morning, normal Tuesday morning.
		check(a, mon, 38.5, campusguard.SymCough)
		check(b, mon, 38.1, campusguard.SymSoreThroat)
		check(c, mon, 39.0, campusguard.SymHeadache) // no ILI: no cough, no sore throat
		held("ILI on Monday", a, b)
		r, err := s.ILIReturn(doctor, a.ID)
		if err != nil || r.Cleared || !r.ILI || r.ReturnAt == nil || !r.ReturnAt.Equal(mon.Add(48*time.Hour)) || r.NormalAt != nil {
			t.Fatalf("ILIReturn(a) Monday = %+v, %v", r, err)
		}
		check(a, mon.Add(24*time.Hour), 36.6)
		now = mon.Add(48*time.Hour - time.Minute)
		held("47h59 after a's ILI", a, b)
		now = mon.Add(48 * time.Hour)
		held("48h after a's ILI", b)
		if r, err := s.ILIReturn(gate, a.ID); err != nil || !r.Cleared || r.By != "48h" {
			t.Fatalf("ILIReturn(a) Wednesday = %+v, %v", r, err)
		}

		// b: a note. Refusals first, each changing nothing.
		note := func(ctx context.Context, n campusguard.ReturnNote) error {
			n.PersonID = b.ID
			return s.RecordReturnNote(ctx, &n)
		}
		today := campusguard.Today(now)
		wantCode(t, "a note of tomorrow", note(doctor, campusguard.ReturnNote{Day: today.AddDays(1), Note: "复课证明"}), campusguard.Invalid, "day")
		wantCode(t, "an empty note", note(doctor, campusguard.ReturnNote{Day: today, Note: " "}), campusguard.Invalid, "note")
		other := int64(999999)
		wantCode(t, "an unknown file", note(doctor, campusguard.ReturnNote{Day: today, FileID: &other}), campusguard.Invalid, "file_id")
		wantCode(t, "the bureau's note", note(w.bureau, campusguard.ReturnNote{Day: today, Note: "x"}), campusguard.Forbidden, "")
		wantCode(t, "the class teacher's note", note(teacher, campusguard.ReturnNote{Day: today, Note: "x"}), campusguard.Forbidden, "")
		wantCode(t, "the gate's note", note(gate, campusguard.ReturnNote{Day: today, Note: "x"}), campusguard.Forbidden, "")
		wantCode(t, "another school's note", note(w.otherHead, campusguard.ReturnNote{Day: today, Note: "x"}), campusguard.NotFound, "")
		held("after refused notes", b)
		if err := note(doctor, campusguard.ReturnNote{Day: today, Note: "县医院复课证明"}); err != nil {
			t.Fatal(err)
		}
		held("b's note recorded")
		if r, err := s.ILIReturn(doctor, b.ID); err != nil || !r.Cleared || r.By != "note" || r.Note == nil || r.Note.RecordedBy == "" {
			t.Fatalf("ILIReturn(b) after the note = %+v, %v", r, err)
		}
		// A new ILI after the note needs a new one; the principal's, dated
		// the day before the new ILI, does not count.
		now = now.Add(time.Hour)
		if err := s.RecordReturnNote(w.principal, &campusguard.ReturnNote{PersonID: b.ID, Day: campusguard.Today(now).AddDays(-1), Note: "旧证明"}); err != nil {
			t.Fatal(err)
		}
		check(b, now.Add(time.Minute), 38.3, campusguard.SymCough)
		held("b ill again, an old note", b)
		now = now.Add(time.Minute)
		if err := s.RecordReturnNote(w.principal, &campusguard.ReturnNote{PersonID: b.ID, Day: campusguard.Today(now), Note: "新证明"}); err != nil {
			t.Fatal(err)
		}
		held("b's new note")

		_, err = s.ILIReturn(w.otherHead, a.ID)
		wantCode(t, "another school's student", err, campusguard.NotFound, "")
		_, err = s.ILIHeld(w.otherHead, tr.School.ID)
		wantCode(t, "another school's gate", err, campusguard.NotFound, "")
	})
}
