// Package importer reads school rosters from the .xlsx and .csv files that
// schools already keep, and writes the template they can fill in. It only
// reads: the rows it returns are text, checked by campusguard.ValidateRoster.
package importer

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	"campusguard"
)

// DefaultMaxRows is the number of data rows Parse accepts unless
// Options.MaxRows says otherwise: a large county school has a few thousand
// people, a whole province's export a few hundred thousand.
const DefaultMaxRows = 300000

// Options tune Parse. The zero value is ready to use.
type Options struct {
	// Progress, if set, is called from time to time while rows are read, and
	// once at the end. done counts the sheet rows read so far (header and
	// empty rows included); total is the number of rows expected, an estimate
	// from the file's dimension (xlsx) or its line count (csv), or -1 when
	// unknown. The last call has done == total.
	Progress func(done, total int64)
	// MaxRows caps the number of data rows; 0 means DefaultMaxRows.
	MaxRows int
}

// progressEvery is how many rows pass between two Progress calls.
const progressEvery = 1000

// Parse reads a roster from r. The file name's extension (.xlsx or .csv, in
// any case) picks the format; for xlsx the first sheet is read. Row 1 is the
// header: each cell names a column of campusguard.RosterColumns by its
// Chinese header, its English key or a common alias, so a school's own sheet
// works as it is. Columns headed 序号 or 备注 and columns without a header are
// ignored. Data rows that are empty, and the template's example row left in
// place, are skipped; every other row is returned with its 1-based sheet row
// number and its cells trimmed, and nothing is checked beyond that.
//
// Parse returns an Invalid *campusguard.Error when the file cannot be used:
// "error.file_type" for another extension, "error.encoding" for a CSV that
// is neither UTF-8 nor GB18030/GBK, "error.file_read" (with the file's base
// name) for a damaged workbook, "error.too_many_rows" beyond
// Options.MaxRows, each also as a FieldError on "file"; and
// "error.invalid_input" with a FieldError for every unknown, missing or
// repeated column at once (Row 1), or for a misplaced quote in a CSV file
// ("error.csv_quote", with its row). An error from r itself is returned
// wrapped, as an internal error.
func Parse(r io.Reader, filename string, opt Options) ([]campusguard.RosterRow, error) {
	if opt.MaxRows <= 0 {
		opt.MaxRows = DefaultMaxRows
	}
	var src rowSource
	var err error
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		src, err = openCSV(r)
	case ".xlsx":
		src, err = openXLSX(r, filepath.Base(filename))
	default:
		return nil, fileError("error.file_type")
	}
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return readRows(src, opt)
}

// fileError is an Invalid error about the file as a whole: its message is
// also a FieldError on "file", the form field a file is uploaded in.
func fileError(key string, args ...any) *campusguard.Error {
	e := campusguard.Errorf(campusguard.Invalid, key, args...)
	e.Fields = []campusguard.FieldError{{Field: "file", Msg: key, Args: args}}
	return e
}

// rowSource yields the cells of a sheet one row at a time, in order.
type rowSource interface {
	// Next returns the cells of the next row and its 1-based row number, or
	// io.EOF after the last row.
	Next() (cells []string, row int, err error)
	// Total estimates the number of rows, or returns -1.
	Total() int64
	Close() error
}

func readRows(src rowSource, opt Options) ([]campusguard.RosterRow, error) {
	total := src.Total()
	report := func(done int64) {
		if opt.Progress == nil {
			return
		}
		t := total
		if t >= 0 && done > t {
			t = -1 // the estimate was wrong
		}
		opt.Progress(done, t)
	}
	header, n, err := src.Next()
	if errors.Is(err, io.EOF) {
		header, n, err = nil, 1, nil
	}
	if err != nil {
		return nil, err
	}
	if n != 1 {
		header = nil // the sheet starts below row 1: no header
	}
	cols, err := mapHeader(header)
	if err != nil {
		return nil, err
	}
	var rows []campusguard.RosterRow
	read := int64(n)
	for {
		cells, n, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		read = int64(n)
		if read%progressEvery == 0 {
			report(read)
		}
		row, ok := cols.row(cells, n)
		if !ok {
			continue
		}
		if len(rows) == opt.MaxRows {
			return nil, fileError("error.too_many_rows", opt.MaxRows)
		}
		rows = append(rows, row)
	}
	if opt.Progress != nil {
		opt.Progress(read, read)
	}
	return rows, nil
}

// columns maps the cells of a row, by position, to the template's columns:
// index into campusguard.RosterColumns, or -1 for an ignored column.
type columns []int

// row turns the cells of sheet row n into a RosterRow. It reports false for
// a row with nothing in the mapped columns, or the template's example row.
func (c columns) row(cells []string, n int) (campusguard.RosterRow, bool) {
	r := campusguard.RosterRow{Row: n}
	empty, example := true, true
	for i, cell := range cells {
		if i >= len(c) || c[i] < 0 {
			continue
		}
		col := &campusguard.RosterColumns[c[i]]
		v := clean(cell)
		*col.Get(&r) = v
		if v != "" {
			empty = false
		}
		if v != col.Example {
			example = false
		}
	}
	if !empty && example {
		// Cells the sheet lacks must be blank in the example too.
		for j, col := range campusguard.RosterColumns {
			if col.Example != "" && !c.has(j, len(cells)) {
				example = false
			}
		}
	}
	return r, !empty && !example
}

// has reports whether column j is mapped to one of the first n cells.
func (c columns) has(j, n int) bool {
	for i := 0; i < n && i < len(c); i++ {
		if c[i] == j {
			return true
		}
	}
	return false
}

// clean trims a cell: spaces of every kind, and the BOM and zero-width
// spaces that copying from web pages and other programs leaves behind.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
	})
}

// mapHeader reads the header row. It reports every bad header cell at once.
func mapHeader(header []string) (columns, error) {
	var fe []campusguard.FieldError
	cols := make(columns, len(header))
	first := make(map[int]int) // column index -> first cell position
	for i, h := range header {
		cols[i] = -1
		text := clean(h)
		key := normalizeHeader(text)
		if key == "" || ignoredHeaders[key] {
			continue
		}
		j, ok := headerAliases[key]
		if !ok {
			fe = append(fe, campusguard.FieldError{Field: text, Row: 1, Msg: "error.unknown_column"})
			continue
		}
		if p, ok := first[j]; ok {
			fe = append(fe, campusguard.FieldError{Field: text, Row: 1, Msg: "error.duplicate_column",
				Args: []any{columnName(p)}})
			continue
		}
		first[j] = i
		cols[i] = j
	}
	for j, col := range campusguard.RosterColumns {
		if _, ok := first[j]; !ok && col.Required {
			fe = append(fe, campusguard.FieldError{Field: col.Key, Row: 1, Msg: "error.missing_column"})
		}
	}
	if len(fe) > 0 {
		return nil, campusguard.InvalidFields(fe)
	}
	return cols, nil
}

// columnName returns the spreadsheet letters of the 0-based column i: A, B,
// ..., Z, AA, ...
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// normalizeHeader folds the ways people write the same header into one:
// no spaces, underscores or dashes, lower case, half-width punctuation, and
// no required-marks ("*姓名", "姓名（必填）").
func normalizeHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '\ufeff', r == '\u200b', r == '*', r == '＊':
			return -1
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case r == '／':
			return '/'
		}
		return unicode.ToLower(r)
	}, s)
	for _, mark := range []string{"(必填)", "(选填)", "(選填)", "(可选)", "(可選)", "(required)", "(optional)"} {
		s = strings.TrimSuffix(s, mark)
	}
	return s
}

// ignoredHeaders are columns schools keep for themselves.
var ignoredHeaders = map[string]bool{
	"序号": true, "序號": true, "备注": true, "備註": true, "備注": true,
	"no.": true, "#": true, "remark": true, "remarks": true, "note": true, "notes": true,
}

// aliases are the other headers accepted for each column, besides its
// Chinese header and English key: Traditional forms, and the headers that
// schools' own sheets and other systems' exports use.
var aliases = map[string][]string{
	"kind":   {"類別", "人员类别", "人員類別", "类型", "類型", "身份", "type", "category"},
	"number": {"學號/工號", "学号", "學號", "工号", "工號", "学籍号", "學籍號", "学号或工号", "學號或工號", "student_number", "staff_number"},
	"name":   {"名字", "学生姓名", "學生姓名"},
	"gender": {"性別", "sex"},
	"id_number": {"身份证", "身份证号码", "公民身份号码", "身份證", "身份證號", "身份證號碼", "公民身份號碼",
		"证件号码", "證件號碼", "id_card", "id_card_number", "id_no"},
	"phone":     {"電話", "联系电话", "聯繫電話", "聯絡電話", "手机", "手機", "手机号", "手機號", "手机号码", "手機號碼", "mobile", "tel"},
	"grade":     {"年級"},
	"class":     {"班級", "班"},
	"role":      {"崗位", "职务", "職務", "岗位/职务", "崗位/職務", "post"},
	"boarding":  {"是否寄宿", "住校", "是否住校", "boarder"},
	"dorm_room": {"宿舍号", "宿舍號", "宿舍房间", "宿舍房間", "寝室", "寢室", "寝室号", "寢室號", "dorm"},
	"bed":       {"床位号", "床位號", "床号", "床號"},
	"bus_route": {"校車線路", "校车", "校車", "乘车线路", "乘車線路", "校车路线", "校車路線", "bus"},
	"town": {"戶籍鄉鎮", "乡镇", "鄉鎮", "乡镇/街道", "鄉鎮/街道", "街道", "户籍乡镇/街道", "戶籍鄉鎮/街道",
		"居住乡镇", "居住鄉鎮"},
	"village":        {"村/社區", "村", "社区", "社區", "村(社区)", "村(社區)", "村居", "居住村/社区"},
	"guardian_name":  {"監護人姓名", "监护人", "監護人", "家长姓名", "家長姓名", "家长", "家長", "guardian", "parent_name"},
	"guardian_phone": {"監護人電話", "监护人手机", "監護人手機", "监护人联系电话", "監護人聯繫電話", "家长电话", "家長電話", "家长手机", "家長手機", "家长联系电话", "家長聯繫電話", "parent_phone"},
	"guardian_relation": {"監護人關係", "与学生关系", "與學生關係", "关系", "關係", "亲属关系", "親屬關係", "家长关系", "家長關係",
		"relation", "relationship"},
}

// headerAliases maps each normalized header to its index in RosterColumns.
var headerAliases = func() map[string]int {
	m := make(map[string]int)
	add := func(h string, j int) {
		k := normalizeHeader(h)
		if prev, ok := m[k]; ok && prev != j || ignoredHeaders[k] {
			panic(fmt.Sprintf("importer: header %q names two columns", h))
		}
		m[k] = j
	}
	for j, col := range campusguard.RosterColumns {
		add(col.Header, j)
		add(col.Key, j)
		for _, a := range aliases[col.Key] {
			add(a, j)
		}
	}
	return m
}()
