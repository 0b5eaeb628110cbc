package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"campusguard/internal/covertwalk"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// covertWalkSkip are the GET routes TestCovertVisitWalk does not read,
// each with its reason. Every other GET route is read with its path
// filled; a route the walk cannot fill fails the test, so that a new
// route is walked or listed here. Routes of other methods change data and
// are not read; those that name a covert object are sent as writes.
var covertWalkSkip = map[string]string{
	"GET /static/{path...}": "public: the embedded assets, the same for everyone",
	"GET /lang":             "public: sets the language cookie and redirects; shows nothing",
}

// TestCovertVisitWalk walks every page and export of the web routes as
// every school-level account of the inspected school (principal, doctor,
// teacher, gate, staff, parent): every GET route of web.Routes() with its
// path filled with the ids of the school's own objects, its region and
// the unannounced inspection's visit, photo, item and accountability
// record, and every further link (filters, pages, .xlsx and .csv exports)
// those pages show, followed until there are no new ones:
//   - with the unannounced inspection planned and its finding recorded,
//     every answer (status and body; an .xlsx by its cells' text) is the
//     one without it, counts and badges included; a covert object's id
//     answers as a missing id; no answer shows its texts;
//   - once it is carried out, the principal and the doctor find the visit
//     and its item, and the others' answers are still the baseline's.
func TestCovertVisitWalk(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := sqlstoretest.MustSupervision(t, s)
		if _, err := s.GenerateBriefing(w.Bureau, w.County.ID, w.Today); err != nil {
			t.Fatalf("GenerateBriefing = %v", err)
		}
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
			Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Quality: s,
			System: web.SystemInfo{Service: s}, Jobs: s, Files: s, Readiness: s, Supplies: s, Inspections: s, Directives: s, Drills: s, Training: s, Environment: s,
			Logger: discardLogger(), Now: func() time.Time { return sqlstoretest.SupervisionNow }}).URL
		var roles []string
		browsers := map[string]*browser{}
		for name, u := range w.Accounts {
			roles = append(roles, name)
			browsers[name] = sessionOf(t, s, u)
		}
		slices.Sort(roles)

		orgs := []int64{w.County.ID, w.Town.ID, w.School.ID, w.Class1.ID}
		wk := &webWalk{t: t, srv: srv, Objects: covertwalk.Objects{IDs: map[string][]int64{
			"orgs": orgs, "schools": orgs,
			"people":            {w.Teacher.ID, w.Student.ID},
			"visits":            {w.AnnouncedVisit.ID},
			"rectifications":    {w.AnnouncedItem},
			"files":             {w.AnnouncedPhoto},
			"directives":        {w.Directive.ID},
			"drills":            nil,
			"training-sessions": nil,
			"users":             {w.Accounts["principal"].ID},
			"accountability":    nil,
			"alerts":            nil,
			"cases":             nil,
			"followups":         nil,
			"quality-findings":  nil,
			"webhooks":          nil,
		}, Values: map[string][]string{"day": {w.Today.String()}}, Hidden: map[string]bool{}}, crawled: map[string][]string{}}
		wk.routes = http.NewServeMux()
		for _, rt := range web.Routes() {
			if rt.Method == http.MethodGet {
				wk.routes.Handle(rt.Method+" "+rt.Pattern, http.NotFoundHandler())
			}
		}
		base := wk.walk(roles, browsers, true)

		cv := w.MustCovert(t, s)
		wk.Hide("visits", cv.Visit.ID)
		wk.Hide("files", cv.Photo)
		wk.Hide("accountability", cv.Record.ID)
		planned := wk.walk(roles, browsers, false)
		covertwalk.Same(t, "planned", base, planned, roles)
		covertwalk.Shows(t, "planned", planned, append(slices.Clone(cv.Secrets), cv.RegionOnly...), nil)
		wk.writes(roles, browsers)
		if t.Failed() {
			return
		}

		cv.CarryOut(t, s, w)
		wk.Hide("rectifications", cv.Item)
		done := wk.walk(roles, browsers, false)
		var others []string
		for _, r := range roles {
			if !slices.Contains(sqlstoretest.SchoolReaders, r) {
				others = append(others, r)
			}
		}
		covertwalk.Same(t, "carried out", base, done, others)
		covertwalk.Shows(t, "carried out", done, cv.RegionOnly, nil)
		seen := covertwalk.Shows(t, "carried out", done, cv.Secrets, sqlstoretest.SchoolReaders)
		for _, r := range sqlstoretest.SchoolReaders {
			for _, want := range []string{"GET /visits/" + itoa(cv.Visit.ID), "GET /orgs/" + itoa(w.School.ID) + "/rectifications",
				"GET /rectifications/" + itoa(cv.Item)} {
				if !slices.Contains(seen[r], want) {
					t.Errorf("%s: %s does not show the visit carried out (it shows in %v)", r, want, seen[r])
				}
			}
		}
	})
}

// webWalk reads every GET route with its path filled from Objects, and
// the links the pages show.
type webWalk struct {
	covertwalk.Objects
	t      *testing.T
	srv    string
	routes *http.ServeMux // the GET routes, to tell a link to a page from others
	// crawled are the links the baseline's pages showed, by role: the
	// later walks read them again.
	crawled map[string][]string
}

// paths returns every path of a route, with a key each.
func (wk *webWalk) paths(rt web.Route) (keys, paths []string) {
	return wk.Paths(wk.t, rt.Method, rt.Pattern, "covertWalkSkip")
}

// walk reads every GET route as each role, then the links crawled (in
// the baseline, crawl, the pages' links are followed until no new one).
func (wk *webWalk) walk(roles []string, browsers map[string]*browser, crawl bool) *covertwalk.Walked {
	t := wk.t
	t.Helper()
	out := covertwalk.NewWalked()
	var keys, urls []string
	for _, rt := range web.Routes() {
		name := rt.Method + " " + rt.Pattern
		if _, skip := covertWalkSkip[name]; skip {
			continue
		}
		if rt.Method == "" && rt.Pattern == "/" {
			keys, urls = append(keys, "/no-such-page"), append(urls, "/no-such-page") // the catch-all: not found
			continue
		}
		if rt.Method != http.MethodGet {
			continue
		}
		k, u := wk.paths(rt)
		keys, urls = append(keys, k...), append(urls, u...)
	}
	n := 0
	for _, role := range roles {
		seen := map[string]bool{}
		queue := slices.Clone(urls)
		qkeys := slices.Clone(keys)
		if !crawl {
			queue = append(queue, wk.crawled[role]...)
			qkeys = append(qkeys, wk.crawled[role]...)
		}
		for _, u := range queue {
			seen[u] = true
		}
		for i := 0; i < len(queue); i++ {
			u := queue[i]
			p := browsers[role].get(t, wk.srv+u)
			k := role + " GET " + qkeys[i]
			text := oneUse.ReplaceAllString(webAnswerText(t, u, p), "${1}…\"")
			if qkeys[i] != u {
				// The page names its own address (the language links' way
				// back): the key's, as the baseline's does.
				text = strings.ReplaceAll(text, url.QueryEscape(u), url.QueryEscape(qkeys[i]))
			}
			out.Add(k, u, covertwalk.Answer{Status: p.status, Text: text})
			n++
			if !crawl || p.doc == nil || p.status != http.StatusOK {
				continue
			}
			for _, l := range wk.links(p.doc) {
				if !seen[l] {
					seen[l] = true
					queue, qkeys = append(queue, l), append(qkeys, l)
					wk.crawled[role] = append(wk.crawled[role], l)
				}
			}
			if len(queue) > len(urls)+2000 {
				t.Fatalf("%s: the crawl found more than 2000 links: a loop?", role)
			}
		}
	}
	t.Logf("walked %d requests", n)
	if crawl {
		for _, r := range roles {
			t.Logf("%s: %d links beyond the routes", r, len(wk.crawled[r]))
		}
	}
	return out
}

// oneUse matches the values a form draws anew each time it is shown: the
// offline forms' client keys and the class check's nonce.
var oneUse = regexp.MustCompile(`(name="(?:client_key|nonce)" value=")[^"]*"`)

var linkSel = cascadia.MustCompile(`a[href], [hx-get]`)

// links returns the page's links to GET routes of this site, path and
// query, but not to the assets, the language switch or the sign-out.
func (wk *webWalk) links(doc *html.Node) []string {
	var out []string
	for _, n := range cascadia.QueryAll(doc, linkSel) {
		h := attr(n, "href")
		if h == "" {
			h = attr(n, "hx-get")
		}
		u, err := url.Parse(h)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			continue
		}
		if strings.HasPrefix(u.Path, "/static/") || u.Path == "/lang" || u.Path == "/logout" || u.Path == "/login" {
			continue
		}
		r, _ := http.NewRequest(http.MethodGet, "http://x"+u.RequestURI(), nil)
		if _, pattern := wk.routes.Handler(r); pattern == "" {
			continue
		}
		out = append(out, u.RequestURI())
	}
	return out
}

// webAnswerText is what a response shows: an .xlsx's cells, sheet by
// sheet; a redirect's target; any other body as it is.
func webAnswerText(t *testing.T, u string, p *page) string {
	t.Helper()
	if loc := p.header.Get("Location"); loc != "" {
		return "Location: " + loc + "\n" + p.body
	}
	if !covertwalk.IsXLSX(p.header) {
		return p.body
	}
	text, _ := covertwalk.XLSXText(t, u, []byte(p.body))
	return text
}

// writes sends every route of another method whose path names a covert
// object, as every role, with an empty form, and its twin with a missing
// id: the answers must be the same, and none may succeed.
func (wk *webWalk) writes(roles []string, browsers map[string]*browser) {
	t := wk.t
	t.Helper()
	n := 0
	for _, rt := range web.Routes() {
		if rt.Method == http.MethodGet || rt.Method == "" || !strings.Contains(rt.Pattern, "{id}") {
			continue
		}
		paths := []string{rt.Pattern}
		for len(paths) > 0 && covertwalk.PathParam.MatchString(paths[0]) {
			var np []string
			for _, p := range paths {
				m := covertwalk.PathParam.FindStringSubmatchIndex(p)
				name := p[m[2]:m[3]]
				vals := []string{"H1"} // {code}, {phase}, {day}: any value
				if name == "id" {
					segs := strings.Split(strings.TrimSuffix(p[:m[0]], "/"), "/")
					vals = nil
					for _, id := range wk.IDs[segs[len(segs)-1]] {
						vals = append(vals, itoa(id))
					}
				}
				for _, v := range vals {
					np = append(np, p[:m[0]]+v+p[m[1]:])
				}
			}
			paths = np
		}
		for _, u := range paths {
			twin, ok := wk.Twin(u)
			if !ok {
				continue
			}
			for _, role := range roles {
				b := browsers[role]
				x, y := b.post(t, wk.srv+u, url.Values{}), b.post(t, wk.srv+twin, url.Values{})
				n++
				xt := strings.ReplaceAll(x.body, url.QueryEscape(u), url.QueryEscape(twin))
				if x.status < 400 || x.status != y.status || xt != y.body {
					t.Errorf("%s %s %s = %d; with a missing id = %d:\n%s", role, rt.Method, u, x.status, y.status, covertwalk.Diff(y.body, xt))
				}
			}
		}
	}
	if n == 0 {
		t.Error("no write names a covert object: the walk of writes sent nothing")
	}
}
