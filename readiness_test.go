package campusguard

import (
	"slices"
	"strings"
	"testing"
)

// TestILICriteria: each criterion at its edge, with the defaults.
func TestILICriteria(t *testing.T) {
	th := DefaultILI
	for _, c := range []struct {
		ili  ClassILI
		want []string
	}{
		{ClassILI{New: 4, Current: 4, Size: 40}, nil},
		{ClassILI{New: 5, Current: 5, Size: 40}, []string{"new_cases"}},
		{ClassILI{New: 0, Current: 29, Size: 100}, nil},
		{ClassILI{New: 0, Current: 30, Size: 100}, []string{"percent"}},
		{ClassILI{Current: 3, Size: 10}, []string{"percent"}},
		{ClassILI{Current: 2, Size: 7}, nil}, // 28.6 %
		{ClassILI{Hospitalised: 1, Size: 40}, nil},
		{ClassILI{Hospitalised: 2, Size: 40}, []string{"hospitalised"}},
		{ClassILI{New: 5, Current: 12, Hospitalised: 2, Size: 40}, []string{"new_cases", "percent", "hospitalised"}},
		{ClassILI{Current: 1, Size: 0}, nil},
	} {
		if got := th.Reached(c.ili); !slices.Equal(got, c.want) {
			t.Errorf("Reached(%+v) = %v, want %v", c.ili, got, c.want)
		}
	}
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		temp *float64
		sym  []Symptom
		want bool
	}{
		{f(38.0), []Symptom{SymCough}, true},
		{f(37.9), []Symptom{SymCough}, false},
		{f(38.4), []Symptom{SymSoreThroat}, true},
		{f(39.0), []Symptom{SymHeadache}, false},
		{nil, []Symptom{SymCough}, false},
	} {
		if got := IsILI(c.temp, c.sym); got != c.want {
			t.Errorf("IsILI(%v, %v) = %v", c.temp, c.sym, got)
		}
	}
}

// TestOpenness: a class is open only when its school is approved, its
// phase has started and no suspension covers it; unmanaged regions keep
// every class open but the suspended.
func TestOpenness(t *testing.T) {
	d, _ := ParseDate("2026-11-30")
	o := Openness{Managed: true, Approved: map[int64]Date{1: d},
		Phases:      []Phase{{SchoolType: Primary, Grades: []int{1, 2}, Start: d.AddDays(1)}},
		Suspensions: []Suspension{{OrgPath: "/9/1/3/4/", Start: d, End: d.AddDays(3)}}}
	if o.ClassOpen(1, Primary, 1, "/9/1/3/5/", d) {
		t.Error("open before its phase")
	}
	if !o.ClassOpen(1, Primary, 1, "/9/1/3/5/", d.AddDays(1)) {
		t.Error("closed on its phase's day")
	}
	if o.ClassOpen(1, Primary, 3, "/9/1/3/5/", d.AddDays(1)) || o.ClassOpen(2, Primary, 1, "/9/2/3/5/", d.AddDays(1)) {
		t.Error("open: a grade out of the phase, or an unapproved school")
	}
	if o.ClassOpen(1, Primary, 1, "/9/1/3/4/", d.AddDays(3)) || !o.ClassOpen(1, Primary, 1, "/9/1/3/4/", d.AddDays(4)) {
		t.Error("the suspension's last day, or the day after")
	}
	r := d.AddDays(2)
	o.Suspensions[0].Resumed = &r
	if !o.ClassOpen(1, Primary, 1, "/9/1/3/4/", r) {
		t.Error("closed on the day it resumed")
	}
	u := Openness{}
	if !u.ClassOpen(7, Junior, 8, "/1/", d) {
		t.Error("an unmanaged region's class closed")
	}
}

// TestSuspensionChecks: bad dates, no reason, and overlaps are refused by
// field.
func TestSuspensionChecks(t *testing.T) {
	d, _ := ParseDate("2026-11-30")
	x := Suspension{OrgID: 5, Start: d, End: d.AddDays(3), Reason: "ILI"}
	if err := CheckSuspension(x, nil); err != nil {
		t.Fatal(err)
	}
	field := func(err error) string {
		if fs := ErrorFields(err); len(fs) > 0 {
			return fs[0].Field
		}
		return ""
	}
	bad := x
	bad.End = d.AddDays(-1)
	if f := field(CheckSuspension(bad, nil)); f != "end" {
		t.Errorf("end before start: %q", f)
	}
	bad = x
	bad.Reason = " "
	if f := field(CheckSuspension(bad, nil)); f != "reason" {
		t.Errorf("no reason: %q", f)
	}
	other := Suspension{ID: 9, OrgID: 5, Start: d.AddDays(3), End: d.AddDays(6)}
	if f := field(CheckSuspension(x, []Suspension{other})); f != "start" {
		t.Errorf("overlap: %q", f)
	}
	r := d.AddDays(3)
	other.Resumed = &r // resumed on the day x ends: no overlap left
	other.Start = d.AddDays(-2)
	if err := CheckSuspension(x, []Suspension{other}); err == nil || field(err) != "start" {
		t.Errorf("an overlap up to its resumption: %v", err)
	}
	r = d
	if err := CheckSuspension(x, []Suspension{other}); err != nil {
		t.Errorf("resumed before x starts: %v", err)
	}
}

// TestReviewRules: every transition's refusal in the domain.
func TestReviewRules(t *testing.T) {
	items := []ItemAnswer{{Item: ChecklistItem{Code: "A1"}, Status: ItemDraft, State: AnswerDone},
		{Item: ChecklistItem{Code: "B1"}, Status: ItemDraft}}
	if err := CheckSubmit(items, false); ErrorCode(err) != Invalid || ErrorFields(err)[0].Field != "B1" {
		t.Errorf("submit with B1 unanswered: %v", err)
	}
	items[1].State = AnswerPartly
	if err := CheckSubmit(items, false); err != nil {
		t.Error(err)
	}
	if err := CheckReview("A1", ItemDraft, VerdictAccept, ""); ErrorCode(err) != Conflict {
		t.Errorf("review of a draft: %v", err)
	}
	if err := CheckReview("A1", ItemSubmitted, VerdictReturn, ""); ErrorCode(err) != Invalid {
		t.Errorf("a return without comment: %v", err)
	}
	if err := CheckApprove(items, false); ErrorCode(err) != Invalid || len(ErrorFields(err)) != 2 {
		t.Errorf("approve with items open: %v", err)
	}
	if err := CheckAnswer(Answer{Code: "A1", State: AnswerDone}, ItemSubmitted, false); ErrorCode(err) != Conflict {
		t.Errorf("answer a submitted item: %v", err)
	}
	if err := CheckAnswer(Answer{Code: "A1", State: AnswerDone}, ItemReturned, false); err != nil {
		t.Errorf("answer a returned item: %v", err)
	}
	if st := StatusOf(ProgressOf(items), false); st != ReviewNotSubmitted {
		t.Errorf("StatusOf = %s", st)
	}
}

// TestChecklistText: the default checklist survives a round trip through
// its text, and bad lines are named by number.
func TestChecklistText(t *testing.T) {
	def := DefaultChecklist()
	if len(def) != 15 || def[0].Section != "七个到位" || def[14].Section != "八道关" {
		t.Fatalf("the default checklist has %d items", len(def))
	}
	got, err := ParseChecklist(FormatChecklist(def))
	if err != nil || !slices.Equal(got, def) {
		t.Fatalf("round trip: %v", err)
	}
	_, err = ParseChecklist("A1 | x | y\n\nno bars here\n")
	if fs := ErrorFields(err); len(fs) != 1 || fs[0].Row != 3 {
		t.Fatalf("a bad line: %v", err)
	}
	_, err = ParseChecklist("A1 | x | y\nA1 | x | z\n")
	if fs := ErrorFields(err); len(fs) != 1 || fs[0].Msg != "error.duplicate" || fs[0].Row != 2 {
		t.Fatalf("a duplicate code: %v", err)
	}
}

// TestUploadCheck: the sniffer against claimed types and limits.
func TestUploadCheck(t *testing.T) {
	jpg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}
	for _, c := range []struct {
		u    Upload
		typ  string
		want string
	}{
		{Upload{Data: jpg, Claimed: "image/jpeg"}, TypeJPEG, ""},
		{Upload{Data: jpg, Claimed: "image/jpg"}, TypeJPEG, ""},
		{Upload{Data: jpg, Claimed: "application/octet-stream"}, TypeJPEG, ""},
		{Upload{Data: jpg, Claimed: "image/png"}, "", "error.file_mismatch"},
		{Upload{Data: []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), Claimed: "image/webp"}, TypeWebP, ""},
		{Upload{Data: []byte("%PDF-1.7\n"), Claimed: "application/pdf; charset=binary"}, TypePDF, ""},
		{Upload{Data: []byte("GIF89a")}, "", "error.evidence_type"},
		{Upload{Data: []byte("\x00\x00\x00\x18ftypmif1")}, "", "error.file_heic"},
		{Upload{Data: jpg, Name: strings.Repeat("名", MaxFileName+1)}, "", "error.too_long"},
	} {
		typ, err := c.u.Check()
		msg := ""
		if fs := ErrorFields(err); len(fs) > 0 {
			msg = fs[0].Msg
		}
		if msg != c.want || err == nil && typ != c.typ {
			t.Errorf("Check(%q, %q) = %q, %v; want %q, %s", c.u.Data, c.u.Claimed, typ, err, c.typ, c.want)
		}
	}
}

func FuzzParseChecklist(f *testing.F) {
	f.Add(FormatChecklist(DefaultChecklist()))
	f.Add("A1|b|c\n#x\n\n|||")
	f.Fuzz(func(t *testing.T, s string) {
		items, err := ParseChecklist(s)
		if err != nil {
			if ErrorCode(err) != Invalid {
				t.Fatalf("a non-Invalid error: %v", err)
			}
			return
		}
		if ValidateChecklist(items) != nil {
			t.Fatal("parsed items do not validate")
		}
		again, err := ParseChecklist(FormatChecklist(items))
		if err != nil || !slices.Equal(again, items) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}

func FuzzUploadCheck(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF}, "image/jpeg", "a.jpg")
	f.Add([]byte("%PDF-"), "", "")
	f.Add([]byte("\x00\x00\x00\x18ftypheic"), "image/heic", "x")
	f.Fuzz(func(t *testing.T, b []byte, claimed, name string) {
		typ, err := Upload{Data: b, Claimed: claimed, Name: name}.Check()
		if err != nil {
			if ErrorCode(err) != Invalid {
				t.Fatalf("a non-Invalid error: %v", err)
			}
			return
		}
		if !slices.Contains(FileTypes, typ) || SniffType(b) != typ {
			t.Fatalf("accepted as %q", typ)
		}
	})
}
