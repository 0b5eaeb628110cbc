package api

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/i18n"
)

// CaseService is campusguard.CaseService with what the API adds around
// cases: who is held at a school's gate, and a region's time limit for
// reporting a case.
type CaseService interface {
	campusguard.CaseService
	// HeldAtGate returns the people of a school held at the gate (an
	// open case not yet cleared for return) with their case's state.
	HeldAtGate(ctx context.Context, schoolID int64) (map[int64]campusguard.CaseState, error)
	// ReportWithin returns a region's time limit for reporting a case.
	ReportWithin(ctx context.Context, regionID int64) (time.Duration, error)
	// SetReportWithin sets it: whole minutes from 10 to 1440, region
	// admins of a top-level region only.
	SetReportWithin(ctx context.Context, regionID int64, within time.Duration) error
}

// shownCase returns k ready to render: symptoms as a list, never null.
func shownCase(k *campusguard.Case) *campusguard.Case {
	if k.Symptoms == nil {
		k.Symptoms = []campusguard.Symptom{}
	}
	return k
}

// handleCaseIndex handles "GET /api/v1/cases": a page of the cases in the
// caller's scope, open before closed, overdue first, newest first.
func (s *Server) handleCaseIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.pageUpTo(500)
	f := campusguard.CaseFilter{
		OrgID:    q.id("org_id"),
		PersonID: q.id("person_id"),
		State:    choice(q, "state", campusguard.CaseStates),
		Open:     q.bool("open"),
		Overdue:  q.bool("overdue"),
		Offset:   p.Offset,
		Limit:    p.Limit,
	}
	if err := q.err(); err != nil {
		return err
	}
	cases, total, err := s.Cases.FindCases(r.Context(), f)
	if err != nil {
		return err
	}
	for _, k := range cases {
		shownCase(k)
	}
	return ok(w, newList(cases, total, p))
}

// handleCaseCreate handles "POST /api/v1/cases": a case opened by hand.
func (s *Server) handleCaseCreate(w http.ResponseWriter, r *http.Request) error {
	var in campusguard.NewCase
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := s.Cases.OpenCase(r.Context(), in)
	if err != nil {
		return err
	}
	return created(w, "/api/v1/cases/"+strconv.FormatInt(k.ID, 10), shownCase(k))
}

// caseView is the JSON of one case with its steps, oldest first.
type caseView struct {
	Case  *campusguard.Case      `json:"case"`
	Steps []campusguard.CaseStep `json:"steps"`
}

// handleCaseView handles "GET /api/v1/cases/{id}".
func (s *Server) handleCaseView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	k, steps, err := s.Cases.FindCase(r.Context(), id)
	if err != nil {
		return err
	}
	if steps == nil {
		steps = []campusguard.CaseStep{}
	}
	return ok(w, caseView{Case: shownCase(k), Steps: steps})
}

// handleCaseTransition handles "POST /api/v1/cases/{id}/transitions": moves
// the case one step along its life, and only to the next state.
func (s *Server) handleCaseTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in campusguard.Transition
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := s.Cases.MoveCase(r.Context(), id, in)
	if err != nil {
		return err
	}
	return ok(w, shownCase(k))
}

// handleCaseContacts handles "GET /api/v1/cases/{id}/contacts": the close
// contacts of a suspected or confirmed case.
func (s *Server) handleCaseContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	contacts, err := s.Cases.CaseContacts(r.Context(), id)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		if c.Reasons == nil {
			c.Reasons = []campusguard.ContactReason{}
		}
	}
	return ok(w, newItems(contacts))
}

// contactHeader is row 1 of the contacts workbook.
var contactHeader = []any{"姓名", "类别", "编号", "接触原因", "随访起", "随访止", "已报告天数", "异常", "有未结病例"}

// handleCaseContactsXLSX handles "GET /api/v1/cases/{id}/contacts.xlsx": the
// same list as a workbook, one row per contact, in Chinese.
func (s *Server) handleCaseContactsXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	contacts, err := s.Cases.CaseContacts(r.Context(), id)
	if err != nil {
		return err
	}
	body, err := contactsXLSX(contacts)
	if err != nil {
		return err
	}
	writeDownload(w, fmt.Sprintf("密切接触者-病例%d.xlsx", id), xlsxType, body)
	return nil
}

// contactsXLSX writes contacts to a workbook with one sheet, 密切接触者.
func contactsXLSX(contacts []*campusguard.Contact) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "密切接触者"
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	if err := f.SetSheetRow(sheet, "A1", &contactHeader); err != nil {
		return nil, err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	f.SetCellStyle(sheet, "A1", "I1", bold)
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for i, c := range contacts {
		reasons := make([]string, len(c.Reasons))
		for j, rs := range c.Reasons {
			reasons[j] = i18n.T(i18n.Hans, "contact.reason."+string(rs))
		}
		row := []any{c.Name, i18n.T(i18n.Hans, "person_kind."+string(c.Kind)), c.Number, strings.Join(reasons, "、"),
			c.FollowFrom.String(), c.FollowUntil.String(), c.DaysChecked, yes(c.Abnormal), yes(c.OpenCase)}
		if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(i+2), &row); err != nil {
			return nil, err
		}
	}
	f.SetColWidth(sheet, "D", "D", 24)
	f.SetColWidth(sheet, "E", "F", 12)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("contacts workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// gateHold is one person held at a school's gate.
type gateHold struct {
	PersonID int64                 `json:"person_id"`
	State    campusguard.CaseState `json:"state"`
}

// handleGateHoldIndex handles "GET /api/v1/orgs/{id}/gate-holds": the
// people of a school held at the gate, with their case's state, by person.
func (s *Server) handleGateHoldIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	held, err := s.Cases.HeldAtGate(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]gateHold, 0, len(held))
	for pid, st := range held {
		out = append(out, gateHold{PersonID: pid, State: st})
	}
	slices.SortFunc(out, func(a, b gateHold) int { return cmp.Compare(a.PersonID, b.PersonID) })
	return ok(w, newItems(out))
}

// regionSettings is the JSON of a top-level region's settings.
type regionSettings struct {
	ReportWithinMinutes int `json:"report_within_minutes"`
}

// region returns the top-level region the path's id names, or a 404.
func (s *Server) region(r *http.Request) (int64, error) {
	o, err := s.regionOrg(r)
	if err != nil {
		return 0, err
	}
	return o.ID, nil
}

// handleSettingsView handles "GET /api/v1/orgs/{id}/settings": a top-level
// region's settings.
func (s *Server) handleSettingsView(w http.ResponseWriter, r *http.Request) error {
	id, err := s.region(r)
	if err != nil {
		return err
	}
	d, err := s.Cases.ReportWithin(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, regionSettings{ReportWithinMinutes: int(d / time.Minute)})
}

// handleSettingsUpdate handles "PUT /api/v1/orgs/{id}/settings": sets a
// top-level region's time limit for reporting a case, 10 to 1440 minutes.
func (s *Server) handleSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		ReportWithinMinutes *int `json:"report_within_minutes"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.ReportWithinMinutes == nil {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "report_within_minutes", Msg: "error.required"}})
	}
	if _, err := s.region(r); err != nil {
		return err
	}
	// The service checks the range; clamping only keeps a huge number
	// from wrapping round into it.
	m := min(max(*in.ReportWithinMinutes, 0), 1<<20)
	if err := s.Cases.SetReportWithin(r.Context(), id, time.Duration(m)*time.Minute); err != nil {
		return err
	}
	return ok(w, regionSettings{ReportWithinMinutes: m})
}
