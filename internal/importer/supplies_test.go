package importer

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"campusguard"
)

func supplyItems() []*campusguard.SupplyItem {
	var out []*campusguard.SupplyItem
	for i, it := range campusguard.DefaultSupplyItems() {
		it.ID = int64(i + 1)
		out = append(out, &it)
	}
	return out
}

// TestParseSupplies: the template read back after the clerk fills in a
// few quantities; every bad row named with its column; nothing returned
// unless all rows are good.
func TestParseSupplies(t *testing.T) {
	items := supplyItems()
	var tmpl bytes.Buffer
	if err := WriteSupplyTemplate(&tmpl, items); err != nil {
		t.Fatal(err)
	}
	// The template lists every item; fill in two counts.
	rows, err := ParseSupplies(bytes.NewReader(tmpl.Bytes()), "t.xlsx", campusguard.InputStockTake, items)
	if campusguard.ErrorCode(err) != campusguard.Invalid {
		t.Errorf("an empty template = %v rows, %v; want the empty-file error", len(rows), err)
	}
	good := xlsxFile(t, [][]any{
		{"物资编码", "物资名称", "单位", "数量", "来源/领用方", "批号", "有效期至", "原因"},
		{"mask_surgical", "医用外科口罩", "个", "1200", "县教育局", "B1", "2027-01-31", ""},
		{"", "75%酒精", "升", excelNumber("12.5"), "", "", excelNumber("46418"), ""},
		{"thermometer", "", "", "", "", "", "", ""}, // not counted
	})
	rows, err = ParseSupplies(bytes.NewReader(good), "note.xlsx", campusguard.Receipt, items)
	if err != nil {
		t.Fatalf("ParseSupplies(good) = %v", err)
	}
	if len(rows) != 2 || rows[0].Row != 2 || rows[0].Input.Quantity != campusguard.Units(1200) || rows[1].Input.ItemID != 4 ||
		rows[1].Input.Quantity.String() != "12.5" || rows[0].Input.Expiry.String() != "2027-01-31" || rows[1].Input.Expiry.String() != "2027-01-31" {
		t.Errorf("rows = %+v", rows)
	}
	bad := xlsxFile(t, [][]any{
		{"物资编码", "物资名称", "单位", "数量"},
		{"mask_surgical", "", "个", "十"},         // row 2: not a number
		{"no_such", "", "", "1"},                // row 3: unknown item
		{"alcohol_75", "", "瓶", "1"},            // row 4: wrong unit
		{"gloves", "", "", "-2"},                // row 5: negative
		{"face_shield", "", "", "1.0001"},       // row 6: too many decimals
		{"mask_n95", "", "", "3", "", "", "明天"}, // row 7: no expiry column in the header: ignored
	})
	_, err = ParseSupplies(bytes.NewReader(bad), "bad.xlsx", campusguard.Receipt, items)
	var got []string
	for _, f := range campusguard.ErrorFields(err) {
		got = append(got, fmt.Sprintf("%d:%s", f.Row, f.Field))
	}
	want := []string{"2:quantity", "3:code", "4:unit", "5:quantity", "6:quantity"}
	if !slices.Equal(got, want) {
		t.Errorf("bad rows = %v, want %v", got, want)
	}
	if _, err := ParseSupplies(bytes.NewReader(good), "note.csv", campusguard.Receipt, items); campusguard.ErrorCode(err) != campusguard.Invalid {
		t.Errorf("a .csv = %v, want invalid", err)
	}
	noQty := xlsxFile(t, [][]any{{"物资编码", "单位"}, {"gloves", "盒"}})
	if _, err := ParseSupplies(bytes.NewReader(noQty), "x.xlsx", campusguard.Receipt, items); !strings.Contains(fmt.Sprint(err), "quantity") {
		t.Errorf("no quantity column = %v", err)
	}
	// Export: balances and ledger, quantities exact.
	var out bytes.Buffer
	err = WriteSupplyExport(&out, []campusguard.StockLine{{ItemCode: "alcohol_75", ItemName: "75%酒精", Unit: campusguard.UnitLitre,
		Balance: 12500, Cover: campusguard.Cover{Unlimited: true}}}, []*campusguard.Movement{{Kind: campusguard.Receipt, ItemName: "75%酒精", Delta: 12500}})
	if err != nil || out.Len() == 0 {
		t.Errorf("WriteSupplyExport = %v", err)
	}
}

// FuzzParseSupplyCells: whatever the sheet holds, the parser returns rows
// or an Invalid error, never panics, and every returned row is a good one.
func FuzzParseSupplyCells(f *testing.F) {
	f.Add("物资编码\t数量\nmask_surgical\t12.5\ngloves\t-1")
	f.Add("code\tquantity\tunit\texpiry\nalcohol_75\t1\t升\t46418")
	f.Add("物资名称\t数量\n75%酒精\t1e3\n\t\t\t")
	items := supplyItems()
	f.Fuzz(func(t *testing.T, sheet string) {
		var cells [][]string
		var nums []int
		for i, line := range strings.Split(sheet, "\n") {
			cells = append(cells, strings.Split(line, "\t"))
			nums = append(nums, i+1)
		}
		for _, kind := range []campusguard.MovementKind{campusguard.InputStockTake, campusguard.Receipt} {
			rows, err := parseSupplyCells(cells, nums, kind, items)
			if err != nil {
				if campusguard.ErrorCode(err) != campusguard.Invalid {
					t.Fatalf("error %v is not Invalid", err)
				}
				continue
			}
			for _, r := range rows {
				if r.Input.ItemID < 1 || r.Input.ItemID > int64(len(items)) || r.Input.Quantity < 0 ||
					(kind == campusguard.Receipt && r.Input.Quantity == 0) {
					t.Fatalf("row %+v should have been refused", r)
				}
			}
		}
	})
}
