package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"

	"github.com/xuri/excelize/v2"
)

// TestSupplyPages: the clerk's page on a school day and on a day off:
// book a receipt and issues, a refusal beyond the balance and a bad
// number shown on the form with nothing booked, a stock-take down the
// list; the bureau's picture in tonnes with a shortage ranking, whose
// proposed distribution it confirms in one action; others see nothing.
func TestSupplyPages(t *testing.T) {
	days := map[string]time.Time{
		"school day": time.Date(2026, time.March, 10, 9, 0, 0, 0, campusguard.China), // a Tuesday
		"day off":    time.Date(2026, time.March, 14, 9, 0, 0, 0, campusguard.China), // a Saturday
	}
	for name, now := range days {
		t.Run(name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				s.Now = func() time.Time { return now }
				f := mustFixture(t, s)
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Supplies: s,
					Logger: discardLogger(), Now: func() time.Time { return now }}).URL
				clerk := signIn(t, s, grant(campusguard.HealthOffice, f.school))
				bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
				sp := srv + "/orgs/" + itoa(f.school.ID) + "/supplies"

				p := clerk.get(t, sp)
				if p.status != http.StatusOK || len(p.all(t, testid("supply-row"))) != 10 {
					t.Fatalf("GET supplies = %d with %d rows", p.status, len(p.all(t, testid("supply-row"))))
				}
				items := p.all(t, testid("supply-row"))
				maskID := attr(items[0], "data-item")
				// Three people and no masks: short of everything with a norm.
				if len(p.all(t, testid("supply-low"))) == 0 {
					t.Errorf("an empty school shows nothing low")
				}
				book := func(form url.Values) *page {
					t.Helper()
					return clerk.post(t, sp+"/movements", form)
				}
				if r := book(url.Values{"kind": {"issue"}, "item_id": {maskID}, "quantity": {"1"}, "party": {"食堂"}}); r.status != http.StatusConflict ||
					!strings.Contains(r.text(t, testid("form-message")), "医用外科口罩") {
					t.Errorf("issue beyond stock = %d %q", r.status, r.body[:min(200, len(r.body))])
				}
				if r := book(url.Values{"kind": {"receipt"}, "item_id": {maskID}, "quantity": {"100"}, "party": {"县教育局"},
					"expiry": {"2026-04-01"}}); r.status != http.StatusSeeOther {
					t.Fatalf("receipt = %d", r.status)
				}
				if r := book(url.Values{"kind": {"issue"}, "item_id": {maskID}, "quantity": {"abc"}}); r.status != http.StatusUnprocessableEntity ||
					len(r.all(t, testid("field-error"))) != 1 {
					t.Errorf("bad number = %d", r.status)
				}
				if r := book(url.Values{"kind": {"issue"}, "item_id": {maskID}, "quantity": {"30.5"}, "party": {"班级"}}); r.status != http.StatusSeeOther {
					t.Fatalf("issue = %d", r.status)
				}
				p = clerk.get(t, sp+"?done=booked")
				if got := p.texts(t, testid("supply-balance"))[0]; got != "69.5" {
					t.Errorf("balance = %q, want 69.5", got)
				}
				if got := len(p.all(t, testid("supply-move"))); got != 2 {
					t.Errorf("ledger shows %d lines, want 2", got)
				}
				// A stock-take down the list: one line counted differently.
				take := url.Values{"reason": {"月末盘点"}}
				for _, row := range p.all(t, testid("supply-row")) {
					id := attr(row, "data-item")
					take.Add("item", id)
					take.Set("count_"+id, "0")
				}
				take.Set("count_"+maskID, "68")
				if r := clerk.post(t, sp+"/stocktake", take); r.status != http.StatusSeeOther {
					t.Fatalf("stock-take = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				p = clerk.get(t, sp)
				if got := p.texts(t, testid("supply-balance"))[0]; got != "68" {
					t.Errorf("balance after the stock-take = %q, want 68", got)
				}
				// The bureau's picture: its warehouse stocked, a proposal confirmed.
				wh := srv + "/orgs/" + itoa(f.county.ID) + "/supplies"
				if r := bureau.post(t, wh+"/movements", url.Values{"kind": {"receipt"}, "item_id": {maskID}, "quantity": {"250000"}}); r.status != http.StatusSeeOther {
					t.Fatalf("warehouse receipt = %d", r.status)
				}
				pic := bureau.get(t, wh+"/picture", "Accept-Language: en")
				if pic.status != http.StatusOK || pic.text(t, testid("page-title")) != "Supplies overview" {
					t.Fatalf("picture = %d", pic.status)
				}
				if got := pic.text(t, testid("supply-tonnes")); got != "1.000" {
					t.Errorf("tonnes = %q, want 1.000 (250,068 masks of 4 g)", got)
				}
				lines := pic.all(t, testid("supply-proposal-check"))
				if len(lines) == 0 {
					t.Fatal("no proposed transfer")
				}
				confirm := url.Values{}
				for _, l := range lines {
					confirm.Add("line", attr(l, "value"))
				}
				if r := bureau.post(t, wh+"/transfers", confirm); r.status != http.StatusSeeOther {
					t.Fatalf("confirm = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				p = clerk.get(t, sp)
				if got := p.texts(t, testid("supply-balance"))[0]; got == "68" {
					t.Errorf("the confirmed transfer did not reach the school")
				}
				// Others: the clerk sees no picture, the gate no supplies.
				if r := clerk.get(t, wh+"/picture"); r.status != http.StatusNotFound {
					t.Errorf("clerk's picture = %d, want 404", r.status)
				}
				if r := gate.get(t, sp); r.status != http.StatusNotFound {
					t.Errorf("gate's supplies = %d, want 404", r.status)
				}
				if r := gate.post(t, sp+"/movements", url.Values{"kind": {"issue"}, "item_id": {maskID}, "quantity": {"1"}}); r.status != http.StatusNotFound {
					t.Errorf("gate's issue = %d, want 404", r.status)
				}
			})
		})
	}
}

// TestSupplyImportPage: a delivery note with bad rows is refused with
// each row and column named and nothing booked; the good one books every
// row; the template lists the catalogue; the export is a workbook.
func TestSupplyImportPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Supplies: s, Logger: discardLogger()}).URL
		clerk := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		sp := srv + "/orgs/" + itoa(f.school.ID) + "/supplies"
		if p := clerk.get(t, sp+"/import"); p.status != http.StatusOK {
			t.Fatalf("import form = %d", p.status)
		}
		header := []string{"物资编码", "物资名称", "单位", "数量", "来源/领用方", "批号", "有效期至"}
		bad := sheetFile(t, header,
			[]string{"mask_surgical", "", "个", "500"},
			[]string{"no_such", "", "", "3"},
			[]string{"alcohol_75", "", "升", "两升"},
		)
		p := clerk.postFileKind(t, sp+"/import", "receipt", "到货单.xlsx", bad)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad import = %d", p.status)
		}
		rows := p.texts(t, testid("error-row"))
		if strings.Join(rows, ",") != "3,4" {
			t.Errorf("rows named = %v, want 3,4", rows)
		}
		stock := clerk.get(t, sp)
		if got := stock.texts(t, testid("supply-balance"))[0]; got != "0" {
			t.Errorf("balance after a refused import = %q", got)
		}
		good := sheetFile(t, header,
			[]string{"mask_surgical", "", "个", "500", "县教育局", "B7", "2026-12-31"},
			[]string{"", "75%酒精", "升", "20.25"},
		)
		if p := clerk.postFile(t, sp+"/import", "到货单.xlsx", good); p.status != http.StatusUnprocessableEntity {
			t.Errorf("import without a kind = %d, want 422", p.status) // the form's kind is required
		}
		p = clerk.postFileKind(t, sp+"/import", "receipt", "到货单.xlsx", good)
		if p.status != http.StatusSeeOther {
			t.Fatalf("good import = %d %s", p.status, p.body[:min(300, len(p.body))])
		}
		stock = clerk.get(t, sp)
		if b := stock.texts(t, testid("supply-balance")); b[0] != "500" || b[3] != "20.25" {
			t.Errorf("balances after the import = %v", b)
		}
		tmpl := clerk.get(t, sp+"/template.xlsx")
		if tmpl.status != http.StatusOK || !strings.Contains(tmpl.header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("template = %d %s", tmpl.status, tmpl.header.Get("Content-Type"))
		}
		exp := clerk.get(t, sp+".xlsx")
		if exp.status != http.StatusOK || !strings.HasPrefix(exp.body, "PK") {
			t.Errorf("export = %d", exp.status)
		}
	})
}

// postFileKind uploads a file with the form's kind field, as b.
func (b *browser) postFileKind(tb testing.TB, u, kind, name string, content []byte) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", b.cookie()[len("Cookie: "):])
	return do(tb, req)
}

// sheetFile writes rows to a workbook's first sheet from row 1.
func sheetFile(tb testing.TB, rows ...[]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(f.GetSheetName(0), cell, &vals); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
