package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"

	"campusguard"
)

// validID returns a valid ID number for region, birth date (YYYYMMDD) and
// sequence number; an odd seq is a man.
func validID(tb testing.TB, region, birth string, seq int) string {
	tb.Helper()
	body := fmt.Sprintf("%s%s%03d", region, birth, seq)
	if len(body) != 17 {
		tb.Fatalf("validID(%q, %q, %d): body %q is not 17 digits", region, birth, seq, body)
	}
	return body + string(campusguard.IDCheckChar(body))
}

// excelNumber is a cell value that xlsxFile writes as Excel stores a number
// typed into a General cell: the raw text of <v>, such as 3.50623201503070E+17.
type excelNumber string

// xlsxFile writes rows to the first sheet of a new workbook, from row 1. A
// nil row is left out, a nil or "" cell too; other values go through
// excelize's SetCellValue, so int64 and float64 become number cells.
func xlsxFile(tb testing.TB, rows [][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		for c, v := range row {
			if v == nil || v == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				tb.Fatal(err)
			}
			if n, ok := v.(excelNumber); ok {
				err = f.SetCellDefault(sheet, cell, string(n))
			} else {
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				tb.Fatalf("SetCellValue(%s, %v) = %v", cell, v, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatalf("Write = %v", err)
	}
	return buf.Bytes()
}

// csvFile writes rows as CSV with CRLF line ends, encoded by enc (nil for
// UTF-8), with a UTF-8 BOM if bom is set. Each row keeps its own length.
func csvFile(tb testing.TB, rows [][]string, enc encoding.Encoding, bom bool) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	b := buf.Bytes()
	if enc != nil {
		var err error
		if b, err = enc.NewEncoder().Bytes(b); err != nil {
			tb.Fatalf("encode %s: %v", enc, err)
		}
	}
	if bom {
		b = append([]byte("\xef\xbb\xbf"), b...)
	}
	return b
}

// strings2any turns a sheet of text into xlsxFile's cells.
func strings2any(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, row := range rows {
		if row == nil {
			continue
		}
		out[i] = make([]any, len(row))
		for j, c := range row {
			out[i][j] = c
		}
	}
	return out
}

// errView is what the tests compare of an error from Parse.
type errView struct {
	Code    campusguard.Code
	Message string
	Args    []any
	Fields  []campusguard.FieldError
}

func viewErr(err error) *errView {
	if err == nil {
		return nil
	}
	e, ok := err.(*campusguard.Error)
	if !ok {
		return &errView{Code: campusguard.ErrorCode(err), Message: err.Error()}
	}
	return &errView{Code: e.Code, Message: e.Message, Args: e.Args, Fields: e.Fields}
}

// invalid is the errView of an InvalidFields error.
func invalid(fields ...campusguard.FieldError) *errView {
	return &errView{Code: campusguard.Invalid, Message: "error.invalid_input", Fields: fields}
}

// fileErr is the errView of an error about the whole file.
func fileErr(key string, args ...any) *errView {
	return &errView{Code: campusguard.Invalid, Message: key, Args: args,
		Fields: []campusguard.FieldError{{Field: "file", Msg: key, Args: args}}}
}

// mustParse parses b and fails the test on an error.
func mustParse(tb testing.TB, b []byte, name string) []campusguard.RosterRow {
	tb.Helper()
	rows, err := Parse(bytes.NewReader(b), name, Options{})
	if err != nil {
		tb.Fatalf("Parse(%s) = %v, want no error", name, err)
	}
	return rows
}

// diffRows compares rows, treating nil and empty as the same.
func diffRows(want, got []campusguard.RosterRow) string {
	if len(want) == 0 && len(got) == 0 {
		return ""
	}
	return cmp.Diff(want, got)
}
