package app_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"campusguard/internal/api"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"

	"github.com/google/go-cmp/cmp"
)

// publicRoutes is the reviewed list of everything an anonymous caller may
// reach. Adding a route here is a security decision: say why beside it.
var publicRoutes = []string{
	"GET /api/v1/openapi.json", // the API's description
	"POST /api/v1/join",        // a guardian signs up with a binding code
	"POST /api/v1/login",       // signing in
	"GET /healthz",             // load balancers: the process answers
	"GET /lang",                // the language switch, before signing in
	"GET /join",                // a guardian's sign-up page
	"POST /join",
	"GET /login", // the sign-in page
	"POST /login",
	"GET /metrics",              // Prometheus: counters and latencies only, no personal data
	"GET /readyz",               // load balancers: database reachable, migrations applied
	"GET /static/{path...}",     // stylesheets, scripts, icons
	"GET /sw.js",                // the offline form's service worker: a script, no data
	"GET /manifest.webmanifest", // the installable app's name and icon
}

// TestEveryRouteRefusesAnonymous walks every route the program registers,
// pages and API, and shows that an anonymous caller is refused (401 for the
// API, a redirect to the login page for pages), except the reviewed public
// ones.
func TestEveryRouteRefusesAnonymous(t *testing.T) {
	s := sqlstoretest.Open(t)
	m := &app.Main{Open: s}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	type route struct {
		method, pattern string
		public, api     bool
	}
	var all []route
	for _, r := range web.Routes() {
		all = append(all, route{r.Method, r.Pattern, r.Public, false})
	}
	for _, r := range api.Routes() {
		all = append(all, route{r.Method, r.Pattern, r.Public, true})
	}
	all = append(all, route{"GET", "/healthz", true, false}, route{"GET", "/readyz", true, false}, route{"GET", "/metrics", true, false})

	var public []string
	wildcard := regexp.MustCompile(`\{[a-z_]+(\.\.\.)?\}`)
	for _, r := range all {
		name := r.method + " " + r.pattern
		if r.public {
			public = append(public, name)
			continue
		}
		path := wildcard.ReplaceAllStringFunc(r.pattern, func(w string) string {
			if strings.HasSuffix(w, "...}") {
				return "x"
			}
			return "1"
		})
		path = strings.TrimSuffix(path, "{$}")
		req, err := http.NewRequest(r.method, srv.URL+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if r.api {
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s (as %s %s) = %d, want 401", name, r.method, path, resp.StatusCode)
			}
			continue
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s (as %s %s) = %d to %q, want 303 to /login", name, r.method, path, resp.StatusCode, loc)
		}
	}
	sort.Strings(public)
	want := append([]string(nil), publicRoutes...)
	sort.Strings(want)
	if diff := cmp.Diff(want, public); diff != "" {
		t.Errorf("public routes differ from the reviewed list (-reviewed +registered):\n%s", diff)
	}
	if len(all) < 30 {
		t.Errorf("walked %d routes; the tables look empty", len(all))
	}
}

// TestSecurityHeaders: every response carries a Content-Security-Policy
// with no inline script and no framing, nosniff and a referrer policy.
func TestSecurityHeaders(t *testing.T) {
	s := sqlstoretest.Open(t)
	m := &app.Main{Open: s}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	for _, path := range []string{"/login", "/api/v1/openapi.json", "/api/v1/orgs", "/healthz", "/nope"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: Content-Security-Policy = %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("GET %s: nosniff = %q, Referrer-Policy = %q", path, resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("Referrer-Policy"))
		}
	}
}
