package api

import (
	"bytes"
	"fmt"
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
		teacher := newStoreClient(t, s).as(t, s, campusguard.ClassTeacher, tr.Class1)
		wantError(t, teacher.get(fmt.Sprintf("/api/v1/orgs/%d/daily-report.xlsx", tr.County.ID)), http.StatusNotFound, campusguard.NotFound)
	})
}
