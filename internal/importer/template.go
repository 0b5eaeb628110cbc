package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"campusguard"
)

// Sheet names of the template.
const (
	rosterSheet = "花名册"
	notesSheet  = "说明"
)

// requiredMark prefixes the header of a required column; Parse drops it.
const requiredMark = "*"

// textColumns are formatted as text in the xlsx template, so that Excel
// keeps every digit of an ID number and the leading zeros of a number
// instead of turning them into 3.50623E+17 or 123.
var textColumns = map[string]bool{"number": true, "id_number": true, "phone": true, "guardian_phone": true}

// dropdowns offer the usual words of the choice columns in the xlsx
// template. Other accepted words (see choiceWords) may still be typed.
var dropdowns = map[string][]string{
	"kind":     {"学生", "教职工"},
	"gender":   {"男", "女"},
	"boarding": {"是", "否"},
	"role":     {"教师", "班主任", "校医", "食堂人员", "保安", "保洁", "司机", "其他"},
}

// choiceWords are the words campusguard.ValidateRoster accepts in the choice
// columns, as the template's notes list them. A test checks that each is
// accepted.
var choiceWords = map[string][]string{
	"kind":     {"学生", "教职工", "教师", "學生", "教職工", "教師", "student", "staff"},
	"gender":   {"男", "女", "M", "F", "male", "female"},
	"boarding": {"是", "否", "住校", "走读", "走讀", "Y", "N", "yes", "no", "1", "0", "true", "false"},
	"role": {"教师", "任课教师", "教師", "班主任", "校医", "卫生保健员", "衛生保健員", "保健医生",
		"食堂人员", "食堂", "食堂人員", "保安", "门卫", "門衛", "保洁", "保潔", "司机", "校车司机", "司機", "其他",
		"teacher", "class_teacher", "health_officer", "canteen", "security", "cleaner", "driver", "other"},
}

// columnNotes explain each column in the template's notes sheet.
var columnNotes = map[string]string{
	"kind":              "学生 或 教职工。学生和教职工可以填在同一张表里。",
	"number":            "学生填学号，教职工填工号，在本校内不能重复。再次导入时同一人按此更新。",
	"name":              "姓名，最多 50 个字。",
	"gender":            "男 或 女。填了身份证号的可以不填，系统按身份证号识别；两者不一致会报错。",
	"id_number":         "18 位居民身份证号，最后一位可以是 X。出生日期和性别从身份证号读取。",
	"phone":             "本人手机号（11 位）或座机（区号-号码，如 0591-83812345）。学生可不填。",
	"grade":             "学生必填，如 一年级、七年级、高一。须与系统中已建的年级名称一致。教职工是班主任的，可填所带班级的年级。",
	"class":             "学生必填，如 1班。须与系统中已建的班级名称一致。教职工填了年级就要同时填班级。",
	"role":              "教职工必填，学生不填。",
	"boarding":          "是否寄宿（住校）。不填视为否。",
	"dorm_room":         "寄宿生的宿舍房间，须与系统中已建的宿舍一致。走读生和教职工不填。",
	"bed":               "床位号。填床位时必须同时填宿舍。",
	"bus_route":         "乘坐的校车线路名称，须与系统中已建的线路一致；校车司机填所开的线路。",
	"town":              "户籍或居住地所在的乡镇（街道）。",
	"village":           "所在的村或社区。",
	"guardian_name":     "学生的监护人姓名，填写时必须同时填监护人电话。教职工不填。",
	"guardian_phone":    "监护人手机号（11 位）或座机（区号-号码）。",
	"guardian_relation": "监护人与学生的关系，如 父亲、母亲、祖父、祖母。",
}

// generalNotes open the notes sheet.
var generalNotes = []string{
	"1. 第一行是表头，请不要修改；带 * 的列必须填写。列的顺序可以调整，用不到的非必填列可以删除，" +
		"“序号”“备注”列会被忽略。",
	"2. 第 2 行是示例，可以删除，也可以保留：导入时会跳过与示例完全相同的行。",
	"3. 每人一行，空行会被跳过。",
	"4. 身份证号、电话、学号/工号列已设为文本格式，请不要改成数字格式，否则 Excel 会把 18 位身份证号的后 3 位变成 0。",
	"5. 也可以另存为 CSV 文件导入，UTF-8 或 GBK（ANSI）编码均可。",
	"6. 导入时会一次检查所有行，所有错误（第几行、哪一列、什么原因）一起列出；全部正确才会导入，不会只导入一部分。",
}

// headerText is the header a column carries in the template.
func headerText(col campusguard.RosterColumn) string {
	if col.Required {
		return requiredMark + col.Header
	}
	return col.Header
}

// WriteTemplate writes the roster template that schools download and fill
// in. ext picks the format: ".xlsx" (a 花名册 sheet with the header, an
// example row, text-formatted number columns and drop-down lists, and a 说明
// sheet explaining every column), or ".csv" (UTF-8 with a BOM so that Excel
// opens it correctly: the header and the example row). Any other ext is an
// Invalid "error.file_type"; errors from w are returned wrapped.
func WriteTemplate(w io.Writer, ext string) error {
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "xlsx":
		return writeTemplateXLSX(w)
	case "csv":
		example := make([]string, len(campusguard.RosterColumns))
		for i, col := range campusguard.RosterColumns {
			example[i] = col.Example
		}
		return writeCSV(w, 1, func(int) []string { return example })
	}
	return campusguard.Errorf(campusguard.Invalid, "error.file_type")
}

func writeTemplateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), rosterSheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, col := range campusguard.RosterColumns {
		name := columnName(i)
		style := st.header
		if col.Required {
			style = st.required
		}
		cell := name + "1"
		if err := f.SetColWidth(rosterSheet, name, name, columnWidth(col)); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if textColumns[col.Key] {
			if err := f.SetColStyle(rosterSheet, name, st.text); err != nil {
				return fmt.Errorf("template: %w", err)
			}
		}
		if err := f.SetCellStr(rosterSheet, cell, headerText(col)); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if err := f.SetCellStyle(rosterSheet, cell, cell, style); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if col.Example != "" {
			if err := f.SetCellStr(rosterSheet, name+"2", col.Example); err != nil {
				return fmt.Errorf("template: %w", err)
			}
		}
		if words, ok := dropdowns[col.Key]; ok {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, excelize.TotalRows)
			if err := dv.SetDropList(words); err != nil {
				return fmt.Errorf("template: %w", err)
			}
			dv.ShowErrorMessage = false // the other accepted words may be typed too
			if err := f.AddDataValidation(rosterSheet, dv); err != nil {
				return fmt.Errorf("template: %w", err)
			}
		}
	}
	if err := f.SetPanes(rosterSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := writeNotes(f, st); err != nil {
		return err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

// writeNotes adds the 说明 sheet.
func writeNotes(f *excelize.File, st styles) error {
	if _, err := f.NewSheet(notesSheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	var rows [][]any
	rows = append(rows, []any{"花名册填写说明"})
	for _, n := range generalNotes {
		rows = append(rows, []any{n})
	}
	rows = append(rows, nil)
	head := len(rows) + 1
	rows = append(rows, []any{"列名", "英文列名", "是否必填", "填写说明", "可以填写的值"})
	for _, col := range campusguard.RosterColumns {
		req := "否"
		if col.Required {
			req = "是"
		}
		rows = append(rows, []any{col.Header, col.Key, req, columnNotes[col.Key], strings.Join(choiceWords[col.Key], "、")})
	}
	for i, row := range rows {
		if err := f.SetSheetRow(notesSheet, fmt.Sprintf("A%d", i+1), &row); err != nil {
			return fmt.Errorf("template notes: %w", err)
		}
	}
	if err := f.SetCellStyle(notesSheet, "A1", "A1", st.title); err != nil {
		return fmt.Errorf("template notes: %w", err)
	}
	if err := f.SetCellStyle(notesSheet, fmt.Sprintf("A%d", head), fmt.Sprintf("E%d", head), st.header); err != nil {
		return fmt.Errorf("template notes: %w", err)
	}
	if err := f.SetCellStyle(notesSheet, fmt.Sprintf("A%d", head+1), fmt.Sprintf("E%d", len(rows)), st.wrap); err != nil {
		return fmt.Errorf("template notes: %w", err)
	}
	for _, c := range []struct {
		col   string
		width float64
	}{{"A", 14}, {"B", 18}, {"C", 10}, {"D", 60}, {"E", 40}} {
		if err := f.SetColWidth(notesSheet, c.col, c.col, c.width); err != nil {
			return fmt.Errorf("template notes: %w", err)
		}
	}
	return nil
}

// styles are the cell styles of the xlsx files this package writes.
type styles struct {
	header, required, text, title, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center"}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill, Border: border, Alignment: center}},
		{&st.required, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill, Border: border, Alignment: center}},
		{&st.text, excelize.Style{NumFmt: 49}}, // "@": text
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, fmt.Errorf("template style: %w", err)
		}
		*s.id = id
	}
	return st, nil
}

// columnWidth fits a column to its header and example; a CJK character
// takes two character widths.
func columnWidth(col campusguard.RosterColumn) float64 {
	w := max(displayWidth(headerText(col)), displayWidth(col.Example), 8)
	if col.Key == "id_number" {
		w = max(w, 20)
	}
	return float64(w) + 3
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r > 0xff00 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// WriteRosterXLSX writes rows as an xlsx roster under the template's header,
// one row each from row 2, in order; RosterRow.Row is not used. It streams,
// so that 100,000 rows take seconds. It is for tests, benchmarks and demo
// data; errors are excelize's or w's.
func WriteRosterXLSX(w io.Writer, rows []campusguard.RosterRow) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), rosterSheet); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	// Excel writes the used range; readers such as Parse take their total from it.
	last, _ := excelize.CoordinatesToCellName(len(campusguard.RosterColumns), len(rows)+1)
	if err := f.SetSheetDimension(rosterSheet, "A1:"+last); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	sw, err := f.NewStreamWriter(rosterSheet)
	if err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	header := make([]any, len(campusguard.RosterColumns))
	for i, col := range campusguard.RosterColumns {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(col)); err != nil {
			return fmt.Errorf("write roster: %w", err)
		}
		if textColumns[col.Key] {
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return fmt.Errorf("write roster: %w", err)
			}
		}
		header[i] = excelize.Cell{Value: headerText(col), StyleID: st.header}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	cells := make([]any, len(campusguard.RosterColumns))
	for n := range rows {
		for i, col := range campusguard.RosterColumns {
			cells[i] = nil // an empty cell is left out
			if v := *col.Get(&rows[n]); v != "" {
				cells[i] = v
			}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", n+2), cells); err != nil {
			return fmt.Errorf("write roster row %d: %w", n+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	return nil
}

// WriteRosterCSV writes rows as a CSV roster (UTF-8 with a BOM, CRLF line
// ends, as Excel writes) under the template's header, in order; RosterRow.Row
// is not used. Errors are w's.
func WriteRosterCSV(w io.Writer, rows []campusguard.RosterRow) error {
	rec := make([]string, len(campusguard.RosterColumns))
	return writeCSV(w, len(rows), func(n int) []string {
		for i, col := range campusguard.RosterColumns {
			rec[i] = campusguard.CSVCell(*col.Get(&rows[n]))
		}
		return rec
	})
}

// writeCSV writes the template's header and n records.
func writeCSV(w io.Writer, n int, record func(int) []string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(campusguard.RosterColumns))
	for i, col := range campusguard.RosterColumns {
		header[i] = headerText(col)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for i := range n {
		if err := cw.Write(record(i)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
