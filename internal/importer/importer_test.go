package importer

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"campusguard"
)

// TestParseSheet runs each sheet through Parse both as a CSV file and as an
// xlsx workbook: the two must read the same.
func TestParseSheet(t *testing.T) {
	head := []string{"类别", "学号/工号", "姓名", "性别", "身份证号", "年级", "班级"}
	id1, id2 := validID(t, "350623", "20150307", 1), validID(t, "350623", "20140512", 2)
	row1 := []string{"学生", "20260101", "张小明", "男", id1, "一年级", "1班"}
	row2 := []string{"学生", "20260102", "王小红", "女", id2, "一年级", "2班"}
	want1 := campusguard.RosterRow{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", Gender: "男",
		IDNumber: id1, Grade: "一年级", Class: "1班"}
	want2 := campusguard.RosterRow{Row: 3, Kind: "学生", Number: "20260102", Name: "王小红", Gender: "女",
		IDNumber: id2, Grade: "一年级", Class: "2班"}
	at := func(r campusguard.RosterRow, n int) campusguard.RosterRow { r.Row = n; return r }
	example := make([]string, len(campusguard.RosterColumns))
	template := make([]string, len(campusguard.RosterColumns))
	for i, col := range campusguard.RosterColumns {
		example[i], template[i] = col.Example, headerText(col)
	}
	notExample := append([]string(nil), example...)
	notExample[2] = "张小华"
	fromExample := func(n int, name string) campusguard.RosterRow {
		r := campusguard.RosterRow{Row: n}
		for _, col := range campusguard.RosterColumns {
			*col.Get(&r) = col.Example
		}
		r.Name = name
		return r
	}

	tests := []struct {
		name    string
		sheet   [][]string // nil rows are absent (xlsx) or blank lines (csv)
		opt     Options
		want    []campusguard.RosterRow
		wantErr *errView
	}{
		{name: "basic", sheet: [][]string{head, row1, row2}, want: []campusguard.RosterRow{want1, want2}},
		{name: "cells trimmed", sheet: [][]string{head,
			{" 学生 ", "\t20260101", "\u3000张小明\u00a0", "男\u200b", " " + id1, "一年级 ", " 1班"}},
			want: []campusguard.RosterRow{want1}},
		{name: "empty rows skipped", sheet: [][]string{head, row1, nil, {"", " ", "\u3000"}, {}, row2},
			want: []campusguard.RosterRow{want1, at(want2, 6)}},
		{name: "short row", sheet: [][]string{head, {"学生", "20260101", "张小明"}},
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明"}}},
		{name: "long row", sheet: [][]string{head, append(append([]string(nil), row1...), "多余", "x")},
			want: []campusguard.RosterRow{want1}},
		{name: "aliases and ignored columns",
			sheet: [][]string{
				{"序号", "類別", "學號", "姓名", "身份证号码", "联系电话", "家长姓名", "家长电话", "备注", "", "监护人关系", "住校", "乡镇", "村", "校车"},
				{"1", "学生", "20260101", "张小明", id1, "13905961234", "张建国", "13805961234", "转学", "x", "父亲", "否", "云陵镇", "城关村", "1号线"},
				{"2"},
				{"3", "", "", "", "", "", "", "", "空行"},
			},
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", IDNumber: id1,
				Phone: "13905961234", GuardianName: "张建国", GuardianPhone: "13805961234", GuardianRelation: "父亲",
				Boarding: "否", Town: "云陵镇", Village: "城关村", BusRoute: "1号线"}}},
		{name: "more aliases",
			sheet: [][]string{
				{"序號", "人员类别", "工号", "姓名", "公民身份号码", "手机号码", "崗位", "備註", "寢室", "床号"},
				{"1", "教职工", "T01", "李老师", id2, "13905961234", "班主任", "", "", ""},
			},
			want: []campusguard.RosterRow{{Row: 2, Kind: "教职工", Number: "T01", Name: "李老师", IDNumber: id2,
				Phone: "13905961234", Role: "班主任"}}},
		{name: "traditional headers",
			sheet: [][]string{
				{"類別", "學號/工號", "姓名", "性別", "身份證號", "年級", "班級", "監護人姓名", "監護人電話", "監護人關係", "戶籍鄉鎮", "村/社區", "校車線路"},
				{"學生", "20260101", "張小明", "男", id1, "一年級", "1班", "張建國", "13805961234", "父親", "雲陵鎮", "城關村", "1號線"},
			},
			want: []campusguard.RosterRow{{Row: 2, Kind: "學生", Number: "20260101", Name: "張小明", Gender: "男", IDNumber: id1,
				Grade: "一年級", Class: "1班", GuardianName: "張建國", GuardianPhone: "13805961234", GuardianRelation: "父親",
				Town: "雲陵鎮", Village: "城關村", BusRoute: "1號線"}}},
		{name: "English headers",
			sheet: [][]string{
				{"Kind", "NUMBER", "name", "ID Number", "Guardian Phone", "guardian_name", "Dorm-Room", "bed"},
				{"student", "20260101", "Zhang Xiaoming", id1, "13805961234", "Zhang Jianguo", "301", "2"},
			},
			want: []campusguard.RosterRow{{Row: 2, Kind: "student", Number: "20260101", Name: "Zhang Xiaoming", IDNumber: id1,
				GuardianPhone: "13805961234", GuardianName: "Zhang Jianguo", DormRoom: "301", Bed: "2"}}},
		{name: "required marks and spaces in headers",
			sheet: [][]string{
				{"\ufeff *类别 ", "＊学号 / 工号", "姓名（必填）", "性别(选填)", " 身份证号 ", "年级", "班 级"},
				row1,
			},
			want: []campusguard.RosterRow{want1}},
		{name: "template example row skipped", sheet: [][]string{template, example, notExample},
			want: []campusguard.RosterRow{fromExample(3, "张小华")}},
		{name: "example person without the template's columns is kept", sheet: [][]string{head[:3], example[:3]},
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明"}}},
		{name: "example values with a column missing are kept", sheet: [][]string{template, example[:4]},
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", Gender: "男"}}},
		{name: "header only", sheet: [][]string{head}, want: nil},
		{name: "max rows reached", sheet: [][]string{head, row1, nil, row2}, opt: Options{MaxRows: 2},
			want: []campusguard.RosterRow{want1, at(want2, 4)}},

		{name: "max rows exceeded", sheet: [][]string{head, row1, row2, row1}, opt: Options{MaxRows: 2},
			wantErr: fileErr("error.too_many_rows", 2)},
		{name: "empty file", sheet: nil, wantErr: invalid(
			campusguard.FieldError{Field: "kind", Row: 1, Msg: "error.missing_column"},
			campusguard.FieldError{Field: "number", Row: 1, Msg: "error.missing_column"},
			campusguard.FieldError{Field: "name", Row: 1, Msg: "error.missing_column"},
		)},
		{name: "no header in row 1", sheet: [][]string{nil, head, row1}, wantErr: invalid(
			campusguard.FieldError{Field: "kind", Row: 1, Msg: "error.missing_column"},
			campusguard.FieldError{Field: "number", Row: 1, Msg: "error.missing_column"},
			campusguard.FieldError{Field: "name", Row: 1, Msg: "error.missing_column"},
		)},
		{name: "missing columns", sheet: [][]string{{"学号", "性别"}, {"1", "男"}}, wantErr: invalid(
			campusguard.FieldError{Field: "kind", Row: 1, Msg: "error.missing_column"},
			campusguard.FieldError{Field: "name", Row: 1, Msg: "error.missing_column"},
		)},
		{name: "unknown columns", sheet: [][]string{{"类别", "学号", "民族", "姓名", "出生日期"}, row1}, wantErr: invalid(
			campusguard.FieldError{Field: "民族", Row: 1, Msg: "error.unknown_column"},
			campusguard.FieldError{Field: "出生日期", Row: 1, Msg: "error.unknown_column"},
		)},
		{name: "duplicate column", sheet: [][]string{{"类别", "学号", "姓名", "身份证号", "身份证"}, row1}, wantErr: invalid(
			campusguard.FieldError{Field: "身份证", Row: 1, Msg: "error.duplicate_column", Args: []any{"D"}},
		)},
		{name: "every header error at once", sheet: [][]string{{"民族", "学号", "工号", " 籍贯 ", "姓名 ", "名字"}, row1}, wantErr: invalid(
			campusguard.FieldError{Field: "民族", Row: 1, Msg: "error.unknown_column"},
			campusguard.FieldError{Field: "工号", Row: 1, Msg: "error.duplicate_column", Args: []any{"B"}},
			campusguard.FieldError{Field: "籍贯", Row: 1, Msg: "error.unknown_column"},
			campusguard.FieldError{Field: "名字", Row: 1, Msg: "error.duplicate_column", Args: []any{"E"}},
			campusguard.FieldError{Field: "kind", Row: 1, Msg: "error.missing_column"},
		)},
	}
	for _, tt := range tests {
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				var b []byte
				if format == "csv" {
					b = csvFile(t, tt.sheet, nil, false)
				} else {
					b = xlsxFile(t, strings2any(tt.sheet))
				}
				got, err := Parse(bytes.NewReader(b), "roster."+format, tt.opt)
				if diff := cmp.Diff(tt.wantErr, viewErr(err)); diff != "" {
					t.Errorf("Parse(%s) error mismatch (-want +got):\n%s", tt.name, diff)
				}
				if diff := diffRows(tt.want, got); diff != "" {
					t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.name, diff)
				}
			})
		}
	}
}

func TestParseCSV(t *testing.T) {
	id := validID(t, "350623", "20150307", 1)
	gbkSheet := [][]string{
		{"序号", "类别", "学号", "姓名", "身份证号", "年级", "班级", "家长姓名", "家长电话", "户籍乡镇", "村/社区"},
		{"1", "学生", "20260101", "张小明", id, "一年级", "1班", "张建国", "13805961234", "云陵镇", "城关村"},
		{"2", "学生", "20260102", "欧阳娜娜", "", "一年级", "1班", "", "", "岭头乡", "後垅村"},
	}
	gbkWant := []campusguard.RosterRow{
		{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", IDNumber: id, Grade: "一年级", Class: "1班",
			GuardianName: "张建国", GuardianPhone: "13805961234", Town: "云陵镇", Village: "城关村"},
		{Row: 3, Kind: "学生", Number: "20260102", Name: "欧阳娜娜", Grade: "一年级", Class: "1班", Town: "岭头乡", Village: "後垅村"},
	}
	rare := [][]string{{"类别", "学号", "姓名"}, {"学生", "1", "𠮷田䶮"}} // outside GBK, inside GB18030
	rareWant := []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "1", Name: "𠮷田䶮"}}
	head := "类别,学号,姓名,身份证号,班级\r\n"

	tests := []struct {
		name    string
		file    []byte
		want    []campusguard.RosterRow
		wantErr *errView
	}{
		{name: "UTF-8", file: csvFile(t, gbkSheet, nil, false), want: gbkWant},
		{name: "UTF-8 with BOM", file: csvFile(t, gbkSheet, nil, true), want: gbkWant},
		{name: "GBK", file: csvFile(t, gbkSheet, simplifiedchinese.GBK, false), want: gbkWant},
		{name: "GB18030 beyond GBK", file: csvFile(t, rare, simplifiedchinese.GB18030, false), want: rareWant},
		{name: "LF line ends", file: []byte("类别,学号,姓名\n学生,1,张三\n学生,2,李四"),
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "1", Name: "张三"}, {Row: 3, Kind: "学生", Number: "2", Name: "李四"}}},
		{name: "quoted fields", file: []byte(head + `学生,"1","张""三"",李",,"城关村` + "\r\n" + `3组"` + "\r\n学生,2,李四,,\r\n"),
			want: []campusguard.RosterRow{
				{Row: 2, Kind: "学生", Number: "1", Name: `张"三",李`, Class: "城关村\n3组"},
				{Row: 3, Kind: "学生", Number: "2", Name: "李四"},
			}},
		{name: "blank lines count as rows", file: []byte(head + "\r\n学生,1,张三\r\n\r\n\n学生,2,李四\r\n\r\n"),
			want: []campusguard.RosterRow{{Row: 3, Kind: "学生", Number: "1", Name: "张三"}, {Row: 6, Kind: "学生", Number: "2", Name: "李四"}}},
		{name: "numbers kept as text by Excel formulas", file: []byte(head + `学生,"=""00123""",张三,"=""` + id + `"""` + "\r\n"),
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "00123", Name: "张三", IDNumber: id}}},
		{name: "ID number as Excel shows it is left alone", file: []byte(head + "学生,1,张三,3.50623E+17\r\n"),
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "1", Name: "张三", IDNumber: "3.50623E+17"}}},

		{name: "bare quote", file: []byte(head + "学生,1,张三\r\n学生,2,李\"四\r\n"),
			wantErr: invalid(campusguard.FieldError{Field: "file", Row: 3, Msg: "error.csv_quote"})},
		{name: "unterminated quote", file: []byte(head + "\r\n学生,1,\"张三\r\n学生,2,李四\r\n"),
			wantErr: invalid(campusguard.FieldError{Field: "file", Row: 3, Msg: "error.csv_quote"})},
		{name: "UTF-16", file: []byte("\xff\xfe\x7b\x7c\x2b\x52\r\x00\n\x00"),
			wantErr: fileErr("error.encoding")},
		{name: "NUL bytes", file: []byte(head + "学生,1,张\x00三\r\n"),
			wantErr: fileErr("error.encoding")},
		{name: "neither UTF-8 nor GB18030", file: []byte(head + "学生,1,\x81\x20\xff\r\n"),
			wantErr: fileErr("error.encoding")},
		{name: "xlsx named csv", file: xlsxFile(t, [][]any{{"类别"}}),
			wantErr: fileErr("error.encoding")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(tt.file), "名单.CSV", Options{})
			if diff := cmp.Diff(tt.wantErr, viewErr(err)); diff != "" {
				t.Errorf("Parse(%s) error mismatch (-want +got):\n%s", tt.name, diff)
			}
			if diff := diffRows(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParseXLSX(t *testing.T) {
	id := validID(t, "350623", "20150307", 1)
	head := []any{"类别", "学号/工号", "姓名", "身份证号", "电话", "监护人电话", "寄宿", "床位"}
	tests := []struct {
		name    string
		file    []byte
		want    []campusguard.RosterRow
		wantErr *errView
	}{
		{name: "numbers as numbers",
			file: xlsxFile(t, [][]any{head,
				{"学生", 20260101, "张小明", mustInt(t, id), int64(13905961234), 13805961234.0, true, 3},
				{"学生", 20260102.0, "王小红", float64(mustInt(t, id)), nil, nil, false, 1.5},
			}),
			want: []campusguard.RosterRow{
				{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", IDNumber: id, Phone: "13905961234",
					GuardianPhone: "13805961234", Boarding: "1", Bed: "3"},
				// A float64 holds 15-17 significant digits: the ID number comes back as Excel would keep it.
				{Row: 3, Kind: "学生", Number: "20260102", Name: "王小红", IDNumber: "350623201503070000", Boarding: "0", Bed: "1.5"},
			}},
		{name: "numbers as Excel writes them",
			file: xlsxFile(t, [][]any{head,
				{"学生", excelNumber("20260101"), "张小明", excelNumber("3.50623201503070E+17"), excelNumber("1.3905961234E+10"),
					excelNumber("13805961234"), nil, excelNumber("1.5E+3")},
				{"学生", "1E+5", "李四", excelNumber("3.5E-2"), "1.2.3E+4"},
			}),
			want: []campusguard.RosterRow{
				{Row: 2, Kind: "学生", Number: "20260101", Name: "张小明", IDNumber: "350623201503070000",
					Phone: "13905961234", GuardianPhone: "13805961234", Bed: "1500"},
				{Row: 3, Kind: "学生", Number: "100000", Name: "李四", IDNumber: "3.5E-2", Phone: "1.2.3E+4"},
			}},
		{name: "number formats are not applied", file: func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			for i, v := range []any{"类别", "学号/工号", "姓名", "身份证号", "电话"} {
				cell, _ := excelize.CoordinatesToCellName(i+1, 1)
				f.SetCellValue("Sheet1", cell, v)
			}
			f.SetSheetRow("Sheet1", "A2", &[]any{"学生", 123, "张小明", mustInt(t, id), 13905961234})
			fmt0 := "0.00"
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmt0})
			if err != nil {
				t.Fatal(err)
			}
			sci, err := f.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00
			if err != nil {
				t.Fatal(err)
			}
			zeros := "00000"
			padded, err := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
			if err != nil {
				t.Fatal(err)
			}
			f.SetCellStyle("Sheet1", "E2", "E2", style)
			f.SetCellStyle("Sheet1", "D2", "D2", sci)
			f.SetCellStyle("Sheet1", "B2", "B2", padded)
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}(),
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "123", Name: "张小明", IDNumber: id, Phone: "13905961234"}}},
		{name: "first sheet only", file: func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			f.SetSheetName("Sheet1", "学生名单")
			f.SetSheetRow("学生名单", "A1", &[]any{"类别", "学号", "姓名"})
			f.SetSheetRow("学生名单", "A2", &[]any{"学生", "1", "张三"})
			f.NewSheet("统计")
			f.SetSheetRow("统计", "A1", &[]any{"人数", 1})
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}(),
			want: []campusguard.RosterRow{{Row: 2, Kind: "学生", Number: "1", Name: "张三"}}},

		{name: "not a workbook", file: []byte("类别,学号,姓名\r\n"), wantErr: fileErr("error.file_read", "Roster.XLSX")},
		{name: "truncated workbook", file: xlsxFile(t, [][]any{head})[:300], wantErr: fileErr("error.file_read", "Roster.XLSX")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(tt.file), "/uploads/Roster.XLSX", Options{})
			if diff := cmp.Diff(tt.wantErr, viewErr(err)); diff != "" {
				t.Errorf("Parse(%s) error mismatch (-want +got):\n%s", tt.name, diff)
			}
			if diff := diffRows(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func mustInt(tb testing.TB, s string) int64 {
	tb.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			tb.Fatalf("mustInt(%q): not digits", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func TestParseFileType(t *testing.T) {
	want := fileErr("error.file_type")
	csv := csvFile(t, [][]string{{"类别", "学号", "姓名"}}, nil, false)
	for _, name := range []string{"roster.xls", "roster.txt", "roster", "roster.csv.bak", ".xlsx.", "roster.xlsm", ""} {
		_, err := Parse(bytes.NewReader(csv), name, Options{})
		if diff := cmp.Diff(want, viewErr(err)); diff != "" {
			t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", name, diff)
		}
	}
	for _, name := range []string{"roster.csv", "ROSTER.CSV", "学生 名单.Csv", "/tmp/a.b/roster.csv"} {
		if _, err := Parse(bytes.NewReader(csv), name, Options{}); err != nil {
			t.Errorf("Parse(%q) = %v, want no error", name, err)
		}
	}
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("connection reset")
	for _, name := range []string{"r.csv", "r.xlsx"} {
		_, err := Parse(iotest.ErrReader(boom), name, Options{})
		if !errors.Is(err, boom) || campusguard.ErrorCode(err) != campusguard.Internal {
			t.Errorf("Parse(%s, failing reader) = %v, want an internal error wrapping %v", name, err, boom)
		}
	}
}

func TestParseProgress(t *testing.T) {
	sheet := [][]string{{"类别", "学号", "姓名"}}
	rows := make([]campusguard.RosterRow, 2500)
	for i := range rows {
		rows[i] = campusguard.RosterRow{Kind: "学生", Number: strconv.Itoa(i), Name: "张三"}
		sheet = append(sheet, []string{"学生", strconv.Itoa(i), "张三"})
	}
	var stream, csv bytes.Buffer
	if err := WriteRosterXLSX(&stream, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteRosterCSV(&csv, rows); err != nil {
		t.Fatal(err)
	}
	type call struct{ Done, Total int64 }
	for _, tt := range []struct {
		name string
		file []byte
		want []call
	}{
		{"stream.xlsx", stream.Bytes(), []call{{1000, 2501}, {2000, 2501}, {2501, 2501}}},
		// excelize leaves the dimension at A1, unlike Excel: the total is unknown.
		{"no-dimension.xlsx", xlsxFile(t, strings2any(sheet)), []call{{1000, -1}, {2000, -1}, {2501, 2501}}},
		{"r.csv", csv.Bytes(), []call{{1000, 2501}, {2000, 2501}, {2501, 2501}}},
	} {
		var got []call
		opt := Options{Progress: func(done, total int64) { got = append(got, call{done, total}) }}
		if _, err := Parse(bytes.NewReader(tt.file), tt.name, opt); err != nil {
			t.Fatalf("Parse(%s) = %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%s) progress mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseDefaultMaxRows(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("类别,学号,姓名\n")
	for range DefaultMaxRows + 1 {
		b.WriteString("学生,1,张三\n")
	}
	_, err := Parse(bytes.NewReader(b.Bytes()), "big.csv", Options{})
	want := fileErr("error.too_many_rows", DefaultMaxRows)
	if diff := cmp.Diff(want, viewErr(err)); diff != "" {
		t.Errorf("Parse(%d rows) error mismatch (-want +got):\n%s", DefaultMaxRows+1, diff)
	}
}

func TestHeaderAliases(t *testing.T) {
	keys := map[string]bool{}
	for _, col := range campusguard.RosterColumns {
		keys[col.Key] = true
	}
	for key := range aliases {
		if !keys[key] {
			t.Errorf("aliases[%q]: no such roster column", key)
		}
	}
	// Every header the package writes, and every alias, reads back as its column.
	for j, col := range campusguard.RosterColumns {
		for _, h := range append([]string{col.Header, headerText(col), col.Key, strings.ToUpper(col.Key)}, aliases[col.Key]...) {
			if got, ok := headerAliases[normalizeHeader(h)]; !ok || got != j {
				t.Errorf("header %q maps to column %d, %v, want %d (%s)", h, got, ok, j, col.Key)
			}
		}
	}
}

func TestColumnName(t *testing.T) {
	for _, tt := range []struct {
		in   int
		want string
	}{{0, "A"}, {25, "Z"}, {26, "AA"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"}, {702, "AAA"}} {
		if got := columnName(tt.in); got != tt.want {
			t.Errorf("columnName(%d) = %q, want %q", tt.in, got, tt.want)
		}
		if want, _ := excelize.ColumnNumberToName(tt.in + 1); want != tt.want {
			t.Errorf("excelize.ColumnNumberToName(%d) = %q, want %q", tt.in+1, want, tt.want)
		}
	}
}

func BenchmarkParseXLSX(b *testing.B) {
	rows := benchRows(b, 10000)
	path := b.TempDir() + "/roster.xlsx"
	var buf bytes.Buffer
	if err := WriteRosterXLSX(&buf, rows); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := Parse(bytes.NewReader(file), "roster.xlsx", Options{})
		if err != nil || len(got) != len(rows) {
			b.Fatalf("Parse = %d rows, %v, want %d rows", len(got), err, len(rows))
		}
	}
}

func BenchmarkParseCSV(b *testing.B) {
	rows := benchRows(b, 10000)
	var buf bytes.Buffer
	if err := WriteRosterCSV(&buf, rows); err != nil {
		b.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		file []byte
	}{{"UTF-8", buf.Bytes()}, {"GBK", gbk}} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.file)))
			b.ReportAllocs()
			for b.Loop() {
				got, err := Parse(bytes.NewReader(tt.file), "roster.csv", Options{})
				if err != nil || len(got) != len(rows) {
					b.Fatalf("Parse = %d rows, %v, want %d rows", len(got), err, len(rows))
				}
			}
		})
	}
}

// benchRows returns n full, valid roster rows.
func benchRows(tb testing.TB, n int) []campusguard.RosterRow {
	tb.Helper()
	rows := make([]campusguard.RosterRow, n)
	for i := range rows {
		birth := []string{"20140105", "20150610", "20161123", "20170302"}[i%4]
		rows[i] = campusguard.RosterRow{Kind: "学生", Number: strings.Repeat("0", 3) + strconv.Itoa(100000+i), Name: "张小明",
			Gender: []string{"女", "男"}[i%2], IDNumber: validID(tb, "350623", birth, i%1000),
			Grade: "三年级", Class: strconv.Itoa(1+i%8) + "班", Boarding: "否", Town: "云陵镇", Village: "城关村",
			GuardianName: "张建国", GuardianPhone: "138" + strconv.Itoa(10000000+i), GuardianRelation: "父亲"}
	}
	return rows
}
