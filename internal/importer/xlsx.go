package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MaxUnzipSize bounds what an uploaded workbook may unpack to, all its
// parts together: a 3 MB zip bomb that unpacked to 1.5 GiB cost 173 s of
// CPU. A roster of 300,000 rows (DefaultMaxRows) of every column unpacks to
// about 200 MB; a school's few thousand rows to a few megabytes. The sizes
// the zip declares are checked before anything is unpacked, and the zip
// reader refuses a part that unpacks to more than it declared.
const MaxUnzipSize = 256 << 20

// xlsxSource streams the rows of a workbook's first sheet.
type xlsxSource struct {
	name  string
	f     *excelize.File
	rows  *excelize.Rows
	n     int
	total int64
}

// openXLSX opens the workbook in r, named name in errors.
func openXLSX(r io.Reader, name string) (*xlsxSource, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read xlsx: %w", err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		var total uint64
		for _, zf := range zr.File {
			total += zf.UncompressedSize64
			if total > MaxUnzipSize {
				return nil, fileError("error.sheet_too_large", MaxUnzipSize>>20)
			}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxUnzipSize})
	if err != nil {
		return nil, unreadable(name, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, unreadable(name, errors.New("no sheet"))
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, unreadable(name, err)
	}
	s := &xlsxSource{name: name, f: f, rows: rows, total: -1}
	if dim, err := f.GetSheetDimension(sheets[0]); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, row, err := excelize.CellNameToCoordinates(last); err == nil {
				s.total = int64(row)
			}
		}
	}
	return s, nil
}

// unreadable is the error for a workbook that excelize cannot read: damaged,
// encrypted, or not a workbook at all.
func unreadable(name string, err error) error {
	e := fileError("error.file_read", name)
	e.Err = err
	return e
}

func (s *xlsxSource) Next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, unreadable(s.name, err)
		}
		return nil, 0, io.EOF
	}
	s.n++
	// Raw values: with number formats applied, excelize shows an 18-digit
	// number as 3.50623201503070E+17.
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, unreadable(s.name, err)
	}
	for i, c := range cells {
		cells[i] = plainNumber(c)
	}
	return cells, s.n, nil
}

// plainNumber writes a whole number that Excel stored in scientific
// notation ("1.3805961234E+10") as its digits. Excel keeps 15 significant
// digits, so an 18-digit ID number typed as a number has already lost its
// last three; its digits then fail the check digit instead of the length.
func plainNumber(s string) string {
	i := strings.IndexAny(s, "Ee")
	if i < 1 || !strings.HasPrefix(s[i+1:], "+") {
		return s
	}
	for _, r := range s[:i] {
		if (r < '0' || r > '9') && r != '.' && r != '-' {
			return s
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1e21 {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (s *xlsxSource) Total() int64 { return s.total }

func (s *xlsxSource) Close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
