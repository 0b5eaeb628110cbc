package campusguard

import (
	"slices"
	"strings"
	"testing"
)

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// fieldsOf returns the fields an error names, "code:" + its code when it
// names none.
func fieldsOf(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, f := range ErrorFields(err) {
		out = append(out, f.Field)
	}
	if out == nil {
		out = []string{"code:" + string(ErrorCode(err))}
	}
	return out
}

func TestValidateInspection(t *testing.T) {
	ok := Inspection{Title: "十二月联合检查", Team: "第一组", From: day("2026-12-01"), To: day("2026-12-31"),
		Members: []TeamMember{{Name: "王", Agency: AgencyEducation}, {Name: "李", Agency: AgencyPolice}}}
	for _, c := range []struct {
		name string
		edit func(*Inspection)
		want []string
	}{
		{"ok", func(*Inspection) {}, nil},
		{"one day", func(in *Inspection) { in.To = in.From }, nil},
		{"ends before it starts", func(in *Inspection) { in.To = in.From.AddDays(-1) }, []string{"to"}},
		{"92 days", func(in *Inspection) { in.To = in.From.AddDays(MaxInspectionDays) }, nil},
		{"93 days", func(in *Inspection) { in.To = in.From.AddDays(MaxInspectionDays + 1) }, []string{"to"}},
		{"no from", func(in *Inspection) { in.From = Date{} }, []string{"from"}},
		{"no title", func(in *Inspection) { in.Title = " " }, []string{"title"}},
		{"long title", func(in *Inspection) { in.Title = strings.Repeat("检", MaxItemTitle+1) }, []string{"title"}},
		{"title at the limit", func(in *Inspection) { in.Title = strings.Repeat("检", MaxItemTitle) }, nil},
		{"no team", func(in *Inspection) { in.Team = "" }, []string{"team"}},
		{"no members", func(in *Inspection) { in.Members = nil }, []string{"members"}},
		{"unknown agency", func(in *Inspection) { in.Members[1].Agency = "army" }, []string{"agency"}},
		{"nameless member", func(in *Inspection) { in.Members[0].Name = "" }, []string{"members"}},
		{"too many", func(in *Inspection) {
			for len(in.Members) <= MaxTeamMembers {
				in.Members = append(in.Members, TeamMember{Name: "张", Agency: AgencyHealth})
			}
		}, []string{"members"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			in.Members = slices.Clone(ok.Members)
			c.edit(&in)
			if got := fieldsOf(ValidateInspection(in)); !slices.Equal(got, c.want) {
				t.Errorf("ValidateInspection = %v, want %v", got, c.want)
			}
		})
	}
}

func TestParseMembers(t *testing.T) {
	ms := ParseMembers("王五 | education\n\n 李四|公安 \n赵六\n钱七 | 市場監管")
	want := []TeamMember{{"王五", AgencyEducation}, {"李四", AgencyPolice}, {"赵六", ""}, {"钱七", AgencyMarket}}
	if !slices.Equal(ms, want) {
		t.Errorf("ParseMembers = %v, want %v", ms, want)
	}
	if got := ParseMembers(FormatMembers(want[:2])); !slices.Equal(got, want[:2]) {
		t.Errorf("round trip = %v", got)
	}
}

func TestDefaultInspectionChecklist(t *testing.T) {
	items := DefaultInspectionChecklist()
	if err := ValidateChecklist(items); err != nil {
		t.Fatal(err)
	}
	// SPEC §5 and §7: every place the issue names has an item.
	for _, want := range []string{"校门", "留观室", "物资", "通风", "消毒", "食堂", "宿舍", "校车"} {
		if !slices.ContainsFunc(items, func(it ChecklistItem) bool { return strings.Contains(it.Title, want) }) {
			t.Errorf("no item about %s", want)
		}
	}
}

func TestVisitVisible(t *testing.T) {
	for _, c := range []struct{ announced, closed, region, want bool }{
		{false, false, false, false}, // the one case hidden: unannounced, open, a school's account
		{false, false, true, true},
		{false, true, false, true},
		{true, false, false, true},
		{true, true, true, true},
	} {
		if got := VisitVisible(c.announced, c.closed, c.region); got != c.want {
			t.Errorf("VisitVisible(%v, %v, %v) = %v, want %v", c.announced, c.closed, c.region, got, c.want)
		}
	}
	// No school-level role may see an unannounced visit; every region-level one may.
	for _, r := range AccessRoles {
		school := slices.Contains(SchoolLevelRoles, r)
		if got := RoleCan(r, SeeUnannounced); got == school {
			t.Errorf("RoleCan(%s, SeeUnannounced) = %v", r, got)
		}
	}
}

func TestCheckVisit(t *testing.T) {
	in := &Inspection{From: day("2026-12-07"), To: day("2026-12-13")}
	for _, c := range []struct {
		school int64
		day    string
		want   []string
	}{
		{1, "2026-12-07", nil},
		{1, "2026-12-13", nil},
		{1, "2026-12-06", []string{"day"}},
		{1, "2026-12-14", []string{"day"}},
		{0, "2026-12-10", []string{"school_id"}},
	} {
		if got := fieldsOf(CheckVisit(in, c.school, day(c.day))); !slices.Equal(got, c.want) {
			t.Errorf("CheckVisit(%d, %s) = %v, want %v", c.school, c.day, got, c.want)
		}
	}
	if got := fieldsOf(CheckVisit(in, 1, Date{})); !slices.Equal(got, []string{"day"}) {
		t.Errorf("CheckVisit(no day) = %v", got)
	}
}

func TestCheckFinding(t *testing.T) {
	today := day("2026-12-07")
	dl := func(s string) *Date { d := day(s); return &d }
	for _, c := range []struct {
		name   string
		f      InspectionFinding
		closed bool
		want   []string
	}{
		{"minor note", InspectionFinding{Severity: SeverityMinor, Note: "通风记录缺两天"}, false, nil},
		{"closed visit", InspectionFinding{Severity: SeverityMinor, Note: "x"}, true, []string{"code:conflict"}},
		{"no severity", InspectionFinding{Note: "x"}, false, []string{"severity"}},
		{"bad severity", InspectionFinding{Severity: "grave", Note: "x"}, false, []string{"severity"}},
		{"no note", InspectionFinding{Severity: SeverityCritical}, false, []string{"note"}},
		{"long note", InspectionFinding{Severity: SeverityMinor, Note: strings.Repeat("x", MaxItemNote+1)}, false, []string{"note"}},
		{"deadline today", InspectionFinding{Severity: SeveritySerious, Note: "x", Deadline: dl("2026-12-07"), Responsible: "校长"}, false, nil},
		{"deadline yesterday", InspectionFinding{Severity: SeveritySerious, Note: "x", Deadline: dl("2026-12-06"), Responsible: "校长"}, false, []string{"deadline"}},
		{"deadline, nobody", InspectionFinding{Severity: SeveritySerious, Note: "x", Deadline: dl("2026-12-08")}, false, []string{"responsible"}},
		{"somebody, no deadline", InspectionFinding{Severity: SeveritySerious, Note: "x", Responsible: "校长"}, false, []string{"deadline"}},
		{"files at the limit", InspectionFinding{Severity: SeverityMinor, Note: "x", FileIDs: make([]int64, MaxItemFiles)}, false, nil},
		{"too many files", InspectionFinding{Severity: SeverityMinor, Note: "x", FileIDs: make([]int64, MaxItemFiles+1)}, false, []string{"file_ids"}},
		{"reinspect serious", InspectionFinding{Severity: SeveritySerious, Note: "x", Reinspect: true}, false, nil},
		{"reinspect minor", InspectionFinding{Severity: SeverityMinor, Note: "x", Reinspect: true}, false, []string{"reinspect"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fieldsOf(CheckFinding(c.f, c.closed, today)); !slices.Equal(got, c.want) {
				t.Errorf("CheckFinding = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCheckCloseVisit(t *testing.T) {
	v := &Visit{Results: []VisitResult{{Item: ChecklistItem{Code: "G1"}, Result: ResultPass}, {Item: ChecklistItem{Code: "L3"}}}}
	if got := fieldsOf(CheckCloseVisit(v)); !slices.Equal(got, []string{"L3"}) {
		t.Errorf("CheckCloseVisit(unchecked) = %v", got)
	}
	v.Results[1].Result = ResultNA
	if err := CheckCloseVisit(v); err != nil {
		t.Errorf("CheckCloseVisit(all checked) = %v", err)
	}
	at := day("2026-12-07").Time()
	v.ClosedAt = &at
	if got := fieldsOf(CheckCloseVisit(v)); !slices.Equal(got, []string{"code:conflict"}) {
		t.Errorf("CheckCloseVisit(closed) = %v", got)
	}
	if got := fieldsOf(CheckResultEntry(true, ResultPass, "")); !slices.Equal(got, []string{"code:conflict"}) {
		t.Errorf("CheckResultEntry(closed) = %v", got)
	}
	if got := fieldsOf(CheckResultEntry(false, "good", "")); !slices.Equal(got, []string{"result"}) {
		t.Errorf("CheckResultEntry(bad) = %v", got)
	}
}

func TestCoverageOf(t *testing.T) {
	c := CoverageOf(day("2026-12-01"), day("2026-12-31"), []SchoolCoverage{
		{SchoolID: 1, Announced: 1},
		{SchoolID: 2, Unannounced: 2},
		{SchoolID: 3, Announced: 1, Unannounced: 1},
		{SchoolID: 4, Planned: 1}, // planned, not yet carried out: not inspected
		{SchoolID: 5},
	})
	if c.Inspected != 3 || c.NotYet != 2 || c.Announced != 2 || c.Unannounced != 2 {
		t.Errorf("CoverageOf = %+v", c)
	}
	if c := CoverageOf(day("2026-12-01"), day("2026-12-01"), nil); c.Schools == nil || c.Inspected != 0 {
		t.Errorf("CoverageOf(none) = %+v", c)
	}
	for _, p := range []struct {
		from, to string
		want     []string
	}{
		{"2026-12-01", "2026-12-01", nil},
		{"2026-12-01", "2026-11-30", []string{"to"}},
		{"2026-01-01", "2027-01-02", nil},
		{"2026-01-01", "2027-01-03", []string{"to"}},
	} {
		if got := fieldsOf(CheckPeriod(day(p.from), day(p.to))); !slices.Equal(got, p.want) {
			t.Errorf("CheckPeriod(%s, %s) = %v, want %v", p.from, p.to, got, p.want)
		}
	}
}

func TestRectification(t *testing.T) {
	dl := day("2026-12-10")
	for _, c := range []struct {
		state RectState
		today string
		want  bool
	}{
		{RectOpen, "2026-12-10", false},
		{RectOpen, "2026-12-11", true},
		{RectAnswered, "2026-12-11", true},
		{RectReturned, "2026-12-20", true},
		{RectClosed, "2026-12-20", false},
	} {
		if got := RectOverdue(c.state, dl, day(c.today)); got != c.want {
			t.Errorf("RectOverdue(%s, %s) = %v, want %v", c.state, c.today, got, c.want)
		}
	}
	for _, c := range []struct {
		state RectState
		note  string
		files int
		want  []string
	}{
		{RectOpen, "已整改", 0, nil},
		{RectReturned, "已再次整改", MaxItemFiles, nil},
		{RectOpen, "", 0, []string{"note"}},
		{RectOpen, "x", MaxItemFiles + 1, []string{"file_ids"}},
		{RectAnswered, "x", 0, []string{"code:conflict"}},
		{RectClosed, "x", 0, []string{"code:conflict"}},
	} {
		if got := fieldsOf(CheckRectAnswer(c.state, c.note, make([]int64, c.files))); !slices.Equal(got, c.want) {
			t.Errorf("CheckRectAnswer(%s, %q, %d) = %v, want %v", c.state, c.note, c.files, got, c.want)
		}
	}
	for _, c := range []struct {
		state   RectState
		v       Verdict
		comment string
		want    []string
	}{
		{RectAnswered, VerdictAccept, "", nil},
		{RectAnswered, VerdictReturn, "照片不清楚", nil},
		{RectAnswered, VerdictReturn, " ", []string{"comment"}},
		{RectAnswered, "maybe", "", []string{"verdict"}},
		{RectOpen, VerdictAccept, "", []string{"code:conflict"}},
		{RectClosed, VerdictReturn, "x", []string{"code:conflict"}},
	} {
		if got := fieldsOf(CheckRectVerify(c.state, c.v, c.comment)); !slices.Equal(got, c.want) {
			t.Errorf("CheckRectVerify(%s, %s) = %v, want %v", c.state, c.v, got, c.want)
		}
	}
	if RectNext(VerdictAccept) != RectClosed || RectNext(VerdictReturn) != RectReturned {
		t.Error("RectNext")
	}
}
