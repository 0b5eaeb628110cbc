package web

import (
	"net/http"

	"campusguard"
	"campusguard/internal/export"
)

// personExportPage is a person's whole file, printable: what a guardian
// who asks receives.
type personExportPage struct {
	basePage
	Person  *campusguard.Person
	Sheets  []export.Sheet
	XLSXURL string
}

// handlePersonExport handles "GET /people/{id}/export": everything held
// about a person as a printable page, with the .xlsx beside it. The store
// lets the person's school admins and health officers only, and audits it.
func (s *Server) handlePersonExport(w http.ResponseWriter, r *http.Request) error {
	if s.Export == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Export.ExportPersonFile(r.Context(), id)
	if err != nil {
		return err
	}
	p := &personExportPage{basePage: s.base(r, "page.export.title"), Person: e.Person,
		XLSXURL: "/api/v1" + personURL(id) + "/export.xlsx"}
	p.Title = p.T("page.export.title") + " · " + e.Person.Name
	p.Crumbs = []crumb{{Name: e.Person.Name, URL: personURL(id)}, {Name: p.T("page.export.title")}}
	p.Sheets = export.PersonSheets(e, func(key string, args ...any) string { return tr(p.Lang, key, args...) })
	return s.render(w, r, http.StatusOK, "person_export", p)
}
