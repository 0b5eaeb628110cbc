package export

import (
	"io"
	"strconv"
	"strings"
	"time"

	"campusguard"

	"github.com/xuri/excelize/v2"
)

// Sheet is one table of an export: a title, a header and rows of text.
type Sheet struct {
	Key    string // a stable name, for pages and tests: "person", "checks", ...
	Title  string
	Header []string
	Rows   [][]string
}

// Translator turns a message key with its arguments into text.
type Translator func(key string, args ...any) string

// PersonSheets lays a person's export out as tables, in the language of t:
// the person, their guardians, every check, absences and follow-ups, cases
// and their steps, and the history of the file. The .xlsx and the printable
// page are both made from these, so they hold the same.
func PersonSheets(e *campusguard.PersonExport, t Translator) []Sheet {
	p := e.Person
	yes := func(b bool) string {
		if b {
			return t("export.yes")
		}
		return t("export.no")
	}
	tm := func(x interface{ IsZero() bool }, s string) string {
		if x.IsZero() {
			return ""
		}
		return s
	}
	symptoms := func(ss []campusguard.Symptom) string {
		var out []string
		for _, s := range ss {
			out = append(out, t("symptom."+string(s)))
		}
		return strings.Join(out, "、")
	}
	temp := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 1, 64)
	}
	kind := t("person_kind." + string(p.Kind))
	person := Sheet{Key: "person", Title: t("export.sheet.person"), Header: []string{t("export.item"), t("export.value")},
		Rows: [][]string{
			{t("field.name"), p.Name}, {t("export.kind"), kind}, {t("field.number"), p.Number},
			{t("field.id_number"), p.IDNumber}, {t("field.gender"), genderText(t, p.Gender)},
			{t("export.birth_date"), tm(p.Birth, p.Birth.String())}, {t("field.phone"), p.Phone},
			{t("export.school"), e.School}, {t("export.class"), e.Class},
			{t("field.residence"), strings.TrimSpace(p.Town + " " + p.Village)}, {t("field.active"), yes(p.Active)},
			{t("export.generated"), local(e.GeneratedAt) + " " + e.GeneratedBy},
		}}
	guardians := Sheet{Key: "guardians", Title: t("export.sheet.guardians"),
		Header: []string{t("field.name"), t("field.relation"), t("field.phone")}}
	for _, g := range e.Guardians {
		guardians.Rows = append(guardians.Rows, []string{g.Name, g.Relation, g.Phone})
	}
	checks := Sheet{Key: "checks", Title: t("export.sheet.checks"), Header: []string{t("field.day"), t("export.check_kind"),
		t("export.at"), t("field.temperature"), t("field.symptoms"), t("export.attendance"), t("export.absence_reason"),
		t("export.abnormal"), t("export.version"), t("export.current"), t("export.reported_by")}}
	for _, c := range e.Checks {
		att, reason := "", ""
		if c.Attendance != "" {
			att = t("attendance." + string(c.Attendance))
		}
		if c.AbsenceReason != "" {
			reason = t("absence_reason." + string(c.AbsenceReason))
		}
		checks.Rows = append(checks.Rows, []string{c.Day.String(), t("check_kind." + string(c.Kind)), local(c.At), temp(c.Temperature),
			symptoms(c.Symptoms), att, reason, yes(c.Abnormal), strconv.Itoa(c.Version), yes(c.Current), c.ReportedBy})
	}
	followups := Sheet{Key: "followups", Title: t("export.sheet.followups"), Header: []string{t("field.day"), t("export.done"),
		t("field.symptoms"), t("export.clinic_visit"), t("field.diagnosis"), t("field.expected_return"), t("field.note")}}
	for _, f := range e.FollowUps {
		followups.Rows = append(followups.Rows, []string{f.Day.String(), yes(f.Done), symptoms(f.Symptoms), yes(f.ClinicVisit),
			f.Diagnosis, tm(f.ExpectedReturn, f.ExpectedReturn.String()), f.Note})
	}
	cases := Sheet{Key: "cases", Title: t("export.sheet.cases"), Header: []string{t("export.case"), t("export.onset"),
		t("field.symptoms"), t("field.temperature"), t("export.state"), t("export.outcome"), t("export.detected_at"), t("export.closed_at")}}
	for _, k := range e.Cases {
		outcome, closed := "", ""
		if k.Outcome != "" {
			outcome = t("case.outcome." + string(k.Outcome))
		}
		if k.ClosedAt != nil {
			closed = local(*k.ClosedAt)
		}
		cases.Rows = append(cases.Rows, []string{"#" + strconv.FormatInt(k.ID, 10), k.OnsetDay.String(), symptoms(k.Symptoms),
			temp(k.Temperature), t("case.state." + string(k.State)), outcome, local(k.DetectedAt), closed})
	}
	steps := Sheet{Key: "case_steps", Title: t("export.sheet.case_steps"), Header: []string{t("export.case"), t("export.at"),
		t("export.state"), t("export.by"), t("field.note")}}
	for _, st := range e.CaseSteps {
		steps.Rows = append(steps.Rows, []string{"#" + strconv.FormatInt(st.CaseID, 10), local(st.At), t("case.state." + string(st.To)),
			st.By, stepNote(t, st.Note)})
	}
	history := Sheet{Key: "history", Title: t("export.sheet.history"), Header: []string{t("export.at"), t("export.what"),
		t("export.by"), t("export.detail")}}
	for _, h := range e.History {
		history.Rows = append(history.Rows, []string{local(h.At), t("history." + h.Kind), h.Actor, h.Detail})
	}
	return []Sheet{person, guardians, checks, followups, cases, steps, history}
}

func genderText(t Translator, g campusguard.Gender) string {
	if g == "" {
		return ""
	}
	return t("gender." + string(g))
}

// local writes an instant in the schools' zone, "" for none.
func local(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	return at.In(campusguard.China).Format("2006-01-02 15:04")
}

// WritePersonXLSX writes a person's export as a workbook, a sheet per
// table.
func WritePersonXLSX(w io.Writer, e *campusguard.PersonExport, t Translator) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, sh := range PersonSheets(e, t) {
		name := sh.Title
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		rows := append([][]string{sh.Header}, sh.Rows...)
		for r, row := range rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &cells); err != nil {
				return err
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(sh.Header), 1)
		if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
			return err
		}
		if err := f.SetColWidth(name, "A", "A", 20); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// SampleExport is an export with one of everything, so that tests and the
// catalogue check see every key the tables use.
func SampleExport() *campusguard.PersonExport {
	t := 37.8
	at := time.Date(2026, 11, 30, 7, 10, 0, 0, campusguard.China)
	closed := at.Add(48 * time.Hour)
	e := &campusguard.PersonExport{
		Person: &campusguard.Person{ID: 7, Kind: campusguard.Student, Name: "陈小明", Number: "S1", Gender: campusguard.Gender("M"),
			Birth: campusguard.Date{Year: 2019, Month: 3, Day: 7}, Active: true},
		School: "云陵中心小学", Class: "一年级1班",
		Guardians:   []*campusguard.Guardian{{Name: "陈建国", Relation: "父亲", Phone: "13812345678"}},
		GeneratedAt: at, GeneratedBy: "林校长",
	}
	for _, k := range campusguard.CheckKinds {
		e.Checks = append(e.Checks, &campusguard.Check{Day: campusguard.DateOf(at), Kind: k, At: at, Temperature: &t,
			Symptoms: []campusguard.Symptom{campusguard.SymCough}, Attendance: campusguard.Absent, AbsenceReason: campusguard.AbsentIll,
			Version: 1, Current: true, Abnormal: true})
	}
	e.FollowUps = []*campusguard.FollowUp{{Day: campusguard.DateOf(at), Done: true, ClinicVisit: true, Diagnosis: "流感"}}
	for _, st := range campusguard.CaseStates {
		e.Cases = append(e.Cases, &campusguard.Case{ID: 1, State: st, Outcome: campusguard.OutcomeRuledOut, OnsetDay: campusguard.DateOf(at),
			DetectedAt: at, ClosedAt: &closed, Temperature: &t})
		e.CaseSteps = append(e.CaseSteps, campusguard.CaseStep{CaseID: 1, To: st, At: at, By: "校医"})
	}
	for _, k := range []string{"created", "updated", "imported", "guardian"} {
		e.History = append(e.History, campusguard.Event{At: at, Kind: k, Actor: "林校长"})
	}
	return e
}

// stepNote is a case step's note as people read it: the store's "auto"
// (a case a check opened) translated.
func stepNote(t func(string, ...any) string, note string) string {
	if note == "auto" {
		return t("case.note_auto")
	}
	return note
}
