package api

import (
	"bytes"
	"net/http"
	"strconv"

	"campusguard"
	"campusguard/internal/importer"
)

// supplies returns the supplies service, or a 404 when the program runs
// without one.
func (s *Server) supplies() (campusguard.SupplyService, error) {
	if s.Supplies == nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return s.Supplies, nil
}

// handleSupplyItemIndex handles "GET /api/v1/orgs/{id}/supply-items": a
// top-level region's catalogue.
func (s *Server) handleSupplyItemIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	items, err := sv.SupplyItems(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newItems(items))
}

// handleSupplyItemCreate handles "POST /api/v1/orgs/{id}/supply-items": a
// region admin adds an item to the catalogue.
func (s *Server) handleSupplyItemCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var it campusguard.SupplyItem
	if err := decodeJSON(w, r, &it); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	it.ID, it.RegionID = 0, id
	if err := sv.CreateSupplyItem(r.Context(), &it); err != nil {
		return err
	}
	return created(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10)+"/supply-items", it)
}

// handleSupplyStock handles "GET /api/v1/orgs/{id}/supplies?day=": a
// holder's balances at the end of day (today when left out), with cover.
func (s *Server) handleSupplyStock(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	lines, err := sv.Stock(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, newItems(lines))
}

// handleSupplyMovementIndex handles "GET /api/v1/orgs/{id}/supply-movements":
// a holder's ledger, newest first.
func (s *Server) handleSupplyMovementIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	f := campusguard.MovementFilter{HolderID: &id, ItemID: q.id("item_id"), From: q.date("from"), To: q.date("to")}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	ms, total, err := sv.Movements(r.Context(), f)
	if err != nil {
		return err
	}
	return ok(w, newList(ms, total, p))
}

// handleSupplyMovementCreate handles "POST /api/v1/orgs/{id}/supply-movements":
// books a receipt, an issue, a transfer or a stock-take at the holder.
func (s *Server) handleSupplyMovementCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in campusguard.MovementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	in.HolderID = id
	ms, err := sv.BookMovement(r.Context(), in)
	if err != nil {
		return err
	}
	return created(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10)+"/supply-movements", newItems(ms))
}

// reverseInput is the body of "POST /api/v1/supply-movements/{id}/reverse".
type reverseInput struct {
	Reason string `json:"reason"`
}

// handleSupplyReverse handles "POST /api/v1/supply-movements/{id}/reverse":
// books the counter-movement of a line.
func (s *Server) handleSupplyReverse(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in reverseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	ms, err := sv.ReverseMovement(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	return ok(w, newItems(ms))
}

// handleSupplyPicture handles "GET /api/v1/orgs/{id}/supply-picture?day=":
// a region's totals, tonnes, shortage ranking, expiring batches and the
// proposed distribution from its warehouse.
func (s *Server) handleSupplyPicture(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	p, err := sv.SupplyPicture(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, p)
}

// transfersInput is the body of "POST /api/v1/orgs/{id}/supply-transfers".
type transfersInput struct {
	Lines []campusguard.TransferLine `json:"lines"`
}

// handleSupplyTransfers handles "POST /api/v1/orgs/{id}/supply-transfers":
// books a reviewed distribution, every line or none.
func (s *Server) handleSupplyTransfers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in transfersInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	ms, err := sv.ConfirmTransfers(r.Context(), id, in.Lines)
	if err != nil {
		return err
	}
	return created(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10)+"/supply-movements", newItems(ms))
}

// handleSupplySettingsView handles "GET /api/v1/orgs/{id}/supply-settings".
func (s *Server) handleSupplySettingsView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	st, err := sv.SupplySettings(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, st)
}

// supplySettingsInput is the body of "PUT /api/v1/orgs/{id}/supply-settings".
type supplySettingsInput struct {
	LowDays    int `json:"low_days"`
	TargetDays int `json:"target_days"`
}

// handleSupplySettingsUpdate handles "PUT /api/v1/orgs/{id}/supply-settings".
func (s *Server) handleSupplySettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in supplySettingsInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.supplies()
	if err != nil {
		return err
	}
	if err := sv.SetSupplySettings(r.Context(), campusguard.SupplySettings{RegionID: id, LowDays: in.LowDays,
		TargetDays: in.TargetDays}); err != nil {
		return err
	}
	st, err := sv.SupplySettings(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, st)
}

// supplyHolderOrg returns the holder named by the path, as the actor sees it.
func (s *Server) supplyHolderOrg(r *http.Request) (*campusguard.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sv, err := s.supplies()
	if err != nil {
		return nil, err
	}
	if _, err := sv.Stock(r.Context(), id, today()); err != nil { // NotFound outside the actor's scope
		return nil, err
	}
	return s.Orgs.FindOrgByID(r.Context(), id)
}

// handleSupplyImport handles "POST /api/v1/orgs/{id}/supply-import?kind=":
// a stock-take or a delivery note from .xlsx, all rows or none.
func (s *Server) handleSupplyImport(w http.ResponseWriter, r *http.Request) error {
	o, err := s.supplyHolderOrg(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	kind := choice(q, "kind", []campusguard.MovementKind{campusguard.InputStockTake, campusguard.Receipt})
	if kind == nil && len(q.bad) == 0 {
		q.fail("kind", "error.required")
	}
	if err := q.err(); err != nil {
		return err
	}
	name, data, err := readUpload(w, r, "file")
	if err != nil {
		return err
	}
	items, err := s.Supplies.SupplyItems(r.Context(), o.RegionID)
	if err != nil {
		return err
	}
	rows, err := importer.ParseSupplies(bytes.NewReader(data), name, *kind, items)
	if err != nil {
		return err
	}
	ms, err := s.Supplies.BookMovements(r.Context(), o.ID, importer.Inputs(rows))
	if err != nil {
		return importer.BookedRows(err, rows)
	}
	return created(w, "/api/v1/orgs/"+strconv.FormatInt(o.ID, 10)+"/supply-movements", newItems(ms))
}

// handleSupplyTemplateXLSX handles "GET /api/v1/orgs/{id}/supply-template.xlsx".
func (s *Server) handleSupplyTemplateXLSX(w http.ResponseWriter, r *http.Request) error {
	o, err := s.supplyHolderOrg(r)
	if err != nil {
		return err
	}
	items, err := s.Supplies.SupplyItems(r.Context(), o.RegionID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := importer.WriteSupplyTemplate(&buf, items); err != nil {
		return err
	}
	writeDownload(w, "物资盘点模板.xlsx", xlsxType, buf.Bytes())
	return nil
}

// handleSupplyExportXLSX handles "GET /api/v1/orgs/{id}/supplies.xlsx": the
// holder's balances and its whole ledger.
func (s *Server) handleSupplyExportXLSX(w http.ResponseWriter, r *http.Request) error {
	o, err := s.supplyHolderOrg(r)
	if err != nil {
		return err
	}
	lines, err := s.Supplies.Stock(r.Context(), o.ID, today())
	if err != nil {
		return err
	}
	var moves []*campusguard.Movement
	for off := 0; ; off += 1000 {
		page, total, err := s.Supplies.Movements(r.Context(), campusguard.MovementFilter{HolderID: &o.ID, Offset: off, Limit: 1000})
		if err != nil {
			return err
		}
		moves = append(moves, page...)
		if len(page) == 0 || off+len(page) >= total {
			break
		}
	}
	var buf bytes.Buffer
	if err := importer.WriteSupplyExport(&buf, lines, moves); err != nil {
		return err
	}
	writeDownload(w, "物资台账.xlsx", xlsxType, buf.Bytes())
	return nil
}
