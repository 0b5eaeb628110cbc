package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/i18n"
)

// TestWriteCSVNoFormulas: a school whose name (typed by people) starts a
// formula is written as text, in every language.
func TestWriteCSVNoFormulas(t *testing.T) {
	rep := &export.Report{Region: "云霄县", Day: campusguard.Date{Year: 2026, Month: 11, Day: 30},
		Lines: []*campusguard.SchoolDay{{Name: "=cmd|' /C calc'!A0", Code: "+35062201", Type: campusguard.Primary}}}
	for _, l := range i18n.Langs {
		var b bytes.Buffer
		if err := export.WriteCSV(&b, rep, func(key string, args ...any) string { return i18n.T(l, key, args...) }); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("%s: csv = %v, %v", l, recs, err)
		}
		for _, c := range recs[1] {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("%s: CSV cell %q starts a formula", l, c)
			}
		}
		if !strings.Contains(b.String(), "'=cmd|") {
			t.Errorf("%s: the school's name is not kept as text: %q", l, b.String())
		}
	}
}
