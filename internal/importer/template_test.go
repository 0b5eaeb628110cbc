package importer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/longtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// today is the day the tests validate rosters on.
var today = campusguard.Date{Year: 2026, Month: 3, Day: 1}

func writeTemplate(tb testing.TB, ext string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, ext); err != nil {
		tb.Fatalf("WriteTemplate(%q) = %v", ext, err)
	}
	return buf.Bytes()
}

func TestWriteTemplateXLSX(t *testing.T) {
	b := writeTemplate(t, ".xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("excelize.OpenReader(template) = %v", err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"花名册", "说明"}; !slices.Equal(got, want) {
		t.Errorf("template sheets = %q, want %q", got, want)
	}
	rows, err := f.GetRows("花名册")
	if err != nil || len(rows) != 2 {
		t.Fatalf("GetRows(花名册) = %d rows, %v, want 2 rows", len(rows), err)
	}
	for i, col := range campusguard.RosterColumns {
		name := columnName(i)
		wantHeader := col.Header
		if col.Required {
			wantHeader = "*" + col.Header
		}
		if got := rows[0][i]; got != wantHeader {
			t.Errorf("header %s1 = %q, want %q", name, got, wantHeader)
		}
		if got := cellAt(rows[1], i); got != col.Example {
			t.Errorf("example %s2 = %q, want %q", name, got, col.Example)
		}
		font := cellStyle(t, f, "花名册", name+"1").Font
		if font == nil || !font.Bold {
			t.Errorf("header %s1 (%s) is not bold", name, col.Key)
		}
		if red := font != nil && font.Color == "C00000"; red != col.Required {
			t.Errorf("header %s1 (%s) red = %v, want %v (required)", name, col.Key, red, col.Required)
		}
		width, err := f.GetColWidth("花名册", name)
		if err != nil || width < float64(displayWidth(wantHeader)) {
			t.Errorf("GetColWidth(%s) = %v, %v, want at least %d", name, width, err, displayWidth(wantHeader))
		}
		colStyle, err := f.GetColStyle("花名册", name)
		if err != nil {
			t.Fatal(err)
		}
		numFmt := 0
		if colStyle != 0 {
			s, err := f.GetStyle(colStyle)
			if err != nil {
				t.Fatal(err)
			}
			numFmt = s.NumFmt
		}
		if text := numFmt == 49; text != textColumns[col.Key] {
			t.Errorf("column %s (%s) text format = %v, want %v", name, col.Key, text, textColumns[col.Key])
		}
		// A cell typed below the example takes the column's format.
		if textColumns[col.Key] && cellStyle(t, f, "花名册", name+"100").NumFmt != 49 {
			t.Errorf("cell %s100 (%s) is not text formatted", name, col.Key)
		}
	}
	for _, key := range []string{"id_number", "phone", "guardian_phone", "number"} {
		if !textColumns[key] {
			t.Errorf("textColumns[%q] = false, want true", key)
		}
	}
	dvs, err := f.GetDataValidations("花名册")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.Split(dv.Sqref, ":")[0]] = dv.Formula1
	}
	for i, col := range campusguard.RosterColumns {
		words, ok := dropdowns[col.Key]
		got, has := lists[columnName(i)+"2"]
		if ok != has || ok && !strings.Contains(got, strings.Join(words, ",")) {
			t.Errorf("drop-down of %s (%s) = %q, %v, want %q", columnName(i), col.Key, got, has, words)
		}
	}

	notes, err := f.GetRows("说明")
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, r := range notes {
		text += strings.Join(r, "\t") + "\n"
	}
	for _, col := range campusguard.RosterColumns {
		if !strings.Contains(text, col.Header+"\t"+col.Key+"\t") || !strings.Contains(text, columnNotes[col.Key]) {
			t.Errorf("说明 sheet does not explain %s (%s)", col.Header, col.Key)
		}
		for _, w := range choiceWords[col.Key] {
			if !strings.Contains(text, w) {
				t.Errorf("说明 sheet does not list %q for %s", w, col.Key)
			}
		}
	}

	// The template as downloaded imports nothing, and is no error.
	if got := mustParse(t, b, "template.xlsx"); len(got) != 0 {
		t.Errorf("Parse(template.xlsx) = %+v, want no rows", got)
	}
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func cellStyle(tb testing.TB, f *excelize.File, sheet, cell string) *excelize.Style {
	tb.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestWriteTemplateCSV(t *testing.T) {
	got := writeTemplate(t, "CSV")
	golden := filepath.Join("testdata", "template.csv")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("WriteTemplate(csv) mismatch with %s (-want +got):\n%s", golden, diff)
	}
	if !bytes.HasPrefix(got, []byte("\xef\xbb\xbf")) || !bytes.Contains(got, []byte("\r\n")) {
		t.Errorf("WriteTemplate(csv) = %q..., want a UTF-8 BOM and CRLF line ends", got[:20])
	}
	if rows := mustParse(t, got, "template.csv"); len(rows) != 0 {
		t.Errorf("Parse(template.csv) = %+v, want no rows", rows)
	}
}

func TestWriteTemplateBadExt(t *testing.T) {
	for _, ext := range []string{".xls", "", ".txt", ".xlsx.csv"} {
		err := WriteTemplate(&bytes.Buffer{}, ext)
		if diff := cmp.Diff(&errView{Code: campusguard.Invalid, Message: "error.file_type"}, viewErr(err)); diff != "" {
			t.Errorf("WriteTemplate(%q) error mismatch (-want +got):\n%s", ext, diff)
		}
	}
}

// fillRows are rows a school types into the template, with the cells that
// Excel and CSV most often damage: leading zeros, long digit strings,
// commas, quotes and line breaks.
func fillRows(tb testing.TB) []campusguard.RosterRow {
	tb.Helper()
	return []campusguard.RosterRow{
		{Kind: "学生", Number: "00123", Name: "张小明", Gender: "男", IDNumber: validID(tb, "350623", "20150307", 11),
			Grade: "一年级", Class: "1班", Boarding: "是", DormRoom: "3-301", Bed: "2", BusRoute: "1号线",
			Town: "云陵镇", Village: "城关村\n3组", GuardianName: "张建国", GuardianPhone: "13805961234", GuardianRelation: "父亲"},
		{Kind: "学生", Number: "20260102", Name: "欧阳\"娜娜\"", Gender: "女", IDNumber: strings.ToLower(validID(tb, "350623", "20140512", 2)),
			Grade: "一年级", Class: "2班", Boarding: "否", Town: "岭头乡", Village: "後垅村, 东片",
			GuardianName: "欧阳华", GuardianPhone: "0596-3212345", GuardianRelation: "母亲"},
		{Kind: "教职工", Number: "T001", Name: "李老师", Gender: "女", IDNumber: validID(tb, "350623", "19850611", 2),
			Phone: "13905961234", Grade: "一年级", Class: "1班", Role: "班主任"},
		{Kind: "教职工", Number: "T002", Name: "王师傅", Role: "校车司机", BusRoute: "1号线", Phone: "13905960000"},
	}
}

func numbered(rows []campusguard.RosterRow, first int) []campusguard.RosterRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].Row = first + i
	}
	return out
}

func TestTemplateRoundTrip(t *testing.T) {
	rows := fillRows(t)

	t.Run("xlsx", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, ".xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for n := range rows {
			for i, col := range campusguard.RosterColumns {
				if v := *col.Get(&rows[n]); v != "" {
					if err := f.SetCellStr("花名册", columnName(i)+strconv.Itoa(n+3), v); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		got := mustParse(t, buf.Bytes(), "filled.xlsx")
		if diff := cmp.Diff(numbered(rows, 3), got); diff != "" {
			t.Errorf("Parse(filled template.xlsx) mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("csv", func(t *testing.T) {
		var filled bytes.Buffer
		filled.Write(writeTemplate(t, ".csv"))
		var more bytes.Buffer
		if err := WriteRosterCSV(&more, rows); err != nil {
			t.Fatal(err)
		}
		// Drop the BOM and header of the second file: only its rows are appended.
		_, body, _ := bytes.Cut(more.Bytes(), []byte("\r\n"))
		filled.Write(body)
		got := mustParse(t, filled.Bytes(), "filled.csv")
		if diff := cmp.Diff(numbered(rows, 3), got); diff != "" {
			t.Errorf("Parse(filled template.csv) mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestWriteRosterRoundTrip(t *testing.T) {
	rows := fillRows(t)
	for _, tt := range []struct {
		name  string
		write func(w *bytes.Buffer, rows []campusguard.RosterRow) error
	}{
		{"r.xlsx", func(w *bytes.Buffer, rows []campusguard.RosterRow) error { return WriteRosterXLSX(w, rows) }},
		{"r.csv", func(w *bytes.Buffer, rows []campusguard.RosterRow) error { return WriteRosterCSV(w, rows) }},
	} {
		var buf bytes.Buffer
		if err := tt.write(&buf, rows); err != nil {
			t.Fatalf("write %s = %v", tt.name, err)
		}
		got := mustParse(t, buf.Bytes(), tt.name)
		if diff := cmp.Diff(numbered(rows, 2), got); diff != "" {
			t.Errorf("Parse(%s) of written rows mismatch (-want +got):\n%s", tt.name, diff)
		}
		if _, err := campusguard.ValidateRoster(got, today); err != nil {
			t.Errorf("ValidateRoster(%s) = %v, want no error", tt.name, err)
		}
	}
}

func TestWriteRosterXLSXLarge(t *testing.T) {
	longtest.Skip(t, "100,000 rows")
	if testing.Short() {
		t.Skip("100,000 rows")
	}
	rows := benchRows(t, 100000)
	var buf bytes.Buffer
	if err := WriteRosterXLSX(&buf, rows); err != nil {
		t.Fatal(err)
	}
	// Reading 100,000 rows back takes excelize many seconds: look at the XML.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	sheet, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<dimension ref="A1:R100001"`, `<row r="100001">`, rows[99999].IDNumber} {
		if !bytes.Contains(sheet, []byte(want)) {
			t.Errorf("sheet1.xml of 100,000 rows does not contain %s", want)
		}
	}
}

func BenchmarkWriteRosterXLSX(b *testing.B) {
	rows := benchRows(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteRosterXLSX(io.Discard, rows); err != nil {
			b.Fatal(err)
		}
	}
}

// TestChoiceWords checks that the words the template offers are words the
// roster accepts, and that every column is explained.
func TestChoiceWords(t *testing.T) {
	for key, words := range dropdowns {
		for _, w := range words {
			if !slices.Contains(choiceWords[key], w) {
				t.Errorf("dropdowns[%q] has %q, which choiceWords does not list", key, w)
			}
		}
	}
	for _, col := range campusguard.RosterColumns {
		if columnNotes[col.Key] == "" {
			t.Errorf("columnNotes[%q] is missing", col.Key)
		}
	}
	for key, words := range choiceWords {
		for _, w := range words {
			var row campusguard.RosterRow
			switch key {
			case "kind":
				row = campusguard.RosterRow{Kind: campusguard.PersonKind(w)}
			case "gender":
				row = campusguard.RosterRow{Kind: "学生", Gender: w}
			case "boarding":
				row = campusguard.RosterRow{Kind: "学生", Boarding: w}
			case "role":
				row = campusguard.RosterRow{Kind: "教职工", Role: w}
			default:
				t.Fatalf("choiceWords[%q]: no such choice column", key)
			}
			row.Row = 2
			_, err := campusguard.ValidateRoster([]campusguard.RosterRow{row}, today)
			for _, f := range campusguard.ErrorFields(err) {
				if f.Field == key {
					t.Errorf("ValidateRoster(%s %q) = %s on %s, want the word accepted", key, w, f.Msg, f.Field)
				}
			}
		}
	}
}

// TestWriteRosterCSVNoFormulas: a roster cell typed as a formula (a name
// "=HYPERLINK(…)") is written so that a spreadsheet shows it as text, and
// the import reads back exactly what was typed.
func TestWriteRosterCSVNoFormulas(t *testing.T) {
	rows := fillRows(t)[:1]
	rows[0].Name = `=HYPERLINK("http://evil.example/","点击")`
	rows[0].Village = "@SUM(1+1)"
	rows[0].Town = "-2+3"
	var buf bytes.Buffer
	if err := WriteRosterCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("CSV cell %q starts a formula", c)
			}
		}
	}
	got := mustParse(t, buf.Bytes(), "r.csv")
	if diff := cmp.Diff(numbered(rows, 2), got); diff != "" {
		t.Errorf("Parse of written rows mismatch (-want +got):\n%s", diff)
	}
}
