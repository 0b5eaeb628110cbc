package export_test

import (
	"bytes"
	"slices"
	"strconv"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/i18n"

	"github.com/xuri/excelize/v2"
)

// hans translates into Simplified Chinese, as the API does by default.
func hans(key string, args ...any) string { return i18n.T(i18n.Hans, key, args...) }

// TestBriefingXLSX opens the briefing's workbook and checks its sheets
// against the briefing.
func TestBriefingXLSX(t *testing.T) {
	day := campusguard.Date{Year: 2026, Month: 11, Day: 27}
	b := &campusguard.Briefing{RegionName: "云霄县", Day: day, GeneratedAt: time.Now(),
		Today:     campusguard.Rollup{Expected: 3000, Reported: 2900, Missing: 100, Fever: 3, IllAbsent: 12},
		Yesterday: campusguard.Rollup{Expected: 3000, Reported: 2950, Missing: 50, Fever: 1, IllAbsent: 9},
		OpenAlerts: []*campusguard.Alert{{Rule: campusguard.RuleClassDays, OrgName: "1班", Symptom: campusguard.SymCough,
			FirstDay: day, LastDay: day, Days: 1, Count: 7, Threshold: 5, State: campusguard.AlertOpen}},
		CasesByState: map[campusguard.CaseState]int{campusguard.CaseDetected: 4, campusguard.CaseIsolated: 1},
		Overdue: []*campusguard.Case{{PersonName: "林小雨", OnsetDay: day, State: campusguard.CaseDetected,
			DetectedAt: time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC), ReportDue: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)}},
		Unsigned:   []string{"云陵镇中心小学"},
		Incomplete: []*campusguard.SchoolStatus{{Town: "云陵镇", SchoolDay: campusguard.SchoolDay{Name: "云霄县实验小学", Rollup: campusguard.Rollup{Expected: 700, Reported: 650, Missing: 50}}}},
	}
	b.NewAlerts = b.OpenAlerts
	var buf bytes.Buffer
	if err := export.WriteBriefingXLSX(&buf, b, hans); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 5 || got[0] != "研判" || got[4] != "督导" {
		t.Fatalf("sheets = %v", got)
	}
	rows, _ := f.GetRows("研判")
	cell := func(r int, c int) string { return rows[r][c] }
	if cell(0, 0) != "云霄县 2026-11-27 日研判" || cell(2, 0) != "已报" || cell(2, 1) != "2900" || cell(2, 3) != "-50" || cell(5, 3) != "2" {
		t.Errorf("summary rows = %v", rows[:6])
	}
	found := false
	for _, r := range rows {
		if len(r) == 2 && r[0] == "病例：发现" && r[1] == "4" {
			found = true
		}
	}
	if !found {
		t.Errorf("no cases by state in %v", rows)
	}
	alerts, _ := f.GetRows("预警")
	if len(alerts) != 2 || alerts[1][0] != "新" || alerts[1][1] != "同班连续三日聚集" || alerts[1][7] != strconv.Itoa(7) {
		t.Errorf("alerts = %v", alerts)
	}
	overdue, _ := f.GetRows("超时病例")
	if len(overdue) != 2 || overdue[1][0] != "林小雨" || overdue[1][3] != "2026-11-27 10:30" {
		t.Errorf("overdue = %v", overdue)
	}
	schools, _ := f.GetRows("未报齐与未签发")
	if len(schools) != 3 || schools[1][4] != "50" || schools[2][1] != "云陵镇中心小学" {
		t.Errorf("schools = %v", schools)
	}
}

// TestBriefingXLSXReopening: a briefing that holds its day's reopening
// writes it on its own sheet: open classes and students against all, the
// schools by status, and each school's line.
func TestBriefingXLSXReopening(t *testing.T) {
	b := &campusguard.Briefing{RegionName: "云霄县", Day: campusguard.Date{Year: 2026, Month: 11, Day: 30}, GeneratedAt: time.Now(),
		Reopening: campusguard.ReopeningOf(campusguard.OpenFigures{Classes: 40, OpenClasses: 31, Students: 1800, OpenStudents: 1390, Suspended: 1},
			[]campusguard.SchoolReadiness{
				{SchoolID: 1, Name: "云霄县实验小学", Reopening: "partly_open", Open: 11, Classes: 12, Suspended: 1},
				{SchoolID: 2, Name: "云陵镇中心小学", Reopening: "in_review", Classes: 8},
			})}
	var buf bytes.Buffer
	if err := export.WriteBriefingXLSX(&buf, b, hans); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("复课")
	if err != nil {
		t.Fatalf("no reopening sheet: %v (sheets %v)", err, f.GetSheetList())
	}
	has := func(want ...string) bool {
		for _, r := range rows {
			if len(r) >= len(want) && slices.Equal(r[:len(want)], want) {
				return true
			}
		}
		return false
	}
	for _, want := range [][]string{{"复课班级", "31", "40"}, {"复课学生", "1390", "1800"}, {"学校：部分复课", "1"}, {"学校：审核中", "1"},
		{"学校：全部复课", "0"}, {"学校：有停课班级", "1"}, {"云霄县实验小学", "部分复课", "11", "12", "1"}, {"云陵镇中心小学", "审核中", "0", "8", "0"}} {
		if !has(want...) {
			t.Errorf("reopening sheet lacks %v: %v", want, rows)
		}
	}
}

// TestBriefingXLSXSupervision: the supervision sheet holds the briefing
// page's lines (the month's coverage, the overdue items, the directives
// not yet done) with its labels in each of the three languages; a reader
// who may not see inspections gets the directives alone.
func TestBriefingXLSXSupervision(t *testing.T) {
	day := campusguard.Date{Year: 2026, Month: 12, Day: 14}
	b := &campusguard.Briefing{RegionName: "云霄县", Day: day, GeneratedAt: time.Now(),
		Inspections: &campusguard.BriefingCoverage{From: campusguard.Date{Year: 2026, Month: 12, Day: 1}, To: campusguard.Date{Year: 2026, Month: 12, Day: 31},
			Schools: 12, Inspected: 5, Announced: 4, Unannounced: 2},
		OverdueItems: []*campusguard.Rectification{{SchoolName: "云陵中心小学", Severity: campusguard.SeveritySerious, Problem: "晨检记录不全",
			Deadline: campusguard.Date{Year: 2026, Month: 12, Day: 10}, Responsible: "林校长"}},
		Directives: []campusguard.BriefingDirective{{ID: 3, Title: "本周消毒部署", Deadline: campusguard.Date{Year: 2026, Month: 12, Day: 16}, Schools: 12, Pending: 7}},
	}
	for _, l := range i18n.Langs {
		t.Run(string(l), func(t *testing.T) {
			tr := func(key string, args ...any) string { return i18n.T(l, key, args...) }
			rows := supervisionRows(t, b, tr)
			for _, want := range [][]string{
				{tr("briefing.inspections"), "2026-12-01 – 2026-12-31"},
				{tr("briefing.coverage", 5, 12, 4, 2)},
				{tr("briefing.xlsx.unannounced"), "2"},
				{tr("briefing.items_overdue"), "1"},
				{"云陵中心小学", tr("severity.serious"), "晨检记录不全", "2026-12-10", "林校长"},
				{tr("briefing.directives"), "1"},
				{"本周消毒部署", "2026-12-16", "7", "12"},
			} {
				if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
					t.Errorf("no row %q in %q", want, rows)
				}
			}
		})
	}
	b.Inspections, b.OverdueItems = nil, nil
	rows := supervisionRows(t, b, hans)
	if len(rows) != 4 || rows[1][0] != hans("briefing.directives") || rows[3][0] != "本周消毒部署" {
		t.Errorf("without inspections: rows = %q, want the title and the directives alone", rows)
	}
}

// supervisionRows writes b and returns its supervision sheet's rows.
func supervisionRows(t *testing.T, b *campusguard.Briefing, tr export.Translator) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteBriefingXLSX(&buf, b, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name := tr("briefing.xlsx.supervision")
	if !slices.Contains(f.GetSheetList(), name) {
		t.Fatalf("sheets = %v, want %s", f.GetSheetList(), name)
	}
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
