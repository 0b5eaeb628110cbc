package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/xuri/excelize/v2"
)

func TestDailyReportDownload(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "D1", ClassID: &tr.Class1.ID}
		if err := s.CreatePerson(sqlstoretest.Ctx, p); err != nil {
			t.Fatal(err)
		}
		day, _ := campusguard.ParseDate("2026-11-30")
		s.OpenDay(sqlstoretest.Ctx, tr.County.ID, day)
		temp := 38.0
		if _, _, err := s.RecordCheck(sqlstoretest.Ctx, &campusguard.Check{PersonID: p.ID, Day: day, Kind: campusguard.HomeCheck,
			Temperature: &temp, ClientKey: "d1"}); err != nil {
			t.Fatal(err)
		}
		c := adminClient(t, s, tr)
		r := c.get(fmt.Sprintf("/api/v1/orgs/%d/daily-report.xlsx?day=2026-11-30", tr.County.ID))
		wantStatus(t, r, http.StatusOK)
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("小学")
		if len(rows) != 2 || rows[1][1] != "云陵中心小学" || rows[1][6] != "1" {
			t.Errorf("小学 sheet = %v, want the school with 1 fever", rows)
		}
		r = c.get(fmt.Sprintf("/api/v1/orgs/%d/daily-report.csv?day=2026-11-30", tr.County.ID))
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), "云陵中心小学") {
			t.Errorf("csv lacks the school:\n%s", r.Body)
		}
		// The report and its file's name are in the language asked for
		// (lang, else Accept-Language, else Simplified Chinese).
		path := fmt.Sprintf("/api/v1/orgs/%d/daily-report", tr.County.ID)
		for _, c2 := range []struct {
			name, query, accept string
			first, csvHeader    string // the workbook's first sheet, the CSV's first line
			file                string // the file's name after the county's, before the extension
		}{
			{"default", "", "", "汇总", "\uFEFF日期,学段,学校代码,学校,", "日报2026-11-30"},
			{"zh-Hant asked", "&lang=zh-Hant", "en", "匯總", "\uFEFF日期,學段,學校代碼,學校,", "日報2026-11-30"},
			{"en asked", "&lang=en", "zh-CN", "Summary", "\uFEFFDate,School level,School code,School,", " daily report 2026-11-30"},
			{"en accepted", "", "en-GB,en;q=0.8", "Summary", "\uFEFFDate,School level,School code,School,", " daily report 2026-11-30"},
		} {
			t.Run(c2.name, func(t *testing.T) {
				for _, ext := range []string{".xlsx", ".csv"} {
					res := c.do(req{method: "GET", path: path + ext + "?day=2026-11-30" + c2.query, header: map[string]string{"Accept-Language": c2.accept}})
					wantStatus(t, res, http.StatusOK)
					_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
					if want := tr.County.Name + c2.file + ext; err != nil || params["filename"] != want {
						t.Errorf("%s: Content-Disposition = %q (%v), want the file name %q", ext, res.Header.Get("Content-Disposition"), err, want)
					}
					if ext == ".csv" {
						if !strings.HasPrefix(string(res.Body), c2.csvHeader) {
							t.Errorf("csv = %q, want it to start %q", res.Body, c2.csvHeader)
						}
						continue
					}
					f, err := excelize.OpenReader(bytes.NewReader(res.Body))
					if err != nil {
						t.Fatal(err)
					}
					if first := f.GetSheetName(0); first != c2.first {
						t.Errorf("first sheet = %q, want %q", first, c2.first)
					}
					f.Close()
				}
			})
		}
		// A lang the product does not speak is refused, naming the field.
		for _, ext := range []string{".xlsx", ".csv"} {
			res := c.get(path + ext + "?day=2026-11-30&lang=xx")
			wantError(t, res, http.StatusBadRequest, campusguard.Invalid)
			if !strings.Contains(string(res.Body), `"field":"lang"`) {
				t.Errorf("%s with lang=xx: %s, want the field lang named", ext, res.Body)
			}
		}
		teacher := newStoreClient(t, s).as(t, s, campusguard.ClassTeacher, tr.Class1)
		wantError(t, teacher.get(fmt.Sprintf("/api/v1/orgs/%d/daily-report.xlsx", tr.County.ID)), http.StatusNotFound, campusguard.NotFound)
	})
}
