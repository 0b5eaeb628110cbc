package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// SettingsService reads and sets a top-level region's settings.
type SettingsService interface {
	// ReportWithin returns the region's time limit for reporting a case.
	ReportWithin(ctx context.Context, regionID int64) (time.Duration, error)
	// SetReportWithin sets it. Invalid (out of 10 min–24 h), NotFound,
	// Forbidden.
	SetReportWithin(ctx context.Context, regionID int64, within time.Duration) error
}

// deliveriesPerPage is the page size of a webhook's delivery log.
const deliveriesPerPage = 50

// webhookFields names a webhook form's fields where the store's names
// ("name", "url") would read as a person's.
var webhookFields = map[string]string{"name": "webhook_name", "url": "webhook_url", "events": "webhook_events",
	"org_id": "webhook_org"}

// eventKeys label the webhook events.
var eventKeys = map[string]string{
	campusguard.EventCaseOpened:  "webhook.event.case_opened",
	campusguard.EventCaseChanged: "webhook.event.case_changed",
	campusguard.EventCaseOverdue: "webhook.event.case_overdue",
	campusguard.EventAlertRaised: "webhook.event.alert_raised",
}

// eventLabel names an event in l; an event this table does not know yet
// shows as it is.
func eventLabel(l i18n.Lang, e string) string {
	if k, ok := eventKeys[e]; ok {
		return tr(l, k)
	}
	return e
}

func webhookURL(id int64) string { return "/admin/webhooks/" + strconv.FormatInt(id, 10) }

// webhookRow is one webhook in the list.
type webhookRow struct {
	ID         int64
	Name       string
	URL        string
	Events     []string // translated
	Org        string
	Created    string
	Active     bool
	LogURL     string
	DisableURL string // "" once disabled
}

// checkbox is one choice of a group of checkboxes.
type checkbox struct {
	Value   string
	Label   string
	Checked bool
}

// webhooksPage lists the webhooks and makes new ones. A new webhook's
// signing secret is shown on the answer to its creation, and never again.
type webhooksPage struct {
	basePage
	formState
	Hooks    []webhookRow
	Name     string
	URL      string
	Events   []checkbox
	Orgs     []option
	Regions  []navLink // the settings of the top-level regions in the choices
	Secret   string
	New      *webhookRow
	Notice   string
	Disabled bool
}

// handleWebhookIndex handles "GET /admin/webhooks".
func (s *Server) handleWebhookIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := s.webhooksPage(r, "", "", nil, "")
	if err != nil {
		return err
	}
	if r.URL.Query().Get("disabled") != "" {
		p.Notice = p.T("webhook.disabled_notice")
	}
	return s.render(w, r, http.StatusOK, "webhooks", p)
}

// webhooksPage builds the list and the form, with a refused post's values
// filled in again. The node defaults to the user's own region or school.
func (s *Server) webhooksPage(r *http.Request, name, u string, events []string, org string) (*webhooksPage, error) {
	if s.Hooks == nil {
		return nil, errNotFound
	}
	if err := needRight(r, campusguard.ManageHooks); err != nil {
		return nil, err
	}
	ctx := r.Context()
	p := &webhooksPage{basePage: s.base(r, "page.webhooks.title"), Name: name, URL: u}
	p.Crumbs = []crumb{{Name: p.Title}}
	p.setBack("/admin/webhooks")
	hooks, err := s.Hooks.FindWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	names := s.orgNames()
	for _, h := range hooks {
		row, err := s.webhookRow(ctx, p.Lang, &p.basePage, names, h)
		if err != nil {
			return nil, err
		}
		p.Hooks = append(p.Hooks, row)
	}
	for _, e := range campusguard.WebhookEvents {
		p.Events = append(p.Events, checkbox{Value: e, Label: eventLabel(p.Lang, e), Checked: slices.Contains(events, e)})
	}
	orgs, err := s.orgChoicesFor(ctx, p.actor, p.Lang, campusguard.ManageHooks)
	if err != nil {
		return nil, err
	}
	if org == "" {
		if paths, _ := p.actor.Scopes(campusguard.ManageHooks); len(paths) > 0 {
			if ids := campusguard.PathIDs(paths[0]); len(ids) > 0 {
				org = strconv.FormatInt(ids[len(ids)-1], 10)
			}
		}
	}
	p.Orgs = append([]option{{Value: "", Label: p.T("admin.org.choose")}}, orgs...)
	for i := range p.Orgs {
		p.Orgs[i].Selected = org != "" && p.Orgs[i].Value == org
	}
	if s.Settings != nil {
		for _, o := range orgs {
			id, _ := strconv.ParseInt(o.Value, 10, 64)
			if on, err := names.org(ctx, id); err == nil && on != nil && on.ParentID == nil && canSetRegion(p.actor, on.Path) {
				p.Regions = append(p.Regions, navLink{Label: on.Name, URL: settingsURL(on.ID)})
			}
		}
	}
	return p, nil
}

func (s *Server) webhookRow(ctx context.Context, l i18n.Lang, b *basePage, names *orgNames, h *campusguard.Webhook) (webhookRow, error) {
	row := webhookRow{ID: h.ID, Name: h.Name, URL: h.URL, Created: b.Time(h.CreatedAt), Active: h.Active, LogURL: webhookURL(h.ID)}
	for _, e := range h.Events {
		row.Events = append(row.Events, eventLabel(l, e))
	}
	var err error
	if row.Org, err = names.name(ctx, &h.OrgID); err != nil {
		return row, err
	}
	if h.Active {
		row.DisableURL = webhookURL(h.ID) + "/disable"
	}
	return row, nil
}

// handleWebhookCreate handles "POST /admin/webhooks". The answer shows the
// signing secret once, with how a receiver checks a signature.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	if s.Hooks == nil {
		return errNotFound
	}
	if err := needRight(r, campusguard.ManageHooks); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &statusError{status: http.StatusBadRequest, key: "error.bad_form"}
	}
	h := &campusguard.Webhook{Name: strings.TrimSpace(r.PostFormValue("name")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Events: r.PostForm["events"]}
	org := strings.TrimSpace(r.PostFormValue("org"))
	var err error
	if org != "" {
		id, perr := strconv.ParseInt(org, 10, 64)
		if perr != nil || id <= 0 {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.bad_id"}})
		}
		h.OrgID = id
	}
	var secret string
	if err == nil {
		secret, err = s.Hooks.CreateWebhook(r.Context(), h)
	}
	if err == nil {
		p, err := s.webhooksPage(r, "", "", nil, "")
		if err != nil {
			return err
		}
		row, err := s.webhookRow(r.Context(), p.Lang, &p.basePage, s.orgNames(), h)
		if err != nil {
			return err
		}
		p.Secret, p.New = secret, &row
		return s.render(w, r, http.StatusCreated, "webhooks", p)
	}
	p, perr := s.webhooksPage(r, h.Name, r.PostFormValue("url"), h.Events, org)
	if perr != nil {
		return perr
	}
	var ce *campusguard.Error
	if errors.As(err, &ce) && ce.Code == campusguard.NotFound && len(ce.Fields) > 0 {
		err = campusguard.InvalidFields(ce.Fields) // a node out of reach: say which field
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, webhookFields)
	if !ok {
		return err
	}
	if p.Bad("org_id") {
		p.formState.bad["org"] = true
	}
	return s.render(w, r, status, "webhooks", p)
}

// handleWebhookDisable handles "POST /admin/webhooks/{id}/disable".
func (s *Server) handleWebhookDisable(w http.ResponseWriter, r *http.Request) error {
	if s.Hooks == nil {
		return errNotFound
	}
	if err := needRight(r, campusguard.ManageHooks); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Hooks.DisableWebhook(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/webhooks?disabled=1")
}

// deliveryRow is one line of a webhook's delivery log.
type deliveryRow struct {
	ID        int64
	Event     string
	Attempts  int
	Status    string // the last HTTP status, "" before any answer
	Error     string
	Delivered string
	Next      string // "" once delivered
	Created   string
}

// webhookPage is one webhook and its delivery log, newest first.
type webhookPage struct {
	basePage
	Hook       webhookRow
	Deliveries []deliveryRow
	Pager      pager
}

// handleWebhookView handles "GET /admin/webhooks/{id}?offset=".
func (s *Server) handleWebhookView(w http.ResponseWriter, r *http.Request) error {
	if s.Hooks == nil {
		return errNotFound
	}
	if err := needRight(r, campusguard.ManageHooks); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	offset := queryOffset(r)
	ds, total, err := s.Hooks.Deliveries(ctx, id, offset, deliveriesPerPage)
	if err != nil {
		return err
	}
	hooks, err := s.Hooks.FindWebhooks(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(hooks, func(h *campusguard.Webhook) bool { return h.ID == id })
	if i < 0 {
		return errNotFound
	}
	p := &webhookPage{basePage: s.base(r, "")}
	if p.Hook, err = s.webhookRow(ctx, p.Lang, &p.basePage, s.orgNames(), hooks[i]); err != nil {
		return err
	}
	p.Title = p.Hook.Name
	p.Crumbs = []crumb{{Name: p.T("page.webhooks.title"), URL: "/admin/webhooks"}, {Name: p.Hook.Name}}
	for _, d := range ds {
		row := deliveryRow{ID: d.ID, Event: eventLabel(p.Lang, d.Event), Attempts: d.Attempts, Error: d.LastError,
			Created: p.Time(d.CreatedAt)}
		if d.LastStatus != 0 {
			row.Status = strconv.Itoa(d.LastStatus)
		}
		if d.DeliveredAt != nil {
			row.Delivered = p.Time(*d.DeliveredAt)
		} else {
			row.Next = p.Time(d.NextAt)
		}
		p.Deliveries = append(p.Deliveries, row)
	}
	p.Pager = newPager(r, offset, deliveriesPerPage, len(ds), total)
	return s.render(w, r, http.StatusOK, "webhook", p)
}

// canSetRegion reports whether the actor may change the settings of the
// top-level region at path, as the store decides.
func canSetRegion(a *campusguard.Actor, path string) bool {
	return a.Can(campusguard.ManageUsers, path) && a.Can(campusguard.WriteOrg, path)
}

func settingsURL(id int64) string { return "/orgs/" + strconv.FormatInt(id, 10) + "/settings" }

// settingsLinks are the user menu's links to the settings of the top-level
// regions the actor administers, from its grants alone: the layout asks
// no query for them. A system administrator finds them on the webhooks
// page instead.
func settingsLinks(l i18n.Lang, a *campusguard.Actor) []navLink {
	var out []navLink
	for _, g := range a.Grants {
		ids := campusguard.PathIDs(g.OrgPath)
		if len(ids) != 1 || !canSetRegion(a, g.OrgPath) {
			continue
		}
		link := navLink{Label: tr(l, "page.region_settings.title"), URL: settingsURL(ids[0])}
		if g.OrgName != "" {
			link.Label += " · " + g.OrgName
		}
		if !slices.Contains(out, link) {
			out = append(out, link)
		}
	}
	return out
}

// settingsPage is a top-level region's settings: the time limit for
// reporting a case.
type settingsPage struct {
	basePage
	formState
	Region  *campusguard.Org
	Minutes string
	Default int // minutes
	Notice  string
	// Rules is the form of the alert rules; nil without alerts.
	Rules *rulesForm
	// Calendar is the region's school calendar, for its region admins;
	// nil for others and without a calendar.
	Calendar *calendarSection
	// Policy is the section of the fever threshold, the retention and the
	// deadlines (policy.go); nil without them.
	Policy *policySection
}

// settingsPageFor reads the region named by the path and checks that the
// actor may change its settings.
func (s *Server) settingsPageFor(r *http.Request) (*settingsPage, error) {
	if s.Settings == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if o.ParentID != nil {
		return nil, errNotFound // only a top-level region has settings
	}
	p := &settingsPage{basePage: s.base(r, "page.region_settings.title"), Region: o, Default: int(campusguard.DefaultReportWithin / time.Minute)}
	if !canSetRegion(p.actor, o.Path) {
		return nil, campusguard.Errorf(campusguard.Forbidden, "error.forbidden")
	}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	p.setBack(settingsURL(o.ID))
	return p, nil
}

// handleSettingsForm handles "GET /orgs/{id}/settings".
func (s *Server) handleSettingsForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	if err := s.loadSettings(r.Context(), p); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" {
		p.Notice = p.T("settings.saved")
	} else {
		p.Notice = calendarNotice(p, r)
	}
	return s.render(w, r, http.StatusOK, "settings", p)
}

// loadSettings fills the settings page with the region's settings as
// stored: the time limit, the rules and the calendar.
func (s *Server) loadSettings(ctx context.Context, p *settingsPage) error {
	within, err := s.Settings.ReportWithin(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Minutes = strconv.Itoa(int(within / time.Minute))
	if err := s.ruleSettings(ctx, p); err != nil {
		return err
	}
	if err := s.policySettings(ctx, p); err != nil {
		return err
	}
	return s.calendarSettings(ctx, p)
}

// handleSettings handles "POST /orgs/{id}/settings": the report time limit
// in whole minutes.
func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	p.Minutes = strings.TrimSpace(r.PostFormValue("report_within_minutes"))
	n, perr := strconv.Atoi(p.Minutes)
	switch {
	case p.Minutes == "":
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "report_within_minutes", Msg: "error.required"}})
	case perr != nil:
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "report_within_minutes", Msg: "error.type_integer"}})
	default:
		// Bounded so that a huge number cannot wrap into the range; the
		// store says what the range is.
		n = min(max(n, -1), 1_000_000)
		err = s.Settings.SetReportWithin(r.Context(), p.Region.ID, time.Duration(n)*time.Minute)
	}
	if err == nil {
		return seeOther(w, r, settingsURL(p.Region.ID)+"?saved=1")
	}
	status, ok := formFailed(p.Lang, err, &p.formState)
	if !ok {
		return err
	}
	if err := s.ruleSettings(r.Context(), p); err != nil {
		return err
	}
	if err := s.policySettings(r.Context(), p); err != nil {
		return err
	}
	if err := s.calendarSettings(r.Context(), p); err != nil {
		return err
	}
	return s.render(w, r, status, "settings", p)
}
