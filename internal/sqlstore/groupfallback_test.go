package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestGroupCommitFallback: when one request of a group makes the whole
// transaction fail (here a check naming a bus route that does not exist,
// which only the write's foreign key finds), the group falls back to
// committing each request alone: the others commit, each exactly once and
// with what its own commit stored, and only the failing one gets the
// error. A row error (a check for nobody) stays that row's
// and does not fail the group.
func TestGroupCommitFallback(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		before := countRows(t, s, "checks")
		noRoute := int64(987654321)
		good1 := gateCheck(w, "group-good-1")
		bad := gateCheck(w, "group-bad")
		bad.PersonID, bad.BusRouteID = w.student2.ID, &noRoute
		good2 := gateCheck(w, "group-good-2")
		good2.PersonID = w.staff.ID
		correction := gateCheck(w, "group-good-3") // the same person again: supersedes good1
		t38 := 38.1
		correction.Temperature = &t38

		// Both good alone commit: the group's failure is the bad one's.
		reqErrs, rowErrs, out := sqlstore.CommitTogether(ctx, s, []*campusguard.Check{good1, bad, good2, correction})
		for i, name := range []string{"good1", "bad", "good2", "correction"} {
			if name == "bad" {
				if reqErrs[i] == nil {
					t.Errorf("the request with an unknown bus route committed")
				}
				continue
			}
			if reqErrs[i] != nil || rowErrs[i] != nil || out[i] == nil {
				t.Errorf("%s after the fallback = %v, %v, %v; want committed", name, reqErrs[i], rowErrs[i], out[i])
			}
		}
		if n := countRows(t, s, "checks"); n != before+3 {
			t.Errorf("checks stored = %d, want %d (three good, once each)", n, before+3)
		}
		// What each caller was told is what is stored.
		got, _, err := s.FindChecks(ctx, campusguard.CheckFilter{PersonID: &w.student.ID, History: true})
		if err != nil {
			t.Fatal(err)
		}
		current := map[string]*campusguard.Check{}
		for _, c := range got {
			current[c.ClientKey] = c
		}
		g1, g3 := current["group-good-1"], current["group-good-3"]
		if g1 == nil || g3 == nil || g1.ID != out[0].ID || g3.ID != out[3].ID || g1.Current || !g3.Current ||
			g3.Supersedes == nil || *g3.Supersedes != g1.ID || g3.Version != 2 {
			t.Errorf("stored %+v and %+v; callers told %d and %d", g1, g3, out[0].ID, out[3].ID)
		}
		if _, ok := current["group-bad"]; ok {
			t.Errorf("the failed check is stored")
		}

		// A row error is not a failed group: nobody falls back.
		out2 := gateCheck(w, "group-nobody")
		out2.PersonID = 987654321
		fine := gateCheck(w, "group-fine")
		fine.PersonID = w.student2.ID
		reqErrs, rowErrs, _ = sqlstore.CommitTogether(ctx, s, []*campusguard.Check{out2, fine})
		if reqErrs[0] != nil || campusguard.ErrorCode(rowErrs[0]) != campusguard.NotFound || reqErrs[1] != nil || rowErrs[1] != nil {
			t.Errorf("row error in a group = %v/%v and %v/%v", reqErrs[0], rowErrs[0], reqErrs[1], rowErrs[1])
		}
	})
}
