package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/importer"
)

// importPage is a school's roster upload form, and after an upload its
// outcome: the counts, or every bad row.
type importPage struct {
	basePage
	School       *campusguard.Org
	SchoolURL    string
	Action       string
	MaxMB        int64
	TemplateXLSX string
	TemplateCSV  string
	Columns      []importColumnHelp

	FileName string
	Result   *campusguard.ImportResult
	Failed   bool
	Message  string // the failure, translated
	Errors   []importError
}

// importColumnHelp describes one template column on the form.
type importColumnHelp struct {
	Header   string
	Required bool
	Example  string
}

// importError is one bad cell of an upload.
type importError struct {
	Row    int // 0 for the file as a whole
	Column string
	Reason string
}

// handleImportNew handles "GET /orgs/{id}/import": the upload form of a
// school. Other nodes have none.
func (s *Server) handleImportNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "import", p)
}

// handleImportCreate handles "POST /orgs/{id}/import": a roster file
// (.xlsx or .csv, multipart field "file"). All rows are written or none;
// when any is bad the page lists every bad row.
func (s *Server) handleImportCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importPage(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload+1<<20) // the form's own parts besides the file
	file, name, err := uploadedFile(r, s.MaxUpload)
	if file != nil {
		defer file.Close()
	}
	// The token is a field of the form, readable once the form is parsed.
	// A file too large to parse is refused as such, and changes nothing.
	var ce *campusguard.Error
	if !(errors.As(err, &ce) && ce.Message == "error.too_large") && !authn.CheckCSRF(r) {
		return errCSRF
	}
	if err == nil {
		p.FileName = name
		var rows []campusguard.RosterRow
		rows, err = importer.Parse(file, name, importer.Options{})
		if err == nil {
			p.Result, err = s.People.ImportRoster(r.Context(), p.School.ID, rows)
		}
	}
	switch code := campusguard.ErrorCode(err); code {
	case "":
		return s.render(w, r, http.StatusOK, "import", p)
	case campusguard.Invalid, campusguard.Conflict:
		var ce *campusguard.Error
		errors.As(err, &ce)
		p.Failed = true
		p.Message = tr(p.Lang, ce.Message, ce.Args...)
		for _, f := range ce.Fields {
			p.Errors = append(p.Errors, importError{Row: f.Row, Column: importColumn(p.Lang, f.Field),
				Reason: tr(p.Lang, f.Msg, f.Args...)})
		}
		status := codeStatus[code]
		if ce.Message == "error.too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		return s.render(w, r, status, "import", p)
	}
	return err
}

// importPage returns the import page of the school named by the path.
func (s *Server) importPage(r *http.Request) (*importPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindSchool)
	if err != nil {
		return nil, err
	}
	if !campusguard.ActorFrom(ctx).Can(campusguard.WritePerson, o.Path) {
		return nil, campusguard.Errorf(campusguard.Forbidden, "error.forbidden")
	}
	p := &importPage{basePage: s.base(r, "page.import.title"), School: o, SchoolURL: orgURL(o.ID),
		Action: orgURL(o.ID) + "/import", MaxMB: s.MaxUpload >> 20,
		TemplateXLSX: "/import/template.xlsx", TemplateCSV: "/import/template.csv"}
	p.underOrg("page.import.title", o, anc)
	for _, c := range campusguard.RosterColumns {
		p.Columns = append(p.Columns, importColumnHelp{Header: c.Header, Required: c.Required, Example: c.Example})
	}
	return p, nil
}

// uploadedFile returns the "file" part of a multipart upload and its base
// name. Invalid for a missing file or one over max bytes.
func uploadedFile(r *http.Request, max int64) (multipart.File, string, error) {
	tooLarge := func() error {
		e := campusguard.Errorf(campusguard.Invalid, "error.too_large", max>>20)
		e.Fields = []campusguard.FieldError{{Field: "file", Msg: "error.too_large", Args: []any{max >> 20}}}
		return e
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", tooLarge()
		}
		if errors.Is(err, http.ErrNotMultipart) || errors.Is(err, http.ErrMissingBoundary) {
			return nil, "", campusguard.InvalidFields([]campusguard.FieldError{{Field: "file", Msg: "error.required"}})
		}
		return nil, "", err
	}
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, "", campusguard.InvalidFields([]campusguard.FieldError{{Field: "file", Msg: "error.required"}})
	}
	if err != nil {
		return nil, "", err
	}
	if h.Size > max {
		f.Close()
		return nil, "", tooLarge()
	}
	// Browsers on Windows once sent the whole path; keep the name only.
	name := path.Base(strings.ReplaceAll(h.Filename, `\`, "/"))
	return f, name, nil
}

// handleImportTemplate handles "GET /import/template.xlsx" and
// "GET /import/template.csv": the roster template to fill in.
func (s *Server) handleImportTemplate(w http.ResponseWriter, r *http.Request) error {
	ext := path.Ext(r.URL.Path)
	var buf bytes.Buffer
	if err := importer.WriteTemplate(&buf, ext); err != nil {
		return err
	}
	ctype := "text/csv; charset=utf-8"
	if ext == ".xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", attachment("roster-template"+ext, "花名册模板"+ext))
	h.Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(buf.Bytes())
	return err
}

// attachment returns a Content-Disposition that offers a download named
// name, with an ASCII fallback for clients without RFC 5987 (RFC 6266 §4.3).
func attachment(ascii, name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c) // RFC 5987 attr-char
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}
