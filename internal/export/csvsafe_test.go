package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/export"
)

// TestWriteCSVNoFormulas: a school whose name (typed by people) starts a
// formula is written as text.
func TestWriteCSVNoFormulas(t *testing.T) {
	rep := &export.Report{Region: "云霄县", Day: campusguard.Date{Year: 2026, Month: 11, Day: 30},
		Lines: []*campusguard.SchoolDay{{Name: "=cmd|' /C calc'!A0", Code: "+35062201", Type: campusguard.Primary}}}
	var b bytes.Buffer
	if err := export.WriteCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv = %v, %v", recs, err)
	}
	for _, c := range recs[1] {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Errorf("CSV cell %q starts a formula", c)
		}
	}
	if !strings.Contains(b.String(), "'=cmd|") {
		t.Errorf("the school's name is not kept as text: %q", b.String())
	}
}
