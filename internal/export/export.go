// Package export writes the region's daily report for its superiors: .xlsx
// with a summary sheet and one sheet per school level, or .csv.
package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"campusguard"

	"github.com/xuri/excelize/v2"
)

// Report is what the daily report holds.
type Report struct {
	Region string
	Day    campusguard.Date
	Total  campusguard.Rollup // the region's own roll-up
	Lines  []*campusguard.SchoolDay
}

// header is a school level's sheet's header row; the CSV's columns after
// the day and the level.
func header(tr Translator) []string {
	return []string{tr("dailyreport.code"), tr("dailyreport.school"), tr("dash.fig.expected"), tr("dash.fig.reported"),
		tr("dash.fig.missing"), tr("dash.fig.abnormal"), tr("dash.fig.fever"), tr("dash.fig.absent"), tr("dash.fig.ill_absent"),
		tr("figures.open_followups"), tr("dash.col.signed")}
}

// levelName is a school level's name, the pages' name for it; in the
// workbook, also its sheet's. A school of no known level has none.
func levelName(t campusguard.SchoolType, tr Translator) string {
	if !slices.Contains(campusguard.SchoolTypes, t) {
		return ""
	}
	return tr("school_type." + string(t))
}

func line(d *campusguard.SchoolDay, tr Translator) []any {
	r := d.Rollup
	return []any{d.Code, d.Name, r.Expected, r.Reported, r.Missing, r.Abnormal, r.Fever, r.Absent, r.IllAbsent, r.OpenFollowUps,
		signedText(d.Signed, tr)}
}

func sum(lines []*campusguard.SchoolDay) (campusguard.Rollup, int) {
	var t campusguard.Rollup
	signed := 0
	for _, d := range lines {
		r := d.Rollup
		t.Expected += r.Expected
		t.Reported += r.Reported
		t.Missing += r.Missing
		t.Abnormal += r.Abnormal
		t.Fever += r.Fever
		t.Absent += r.Absent
		t.IllAbsent += r.IllAbsent
		t.OpenFollowUps += r.OpenFollowUps
		if d.Signed {
			signed++
		}
	}
	return t, signed
}

// WriteXLSX writes the report as a workbook: a summary sheet (the region
// and each level), then a sheet per level that has schools.
//
// Its sheets' names and labels are in the language of tr, the reader's, as
// the briefing's are (WriteBriefingXLSX). They were once fixed in Chinese;
// Simplified Chinese keeps those texts word for word. The data (the
// region's and the schools' names and codes) is written as it is.
func WriteXLSX(w io.Writer, rep *Report, tr Translator) error {
	f := excelize.NewFile()
	defer f.Close()
	summary := tr("dailyreport.summary")
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	f.SetCellValue(summary, "A1", tr("dailyreport.title", rep.Region, rep.Day.String()))
	f.SetCellStyle(summary, "A1", "A1", bold)
	f.SetSheetRow(summary, "A3", &[]any{tr("dailyreport.level"), tr("dailyreport.schools"), tr("dash.fig.expected"),
		tr("dash.fig.reported"), tr("dash.fig.missing"), tr("dash.fig.abnormal"), tr("dash.fig.fever"), tr("dash.fig.absent"),
		tr("dash.fig.ill_absent"), tr("figures.open_followups"), tr("dailyreport.signed_schools")})
	f.SetCellStyle(summary, "A3", "K3", bold)
	hdr := toAny(header(tr))
	row := 4
	for _, lv := range campusguard.SchoolTypes {
		var lines []*campusguard.SchoolDay
		for _, d := range rep.Lines {
			if d.Type == lv {
				lines = append(lines, d)
			}
		}
		if len(lines) == 0 {
			continue
		}
		name := levelName(lv, tr)
		t, signed := sum(lines)
		f.SetSheetRow(summary, "A"+strconv.Itoa(row), &[]any{name, len(lines), t.Expected, t.Reported, t.Missing,
			t.Abnormal, t.Fever, t.Absent, t.IllAbsent, t.OpenFollowUps, signed})
		row++
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		f.SetSheetRow(name, "A1", &hdr)
		f.SetCellStyle(name, "A1", "K1", bold)
		f.SetColWidth(name, "B", "B", 28)
		for i, d := range lines {
			v := line(d, tr)
			f.SetSheetRow(name, "A"+strconv.Itoa(i+2), &v)
		}
	}
	t := rep.Total
	_, signed := sum(rep.Lines)
	f.SetSheetRow(summary, "A"+strconv.Itoa(row), &[]any{tr("dailyreport.total"), len(rep.Lines), t.Expected, t.Reported, t.Missing,
		t.Abnormal, t.Fever, t.Absent, t.IllAbsent, t.OpenFollowUps, signed})
	f.SetCellStyle(summary, "A"+strconv.Itoa(row), "K"+strconv.Itoa(row), bold)
	f.SetColWidth(summary, "A", "A", 14)
	return f.Write(w)
}

// WriteCSV writes one line per school, its header in the language of tr
// (as WriteXLSX), UTF-8 with a byte-order mark so that Excel opens it as
// UTF-8 rather than the system's code page (Chinese included).
func WriteCSV(w io.Writer, rep *Report, tr Translator) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(append([]string{tr("dailyreport.day"), tr("dailyreport.level")}, header(tr)...))
	for _, d := range rep.Lines {
		rec := []string{rep.Day.String(), levelName(d.Type, tr)}
		for _, v := range line(d, tr) {
			rec = append(rec, campusguard.CSVCell(fmt.Sprint(v))) // a school's name is typed by people
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// Build gathers the day's report of an org node from the roll-ups: its own
// figures and one line per school below it. NotFound out of the actor's scope.
func Build(ctx context.Context, orgs campusguard.OrgService, health campusguard.HealthService, orgID int64, day campusguard.Date) (*Report, error) {
	o, err := orgs.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	lines, err := health.SchoolDays(ctx, orgID, day)
	if err != nil {
		return nil, err
	}
	rep := &Report{Region: o.Name, Day: day, Lines: lines, Total: campusguard.Rollup{OrgID: orgID, Day: day}}
	rs, err := health.Rollups(ctx, orgID, day, day)
	if err != nil {
		return nil, err
	}
	if len(rs) == 1 {
		rep.Total = rs[0]
	}
	return rep, nil
}
