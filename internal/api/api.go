// Package api serves the JSON API under /api/v1, described by the OpenAPI
// document it serves at /api/v1/openapi.json (openapi.yaml, embedded).
//
// Handlers parse the request, call one service method and render the
// result; they return errors, and one function (writeError) renders them.
// Every route needs a signed-in actor (a session cookie, or an API token
// sent as "Authorization: Bearer"), except the few marked public: signing
// in, joining with a binding code, and this document. The services decide
// what the actor may see and do, and mask personal data for them; the API
// adds no masking of its own.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
)

// Config is what the API needs.
type Config struct {
	Orgs   campusguard.OrgService
	Access campusguard.AccessService
	Health campusguard.HealthService
	People campusguard.PersonService
	// Cases, Inbox and Webhooks serve cases and their contacts, the
	// in-app inbox and outgoing webhooks (SPEC §4).
	Cases    CaseService
	Inbox    campusguard.InboxService
	Webhooks campusguard.WebhookService
	// Alerts serves the early warning: alerts, their lifecycle and a
	// region's rule settings (SPEC §10).
	Alerts AlertService
	// Calendar keeps a region's school calendar: its days off and make-up
	// school days.
	Calendar campusguard.CalendarService
	// Dashboards draws the command view's dashboards and keeps the daily
	// briefings (SPEC §9).
	Dashboards campusguard.DashboardService
	// Policy, Transport, Export and System serve a region's settings of
	// issue 16, the bus figures, a person's export and the backups.
	Policy    campusguard.PolicyService
	Transport campusguard.TransportService
	Export    campusguard.ExportService
	System    campusguard.SystemService
	Jobs      campusguard.JobService // the scheduled jobs' runs (issue 15)
	// Files and Readiness serve evidence files, reopening readiness,
	// phases and suspensions (issue 11).
	Files     campusguard.FileService
	Readiness campusguard.ReadinessService
	// Supplies keeps the catalogues, ledgers and cover (issue 13).
	Supplies campusguard.SupplyService
	Logger   *slog.Logger
	Quality  campusguard.QualityService // data quality (issue 17)
	// Inspections serves inspections and rectification (issue 12).
	Inspections campusguard.InspectionService
	// Environment keeps spaces, schedules and logs (issue 14).
	Environment campusguard.EnvironmentService
	// Directives serves the region's directives to schools (issue 12).
	Directives campusguard.DirectiveService
	// Drills serves the schools' emergency drills (issue 14).
	Drills campusguard.DrillService
	// Training serves training sessions and coverage (issue 14).
	Training campusguard.TrainingService
}

// Server serves /api/v1.
type Server struct {
	Config
	mux *http.ServeMux
}

// New returns the API server. It expects the authn middleware in front of
// it to have put the request's actor, if any, in the context.
func New(c Config) *Server {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	s := &Server{Config: c, mux: http.NewServeMux()}
	s.routes()
	return s
}

// route is one URL the API serves.
type route struct {
	method  string
	path    string // a Go 1.22 ServeMux path: "/api/v1/orgs/{id}"
	public  bool   // served without an actor
	handler func(http.ResponseWriter, *http.Request) error
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// routeTable lists every URL the package serves, in one place. The tests
// check that the OpenAPI document describes exactly these, and that every
// route not marked public refuses an anonymous caller.
func (s *Server) routeTable() []route {
	return append([]route{
		{"POST", "/api/v1/login", true, s.handleLogin},
		{"POST", "/api/v1/join", true, s.handleJoin},
		{"POST", "/api/v1/logout", false, s.handleLogout},
		{"GET", "/api/v1/me", false, s.handleMe},
		{"POST", "/api/v1/me/password", false, s.handleChangePassword},

		{"GET", "/api/v1/users", false, s.handleUserIndex},
		{"POST", "/api/v1/users", false, s.handleUserCreate},
		{"GET", "/api/v1/users/{id}", false, s.handleUserView},
		{"POST", "/api/v1/users/{id}/grants", false, s.handleGrantCreate},
		{"POST", "/api/v1/users/{id}/password", false, s.handlePasswordReset},
		{"GET", "/api/v1/tokens", false, s.handleTokenIndex},
		{"POST", "/api/v1/tokens", false, s.handleTokenCreate},
		{"DELETE", "/api/v1/tokens/{id}", false, s.handleTokenRevoke},
		{"GET", "/api/v1/audit", false, s.handleAuditIndex},

		{"GET", "/api/v1/orgs", false, s.handleOrgIndex},
		{"POST", "/api/v1/orgs", false, s.handleOrgCreate},
		{"GET", "/api/v1/orgs/{id}", false, s.handleOrgView},
		{"PATCH", "/api/v1/orgs/{id}", false, s.handleOrgUpdate},
		{"POST", "/api/v1/classes/{id}/binding-codes", false, s.handleBindingCodesIssue},

		{"GET", "/api/v1/schools/{id}/places", false, s.handlePlaceIndex},
		{"POST", "/api/v1/schools/{id}/places", false, s.handlePlaceCreate},
		{"GET", "/api/v1/schools/{id}/bus-routes", false, s.handleBusRouteIndex},
		{"POST", "/api/v1/schools/{id}/bus-routes", false, s.handleBusRouteCreate},
		{"POST", "/api/v1/schools/{id}/roster", false, s.handleRosterImport},

		{"GET", "/api/v1/people", false, s.handlePersonIndex},
		{"POST", "/api/v1/people", false, s.handlePersonCreate},
		{"GET", "/api/v1/people/{id}", false, s.handlePersonView},
		{"PATCH", "/api/v1/people/{id}", false, s.handlePersonUpdate},
		{"GET", "/api/v1/people/{id}/file", false, s.handlePersonFile},
		{"POST", "/api/v1/people/{id}/guardians", false, s.handleGuardianCreate},
		{"POST", "/api/v1/people/{id}/reveal", false, s.handleReveal},
		{"DELETE", "/api/v1/people/{id}/binding-codes", false, s.handleBindingCodesRevoke},

		{"POST", "/api/v1/checks", false, s.handleCheckCreate},
		{"POST", "/api/v1/checks/batch", false, s.handleCheckBatch},
		{"GET", "/api/v1/checks", false, s.handleCheckIndex},
		{"GET", "/api/v1/orgs/{id}/rollups", false, s.handleRollupIndex},
		{"GET", "/api/v1/orgs/{id}/rollups/children", false, s.handleChildRollupIndex},
		{"GET", "/api/v1/orgs/{id}/daily-report.xlsx", false, s.handleDailyReportXLSX},
		{"GET", "/api/v1/orgs/{id}/daily-report.csv", false, s.handleDailyReportCSV},
		{"GET", "/api/v1/followups", false, s.handleFollowUpIndex},
		{"POST", "/api/v1/followups/{id}/complete", false, s.handleFollowUpComplete},
		{"GET", "/api/v1/classes/{id}/missing", false, s.handleMissingReports},
		{"POST", "/api/v1/schools/{id}/signoff", false, s.handleSignOff},
		{"GET", "/api/v1/orgs/{id}/signoffs", false, s.handleSignOffIndex},

		{"GET", "/api/v1/cases", false, s.handleCaseIndex},
		{"POST", "/api/v1/cases", false, s.handleCaseCreate},
		{"GET", "/api/v1/cases/{id}", false, s.handleCaseView},
		{"POST", "/api/v1/cases/{id}/transitions", false, s.handleCaseTransition},
		{"GET", "/api/v1/cases/{id}/contacts", false, s.handleCaseContacts},
		{"GET", "/api/v1/cases/{id}/contacts.xlsx", false, s.handleCaseContactsXLSX},
		{"GET", "/api/v1/orgs/{id}/gate-holds", false, s.handleGateHoldIndex},
		{"GET", "/api/v1/orgs/{id}/settings", false, s.handleSettingsView},
		{"PUT", "/api/v1/orgs/{id}/settings", false, s.handleSettingsUpdate},
		{"GET", "/api/v1/alerts", false, s.handleAlertIndex},
		{"GET", "/api/v1/alerts/{id}", false, s.handleAlertView},
		{"POST", "/api/v1/alerts/{id}/transitions", false, s.handleAlertTransition},
		{"GET", "/api/v1/alerts/{id}/series", false, s.handleAlertSeries},
		{"POST", "/api/v1/orgs/{id}/detect", false, s.handleDetect},
		{"GET", "/api/v1/orgs/{id}/rules", false, s.handleRulesView},
		{"PUT", "/api/v1/orgs/{id}/rules", false, s.handleRulesUpdate},
		{"GET", "/api/v1/orgs/{id}/alert-sensitivity", false, s.handleSensitivityView},
		{"PUT", "/api/v1/orgs/{id}/alert-sensitivity", false, s.handleSensitivityUpdate},
		{"GET", "/api/v1/orgs/{id}/calendar", false, s.handleCalendarIndex},
		{"PUT", "/api/v1/orgs/{id}/calendar/{day}", false, s.handleCalendarSet},
		{"DELETE", "/api/v1/orgs/{id}/calendar/{day}", false, s.handleCalendarDelete},
		{"GET", "/api/v1/orgs/{id}/dashboard", false, s.handleDashboard},
		{"GET", "/api/v1/orgs/{id}/briefings", false, s.handleBriefingIndex},
		{"POST", "/api/v1/orgs/{id}/briefings", false, s.handleBriefingCreate},
		{"GET", "/api/v1/orgs/{id}/briefings/{day}", false, s.handleBriefingView},
		{"GET", "/api/v1/orgs/{id}/briefings/{day}/xlsx", false, s.handleBriefingXLSX},
		{"GET", "/api/v1/inbox", false, s.handleInboxIndex},
		{"POST", "/api/v1/inbox/{id}/read", false, s.handleInboxRead},
		{"POST", "/api/v1/inbox/read-all", false, s.handleInboxReadAll},
		{"GET", "/api/v1/webhooks", false, s.handleWebhookIndex},
		{"POST", "/api/v1/webhooks", false, s.handleWebhookCreate},
		{"POST", "/api/v1/webhooks/{id}/disable", false, s.handleWebhookDisable},
		{"GET", "/api/v1/webhooks/{id}/deliveries", false, s.handleDeliveryIndex},

		{"GET", "/api/v1/orgs/{id}/policy", false, s.handlePolicyView},
		{"PUT", "/api/v1/orgs/{id}/fever-threshold", false, s.handleFeverThresholdUpdate},
		{"PUT", "/api/v1/orgs/{id}/retention", false, s.handleRetentionUpdate},
		{"GET", "/api/v1/orgs/{id}/deadlines", false, s.handleDeadlinesView},
		{"PUT", "/api/v1/orgs/{id}/deadlines", false, s.handleDeadlinesUpdate},
		{"GET", "/api/v1/orgs/{id}/bus-figures", false, s.handleBusFigures},
		{"GET", "/api/v1/people/{id}/export", false, s.handlePersonExport},
		{"GET", "/api/v1/people/{id}/export.xlsx", false, s.handlePersonExportXLSX},
		{"GET", "/api/v1/system/backups", false, s.handleBackupIndex},
		{"GET", "/api/v1/system/jobs", false, s.handleJobIndex},

		{"GET", "/api/v1/orgs/{id}/quality", false, s.handleQualitySummary},
		{"GET", "/api/v1/orgs/{id}/quality-findings", false, s.handleFindingIndex},
		{"POST", "/api/v1/orgs/{id}/quality-run", false, s.handleQualityRun},
		{"GET", "/api/v1/orgs/{id}/quality-settings", false, s.handleQualitySettingsView},
		{"PUT", "/api/v1/orgs/{id}/quality-settings", false, s.handleQualitySettingsUpdate},
		{"POST", "/api/v1/quality-findings/{id}/explain", false, s.handleFindingExplain},

		{"GET", "/api/v1/roster-template.xlsx", false, s.handleRosterTemplateXLSX},
		{"GET", "/api/v1/roster-template.csv", false, s.handleRosterTemplateCSV},
		{"GET", "/api/v1/openapi.json", true, s.handleOpenAPI},

		{"GET", "/api/v1/orgs/{id}/supply-items", false, s.handleSupplyItemIndex},
		{"POST", "/api/v1/orgs/{id}/supply-items", false, s.handleSupplyItemCreate},
		{"GET", "/api/v1/orgs/{id}/supplies", false, s.handleSupplyStock},
		{"GET", "/api/v1/orgs/{id}/supply-movements", false, s.handleSupplyMovementIndex},
		{"POST", "/api/v1/orgs/{id}/supply-movements", false, s.handleSupplyMovementCreate},
		{"POST", "/api/v1/supply-movements/{id}/reverse", false, s.handleSupplyReverse},
		{"GET", "/api/v1/orgs/{id}/supply-picture", false, s.handleSupplyPicture},
		{"POST", "/api/v1/orgs/{id}/supply-transfers", false, s.handleSupplyTransfers},
		{"GET", "/api/v1/orgs/{id}/supply-settings", false, s.handleSupplySettingsView},
		{"PUT", "/api/v1/orgs/{id}/supply-settings", false, s.handleSupplySettingsUpdate},
		{"POST", "/api/v1/orgs/{id}/supply-import", false, s.handleSupplyImport},
		{"GET", "/api/v1/orgs/{id}/supply-template.xlsx", false, s.handleSupplyTemplateXLSX},
		{"GET", "/api/v1/orgs/{id}/supplies.xlsx", false, s.handleSupplyExportXLSX},
	}, append(append(append(append(s.readinessRoutes(), s.inspectionRoutes()...), s.directiveRoutes()...), s.accountabilityRoutes()...),
		append(append(s.drillRoutes(), s.trainingRoutes()...), s.environmentRoutes()...)...)...)
}

// Route is one URL of the API, for checks that walk every route of the
// program: its method, its ServeMux path ("/api/v1/orgs/{id}") and whether
// it is served without an actor.
type Route struct {
	Method  string
	Pattern string
	Public  bool
}

// Routes returns every route the API serves.
func Routes() []Route {
	var out []Route
	for _, rt := range (&Server{}).routeTable() {
		out = append(out, Route{Method: rt.method, Pattern: rt.path, Public: rt.public})
	}
	return out
}

func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		s.mux.Handle(rt.pattern(), s.handle(rt))
	}
}

// guard lets a request reach its handler: anyone for a public route;
// otherwise only a signed-in actor (401), and for a state-changing request
// made with the session cookie, only with the session's CSRF token in the
// X-CSRF-Token header (403). Requests with an API token need no CSRF
// token: a browser never adds the header by itself.
func guard(rt route, r *http.Request) error {
	if rt.public {
		return nil
	}
	if campusguard.ActorFrom(r.Context()) == nil {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return campusguard.Errorf(campusguard.Unauthenticated, "error.token_invalid")
		}
		return campusguard.Errorf(campusguard.Unauthenticated, "error.unauthenticated")
	}
	if !csrfOK(r) {
		return campusguard.Errorf(campusguard.Forbidden, "error.csrf")
	}
	return nil
}

// csrfOK applies authn.CheckCSRF with the header only: the API never
// reads a CSRF token from a form, so that checking it never consumes a
// body (a roster upload) before the handler reads it.
func csrfOK(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if authn.HowAuthenticated(r.Context()) == authn.ViaCookie && r.Header.Get(authn.CSRFHeader) == "" {
		return false
	}
	return authn.CheckCSRF(r)
}

// ServeHTTP serves a request under /api/v1. A path no route matches gets a
// JSON 404, and a known path with another method a JSON 405, so that API
// clients never see the mux's plain-text replies.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h, pattern := s.mux.Handler(r); pattern == "" {
		s.serveUnrouted(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// serveUnrouted asks the mux's own fallback handler whether the path is
// unknown (404) or known under other methods (405, with Allow), and renders
// that as a JSON error.
func (s *Server) serveUnrouted(w http.ResponseWriter, r *http.Request, fallback http.Handler) {
	rec := &statusOnly{header: http.Header{}}
	fallback.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.writeError(w, r, withStatus(http.StatusMethodNotAllowed,
			campusguard.Errorf(campusguard.Invalid, "error.method_not_allowed")))
		return
	}
	s.writeError(w, r, campusguard.Errorf(campusguard.NotFound, "error.not_found"))
}

// statusOnly records the status and headers a handler writes, and drops
// the body.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header { return s.header }

func (s *statusOnly) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}

func (s *statusOnly) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
