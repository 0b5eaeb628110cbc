package api

import (
	"bytes"
	"net/http"

	"campusguard/internal/export"
)

// handleDailyReportXLSX handles "GET /api/v1/orgs/{id}/daily-report.xlsx":
// the day's report of a region or school for its superiors.
func (s *Server) handleDailyReportXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.dailyReport(w, r, ".xlsx")
}

// handleDailyReportCSV handles "GET /api/v1/orgs/{id}/daily-report.csv".
func (s *Server) handleDailyReportCSV(w http.ResponseWriter, r *http.Request) error {
	return s.dailyReport(w, r, ".csv")
}

func (s *Server) dailyReport(w http.ResponseWriter, r *http.Request, ext string) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	rep, err := export.Build(r.Context(), s.Orgs, s.Health, id, day)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	contentType := csvType
	if ext == ".xlsx" {
		contentType = xlsxType
		err = export.WriteXLSX(&buf, rep)
	} else {
		err = export.WriteCSV(&buf, rep)
	}
	if err != nil {
		return err
	}
	writeDownload(w, rep.Region+"日报"+day.String()+ext, contentType, buf.Bytes())
	return nil
}
