package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// today returns the school day of now in China.
func today() campusguard.Date { return campusguard.Today(clock()) }

// clock is the API's clock for the day a request means by "today"; tests
// that post checks for a fixed day set it with the store's.
var clock = time.Now

// pathIDAndDay reads the {id} of the path and the "day" query parameter,
// today in China when it is left out.
func pathIDAndDay(r *http.Request) (int64, campusguard.Date, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, campusguard.Date{}, err
	}
	q := newQuery(r)
	day := q.date("day")
	if err := q.err(); err != nil {
		return 0, campusguard.Date{}, err
	}
	if day == nil {
		return id, today(), nil
	}
	return id, *day, nil
}

// maxBatchBytes caps the body of a device batch: MaxBatch readings of a
// few hundred bytes each.
const maxBatchBytes = 4 << 20

// maxRollupDays is the longest range of days one roll-up request reads.
const maxRollupDays = 366

// checkInput is one submitted check: the body of "POST /api/v1/checks" and
// each row of a batch.
type checkInput struct {
	PersonID        int64                     `json:"person_id"`
	Day             campusguard.Date          `json:"day"`
	Kind            campusguard.CheckKind     `json:"kind"`
	Temperature     *float64                  `json:"temperature"`
	Symptoms        []campusguard.Symptom     `json:"symptoms"`
	HealthCode      campusguard.HealthCode    `json:"health_code"`
	HouseholdUnwell bool                      `json:"household_unwell"`
	RiskExposure    bool                      `json:"risk_exposure"`
	Attendance      campusguard.Attendance    `json:"attendance"`
	AbsenceReason   campusguard.AbsenceReason `json:"absence_reason"`
	Mask            *bool                     `json:"mask"`
	BusRouteID      *int64                    `json:"bus_route_id"`
	Note            string                    `json:"note"`
	ClientKey       string                    `json:"client_key"`
	// TakenAt is when the device took the check, if it queued it: kept
	// as the check's time within campusguard.TakenTime's bounds.
	TakenAt time.Time `json:"taken_at"`
}

// check returns the submission as a Check, for today when it names no day.
func (in checkInput) check(day campusguard.Date) *campusguard.Check {
	if !in.Day.IsZero() {
		day = in.Day
	}
	return &campusguard.Check{PersonID: in.PersonID, Day: day, Kind: in.Kind, Temperature: in.Temperature,
		Symptoms: in.Symptoms, HealthCode: in.HealthCode, HouseholdUnwell: in.HouseholdUnwell,
		RiskExposure: in.RiskExposure, Attendance: in.Attendance, AbsenceReason: in.AbsenceReason, Mask: in.Mask,
		BusRouteID: in.BusRouteID, Note: in.Note, ClientKey: in.ClientKey, At: in.TakenAt}
}

// shownCheck returns c ready to render: symptoms as a list, never null.
func shownCheck(c *campusguard.Check) *campusguard.Check {
	if c.Symptoms == nil {
		c.Symptoms = []campusguard.Symptom{}
	}
	return c
}

// handleCheckCreate handles "POST /api/v1/checks": one check. A new check
// is a 201; the same submission again (its client key already stored for
// the same person, day and kind) is a 200 with the stored check.
func (s *Server) handleCheckCreate(w http.ResponseWriter, r *http.Request) error {
	var in checkInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	stored, isNew, err := s.Health.RecordCheck(r.Context(), in.check(today()))
	if err != nil {
		return err
	}
	if !isNew {
		return ok(w, shownCheck(stored))
	}
	return created(w, "", shownCheck(stored))
}

// batchInput is the body of "POST /api/v1/checks/batch".
type batchInput struct {
	Checks []checkInput `json:"checks"`
}

// batchBody is the JSON of a BatchResult, its messages translated.
type batchBody struct {
	Rows      int         `json:"rows"`
	Created   int         `json:"created"`
	Duplicate int         `json:"duplicate"`
	Failed    int         `json:"failed"`
	Errors    []fieldBody `json:"errors"`
}

// handleCheckBatch handles "POST /api/v1/checks/batch": a temperature
// gate's readings. Good rows are stored once each, bad rows are named in
// the result; only a batch over MaxBatch rows is refused as a whole.
func (s *Server) handleCheckBatch(w http.ResponseWriter, r *http.Request) error {
	var in batchInput
	if err := decodeJSONLimit(w, r, &in, maxBatchBytes); err != nil {
		return err
	}
	if len(in.Checks) > campusguard.MaxBatch {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "checks", Msg: "error.batch_too_large",
			Args: []any{campusguard.MaxBatch}}})
	}
	day := today()
	checks := make([]*campusguard.Check, len(in.Checks))
	for i, c := range in.Checks {
		checks[i] = c.check(day)
	}
	res, err := s.Health.RecordChecks(r.Context(), checks)
	if err != nil {
		return err
	}
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	out := batchBody{Rows: res.Rows, Created: res.Created, Duplicate: res.Duplicate, Failed: res.Failed,
		Errors: []fieldBody{}}
	// The store names invalid rows before refused ones; a device reads
	// them in row order.
	errs := slices.Clone(res.Errors)
	slices.SortStableFunc(errs, func(a, b campusguard.FieldError) int { return cmp.Compare(a.Row, b.Row) })
	for _, f := range errs {
		out.Errors = append(out.Errors, fieldBody{Field: f.Field, Row: f.Row, Message: translate(lang, f.Msg, f.Args)})
	}
	w.Header().Set("Content-Language", string(lang))
	return ok(w, out)
}

// handleCheckIndex handles "GET /api/v1/checks": a page of the checks of
// people in the caller's scope, newest first.
func (s *Server) handleCheckIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.CheckFilter{
		PersonID: q.id("person_id"),
		ClassID:  q.id("class_id"),
		SchoolID: q.id("school_id"),
		Day:      q.date("day"),
		Kind:     choice(q, "kind", campusguard.CheckKinds),
		Abnormal: q.optBool("abnormal"),
		History:  q.bool("history"),
	}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	checks, total, err := s.Health.FindChecks(r.Context(), f)
	if err != nil {
		return err
	}
	for _, c := range checks {
		shownCheck(c)
	}
	return ok(w, newList(checks, total, p))
}

// handleRollupIndex handles "GET /api/v1/orgs/{id}/rollups": the day
// figures of a class, school or region for the days from..to (today when
// both are left out, one day when one is), at most maxRollupDays.
func (s *Server) handleRollupIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	from, to := q.date("from"), q.date("to")
	if err := q.err(); err != nil {
		return err
	}
	switch {
	case from == nil && to == nil:
		d := today()
		from, to = &d, &d
	case from == nil:
		from = to
	case to == nil:
		to = from
	}
	last := from.AddDays(maxRollupDays - 1)
	if to.Before(*from) || last.Before(*to) {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "to", Msg: "error.range",
			Args: []any{from.String(), last.String()}}})
	}
	rs, err := s.Health.Rollups(r.Context(), id, *from, *to)
	if err != nil {
		return err
	}
	return ok(w, newItems(rs))
}

// date returns a YYYY-MM-DD parameter, or nil when it is absent or empty.
func (q *query) date(name string) *campusguard.Date {
	s, ok := q.get(name)
	if !ok || s == "" {
		return nil
	}
	d, err := campusguard.ParseDate(s)
	if err != nil {
		q.fail(name, "error.type_date")
		return nil
	}
	return &d
}

// optBool returns a true/false parameter, or nil when it is absent or
// empty.
func (q *query) optBool(name string) *bool {
	s, ok := q.get(name)
	if !ok || s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		q.fail(name, "error.type_bool")
		return nil
	}
	return &b
}
