package export

import (
	"fmt"
	"io"
	"slices"

	"campusguard"

	"github.com/xuri/excelize/v2"
)

// Chinese labels of the briefing's workbook. The workbook goes to the
// bureau's superiors, who read Chinese, whatever the reader's language.
var (
	ruleNames = map[campusguard.AlertRule]string{
		campusguard.RuleClassDay: "同班（宿舍）单日聚集", campusguard.RuleClassDays: "同班连续三日聚集",
		campusguard.RuleHighFever: "不明原因高热", campusguard.RuleAbsenceRate: "因病缺勤率超限",
		campusguard.RuleEpidemicFever: "疫情期间发热", campusguard.RuleAberration: "统计异常（EARS）",
	}
	stateNames = map[campusguard.CaseState]string{
		campusguard.CaseDetected: "发现", campusguard.CaseReported: "已上报", campusguard.CaseIsolated: "已隔离",
		campusguard.CaseReferred: "已转诊", campusguard.CaseOutcome: "已有结论", campusguard.CaseCleared: "已复课查验",
		campusguard.CaseClosed: "已结案",
	}
	alertStateNames = map[campusguard.AlertState]string{campusguard.AlertOpen: "新预警", campusguard.AlertAcknowledged: "已确认",
		campusguard.AlertInvestigated: "已调查", campusguard.AlertClosed: "已关闭"}
)

// WriteBriefingXLSX writes a region's daily briefing: a summary sheet with
// the day's figures against the day before and the cases by state, then
// the alerts, the overdue cases, the schools still incomplete or not
// signed off, the reopening, and supervision (issue 12). Supervision's
// sheet is in the language of tr, as the briefing page's lines are; the
// sheets before it keep their Chinese labels.
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
		{"应到", t.Expected, y.Expected, t.Expected - y.Expected},
		{"已报", t.Reported, y.Reported, t.Reported - y.Reported},
		{"未报", t.Missing, y.Missing, t.Missing - y.Missing},
		{"异常", t.Abnormal, y.Abnormal, t.Abnormal - y.Abnormal},
		{"发热", t.Fever, y.Fever, t.Fever - y.Fever},
		{"缺勤", t.Absent, y.Absent, t.Absent - y.Absent},
		{"因病缺勤", t.IllAbsent, y.IllAbsent, t.IllAbsent - y.IllAbsent},
		{"待随访", t.OpenFollowUps, y.OpenFollowUps, t.OpenFollowUps - y.OpenFollowUps},
		{},
		{"新预警", len(b.NewAlerts)}, {"未关闭预警", len(b.OpenAlerts)}, {"超时未上报病例", len(b.Overdue)},
		{"未签发日报学校", len(b.Unsigned)},
	}
	for _, st := range campusguard.CaseStates[:len(campusguard.CaseStates)-1] {
		summary = append(summary, []any{"病例：" + stateNames[st], b.CasesByState[st]})
	}
	title := fmt.Sprintf("%s %s 日研判", b.RegionName, b.Day)
	if err := sheet("研判", []string{title, "今日", "上一上学日", "变化"}, summary); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	var alerts [][]any
	for _, a := range b.OpenAlerts {
		isNew := ""
		if slices.Contains(b.NewAlerts, a) || a.FirstDay == b.Day {
			isNew = "新"
		}
		alerts = append(alerts, []any{isNew, ruleNames[a.Rule], a.OrgName, string(a.Symptom) + string(a.Series), a.FirstDay.String(),
			a.LastDay.String(), a.Days, a.Count, a.Threshold, alertStateNames[a.State]})
	}
	if err := sheet("预警", []string{"", "规则", "单位", "症状/指标", "首日", "末日", "天数", "数值", "阈值", "状态"}, alerts); err != nil {
		return err
	}
	var overdue [][]any
	for _, k := range b.Overdue {
		overdue = append(overdue, []any{k.PersonName, k.OnsetDay.String(), k.DetectedAt.In(campusguard.China).Format("2006-01-02 15:04"),
			k.ReportDue.In(campusguard.China).Format("2006-01-02 15:04"), stateNames[k.State]})
	}
	if err := sheet("超时病例", []string{"姓名", "发病日", "发现时间", "应上报时间", "状态"}, overdue); err != nil {
		return err
	}
	var schools [][]any
	for _, s := range b.Incomplete {
		schools = append(schools, []any{s.Town, s.Name, s.Rollup.Expected, s.Rollup.Reported, s.Rollup.Missing, signedText(s.Signed)})
	}
	for _, name := range b.Unsigned {
		schools = append(schools, []any{"", name, "", "", "", "未签发"})
	}
	if err := sheet("未报齐与未签发", []string{"乡镇", "学校", "应到", "已报", "未报", "日报签发"}, schools); err != nil {
		return err
	}
	if err := reopeningSheet(sheet, b.Reopening); err != nil {
		return err
	}
	if err := environmentSheet(sheet, b.Environment); err != nil {
		return err
	}
	if err := supervisionSheet(sheet, b, tr); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// reopeningNames are the Chinese names of the schools' reopening statuses.
var reopeningNames = map[string]string{"not_submitted": "未提交", "in_review": "审核中", "approved": "已批准未开学",
	"partly_open": "部分复课", "open": "全部复课", "suspended": "有停课班级"}

// reopeningSheet writes a briefing's reopening (issue 11): the open
// classes and students against all, the schools by status, and every
// school's line. A briefing generated before it was kept has none.
func reopeningSheet(sheet func(string, []string, [][]any) error, r *campusguard.BriefingReopening) error {
	if r == nil {
		return nil
	}
	f := r.Figures
	rows := [][]any{
		{"复课班级", f.OpenClasses, f.Classes}, {"复课学生", f.OpenStudents, f.Students}, {"停课班级", f.Suspended, f.Classes}, {},
	}
	for _, k := range append(slices.Clone(campusguard.ReopeningStatuses), "suspended") {
		rows = append(rows, []any{"学校：" + reopeningNames[k], r.Counts[k]})
	}
	rows = append(rows, []any{}, []any{"学校", "复课状态", "复课班级", "班级", "停课班级"})
	for _, s := range r.Schools {
		rows = append(rows, []any{s.Name, reopeningNames[s.Reopening], s.OpenClasses, s.Classes, s.Suspended})
	}
	return sheet("复课", []string{"复课情况", "数", "总数"}, rows)
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

func signedText(ok bool) string {
	if ok {
		return "已签发"
	}
	return "未签发"
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
