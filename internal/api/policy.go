package api

import (
	"bytes"
	"fmt"
	"net/http"

	"campusguard"
	"campusguard/internal/export"
	"campusguard/internal/i18n"
)

// handlePolicyView handles "GET /api/v1/orgs/{id}/policy": a top-level
// region's fever threshold, retention periods and default deadlines.
func (s *Server) handlePolicyView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Policy.RegionPolicy(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, p)
}

// handleFeverThresholdUpdate handles "PUT /api/v1/orgs/{id}/fever-threshold":
// the region's fever threshold, 37.0 to 38.5 °C in tenths.
func (s *Server) handleFeverThresholdUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		FeverThreshold *float64 `json:"fever_threshold"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.FeverThreshold == nil {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "fever_threshold", Msg: "error.required"}})
	}
	if err := s.Policy.SetFeverThreshold(r.Context(), id, *in.FeverThreshold); err != nil {
		return err
	}
	return s.handlePolicyView(w, r)
}

// handleRetentionUpdate handles "PUT /api/v1/orgs/{id}/retention": how
// many days the region keeps daily checks, follow-ups and closed cases,
// each at least a school year (365).
func (s *Server) handleRetentionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Checks    *int `json:"checks_days"`
		FollowUps *int `json:"followups_days"`
		Cases     *int `json:"cases_days"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var missing []campusguard.FieldError
	for _, f := range []struct {
		name string
		v    *int
	}{{"checks_days", in.Checks}, {"followups_days", in.FollowUps}, {"cases_days", in.Cases}} {
		if f.v == nil {
			missing = append(missing, campusguard.FieldError{Field: f.name, Msg: "error.required"})
		}
	}
	if len(missing) > 0 {
		return campusguard.InvalidFields(missing)
	}
	ret := campusguard.Retention{Checks: *in.Checks, FollowUps: *in.FollowUps, Cases: *in.Cases}
	if err := s.Policy.SetRetention(r.Context(), id, ret); err != nil {
		return err
	}
	return s.handlePolicyView(w, r)
}

// handleDeadlinesView handles "GET /api/v1/orgs/{id}/deadlines": a
// school's deadlines (its own or its region's), a grade's or class's
// school's, or a top-level region's defaults.
func (s *Server) handleDeadlinesView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Policy.SchoolDeadlines(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, d)
}

// handleDeadlinesUpdate handles "PUT /api/v1/orgs/{id}/deadlines": a
// school's own deadlines ("HH:MM"; clear_* goes back to the region's) or
// a top-level region's defaults.
func (s *Server) handleDeadlinesUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		ReportBy     *string `json:"report_by"`
		SignOffBy    *string `json:"signoff_by"`
		ClearReport  bool    `json:"clear_report_by"`
		ClearSignOff bool    `json:"clear_signoff_by"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u := campusguard.DeadlinesUpdate{ClearReport: in.ClearReport, ClearSignOff: in.ClearSignOff}
	var bad []campusguard.FieldError
	clock := func(field string, v *string, dst **campusguard.Clock) {
		if v == nil {
			return
		}
		c, ok := campusguard.ParseClock(*v)
		if !ok {
			bad = append(bad, campusguard.FieldError{Field: field, Msg: "error.bad_clock"})
			return
		}
		*dst = &c
	}
	clock("report_by", in.ReportBy, &u.ReportBy)
	clock("signoff_by", in.SignOffBy, &u.SignOffBy)
	if len(bad) > 0 {
		return campusguard.InvalidFields(bad)
	}
	d, err := s.Policy.SetDeadlines(r.Context(), id, u)
	if err != nil {
		return err
	}
	return ok(w, d)
}

// handleBusFigures handles "GET /api/v1/orgs/{id}/bus-figures?day=": each
// bus route's riders and the day's boardings, fevers and missing masks.
func (s *Server) handleBusFigures(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	rows, err := s.Transport.BusFigures(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, newItems(rows))
}

// handlePersonExport handles "GET /api/v1/people/{id}/export": everything
// held about a person, for their guardian's request. Audited.
func (s *Server) handlePersonExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Export.ExportPersonFile(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, e)
}

// handlePersonExportXLSX handles "GET /api/v1/people/{id}/export.xlsx": the
// same as a workbook, a sheet per table, in Chinese. Audited.
func (s *Server) handlePersonExportXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Export.ExportPersonFile(r.Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	t := i18n.Hans.T
	if err := export.WritePersonXLSX(&buf, e, t); err != nil {
		return err
	}
	writeDownload(w, fmt.Sprintf("个人档案-%s-%d.xlsx", e.Person.Name, e.Person.ID), xlsxType, buf.Bytes())
	return nil
}

// backupList is the answer to "GET /api/v1/system/backups".
type backupList struct {
	Items    []*campusguard.BackupRun `json:"items"`
	LastGood *campusguard.BackupRun   `json:"last_good"`
}

// handleBackupIndex handles "GET /api/v1/system/backups": the latest backup
// runs and the last that worked. System administrators only.
func (s *Server) handleBackupIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	limit := q.int("limit", 20, 1, 100)
	if err := q.err(); err != nil {
		return err
	}
	recent, good, err := s.System.FindBackups(r.Context(), limit)
	if err != nil {
		return err
	}
	return ok(w, backupList{Items: recent, LastGood: good})
}
