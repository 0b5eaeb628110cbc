package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/importer"
)

// supplyImportPage uploads a stock-take or a delivery note.
type supplyImportPage struct {
	basePage
	Org         *campusguard.Org
	Action      string
	TemplateURL string
	BackURL     string
	Kind        string
	FileName    string
	Failed      bool
	Message     string
	Errors      []importError
}

func (s *Server) supplyImportPage(r *http.Request) (*supplyImportPage, error) {
	if s.Supplies == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	// Reading the stock checks that the actor sees the holder at all.
	if _, err := s.Supplies.Stock(ctx, id, s.today()); err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &supplyImportPage{basePage: s.base(r, "supply.import.title"), Org: o, Action: suppliesURL(id) + "/import",
		TemplateURL: suppliesURL(id) + "/template.xlsx", BackURL: suppliesURL(id), Kind: string(campusguard.InputStockTake)}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: tr(p.Lang, "page.supplies.title"), URL: suppliesURL(id)}, {Name: p.Title}}
	return p, nil
}

// handleSupplyImportNew handles "GET /orgs/{id}/supplies/import".
func (s *Server) handleSupplyImportNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.supplyImportPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "supply_import", p)
}

// handleSupplyImport handles "POST /orgs/{id}/supplies/import": all rows
// or none; each bad row is named with its column, and nothing changes.
func (s *Server) handleSupplyImport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.supplyImportPage(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload+1<<20)
	file, name, err := uploadedFile(r, s.MaxUpload)
	if file != nil {
		defer file.Close()
	}
	var ce *campusguard.Error
	if !(errors.As(err, &ce) && ce.Message == "error.too_large") && !authn.CheckCSRF(r) {
		return errCSRF
	}
	p.Kind = r.FormValue("kind")
	if err == nil {
		p.FileName = name
		var items []*campusguard.SupplyItem
		items, err = s.Supplies.SupplyItems(r.Context(), p.Org.RegionID)
		var rows []importer.SupplyRow
		if err == nil {
			rows, err = importer.ParseSupplies(file, name, campusguard.MovementKind(p.Kind), items)
		}
		if err == nil {
			_, err = s.Supplies.BookMovements(r.Context(), p.Org.ID, importer.Inputs(rows))
			err = importer.BookedRows(err, rows)
		}
	}
	switch code := campusguard.ErrorCode(err); code {
	case "":
		s.Logger.Info("supplies imported", "holder", p.Org.ID, "file", name, "by", campusguard.ActorName(r.Context()))
		return seeOther(w, r, suppliesURL(p.Org.ID)+"?done=imported")
	case campusguard.Invalid, campusguard.Conflict:
		errors.As(err, &ce)
		p.Failed = true
		p.Message = tr(p.Lang, ce.Message, ce.Args...)
		for _, f := range ce.Fields {
			p.Errors = append(p.Errors, importError{Row: f.Row, Column: fieldLabel(p.Lang, supplyColumn(f.Field)),
				Reason: tr(p.Lang, f.Msg, f.Args...)})
		}
		status := codeStatus[code]
		if ce.Message == "error.too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		return s.render(w, r, status, "supply_import", p)
	}
	return err
}

// supplyColumn names a field of an import row as the form's labels do.
func supplyColumn(field string) string {
	if f, ok := supplyFields[field]; ok {
		return f
	}
	if field == "code" {
		return "supply_item"
	}
	return field
}

// handleSupplyTemplate handles "GET /orgs/{id}/supplies/template.xlsx":
// the sheet a clerk fills in down the list of the region's items.
func (s *Server) handleSupplyTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.supplyImportPage(r)
	if err != nil {
		return err
	}
	items, err := s.Supplies.SupplyItems(r.Context(), p.Org.RegionID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := importer.WriteSupplyTemplate(&buf, items); err != nil {
		return err
	}
	return sendXLSX(w, "物资盘点模板.xlsx", buf.Bytes())
}

// handleSupplyExport handles "GET /orgs/{id}/supplies.xlsx": the holder's
// balances and its whole ledger.
func (s *Server) handleSupplyExport(w http.ResponseWriter, r *http.Request) error {
	if s.Supplies == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lines, moves, err := supplyExportData(r, s.Supplies, id, s.today())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := importer.WriteSupplyExport(&buf, lines, moves); err != nil {
		return err
	}
	return sendXLSX(w, "物资台账.xlsx", buf.Bytes())
}

// supplyExportData reads a holder's balances and all its ledger lines.
func supplyExportData(r *http.Request, sv campusguard.SupplyService, id int64, day campusguard.Date) ([]campusguard.StockLine,
	[]*campusguard.Movement, error) {
	lines, err := sv.Stock(r.Context(), id, day)
	if err != nil {
		return nil, nil, err
	}
	var moves []*campusguard.Movement
	for off := 0; ; off += 1000 {
		page, total, err := sv.Movements(r.Context(), campusguard.MovementFilter{HolderID: &id, Offset: off, Limit: 1000})
		if err != nil {
			return nil, nil, err
		}
		moves = append(moves, page...)
		if len(page) == 0 || off+len(page) >= total {
			break
		}
	}
	return lines, moves, nil
}

// sendXLSX answers a workbook as an attachment.
func sendXLSX(w http.ResponseWriter, name string, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(b)
	return err
}
