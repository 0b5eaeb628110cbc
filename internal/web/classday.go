package web

import (
	"context"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// classDayCard names the children of a class who need someone's attention
// on the day shown: each abnormal one with what was seen and their open
// case, each absent one with the reason, and on a past school day (a day
// off shows the last one) each one with nothing reported at all; today's
// have a card of their own. Absent children are not "not reported".
type classDayCard struct {
	Day      string
	Abnormal []classDayRow
	Absent   []classDayRow
	Missing  []classDayRow
	Students int // in the class: "all well" needs someone in it
}

// classDayRow is one child of the card.
type classDayRow struct {
	Name      string
	URL       string // their file, when the reader may open it
	Detail    string // temperature, symptoms, or the absence's reason
	CaseURL   string // their open case, when there is one the reader may see
	CaseState string // translated
}

// classDay reads the class's day for its page. Nil without the health
// service, or for a reader who may not read the class's checks.
func (s *Server) classDay(ctx context.Context, a *campusguard.Actor, l i18n.Lang, o *campusguard.Org) (*classDayCard, error) {
	if s.Health == nil || !a.Can(campusguard.ReadPersonFile, o.Path) {
		return nil, nil
	}
	day := s.dayOf(ctx)
	card := &classDayCard{Day: day.String()}
	students, n, err := s.People.FindPeople(ctx, campusguard.PersonFilter{ClassID: &o.ID, Kind: ptr(campusguard.Student), Limit: 500})
	if err != nil {
		return nil, err
	}
	card.Students = n
	names := make(map[int64]string, len(students))
	for _, p := range students {
		names[p.ID] = p.Name
	}
	row := func(id int64) classDayRow {
		r := classDayRow{Name: names[id]}
		if a.CanPerson(campusguard.ReadPersonFile, id, o.Path) {
			r.URL = personURL(id)
		}
		return r
	}
	// Every version: an abnormal report later corrected to normal is still
	// named, and says it was corrected.
	checks, _, err := s.Health.FindChecks(ctx, campusguard.CheckFilter{ClassID: &o.ID, Day: &day, History: true, Limit: 5000})
	if err != nil {
		return nil, err
	}
	abnormal := map[int64][]*campusguard.Check{}
	absent := map[int64]*campusguard.Check{}
	var order []int64 // abnormal children, first seen first
	for _, c := range checks {
		if _, ok := names[c.PersonID]; !ok {
			continue // moved out of the class since
		}
		if c.Abnormal {
			if abnormal[c.PersonID] == nil {
				order = append(order, c.PersonID)
			}
			abnormal[c.PersonID] = append(abnormal[c.PersonID], c)
		}
		if c.Current && c.Attendance == campusguard.Absent && absent[c.PersonID] == nil {
			absent[c.PersonID] = c
		}
	}
	var cases map[int64]*campusguard.Case
	if s.Cases != nil && a.Can(campusguard.ReadCases, o.Path) {
		open, _, err := s.Cases.FindCases(ctx, campusguard.CaseFilter{OrgID: &o.ID, Open: true, Limit: 500})
		if err != nil {
			return nil, err
		}
		cases = make(map[int64]*campusguard.Case, len(open))
		for _, k := range open {
			if cases[k.PersonID] == nil {
				cases[k.PersonID] = k
			}
		}
	}
	withCase := func(r *classDayRow, id int64) {
		if k := cases[id]; k != nil {
			r.CaseURL, r.CaseState = caseURL(k.ID), tr(l, caseStateKey(k.State))
		}
	}
	for _, id := range order {
		r := row(id)
		var seen []string
		for _, c := range abnormal[id] {
			part := tr(l, checkKindKey(c.Kind))
			if t := formatTemp(c.Temperature); t != "" {
				part += " " + tr(l, "classday.temperature", t)
			}
			for _, sym := range c.Symptoms {
				part += " " + tr(l, symptomKey(sym))
			}
			if !c.Current {
				part += " " + tr(l, "classday.corrected")
			}
			seen = append(seen, part)
		}
		r.Detail = strings.Join(seen, "；")
		withCase(&r, id)
		card.Abnormal = append(card.Abnormal, r)
	}
	for _, p := range students {
		c := absent[p.ID]
		if c == nil || abnormal[p.ID] != nil {
			continue
		}
		r := row(p.ID)
		r.Detail = tr(l, attendanceKey(c.Attendance))
		if c.AbsenceReason != "" {
			r.Detail = tr(l, absenceReasonKey(c.AbsenceReason))
		}
		withCase(&r, p.ID)
		card.Absent = append(card.Absent, r)
	}
	if day == s.today() {
		return card, nil // today's missing children have their own card, with the reminders
	}
	missing, err := s.Health.MissingReports(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	for _, p := range missing {
		if absent[p.ID] != nil || abnormal[p.ID] != nil {
			continue
		}
		r := row(p.ID)
		if r.Name == "" {
			r.Name = p.Name
		}
		card.Missing = append(card.Missing, r)
	}
	return card, nil
}
