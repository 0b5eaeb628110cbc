package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// ctx is the context of test set-up: the program itself acts, with every
// right.
var ctx = sqlstoretest.Ctx

var registerDecoders sync.Once

// server is an API under test: a real HTTP server with the authn
// middleware in front of the API, the OpenAPI document that server
// serves, and the personal data the test sent, which no response may show
// in full.
type server struct {
	srv     *httptest.Server
	doc     *openapi3.T
	router  routers.Router
	secrets []string
	log     *bytes.Buffer
}

// client sends requests to a server as one caller: anonymous, with an API
// token, or with a session cookie and its CSRF token.
type client struct {
	*server
	t      *testing.T
	bearer string // an API token's secret
	cookie string // a session token
	csrf   string // added as X-CSRF-Token to unsafe requests with the cookie
	// contacts is set for callers whose role shows phone numbers in full:
	// the check for full phone numbers then stands down (ID numbers are
	// still checked).
	contacts bool
}

// newClient starts the API with the given services behind the authn
// middleware over sessions, and loads the document it serves. Every
// request the client sends, and every response it gets, is checked against
// that document. The client is anonymous.
func newClient(t *testing.T, cfg Config, sessions authn.Sessions) *client {
	t.Helper()
	registerDecoders.Do(func() {
		openapi3filter.RegisterBodyDecoder(xlsxType, openapi3filter.FileBodyDecoder)
	})
	log := &bytes.Buffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(log, t.Output()), nil))
	h := (&authn.Middleware{Store: sessions, Logger: cfg.Logger}).Wrap(New(cfg))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := &client{server: &server{srv: srv, log: log}, t: t}
	res, err := srv.Client().Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatalf("GET openapi.json: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET openapi.json = %d %s", res.StatusCode, b)
	}
	c.doc, c.router = loadServedDoc(t, b)
	return c
}

// servedDocs are the documents servers served, loaded, validated and
// routed, by their bytes. Every server serves the same bytes, and loading
// and validating them again for each test's server was a quarter of the
// CPU of this package's tests; nothing changes a loaded document.
var servedDocs struct {
	sync.Mutex
	byBody map[string]*servedDoc
}

type servedDoc struct {
	doc    *openapi3.T
	router routers.Router
}

// loadServedDoc loads the served document b, checks that it is valid
// OpenAPI and builds the router that finds each request's operation; the
// same bytes a second time give the same document and router.
func loadServedDoc(t *testing.T, b []byte) (*openapi3.T, routers.Router) {
	t.Helper()
	servedDocs.Lock()
	defer servedDocs.Unlock()
	if d, ok := servedDocs.byBody[string(b)]; ok {
		return d.doc, d.router
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load served OpenAPI document: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("served OpenAPI document: Validate() = %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("legacy.NewRouter() = %v", err)
	}
	if servedDocs.byBody == nil {
		servedDocs.byBody = map[string]*servedDoc{}
	}
	servedDocs.byBody[string(b)] = &servedDoc{doc: doc, router: router}
	return doc, router
}

// newStoreClient is an anonymous newClient over a real store.
func newStoreClient(t *testing.T, s *sqlstore.Store) *client {
	return newClient(t, Config{Orgs: s, People: s, Access: s, Health: s, Cases: s, Inbox: s, Webhooks: s, Alerts: s,
		Dashboards: s, Policy: s, Transport: s, Export: s, System: s, Jobs: s, Files: s, Readiness: s, Supplies: s, Inspections: s,
		Directives: s, Drills: s, Training: s, Environment: s}, s)
}

// withToken returns a client that sends the API token secret.
func (c *client) withToken(secret string) *client {
	d := *c
	d.bearer, d.cookie, d.csrf = secret, "", ""
	return &d
}

// withCookie returns a client that sends the session cookie token, and
// csrf in X-CSRF-Token on unsafe requests ("" for none).
func (c *client) withCookie(token, csrf string) *client {
	d := *c
	d.bearer, d.cookie, d.csrf = "", token, csrf
	return &d
}

// withSession returns a client signed in with the session.
func (c *client) withSession(sess *campusguard.Session) *client {
	return c.withCookie(sess.Token, sess.CSRF)
}

// anonymous returns a client without credentials.
func (c *client) anonymous() *client { return c.withToken("") }

// seeingContacts returns the client, allowed to see full phone numbers.
func (c *client) seeingContacts() *client {
	d := *c
	d.contacts = true
	return &d
}

// tokenFor makes an API token with one grant and returns its secret.
func tokenFor(tb testing.TB, s *sqlstore.Store, role campusguard.AccessRole, org *campusguard.Org) string {
	tb.Helper()
	g := campusguard.Grant{Role: role, OrgID: org.ID}
	if role == campusguard.RegionViewer {
		g.Duty = campusguard.DutyCDC // the viewer of the tests reads health data; TestDuties tries each duty
	}
	secret, _, err := s.CreateTokenFor(ctx, testTokenName, g)
	if err != nil {
		tb.Fatalf("CreateToken(%s, %s) = %v", role, org.Name, err)
	}
	return secret
}

// testTokenName names the tokens of tokenFor; their actor is token:NAME.
const testTokenName = "测试令牌"

// as returns a client with an API token of role at org.
func (c *client) as(tb testing.TB, s *sqlstore.Store, role campusguard.AccessRole, org *campusguard.Org) *client {
	tb.Helper()
	return c.withToken(tokenFor(tb, s, role, org))
}

// adminClient is the usual client of a test: a region admin of the
// tree's county, by API token. Region admins see phones masked.
func adminClient(t *testing.T, s *sqlstore.Store, tr *sqlstoretest.Tree) *client {
	t.Helper()
	return newStoreClient(t, s).as(t, s, campusguard.RegionAdmin, tr.County)
}

// signedIn returns a client signed in, by session cookie, as a new user
// with the grants.
func (c *client) signedIn(tb testing.TB, s *sqlstore.Store, grants ...campusguard.Grant) (*client, *campusguard.User) {
	tb.Helper()
	u := sqlstoretest.MustUser(tb, s, grants...)
	return c.withSession(sqlstoretest.MustSession(tb, s, u)), u
}

// secret records personal data that no response may show in full (phone
// numbers excepted for a client that sees contacts).
func (c *client) secret(s ...string) { c.secrets = append(c.secrets, s...) }

// response is what the server answered.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on an error.
func (r *response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Err decodes an error body.
func (r *response) Err(tb testing.TB) errorBody {
	tb.Helper()
	var e errorBody
	r.JSON(tb, &e)
	return e
}

// fieldSet returns "field" or "row:field" for each field error, for
// comparing.
func (e errorBody) fieldSet() []string {
	var out []string
	for _, f := range e.Fields {
		if f.Row > 0 {
			out = append(out, fmt.Sprintf("%d:%s", f.Row, f.Field))
		} else {
			out = append(out, f.Field)
		}
	}
	return out
}

// req is one request to send.
type req struct {
	method      string
	path        string
	body        []byte
	contentType string
	header      map[string]string
}

// jsonReq returns a request whose body is v as JSON, or v itself when it
// is a string (for malformed bodies).
func jsonReq(method, path string, v any) req {
	r := req{method: method, path: path}
	switch v := v.(type) {
	case nil:
	case string:
		r.body, r.contentType = []byte(v), "application/json"
	default:
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		r.body, r.contentType = b, "application/json"
	}
	return r
}

// get sends a GET.
func (c *client) get(path string) *response {
	c.t.Helper()
	return c.do(req{method: http.MethodGet, path: path})
}

// send sends a JSON request.
func (c *client) send(method, path string, v any) *response {
	c.t.Helper()
	return c.do(jsonReq(method, path, v))
}

// upload sends a multipart form with one file in the field "file".
func (c *client) upload(path, filename string, content []byte) *response {
	c.t.Helper()
	body, ct := multipartFile(c.t, "file", filename, content)
	return c.do(req{method: http.MethodPost, path: path, body: body, contentType: ct})
}

func multipartFile(tb testing.TB, field, filename string, content []byte) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		tb.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

var (
	revealPath   = regexp.MustCompile(`^/api/v1/people/[0-9]+/(reveal|export|export\.xlsx)$`)
	fullIDNumber = regexp.MustCompile(`[0-9]{17}[0-9X]`)
	fullMobile   = regexp.MustCompile(`(^|[^0-9])1[0-9]{10}($|[^0-9])`)
)

// do sends r over real HTTP and checks the exchange against the document:
//   - the request is validated; a request the document refuses must be
//     refused (4xx), and one the server accepts (2xx) must be valid;
//   - the response is validated against its operation, status included;
//     a response to a path the document lacks must be a JSON Error;
//   - no response shows a secret, nor a JSON body anything shaped like a
//     full ID number or mobile number.
func (c *client) do(r req) *response {
	c.t.Helper()
	t := c.t
	u := c.srv.URL + r.path
	hr, err := http.NewRequest(r.method, u, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	}
	if c.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: authn.CookieName, Value: c.cookie})
		if c.csrf != "" && r.method != http.MethodGet && r.method != http.MethodHead {
			hr.Header.Set(authn.CSRFHeader, c.csrf)
		}
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := c.srv.Client().Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: read body: %v", r.method, r.path, err)
	}
	out := &response{Status: res.StatusCode, Header: res.Header, Body: body}
	where := fmt.Sprintf("%s %s = %d", r.method, r.path, res.StatusCode)

	// The request, as the document sees it.
	vr, _ := http.NewRequest(r.method, u, bytes.NewReader(r.body))
	vr.Header = hr.Header.Clone()
	route, params, routeErr := c.router.FindRoute(vr)
	var reqErr error
	if routeErr == nil {
		in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: credentialsPresent}}
		reqErr = openapi3filter.ValidateRequest(ctx, in)
		if reqErr != nil && (res.StatusCode < 400 || res.StatusCode >= 500) {
			t.Errorf("%s, but the document refuses the request: %v", where, reqErr)
		}
		vr.Body = io.NopCloser(bytes.NewReader(r.body))
		rin := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Body:    io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
			t.Errorf("%s: response does not match the document: %v\n%s", where, err, clip(body))
		}
	} else {
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: the document has no such operation (%v), yet the server answered", where, routeErr)
		}
		c.checkError(where, res, body)
	}

	// The answers that carry personal data in full: a reveal's, and a
	// person's export for their guardian.
	if revealPath.MatchString(r.path) && res.StatusCode == http.StatusOK {
		return out
	}
	for _, s := range c.secrets {
		if c.contacts && !fullIDNumber.MatchString(s) {
			continue
		}
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("%s: response shows %q in full:\n%s", where, s, clip(body))
		}
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && r.path != "/api/v1/openapi.json" {
		if m := fullIDNumber.Find(body); m != nil {
			t.Errorf("%s: response shows what looks like a full ID number %q", where, m)
		}
		if m := fullMobile.Find(body); m != nil && !c.contacts {
			t.Errorf("%s: response shows what looks like a full phone number %q", where, m)
		}
	}
	return out
}

// credentialsPresent is the document's security check: a credential of
// each scheme the requirement names is present. Whether it is valid is the
// server's to say.
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	sch := in.SecurityScheme
	var present bool
	switch {
	case sch.Type == "http" && sch.Scheme == "bearer":
		present = strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
	case sch.Type == "apiKey" && sch.In == "cookie":
		_, err := r.Cookie(sch.Name)
		present = err == nil
	case sch.Type == "apiKey" && sch.In == "header":
		present = r.Header.Get(sch.Name) != ""
	}
	if !present {
		return in.NewError(nil)
	}
	return nil
}

// checkError checks a body against the document's Error schema, for
// responses to paths the document does not describe.
func (c *client) checkError(where string, res *http.Response, body []byte) {
	c.t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.t.Errorf("%s: Content-Type = %q, want JSON", where, ct)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.t.Errorf("%s: body is not JSON: %v\n%s", where, err, clip(body))
		return
	}
	if err := c.doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
		c.t.Errorf("%s: body is not an Error: %v\n%s", where, err, clip(body))
	}
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}

// wantStatus fails the test unless r has the status.
func wantStatus(tb testing.TB, r *response, status int) {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d, want %d; body:\n%s", r.Status, status, clip(r.Body))
	}
}

// badCheck returns id with a wrong check character.
func badCheck(id string) string {
	last := id[17]
	bad := byte('0')
	if last == '0' {
		bad = '1'
	}
	return id[:17] + string(bad)
}

// mustTree builds the shared test county.
func mustTree(tb testing.TB, s *sqlstore.Store) *sqlstoretest.Tree {
	return sqlstoretest.MustTree(tb, s)
}

// validID returns a valid ID number of region 350622.
func validID(birth string, seq int) string { return sqlstoretest.ValidID(birth, seq) }

// countPeople returns how many people the store holds, in every school.
func countPeople(tb testing.TB, s *sqlstore.Store) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// xlsxFile writes rows to the first sheet of a new workbook, from row 1.
func xlsxFile(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, r+1)
		if err != nil {
			tb.Fatal(err)
		}
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rosterHeader is row 1 of a roster: the template's Chinese headers.
func rosterHeader() []string {
	h := make([]string, len(campusguard.RosterColumns))
	for i, col := range campusguard.RosterColumns {
		h[i] = col.Header
	}
	return h
}

// rosterRow returns a row of cells from column keys to values.
func rosterRow(cells map[string]string) []string {
	row := make([]string, len(campusguard.RosterColumns))
	for i, col := range campusguard.RosterColumns {
		row[i] = cells[col.Key]
	}
	return row
}
