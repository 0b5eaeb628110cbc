package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"campusguard"
)

// csvSource reads the records of a CSV file already decoded to UTF-8.
type csvSource struct {
	b     []byte
	r     *csv.Reader
	n     int // the row number of the last record read
	total int64
}

// openCSV reads all of r, because the encoding is known only once every byte
// has been seen, and prepares to read its records.
func openCSV(r io.Reader) (*csvSource, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	b, err = decodeCSV(b)
	if err != nil {
		return nil, err
	}
	total := int64(bytes.Count(b, []byte{'\n'}))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		total++
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1 // ragged rows: missing trailing cells are empty
	cr.ReuseRecord = true
	return &csvSource{b: b, r: cr, total: total}, nil
}

// decodeCSV returns the UTF-8 text of a CSV file: UTF-8 with or without a
// BOM as it is, else GB18030, of which GBK and GB2312 (what Chinese Excel and
// WPS write) are subsets. Bytes that fit neither, or NUL bytes (a binary
// file, or UTF-16), are an "error.encoding".
func decodeCSV(b []byte) ([]byte, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		// The decoder turns bytes it cannot decode into U+FFFD.
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return nil, fileError("error.encoding")
		}
		b = d
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, fileError("error.encoding")
	}
	return b, nil
}

func (s *csvSource) Next() ([]string, int, error) {
	// encoding/csv skips blank lines, which Excel shows as empty rows; count
	// them, so that row numbers are those the user sees.
	for b := s.b[s.r.InputOffset():]; ; s.n++ {
		if bytes.HasPrefix(b, []byte("\n")) {
			b = b[1:]
		} else if bytes.HasPrefix(b, []byte("\r\n")) {
			b = b[2:]
		} else {
			break
		}
	}
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	s.n++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			e := campusguard.InvalidFields([]campusguard.FieldError{{Field: "file", Row: s.n, Msg: "error.csv_quote"}})
			e.Err = err
			return nil, 0, e
		}
		return nil, 0, fmt.Errorf("read csv: %w", err)
	}
	for i, c := range rec {
		// Our own exports escape formula characters (campusguard.CSVCell).
		rec[i] = campusguard.UncsvCell(unwrapFormula(c))
	}
	return rec, s.n, nil
}

// unwrapFormula undoes ="0123", the way programs write a number into a CSV
// so that Excel keeps it as text with every digit.
func unwrapFormula(s string) string {
	t := clean(s)
	if len(t) >= 3 && strings.HasPrefix(t, `="`) && strings.HasSuffix(t, `"`) && !strings.Contains(t[2:len(t)-1], `"`) {
		return t[2 : len(t)-1]
	}
	return s
}

func (s *csvSource) Total() int64 { return s.total }

func (s *csvSource) Close() error { return nil }
