package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"campusguard"
)

// bindingPage is the printable sheet of a class's binding codes: one slip
// per student to cut out and hand to the family.
type bindingPage struct {
	basePage
	Class     *campusguard.Org
	ClassURL  string
	School    string
	ClassName string // the grade and the class, as far as the reader may see them
	JoinURL   string // the sign-up page's full address, to type from paper
	IssuedAt  string
	Slips     []campusguard.BindingCode
}

// handleBindingCodes handles "POST /orgs/{id}/binding-codes": fresh codes
// for every student of the class, on a page to print. New codes void the
// unused old ones.
func (s *Server) handleBindingCodes(w http.ResponseWriter, r *http.Request) error {
	p, err := s.issueBindingCodes(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "binding", p)
}

// handleBindingCodesXLSX handles "POST /orgs/{id}/binding-codes.xlsx": the
// same fresh codes as a spreadsheet, for schools that send them by message
// or print them their own way.
func (s *Server) handleBindingCodesXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := s.issueBindingCodes(r)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.T("binding.sheet")
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	rows := [][]any{{p.T("binding.col.school"), p.T("binding.col.class"), p.T("person.number"), p.T("person.name"),
		p.T("binding.code"), p.T("binding.col.join")}}
	for _, c := range p.Slips {
		rows = append(rows, []any{p.School, p.ClassName, c.Number, c.Name, c.Code, p.JoinURL})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 24, "B": 16, "C": 12, "D": 12, "E": 16, "F": 36} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", attachment("binding-codes-"+strconv.FormatInt(p.Class.ID, 10)+".xlsx",
		p.School+p.ClassName+p.T("binding.file")+".xlsx"))
	h.Set("Cache-Control", "no-store") // the codes sign a family up
	_, err = w.Write(buf.Bytes())
	return err
}

// issueBindingCodes issues the codes of the class the path names.
func (s *Server) issueBindingCodes(r *http.Request) (*bindingPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindClass)
	if err != nil {
		return nil, err
	}
	codes, err := s.Access.IssueBindingCodes(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &bindingPage{basePage: s.base(r, "page.binding.title"), Class: o, ClassURL: orgURL(o.ID), Slips: codes,
		ClassName: o.Name, JoinURL: siteURL(r) + "/join", IssuedAt: s.Now().In(s.Location).Format("2006-01-02 15:04")}
	for _, a := range anc {
		switch a.Kind {
		case campusguard.KindSchool:
			p.School = a.Name
		case campusguard.KindGrade:
			p.ClassName = a.Name + o.Name
		}
	}
	if len(codes) > 0 { // the store names them even when the reader may not open the school's page
		p.School, p.ClassName = codes[0].School, codes[0].Class
	}
	p.Title = p.T("page.binding.title") + " · " + p.ClassName
	p.Crumbs = append(crumbs(anc, o), crumb{Name: p.T("page.binding.title")})
	p.Crumbs[len(p.Crumbs)-2].URL = orgURL(o.ID)
	p.setBack(orgURL(o.ID))
	return p, nil
}

// handleBindingRevoke handles "POST /people/{id}/binding-codes/revoke": the
// student's unused codes stop working, as when a slip is lost.
func (s *Server) handleBindingRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Access.RevokeBindingCodes(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, personURL(id)+"?revoked=1")
}

// siteURL returns this site's address as the request reached it, for
// links printed on paper.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
