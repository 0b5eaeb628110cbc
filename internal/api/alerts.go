package api

import (
	"context"
	"net/http"

	"campusguard"
)

// AlertService is campusguard.AlertService with a region's settings of the
// rules and statistics behind the alerts (SPEC §10).
type AlertService interface {
	campusguard.AlertService
	// RuleConfig returns a region's settings: the national defaults
	// unless the region set its own.
	RuleConfig(ctx context.Context, regionID int64) (campusguard.RuleConfig, error)
	// SetRuleConfig sets them: region admins of a top-level region only.
	SetRuleConfig(ctx context.Context, regionID int64, cfg campusguard.RuleConfig) error
	// SetAlertSensitivity sets how readily the region's statistics raise
	// an alert: region admins of a top-level region only.
	SetAlertSensitivity(ctx context.Context, regionID int64, sens campusguard.Sensitivity) error
}

// shownAlert returns a ready to render: case ids as a list, never null.
func shownAlert(a *campusguard.Alert) *campusguard.Alert {
	if a.CaseIDs == nil {
		a.CaseIDs = []int64{}
	}
	if a.Children == nil {
		a.Children = []campusguard.AlertChild{}
	}
	return a
}

// handleAlertIndex handles "GET /api/v1/alerts": a page of the alerts in
// the caller's scope, open before closed, newest first.
func (s *Server) handleAlertIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.pageUpTo(500)
	f := campusguard.AlertFilter{
		OrgID:  q.id("org_id"),
		Rule:   choice(q, "rule", campusguard.AlertRules),
		State:  choice(q, "state", campusguard.AlertStates),
		Open:   q.bool("open"),
		Offset: p.Offset,
		Limit:  p.Limit,
		// Issue 19: by severity, without the one-day blips, one alert per
		// group.
		Severity:  choice(q, "severity", campusguard.Severities),
		HideBlips: q.bool("hide_blips"),
		Grouped:   q.bool("grouped"),
	}
	if err := q.err(); err != nil {
		return err
	}
	alerts, total, err := s.Alerts.FindAlerts(r.Context(), f)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		shownAlert(a)
	}
	return ok(w, newList(alerts, total, p))
}

// alertView is the JSON of one alert with its steps, oldest first.
type alertView struct {
	Alert *campusguard.Alert      `json:"alert"`
	Steps []campusguard.AlertStep `json:"steps"`
}

// handleAlertView handles "GET /api/v1/alerts/{id}".
func (s *Server) handleAlertView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, steps, err := s.Alerts.FindAlert(r.Context(), id)
	if err != nil {
		return err
	}
	if steps == nil {
		steps = []campusguard.AlertStep{}
	}
	return ok(w, alertView{Alert: shownAlert(a), Steps: steps})
}

// handleAlertTransition handles "POST /api/v1/alerts/{id}/transitions":
// moves the alert one step along open → acknowledged → investigated →
// closed, closing with a conclusion.
func (s *Server) handleAlertTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in campusguard.AlertMove
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.Alerts.MoveAlert(r.Context(), id, in)
	if err != nil {
		return err
	}
	return ok(w, shownAlert(a))
}

// handleAlertSeries handles "GET /api/v1/alerts/{id}/series": the daily
// count behind the alert over the school days up to its last day, with
// the method's upper bound where it can evaluate.
func (s *Server) handleAlertSeries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	points, err := s.Alerts.AlertSeries(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newItems(points))
}

// detected is the JSON of a run of the early warning.
type detected struct {
	Opened  int `json:"opened"`
	Updated int `json:"updated"`
}

// handleDetect handles "POST /api/v1/orgs/{id}/detect?day=": runs a
// top-level region's early warning for day (today in China unless given)
// now, as the scheduled job would. Region admins of the region only.
func (s *Server) handleDetect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	day := q.date("day")
	if err := q.err(); err != nil {
		return err
	}
	if day == nil {
		d := today()
		day = &d
	}
	opened, updated, err := s.Alerts.RunDetection(r.Context(), id, *day, "api")
	if err != nil {
		return err
	}
	s.Logger.Info("early warning run", "region", id, "day", day.String(), "by", "api detect by "+campusguard.ActorName(r.Context()),
		"opened", opened, "updated", updated)
	return ok(w, detected{Opened: opened, Updated: updated})
}

// regionOrg returns the top-level region the path's id names, or a 404.
func (s *Server) regionOrg(r *http.Request) (*campusguard.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if o.Kind != campusguard.KindRegion || o.ParentID != nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return o, nil
}

// handleRulesView handles "GET /api/v1/orgs/{id}/rules": a top-level
// region's settings of the fixed rules and statistics.
func (s *Server) handleRulesView(w http.ResponseWriter, r *http.Request) error {
	o, err := s.regionOrg(r)
	if err != nil {
		return err
	}
	cfg, err := s.Alerts.RuleConfig(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return ok(w, cfg)
}

// ruleInput is the body of "PUT /api/v1/orgs/{id}/rules": every setting,
// none left out.
type ruleInput struct {
	DayMin         *int     `json:"day_min"`
	WindowDays     *int     `json:"window_days"`
	WindowMin      *int     `json:"window_min"`
	CalendarDays   *bool    `json:"calendar_days"`
	HighFever      *float64 `json:"high_fever"`
	AbsenceRate    *float64 `json:"absence_rate"`
	EpidemicActive *bool    `json:"epidemic_active"`
	Method         *string  `json:"method"`
	MinSigma       *float64 `json:"min_sigma"`
	Baseline       *int     `json:"baseline"`
	Alpha          *float64 `json:"alpha"`
	// Sensitivity is read only here (PUT .../alert-sensitivity sets it):
	// a body read from GET may be sent back as it is.
	Sensitivity *string `json:"sensitivity"`
}

// config returns the settings, or a 422 naming every one left out.
func (in ruleInput) config() (campusguard.RuleConfig, error) {
	var missing []campusguard.FieldError
	need := func(field string, set bool) {
		if !set {
			missing = append(missing, campusguard.FieldError{Field: field, Msg: "error.required"})
		}
	}
	need("day_min", in.DayMin != nil)
	need("window_days", in.WindowDays != nil)
	need("window_min", in.WindowMin != nil)
	need("calendar_days", in.CalendarDays != nil)
	need("high_fever", in.HighFever != nil)
	need("absence_rate", in.AbsenceRate != nil)
	need("epidemic_active", in.EpidemicActive != nil)
	need("method", in.Method != nil)
	need("min_sigma", in.MinSigma != nil)
	need("baseline", in.Baseline != nil)
	need("alpha", in.Alpha != nil)
	if len(missing) > 0 {
		return campusguard.RuleConfig{}, campusguard.InvalidFields(missing)
	}
	return campusguard.RuleConfig{DayMin: *in.DayMin, WindowDays: *in.WindowDays, WindowMin: *in.WindowMin,
		CalendarDays: *in.CalendarDays, HighFever: *in.HighFever, AbsenceRate: *in.AbsenceRate,
		EpidemicActive: *in.EpidemicActive, Method: *in.Method, MinSigma: *in.MinSigma, Baseline: *in.Baseline,
		Alpha: *in.Alpha}, nil
}

// handleRulesUpdate handles "PUT /api/v1/orgs/{id}/rules": replaces a
// top-level region's settings of the rules and statistics. The service
// checks each value; a refused change changes nothing.
func (s *Server) handleRulesUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := pathID(r, "id"); err != nil {
		return err
	}
	var in ruleInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cfg, err := in.config()
	if err != nil {
		return err
	}
	o, err := s.regionOrg(r)
	if err != nil {
		return err
	}
	if err := s.Alerts.SetRuleConfig(r.Context(), o.ID, cfg); err != nil {
		return err
	}
	if cfg, err = s.Alerts.RuleConfig(r.Context(), o.ID); err != nil {
		return err
	}
	return ok(w, cfg)
}
