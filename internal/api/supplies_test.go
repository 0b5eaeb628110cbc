package api

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestSupplies: through real HTTP on both databases, a clerk books a
// receipt and issues, is refused beyond the balance and for bad input
// (each field named, nothing changed), may not move stock between
// schools; the bureau reads the picture, and confirms a distribution.
func TestSupplies(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		admin := adminClient(t, s, tr)
		clerk := newStoreClient(t, s).as(t, s, campusguard.HealthOffice, tr.School)
		gate := newStoreClient(t, s).as(t, s, campusguard.GateStaff, tr.School)

		var items struct{ Items []campusguard.SupplyItem }
		r := clerk.get(fmt.Sprintf("/api/v1/orgs/%d/supply-items", tr.County.ID))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &items)
		if len(items.Items) < 9 {
			t.Fatalf("catalogue has %d items", len(items.Items))
		}
		mask := items.Items[0]
		school := fmt.Sprintf("/api/v1/orgs/%d/supply-movements", tr.School.ID)
		wantStatus(t, clerk.send("POST", school, map[string]any{"kind": "receipt", "item_id": mask.ID, "quantity": "100.5",
			"party": "县教育局", "batch": "B1"}), http.StatusCreated)
		wantStatus(t, clerk.send("POST", school, map[string]any{"kind": "issue", "item_id": mask.ID, "quantity": 60, "party": "1班"}),
			http.StatusCreated)
		r = clerk.send("POST", school, map[string]any{"kind": "issue", "item_id": mask.ID, "quantity": "40.501"})
		wantStatus(t, r, http.StatusConflict)
		if e := r.Err(t); len(e.Fields) != 1 || e.Fields[0].Field != "quantity" {
			t.Errorf("over-issue error = %+v", e)
		}
		r = clerk.send("POST", school, map[string]any{"kind": "issue", "item_id": 99999, "quantity": "-1"})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fmt.Sprint(r.Err(t).fieldSet()); got != "[quantity]" {
			t.Errorf("bad issue fields = %s", got) // the quantity is checked before the item is looked up
		}
		wantStatus(t, clerk.send("POST", school, map[string]any{"kind": "issue", "item_id": mask.ID, "quantity": "1e3"}),
			http.StatusBadRequest)
		wantStatus(t, gate.send("POST", school, map[string]any{"kind": "issue", "item_id": mask.ID, "quantity": "1"}),
			http.StatusNotFound)
		wantStatus(t, clerk.send("POST", school, map[string]any{"kind": "transfer", "item_id": mask.ID, "quantity": "1",
			"to_id": tr.Other.ID}), http.StatusForbidden)

		var stock struct{ Items []campusguard.StockLine }
		r = clerk.get(fmt.Sprintf("/api/v1/orgs/%d/supplies", tr.School.ID))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &stock)
		if stock.Items[0].Balance.String() != "40.5" {
			t.Errorf("balance = %s, want 40.5", stock.Items[0].Balance)
		}
		var page struct {
			Items []campusguard.Movement
			Total int
		}
		r = clerk.get(school + "?item_id=" + fmt.Sprint(mask.ID))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &page)
		if page.Total != 2 || page.Items[0].Kind != campusguard.Issue {
			t.Errorf("ledger = %+v", page)
		}

		// The bureau stocks its warehouse and confirms the proposal.
		county := fmt.Sprintf("/api/v1/orgs/%d", tr.County.ID)
		wantStatus(t, admin.send("POST", county+"/supply-movements", map[string]any{"kind": "receipt", "item_id": mask.ID,
			"quantity": "5000"}), http.StatusCreated)
		var pic campusguard.SupplyPicture
		r = admin.get(county + "/supply-picture")
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &pic)
		if pic.Tonnes != "0.020" || len(pic.Schools) != 2 {
			t.Errorf("picture: %s t, %d schools", pic.Tonnes, len(pic.Schools))
		}
		wantStatus(t, clerk.get(county+"/supply-picture"), http.StatusNotFound)
		line := []campusguard.TransferLine{{FromID: tr.County.ID, ToID: tr.School.ID, ItemID: mask.ID, Quantity: campusguard.Units(100)}}
		wantStatus(t, admin.send("POST", county+"/supply-transfers", map[string]any{"lines": line}), http.StatusCreated)
		r = clerk.get(fmt.Sprintf("/api/v1/orgs/%d/supplies", tr.School.ID))
		r.JSON(t, &stock)
		if stock.Items[0].Balance.String() != "140.5" {
			t.Errorf("balance after transfer = %s, want 140.5", stock.Items[0].Balance)
		}
		var st campusguard.SupplySettings
		r = admin.send("PUT", county+"/supply-settings", map[string]any{"low_days": 5, "target_days": 10})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &st)
		if st.LowDays != 5 {
			t.Errorf("settings = %+v", st)
		}
		wantStatus(t, admin.send("PUT", county+"/supply-settings", map[string]any{"low_days": 20, "target_days": 10}),
			http.StatusUnprocessableEntity)
		wantStatus(t, clerk.send("PUT", county+"/supply-settings", map[string]any{"low_days": 5, "target_days": 10}),
			http.StatusForbidden)
	})
}

// TestSupplyImportAPI: a stock-take sheet with a bad row is refused with
// the sheet row named and nothing booked; the good one books the
// differences; the template and the export are workbooks.
func TestSupplyImportAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		clerk := newStoreClient(t, s).as(t, s, campusguard.HealthOffice, tr.School)
		base := fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID)
		header := []string{"物资编码", "物资名称", "单位", "数量", "原因"}
		bad := xlsxFile(t, [][]string{header, {"mask_surgical", "", "", "30"}, {"gloves", "", "", "3箱"}})
		r := clerk.upload(base+"/supply-import?kind=stocktake", "盘点.xlsx", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fmt.Sprint(r.Err(t).fieldSet()); got != "[3:quantity]" {
			t.Errorf("bad rows = %s, want [3:quantity]", got)
		}
		wantStatus(t, clerk.upload(base+"/supply-import", "盘点.xlsx", bad), http.StatusBadRequest)
		good := xlsxFile(t, [][]string{header, {"mask_surgical", "", "个", "30", "开学盘点"}, {"gloves", "", "", "3"}})
		r = clerk.upload(base+"/supply-import?kind=stocktake", "盘点.xlsx", good)
		wantStatus(t, r, http.StatusCreated)
		var ms struct{ Items []campusguard.Movement }
		r.JSON(t, &ms)
		if len(ms.Items) != 2 || ms.Items[0].Kind != campusguard.Adjustment || ms.Items[0].Delta != campusguard.Units(30) {
			t.Errorf("booked = %+v", ms.Items)
		}
		for _, p := range []string{base + "/supply-template.xlsx", base + "/supplies.xlsx"} {
			r := clerk.get(p)
			wantStatus(t, r, http.StatusOK)
			if !bytes.HasPrefix(r.Body, []byte("PK")) {
				t.Errorf("%s is not a workbook", p)
			}
		}
	})
}
