package export_test

import (
	"bytes"
	"slices"
	"testing"

	"campusguard"
	"campusguard/internal/export"

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
var hansReport = []struct {
	name string
	rows [][]string
}{
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

// openReport writes rep as a workbook and opens it.
func openReport(t *testing.T, rep *export.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestDailyReportHans: in Simplified Chinese, the default, the workbook is
// what it was when its labels were fixed in Chinese: the same sheets, in
// the same order, and the same cells; and the CSV the same bytes.
func TestDailyReportHans(t *testing.T) {
	f := openReport(t, fullReport())
	var names []string
	for _, s := range hansReport {
		names = append(names, s.name)
	}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q, want %q", got, names)
	}
	for _, s := range hansReport {
		rows, err := f.GetRows(s.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(rows, s.rows, slices.Equal) {
			t.Errorf("sheet %s:\n got %q\nwant %q", s.name, rows, s.rows)
		}
	}
	var b bytes.Buffer
	if err := export.WriteCSV(&b, fullReport()); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != hansReportCSV {
		t.Errorf("WriteCSV =\n%q\nwant\n%q", got, hansReportCSV)
	}
}
