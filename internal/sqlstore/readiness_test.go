package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

// pngBytes returns a real PNG of w×h pixels, its colour from seed.
func pngBytes(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y), seed, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readyWorld is a tree with students, its bureau, its principals and an
// inspector, each as a context.
type readyWorld struct {
	tr                                    *sqlstoretest.Tree
	bureau, principal, otherHead, inspect context.Context
}

func mustReadyWorld(t *testing.T, s *sqlstore.Store) *readyWorld {
	t.Helper()
	tr := sqlstoretest.MustTree(t, s)
	add := func(sch, class *campusguard.Org, n int) {
		for i := 0; i < n; i++ {
			p := &campusguard.Person{SchoolID: sch.ID, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprint(class.ID, "-", i),
				ClassID: &class.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(tr.School, tr.Class1, 3)
	add(tr.School, tr.Class2, 2)
	add(tr.Other, tr.OtherClass, 2)
	as := func(g campusguard.Grant) context.Context {
		u := sqlstoretest.MustUser(t, s, g)
		return campusguard.WithActor(ctx, mustActor(t, s, u))
	}
	return &readyWorld{tr: tr,
		bureau:    as(campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}),
		principal: as(campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID}),
		otherHead: as(campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.Other.ID}),
		inspect:   as(campusguard.Grant{Role: campusguard.Inspector, OrgID: tr.County.ID}),
	}
}

func wantCode(t *testing.T, what string, err error, code campusguard.Code, field string) {
	t.Helper()
	if campusguard.ErrorCode(err) != code {
		t.Fatalf("%s = %v, want %s", what, err, code)
	}
	if field != "" {
		fs := campusguard.ErrorFields(err)
		if !slices.ContainsFunc(fs, func(f campusguard.FieldError) bool { return f.Field == field }) {
			t.Fatalf("%s = %v (fields %+v), want the field %q named", what, err, fs, field)
		}
	}
}

// TestEvidenceFiles: an upload is sniffed, limited and stored once per
// content; a bad one is refused naming the field and stores nothing; it
// is served to readers of its school only, with a thumbnail for photos.
func TestEvidenceFiles(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		photo := pngBytes(t, 640, 480, 1)
		f1, err := s.PutFile(w.principal, campusguard.Upload{OrgID: w.tr.School.ID, Name: `C:\相册\门口.png`, Claimed: "image/png", Data: photo})
		if err != nil {
			t.Fatal(err)
		}
		if f1.Type != campusguard.TypePNG || !f1.Thumb || f1.Name != "门口.png" || f1.Size != int64(len(photo)) {
			t.Fatalf("PutFile = %+v", f1)
		}
		f2, err := s.PutFile(w.principal, campusguard.Upload{OrgID: w.tr.School.ID, Name: "again.png", Data: photo})
		if err != nil {
			t.Fatal(err)
		}
		if f2.ID == f1.ID || f2.SHA256 != f1.SHA256 {
			t.Fatalf("the second upload = %+v, want a new file of the same content", f2)
		}
		if n := countRows(t, s, "file_blobs"); n != 1 {
			t.Fatalf("%d blobs after uploading the same bytes twice, want 1", n)
		}
		big := append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, campusguard.MaxFileSize)...)
		heic := append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
		for _, c := range []struct {
			name string
			u    campusguard.Upload
			key  string
		}{
			{"empty", campusguard.Upload{Name: "a.png"}, "error.required"},
			{"over 10 MiB", campusguard.Upload{Name: "a.jpg", Data: big}, "error.too_large"},
			{"at 10 MiB + 1 byte of PDF", campusguard.Upload{Name: "a.pdf", Data: append([]byte("%PDF-"), make([]byte, campusguard.MaxFileSize-4)...)}, "error.too_large"},
			{"html", campusguard.Upload{Name: "a.html", Data: []byte("<html><script>alert(1)</script>")}, "error.evidence_type"},
			{"heic", campusguard.Upload{Name: "IMG_0001.HEIC", Claimed: "image/heic", Data: heic}, "error.file_heic"},
			{"png claimed as jpeg", campusguard.Upload{Name: "a.jpg", Claimed: "image/jpeg", Data: photo}, "error.file_mismatch"},
		} {
			c.u.OrgID = w.tr.School.ID
			_, err := s.PutFile(w.principal, c.u)
			wantCode(t, c.name, err, campusguard.Invalid, "file")
			if fs := campusguard.ErrorFields(err); fs[0].Msg != c.key {
				t.Errorf("%s: %+v, want %s", c.name, fs, c.key)
			}
		}
		exact := append([]byte("%PDF-"), make([]byte, campusguard.MaxFileSize-5)...)
		if f, err := s.PutFile(w.principal, campusguard.Upload{OrgID: w.tr.School.ID, Name: "plan", Data: exact}); err != nil ||
			f.Type != campusguard.TypePDF || f.Thumb || f.Name != "plan.pdf" {
			t.Fatalf("a PDF of exactly 10 MiB = %+v, %v", f, err)
		}
		if n := countRows(t, s, "files"); n != 3 {
			t.Fatalf("%d files after the refusals, want 3", n)
		}
		// Inspectors upload the photos of their findings (issue 12); a gate
		// reads the school but adds no evidence.
		gate := campusguard.WithActor(ctx, mustActor(t, s, sqlstoretest.MustUser(t, s,
			campusguard.Grant{Role: campusguard.GateStaff, OrgID: w.tr.School.ID})))
		_, err = s.PutFile(gate, campusguard.Upload{OrgID: w.tr.School.ID, Name: "a.png", Data: photo})
		wantCode(t, "a gate's upload", err, campusguard.Forbidden, "")
		_, err = s.PutFile(w.otherHead, campusguard.Upload{OrgID: w.tr.School.ID, Name: "a.png", Data: photo})
		wantCode(t, "another school's upload", err, campusguard.NotFound, "")

		got, b, err := s.FileContent(w.inspect, f1.ID, false)
		if err != nil || !bytes.Equal(b, photo) || got.Type != campusguard.TypePNG {
			t.Fatalf("FileContent = %+v, %d bytes, %v", got, len(b), err)
		}
		_, small, err := s.FileContent(w.principal, f1.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(small))
		if err != nil || cfg.Width != 240 || cfg.Height != 180 {
			t.Fatalf("thumbnail %dx%d, %v; want a 240x180 JPEG", cfg.Width, cfg.Height, err)
		}
		_, _, err = s.FileContent(w.otherHead, f1.ID, false)
		wantCode(t, "another school's read", err, campusguard.NotFound, "")
		_, err = s.FindFile(w.otherHead, f1.ID)
		wantCode(t, "another school's FindFile", err, campusguard.NotFound, "")
	})
}

// answerAll answers every draft or returned item of a school as done.
func answerAll(t *testing.T, s *sqlstore.Store, ctx context.Context, school int64) {
	t.Helper()
	rd, err := s.SchoolReadiness(ctx, school)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rd.Items {
		if it.Status == campusguard.ItemDraft || it.Status == campusguard.ItemReturned {
			if err := s.AnswerItem(ctx, campusguard.Answer{SchoolID: school, Code: it.Item.Code, State: campusguard.AnswerDone}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// approve takes a school through answers, submission, acceptance and
// approval.
func approve(t *testing.T, s *sqlstore.Store, w *readyWorld, head context.Context, school int64) {
	t.Helper()
	answerAll(t, s, head, school)
	if err := s.SubmitReadiness(head, school); err != nil {
		t.Fatal(err)
	}
	rd, err := s.SchoolReadiness(w.bureau, school)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rd.Items {
		if err := s.ReviewItem(w.bureau, school, it.Item.Code, campusguard.VerdictAccept, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ApproveReopening(w.bureau, school); err != nil {
		t.Fatal(err)
	}
}

// TestReadinessReview walks every transition of the review and each
// refusal, which changes nothing.
func TestReadinessReview(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		sch := w.tr.School.ID
		items := []campusguard.ChecklistItem{{Code: "A1", Section: "七个到位", Title: "机制"}, {Code: "B1", Section: "八道关", Title: "校门关"}}
		_, err := s.SetChecklist(w.principal, w.tr.County.ID, items)
		wantCode(t, "a principal's checklist", err, campusguard.Forbidden, "")
		_, err = s.SetChecklist(w.bureau, w.tr.County.ID, []campusguard.ChecklistItem{{Code: "A 1", Section: "x", Title: "y"}})
		wantCode(t, "a bad code", err, campusguard.Invalid, "code")
		c, err := s.SetChecklist(w.bureau, w.tr.County.ID, items)
		if err != nil || c.Version != 1 {
			t.Fatalf("SetChecklist = %+v, %v", c, err)
		}
		photo, err := s.PutFile(w.principal, campusguard.Upload{OrgID: sch, Name: "gate.png", Data: pngBytes(t, 50, 50, 3)})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := s.PutFile(w.otherHead, campusguard.Upload{OrgID: w.tr.Other.ID, Name: "x.png", Data: pngBytes(t, 50, 50, 4)})
		if err != nil {
			t.Fatal(err)
		}
		answer := func(code string, st campusguard.AnswerState, files ...int64) error {
			return s.AnswerItem(w.principal, campusguard.Answer{SchoolID: sch, Code: code, State: st, Note: "备注", FileIDs: files})
		}
		wantCode(t, "another school's file", answer("A1", campusguard.AnswerDone, foreign.ID), campusguard.Invalid, "file_ids")
		wantCode(t, "no state", answer("A1", ""), campusguard.Invalid, "state")
		wantCode(t, "an unknown item", answer("Z9", campusguard.AnswerDone), campusguard.Invalid, "code")
		if err := answer("A1", campusguard.AnswerDone, photo.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "submit with B1 open", s.SubmitReadiness(w.principal, sch), campusguard.Invalid, "B1")
		if err := answer("B1", campusguard.AnswerPartly); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a review before submission", s.ReviewItem(w.bureau, sch, "A1", campusguard.VerdictAccept, ""), campusguard.Conflict, "")
		if err := s.SubmitReadiness(w.principal, sch); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "submit again", s.SubmitReadiness(w.principal, sch), campusguard.Conflict, "")
		wantCode(t, "answer a submitted item", answer("A1", campusguard.AnswerDone), campusguard.Conflict, "")
		wantCode(t, "a principal's review", s.ReviewItem(w.principal, sch, "A1", campusguard.VerdictAccept, ""), campusguard.Forbidden, "")
		wantCode(t, "another school's head reviews", s.ReviewItem(w.otherHead, sch, "A1", campusguard.VerdictAccept, ""), campusguard.NotFound, "")
		wantCode(t, "an approval with items open", s.ApproveReopening(w.bureau, sch), campusguard.Invalid, "A1")
		wantCode(t, "a return without comment", s.ReviewItem(w.bureau, sch, "B1", campusguard.VerdictReturn, " "), campusguard.Invalid, "comment")
		if err := s.ReviewItem(w.bureau, sch, "B1", campusguard.VerdictReturn, "测温通道照片缺失"); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewItem(w.bureau, sch, "A1", campusguard.VerdictAccept, ""); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a second review", s.ReviewItem(w.bureau, sch, "A1", campusguard.VerdictReturn, "x"), campusguard.Conflict, "")
		rd, err := s.SchoolReadiness(w.principal, sch)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Items[0].Item.Code != "B1" || rd.Items[0].Status != campusguard.ItemReturned || rd.Items[0].Comment != "测温通道照片缺失" ||
			rd.Status != campusguard.ReviewReturned {
			t.Fatalf("the school sees %+v first (status %s), want B1 returned", rd.Items[0], rd.Status)
		}
		if a1 := rd.Items[1]; len(a1.Files) != 1 || a1.Files[0].ID != photo.ID {
			t.Fatalf("A1's files = %+v", a1.Files)
		}
		wantCode(t, "submit with B1 returned", s.SubmitReadiness(w.principal, sch), campusguard.Invalid, "B1")
		if err := answer("B1", campusguard.AnswerDone, photo.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SubmitReadiness(w.principal, sch); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewItem(w.bureau, sch, "B1", campusguard.VerdictAccept, "好"); err != nil {
			t.Fatal(err)
		}
		// A new version of the checklist does not change what the school answers.
		if _, err := s.SetChecklist(w.bureau, w.tr.County.ID, append(items, campusguard.ChecklistItem{Code: "C1", Section: "x", Title: "新"})); err != nil {
			t.Fatal(err)
		}
		if err := s.ApproveReopening(w.bureau, sch); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "approve again", s.ApproveReopening(w.bureau, sch), campusguard.Conflict, "")
		wantCode(t, "answer after approval", answer("A1", campusguard.AnswerDone), campusguard.Conflict, "")
		rd, err = s.SchoolReadiness(w.inspect, sch)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Status != campusguard.ReviewApproved || rd.Version != 1 || len(rd.Items) != 2 || rd.Approval.ApprovedBy == "" {
			t.Fatalf("after approval: %+v", rd)
		}
		var events []string
		for _, e := range rd.Items[1].History {
			events = append(events, e.Event)
		}
		if want := []string{"answer", "submit", "return", "answer", "submit", "accept"}; !slices.Equal(events, want) && rd.Items[1].Item.Code == "B1" {
			t.Fatalf("B1's history = %v, want %v", events, want)
		}
		wantCode(t, "withdraw without reason", s.WithdrawApproval(w.bureau, sch, ""), campusguard.Invalid, "reason")
		wantCode(t, "a principal withdraws", s.WithdrawApproval(w.principal, sch, "x"), campusguard.Forbidden, "")
		if err := s.WithdrawApproval(w.bureau, sch, "发现聚集性疫情"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "withdraw again", s.WithdrawApproval(w.bureau, sch, "x"), campusguard.Conflict, "")
		lines, err := s.RegionReadiness(w.inspect, w.tr.County.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 2 || lines[0].SchoolID != sch && lines[1].SchoolID != sch {
			t.Fatalf("RegionReadiness = %+v", lines)
		}
		for _, l := range lines {
			if l.SchoolID == sch && (l.Status != campusguard.ReviewAccepted || l.Progress.Accepted != 2 || l.Approval.Active()) {
				t.Errorf("the school's line = %+v", l)
			}
			if l.SchoolID == w.tr.Other.ID && (l.Status != campusguard.ReviewNotSubmitted || l.Progress.Items != 3 || l.Plans[0] != "none") {
				t.Errorf("the other school's line = %+v", l)
			}
		}
		_, err = s.SchoolReadiness(w.otherHead, sch)
		wantCode(t, "another school's readiness", err, campusguard.NotFound, "")
		// Plans: versioned; current, then outdated after a term.
		plan, err := s.PutFile(w.principal, campusguard.Upload{OrgID: sch, Name: "防控方案.pdf", Data: []byte("%PDF-1.4 plan")})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a plan of another school's file", s.UploadPlan(w.principal, sch, campusguard.PlanPrevention, foreign.ID), campusguard.Invalid, "file_id")
		wantCode(t, "a plan of no kind", s.UploadPlan(w.principal, sch, "budget", plan.ID), campusguard.Invalid, "kind")
		for range 2 {
			if err := s.UploadPlan(w.principal, sch, campusguard.PlanPrevention, plan.ID); err != nil {
				t.Fatal(err)
			}
		}
		rd, _ = s.SchoolReadiness(w.principal, sch)
		if len(rd.Plans) != 1 || rd.Plans[0].Version != 2 || rd.Plans[0].File.Name != "防控方案.pdf" {
			t.Fatalf("plans = %+v", rd.Plans)
		}
		s.Now = func() time.Time { return time.Now().AddDate(0, 0, campusguard.PlanMaxAge+2) }
		lines, err = s.RegionReadiness(w.bureau, w.tr.County.ID)
		if err != nil || len(lines) != 2 {
			t.Fatalf("RegionReadiness after a term = %+v, %v", lines, err)
		}
		for _, l := range lines {
			if l.SchoolID == sch && (l.Plans[0] != "outdated" || l.Plans[1] != "none") {
				t.Errorf("plans after a term = %v", l.Plans)
			}
		}
		s.Now = time.Now
		lines, err = s.RegionReadiness(w.bureau, w.tr.County.ID)
		if err != nil || len(lines) != 2 {
			t.Fatalf("RegionReadiness = %+v, %v", lines, err)
		}
		for _, l := range lines {
			if l.SchoolID == sch && (l.Plans[0] != "current" || l.Plans[1] != "none") {
				t.Errorf("plans = %v", l.Plans)
			}
		}
	})
}

// expectedOf reads the expected count of each node on day.
func expectedOf(t *testing.T, s *sqlstore.Store, day campusguard.Date, orgs ...*campusguard.Org) []int {
	t.Helper()
	var out []int
	for _, o := range orgs {
		rs, err := s.Rollups(ctx, o.ID, day, day)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if len(rs) > 0 {
			n = rs[0].Expected
		}
		out = append(out, n)
	}
	return out
}

// TestExpectedFollowsOpen: approval, phases and suspension change the
// day's expected counts at once, and the missing lists follow.
func TestExpectedFollowsOpen(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		tr := w.tr
		day := checkDay // a Monday
		s.Now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China) }
		if err := s.OpenDay(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		nodes := []*campusguard.Org{tr.County, tr.School, tr.Class1, tr.Class2, tr.Other}
		want := func(what string, exp ...int) {
			t.Helper()
			if got := expectedOf(t, s, day, nodes...); !slices.Equal(got, exp) {
				t.Fatalf("%s: expected county, school, class 1, class 2, other = %v, want %v", what, got, exp)
			}
		}
		want("unmanaged", 7, 5, 3, 2, 2)
		missing := func(class *campusguard.Org) int {
			t.Helper()
			ps, err := s.MissingReports(w.bureau, class.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		bad := &campusguard.Phase{RegionID: tr.County.ID, Name: "初中", SchoolType: campusguard.Junior, Grades: []int{4}, Start: day}
		wantCode(t, "a phase for a grade the type lacks", s.SetPhase(w.bureau, bad), campusguard.Invalid, "grades")
		p1 := &campusguard.Phase{RegionID: tr.County.ID, Name: "第一批", SchoolType: campusguard.Primary, Grades: []int{1}, Start: day}
		wantCode(t, "a principal's phase", s.SetPhase(w.principal, p1), campusguard.Forbidden, "")
		if err := s.SetPhase(w.bureau, p1); err != nil {
			t.Fatal(err)
		}
		want("a phase, nobody approved", 0, 0, 0, 0, 0)
		if missing(tr.Class1) != 0 {
			t.Fatal("a class of an unapproved school has students missing")
		}
		approve(t, s, w, w.principal, tr.School.ID)
		want("the school approved", 5, 5, 3, 2, 0)
		approve(t, s, w, w.otherHead, tr.Other.ID)
		want("the other approved, its phase not set", 5, 5, 3, 2, 0)
		p2 := &campusguard.Phase{RegionID: tr.County.ID, Name: "第二批", SchoolType: campusguard.Junior, Grades: []int{1, 2}, Start: day.AddDays(1)}
		if err := s.SetPhase(w.bureau, p2); err != nil {
			t.Fatal(err)
		}
		want("the junior phase from tomorrow", 5, 5, 3, 2, 0)
		p2.Start = day
		if err := s.SetPhase(w.bureau, p2); err != nil {
			t.Fatal(err)
		}
		want("the junior phase moved to today", 7, 5, 3, 2, 2)
		if missing(tr.Class1) != 3 {
			t.Fatal("an open class's students are not missing")
		}
		x := &campusguard.Suspension{OrgID: tr.Class1.ID, Start: day, Reason: "流感样病例暴发"}
		wantCode(t, "an inspector's suspension", s.Suspend(w.inspect, x), campusguard.Forbidden, "")
		wantCode(t, "end before start", s.Suspend(w.principal, &campusguard.Suspension{OrgID: tr.Class1.ID, Start: day, End: day.AddDays(-1),
			Reason: "x"}), campusguard.Invalid, "end")
		wantCode(t, "a principal suspends the county", s.Suspend(w.principal, &campusguard.Suspension{OrgID: tr.County.ID, Start: day,
			Reason: "x"}), campusguard.NotFound, "")
		if err := s.Suspend(w.principal, x); err != nil {
			t.Fatal(err)
		}
		if x.End != day.AddDays(3) {
			t.Fatalf("the default end = %s, want four days", x.End)
		}
		want("class 1 suspended", 4, 2, 0, 2, 2)
		if missing(tr.Class1) != 0 {
			t.Fatal("a suspended class's students are missing")
		}
		wantCode(t, "an overlapping suspension", s.Suspend(w.principal, &campusguard.Suspension{OrgID: tr.Class1.ID, Start: day.AddDays(2),
			Reason: "x"}), campusguard.Invalid, "start")
		if n := countRows(t, s, "suspensions"); n != 1 {
			t.Fatalf("%d suspensions after the refusals", n)
		}
		wantCode(t, "extend to earlier", s.ExtendSuspension(w.principal, x.ID, day.AddDays(1), "x"), campusguard.Invalid, "end")
		if err := s.ExtendSuspension(w.principal, x.ID, day.AddDays(6), "仍有新发病例"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "resume without reason", s.Resume(w.principal, x.ID, day, ""), campusguard.Invalid, "reason")
		if err := s.Resume(w.principal, x.ID, day, "连续4天无新发病例"); err != nil {
			t.Fatal(err)
		}
		want("class 1 resumed", 7, 5, 3, 2, 2)
		wantCode(t, "resume again", s.Resume(w.principal, x.ID, day, "x"), campusguard.Conflict, "")
		school := &campusguard.Suspension{OrgID: tr.School.ID, Start: day, End: day, Reason: "全校停课"}
		if err := s.Suspend(w.principal, school); err != nil {
			t.Fatal(err)
		}
		want("the school suspended", 2, 0, 0, 0, 2)
		figs, err := s.OpenFigures(w.inspect, tr.County.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		if want := (campusguard.OpenFigures{Classes: 3, OpenClasses: 1, Students: 7, OpenStudents: 2, Suspended: 2}); figs != want {
			t.Fatalf("OpenFigures = %+v, want %+v", figs, want)
		}
		if err := s.WithdrawApproval(w.bureau, tr.Other.ID, "复核不合格"); err != nil {
			t.Fatal(err)
		}
		want("the other's approval withdrawn", 0, 0, 0, 0, 0)
		if err := s.DeletePhase(w.bureau, tr.County.ID, p1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePhase(w.bureau, tr.County.ID, p2.ID); err != nil {
			t.Fatal(err)
		}
		want("no phase: unmanaged again, the school still suspended", 2, 0, 0, 0, 2)
		// A day off: a change recomputes nothing of it.
		sat := day.AddDays(5)
		s.Now = func() time.Time { return time.Date(2026, 12, 5, 9, 0, 0, 0, campusguard.China) }
		if err := s.Suspend(w.principal, &campusguard.Suspension{OrgID: tr.Class2.ID, Start: sat, Reason: "x"}); err != nil {
			t.Fatal(err)
		}
		if got := expectedOf(t, s, sat, tr.County); got[0] != 0 {
			t.Fatalf("a Saturday expects %d after a change", got[0])
		}
	})
}

// TestOpenRollupsMatchRebuild: after random approvals, phases and
// suspensions between random checks, the incremental roll-ups equal a
// rebuild, and the expected counts equal a fresh opening of the day.
func TestOpenRollupsMatchRebuild(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		tr := w.tr
		day := checkDay
		s.Now = func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, campusguard.China) }
		if err := s.OpenDay(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		students, _, err := s.FindPeople(ctx, campusguard.PersonFilter{Under: &tr.County.ID, Kind: ptrTo(campusguard.Student), Limit: 100})
		if err != nil || len(students) != 7 {
			t.Fatalf("FindPeople = %d, %v", len(students), err)
		}
		rng := rand.New(rand.NewPCG(11, 5))
		approved := map[int64]bool{}
		var phaseIDs []int64
		var live []*campusguard.Suspension
		heads := map[int64]context.Context{tr.School.ID: w.principal, tr.Other.ID: w.otherHead}
		for i := 0; i < 60; i++ {
			switch rng.IntN(6) {
			case 0:
				sch := []int64{tr.School.ID, tr.Other.ID}[rng.IntN(2)]
				if approved[sch] {
					if err := s.WithdrawApproval(w.bureau, sch, "抽查"); err != nil {
						t.Fatal(err)
					}
					approved[sch] = false
				} else {
					rd, err := s.SchoolReadiness(w.bureau, sch)
					if err != nil {
						t.Fatal(err)
					}
					if rd.Status == campusguard.ReviewAccepted {
						err = s.ApproveReopening(w.bureau, sch)
					} else {
						approve(t, s, w, heads[sch], sch)
					}
					if err != nil {
						t.Fatal(err)
					}
					approved[sch] = true
				}
			case 1:
				if len(phaseIDs) > 0 && rng.IntN(2) == 0 {
					if err := s.DeletePhase(w.bureau, tr.County.ID, phaseIDs[0]); err != nil {
						t.Fatal(err)
					}
					phaseIDs = phaseIDs[1:]
					continue
				}
				p := &campusguard.Phase{RegionID: tr.County.ID, Name: "批次", SchoolType: campusguard.Primary, Grades: []int{1},
					Start: day.AddDays(rng.IntN(2))}
				if rng.IntN(2) == 0 {
					p.SchoolType, p.Grades = campusguard.Junior, []int{1}
				}
				if err := s.SetPhase(w.bureau, p); err != nil {
					t.Fatal(err)
				}
				phaseIDs = append(phaseIDs, p.ID)
			case 2:
				if len(live) > 0 {
					x := live[0]
					live = live[1:]
					if err := s.Resume(w.bureau, x.ID, day, "复课"); err != nil {
						t.Fatal(err)
					}
					continue
				}
				org := []*campusguard.Org{tr.Class1, tr.Class2, tr.School, tr.OtherClass}[rng.IntN(4)]
				x := &campusguard.Suspension{OrgID: org.ID, Start: day, Reason: "随机"}
				if err := s.Suspend(w.bureau, x); err != nil {
					t.Fatal(err)
				}
				live = append(live, x)
			default:
				p := students[rng.IntN(len(students))]
				c := &campusguard.Check{PersonID: p.ID, Day: day, Kind: campusguard.HomeCheck, ClientKey: fmt.Sprint("o", i),
					Temperature: f64(36 + float64(rng.IntN(25))/10)}
				if _, _, err := s.RecordCheck(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
		orgs := []*campusguard.Org{tr.County, tr.Town, tr.School, tr.Class1, tr.Class2, tr.Other, tr.OtherClass}
		read := func() [][]campusguard.Rollup {
			var out [][]campusguard.Rollup
			for _, o := range orgs {
				rs, err := s.Rollups(ctx, o.ID, day, day)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, rs)
			}
			return out
		}
		incremental := read()
		if err := s.RebuildRollups(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenDay(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(incremental, read()); diff != "" {
			t.Errorf("incremental roll-ups differ from rebuilt ones (-incremental +rebuilt):\n%s", diff)
		}
	})
}

// TestClassILI: the criteria at their edges on stored checks.
func TestClassILI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		tr := w.tr
		// Class 2 grows to 10 students.
		for i := 0; i < 8; i++ {
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprint("X", i), ClassID: &tr.Class2.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{ClassID: &tr.Class2.ID, Kind: ptrTo(campusguard.Student), Limit: 100})
		if err != nil || len(people) != 10 {
			t.Fatal(len(people), err)
		}
		day := checkDay
		n := 0
		ili := func(p *campusguard.Person, d campusguard.Date, temp float64, sym campusguard.Symptom) {
			t.Helper()
			n++
			if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: d, Kind: campusguard.HomeCheck, ClientKey: fmt.Sprint("i", n),
				Temperature: f64(temp), Symptoms: []campusguard.Symptom{sym}}); err != nil {
				t.Fatal(err)
			}
		}
		reached := func() []string {
			t.Helper()
			cs, err := s.ClassILI(w.principal, tr.School.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) == 0 {
				return nil
			}
			if len(cs) != 1 || cs[0].ClassID != tr.Class2.ID {
				t.Fatalf("ClassILI = %+v", cs)
			}
			return cs[0].Reasons
		}
		// Two had ILI yesterday and still have it: current, not new.
		ili(people[0], day.AddDays(-1), 38.5, campusguard.SymCough)
		ili(people[1], day.AddDays(-1), 38.5, campusguard.SymCough)
		ili(people[0], day, 38.5, campusguard.SymCough)
		// 37.9 °C with a cough, and 39 °C with a headache, are not ILI.
		ili(people[2], day, 37.9, campusguard.SymCough)
		ili(people[3], day, 39.0, campusguard.SymHeadache)
		if r := reached(); r != nil {
			t.Fatalf("1 current of 10 reached %v", r)
		}
		ili(people[1], day, 38.0, campusguard.SymSoreThroat) // 2 of 10: 20 %
		if r := reached(); r != nil {
			t.Fatalf("2 current of 10 reached %v", r)
		}
		ili(people[4], day, 38.2, campusguard.SymCough) // 3 of 10: 30 %
		if r := reached(); !slices.Equal(r, []string{"percent"}) {
			t.Fatalf("30 %% reached %v", r)
		}
		// The percentage raised out of the way: the new cases at their edge.
		if err := s.SetILISettings(w.bureau, tr.County.ID, campusguard.ILIThresholds{NewCases: 5, Percent: 90, Hospitalised: 2, Days: 4}); err != nil {
			t.Fatal(err)
		}
		for _, p := range people[5:8] {
			ili(p, day, 38.6, campusguard.SymCough)
		}
		if r := reached(); r != nil { // new: people 4–7
			t.Fatalf("4 new reached %v", r)
		}
		ili(people[8], day, 38.6, campusguard.SymCough)
		if r := reached(); !slices.Equal(r, []string{"new_cases"}) {
			t.Fatalf("5 new reached %v", r)
		}
		// The hourly detection raises an alert proposing the suspension.
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		rule := campusguard.RuleILISuspension
		alerts, _, err := s.FindAlerts(ctx, campusguard.AlertFilter{Rule: &rule, Limit: 10})
		if err != nil || len(alerts) != 1 || alerts[0].OrgID != tr.Class2.ID {
			t.Fatalf("ILI alerts = %+v, %v", alerts, err)
		}
		wantCode(t, "a bad setting", s.SetILISettings(w.bureau, tr.County.ID, campusguard.ILIThresholds{NewCases: 0, Percent: 30, Hospitalised: 2, Days: 4}),
			campusguard.Invalid, "new_cases")
		_, err = s.ClassILI(w.otherHead, tr.School.ID, day)
		wantCode(t, "another school's ILI", err, campusguard.NotFound, "")
	})
}
