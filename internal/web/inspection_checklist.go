package web

import (
	"errors"
	"net/http"
	"strings"

	"campusguard"
)

// ---- Issue 12: the region's inspection checklist, edited ----
//
// One row per item (code, section, title), in order, and blank rows to add
// more; a row left blank is dropped. Saving stores a new version (visits
// already planned keep theirs). Its API is GET and PUT
// /api/v1/orgs/{id}/inspection-checklist.

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/inspection-checklist", false}, h: (*Server).handleInspectionChecklist},
		route{Route: Route{"POST", "/orgs/{id}/inspection-checklist", false}, h: (*Server).handleInspectionChecklistSave},
	)
}

// checklistBlankRows is how many empty rows the form offers for new items.
const checklistBlankRows = 3

type checklistPage struct {
	basePage
	formState
	Org            *campusguard.Org
	Version        int
	CanEdit        bool
	Rows           []checklistRow
	SaveURL, Back  string
	Notice         string
	VersionDefault bool // the region has not saved one: the default shows
}

type checklistRow struct {
	N                    int // 1-based
	Code, Section, Title string
	BadCode, BadSection  bool
	BadTitle             bool
}

func (s *Server) checklistPageFor(r *http.Request) (*checklistPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindRegion)
	if err != nil {
		return nil, err
	}
	c, err := s.Inspections.InspectionChecklist(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &checklistPage{basePage: s.base(r, "page.inspection_checklist.title"), Org: o, Version: c.Version,
		VersionDefault: c.ID == 0, SaveURL: orgURL(id) + "/inspection-checklist", Back: orgURL(id) + "/inspections"}
	p.underOrg("page.inspection_checklist.title", o, anc)
	p.CanEdit = campusguard.ActorFrom(ctx).Can(campusguard.Inspect, o.Path)
	for _, it := range c.Items {
		p.Rows = append(p.Rows, checklistRow{Code: it.Code, Section: it.Section, Title: it.Title})
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("inspection.saved")
	}
	return p, nil
}

// numberRows numbers the rows and adds the blank ones.
func (p *checklistPage) numberRows() {
	if p.CanEdit {
		for i := 0; i < checklistBlankRows; i++ {
			p.Rows = append(p.Rows, checklistRow{})
		}
	}
	for i := range p.Rows {
		p.Rows[i].N = i + 1
	}
}

// handleInspectionChecklist handles "GET /orgs/{id}/inspection-checklist".
func (s *Server) handleInspectionChecklist(w http.ResponseWriter, r *http.Request) error {
	p, err := s.checklistPageFor(r)
	if err != nil {
		return err
	}
	p.numberRows()
	return s.render(w, r, http.StatusOK, "inspection_checklist", p)
}

// handleInspectionChecklistSave handles "POST /orgs/{id}/inspection-checklist":
// the rows in order, blank ones dropped.
func (s *Server) handleInspectionChecklistSave(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	f := r.PostForm
	codes, sections, titles := f["code"], f["section"], f["title"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	var items []campusguard.ChecklistItem
	var rows []checklistRow
	for i := 0; i < max(len(codes), len(sections), len(titles)); i++ {
		row := checklistRow{Code: at(codes, i), Section: at(sections, i), Title: at(titles, i)}
		if row.Code == "" && row.Section == "" && row.Title == "" {
			continue
		}
		rows = append(rows, row)
		items = append(items, campusguard.ChecklistItem{Code: row.Code, Section: row.Section, Title: row.Title})
	}
	_, err = s.Inspections.SetInspectionChecklist(r.Context(), id, items)
	var ce *campusguard.Error
	if !errors.As(err, &ce) || ce.Code != campusguard.Invalid {
		if err != nil {
			return err
		}
		return seeOther(w, r, orgURL(id)+"/inspection-checklist?done=1")
	}
	p, perr := s.checklistPageFor(r)
	if perr != nil {
		return perr
	}
	p.Rows = rows
	p.Message = p.T(ce.Message, ce.Args...)
	for _, fe := range ce.Fields {
		line := fieldLine{Field: fieldLabel(p.Lang, fe.Field), Reason: tr(p.Lang, fe.Msg, fe.Args...)}
		if fe.Row > 0 && fe.Row <= len(p.Rows) {
			line.Field = p.T("checklist.row", fe.Row) + " " + line.Field
			row := &p.Rows[fe.Row-1]
			switch fe.Field {
			case "code":
				row.BadCode = true
			case "section":
				row.BadSection = true
			case "title":
				row.BadTitle = true
			}
		}
		p.Errors = append(p.Errors, line)
	}
	p.numberRows()
	return s.render(w, r, http.StatusUnprocessableEntity, "inspection_checklist", p)
}
