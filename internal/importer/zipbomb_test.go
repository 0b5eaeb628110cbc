package importer

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// zipBomb returns a valid roster workbook whose sheet carries pad bytes of
// spaces between its elements: a few hundred KB that unpack to pad bytes.
func zipBomb(t *testing.T, pad int) []byte {
	t.Helper()
	good := xlsxFile(t, [][]any{{"类别", "学号/工号", "姓名"}, {"学生", "S1", "张小明"}})
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != "xl/worksheets/sheet1.xml" {
			w.Write(b)
			continue
		}
		head, tail, ok := strings.Cut(string(b), "<sheetData>")
		if !ok {
			t.Fatalf("no <sheetData> in %s", f.Name)
		}
		io.WriteString(w, head+"<sheetData>")
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for n := 0; n < pad; n += len(chunk) {
			w.Write(chunk)
		}
		io.WriteString(w, tail)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestParseZipBomb: a workbook far smaller than the upload limit that
// unpacks beyond MaxUnzipSize is refused before it is unpacked, with an
// error that says so; the same workbook padded below the limit is read.
func TestParseZipBomb(t *testing.T) {
	bomb := zipBomb(t, MaxUnzipSize+(1<<20))
	t.Logf("bomb: %d bytes packed, over %d MiB unpacked", len(bomb), MaxUnzipSize>>20)
	_, err := Parse(bytes.NewReader(bomb), "roster.xlsx", Options{})
	if diff := cmp.Diff(fileErr("error.sheet_too_large", MaxUnzipSize>>20), viewErr(err)); diff != "" {
		t.Errorf("Parse(zip bomb) error mismatch (-want +got):\n%s", diff)
	}
	rows, err := Parse(bytes.NewReader(zipBomb(t, 8<<20)), "roster.xlsx", Options{})
	if err != nil || len(rows) != 1 || rows[0].Name != "张小明" {
		t.Errorf("Parse(8 MiB padded roster) = %+v, %v; want the one row", rows, err)
	}
}
