package web_test

import (
	"net/http"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestStatic(t *testing.T) {
	s := sqlstoretest.Open(t)
	f := mustFixture(t, s)
	srv := newServer(t, s)
	admin := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
	var urls []string
	for _, n := range p.all(t, `link[rel="stylesheet"], link[rel="icon"], script[src]`) {
		urls = append(urls, attr(n, "href")+attr(n, "src"))
	}
	if len(urls) != 4 {
		t.Fatalf("assets = %q, want the icon, app.css, htmx and app.js", urls)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, "/static/") || !strings.Contains(u, "?v=") {
			t.Errorf("asset URL %q has no content hash", u)
		}
		r := get(t, srv.URL+u)
		if r.status != http.StatusOK || len(r.body) == 0 {
			t.Errorf("GET %s = %d", u, r.status)
		}
		if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s Cache-Control = %q", u, got)
		}
		etag := r.header.Get("ETag")
		if r2 := get(t, srv.URL+u, "If-None-Match: "+etag); r2.status != http.StatusNotModified {
			t.Errorf("GET %s If-None-Match = %d, want 304", u, r2.status)
		}
		plain, _, _ := strings.Cut(u, "?")
		if r3 := get(t, srv.URL+plain+"?v=old"); r3.header.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
			t.Errorf("GET %s with a stale hash Cache-Control = %q", plain, r3.header.Get("Cache-Control"))
		}
	}
	ctypes := map[string]string{
		"/static/app.css":               "text/css; charset=utf-8",
		"/static/app.js":                "text/javascript; charset=utf-8",
		"/static/vendor/htmx.min.js":    "text/javascript; charset=utf-8",
		"/static/vendor/echarts.min.js": "text/javascript; charset=utf-8",
	}
	for u, want := range ctypes {
		r := get(t, srv.URL+u)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != want {
			t.Errorf("GET %s = %d %q, want 200 %q", u, r.status, r.header.Get("Content-Type"), want)
		}
	}
	if r := get(t, srv.URL+"/static/vendor/htmx.min.js"); !strings.Contains(r.body, "htmx") {
		t.Errorf("htmx.min.js is not htmx")
	}
}
