package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/xuri/excelize/v2"
)

// TestDailyReport opens the exported workbook and checks its numbers
// against the roll-ups, on both databases.
func TestDailyReport(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := sqlstoretest.Ctx
		tr := sqlstoretest.MustTree(t, s)
		day, _ := campusguard.ParseDate("2026-11-30")
		var ids []int64
		for i, class := range []*campusguard.Org{tr.Class1, tr.Class1, tr.Class2, tr.OtherClass} {
			sch := tr.School
			if class == tr.OtherClass {
				sch = tr.Other
			}
			p := &campusguard.Person{SchoolID: sch.ID, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprint("E", i), ClassID: &class.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		if err := s.OpenDay(ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		temps := []float64{36.5, 38.2, 36.7}
		for i, tt := range temps {
			c := &campusguard.Check{PersonID: ids[i], Day: day, Kind: campusguard.HomeCheck, Temperature: &tt, ClientKey: fmt.Sprint("x", i)}
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SignOffDay(ctx, tr.Other.ID, day, "零报告"); err != nil {
			t.Fatal(err)
		}
		rep := mustReport(t, s, tr.County.ID, day)
		var xlsx bytes.Buffer
		if err := export.WriteXLSX(&xlsx, rep, hans); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&xlsx)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); strings.Join(got, ",") != "汇总,小学,初中" {
			t.Errorf("sheets = %v, want 汇总,小学,初中", got)
		}
		rows, _ := f.GetRows("小学")
		want := map[string]int{"应到": 3, "已报": 3, "未报": 0, "发热": 1, "异常": 1}
		for col, n := range want {
			i := indexOf(rows[0], col)
			if got, _ := strconv.Atoi(rows[1][i]); got != n {
				t.Errorf("小学 %s = %s, want %d", col, rows[1][i], n)
			}
		}
		rows, _ = f.GetRows("初中")
		if rows[1][indexOf(rows[0], "未报")] != "1" || rows[1][indexOf(rows[0], "日报签发")] != "已签发" {
			t.Errorf("初中 line = %v", rows[1])
		}
		sum, _ := f.GetRows("汇总")
		last := sum[len(sum)-1]
		if last[0] != "合计" || last[2] != strconv.Itoa(rep.Total.Expected) || last[3] != strconv.Itoa(rep.Total.Reported) || last[10] != "1" {
			t.Errorf("合计 = %v, want the county's roll-up %+v and 1 signed", last, rep.Total)
		}
		var c bytes.Buffer
		if err := export.WriteCSV(&c, rep, hans); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.String(), "\uFEFF"))).ReadAll()
		if err != nil || len(recs) != 3 || recs[1][0] != "2026-11-30" {
			t.Errorf("csv = %v, %v", recs, err)
		}
	})
}

func mustReport(t *testing.T, s *sqlstore.Store, org int64, day campusguard.Date) *export.Report {
	t.Helper()
	rep, err := export.Build(campusguard.SystemContext(context.Background(), "test"), s, s, org, day)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func indexOf(row []string, s string) int {
	for i, x := range row {
		if x == s {
			return i
		}
	}
	return -1
}
