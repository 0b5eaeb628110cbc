// Package export writes the region's daily report for its superiors: .xlsx
// with a summary sheet and one sheet per school level, or .csv.
package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
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

// levelNames are the sheet names of the school levels, in order.
var levelNames = []struct {
	t    campusguard.SchoolType
	name string
}{
	{campusguard.Kindergarten, "幼儿园"}, {campusguard.Primary, "小学"}, {campusguard.Junior, "初中"},
	{campusguard.Senior, "高中"}, {campusguard.Vocational, "职业学校"}, {campusguard.Special, "特殊教育学校"},
}

var header = []string{"学校代码", "学校", "应到", "已报", "未报", "异常", "发热", "缺勤", "因病缺勤", "待随访", "日报签发"}

func line(d *campusguard.SchoolDay) []any {
	r := d.Rollup
	signed := "未签发"
	if d.Signed {
		signed = "已签发"
	}
	return []any{d.Code, d.Name, r.Expected, r.Reported, r.Missing, r.Abnormal, r.Fever, r.Absent, r.IllAbsent, r.OpenFollowUps, signed}
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

// WriteXLSX writes the report as a workbook: 汇总 (the region and each
// level), then a sheet per level that has schools.
func WriteXLSX(w io.Writer, rep *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	summary := "汇总"
	f.SetSheetName("Sheet1", summary)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	f.SetCellValue(summary, "A1", fmt.Sprintf("%s 学校疫情防控日报 %s", rep.Region, rep.Day))
	f.SetCellStyle(summary, "A1", "A1", bold)
	f.SetSheetRow(summary, "A3", &[]any{"学段", "学校数", "应到", "已报", "未报", "异常", "发热", "缺勤", "因病缺勤", "待随访", "已签发学校"})
	f.SetCellStyle(summary, "A3", "K3", bold)
	row := 4
	for _, lv := range levelNames {
		var lines []*campusguard.SchoolDay
		for _, d := range rep.Lines {
			if d.Type == lv.t {
				lines = append(lines, d)
			}
		}
		if len(lines) == 0 {
			continue
		}
		t, signed := sum(lines)
		f.SetSheetRow(summary, "A"+strconv.Itoa(row), &[]any{lv.name, len(lines), t.Expected, t.Reported, t.Missing,
			t.Abnormal, t.Fever, t.Absent, t.IllAbsent, t.OpenFollowUps, signed})
		row++
		if _, err := f.NewSheet(lv.name); err != nil {
			return err
		}
		hdr := make([]any, len(header))
		for i, h := range header {
			hdr[i] = h
		}
		f.SetSheetRow(lv.name, "A1", &hdr)
		f.SetCellStyle(lv.name, "A1", "K1", bold)
		f.SetColWidth(lv.name, "B", "B", 28)
		for i, d := range lines {
			v := line(d)
			f.SetSheetRow(lv.name, "A"+strconv.Itoa(i+2), &v)
		}
	}
	t := rep.Total
	_, signed := sum(rep.Lines)
	f.SetSheetRow(summary, "A"+strconv.Itoa(row), &[]any{"合计", len(rep.Lines), t.Expected, t.Reported, t.Missing,
		t.Abnormal, t.Fever, t.Absent, t.IllAbsent, t.OpenFollowUps, signed})
	f.SetCellStyle(summary, "A"+strconv.Itoa(row), "K"+strconv.Itoa(row), bold)
	f.SetColWidth(summary, "A", "A", 14)
	return f.Write(w)
}

// WriteCSV writes one line per school, UTF-8 with a byte-order mark so
// that Excel opens it in Chinese.
func WriteCSV(w io.Writer, rep *Report) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(append([]string{"日期", "学段"}, header...))
	names := map[campusguard.SchoolType]string{}
	for _, lv := range levelNames {
		names[lv.t] = lv.name
	}
	for _, d := range rep.Lines {
		rec := []string{rep.Day.String(), names[d.Type]}
		for _, v := range line(d) {
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
