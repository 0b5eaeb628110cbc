package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/export"
)

// policySection is the settings page's section of the settings a region
// needs (issue 16): its fever threshold, how long it keeps health
// records, and its schools' default deadlines. Each is a form of its own.
type policySection struct {
	Fever     *feverForm
	Retention *retentionForm
	Deadlines *deadlinesForm
	// MinDays and MaxDays bound a retention period.
	MinDays, MaxDays int
}

// feverForm is the fever threshold as typed.
type feverForm struct {
	formState
	Action    string
	Threshold string
	Min, Max  string
	Default   string
}

// retentionForm is the retention periods as typed, in days.
type retentionForm struct {
	formState
	Action                     string
	Checks, FollowUps, Cases   string
	DefChecks, DefFU, DefCases int
}

// deadlinesForm is a school's (or a region's default) deadlines as typed.
type deadlinesForm struct {
	formState
	Action             string
	ReportBy           string // "HH:MM"
	SignOffBy          string
	RegionReportBy     string // the region's, for a school's form
	RegionSignOffBy    string
	OwnReport, OwnSign bool // the school set its own
}

func feverText(t float64) string { return strconv.FormatFloat(t, 'f', 1, 64) }

// newPolicySection lays out a region's settings for the forms.
func newPolicySection(regionID int64, p *campusguard.RegionPolicy) *policySection {
	base := settingsURL(regionID)
	return &policySection{
		Fever: &feverForm{Action: base + "/fever", Threshold: feverText(p.FeverThreshold),
			Min: feverText(campusguard.MinFeverThreshold), Max: feverText(campusguard.MaxFeverThreshold),
			Default: feverText(campusguard.DefaultFeverThreshold)},
		Retention: &retentionForm{Action: base + "/retention", Checks: strconv.Itoa(p.Retention.Checks),
			FollowUps: strconv.Itoa(p.Retention.FollowUps), Cases: strconv.Itoa(p.Retention.Cases),
			DefChecks: campusguard.DefaultRetention.Checks, DefFU: campusguard.DefaultRetention.FollowUps,
			DefCases: campusguard.DefaultRetention.Cases},
		Deadlines: &deadlinesForm{Action: base + "/deadlines", ReportBy: p.Deadlines.ReportBy.String(),
			SignOffBy: p.Deadlines.SignOffBy.String()},
		MinDays: campusguard.SchoolYearDays, MaxDays: campusguard.MaxRetentionDays,
	}
}

// policySettings fills the section of the settings page; nil without the
// policy service.
func (s *Server) policySettings(ctx context.Context, p *settingsPage) error {
	if s.Policy == nil {
		return nil
	}
	pol, err := s.Policy.RegionPolicy(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Policy = newPolicySection(p.Region.ID, pol)
	return nil
}

// policyPost is the shared work of the section's three forms: read the
// page and the form, try the change, and either go back to the page or
// show it again with the form's errors and nothing changed.
func (s *Server) policyPost(w http.ResponseWriter, r *http.Request, anchor string,
	apply func(p *settingsPage) (*formState, error)) error {
	if s.Policy == nil {
		return errNotFound
	}
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if err := s.loadSettings(r.Context(), p); err != nil {
		return err
	}
	if p.Policy == nil {
		return errNotFound
	}
	f, err := apply(p)
	if err == nil {
		return seeOther(w, r, settingsURL(p.Region.ID)+"?saved=1#"+anchor)
	}
	status, ok := formFailed(p.Lang, err, f)
	if !ok {
		return err
	}
	return s.render(w, r, status, "settings", p)
}

// handleFeverSetting handles "POST /orgs/{id}/settings/fever": the region's
// fever threshold, 37.0 to 38.5 °C in tenths.
func (s *Server) handleFeverSetting(w http.ResponseWriter, r *http.Request) error {
	return s.policyPost(w, r, "fever", func(p *settingsPage) (*formState, error) {
		f := p.Policy.Fever
		f.Threshold = strings.TrimSpace(r.PostFormValue("fever_threshold"))
		t, err := strconv.ParseFloat(f.Threshold, 64)
		switch {
		case f.Threshold == "":
			return &f.formState, campusguard.InvalidFields([]campusguard.FieldError{{Field: "fever_threshold", Msg: "error.required"}})
		case err != nil:
			return &f.formState, campusguard.InvalidFields([]campusguard.FieldError{{Field: "fever_threshold", Msg: "error.type_number"}})
		}
		return &f.formState, s.Policy.SetFeverThreshold(r.Context(), p.Region.ID, t)
	})
}

// handleRetentionSetting handles "POST /orgs/{id}/settings/retention": how
// many days the region keeps daily checks, follow-ups and closed cases; a
// period shorter than the school year is refused.
func (s *Server) handleRetentionSetting(w http.ResponseWriter, r *http.Request) error {
	return s.policyPost(w, r, "retention", func(p *settingsPage) (*formState, error) {
		f := p.Policy.Retention
		get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
		f.Checks, f.FollowUps, f.Cases = get("checks_days"), get("followups_days"), get("cases_days")
		var bad []campusguard.FieldError
		days := func(field, v string) int {
			n, err := strconv.Atoi(v)
			if err != nil {
				msg := "error.type_integer"
				if v == "" {
					msg = "error.required"
				}
				bad = append(bad, campusguard.FieldError{Field: field, Msg: msg})
			}
			return min(max(n, -1), 1_000_000) // a huge number cannot wrap into the range
		}
		ret := campusguard.Retention{Checks: days("checks_days", f.Checks), FollowUps: days("followups_days", f.FollowUps),
			Cases: days("cases_days", f.Cases)}
		if len(bad) > 0 {
			return &f.formState, campusguard.InvalidFields(bad)
		}
		return &f.formState, s.Policy.SetRetention(r.Context(), p.Region.ID, ret)
	})
}

// parseDeadlines reads the two times of a deadlines form; a field left
// empty (or "the region's" on a school's form) is not set.
func parseDeadlines(r *http.Request, f *deadlinesForm, school bool) (campusguard.DeadlinesUpdate, []campusguard.FieldError) {
	var u campusguard.DeadlinesUpdate
	var bad []campusguard.FieldError
	f.ReportBy = strings.TrimSpace(r.PostFormValue("report_by"))
	f.SignOffBy = strings.TrimSpace(r.PostFormValue("signoff_by"))
	read := func(field, v string, dst **campusguard.Clock, clear *bool) {
		if v == "" {
			if school {
				*clear = true
			} else {
				bad = append(bad, campusguard.FieldError{Field: field, Msg: "error.required"})
			}
			return
		}
		c, ok := campusguard.ParseClock(v)
		if !ok {
			bad = append(bad, campusguard.FieldError{Field: field, Msg: "error.bad_clock"})
			return
		}
		*dst = &c
	}
	read("report_by", f.ReportBy, &u.ReportBy, &u.ClearReport)
	read("signoff_by", f.SignOffBy, &u.SignOffBy, &u.ClearSignOff)
	return u, bad
}

// handleDeadlineDefaults handles "POST /orgs/{id}/settings/deadlines": the
// region's default report and sign-off deadlines, which its schools follow
// unless they set their own.
func (s *Server) handleDeadlineDefaults(w http.ResponseWriter, r *http.Request) error {
	return s.policyPost(w, r, "deadlines", func(p *settingsPage) (*formState, error) {
		f := p.Policy.Deadlines
		u, bad := parseDeadlines(r, f, false)
		if len(bad) > 0 {
			return &f.formState, campusguard.InvalidFields(bad)
		}
		_, err := s.Policy.SetDeadlines(r.Context(), p.Region.ID, u)
		return &f.formState, err
	})
}

// schoolDeadlinesPage is a school's deadlines, for its admins.
type schoolDeadlinesPage struct {
	basePage
	School *campusguard.Org
	Form   *deadlinesForm
	Notice string
}

// schoolDeadlinesPageFor reads the school of the path and its deadlines,
// and checks that the actor may set them (NotFound out of scope, Forbidden
// for readers).
func (s *Server) schoolDeadlinesPageFor(r *http.Request) (*schoolDeadlinesPage, *campusguard.SchoolDeadlines, error) {
	if s.Policy == nil {
		return nil, nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if o.Kind != campusguard.KindSchool {
		return nil, nil, errNotFound
	}
	p := &schoolDeadlinesPage{basePage: s.base(r, "page.deadlines.title"), School: o}
	if !p.actor.Can(campusguard.WriteOrg, o.Path) {
		return nil, nil, campusguard.Errorf(campusguard.Forbidden, "error.forbidden")
	}
	d, err := s.Policy.SchoolDeadlines(r.Context(), o.ID)
	if err != nil {
		return nil, nil, err
	}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	p.Form = &deadlinesForm{Action: orgURL(o.ID) + "/deadlines", RegionReportBy: d.Region.ReportBy.String(),
		RegionSignOffBy: d.Region.SignOffBy.String(), OwnReport: d.OwnReport, OwnSign: d.OwnSignOff}
	if d.OwnReport {
		p.Form.ReportBy = d.Deadlines.ReportBy.String()
	}
	if d.OwnSignOff {
		p.Form.SignOffBy = d.Deadlines.SignOffBy.String()
	}
	return p, d, nil
}

// handleSchoolDeadlinesForm handles "GET /orgs/{id}/deadlines": a school's
// report and sign-off deadlines, each its own or the region's.
func (s *Server) handleSchoolDeadlinesForm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.schoolDeadlinesPageFor(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" {
		p.Notice = p.T("settings.saved")
	}
	return s.render(w, r, http.StatusOK, "school_deadlines", p)
}

// handleSchoolDeadlines handles "POST /orgs/{id}/deadlines": a time sets
// the school's own deadline, an empty field returns to the region's.
func (s *Server) handleSchoolDeadlines(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.schoolDeadlinesPageFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	u, bad := parseDeadlines(r, p.Form, true)
	if len(bad) > 0 {
		err = campusguard.InvalidFields(bad)
	} else {
		_, err = s.Policy.SetDeadlines(r.Context(), p.School.ID, u)
	}
	if err == nil {
		return seeOther(w, r, orgURL(p.School.ID)+"/deadlines?saved=1")
	}
	status, ok := formFailed(p.Lang, err, &p.Form.formState)
	if !ok {
		return err
	}
	return s.render(w, r, status, "school_deadlines", p)
}

// policyDynamicKeys returns the keys of this part built from domain values:
// the backups' sources, and every key of a person's export.
func policyDynamicKeys() []string {
	keys := []string{"backup.source." + campusguard.BackupScheduled, "backup.source." + campusguard.BackupCommand,
		"notify.backup_failed"}
	seen := map[string]bool{}
	record := func(key string, args ...any) string {
		if !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
		return key
	}
	export.PersonSheets(export.SampleExport(), record)
	return keys
}
