package web

import (
	"net/http"
	"strconv"
	"strings"

	"campusguard"
)

// The data-quality thresholds of a top-level region (issue 17), on a page:
// the API had them (GET/PUT /api/v1/orgs/{id}/quality-settings), the pages
// did not. The region's admins change them; others who read the region see
// them.

// qualityField is one threshold on the form.
type qualityField struct {
	Name  string // the JSON and form name
	Label string
	Value string
	Hint  string // the range
	Bad   bool
	Time  bool // a clock (HH:MM)
}

// qualitySettingsPage is the form.
type qualitySettingsPage struct {
	basePage
	formState
	Org     *campusguard.Org
	Fields  []qualityField
	CanEdit bool
	Action  string
	Notice  string
}

// qualityRanges are each field's range, as QualitySettings.Validate has it.
var qualityRanges = []struct {
	name   string
	lo, hi string
}{
	{"uniform_share", "0.5", "1"}, {"uniform_days", "2", "10"}, {"uniform_min_readings", "3", "500"},
	{"round_share", "0.3", "1"}, {"round_min_readings", "20", "10000"},
	{"burst_reports", "3", "500"}, {"burst_seconds", "10", "3600"},
	{"earliest_home", "00:00", "08:00"}, {"early_reports", "1", "500"},
	{"shared_phone_children", "3", "50"}, {"perfect_days", "5", strconv.Itoa(campusguard.QualityWindow - 8)},
}

// qualityValues are a settings' values as the form shows them.
func qualityValues(q campusguard.QualitySettings) map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := strconv.Itoa
	return map[string]string{
		"uniform_share": f(q.UniformShare), "uniform_days": i(q.UniformDays), "uniform_min_readings": i(q.UniformMinReadings),
		"round_share": f(q.RoundShare), "round_min_readings": i(q.RoundMinReadings),
		"burst_reports": i(q.BurstReports), "burst_seconds": i(q.BurstSeconds),
		"earliest_home": q.EarliestHome.String(), "early_reports": i(q.EarlyReports),
		"shared_phone_children": i(q.SharedPhoneChildren), "perfect_days": i(q.PerfectDays),
	}
}

// parseQualityForm reads the form; a value that is not a number (or a
// time) is named, the ranges are the domain's to check.
func parseQualityForm(r *http.Request) (campusguard.QualitySettings, map[string]string, error) {
	var q campusguard.QualitySettings
	vals := map[string]string{}
	var fe []campusguard.FieldError
	num := func(name string) int {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		n, err := strconv.Atoi(v)
		if err != nil {
			fe = append(fe, campusguard.FieldError{Field: name, Msg: "error.not_number"})
		}
		return n
	}
	share := func(name string) float64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			fe = append(fe, campusguard.FieldError{Field: name, Msg: "error.not_number"})
		}
		return n
	}
	q.UniformShare, q.UniformDays, q.UniformMinReadings = share("uniform_share"), num("uniform_days"), num("uniform_min_readings")
	q.RoundShare, q.RoundMinReadings = share("round_share"), num("round_min_readings")
	q.BurstReports, q.BurstSeconds = num("burst_reports"), num("burst_seconds")
	v := strings.TrimSpace(r.PostFormValue("earliest_home"))
	vals["earliest_home"] = v
	if c, ok := campusguard.ParseClock(v); ok {
		q.EarliestHome = c
	} else {
		fe = append(fe, campusguard.FieldError{Field: "earliest_home", Msg: "error.bad_clock"})
	}
	q.EarlyReports, q.SharedPhoneChildren, q.PerfectDays = num("early_reports"), num("shared_phone_children"), num("perfect_days")
	if len(fe) > 0 {
		return q, vals, campusguard.InvalidFields(fe)
	}
	return q, vals, q.Validate()
}

// qualitySettingsPageFor builds the page with the values shown.
func (s *Server) qualitySettingsPageFor(r *http.Request, o *campusguard.Org, anc []*campusguard.Org, vals map[string]string) *qualitySettingsPage {
	p := &qualitySettingsPage{basePage: s.base(r, "page.quality_settings.title"), Org: o, Action: orgURL(o.ID) + "/quality/settings"}
	p.underOrg("page.quality_settings.title", o, anc)
	p.CanEdit = p.actor.Can(campusguard.WriteOrg, o.Path)
	for _, f := range qualityRanges {
		p.Fields = append(p.Fields, qualityField{Name: f.name, Label: fieldLabel(p.Lang, f.name), Value: vals[f.name],
			Hint: p.T("quality.setting_range", f.lo, f.hi), Time: f.name == "earliest_home"})
	}
	return p
}

// qualitySettingsOrg is the top-level region of the request, read by the
// actor (404 otherwise, and for a node that is not a top-level region).
func (s *Server) qualitySettingsOrg(r *http.Request) (*campusguard.Org, []*campusguard.Org, error) {
	o, anc, err := s.qualityOrg(r)
	if err != nil {
		return nil, nil, err
	}
	if o.Kind != campusguard.KindRegion || o.ParentID != nil {
		return nil, nil, errNotFound
	}
	return o, anc, nil
}

// handleQualitySettings handles "GET /orgs/{id}/quality/settings".
func (s *Server) handleQualitySettings(w http.ResponseWriter, r *http.Request) error {
	o, anc, err := s.qualitySettingsOrg(r)
	if err != nil {
		return err
	}
	q, err := s.Quality.QualitySettings(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p := s.qualitySettingsPageFor(r, o, anc, qualityValues(*q))
	if r.URL.Query().Get("done") == "saved" {
		p.Notice = p.T("quality.settings_saved")
	}
	return s.render(w, r, http.StatusOK, "quality_settings", p)
}

// handleQualitySettingsSave handles "POST /orgs/{id}/quality/settings":
// every threshold at once; a refused form keeps what was typed.
func (s *Server) handleQualitySettingsSave(w http.ResponseWriter, r *http.Request) error {
	o, anc, err := s.qualitySettingsOrg(r)
	if err != nil {
		return err
	}
	q, vals, err := parseQualityForm(r)
	if err == nil {
		err = s.Quality.SetQualitySettings(r.Context(), o.ID, q)
	}
	if err == nil {
		return seeOther(w, r, orgURL(o.ID)+"/quality/settings?done=saved")
	}
	p := s.qualitySettingsPageFor(r, o, anc, vals)
	status, ok := formFailed(p.Lang, err, &p.formState)
	if !ok {
		return err
	}
	for i := range p.Fields {
		p.Fields[i].Bad = p.Bad(p.Fields[i].Name)
	}
	return s.render(w, r, status, "quality_settings", p)
}
