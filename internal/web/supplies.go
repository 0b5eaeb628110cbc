package web

import (
	"net/http"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// ---- Supplies (issue 13): a holder's stock for its clerk, the county's
// picture for the bureau ----

func suppliesURL(id int64) string { return orgURL(id) + "/supplies" }

// supplyItemName names an item in l: a standard item by its translation,
// a region's own by the name it was given.
func supplyItemName(l i18n.Lang, code, name string) string {
	if key := "supply.item." + code; i18n.Has(i18n.Hans, key) {
		return tr(l, key)
	}
	return name
}

// supplyDynamicKeys returns the keys the supply pages build from domain
// values.
func supplyDynamicKeys() []string {
	var keys []string
	for _, it := range campusguard.DefaultSupplyItems() {
		keys = append(keys, "supply.item."+it.Code)
	}
	for _, u := range campusguard.SupplyUnits {
		keys = append(keys, "supply.unit."+string(u))
	}
	for _, k := range campusguard.MovementKinds {
		keys = append(keys, "supply.kind."+string(k))
	}
	for _, t := range campusguard.IssueTargets {
		keys = append(keys, "supply.target."+t)
	}
	return keys
}

// supplyRow is one item of a holder's stock.
type supplyRow struct {
	ItemID  int64
	Name    string
	Unit    string
	Balance string
	Cover   string
	Low     bool
	Need    string
	Counted string // the stock-take field: the balance, or what was typed
}

// movementRow is one ledger line.
type movementRow struct {
	Day        string
	Kind       string
	Item       string
	Delta      string
	Party      string
	By         string
	ReverseURL string // "" when it may not be reversed
}

// supplyForm is what the booking forms were given, to show again.
type supplyForm struct {
	State    formState
	Kind     string
	ItemID   int64
	Quantity string
	Party    string
	Batch    string
	Expiry   string
	ToID     int64
	Reason   string
}

// suppliesPage is a holder's stock: for a school's clerk on a phone, the
// items with their balance and days of cover, a form that books an issue
// in a few taps, a receipt, a stock-take down the list, and the ledger;
// for a region, its warehouse.
type suppliesPage struct {
	basePage
	Org       *campusguard.Org
	School    bool
	Day       string
	Rows      []supplyRow
	Items     []option
	Targets   []option
	Schools   []option // a warehouse's transfer destinations
	Moves     []movementRow
	CanBook   bool
	CanManage bool
	Form      supplyForm
	Notice    string
	Action    string // posts a movement
	TakeURL   string // posts a stock-take
	Picture   string // the county's picture, for a region
	ExportURL string
	ImportURL string
	LowCount  int
}

// handleSupplies handles "GET /orgs/{id}/supplies".
func (s *Server) handleSupplies(w http.ResponseWriter, r *http.Request) error {
	p, err := s.suppliesPage(r, supplyForm{Kind: string(campusguard.Issue)})
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "booked":
		p.Notice = p.T("supply.done_booked")
	case "counted":
		p.Notice = p.T("supply.done_counted")
	case "reversed":
		p.Notice = p.T("supply.done_reversed")
	case "imported":
		p.Notice = p.T("supply.done_imported")
	}
	return s.render(w, r, http.StatusOK, "supplies", p)
}

// suppliesPage loads a holder's page with f as its form.
func (s *Server) suppliesPage(r *http.Request, f supplyForm) (*suppliesPage, error) {
	if s.Supplies == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	day := s.today()
	lines, err := s.Supplies.Stock(ctx, id, day)
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a := campusguard.ActorFrom(ctx)
	p := &suppliesPage{basePage: s.base(r, "page.supplies.title"), Org: o, School: o.Kind == campusguard.KindSchool,
		Day: day.String(), Form: f, Action: suppliesURL(id) + "/movements", TakeURL: suppliesURL(id) + "/stocktake",
		ExportURL: suppliesURL(id) + ".xlsx"}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	if p.School {
		p.CanBook = a.Can(campusguard.WriteSupplies, o.Path)
	} else {
		p.CanBook = a.Can(campusguard.ManageSupplies, o.Path)
		p.Picture = suppliesURL(id) + "/picture"
	}
	p.CanManage = a.Can(campusguard.ManageSupplies, o.Path)
	if p.CanBook {
		p.ImportURL = suppliesURL(id) + "/import"
	}
	counted := map[int64]string{}
	if f.Kind == string(campusguard.InputStockTake) {
		for k, v := range r.PostForm {
			if id, ok := strings.CutPrefix(k, "count_"); ok && len(v) > 0 {
				if n, err := strconv.ParseInt(id, 10, 64); err == nil {
					counted[n] = v[0]
				}
			}
		}
	}
	for _, l := range lines {
		name := supplyItemName(p.Lang, l.ItemCode, l.ItemName)
		row := supplyRow{ItemID: l.ItemID, Name: name, Unit: p.T("supply.unit." + string(l.Unit)), Balance: l.Balance.String(),
			Cover: l.Cover.Days(), Low: l.Low, Need: l.Need.String(), Counted: l.Balance.String()}
		if v, ok := counted[l.ItemID]; ok {
			row.Counted = v
		}
		if l.Low {
			p.LowCount++
		}
		p.Rows = append(p.Rows, row)
		p.Items = append(p.Items, option{Value: strconv.FormatInt(l.ItemID, 10), Label: name + " (" + row.Unit + ")",
			Selected: f.ItemID == l.ItemID})
	}
	for _, t := range campusguard.IssueTargets {
		label := p.T("supply.target." + t)
		p.Targets = append(p.Targets, option{Value: label, Label: label, Selected: f.Party == label})
	}
	if !p.School && p.CanManage {
		pic, err := s.Supplies.SupplyPicture(ctx, id, day)
		if err != nil {
			return nil, err
		}
		for _, sc := range pic.Schools {
			p.Schools = append(p.Schools, option{Value: strconv.FormatInt(sc.SchoolID, 10), Label: sc.Name, Selected: f.ToID == sc.SchoolID})
		}
	}
	moves, _, err := s.Supplies.Movements(ctx, campusguard.MovementFilter{HolderID: &id, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, m := range moves {
		row := movementRow{Day: m.Day.String(), Kind: p.T("supply.kind." + string(m.Kind)), Item: m.ItemName, Delta: m.Delta.String(),
			Party: m.Party, By: m.CreatedBy}
		if p.CanBook && m.Kind != campusguard.Reversal {
			row.ReverseURL = "/supply-movements/" + strconv.FormatInt(m.ID, 10) + "/reverse"
		}
		p.Moves = append(p.Moves, row)
	}
	return p, nil
}

// supplyFields names the store's fields as the forms label them.
var supplyFields = map[string]string{"item_id": "supply_item", "quantity": "supply_quantity", "party": "supply_party",
	"expiry": "supply_expiry", "to_id": "supply_to", "reason": "supply_reason", "day": "day", "batch": "supply_batch",
	"unit": "supply_unit"}

// handleSupplyBook handles "POST /orgs/{id}/supplies/movements": an issue,
// a receipt or (at a warehouse) a transfer. A refused one shows the page
// again with the errors and what was typed, and changes nothing.
func (s *Server) handleSupplyBook(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Supplies != nil)
	if err != nil {
		return err
	}
	f := supplyForm{Kind: r.PostForm.Get("kind"), Quantity: strings.TrimSpace(r.PostForm.Get("quantity")),
		Party: strings.TrimSpace(r.PostForm.Get("party")), Batch: strings.TrimSpace(r.PostForm.Get("batch")),
		Expiry: strings.TrimSpace(r.PostForm.Get("expiry")), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	f.ItemID, _ = strconv.ParseInt(r.PostForm.Get("item_id"), 10, 64)
	f.ToID, _ = strconv.ParseInt(r.PostForm.Get("to_id"), 10, 64)
	in := campusguard.MovementInput{Kind: campusguard.MovementKind(f.Kind), HolderID: id, ItemID: f.ItemID, Party: f.Party,
		Batch: f.Batch, Reason: f.Reason, ToID: f.ToID}
	var bad []campusguard.FieldError
	if q, ok := campusguard.ParseQty(f.Quantity); ok {
		in.Quantity = q
	} else {
		bad = append(bad, campusguard.FieldError{Field: "quantity", Msg: "error.type_quantity"})
	}
	if f.Expiry != "" {
		if in.Expiry, err = campusguard.ParseDate(f.Expiry); err != nil {
			bad = append(bad, campusguard.FieldError{Field: "expiry", Msg: "error.type_date"})
		}
	}
	var bookErr error
	if len(bad) > 0 {
		bookErr = campusguard.InvalidFields(bad)
	} else if _, bookErr = s.Supplies.BookMovement(r.Context(), in); bookErr == nil {
		s.Logger.Info("supply booked", "holder", id, "kind", f.Kind, "item", f.ItemID, "by", campusguard.ActorName(r.Context()))
		return seeOther(w, r, suppliesURL(id)+"?done=booked")
	}
	return s.supplyFormFailed(w, r, f, bookErr)
}

// supplyFormFailed shows the page again with a refused form, or returns
// an error that is not the input's.
func (s *Server) supplyFormFailed(w http.ResponseWriter, r *http.Request, f supplyForm, err error) error {
	code := campusguard.ErrorCode(err)
	if code != campusguard.Invalid && code != campusguard.Conflict {
		return err
	}
	p, perr := s.suppliesPage(r, f)
	if perr != nil {
		return perr
	}
	return s.renderRefused(w, r, err, p.Lang, &p.Form.State, supplyFields, "supplies", p)
}

// handleSupplyStockTake handles "POST /orgs/{id}/supplies/stocktake": the
// counted quantity of every item, typed down the list; the differences
// are booked as adjustments with the reason, all or none.
func (s *Server) handleSupplyStockTake(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Supplies != nil)
	if err != nil {
		return err
	}
	f := supplyForm{Kind: string(campusguard.InputStockTake), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	var ins []campusguard.MovementInput
	var bad []campusguard.FieldError
	for _, itemID := range r.PostForm["item"] {
		n, err := strconv.ParseInt(itemID, 10, 64)
		if err != nil {
			return errBadForm
		}
		v := strings.TrimSpace(r.PostForm.Get("count_" + itemID))
		q, ok := campusguard.ParseQty(v)
		if !ok {
			bad = append(bad, campusguard.FieldError{Field: "quantity", Row: len(ins) + 1, Msg: "error.type_quantity"})
		}
		ins = append(ins, campusguard.MovementInput{Kind: campusguard.InputStockTake, ItemID: n, Quantity: q, Reason: f.Reason})
	}
	if len(bad) > 0 {
		return s.supplyFormFailed(w, r, f, campusguard.InvalidFields(bad))
	}
	if _, err := s.Supplies.BookMovements(r.Context(), id, ins); err != nil {
		return s.supplyFormFailed(w, r, f, err)
	}
	return seeOther(w, r, suppliesURL(id)+"?done=counted")
}

// handleSupplyReverse handles "POST /supply-movements/{id}/reverse": the
// counter-movement of a ledger line; back to the holder's page.
func (s *Server) handleSupplyReverse(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Supplies != nil)
	if err != nil {
		return err
	}
	ms, err := s.Supplies.ReverseMovement(r.Context(), id, strings.TrimSpace(r.PostForm.Get("reason")))
	if err != nil {
		return err
	}
	holder := ms[0].HolderID
	for _, m := range ms {
		if m.Delta < 0 { // a transfer's source: where it was booked from
			holder = m.HolderID
		}
	}
	return seeOther(w, r, suppliesURL(holder)+"?done=reversed")
}

// pictureRow is a school in the shortage ranking.
type pictureRow struct {
	Rank     int
	Name     string
	URL      string
	Item     string
	Cover    string
	Low      bool
	LowItems int
}

// pictureItem is one item's county total.
type pictureItem struct {
	Name     string
	Unit     string
	Balance  string
	Weight   string
	Need     string
	Expiring string
}

// proposalRow is one line of the proposed distribution, as the confirm
// form carries it.
type proposalRow struct {
	Value    string // from:to:item:quantity
	To       string
	Item     string
	Quantity string
}

// supplyPicturePage is the county's picture for the bureau's desktop.
type supplyPicturePage struct {
	basePage
	Org        *campusguard.Org
	Day        string
	Tonnes     string
	LowSchools int
	LowDays    int
	TargetDays int
	Items      []pictureItem
	Schools    []pictureRow
	Expiring   []campusguard.ExpiringBatch
	Proposal   []proposalRow
	ConfirmURL string
	StockURL   string
	CanManage  bool
	Notice     string
	formState
}

// handleSupplyPicture handles "GET /orgs/{id}/supplies/picture".
func (s *Server) handleSupplyPicture(w http.ResponseWriter, r *http.Request) error {
	p, err := s.supplyPicturePage(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "confirmed" {
		p.Notice = p.T("supply.done_confirmed")
	}
	return s.render(w, r, http.StatusOK, "supply_picture", p)
}

func (s *Server) supplyPicturePage(r *http.Request) (*supplyPicturePage, error) {
	if s.Supplies == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	day := s.today()
	pic, err := s.Supplies.SupplyPicture(ctx, id, day)
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &supplyPicturePage{basePage: s.base(r, "page.supply_picture.title"), Org: o, Day: day.String(), Tonnes: pic.Tonnes,
		LowSchools: pic.LowSchools, LowDays: pic.Settings.LowDays, TargetDays: pic.Settings.TargetDays, Expiring: pic.Expiring,
		ConfirmURL: suppliesURL(id) + "/transfers", StockURL: suppliesURL(id),
		CanManage: campusguard.ActorFrom(ctx).Can(campusguard.ManageSupplies, o.Path)}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	names := map[int64]string{}
	for _, it := range pic.Items {
		name := supplyItemName(p.Lang, it.ItemCode, it.ItemName)
		names[it.ItemID] = name
		p.Items = append(p.Items, pictureItem{Name: name, Unit: p.T("supply.unit." + string(it.Unit)), Balance: it.Balance.String(),
			Weight: it.WeightKg.String(), Need: it.Need.String(), Expiring: it.Expiring.String()})
	}
	for i, sc := range pic.Schools {
		p.Schools = append(p.Schools, pictureRow{Rank: i + 1, Name: sc.Name, URL: suppliesURL(sc.SchoolID), Item: sc.ItemName,
			Cover: sc.Cover.Days(), Low: sc.Low, LowItems: sc.LowItems})
	}
	for _, l := range pic.Proposal {
		p.Proposal = append(p.Proposal, proposalRow{Value: strings.Join([]string{strconv.FormatInt(l.FromID, 10),
			strconv.FormatInt(l.ToID, 10), strconv.FormatInt(l.ItemID, 10), l.Quantity.String()}, ":"),
			To: l.ToName, Item: names[l.ItemID], Quantity: l.Quantity.String()})
	}
	return p, nil
}

// handleSupplyTransfers handles "POST /orgs/{id}/supplies/transfers": the
// bureau confirms the reviewed distribution (the lines it kept ticked) in
// one action, all lines or none.
func (s *Server) handleSupplyTransfers(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Supplies != nil)
	if err != nil {
		return err
	}
	var lines []campusguard.TransferLine
	for _, v := range r.PostForm["line"] {
		parts := strings.Split(v, ":")
		if len(parts) != 4 {
			return errBadForm
		}
		from, e1 := strconv.ParseInt(parts[0], 10, 64)
		to, e2 := strconv.ParseInt(parts[1], 10, 64)
		item, e3 := strconv.ParseInt(parts[2], 10, 64)
		q, ok := campusguard.ParseQty(parts[3])
		if e1 != nil || e2 != nil || e3 != nil || !ok {
			return errBadForm
		}
		lines = append(lines, campusguard.TransferLine{FromID: from, ToID: to, ItemID: item, Quantity: q})
	}
	_, err = s.Supplies.ConfirmTransfers(r.Context(), id, lines)
	if err == nil {
		s.Logger.Info("supply distribution confirmed", "region", id, "lines", len(lines), "by", campusguard.ActorName(r.Context()))
		return seeOther(w, r, suppliesURL(id)+"/picture?done=confirmed")
	}
	p, perr := s.supplyPicturePage(r)
	if perr != nil {
		return perr
	}
	return s.renderRefused(w, r, err, p.Lang, &p.formState, supplyFields, "supply_picture", p)
}
