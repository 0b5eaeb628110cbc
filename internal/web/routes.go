package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
)

// Route is one URL the pages serve: a method ("" for any), a ServeMux path
// pattern, and whether it is served without signing in.
type Route struct {
	Method  string
	Pattern string
	Public  bool
}

// route is a Route with its handler.
type route struct {
	Route
	h func(*Server, http.ResponseWriter, *http.Request) error
	// ownCSRF marks a handler that parses its body itself (a multipart
	// upload, bounded by its own limit) and then checks the CSRF token.
	ownCSRF bool
}

// routeTable lists every URL the package serves, in one place. Every route
// needs a signed-in actor unless it is marked public; the public ones are
// the sign-in and join pages, the language switch and the assets.
var routeTable = []route{
	// Public: what an anonymous visitor may reach.
	{Route: Route{"GET", "/login", true}, h: (*Server).handleLoginForm},
	{Route: Route{"POST", "/login", true}, h: (*Server).handleLogin},
	{Route: Route{"GET", "/join", true}, h: (*Server).handleJoinForm},
	{Route: Route{"POST", "/join", true}, h: (*Server).handleJoin},
	{Route: Route{"GET", "/lang", true}, h: (*Server).handleLang},
	{Route: Route{"GET", "/static/{path...}", true}, h: (*Server).handleStatic},
	{Route: Route{"GET", "/sw.js", true}, h: (*Server).handleServiceWorker},
	{Route: Route{"GET", "/manifest.webmanifest", true}, h: (*Server).handleManifest},

	// Signed in.
	{Route: Route{"GET", "/{$}", false}, h: (*Server).handleHome},
	{Route: Route{"POST", "/logout", false}, h: (*Server).handleLogout},
	{Route: Route{"GET", "/account/password", false}, h: (*Server).handlePasswordForm},
	{Route: Route{"POST", "/account/password", false}, h: (*Server).handlePasswordChange},

	{Route: Route{"GET", "/orgs/{id}", false}, h: (*Server).handleOrgView},
	{Route: Route{"GET", "/dashboard", false}, h: (*Server).handleDashboardHome},
	{Route: Route{"GET", "/orgs/{id}/dashboard", false}, h: (*Server).handleDashboard},
	{Route: Route{"GET", "/orgs/{id}/briefings", false}, h: (*Server).handleBriefings},
	{Route: Route{"POST", "/orgs/{id}/briefings", false}, h: (*Server).handleBriefingCreate},
	{Route: Route{"GET", "/orgs/{id}/briefings/{day}", false}, h: (*Server).handleBriefingView},
	{Route: Route{"GET", "/orgs/{id}/people", false}, h: (*Server).handlePeopleIndex},
	{Route: Route{"GET", "/orgs/{id}/children", false}, h: (*Server).handleOrgChildForm},
	{Route: Route{"POST", "/orgs/{id}/children", false}, h: (*Server).handleOrgChildCreate},
	{Route: Route{"GET", "/orgs/{id}/edit", false}, h: (*Server).handleOrgEditForm},
	{Route: Route{"POST", "/orgs/{id}/edit", false}, h: (*Server).handleOrgEdit},
	{Route: Route{"GET", "/orgs/{id}/places", false}, h: (*Server).handlePlaceForm},
	{Route: Route{"POST", "/orgs/{id}/places", false}, h: (*Server).handlePlaceCreate},
	{Route: Route{"POST", "/orgs/{id}/bus-routes", false}, h: (*Server).handleRouteCreate},
	{Route: Route{"GET", "/people/{id}", false}, h: (*Server).handlePersonView},
	{Route: Route{"POST", "/people/{id}/reveal", false}, h: (*Server).handlePersonReveal},
	{Route: Route{"POST", "/people/{id}/return-notes", false}, h: (*Server).handleReturnNoteCreate},
	{Route: Route{"GET", "/people/{id}/edit", false}, h: (*Server).handlePersonEditForm},
	{Route: Route{"POST", "/people/{id}/edit", false}, h: (*Server).handlePersonEdit},
	{Route: Route{"POST", "/people/{id}/guardians", false}, h: (*Server).handleGuardianAdd},

	{Route: Route{"GET", "/people/{id}/home-report", false}, h: (*Server).handleHomeReportForm},
	{Route: Route{"POST", "/people/{id}/home-report", false}, h: (*Server).handleHomeReport},
	{Route: Route{"GET", "/orgs/{id}/checks", false}, h: (*Server).handleClassCheckForm},
	{Route: Route{"POST", "/orgs/{id}/checks", false}, h: (*Server).handleClassCheck},
	{Route: Route{"GET", "/orgs/{id}/gate", false}, h: (*Server).handleGateForm},
	{Route: Route{"POST", "/orgs/{id}/gate", false}, h: (*Server).handleGate},
	{Route: Route{"POST", "/orgs/{id}/signoff", false}, h: (*Server).handleSignOff},
	{Route: Route{"GET", "/orgs/{id}/followups", false}, h: (*Server).handleFollowUps},
	{Route: Route{"GET", "/followups/{id}", false}, h: (*Server).handleFollowUpForm},
	{Route: Route{"POST", "/followups/{id}", false}, h: (*Server).handleFollowUp},

	{Route: Route{"GET", "/orgs/{id}/cases", false}, h: (*Server).handleCases},
	{Route: Route{"GET", "/cases/{id}", false}, h: (*Server).handleCaseView},
	{Route: Route{"POST", "/cases/{id}/transitions", false}, h: (*Server).handleCaseMove},
	{Route: Route{"GET", "/people/{id}/cases/new", false}, h: (*Server).handleCaseNew},

	{Route: Route{"GET", "/alerts", false}, h: (*Server).handleAlerts},
	{Route: Route{"GET", "/orgs/{id}/alerts", false}, h: (*Server).handleOrgAlerts},
	{Route: Route{"POST", "/orgs/{id}/detect", false}, h: (*Server).handleDetect},
	{Route: Route{"GET", "/alerts/{id}", false}, h: (*Server).handleAlertView},
	{Route: Route{"POST", "/alerts/{id}/transitions", false}, h: (*Server).handleAlertMove},
	{Route: Route{"POST", "/people/{id}/cases", false}, h: (*Server).handleCaseCreate},

	{Route: Route{"POST", "/orgs/{id}/binding-codes", false}, h: (*Server).handleBindingCodes},
	{Route: Route{"POST", "/orgs/{id}/binding-codes.xlsx", false}, h: (*Server).handleBindingCodesXLSX},
	{Route: Route{"POST", "/people/{id}/binding-codes/revoke", false}, h: (*Server).handleBindingRevoke},

	{Route: Route{"GET", "/orgs/{id}/import", false}, h: (*Server).handleImportNew},
	{Route: Route{"POST", "/orgs/{id}/import", false}, h: (*Server).handleImportCreate, ownCSRF: true},
	{Route: Route{"GET", "/import/template.xlsx", false}, h: (*Server).handleImportTemplate},
	{Route: Route{"GET", "/import/template.csv", false}, h: (*Server).handleImportTemplate},

	{Route: Route{"GET", "/admin/users", false}, h: (*Server).handleUserIndex},
	{Route: Route{"GET", "/admin/users/new", false}, h: (*Server).handleUserNew},
	{Route: Route{"GET", "/admin/pick/orgs", false}, h: (*Server).handlePickOrgs},
	{Route: Route{"GET", "/admin/pick/people", false}, h: (*Server).handlePickPeople},
	{Route: Route{"POST", "/admin/users", false}, h: (*Server).handleUserCreate},
	{Route: Route{"GET", "/admin/users/{id}", false}, h: (*Server).handleUserView},
	{Route: Route{"POST", "/admin/users/{id}/grants", false}, h: (*Server).handleGrantCreate},
	{Route: Route{"POST", "/admin/users/{id}/password", false}, h: (*Server).handlePasswordReset},
	{Route: Route{"GET", "/admin/tokens", false}, h: (*Server).handleTokenIndex},
	{Route: Route{"POST", "/admin/tokens", false}, h: (*Server).handleTokenCreate},
	{Route: Route{"POST", "/admin/tokens/{id}/revoke", false}, h: (*Server).handleTokenRevoke},
	{Route: Route{"GET", "/admin/audit", false}, h: (*Server).handleAudit},
	{Route: Route{"GET", "/admin/webhooks", false}, h: (*Server).handleWebhookIndex},
	{Route: Route{"POST", "/admin/webhooks", false}, h: (*Server).handleWebhookCreate},
	{Route: Route{"GET", "/admin/webhooks/{id}", false}, h: (*Server).handleWebhookView},
	{Route: Route{"POST", "/admin/webhooks/{id}/disable", false}, h: (*Server).handleWebhookDisable},
	{Route: Route{"GET", "/orgs/{id}/settings", false}, h: (*Server).handleSettingsForm},
	{Route: Route{"POST", "/orgs/{id}/settings", false}, h: (*Server).handleSettings},
	{Route: Route{"POST", "/orgs/{id}/settings/rules", false}, h: (*Server).handleRuleSettings},
	{Route: Route{"POST", "/orgs/{id}/settings/sensitivity", false}, h: (*Server).handleSensitivitySettings},
	{Route: Route{"POST", "/orgs/{id}/settings/fever", false}, h: (*Server).handleFeverSetting},
	{Route: Route{"POST", "/orgs/{id}/settings/retention", false}, h: (*Server).handleRetentionSetting},
	{Route: Route{"POST", "/orgs/{id}/settings/deadlines", false}, h: (*Server).handleDeadlineDefaults},
	{Route: Route{"GET", "/orgs/{id}/deadlines", false}, h: (*Server).handleSchoolDeadlinesForm},
	{Route: Route{"POST", "/orgs/{id}/deadlines", false}, h: (*Server).handleSchoolDeadlines},
	{Route: Route{"GET", "/orgs/{id}/buses", false}, h: (*Server).handleBusFigures},
	{Route: Route{"GET", "/people/{id}/export", false}, h: (*Server).handlePersonExport},
	{Route: Route{"GET", "/admin/system", false}, h: (*Server).handleSystem},
	{Route: Route{"GET", "/admin/jobs", false}, h: (*Server).handleJobs},
	{Route: Route{"POST", "/orgs/{id}/calendar", false}, h: (*Server).handleCalendarSet},
	{Route: Route{"POST", "/orgs/{id}/calendar/{day}/delete", false}, h: (*Server).handleCalendarDelete},

	{Route: Route{"GET", "/orgs/{id}/quality", false}, h: (*Server).handleQuality},
	{Route: Route{"POST", "/orgs/{id}/quality/run", false}, h: (*Server).handleQualityRun},
	{Route: Route{"GET", "/orgs/{id}/quality/settings", false}, h: (*Server).handleQualitySettings},
	{Route: Route{"POST", "/orgs/{id}/quality/settings", false}, h: (*Server).handleQualitySettingsSave},
	{Route: Route{"GET", "/quality-findings/{id}", false}, h: (*Server).handleFindingView},
	{Route: Route{"POST", "/quality-findings/{id}/explain", false}, h: (*Server).handleFindingExplain},

	{Route: Route{"GET", "/inbox", false}, h: (*Server).handleInbox},
	{Route: Route{"POST", "/inbox/read-all", false}, h: (*Server).handleInboxReadAll},
	{Route: Route{"POST", "/inbox/{id}/read", false}, h: (*Server).handleInboxRead},

	{Route: Route{"GET", "/orgs/{id}/supplies", false}, h: (*Server).handleSupplies},
	{Route: Route{"POST", "/orgs/{id}/supplies/movements", false}, h: (*Server).handleSupplyBook},
	{Route: Route{"POST", "/orgs/{id}/supplies/stocktake", false}, h: (*Server).handleSupplyStockTake},
	{Route: Route{"POST", "/supply-movements/{id}/reverse", false}, h: (*Server).handleSupplyReverse},
	{Route: Route{"GET", "/orgs/{id}/supplies/picture", false}, h: (*Server).handleSupplyPicture},
	{Route: Route{"POST", "/orgs/{id}/supplies/transfers", false}, h: (*Server).handleSupplyTransfers},
	{Route: Route{"GET", "/orgs/{id}/supplies/import", false}, h: (*Server).handleSupplyImportNew},
	{Route: Route{"POST", "/orgs/{id}/supplies/import", false}, h: (*Server).handleSupplyImport, ownCSRF: true},
	{Route: Route{"GET", "/orgs/{id}/supplies/template.xlsx", false}, h: (*Server).handleSupplyTemplate},
	{Route: Route{"GET", "/orgs/{id}/supplies.xlsx", false}, h: (*Server).handleSupplyExport},

	{Route: Route{"GET", "/orgs/{id}/training", false}, h: (*Server).handleTraining},
	{Route: Route{"GET", "/orgs/{id}/training/new", false}, h: (*Server).handleTrainingNew},
	{Route: Route{"POST", "/orgs/{id}/training", false}, h: (*Server).handleTrainingCreate, ownCSRF: true},
	{Route: Route{"POST", "/orgs/{id}/training/topics", false}, h: (*Server).handleTrainingTopics},
	{Route: Route{"GET", "/training-sessions/{id}", false}, h: (*Server).handleTrainingSession},
	{Route: Route{"POST", "/training-sessions/{id}/attendance", false}, h: (*Server).handleTrainingAttendance},

	// Anything else: not found, once signed in.
	{Route: Route{"", "/", false}, h: func(*Server, http.ResponseWriter, *http.Request) error { return errNotFound }},
}

// Routes returns every URL the pages serve, for tests that walk them.
func Routes() []Route {
	out := make([]Route, len(routeTable))
	for i, rt := range routeTable {
		out[i] = rt.Route
	}
	return out
}

// routes registers every route of the table.
func (s *Server) routes() {
	for _, rt := range routeTable {
		p := rt.Pattern
		if rt.Method != "" {
			p = rt.Method + " " + p
		}
		s.mux.Handle(p, s.guard(rt))
	}
}

// maxFormBody bounds the body of an ordinary form post.
const maxFormBody = 1 << 20

// guard serves a route: an anonymous request for a route that is not
// public goes to the login page; a state-changing request must carry the
// session's CSRF token; any error the handler returns goes to the one
// error renderer.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public && campusguard.ActorFrom(r.Context()) == nil {
			s.toLogin(w, r)
			return
		}
		if !rt.ownCSRF && !safeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if !authn.CheckCSRF(r) {
				s.serveError(w, r, errCSRF)
				return
			}
		}
		if err := rt.h(s, w, r); err != nil {
			s.serveError(w, r, err)
		}
	})
}

// errCSRF refuses a state-changing request without the session's token:
// most often a form left open across a sign-out.
var errCSRF = &statusError{status: http.StatusForbidden, key: "error.csrf"}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// toLogin sends an anonymous visitor to the login page, with the page they
// asked for to come back to. htmx follows HX-Redirect with a full load.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := ""
	if safeMethod(r.Method) {
		next = r.URL.RequestURI()
	}
	if isHTMX(r) {
		if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && u.Path != "" {
			next = u.RequestURI()
		}
	}
	target := loginURL(next)
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loginURL returns the login page's address, coming back to next.
func loginURL(next string) string {
	next = nextPath(next)
	if next == "/" {
		return "/login"
	}
	return "/login?" + url.Values{"next": {next}}.Encode()
}

// nextPath returns where to go after signing in: next when it is a page
// of this site other than the sign-in pages themselves, else "/".
func nextPath(next string) string {
	p := localPath(next)
	path, _, _ := strings.Cut(p, "?")
	if path == "/login" || path == "/logout" || path == "/join" || strings.HasPrefix(path, "/static/") {
		return "/"
	}
	return p
}

// pathID returns the path value name as a positive id, or errBadID.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadID
	}
	return id, nil
}

// seeOther redirects after a request: htmx follows HX-Redirect with a full
// page load, a browser a 303.
func seeOther(w http.ResponseWriter, r *http.Request, url string) error {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// formPost begins a plain form post on the object the path's id names:
// has tells whether the feature's service is configured (404 when not),
// then the id must be valid (errBadID) and the form parse (errBadForm).
func formPost(r *http.Request, has bool) (int64, error) {
	if !has {
		return 0, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if err := r.ParseForm(); err != nil {
		return 0, errBadForm
	}
	return id, nil
}

// renderRefused shows page p again after a refused form post: the
// refusal's field errors on the form f (fields renames the store's field
// names to the form's), with the status formFailedAs gives. A refusal no
// field of the form can show is returned as it is, for the error page.
func (s *Server) renderRefused(w http.ResponseWriter, r *http.Request, err error, l i18n.Lang, f *formState,
	fields map[string]string, page string, p pageData) error {
	status, ok := formFailedAs(l, err, f, fields)
	if !ok {
		return err
	}
	return s.render(w, r, status, page, p)
}
