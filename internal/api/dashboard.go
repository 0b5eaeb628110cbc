package api

import (
	"bytes"
	"fmt"
	"net/http"

	"campusguard"
	"campusguard/internal/export"
)

// shownDashboard returns d ready to render: cases by state as an object,
// never null (empty for readers who may not see cases).
func shownDashboard(d *campusguard.Dashboard) *campusguard.Dashboard {
	if d.CasesByState == nil {
		d.CasesByState = map[campusguard.CaseState]int{}
	}
	if d.Trend == nil {
		d.Trend = []campusguard.Rollup{}
	}
	if d.Schools == nil {
		d.Schools = []*campusguard.SchoolStatus{}
	}
	return d
}

// shownBriefing returns b ready to render: the lists of schools as lists,
// never null. The alerts, overdue cases and cases by state stay null for
// readers who may not see cases, so that "none" and "not yours to see"
// differ.
func shownBriefing(b *campusguard.Briefing) *campusguard.Briefing {
	if b.Unsigned == nil {
		b.Unsigned = []string{}
	}
	if b.Incomplete == nil {
		b.Incomplete = []*campusguard.SchoolStatus{}
	}
	for _, a := range b.NewAlerts {
		shownAlert(a)
	}
	for _, a := range b.OpenAlerts {
		shownAlert(a)
	}
	for _, k := range b.Overdue {
		shownCase(k)
	}
	return b
}

// handleDashboard handles "GET /api/v1/orgs/{id}/dashboard?day=": a
// region's or school's picture of the day (today in China unless given):
// its figures against the school day before, its 30-day trend, every
// school under it with its light, and, for readers of cases, the open
// cases and alerts.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	d, err := s.Dashboards.Dashboard(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, shownDashboard(d))
}

// handleBriefingIndex handles "GET /api/v1/orgs/{id}/briefings": the days
// a top-level region has briefings for, newest first.
func (s *Server) handleBriefingIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	days, err := s.Dashboards.BriefingDays(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newItems(days))
}

// handleBriefingCreate handles "POST /api/v1/orgs/{id}/briefings?day=":
// generates a top-level region's briefing of day (today in China unless
// given) now, replacing one made before. Region admins of the region only.
func (s *Server) handleBriefingCreate(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	b, err := s.Dashboards.GenerateBriefing(r.Context(), id, day)
	if err != nil {
		return err
	}
	return created(w, briefingPath(id, day), shownBriefing(b))
}

// briefingPath is the URL of a region's briefing of day.
func briefingPath(id int64, day campusguard.Date) string {
	return fmt.Sprintf("/api/v1/orgs/%d/briefings/%s", id, day)
}

// pathIDAndPathDay reads the {id} and {day} of the path, or a 400 naming
// the bad one.
func pathIDAndPathDay(r *http.Request) (int64, campusguard.Date, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, campusguard.Date{}, err
	}
	day, err := campusguard.ParseDate(r.PathValue("day"))
	if err != nil {
		return 0, campusguard.Date{}, badRequest("error.invalid_input", campusguard.FieldError{Field: "day", Msg: "error.type_date"})
	}
	return id, day, nil
}

// handleBriefingView handles "GET /api/v1/orgs/{id}/briefings/{day}": a
// stored briefing, figures only for readers who may not see cases.
func (s *Server) handleBriefingView(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndPathDay(r)
	if err != nil {
		return err
	}
	b, err := s.Dashboards.FindBriefing(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, shownBriefing(b))
}

// handleBriefingXLSX handles "GET /api/v1/orgs/{id}/briefings/{day}/xlsx":
// the stored briefing as a workbook. The path ends in /xlsx rather than
// .xlsx because a ServeMux wildcard is a whole segment. The workbook and
// its file name are in the language asked for (lang, else
// Accept-Language, else Simplified Chinese).
func (s *Server) handleBriefingXLSX(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndPathDay(r)
	if err != nil {
		return err
	}
	lang, err := downloadLang(r)
	if err != nil {
		return err
	}
	b, err := s.Dashboards.FindBriefing(r.Context(), id, day)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	t := lang.T
	if err := export.WriteBriefingXLSX(&buf, b, t); err != nil {
		return err
	}
	writeDownload(w, t("briefing.xlsx.file", b.RegionName, day.String())+".xlsx", xlsxType, buf.Bytes())
	return nil
}
