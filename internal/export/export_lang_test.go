package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/i18n"

	"github.com/xuri/excelize/v2"
)

// fullReport is a county's daily report with a school of every level (two
// primary schools, one signed and one not), its names in Chinese as a
// county's are.
func fullReport() *export.Report {
	line := func(typ campusguard.SchoolType, code, name string, signed bool, n ...int) *campusguard.SchoolDay {
		return &campusguard.SchoolDay{Code: code, Name: name, Type: typ, Signed: signed, Rollup: campusguard.Rollup{Expected: n[0],
			Reported: n[1], Missing: n[2], Abnormal: n[3], Fever: n[4], Absent: n[5], IllAbsent: n[6], OpenFollowUps: n[7]}}
	}
	return &export.Report{Region: "云霄县", Day: campusguard.Date{Year: 2026, Month: 11, Day: 30},
		Total: campusguard.Rollup{Expected: 3280, Reported: 3188, Missing: 92, Abnormal: 7, Fever: 4, Absent: 21, IllAbsent: 11, OpenFollowUps: 4},
		Lines: []*campusguard.SchoolDay{
			line(campusguard.Primary, "35062201", "云霄县实验小学", true, 700, 690, 10, 3, 2, 5, 4, 1),
			line(campusguard.Kindergarten, "35062210", "云霄县第一幼儿园", true, 120, 120, 0, 0, 0, 1, 0, 0),
			line(campusguard.Primary, "35062202", "云陵镇中心小学", false, 300, 280, 20, 1, 1, 2, 1, 0),
			line(campusguard.Junior, "35062220", "云霄县第一中学", false, 900, 850, 50, 2, 1, 6, 3, 2),
			line(campusguard.Senior, "35062230", "云霄县第二中学", true, 800, 800, 0, 1, 0, 3, 2, 1),
			line(campusguard.Vocational, "35062240", "云霄县职业技术学校", true, 400, 390, 10, 0, 0, 4, 1, 0),
			line(campusguard.Special, "35062250", "云霄县特殊教育学校", false, 60, 58, 2, 0, 0, 0, 0, 0),
		}}
}

// hansReportHeader is a school level's sheet's header row in Simplified Chinese.
var hansReportHeader = []string{"学校代码", "学校", "应到", "已报", "未报", "异常", "发热", "缺勤", "因病缺勤", "待随访", "日报签发"}

// hansReport is fullReport's workbook in Simplified Chinese, sheet by
// sheet, as it was written when its labels were fixed in Chinese: the
// default reader's report must not change by a character.
var hansReport = []sheetRows{
	{"汇总", [][]string{
		{"云霄县 学校疫情防控日报 2026-11-30"},
		nil,
		{"学段", "学校数", "应到", "已报", "未报", "异常", "发热", "缺勤", "因病缺勤", "待随访", "已签发学校"},
		{"幼儿园", "1", "120", "120", "0", "0", "0", "1", "0", "0", "1"},
		{"小学", "2", "1000", "970", "30", "4", "3", "7", "5", "1", "1"},
		{"初中", "1", "900", "850", "50", "2", "1", "6", "3", "2", "0"},
		{"高中", "1", "800", "800", "0", "1", "0", "3", "2", "1", "1"},
		{"职业学校", "1", "400", "390", "10", "0", "0", "4", "1", "0", "1"},
		{"特殊教育学校", "1", "60", "58", "2", "0", "0", "0", "0", "0", "0"},
		{"合计", "7", "3280", "3188", "92", "7", "4", "21", "11", "4", "4"},
	}},
	{"幼儿园", [][]string{hansReportHeader,
		{"35062210", "云霄县第一幼儿园", "120", "120", "0", "0", "0", "1", "0", "0", "已签发"},
	}},
	{"小学", [][]string{hansReportHeader,
		{"35062201", "云霄县实验小学", "700", "690", "10", "3", "2", "5", "4", "1", "已签发"},
		{"35062202", "云陵镇中心小学", "300", "280", "20", "1", "1", "2", "1", "0", "未签发"},
	}},
	{"初中", [][]string{hansReportHeader,
		{"35062220", "云霄县第一中学", "900", "850", "50", "2", "1", "6", "3", "2", "未签发"},
	}},
	{"高中", [][]string{hansReportHeader,
		{"35062230", "云霄县第二中学", "800", "800", "0", "1", "0", "3", "2", "1", "已签发"},
	}},
	{"职业学校", [][]string{hansReportHeader,
		{"35062240", "云霄县职业技术学校", "400", "390", "10", "0", "0", "4", "1", "0", "已签发"},
	}},
	{"特殊教育学校", [][]string{hansReportHeader,
		{"35062250", "云霄县特殊教育学校", "60", "58", "2", "0", "0", "0", "0", "0", "未签发"},
	}},
}

// hansReportCSV is fullReport's CSV in Simplified Chinese, byte for byte:
// the byte-order mark, then one CRLF line per school in the report's order.
const hansReportCSV = "\uFEFF" +
	"日期,学段,学校代码,学校,应到,已报,未报,异常,发热,缺勤,因病缺勤,待随访,日报签发\r\n" +
	"2026-11-30,小学,35062201,云霄县实验小学,700,690,10,3,2,5,4,1,已签发\r\n" +
	"2026-11-30,幼儿园,35062210,云霄县第一幼儿园,120,120,0,0,0,1,0,0,已签发\r\n" +
	"2026-11-30,小学,35062202,云陵镇中心小学,300,280,20,1,1,2,1,0,未签发\r\n" +
	"2026-11-30,初中,35062220,云霄县第一中学,900,850,50,2,1,6,3,2,未签发\r\n" +
	"2026-11-30,高中,35062230,云霄县第二中学,800,800,0,1,0,3,2,1,已签发\r\n" +
	"2026-11-30,职业学校,35062240,云霄县职业技术学校,400,390,10,0,0,4,1,0,已签发\r\n" +
	"2026-11-30,特殊教育学校,35062250,云霄县特殊教育学校,60,58,2,0,0,0,0,0,未签发\r\n"

// strict translates into l, failing on any key the workbook asks for that
// l's catalogue lacks.
func strict(t *testing.T, l i18n.Lang) export.Translator {
	return func(key string, args ...any) string {
		if !i18n.Has(l, key) {
			t.Errorf("%s lacks the workbook's key %q", l, key)
		}
		return i18n.T(l, key, args...)
	}
}

// openReport writes rep as a workbook in the language l and opens it.
func openReport(t *testing.T, rep *export.Report, l i18n.Lang) *excelize.File {
	t.Helper()
	return openXLSX(t, func(w io.Writer) error { return export.WriteXLSX(w, rep, strict(t, l)) })
}

// openXLSX opens the workbook that write writes, closed when the test ends.
func openXLSX(t *testing.T, write func(w io.Writer) error) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// reportCSV writes rep as CSV in the language l.
func reportCSV(t *testing.T, rep *export.Report, l i18n.Lang) string {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteCSV(&b, rep, strict(t, l)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDailyReportHans: in Simplified Chinese, the default, the workbook is
// what it was when its labels were fixed in Chinese: the same sheets, in
// the same order, and the same cells; and the CSV the same bytes.
func TestDailyReportHans(t *testing.T) {
	checkSheets(t, openReport(t, fullReport(), i18n.Hans), hansReport)
	if got := reportCSV(t, fullReport(), i18n.Hans); got != hansReportCSV {
		t.Errorf("WriteCSV =\n%q\nwant\n%q", got, hansReportCSV)
	}
}

// TestDailyReportEnglish: in English, every sheet's name and label, and the
// CSV's header and levels, are English: the only Han characters left are
// the report's data (the region's and the schools' names).
func TestDailyReportEnglish(t *testing.T) {
	rep := fullReport()
	f := openReport(t, rep, i18n.En)
	header := []string{"School code", "School", "Expected", "Reported", "Not reported", "Abnormal", "Fever", "Absent", "Absent ill",
		"Open follow-ups", "Signed off"}
	names := []string{"Summary", "Kindergarten", "Primary school", "Junior secondary school", "Senior secondary school",
		"Vocational school", "Special education school"}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q, want %q", got, names)
	}
	data := []string{rep.Region}
	for _, d := range rep.Lines {
		data = append(data, d.Name)
	}
	// The longest first, so that the region's name does not cut a
	// school's ("云霄县实验小学") into a stray remainder.
	slices.SortFunc(data, func(a, b string) int { return len(b) - len(a) })
	label := func(where, cell string) {
		rest := cell
		for _, d := range data {
			rest = strings.ReplaceAll(rest, d, "")
		}
		if strings.ContainsFunc(rest, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s: %q is a label left in Chinese", where, cell)
		}
	}
	for _, name := range names {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, cell := range r {
				label(fmt.Sprintf("sheet %s, row %d, column %d", name, i+1, j+1), cell)
			}
		}
		if name != "Summary" && (len(rows) < 2 || !slices.Equal(rows[0], header)) {
			t.Errorf("sheet %s: rows = %q, want the header %q and the schools", name, rows, header)
		}
	}
	sum, _ := f.GetRows("Summary")
	for i, want := range [][]string{
		{"云霄县 schools' epidemic prevention daily report 2026-11-30"},
		nil,
		{"School level", "Schools", "Expected", "Reported", "Not reported", "Abnormal", "Fever", "Absent", "Absent ill", "Open follow-ups",
			"Schools signed off"},
		{"Kindergarten", "1", "120", "120", "0", "0", "0", "1", "0", "0", "1"},
		{"Primary school", "2", "1000", "970", "30", "4", "3", "7", "5", "1", "1"},
	} {
		if i >= len(sum) || !slices.Equal(sum[i], want) {
			t.Errorf("Summary row %d = %q, want %q", i+1, sum[min(i, len(sum)-1)], want)
		}
	}
	if last := sum[len(sum)-1]; !slices.Equal(last, []string{"Total", "7", "3280", "3188", "92", "7", "4", "21", "11", "4", "4"}) {
		t.Errorf("Summary's last row = %q, want the total", last)
	}
	primary, _ := f.GetRows("Primary school")
	if len(primary) != 3 || primary[1][10] != "Signed" || primary[2][10] != "Not signed" || primary[2][1] != "云陵镇中心小学" {
		t.Errorf("Primary school = %q", primary)
	}

	c := reportCSV(t, rep, i18n.En)
	if !strings.HasPrefix(c, "\uFEFF") {
		t.Errorf("the CSV has no byte-order mark: %q", c[:min(len(c), 20)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != len(rep.Lines)+1 {
		t.Fatalf("CSV = %q, %v", recs, err)
	}
	if want := append([]string{"Date", "School level"}, header...); !slices.Equal(recs[0], want) {
		t.Errorf("CSV header = %q, want %q", recs[0], want)
	}
	if want := []string{"2026-11-30", "Kindergarten", "35062210", "云霄县第一幼儿园", "120", "120", "0", "0", "0", "1", "0", "0", "Signed"}; !slices.Equal(recs[2], want) {
		t.Errorf("CSV line 2 = %q, want %q", recs[2], want)
	}
	for i, r := range recs {
		for j, cell := range r {
			label(fmt.Sprintf("CSV line %d, column %d", i+1, j+1), cell)
		}
	}
}

// TestDailyReportSheetNames: in every language each sheet's name is one
// Excel accepts (at most 31 characters, none of : \ / ? * [ ]), and the
// names differ, as Excel compares them (ignoring case).
func TestDailyReportSheetNames(t *testing.T) {
	for _, l := range i18n.Langs {
		names := openReport(t, fullReport(), l).GetSheetList()
		if len(names) != len(hansReport) {
			t.Errorf("%s: sheets = %q, want %d", l, names, len(hansReport))
		}
		for i, n := range names {
			if n == "" || utf8.RuneCountInString(n) > 31 || strings.ContainsAny(n, `:\/?*[]`) ||
				slices.ContainsFunc(names[:i], func(m string) bool { return strings.EqualFold(m, n) }) {
				t.Errorf("%s: sheet name %q is not one Excel accepts, or is twice", l, n)
			}
		}
	}
}
