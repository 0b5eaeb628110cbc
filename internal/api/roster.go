package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"campusguard"
	"campusguard/internal/importer"
)

// maxUploadBytes caps an uploaded roster file. A school's roster of a few
// thousand people is well under 1 MB as .xlsx.
const maxUploadBytes = 20 << 20

// Content types of the roster files.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

// handleRosterImport handles "POST /api/v1/schools/{id}/roster": a
// multipart upload of a .xlsx or .csv roster in the field "file". Every
// row is written, or none: a bad file is a 422 listing every bad row.
func (s *Server) handleRosterImport(w http.ResponseWriter, r *http.Request) error {
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	name, data, err := readUpload(w, r, "file")
	if err != nil {
		return err
	}
	rows, err := importer.Parse(bytes.NewReader(data), name, importer.Options{})
	if err != nil {
		return err
	}
	res, err := s.People.ImportRoster(r.Context(), id, rows)
	if err != nil {
		return err
	}
	return ok(w, res)
}

// readUpload returns the name and content of the file sent in the
// multipart form field named field: 400 when there is none, 413 when it
// is larger than maxUploadBytes.
func readUpload(w http.ResponseWriter, r *http.Request, field string) (string, []byte, error) {
	tooLarge := withStatus(http.StatusRequestEntityTooLarge,
		&campusguard.Error{Code: campusguard.Invalid, Message: "error.too_large", Args: []any{maxUploadBytes >> 20},
			Fields: []campusguard.FieldError{{Field: field, Msg: "error.too_large", Args: []any{maxUploadBytes >> 20}}}})
	noFile := badRequest("error.upload", campusguard.FieldError{Field: field, Msg: "error.upload"})
	// The form's other parts and its boundaries get a little room beyond
	// the file itself.
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, noFile
	}
	for {
		part, err := mr.NextPart()
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return "", nil, tooLarge
		}
		if err != nil { // io.EOF: no such field
			return "", nil, noFile
		}
		if part.FormName() != field {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxUploadBytes+1))
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) || len(data) > maxUploadBytes {
			return "", nil, tooLarge
		}
		if err != nil {
			return "", nil, noFile
		}
		return part.FileName(), data, nil
	}
}

// handleRosterTemplateXLSX handles "GET /api/v1/roster-template.xlsx".
func (s *Server) handleRosterTemplateXLSX(w http.ResponseWriter, r *http.Request) error {
	return writeTemplate(w, ".xlsx", xlsxType)
}

// handleRosterTemplateCSV handles "GET /api/v1/roster-template.csv".
func (s *Server) handleRosterTemplateCSV(w http.ResponseWriter, r *http.Request) error {
	return writeTemplate(w, ".csv", csvType)
}

// writeTemplate writes the roster template as a download named 花名册模板.
func writeTemplate(w http.ResponseWriter, ext, contentType string) error {
	var buf bytes.Buffer
	if err := importer.WriteTemplate(&buf, ext); err != nil {
		return err
	}
	writeDownload(w, "花名册模板"+ext, contentType, buf.Bytes())
	return nil
}

// writeDownload sends body as a file to save under name.
func writeDownload(w http.ResponseWriter, name, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}
