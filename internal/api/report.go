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
	lang, err := downloadLang(r)
	if err != nil {
		return err
	}
	rep, err := export.Build(r.Context(), s.Orgs, s.Health, id, day)
	if err != nil {
		return err
	}
	t := lang.T
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

// downloadLang is the language of a workbook or CSV the caller downloads:
// the lang parameter, for a link that carries its page's language; else
// Accept-Language; else Simplified Chinese. A lang that names no language
// of the product is refused, naming the field, as the document says.
func downloadLang(r *http.Request) (i18n.Lang, error) {
	q := newQuery(r)
	code, ok := q.get("lang")
	if !ok || code == "" {
		return i18n.Match(r.Header.Get("Accept-Language")), nil
	}
	l, ok := i18n.Parse(code)
	if !ok {
		q.fail("lang", "error.bad_choice")
	}
	return l, q.err()
}
