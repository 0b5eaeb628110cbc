package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestRectifyReadinessItem: the region opens a rectification item from a
// readiness item it returned; the item lists, answers and closes like one
// from a finding; bad input names the field and opens nothing; an item
// not returned, a second open item, and the school itself are refused.
func TestRectifyReadinessItem(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		sch := w.school.ID
		answerAll(t, s, ctx, sch)
		if err := s.SubmitReadiness(ctx, sch); err != nil {
			t.Fatal(err)
		}
		rd, err := s.SchoolReadiness(ctx, sch)
		if err != nil || len(rd.Items) < 2 {
			t.Fatalf("readiness = %+v, %v", rd, err)
		}
		returned, kept := rd.Items[0].Item, rd.Items[1].Item
		if err := s.ReviewItem(ctx, sch, returned.Code, campusguard.VerdictReturn, "消毒记录不全"); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			xs, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: sch})
			if err != nil {
				t.Fatal(err)
			}
			return len(xs)
		}
		good := campusguard.RectOpening{Severity: campusguard.SeveritySerious, Deadline: w.today.AddDays(5), Responsible: "李主任"}
		for _, c := range []struct {
			name, code, field string
			o                 campusguard.RectOpening
		}{
			{"unknown severity", returned.Code, "severity", campusguard.RectOpening{Severity: "grave", Deadline: good.Deadline, Responsible: "李"}},
			{"deadline past", returned.Code, "deadline", campusguard.RectOpening{Severity: "minor", Deadline: w.today.AddDays(-1), Responsible: "李"}},
			{"no deadline", returned.Code, "deadline", campusguard.RectOpening{Severity: "minor", Responsible: "李"}},
			{"nobody responsible", returned.Code, "responsible", campusguard.RectOpening{Severity: "minor", Deadline: good.Deadline, Responsible: " "}},
			{"an item not returned", kept.Code, "code", good},
			{"an unknown item", "Z9", "code", good},
		} {
			_, err := s.RectifyReadinessItem(w.bureau, sch, c.code, c.o)
			wantCode(t, c.name, err, campusguard.Invalid, c.field)
		}
		_, err = s.RectifyReadinessItem(w.schoolRoles[campusguard.SchoolAdmin], sch, returned.Code, good)
		wantCode(t, "the principal", err, campusguard.Forbidden, "")
		_, err = s.RectifyReadinessItem(w.otherBureau, sch, returned.Code, good)
		wantCode(t, "another county", err, campusguard.NotFound, "")
		_, err = s.RectifyReadinessItem(w.inspector, sch, returned.Code, good)
		if c := campusguard.ErrorCode(err); c != campusguard.Forbidden && c != campusguard.NotFound {
			t.Fatalf("the inspector = %v", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("refused openings stored %d items", n)
		}

		x, err := s.RectifyReadinessItem(w.bureau, sch, returned.Code, good)
		if err != nil {
			t.Fatalf("RectifyReadinessItem = %v", err)
		}
		if x.Source != campusguard.SourceReadiness || x.ReadinessCode != returned.Code || x.FindingID != 0 || x.State != campusguard.RectOpen ||
			x.Severity != campusguard.SeveritySerious || x.Responsible != "李主任" || len(x.History) != 1 {
			t.Fatalf("item = %+v", x)
		}
		if want := returned.Code + " " + returned.Title + "：消毒记录不全"; x.Problem != want {
			t.Errorf("problem = %q, want %q", x.Problem, want)
		}
		_, err = s.RectifyReadinessItem(w.bureau, sch, returned.Code, good)
		wantCode(t, "a second open item", err, campusguard.Conflict, "")
		if got := inboxSubjects(t, s, w.schoolRoles[campusguard.SchoolAdmin]); len(got) == 0 {
			t.Error("the principal was not told of the item")
		}

		// It goes the way of any item: the school answers, the bureau closes.
		if err := s.AnswerRectification(w.schoolRoles[campusguard.SchoolAdmin], x.ID, "已补全消毒记录", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyRectification(w.bureau, x.ID, campusguard.VerdictAccept, ""); err != nil {
			t.Fatal(err)
		}
		items, err := s.FindRectifications(w.schoolRoles[campusguard.SchoolAdmin], campusguard.RectFilter{OrgID: sch})
		if err != nil || len(items) != 1 || items[0].State != campusguard.RectClosed || items[0].Source != campusguard.SourceReadiness {
			t.Fatalf("school's items = %+v, %v", items, err)
		}
		// Once closed, a new one may be opened from the same item.
		if _, err := s.RectifyReadinessItem(w.bureau, sch, returned.Code, good); err != nil {
			t.Fatalf("a new item after closing = %v", err)
		}
	})
}
