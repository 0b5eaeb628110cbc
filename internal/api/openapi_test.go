package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// TestOpenAPIDocument checks the served document: it is valid OpenAPI 3.0
// (examples included), it describes exactly the routes of routeTable, and
// every operation documents its failures.
func TestOpenAPIDocument(t *testing.T) {
	c := newClient(t, Config{}, nil) // newClient loads and validates the document
	doc := c.doc
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}

	var routes []string
	public := map[string]bool{}
	for _, rt := range Routes() {
		routes = append(routes, rt.Method+" "+rt.Pattern)
		public[rt.Method+" "+rt.Pattern] = rt.Public
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(routes)
	slices.Sort(documented)
	if diff := cmp.Diff(routes, documented); diff != "" {
		t.Errorf("routeTable and the document differ (-routes +document):\n%s", diff)
	}

	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: no operationId or summary", name)
			}
			checkSecurity(t, doc, name, method, op, public[name])
			if path == "/api/v1/openapi.json" {
				continue
			}
			if !public[name] {
				for _, code := range []string{"401", "403"} {
					if op.Responses.Value(code) == nil {
						t.Errorf("%s: needs a caller but documents no %s", name, code)
					}
				}
			}
			if op.Responses.Value("500") == nil {
				t.Errorf("%s: no 500 response", name)
			}
			if strings.Contains(path, "{id}") {
				for _, code := range []string{"400", "404"} {
					if op.Responses.Value(code) == nil {
						t.Errorf("%s: takes an id but documents no %s", name, code)
					}
				}
			}
			if op.RequestBody != nil {
				for _, code := range []string{"400", "413", "422"} {
					if op.Responses.Value(code) == nil {
						t.Errorf("%s: takes a body but documents no %s", name, code)
					}
				}
				for ct, mt := range op.RequestBody.Value.Content {
					if ct == "application/json" && mt.Example == nil && len(mt.Examples) == 0 {
						t.Errorf("%s: request body has no example", name)
					}
				}
			}
		}
	}

	for _, name := range []string{"Org", "OrgDetail", "Person", "Guardian", "Place", "BusRoute", "PersonFile",
		"ImportResult", "Error", "FieldError", "OrgCreate", "OrgUpdate", "PersonCreate", "PersonUpdate",
		"User", "Grant", "UserCreate", "GrantCreate", "APIToken", "NewToken", "TokenCreate", "BindingCode",
		"AuditEntry", "Session", "Login", "Join", "PasswordChange", "PasswordReset", "Revealed"} {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("schema %s is missing", name)
			continue
		}
		if s.Value.Example == nil && len(s.Value.AllOf) == 0 {
			t.Errorf("schema %s has no example", name)
		}
	}
	// Masking is part of the contract, so the document says so.
	for _, word := range []string{"X-CSRF-Token", "Bearer", "Retry-After", "404"} {
		if !strings.Contains(doc.Info.Description, word) {
			t.Errorf("info.description does not explain %s", word)
		}
	}
	for _, name := range []string{"Person", "Guardian", "PersonFile"} {
		if d := doc.Components.Schemas[name].Value.Description; !strings.Contains(d, "masked") {
			t.Errorf("schema %s: description %q does not say the personal data is masked", name, d)
		}
	}
	if !strings.Contains(doc.Info.Description, "masked") {
		t.Errorf("info.description does not explain masking")
	}
	// Examples speak Chinese.
	if ex := doc.Components.Schemas["Org"].Value.Example.(map[string]any)["name"]; !hasHan(ex) {
		t.Errorf("Org example name = %v, want Chinese", ex)
	}
}

// checkSecurity checks an operation's security against the route table: a
// public route needs nothing; any other needs an API token or the session
// cookie, and a state-changing one the CSRF token with the cookie.
func checkSecurity(t *testing.T, doc *openapi3.T, name, method string, op *openapi3.Operation, public bool) {
	t.Helper()
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var got []string
	for _, req := range reqs {
		var names []string
		for n := range req {
			names = append(names, n)
		}
		slices.Sort(names)
		got = append(got, strings.Join(names, "+"))
	}
	slices.Sort(got)
	var want []string
	switch {
	case public:
		want = nil
	case method == http.MethodGet:
		want = []string{"bearerToken", "sessionCookie"}
	default:
		want = []string{"bearerToken", "csrfToken+sessionCookie"}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: security (-want +got):\n%s", name, diff)
	}
}

func hasHan(v any) bool {
	s, _ := v.(string)
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestOpenAPIServed checks the document's own response and that the YAML
// and the JSON say the same.
func TestOpenAPIServed(t *testing.T) {
	c := newClient(t, Config{}, nil)
	r := c.get("/api/v1/openapi.json")
	wantStatus(t, r, http.StatusOK)
	fromYAML, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if got, want := len(c.doc.Paths.Map()), len(fromYAML.Paths.Map()); got != want {
		t.Errorf("served document has %d paths, openapi.yaml %d", got, want)
	}
	if got, want := len(c.doc.Components.Schemas), len(fromYAML.Components.Schemas); got != want {
		t.Errorf("served document has %d schemas, openapi.yaml %d", got, want)
	}
}

// TestUnknownRoutes checks that the API answers JSON for what it does not
// serve: 404 for an unknown path, 405 with Allow for a known path's other
// methods.
func TestUnknownRoutes(t *testing.T) {
	c := newClient(t, Config{}, nil)
	tests := []struct {
		name   string
		method string
		path   string
		status int
		allow  string
	}{
		{"unknown path", "GET", "/api/v1/nothing-here", http.StatusNotFound, ""},
		{"unknown nested path", "GET", "/api/v1/orgs/1/whatever", http.StatusNotFound, ""},
		{"api root", "GET", "/api/v1/", http.StatusNotFound, ""},
		{"method not allowed", "DELETE", "/api/v1/orgs/1", http.StatusMethodNotAllowed, "GET, HEAD, PATCH"},
		{"post to template", "POST", "/api/v1/roster-template.csv", http.StatusMethodNotAllowed, "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(req{method: tt.method, path: tt.path})
			wantStatus(t, r, tt.status)
			e := r.Err(t)
			wantCode := "not_found"
			if tt.status == http.StatusMethodNotAllowed {
				wantCode = "invalid"
			}
			if string(e.Code) != wantCode || e.Message == "" {
				t.Errorf("error = %+v, want code %s and a message", e, wantCode)
			}
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
