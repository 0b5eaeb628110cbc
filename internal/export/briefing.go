package export

import (
	"io"
	"slices"

	"campusguard"

	"github.com/xuri/excelize/v2"
)

// WriteBriefingXLSX writes a region's daily briefing: a summary sheet with
// the day's figures against the day before and the cases by state, then
// the alerts, the overdue cases, the schools still incomplete or not
// signed off, the reopening, the environment and supervision (issue 12).
//
// Every sheet is in the language of tr, the reader's: the product's users
// choose among Simplified Chinese, Traditional Chinese and English, and a
// workbook half in one language and half in another serves none of them.
// The labels were once fixed in Chinese, for superiors who read Chinese;
// Simplified Chinese is the default and keeps those texts word for word,
// so a reader who chose no language sends up the same workbook as before.
// The data (names of schools, people, problems) is written as it is.
func WriteBriefingXLSX(w io.Writer, b *campusguard.Briefing, tr Translator) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sheet := func(name string, header []string, rows [][]any) error {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		all := append([][]any{toAny(header)}, rows...)
		for i, r := range all {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &r); err != nil {
				return err
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(header), 1)
		if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
			return err
		}
		return f.SetColWidth(name, "A", "A", 22)
	}
	t, y := b.Today, b.Yesterday
	summary := [][]any{
		{tr("dash.fig.expected"), t.Expected, y.Expected, t.Expected - y.Expected},
		{tr("dash.fig.reported"), t.Reported, y.Reported, t.Reported - y.Reported},
		{tr("dash.fig.missing"), t.Missing, y.Missing, t.Missing - y.Missing},
		{tr("dash.fig.abnormal"), t.Abnormal, y.Abnormal, t.Abnormal - y.Abnormal},
		{tr("dash.fig.fever"), t.Fever, y.Fever, t.Fever - y.Fever},
		{tr("dash.fig.absent"), t.Absent, y.Absent, t.Absent - y.Absent},
		{tr("dash.fig.ill_absent"), t.IllAbsent, y.IllAbsent, t.IllAbsent - y.IllAbsent},
		{tr("figures.open_followups"), t.OpenFollowUps, y.OpenFollowUps, t.OpenFollowUps - y.OpenFollowUps},
		{},
		{tr("briefing.xlsx.new_alerts"), len(b.NewAlerts)}, {tr("dash.col.alerts"), len(b.OpenAlerts)},
		{tr("briefing.xlsx.overdue_cases"), len(b.Overdue)}, {tr("briefing.xlsx.unsigned_schools"), len(b.Unsigned)},
	}
	for _, st := range campusguard.CaseStates[:len(campusguard.CaseStates)-1] {
		summary = append(summary, []any{tr("briefing.xlsx.cases_in", tr(caseStateKey(st))), b.CasesByState[st]})
	}
	title := tr("briefing.xlsx.summary_title", b.RegionName, b.Day.String())
	if err := sheet(tr("briefing.xlsx.summary"), []string{title, tr("briefing.xlsx.today"), tr("briefing.xlsx.previous_day"),
		tr("briefing.xlsx.change")}, summary); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	var alerts [][]any
	for _, a := range b.OpenAlerts {
		isNew := ""
		if slices.Contains(b.NewAlerts, a) || a.FirstDay == b.Day {
			isNew = tr("briefing.xlsx.new")
		}
		alerts = append(alerts, []any{isNew, tr("alert.rule." + string(a.Rule)), a.OrgName, signal(tr, a),
			a.FirstDay.String(), a.LastDay.String(), a.Days, a.Count, a.Threshold, tr("alert.state." + string(a.State))})
	}
	if err := sheet(tr("briefing.xlsx.alerts"), []string{"", tr("briefing.rule"), tr("briefing.node"), tr("briefing.xlsx.measure"),
		tr("briefing.xlsx.first_day"), tr("briefing.xlsx.last_day"), tr("alert.days"), tr("briefing.value"), tr("briefing.xlsx.threshold"),
		tr("briefing.state")}, alerts); err != nil {
		return err
	}
	var overdue [][]any
	for _, k := range b.Overdue {
		overdue = append(overdue, []any{k.PersonName, k.OnsetDay.String(), k.DetectedAt.In(campusguard.China).Format("2006-01-02 15:04"),
			k.ReportDue.In(campusguard.China).Format("2006-01-02 15:04"), tr(caseStateKey(k.State))})
	}
	if err := sheet(tr("briefing.xlsx.overdue"), []string{tr("briefing.person"), tr("export.onset"), tr("briefing.detected"),
		tr("briefing.xlsx.report_due"), tr("briefing.state")}, overdue); err != nil {
		return err
	}
	var schools [][]any
	for _, s := range b.Incomplete {
		schools = append(schools, []any{s.Town, s.Name, s.Rollup.Expected, s.Rollup.Reported, s.Rollup.Missing, signedText(s.Signed, tr)})
	}
	for _, name := range b.Unsigned {
		schools = append(schools, []any{"", name, "", "", "", signedText(false, tr)})
	}
	if err := sheet(tr("briefing.xlsx.schools_sheet"), []string{tr("dash.col.town"), tr("briefing.xlsx.school"), tr("dash.col.expected"),
		tr("dash.col.reported"), tr("dash.fig.missing"), tr("dash.col.signed")}, schools); err != nil {
		return err
	}
	if err := reopeningSheet(sheet, b.Reopening, tr); err != nil {
		return err
	}
	if err := environmentSheet(sheet, b.Environment, tr); err != nil {
		return err
	}
	if err := supervisionSheet(sheet, b, tr); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// caseStateKey is the catalogue's key of a case state, the one the case
// pages show.
func caseStateKey(st campusguard.CaseState) string { return "case.state." + string(st) }

// reopeningKey is the catalogue's key of a school's reopening status in the
// workbook. The workbook has its own words for them ("部分复课" where the
// pages say "部分开学"), kept from before it was translated.
func reopeningKey(status string) string { return "briefing.xlsx.reopening." + status }

// reopeningSheet writes a briefing's reopening (issue 11): the open
// classes and students against all, the schools by status, and every
// school's line. A briefing generated before it was kept has none.
func reopeningSheet(sheet func(string, []string, [][]any) error, r *campusguard.BriefingReopening, tr Translator) error {
	if r == nil {
		return nil
	}
	f := r.Figures
	rows := [][]any{
		{tr("briefing.xlsx.open_classes"), f.OpenClasses, f.Classes}, {tr("briefing.xlsx.open_students"), f.OpenStudents, f.Students},
		{tr("briefing.xlsx.suspended_classes"), f.Suspended, f.Classes}, {},
	}
	for _, k := range append(slices.Clone(campusguard.ReopeningStatuses), "suspended") {
		rows = append(rows, []any{tr("briefing.xlsx.schools_in", tr(reopeningKey(k))), r.Counts[k]})
	}
	rows = append(rows, []any{}, toAny([]string{tr("briefing.xlsx.school"), tr("briefing.xlsx.reopening_status"),
		tr("briefing.xlsx.open_classes"), tr("briefing.xlsx.classes"), tr("briefing.xlsx.suspended_classes")}))
	for _, s := range r.Schools {
		rows = append(rows, []any{s.Name, tr(reopeningKey(s.Reopening)), s.OpenClasses, s.Classes, s.Suspended})
	}
	return sheet(tr("briefing.xlsx.reopening"), []string{tr("briefing.xlsx.reopening_title"), tr("briefing.xlsx.number"),
		tr("briefing.xlsx.total")}, rows)
}

// supervisionSheet writes the briefing page's supervision lines (issue
// 12): the inspection coverage of the day's month and the rectification
// items overdue on the day, both only for readers who may see them (nil
// Inspections), then the directives some school has not yet done.
func supervisionSheet(sheet func(string, []string, [][]any) error, b *campusguard.Briefing, t Translator) error {
	var rows [][]any
	if c := b.Inspections; c != nil {
		rows = append(rows,
			[]any{t("briefing.inspections"), c.From.String() + " – " + c.To.String()},
			[]any{t("briefing.coverage", c.Inspected, c.Schools, c.Announced, c.Unannounced)},
			[]any{t("briefing.xlsx.schools"), c.Schools}, []any{t("briefing.xlsx.inspected"), c.Inspected},
			[]any{t("briefing.xlsx.announced"), c.Announced}, []any{t("briefing.xlsx.unannounced"), c.Unannounced},
			[]any{},
			[]any{t("briefing.items_overdue"), len(b.OverdueItems)},
			toAny([]string{t("briefing.xlsx.school"), t("briefing.xlsx.severity"), t("briefing.xlsx.problem"),
				t("briefing.xlsx.deadline"), t("briefing.xlsx.responsible")}))
		for _, it := range b.OverdueItems {
			rows = append(rows, []any{it.SchoolName, t("severity." + string(it.Severity)), it.Problem, it.Deadline.String(), it.Responsible})
		}
		rows = append(rows, []any{})
	}
	rows = append(rows, []any{t("briefing.directives"), len(b.Directives)},
		toAny([]string{t("briefing.xlsx.directive"), t("briefing.xlsx.deadline"), t("briefing.xlsx.pending"), t("briefing.xlsx.recipients")}))
	for _, d := range b.Directives {
		rows = append(rows, []any{d.Title, d.Deadline.String(), d.Pending, d.Schools})
	}
	return sheet(t("briefing.xlsx.supervision"), []string{t("briefing.xlsx.supervision_title", b.RegionName, b.Day.String()), ""}, rows)
}

func signedText(ok bool, tr Translator) string {
	if ok {
		return tr("dash.signed")
	}
	return tr("dash.unsigned")
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// signal names what an alert watches, as the alert pages do.
func signal(tr Translator, a *campusguard.Alert) string {
	if k := a.SignalKey(); k != "" {
		return tr(k)
	}
	return ""
}
