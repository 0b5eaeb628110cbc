package export_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/i18n"

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

// TestBriefingXLSXEnvironmentEnglish: in English the sheet, its period,
// its figures and the threshold's line are English; the school's name
// stays as it is.
func TestBriefingXLSXEnvironmentEnglish(t *testing.T) {
	day := campusguard.Date{Year: 2026, Month: 11, Day: 30}
	b := &campusguard.Briefing{RegionName: "云霄县", Day: day, GeneratedAt: time.Now(),
		Environment: &campusguard.BriefingEnv{From: day.AddDays(-7), To: day.AddDays(-1), Total: campusguard.EnvFigures{Due: 200, Done: 150},
			Rated: 3, Low: 1, Behind: []string{"云陵镇中心小学"}}}
	var buf bytes.Buffer
	en := func(key string, args ...any) string { return i18n.T(i18n.En, key, args...) }
	if err := export.WriteBriefingXLSX(&buf, b, en); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Ventilation and disinfection")
	if err != nil {
		t.Fatalf("no environment sheet: %v (sheets %v)", err, f.GetSheetList())
	}
	want := [][]string{{"Ventilation and disinfection"}, {"Period", "2026-11-23 to 2026-11-29"}, {"Logs due", "200"}, {"Logs done", "150"},
		{"Compliance", "75%"}, {"Schools with logs due", "3"}, {"Schools below 80%", "1"}, {"Low compliance", "云陵镇中心小学"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("environment sheet = %q, want %q", rows, want)
	}
}
