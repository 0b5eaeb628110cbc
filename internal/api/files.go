package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"campusguard"
	"campusguard/internal/evidence"
)

// files returns the file service, or a 404 when the program runs without.
func (s *Server) files() (campusguard.FileService, error) {
	if s.Files == nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return s.Files, nil
}

// readEvidence reads the multipart part "file" of an evidence upload: its
// name, the type the client claimed and its bytes, at most MaxFileSize
// (413 naming "file" beyond).
func readEvidence(w http.ResponseWriter, r *http.Request, orgID int64) (campusguard.Upload, error) {
	const max = campusguard.MaxFileSize
	tooLarge := withStatus(http.StatusRequestEntityTooLarge,
		&campusguard.Error{Code: campusguard.Invalid, Message: "error.too_large", Args: []any{max >> 20},
			Fields: []campusguard.FieldError{{Field: "file", Msg: "error.too_large", Args: []any{max >> 20}}}})
	noFile := badRequest("error.upload", campusguard.FieldError{Field: "file", Msg: "error.upload"})
	r.Body = http.MaxBytesReader(w, r.Body, max+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return campusguard.Upload{}, noFile
	}
	for {
		part, err := mr.NextPart()
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return campusguard.Upload{}, tooLarge
		}
		if err != nil {
			return campusguard.Upload{}, noFile
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) || len(data) > max {
			return campusguard.Upload{}, tooLarge
		}
		if err != nil {
			return campusguard.Upload{}, noFile
		}
		return campusguard.Upload{OrgID: orgID, Name: part.FileName(), Claimed: part.Header.Get("Content-Type"), Data: data}, nil
	}
}

// handleFileCreate handles "POST /api/v1/orgs/{id}/files": uploads an
// evidence file (multipart, part "file") for a record of a school or
// region, and answers its description (201). The same bytes are stored
// once.
func (s *Server) handleFileCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	u, err := readEvidence(w, r, id)
	if err != nil {
		return err
	}
	f, err := fs.PutFile(r.Context(), u)
	if err != nil {
		return err
	}
	return created(w, fmt.Sprintf("/api/v1/files/%d", f.ID), f)
}

// handleFileView handles "GET /api/v1/files/{id}": a file's description.
func (s *Server) handleFileView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	f, err := fs.FindFile(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, f)
}

// handleFileContent handles "GET /api/v1/files/{id}/content" and
// ".../thumb": the bytes, served as their sniffed type, never as HTML.
func (s *Server) handleFileContent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	f, b, err := fs.FileContent(r.Context(), id, strings.HasSuffix(r.URL.Path, "/thumb"))
	if err != nil {
		return err
	}
	evidence.Serve(w, f, b)
	return nil
}

// readinessRoutes are the routes of issue 11: evidence files, readiness,
// phases and suspensions.
func (s *Server) readinessRoutes() []route {
	return []route{
		{"POST", "/api/v1/orgs/{id}/files", false, s.handleFileCreate},
		{"GET", "/api/v1/files/{id}", false, s.handleFileView},
		{"GET", "/api/v1/files/{id}/content", false, s.handleFileContent},
		{"GET", "/api/v1/files/{id}/thumb", false, s.handleFileContent},
		{"GET", "/api/v1/orgs/{id}/checklist", false, s.handleChecklistView},
		{"PUT", "/api/v1/orgs/{id}/checklist", false, s.handleChecklistSet},
		{"GET", "/api/v1/orgs/{id}/readiness", false, s.handleRegionReadiness},
		{"GET", "/api/v1/schools/{id}/readiness", false, s.handleSchoolReadiness},
		{"PUT", "/api/v1/schools/{id}/readiness/items/{code}", false, s.handleItemAnswer},
		{"POST", "/api/v1/schools/{id}/readiness/items/{code}/review", false, s.handleItemReview},
		{"POST", "/api/v1/schools/{id}/readiness/submit", false, s.handleReadinessSubmit},
		{"POST", "/api/v1/schools/{id}/approval", false, s.handleApprove},
		{"POST", "/api/v1/schools/{id}/approval/withdraw", false, s.handleApprovalWithdraw},
		{"POST", "/api/v1/schools/{id}/plans", false, s.handlePlanCreate},
		{"GET", "/api/v1/orgs/{id}/phases", false, s.handlePhaseIndex},
		{"POST", "/api/v1/orgs/{id}/phases", false, s.handlePhaseCreate},
		{"PUT", "/api/v1/orgs/{id}/phases/{phase}", false, s.handlePhaseUpdate},
		{"DELETE", "/api/v1/orgs/{id}/phases/{phase}", false, s.handlePhaseDelete},
		{"GET", "/api/v1/orgs/{id}/suspensions", false, s.handleSuspensionIndex},
		{"POST", "/api/v1/orgs/{id}/suspensions", false, s.handleSuspensionCreate},
		{"POST", "/api/v1/suspensions/{id}/extend", false, s.handleSuspensionExtend},
		{"POST", "/api/v1/suspensions/{id}/resume", false, s.handleSuspensionResume},
		{"GET", "/api/v1/orgs/{id}/ili", false, s.handleClassILI},
		{"GET", "/api/v1/orgs/{id}/ili-settings", false, s.handleILISettingsView},
		{"PUT", "/api/v1/orgs/{id}/ili-settings", false, s.handleILISettingsSet},
		{"GET", "/api/v1/orgs/{id}/open-figures", false, s.handleOpenFigures},
		{"GET", "/api/v1/people/{id}/ili-return", false, s.handleILIReturn},
		{"POST", "/api/v1/people/{id}/return-notes", false, s.handleReturnNoteCreate},
		{"GET", "/api/v1/orgs/{id}/ili-held", false, s.handleILIHeld},
	}
}
