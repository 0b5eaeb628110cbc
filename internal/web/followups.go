package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"campusguard"
)

// followUpDays is how far back the list shows completed follow-ups.
const followUpDays = 7

func followUpURL(id int64) string { return "/followups/" + strconv.FormatInt(id, 10) }

// missingCard is the class's students with nothing reported today, for
// those who may list the class.
type missingCard struct {
	People []missingRow
}

// missingRow is one student not yet reported.
type missingRow struct {
	URL    string
	Number string
	Name   string
}

// followUpRow is one illness-absence follow-up in a list.
type followUpRow struct {
	URL       string // the form, for an open one the reader may complete
	Name      string
	Day       string
	Done      bool
	Symptoms  string
	Diagnosis string
	Return    string
	Clinic    bool
}

// missingReports reads the card of students not yet reported today; nil
// when the actor may not list the class.
func (s *Server) missingReports(ctx context.Context, o *campusguard.Org) (*missingCard, error) {
	if s.Health == nil || s.dayOf(ctx) != s.today() {
		return nil, nil // on a day off no one is missing today; the class's day card names the last school day's
	}
	ps, err := s.Health.MissingReports(ctx, o.ID, s.today())
	switch campusguard.ErrorCode(err) {
	case campusguard.NotFound, campusguard.Forbidden:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	card := &missingCard{}
	for _, p := range ps {
		card.People = append(card.People, missingRow{URL: personURL(p.ID), Number: p.Number, Name: p.Name})
	}
	return card, nil
}

// followUpRows reads the follow-ups of a class or school: the open ones,
// then those done in the last week.
func (s *Server) followUpRows(ctx context.Context, pg *basePage, o *campusguard.Org, openOnly bool) (open, done []followUpRow, err error) {
	if s.Health == nil {
		return nil, nil, nil
	}
	f := campusguard.FollowUpFilter{OpenOnly: openOnly}
	if o.Kind == campusguard.KindClass {
		f.ClassID = &o.ID
	} else {
		f.SchoolID = &o.ID
	}
	list, err := s.Health.FindFollowUps(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	canDo := pg.actor.CanRecordCheck(campusguard.MorningCheck, 0, o.Path)
	since := s.today().AddDays(-(followUpDays - 1))
	for _, fu := range list {
		row := followUpRow{Name: fu.PersonName, Day: fu.Day.String(), Done: fu.Done, Diagnosis: fu.Diagnosis, Clinic: fu.ClinicVisit}
		var syms []string
		for _, sym := range fu.Symptoms {
			syms = append(syms, pg.T(symptomKey(sym)))
		}
		row.Symptoms = strings.Join(syms, "、")
		if !fu.ExpectedReturn.IsZero() {
			row.Return = fu.ExpectedReturn.String()
		}
		switch {
		case !fu.Done:
			if canDo {
				row.URL = followUpURL(fu.ID)
			}
			open = append(open, row)
		case !fu.Day.Before(since):
			done = append(done, row)
		}
	}
	return open, done, nil
}

// followUpsPage lists the follow-ups of a class or school.
type followUpsPage struct {
	basePage
	Org    *campusguard.Org
	Open   []followUpRow
	Done   []followUpRow
	Notice string
}

// handleFollowUps handles "GET /orgs/{id}/followups".
func (s *Server) handleFollowUps(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindClass, campusguard.KindSchool)
	if err != nil {
		return err
	}
	pg := &followUpsPage{basePage: s.base(r, "followup.title"), Org: o}
	pg.underOrg("followup.title", o, anc)
	if pg.Open, pg.Done, err = s.followUpRows(ctx, &pg.basePage, o, false); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" {
		pg.Notice = pg.T("followup.saved")
	}
	return s.render(w, r, http.StatusOK, "followups", pg)
}

// followUpPage is the form that completes a follow-up.
type followUpPage struct {
	basePage
	formState
	FollowUp  *campusguard.FollowUp
	Action    string
	Symptoms  []choice
	Clinic    bool
	Diagnosis string
	Return    string
	Note      string
}

// findFollowUp reads a follow-up in the actor's scope.
func (s *Server) findFollowUp(r *http.Request) (*campusguard.FollowUp, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if s.Health == nil {
		return nil, errNotFound
	}
	list, err := s.Health.FindFollowUps(r.Context(), campusguard.FollowUpFilter{})
	if err != nil {
		return nil, err
	}
	for _, fu := range list {
		if fu.ID == id {
			return fu, nil
		}
	}
	return nil, errNotFound
}

// followUpListURL is the list a follow-up's form returns to: its class's,
// else its school's.
func followUpListURL(fu *campusguard.FollowUp) string {
	if fu.ClassID != nil {
		return orgURL(*fu.ClassID) + "/followups"
	}
	return orgURL(fu.SchoolID) + "/followups"
}

func (s *Server) newFollowUpPage(r *http.Request, fu *campusguard.FollowUp) *followUpPage {
	pg := &followUpPage{basePage: s.base(r, "followup.form_title"), FollowUp: fu, Action: followUpURL(fu.ID),
		Return: s.today().AddDays(1).String()}
	pg.Title = pg.T("followup.form_title") + " · " + fu.PersonName
	pg.Crumbs = []crumb{{Name: pg.T("followup.title"), URL: followUpListURL(fu)}, {Name: fu.PersonName}}
	pg.setBack(pg.Action)
	pg.fill(nil)
	return pg
}

// fill sets the symptom chips from what was submitted.
func (pg *followUpPage) fill(symptoms []string) {
	pg.Symptoms = pg.Symptoms[:0]
	for _, sym := range campusguard.Symptoms {
		pg.Symptoms = append(pg.Symptoms, choice{Value: string(sym), Label: pg.T(symptomKey(sym)),
			Checked: slices.Contains(symptoms, string(sym))})
	}
}

// handleFollowUpForm handles "GET /followups/{id}".
func (s *Server) handleFollowUpForm(w http.ResponseWriter, r *http.Request) error {
	fu, err := s.findFollowUp(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "followup", s.newFollowUpPage(r, fu))
}

// handleFollowUp handles "POST /followups/{id}": the report closes the
// follow-up and the list says so; bad input shows the form again and
// stores nothing.
func (s *Server) handleFollowUp(w http.ResponseWriter, r *http.Request) error {
	fu, err := s.findFollowUp(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	pg := s.newFollowUpPage(r, fu)
	pg.fill(f["symptom"])
	pg.Clinic = f.Get("clinic_visit") != ""
	pg.Diagnosis, pg.Note = strings.TrimSpace(f.Get("diagnosis")), strings.TrimSpace(f.Get("note"))
	pg.Return = strings.TrimSpace(f.Get("expected_return"))
	rep := campusguard.FollowUpReport{Symptoms: []campusguard.Symptom{}, ClinicVisit: pg.Clinic, Diagnosis: pg.Diagnosis, Note: pg.Note}
	for _, sym := range f["symptom"] {
		rep.Symptoms = append(rep.Symptoms, campusguard.Symptom(sym))
	}
	if pg.Return != "" {
		d, err := campusguard.ParseDate(pg.Return)
		if err != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "expected_return", Msg: "error.type_date"}})
			status, _ := formFailed(pg.Lang, err, &pg.formState)
			return s.render(w, r, status, "followup", pg)
		}
		rep.ExpectedReturn = d
	}
	if _, err := s.Health.CompleteFollowUp(r.Context(), fu.ID, rep); err != nil {
		status, ok := formFailed(pg.Lang, err, &pg.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "followup", pg)
	}
	return seeOther(w, r, followUpListURL(fu)+"?saved=1")
}
