package api

import (
	"bytes"
	"net/http"

	"campusguard/internal/export"
	"campusguard/internal/i18n"
)

// handleDailyReportXLSX handles "GET /api/v1/orgs/{id}/daily-report.xlsx":
// the day's report of a region or school for its superiors. The report and
// its file name are in the language asked for (lang, else Accept-Language,
// else Simplified Chinese), as the briefing's workbook is.
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
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		lang = i18n.Match(r.Header.Get("Accept-Language"))
	}
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var buf bytes.Buffer
	contentType := csvType
	if ext == ".xlsx" {
		contentType = xlsxType
		err = export.WriteXLSX(&buf, rep, t)
	} else {
		err = export.WriteCSV(&buf, rep, t)
	}
	if err != nil {
		return err
	}
	writeDownload(w, t("dailyreport.file", rep.Region, day.String())+ext, contentType, buf.Bytes())
	return nil
}
