package importer

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"campusguard"

	"github.com/xuri/excelize/v2"
)

// Supplies (issue 13): a stock-take or a delivery note from a workbook,
// and the balances and movements to one.

// supplySheet names the sheet of the template and of the export's
// balances.
const (
	supplySheet   = "物资"
	movementSheet = "台账"
)

// SupplyColumn is a column of the supplies template.
type SupplyColumn struct {
	Key    string // "code"
	Header string // "物资编码"
}

// SupplyColumns are the template's columns, in order. The name is there
// for the clerk's eyes; the code decides the item (the name when the code
// is left out).
var SupplyColumns = []SupplyColumn{
	{"code", "物资编码"}, {"name", "物资名称"}, {"unit", "单位"}, {"quantity", "数量"},
	{"party", "来源/领用方"}, {"batch", "批号"}, {"expiry", "有效期至"}, {"reason", "原因"},
}

// MaxSupplyRows bounds a supplies sheet.
const MaxSupplyRows = 5000

// supplyUnitNames reads a unit written in Chinese as well as its code.
var supplyUnitNames = map[string]campusguard.SupplyUnit{
	"个": campusguard.UnitPiece, "只": campusguard.UnitPiece, "瓶": campusguard.UnitBottle, "升": campusguard.UnitLitre,
	"盒": campusguard.UnitBox, "双": campusguard.UnitPair, "把": campusguard.UnitPiece, "件": campusguard.UnitPiece,
}

// SupplyRow is a parsed row and the sheet row it came from.
type SupplyRow struct {
	Row   int
	Input campusguard.MovementInput
}

// ParseSupplies reads a stock-take (kind InputStockTake: the counted
// quantity of each row's item) or a delivery note (kind Receipt) from an
// .xlsx workbook against a region's catalogue. Rows without a quantity are
// skipped (items not counted). Every bad row is named at once, with its
// column; nothing is returned unless all rows are good.
func ParseSupplies(r io.Reader, filename string, kind campusguard.MovementKind, items []*campusguard.SupplyItem) ([]SupplyRow, error) {
	if !strings.HasSuffix(strings.ToLower(filename), ".xlsx") {
		return nil, fileError("error.file_type")
	}
	src, err := openXLSX(r, filename)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var cells [][]string
	var rows []int
	for {
		c, n, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(cells) > MaxSupplyRows {
			return nil, fileError("error.too_many_rows", MaxSupplyRows)
		}
		cells = append(cells, c)
		rows = append(rows, n)
	}
	return parseSupplyCells(cells, rows, kind, items)
}

// parseSupplyCells turns a sheet's cells (the header first) into inputs.
func parseSupplyCells(cells [][]string, rowNums []int, kind campusguard.MovementKind, items []*campusguard.SupplyItem) ([]SupplyRow, error) {
	if kind != campusguard.InputStockTake && kind != campusguard.Receipt {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "kind", Msg: "error.bad_choice"}})
	}
	if len(cells) == 0 {
		return nil, fileError("error.supply_file_empty")
	}
	col := map[string]int{}
	for j, h := range cells[0] {
		h = clean(h)
		for _, c := range SupplyColumns {
			if h == c.Header || strings.EqualFold(h, c.Key) {
				col[c.Key] = j
			}
		}
	}
	var missing []campusguard.FieldError
	for _, k := range []string{"quantity"} {
		if _, ok := col[k]; !ok {
			missing = append(missing, campusguard.FieldError{Field: k, Row: rowNums[0], Msg: "error.missing_column"})
		}
	}
	_, hasCode := col["code"]
	_, hasName := col["name"]
	if !hasCode && !hasName {
		missing = append(missing, campusguard.FieldError{Field: "code", Row: rowNums[0], Msg: "error.missing_column"})
	}
	if len(missing) > 0 {
		return nil, campusguard.InvalidFields(missing)
	}
	byCode := map[string]*campusguard.SupplyItem{}
	byName := map[string]*campusguard.SupplyItem{}
	for _, it := range items {
		byCode[it.Code] = it
		byName[it.Name] = it
	}
	get := func(cells []string, key string) string {
		j, ok := col[key]
		if !ok || j >= len(cells) {
			return ""
		}
		return clean(cells[j])
	}
	var out []SupplyRow
	var bad []campusguard.FieldError
	for i := 1; i < len(cells); i++ {
		c, n := cells[i], rowNums[i]
		q := get(c, "quantity")
		if q == "" {
			continue // not counted, or an empty line
		}
		fail := func(field, key string, args ...any) {
			bad = append(bad, campusguard.FieldError{Field: field, Row: n, Msg: key, Args: args})
		}
		in := campusguard.MovementInput{Kind: kind, Party: get(c, "party"), Batch: get(c, "batch"), Reason: get(c, "reason")}
		code, name := get(c, "code"), get(c, "name")
		it := byCode[code]
		if code == "" {
			it = byName[name]
		}
		if it == nil {
			fail("code", "error.supply_unknown_item")
		} else {
			in.ItemID = it.ID
			if u := get(c, "unit"); u != "" {
				unit, ok := supplyUnitNames[u]
				if !ok {
					unit = campusguard.SupplyUnit(strings.ToLower(u))
				}
				if unit != it.Unit {
					fail("unit", "error.supply_unit", string(it.Unit))
				}
			}
		}
		v, ok := campusguard.ParseQty(q)
		switch {
		case !ok:
			fail("quantity", "error.type_quantity")
		case v < 0 || (v == 0 && kind != campusguard.InputStockTake):
			fail("quantity", "error.supply_quantity_positive")
		}
		in.Quantity = v
		if e := get(c, "expiry"); e != "" {
			d, ok := sheetDate(e)
			if !ok {
				fail("expiry", "error.type_date")
			}
			in.Expiry = d
		}
		if kind == campusguard.InputStockTake && in.Reason == "" {
			in.Reason = "盘点导入"
		}
		out = append(out, SupplyRow{Row: n, Input: in})
	}
	if len(bad) > 0 {
		return nil, campusguard.InvalidFields(bad)
	}
	if len(out) == 0 {
		return nil, fileError("error.supply_file_empty")
	}
	return out, nil
}

// sheetDate reads a date typed as text (2026-03-01, 2026/3/1) or stored by
// Excel as a serial number.
func sheetDate(s string) (campusguard.Date, bool) {
	if d, err := campusguard.ParseDate(strings.ReplaceAll(s, "/", "-")); err == nil {
		return d, true
	}
	if t, err := time.Parse("2006-1-2", strings.ReplaceAll(s, "/", "-")); err == nil {
		return campusguard.DateOf(t), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 {
		return campusguard.Date{}, false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return campusguard.Date{}, false
	}
	return campusguard.DateOf(t), true
}

// BookedRows maps the rows of an error from BookMovements (1-based
// positions in the inputs) back to the sheet's rows.
func BookedRows(err error, rows []SupplyRow) error {
	var e *campusguard.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Fields = make([]campusguard.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Row >= 1 && f.Row <= len(rows) {
			f.Row = rows[f.Row-1].Row
		}
		c.Fields[i] = f
	}
	return &c
}

// Inputs returns the rows' inputs.
func Inputs(rows []SupplyRow) []campusguard.MovementInput {
	out := make([]campusguard.MovementInput, len(rows))
	for i, r := range rows {
		out[i] = r.Input
	}
	return out
}

// WriteSupplyTemplate writes the template: the header, then one row per
// item of the catalogue with its code, name and unit, the quantity left
// for the clerk to fill in down the list.
func WriteSupplyTemplate(w io.Writer, items []*campusguard.SupplyItem) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), supplySheet); err != nil {
		return fmt.Errorf("supply template: %w", err)
	}
	rows := [][]any{}
	for _, it := range items {
		rows = append(rows, []any{it.Code, it.Name, string(it.Unit), "", "", "", "", ""})
	}
	if err := writeSheet(f, supplySheet, supplyHeader(), rows); err != nil {
		return err
	}
	return f.Write(w)
}

func supplyHeader() []string {
	h := make([]string, len(SupplyColumns))
	for i, c := range SupplyColumns {
		h[i] = c.Header
	}
	return h
}

// writeSheet writes a header and rows to a sheet, the header bold.
func writeSheet(f *excelize.File, sheet string, header []string, rows [][]any) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for j, h := range header {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, bold); err != nil {
			return err
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	return f.SetColWidth(sheet, "A", last, 14)
}

// WriteSupplyExport writes a holder's balances and its ledger. Quantities
// are written as text with their exact decimals.
func WriteSupplyExport(w io.Writer, lines []campusguard.StockLine, moves []*campusguard.Movement) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), supplySheet); err != nil {
		return err
	}
	var rows [][]any
	for _, l := range lines {
		rows = append(rows, []any{l.ItemCode, l.ItemName, string(l.Unit), l.Balance.String(), l.Cover.Days(), l.Need.String()})
	}
	if err := writeSheet(f, supplySheet, []string{"物资编码", "物资名称", "单位", "库存", "可用天数", "补足所需"}, rows); err != nil {
		return err
	}
	if _, err := f.NewSheet(movementSheet); err != nil {
		return err
	}
	rows = rows[:0]
	for _, m := range moves {
		rows = append(rows, []any{m.Day.String(), string(m.Kind), m.ItemName, m.Delta.String(), m.Party, m.Batch,
			m.Expiry.String(), m.Reason, m.CreatedBy})
	}
	if err := writeSheet(f, movementSheet, []string{"日期", "类型", "物资", "变动", "来源/领用方", "批号", "有效期至", "原因", "经办人"}, rows); err != nil {
		return err
	}
	return f.Write(w)
}
