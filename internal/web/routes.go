package web

import (
	"net/http"
	"strconv"
)

// routes registers every URL the package serves, in one place.
func (s *Server) routes() {
	s.mux.Handle("GET /{$}", s.handle(s.handleHome))
	s.mux.Handle("GET /lang", s.handle(s.handleLang))
	s.mux.Handle("GET /static/{path...}", s.handle(s.handleStatic))

	s.mux.Handle("GET /orgs/{id}", s.handle(s.handleOrgView))
	s.mux.Handle("GET /orgs/{id}/people", s.handle(s.handlePeopleIndex))
	s.mux.Handle("GET /people/{id}", s.handle(s.handlePersonView))

	s.mux.Handle("GET /orgs/{id}/import", s.handle(s.handleImportNew))
	s.mux.Handle("POST /orgs/{id}/import", s.handle(s.handleImportCreate))
	s.mux.Handle("GET /import/template.xlsx", s.handle(s.handleImportTemplate))
	s.mux.Handle("GET /import/template.csv", s.handle(s.handleImportTemplate))

	s.mux.Handle("/", s.handle(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
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
