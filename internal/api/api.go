// Package api serves the JSON API under /api/v1, described by the OpenAPI
// document it serves at /api/v1/openapi.json (openapi.yaml, embedded).
//
// Handlers parse the request, call one service method and render the
// result; they return errors, and one function (writeError) renders them.
// Until roles exist, every ID number and phone number of a person or a
// guardian leaves the API masked.
package api

import (
	"log/slog"
	"net/http"

	"campusguard"
)

// Config is what the API needs.
type Config struct {
	Orgs   campusguard.OrgService
	People campusguard.PersonService
	Logger *slog.Logger
}

// Server serves /api/v1.
type Server struct {
	Config
	mux *http.ServeMux
}

// New returns the API server.
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
	pattern string // a Go 1.22 ServeMux pattern: "GET /api/v1/orgs/{id}"
	handler func(http.ResponseWriter, *http.Request) error
}

// routeTable lists every URL the package serves, in one place. The tests
// check that the OpenAPI document describes exactly these.
func (s *Server) routeTable() []route {
	return []route{
		{"GET /api/v1/orgs", s.handleOrgIndex},
		{"POST /api/v1/orgs", s.handleOrgCreate},
		{"GET /api/v1/orgs/{id}", s.handleOrgView},
		{"PATCH /api/v1/orgs/{id}", s.handleOrgUpdate},

		{"GET /api/v1/schools/{id}/places", s.handlePlaceIndex},
		{"POST /api/v1/schools/{id}/places", s.handlePlaceCreate},
		{"GET /api/v1/schools/{id}/bus-routes", s.handleBusRouteIndex},
		{"POST /api/v1/schools/{id}/bus-routes", s.handleBusRouteCreate},
		{"POST /api/v1/schools/{id}/roster", s.handleRosterImport},

		{"GET /api/v1/people", s.handlePersonIndex},
		{"POST /api/v1/people", s.handlePersonCreate},
		{"GET /api/v1/people/{id}", s.handlePersonView},
		{"PATCH /api/v1/people/{id}", s.handlePersonUpdate},
		{"GET /api/v1/people/{id}/file", s.handlePersonFile},
		{"POST /api/v1/people/{id}/guardians", s.handleGuardianCreate},

		{"GET /api/v1/roster-template.xlsx", s.handleRosterTemplateXLSX},
		{"GET /api/v1/roster-template.csv", s.handleRosterTemplateCSV},
		{"GET /api/v1/openapi.json", s.handleOpenAPI},
	}
}

func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		s.mux.Handle(rt.pattern, s.handle(rt.handler))
	}
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
