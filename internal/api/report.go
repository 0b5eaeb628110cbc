package api

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"

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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	day := q.date("day")
	if err := q.err(); err != nil {
		return err
	}
	if day == nil {
		d := today()
		day = &d
	}
	rep, err := export.Build(r.Context(), s.Orgs, s.Health, id, *day)
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
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": rep.Region + "日报" + day.String() + ext}))
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	return nil
}
