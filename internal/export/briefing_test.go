package export_test

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

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
	// In English, the same lines in English; the schools' names stay.
	buf.Reset()
	if err := export.WriteBriefingXLSX(&buf, b, func(key string, args ...any) string { return i18n.T(i18n.En, key, args...) }); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if rows, err = g.GetRows("Reopening"); err != nil {
		t.Fatalf("no English reopening sheet: %v (sheets %v)", err, g.GetSheetList())
	}
	for _, want := range [][]string{{"Classes open", "31", "40"}, {"Students back", "1390", "1800"}, {"Schools: partly open", "1"},
		{"Schools: with suspended classes", "1"}, {"School", "Reopening status", "Classes open", "Classes", "Classes suspended"},
		{"云霄县实验小学", "partly open", "11", "12", "1"}, {"云陵镇中心小学", "in review", "0", "8", "0"}} {
		if !has(want...) {
			t.Errorf("English reopening sheet lacks %v: %v", want, rows)
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

// hansWorkbook is the whole workbook of fullBriefing in Simplified Chinese,
// sheet by sheet, as it was written before its labels were translated: the
// default reader's workbook must not change by a character.
var hansWorkbook = []sheetRows{
	{"研判", [][]string{
		{"云霄县 2026-11-27 日研判", "今日", "上一上学日", "变化"},
		{"应到", "3000", "3000", "0"},
		{"已报", "2900", "2950", "-50"},
		{"未报", "100", "50", "50"},
		{"异常", "4", "2", "2"},
		{"发热", "3", "1", "2"},
		{"缺勤", "20", "18", "2"},
		{"因病缺勤", "12", "9", "3"},
		{"待随访", "2", "1", "1"},
		nil,
		{"新预警", "1"},
		{"未关闭预警", "2"},
		{"超时未上报病例", "1"},
		{"未签发日报学校", "1"},
		{"病例：发现", "4"},
		{"病例：已上报", "0"},
		{"病例：已隔离", "1"},
		{"病例：已转诊", "0"},
		{"病例：已有结论", "0"},
		{"病例：已复课查验", "0"},
	}},
	{"预警", [][]string{
		{"", "规则", "单位", "症状/指标", "首日", "末日", "天数", "数值", "阈值", "状态"},
		{"新", "同班连续三日聚集", "一年级1班", "咳嗽", "2026-11-27", "2026-11-27", "1", "7", "5", "新预警"}, // the symptom by name, as the alert pages give it (it was the code "cough")
		{"", "因病缺勤率超限", "云霄县实验小学", "", "2026-11-25", "2026-11-27", "3", "12", "10", "已确认"},
	}},
	{"超时病例", [][]string{
		{"姓名", "发病日", "发现时间", "应上报时间", "状态"},
		{"林小雨", "2026-11-27", "2026-11-27 08:30", "2026-11-27 10:30", "发现"},
	}},
	{"未报齐与未签发", [][]string{
		{"乡镇", "学校", "应到", "已报", "未报", "日报签发"},
		{"云陵镇", "云霄县实验小学", "700", "650", "50", "已签发"},
		{"", "云陵镇中心小学", "", "", "", "未签发"},
	}},
	{"复课", [][]string{
		{"复课情况", "数", "总数"},
		{"复课班级", "31", "40"},
		{"复课学生", "1390", "1800"},
		{"停课班级", "1", "40"},
		nil,
		{"学校：未提交", "0"},
		{"学校：审核中", "0"},
		{"学校：已批准未开学", "1"},
		{"学校：部分复课", "1"},
		{"学校：全部复课", "0"},
		{"学校：有停课班级", "1"},
		nil,
		{"学校", "复课状态", "复课班级", "班级", "停课班级"},
		{"云霄县实验小学", "部分复课", "11", "12", "1"},
		{"云陵镇中心小学", "已批准未开学", "0", "8", "0"},
	}},
	{"通风消毒", [][]string{
		{"通风消毒落实"},
		{"期间", "2026-11-20 至 2026-11-26"},
		{"应做（次）", "200"},
		{"已做（次）", "150"},
		{"落实率", "75%"},
		{"有应做项目的学校", "3"},
		{"落实率低于 80% 的学校", "1"},
		{"落实率偏低", "云陵镇中心小学"},
	}},
	{"督导", [][]string{
		{"云霄县 2026-11-27 督导情况"},
		{"本月督查", "2026-11-01 – 2026-11-30"},
		{"已检查 5 / 12 所学校（明查 4 所，暗访 2 所）"},
		{"学校数", "12"},
		{"已检查学校", "5"},
		{"明查学校", "4"},
		{"暗访学校", "2"},
		nil,
		{"逾期未整改", "1"},
		{"学校", "严重程度", "问题", "期限", "责任人"},
		{"云陵镇中心小学", "较重", "晨检记录不全", "2026-11-20", "林校长"},
		nil,
		{"尚未落实的工作部署", "1"},
		{"工作部署", "期限", "未完成学校", "下发学校"},
		{"本周消毒部署", "2026-11-30", "7", "12"},
	}},
}

// fullBriefing is a briefing with something on every sheet: two alerts
// (one new), cases by state, an overdue case, a school incomplete but
// signed and one unsigned, the reopening, the environment and supervision.
// Its data holds Chinese names, as a county's does.
func fullBriefing() *campusguard.Briefing {
	day := campusguard.Date{Year: 2026, Month: 11, Day: 27}
	b := &campusguard.Briefing{RegionName: "云霄县", Day: day, GeneratedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
		Today:     campusguard.Rollup{Expected: 3000, Reported: 2900, Missing: 100, Abnormal: 4, Fever: 3, Absent: 20, IllAbsent: 12, OpenFollowUps: 2},
		Yesterday: campusguard.Rollup{Expected: 3000, Reported: 2950, Missing: 50, Abnormal: 2, Fever: 1, Absent: 18, IllAbsent: 9, OpenFollowUps: 1},
		OpenAlerts: []*campusguard.Alert{
			{Rule: campusguard.RuleClassDays, OrgName: "一年级1班", Symptom: campusguard.SymCough,
				FirstDay: day, LastDay: day, Days: 1, Count: 7, Threshold: 5, State: campusguard.AlertOpen},
			{Rule: campusguard.RuleAbsenceRate, OrgName: "云霄县实验小学", FirstDay: day.AddDays(-2), LastDay: day, Days: 3,
				Count: 12, Threshold: 10, State: campusguard.AlertAcknowledged},
		},
		CasesByState: map[campusguard.CaseState]int{campusguard.CaseDetected: 4, campusguard.CaseIsolated: 1},
		Overdue: []*campusguard.Case{{PersonName: "林小雨", OnsetDay: day, State: campusguard.CaseDetected,
			DetectedAt: time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC), ReportDue: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)}},
		Unsigned: []string{"云陵镇中心小学"},
		Incomplete: []*campusguard.SchoolStatus{{Town: "云陵镇", SchoolDay: campusguard.SchoolDay{Name: "云霄县实验小学", Signed: true,
			Rollup: campusguard.Rollup{Expected: 700, Reported: 650, Missing: 50}}}},
		Reopening: campusguard.ReopeningOf(campusguard.OpenFigures{Classes: 40, OpenClasses: 31, Students: 1800, OpenStudents: 1390, Suspended: 1},
			[]campusguard.SchoolReadiness{
				{SchoolID: 1, Name: "云霄县实验小学", Reopening: "partly_open", Open: 11, Classes: 12, Suspended: 1},
				{SchoolID: 2, Name: "云陵镇中心小学", Reopening: "approved", Classes: 8},
			}),
		Environment: &campusguard.BriefingEnv{From: day.AddDays(-7), To: day.AddDays(-1), Total: campusguard.EnvFigures{Due: 200, Done: 150},
			Rated: 3, Low: 1, Behind: []string{"云陵镇中心小学"}},
		Inspections: &campusguard.BriefingCoverage{From: campusguard.Date{Year: 2026, Month: 11, Day: 1}, To: campusguard.Date{Year: 2026, Month: 11, Day: 30},
			Schools: 12, Inspected: 5, Announced: 4, Unannounced: 2},
		OverdueItems: []*campusguard.Rectification{{SchoolName: "云陵镇中心小学", Severity: campusguard.SeveritySerious, Problem: "晨检记录不全",
			Deadline: campusguard.Date{Year: 2026, Month: 11, Day: 20}, Responsible: "林校长"}},
		Directives: []campusguard.BriefingDirective{{ID: 3, Title: "本周消毒部署", Deadline: campusguard.Date{Year: 2026, Month: 11, Day: 30}, Schools: 12, Pending: 7}},
	}
	b.NewAlerts = b.OpenAlerts[:1]
	return b
}

// openWorkbook writes b in the language l, failing on any key the
// workbook asks for that l's catalogue lacks, and opens it.
func openWorkbook(t *testing.T, b *campusguard.Briefing, l i18n.Lang) *excelize.File {
	t.Helper()
	return openXLSX(t, func(w io.Writer) error { return export.WriteBriefingXLSX(w, b, strict(t, l)) })
}

// TestBriefingXLSXHans: in Simplified Chinese, the default, every sheet of
// the workbook is what it was when its labels were fixed in Chinese: the
// same names, in the same order, and the same cells.
func TestBriefingXLSXHans(t *testing.T) {
	checkSheets(t, openWorkbook(t, fullBriefing(), i18n.Hans), hansWorkbook)
}

// sheetRows is a sheet of a workbook, its name and its cells' text.
type sheetRows struct {
	name string
	rows [][]string
}

// checkSheets fails t unless f has exactly the sheets of want, in order,
// each with exactly its rows.
func checkSheets(t *testing.T, f *excelize.File, want []sheetRows) {
	t.Helper()
	var names []string
	for _, s := range want {
		names = append(names, s.name)
	}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q, want %q", got, names)
	}
	for _, s := range want {
		rows, err := f.GetRows(s.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(rows, s.rows, slices.Equal) {
			t.Errorf("sheet %s:\n got %q\nwant %q", s.name, rows, s.rows)
		}
	}
}

// TestBriefingXLSXEnglish: in English, every sheet's name and header row
// are English, and no label is left in Chinese: the only Han characters in
// the workbook are the briefing's data (the region, schools, towns, people,
// classes, problems, directives).
func TestBriefingXLSXEnglish(t *testing.T) {
	b := fullBriefing()
	f := openWorkbook(t, b, i18n.En)
	headers := []struct {
		name   string
		header []string
	}{
		{"Summary", []string{"云霄县 2026-11-27 daily briefing", "Today", "Previous school day", "Change"}},
		{"Alerts", []string{"", "Rule", "Where", "Symptom or measure", "First day", "Last day", "Days", "Value", "Threshold", "State"}},
		{"Overdue cases", []string{"Name", "Onset", "Detected", "Report due", "State"}},
		{"Incomplete or not signed off", []string{"Town", "School", "Expected", "Reported", "Not reported", "Signed off"}},
		{"Reopening", []string{"Classes back at school", "Number", "Of all"}},
		{"Ventilation and disinfection", []string{"Ventilation and disinfection"}},
		{"Supervision", []string{"云霄县 2026-11-27 supervision"}},
	}
	var names []string
	for _, h := range headers {
		names = append(names, h.name)
	}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q, want %q", got, names)
	}
	// The data, which stays as the county wrote it.
	data := []string{b.RegionName, b.OpenAlerts[0].OrgName, b.OpenAlerts[1].OrgName, b.Overdue[0].PersonName, b.Incomplete[0].Town,
		b.Incomplete[0].Name, b.Unsigned[0], b.OverdueItems[0].Problem, b.OverdueItems[0].Responsible, b.Directives[0].Title}
	for _, s := range b.Reopening.Schools {
		data = append(data, s.Name)
	}
	// The longest first, so that the region's name does not cut a
	// school's ("云霄县实验小学") into a stray remainder.
	slices.SortFunc(data, func(a, b string) int { return len(b) - len(a) })
	for _, h := range headers {
		rows, err := f.GetRows(h.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 || !slices.Equal(rows[0], h.header) {
			t.Errorf("sheet %s: header = %q, want %q", h.name, rows[:min(1, len(rows))], h.header)
		}
		for i, r := range rows {
			for j, cell := range r {
				rest := cell
				for _, d := range data {
					rest = strings.ReplaceAll(rest, d, "")
				}
				if strings.ContainsFunc(rest, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Errorf("sheet %s, row %d, column %d: %q is a label left in Chinese", h.name, i+1, j+1, cell)
				}
			}
		}
	}
	rows, _ := f.GetRows("Summary")
	for _, want := range [][]string{{"Reported", "2900", "2950", "-50"}, {"New alerts", "1"}, {"Cases: detected", "4"}} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
			t.Errorf("summary lacks %q: %q", want, rows)
		}
	}
	alerts, _ := f.GetRows("Alerts")
	if len(alerts) != 3 || alerts[1][0] != "New" || alerts[1][1] != "cluster in a class within 3 days" || alerts[1][3] != "Cough" ||
		alerts[2][9] != "acknowledged" {
		t.Errorf("alerts = %q", alerts)
	}
	schools, _ := f.GetRows("Incomplete or not signed off")
	if len(schools) != 3 || schools[1][5] != "Signed" || schools[2][5] != "Not signed" {
		t.Errorf("schools = %q", schools)
	}
}

// TestBriefingXLSXSheetNames: in every language each sheet's name is one
// Excel accepts (at most 31 characters, none of : \ / ? * [ ]), and the
// names differ.
func TestBriefingXLSXSheetNames(t *testing.T) {
	for _, l := range i18n.Langs {
		names := openWorkbook(t, fullBriefing(), l).GetSheetList()
		if len(names) != len(hansWorkbook) {
			t.Errorf("%s: sheets = %q, want %d", l, names, len(hansWorkbook))
		}
		for i, n := range names {
			if utf8.RuneCountInString(n) > 31 || strings.ContainsAny(n, `:\/?*[]`) || slices.Contains(names[:i], n) {
				t.Errorf("%s: sheet name %q is not one Excel accepts, or is twice", l, n)
			}
		}
	}
}

// TestBriefingXLSXNamesEveryRule: each rule's alert is named in the
// workbook by the name the alert pages give it; the ILI suspension rule
// (issue 11), which the workbook's own list of names once lacked, too.
func TestBriefingXLSXNamesEveryRule(t *testing.T) {
	b := fullBriefing()
	b.OpenAlerts = nil
	for _, r := range campusguard.AlertRules {
		b.OpenAlerts = append(b.OpenAlerts, &campusguard.Alert{Rule: r, OrgName: "一年级1班", FirstDay: b.Day, LastDay: b.Day,
			Days: 1, State: campusguard.AlertOpen})
	}
	for _, l := range []i18n.Lang{i18n.Hans, i18n.En} {
		rows, err := openWorkbook(t, b, l).GetRows(i18n.T(l, "briefing.xlsx.alerts"))
		if err != nil || len(rows) != len(campusguard.AlertRules)+1 {
			t.Fatalf("%s: alerts = %q (%v)", l, rows, err)
		}
		for i, r := range campusguard.AlertRules {
			if got, want := rows[i+1][1], i18n.T(l, "alert.rule."+string(r)); got != want || got == "" {
				t.Errorf("%s: rule %s is named %q, want %q", l, r, got, want)
			}
		}
	}
}
