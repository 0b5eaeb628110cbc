package export_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/export"

	"github.com/xuri/excelize/v2"
)

// TestBriefingXLSXEnvironment: the briefing's workbook has the week's
// ventilation and disinfection compliance and names the schools behind.
func TestBriefingXLSXEnvironment(t *testing.T) {
	day := campusguard.Date{Year: 2026, Month: 11, Day: 30}
	b := &campusguard.Briefing{RegionName: "云霄县", Day: day, GeneratedAt: time.Now(),
		Environment: &campusguard.BriefingEnv{From: day.AddDays(-7), To: day.AddDays(-1), Total: campusguard.EnvFigures{Due: 200, Done: 150},
			Rated: 3, Low: 1, Behind: []string{"云陵镇中心小学"}}}
	var buf bytes.Buffer
	if err := export.WriteBriefingXLSX(&buf, b, hans); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("通风消毒")
	if err != nil {
		t.Fatalf("no environment sheet: %v (sheets %v)", err, f.GetSheetList())
	}
	for _, want := range [][]string{{"应做（次）", "200"}, {"已做（次）", "150"}, {"落实率", "75%"}, {"落实率偏低", "云陵镇中心小学"}} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
			t.Errorf("environment sheet lacks %v: %v", want, rows)
		}
	}
	// A briefing without the environment has no such sheet.
	buf.Reset()
	b.Environment = nil
	if err := export.WriteBriefingXLSX(&buf, b, hans); err != nil {
		t.Fatal(err)
	}
	g, _ := excelize.OpenReader(&buf)
	defer g.Close()
	if slices.Contains(g.GetSheetList(), "通风消毒") {
		t.Error("a briefing without the environment has its sheet")
	}
}
