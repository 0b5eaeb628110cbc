// Package web serves the HTML pages: mobile-first forms and desktop views,
// rendered with html/template and htmx, assets embedded.
//
// Every page is a typed struct rendered by one template set (the layout, the
// shared parts and the page), parsed once at start. Handlers return errors;
// guard sends them to serveError, the one place that maps campusguard codes
// to statuses and renders the error page.
//
// Every route (routes.go) needs a signed-in actor, put in the context by
// the authn middleware in front of the pages, except the few marked public:
// signing in, joining with a binding code, the language switch and the
// assets. An anonymous visitor is sent to the login page. Every post must
// carry the session's CSRF token. Access itself is decided by the services,
// which answer NotFound for what the actor may not see and mask what it may
// not read in full; the pages only hide the buttons an actor may not use.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// Config is what the pages need.
type Config struct {
	Orgs   campusguard.OrgService
	Access campusguard.AccessService
	Health campusguard.HealthService
	People campusguard.PersonService
	// Cases opens, moves and lists cases; nil hides the case pages.
	Cases CaseService
	// Inbox, Hooks and Settings serve the inbox and its badge, the
	// webhook admin pages and a region's settings; nil leaves them out.
	Inbox    InboxService
	Hooks    campusguard.WebhookService
	Settings SettingsService
	// Alerts lists and moves early-warning alerts and holds a region's
	// rule settings; nil hides the alert pages.
	Alerts AlertService
	// Calendar keeps a region's school calendar; nil hides it.
	Calendar campusguard.CalendarService
	// Dashboards draws the dashboards and keeps the daily briefings;
	// nil hides them.
	Dashboards campusguard.DashboardService
	// Policy holds a region's fever threshold, retention and deadlines;
	// Transport the bus routes' figures; System the backups and the
	// retention runs for the system administrator; nil hides each.
	Policy    campusguard.PolicyService
	Transport campusguard.TransportService
	Export    campusguard.ExportService
	Quality   campusguard.QualityService // data quality (issue 17); nil: no such pages
	System    SystemInfo
	Jobs      campusguard.JobService // the scheduled jobs' runs; nil hides the page
	// Files and Readiness serve evidence files, reopening readiness,
	// phases and suspensions (issue 11); nil hides them.
	Files     campusguard.FileService
	Readiness campusguard.ReadinessService
	// Supplies keeps the ledgers and the county's picture; nil hides them.
	Supplies campusguard.SupplyService
	// Inspections serves inspections and rectification (issue 12); nil
	// hides them.
	Inspections campusguard.InspectionService
	Directives  campusguard.DirectiveService // the region's directives to schools (issue 12)
	Drills      campusguard.DrillService     // the schools' emergency drills (issue 14); nil hides them
	Training    campusguard.TrainingService  // training sessions and coverage (issue 14); nil hides them
	Logger      *slog.Logger

	// Environment keeps spaces, schedules and the ventilation and
	// disinfection logs (issue 14); nil hides them.
	Environment campusguard.EnvironmentService

	// MaxUpload bounds a roster upload in bytes; 0 means 20 MB.
	MaxUpload int64
	// Location is the time zone times are shown in; nil means China
	// Standard Time (UTC+8), where the schools are.
	Location *time.Location
	// Now is the clock; nil means time.Now. Tests set the hour of the day.
	Now func() time.Time
}

// DefaultMaxUpload is the largest roster file accepted unless
// Config.MaxUpload says otherwise.
const DefaultMaxUpload = 20 << 20

// Server serves the pages.
type Server struct {
	Config
	mux    *http.ServeMux
	pages  map[string]*pageTemplate
	static *staticFiles
}

// New returns the web server. It panics if the embedded templates do not
// parse, which the tests rule out.
func New(c Config) *Server {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = DefaultMaxUpload
	}
	if c.Location == nil {
		c.Location = campusguard.China
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	st, pages, err := loadEmbedded()
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	s := &Server{Config: c, mux: http.NewServeMux(), static: st, pages: pages}
	s.routes()
	return s
}

// ServeHTTP serves a request for a page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// statusError is an error of the HTTP layer itself, such as an id that is
// not a number: a status and a message key, with no domain code.
type statusError struct {
	status int
	key    string
	args   []any
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.status, e.key) }

// errBadID is returned for a path id that is not a positive number.
var errBadID = &statusError{status: http.StatusBadRequest, key: "error.bad_id"}

// errNotFound is returned for a URL that names nothing the server has.
var errNotFound = campusguard.Errorf(campusguard.NotFound, "error.not_found")

// codeStatus maps each campusguard code to an HTTP status.
var codeStatus = map[campusguard.Code]int{
	campusguard.Invalid:         http.StatusUnprocessableEntity,
	campusguard.NotFound:        http.StatusNotFound,
	campusguard.Conflict:        http.StatusConflict,
	campusguard.Unauthenticated: http.StatusUnauthorized,
	campusguard.Forbidden:       http.StatusForbidden,
	campusguard.TooManyRequests: http.StatusTooManyRequests,
	campusguard.Internal:        http.StatusInternalServerError,
}

// errorPage is the page for any error a handler returns.
type errorPage struct {
	basePage
	Status  int
	Heading string // a message key
	Message string // translated, safe to show
	Fields  []fieldLine
}

// fieldLine is one bad field of an Invalid error, translated.
type fieldLine struct {
	Field  string
	Reason string
}

// serveError renders err: a status from its code, and its safe message.
// Internal errors are logged and shown only as "internal error".
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	l := s.lang(r)
	p := &errorPage{basePage: s.base(r, "")}
	var se *statusError
	var ce *campusguard.Error
	switch {
	case errors.As(err, &se):
		p.Status, p.Message = se.status, tr(l, se.key, se.args...)
	case errors.As(err, &ce) && ce.Code == campusguard.Unauthenticated:
		// The session ended while the page was open: sign in again.
		s.toLogin(w, r)
		return
	case errors.As(err, &ce) && ce.Code != campusguard.Internal:
		p.Status = codeStatus[ce.Code]
		if ce.Code == campusguard.TooManyRequests {
			setRetryAfter(w, ce)
		}
		if p.Status == 0 { // a code this table does not know yet
			p.Status = http.StatusInternalServerError
			s.Logger.Error("unmapped error code", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		p.Message = tr(l, ce.Message, ce.Args...)
		if ce.Code == campusguard.NotFound {
			p.Message = tr(l, "error.not_found")
		}
		for _, f := range ce.Fields {
			p.Fields = append(p.Fields, fieldLine{Field: fieldLabel(l, f.Field), Reason: tr(l, f.Msg, f.Args...)})
		}
	default:
		p.Status, p.Message = http.StatusInternalServerError, tr(l, "error.internal")
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p.Heading = statusHeading(p.Status)
	p.Title = tr(l, p.Heading)
	if rerr := s.render(w, r, p.Status, "error", p); rerr != nil {
		s.Logger.Error("render error page", "err", rerr, "cause", err)
		http.Error(w, tr(l, "error.internal"), http.StatusInternalServerError)
	}
}

// statusHeading returns the message key of an error page's heading.
func statusHeading(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "page.error.400"
	case http.StatusUnauthorized:
		return "page.error.401"
	case http.StatusForbidden:
		return "page.error.403"
	case http.StatusNotFound:
		return "page.error.404"
	case http.StatusConflict:
		return "page.error.409"
	case http.StatusRequestEntityTooLarge:
		return "page.error.413"
	case http.StatusUnprocessableEntity:
		return "page.error.422"
	case http.StatusTooManyRequests:
		return "page.error.429"
	}
	return "page.error.500"
}

// setRetryAfter tells a throttled client how many seconds to wait: the
// first argument of the store's TooManyRequests error.
func setRetryAfter(w http.ResponseWriter, ce *campusguard.Error) {
	if len(ce.Args) > 0 {
		if n, ok := ce.Args[0].(int); ok && n > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(n))
		}
	}
}

// lang picks the request's language: the lang cookie when it names a
// supported one, else the Accept-Language header.
func (s *Server) lang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// langCookie names the cookie that holds the chosen language.
const langCookie = "lang"

// isHTMX reports whether r came from htmx and wants only the main block.
// A history restore after a cache miss wants the whole page.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}
