package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// Issue 19: the alert list by what matters. Every alert shows its
// severity; the list is one alert per group (the same statistical signal
// at a school, its town and its county), open first, then by severity,
// then newest; the one-day blips are left out of the default list behind
// a link that says how many.

func severityKey(s campusguard.Severity) string       { return "alert.severity." + string(s) }
func sensitivityKey(s campusguard.Sensitivity) string { return "alert.sensitivity." + string(s) }

// severityDynamicKeys returns the keys built from severities and
// sensitivities.
func severityDynamicKeys() []string {
	var keys []string
	for _, s := range campusguard.Severities {
		keys = append(keys, severityKey(s))
	}
	for _, s := range campusguard.Sensitivities {
		keys = append(keys, sensitivityKey(s), sensitivityKey(s)+"_hint")
	}
	return keys
}

// alertGroupNode is one node of an alert's group, linked to its alert.
type alertGroupNode struct {
	URL  string
	Name string
}

// alertGroup lists the nodes of the alerts grouped under a.
func alertGroup(a *campusguard.Alert) []alertGroupNode {
	var out []alertGroupNode
	for _, c := range a.Children {
		out = append(out, alertGroupNode{URL: alertURL(c.ID), Name: c.OrgName})
	}
	return out
}

// blipsNote tells how many one-day blips the list leaves out, with the
// link that shows them; Hidden is 0 when none are left out.
type blipsNote struct {
	Hidden  int
	ShowURL string
	HideURL string // set while they are shown
}

// alertSeverityFilter reads the severity and "show=all" of the query into
// f: one alert per group always; with no severity asked for and no
// show=all, the blips are left out and counted.
func (s *Server) alertSeverityFilter(r *http.Request, pg *alertsPage, f *campusguard.AlertFilter) error {
	q := r.URL.Query()
	f.Grouped = true
	sev := campusguard.Severity(q.Get("severity"))
	if !slices.Contains(campusguard.Severities, sev) {
		sev = ""
	}
	pg.Severity = string(sev)
	pg.Severities = []option{{Value: "", Label: pg.T("alert.filter.any_severity"), Selected: sev == ""}}
	for _, x := range campusguard.Severities {
		pg.Severities = append(pg.Severities, option{Value: string(x), Label: pg.T(severityKey(x)), Selected: x == sev})
	}
	if sev != "" {
		f.Severity = &sev
		return nil
	}
	with := func(show bool) string {
		v := url.Values{}
		for k, vals := range q {
			if k != "show" && k != "offset" {
				v[k] = vals
			}
		}
		if show {
			v.Set("show", "all")
		}
		if len(v) == 0 {
			return pg.Action
		}
		return pg.Action + "?" + v.Encode()
	}
	if q.Get("show") == "all" {
		pg.Blips.HideURL = with(false)
		return nil
	}
	f.HideBlips = true
	low := campusguard.SeverityLow
	count := *f
	count.HideBlips, count.Severity, count.Offset, count.Limit = false, &low, 0, 1
	_, hidden, err := s.Alerts.FindAlerts(r.Context(), count)
	if err != nil {
		return err
	}
	pg.Blips = blipsNote{Hidden: hidden, ShowURL: with(true)}
	return nil
}

// alertParent is the alert a grouped alert belongs to, when the reader may
// see it.
type alertParent struct {
	URL  string
	Node string
}

// groupParent returns the head of al's group for the alert page, or nil
// when it has none the reader may see.
func (s *Server) groupParent(ctx context.Context, al *campusguard.Alert) (*alertParent, error) {
	if al.ParentID == nil {
		return nil, nil
	}
	p, _, err := s.Alerts.FindAlert(ctx, *al.ParentID)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &alertParent{URL: alertURL(p.ID), Node: p.OrgName}, nil
}

// ---- A region's sensitivity of the statistics ----

// sensitivityForm is the form of a region's sensitivity, on the settings
// page beside the rules.
type sensitivityForm struct {
	formState
	Action  string
	Choices []sensitivityChoice
}

// sensitivityChoice is one choice with what it does.
type sensitivityChoice struct {
	Value    string
	Label    string
	Hint     string
	Selected bool
}

func newSensitivityForm(l i18n.Lang, regionID int64, current campusguard.Sensitivity) *sensitivityForm {
	f := &sensitivityForm{Action: settingsURL(regionID) + "/sensitivity"}
	for _, s := range campusguard.Sensitivities {
		f.Choices = append(f.Choices, sensitivityChoice{Value: string(s), Label: tr(l, sensitivityKey(s)),
			Hint: tr(l, sensitivityKey(s)+"_hint"), Selected: s == current})
	}
	return f
}

// handleSensitivitySettings handles "POST /orgs/{id}/settings/sensitivity":
// a top-level region's sensitivity of its statistics; a bad choice shows
// the settings again naming the field and changes nothing.
func (s *Server) handleSensitivitySettings(w http.ResponseWriter, r *http.Request) error {
	if s.Alerts == nil {
		return errNotFound
	}
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx := r.Context()
	choice := campusguard.Sensitivity(strings.TrimSpace(r.PostForm.Get("sensitivity")))
	setErr := s.Alerts.SetAlertSensitivity(ctx, p.Region.ID, choice)
	if setErr == nil {
		return seeOther(w, r, settingsURL(p.Region.ID)+"?saved=1#sensitivity")
	}
	if err := s.ruleSettings(ctx, p); err != nil {
		return err
	}
	if p.Rules == nil {
		return setErr
	}
	status, ok := formFailed(p.Lang, setErr, &p.Rules.Sensitivity.formState)
	if !ok {
		return setErr
	}
	within, err := s.Settings.ReportWithin(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Minutes = strconv.Itoa(int(within.Minutes()))
	if err := s.policySettings(ctx, p); err != nil {
		return err
	}
	if err := s.calendarSettings(ctx, p); err != nil {
		return err
	}
	return s.render(w, r, status, "settings", p)
}
