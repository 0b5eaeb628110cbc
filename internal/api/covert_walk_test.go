package api

import (
	"bytes"
	"campusguard"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"campusguard/internal/covertwalk"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// covertWalkSkip are the routes TestCovertVisitWalk does not read, each
// with its reason. Every other route is walked: a GET is read with every
// path and query parameter filled, a route of any other method is sent
// (with an empty body) against the covert objects' ids. A route the walk
// cannot fill fails the test, so a new route is walked or listed here.
var covertWalkSkip = map[string]string{
	"POST /api/v1/login":  "public: signs in with a password; names no object",
	"POST /api/v1/join":   "public: redeems a binding code; names no object",
	"POST /api/v1/logout": "ends the caller's session, which the walk goes on using",
}

// TestCovertVisitWalk walks every route of the API, as every school-level
// account of the inspected school (principal, doctor, teacher, gate,
// staff, parent), with every path parameter filled with the ids of the
// school's own objects, of its region and of the unannounced inspection,
// its visit, finding, photo, item and accountability record, and with
// every query parameter of the OpenAPI document filled in turn:
//   - before the unannounced inspection exists (the baseline) and once it
//     is planned and its finding recorded, every answer (status and body;
//     an .xlsx by its cells' text) is the same; an answer about a covert
//     object's id is the answer about an id that does not exist; no
//     answer shows its texts; no write to a covert object does more than
//     a write to a missing one;
//   - once it is carried out, the principal and the doctor see the visit
//     and its item (so the walk can see what it looks for), the others
//     still see nothing new, and no one sees the accountability record.
func TestCovertVisitWalk(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := sqlstoretest.MustSupervision(t, s)
		oldClock := clock
		clock = s.Now
		t.Cleanup(func() { clock = oldClock })
		if _, err := s.GenerateBriefing(w.Bureau, w.County.ID, w.Today); err != nil {
			t.Fatalf("GenerateBriefing = %v", err)
		}
		c := newClient(t, Config{Orgs: s, People: s, Access: s, Health: s, Cases: s, Inbox: s, Webhooks: s, Alerts: s,
			Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, System: s, Jobs: s, Files: s, Readiness: s,
			Supplies: s, Quality: s, Inspections: s, Directives: s, Drills: s, Training: s, Environment: s}, s)
		roles := make([]string, 0, len(w.Accounts))
		clients := map[string]*client{}
		for name, u := range w.Accounts {
			roles = append(roles, name)
			clients[name] = c.withSession(sqlstoretest.MustSession(t, s, u))
		}
		for name := range clients {
			// A school's accounts see its contacts in full; a guardian, their own.
			clients[name] = clients[name].seeingContacts()
		}
		slices.Sort(roles)

		orgs := []int64{w.County.ID, w.Town.ID, w.School.ID, w.Class1.ID}
		wk := &apiWalk{t: t, c: c, Objects: covertwalk.Objects{IDs: map[string][]int64{
			"orgs": orgs, "schools": orgs, "classes": orgs,
			"people":            {w.Teacher.ID, w.Student.ID},
			"visits":            {w.AnnouncedVisit.ID},
			"inspections":       {w.Announced.ID},
			"rectifications":    {w.AnnouncedItem},
			"files":             {w.AnnouncedPhoto},
			"directives":        {w.Directive.ID},
			"drills":            nil,
			"training-sessions": nil,
			"users":             {w.Accounts["principal"].ID},
			"findings":          nil,
			"accountability":    nil,
			"alerts":            nil,
			"cases":             nil,
			"followups":         nil,
			"quality-findings":  nil,
			"suspensions":       nil,
			"supply-movements":  nil,
			"tokens":            nil,
			"webhooks":          nil,
			"inbox":             nil,
		}, Hidden: map[string]bool{}}, query: map[string][]string{
			"school_id": {itoa(w.School.ID)}, "org_id": {itoa(w.School.ID), itoa(w.County.ID)},
			"under": {itoa(w.School.ID), itoa(w.County.ID)}, "parent_id": {itoa(w.School.ID), itoa(w.County.ID)},
			"region_id": {itoa(w.County.ID)}, "class_id": {itoa(w.Class1.ID)},
			"person_id": {itoa(w.Student.ID), itoa(w.Teacher.ID)}, "inspection_id": {itoa(w.Announced.ID), itoa(covertwalk.MissingID)},
			"item_id": {itoa(w.AnnouncedItem), itoa(covertwalk.MissingID)}, "bus_route_id": {itoa(w.Route.ID)}, "dorm_room_id": {itoa(w.Room.ID)},
			"day": {w.Today.String(), w.Today.AddDays(-1).String()}, "from": {w.Today.AddDays(-6).String()},
			"to": {w.Today.AddDays(6).String()}, "limit": {"200"}, "offset": {"0"}, "q": {"暗访", "郑"},
			"actor": {"test"}, "action": {"visit.close"}, "object": {"visit"}, "kind": {"inspection"},
			"state": {"open", "answered", "returned", "closed"}, "measure": {"talk", "criticism"},
			"term": {campusguard.TermOf(w.Today).String()},
		}}
		wk.Values = map[string][]string{
			"day":   wk.query["day"][:1],
			"code":  {"H1"}, // a checklist item's code: the covert finding's
			"phase": {"1"},
			"kind":  {"classroom"},                // a kind of space (issue 14)
			"space": {itoa(covertwalk.MissingID)}, // the school has no space in this world
		}
		base := wk.walk(roles, clients)

		cv := w.MustCovert(t, s)
		secrets := append(slices.Clone(cv.Secrets), cv.RegionOnly...)
		wk.Hide("visits", cv.Visit.ID)
		wk.Hide("inspections", cv.Inspection.ID)
		wk.Hide("files", cv.Photo)
		wk.Hide("findings", cv.Finding.ID)
		wk.Hide("accountability", cv.Record.ID)
		wk.query["inspection_id"] = append(wk.query["inspection_id"], itoa(cv.Inspection.ID))
		planned := wk.walk(roles, clients)
		covertwalk.Same(t, "planned", base, planned, roles)
		covertwalk.Shows(t, "planned", planned, secrets, nil)
		wk.writes(roles, clients)
		if t.Failed() {
			return
		}

		cv.CarryOut(t, s, w)
		wk.Hide("rectifications", cv.Item)
		wk.query["item_id"] = append(wk.query["item_id"], itoa(cv.Item))
		done := wk.walk(roles, clients)
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
			for _, want := range []string{"GET /api/v1/visits/" + itoa(cv.Visit.ID), "GET /api/v1/orgs/" + itoa(w.School.ID) + "/rectifications"} {
				if !slices.Contains(seen[r], want) {
					t.Errorf("%s: %s does not show the visit carried out (it shows in %v)", r, want, seen[r])
				}
			}
		}
	})
}

// apiWalk reads every route with its parameters filled: each path's
// from Objects, each query's from query.
type apiWalk struct {
	covertwalk.Objects
	t *testing.T
	c *client
	// query gives a query parameter's values, by name; an enum's values
	// come from the document.
	query map[string][]string
}

// walkQueryFamily names the objects a query parameter's id is of, for
// those that may name a covert object.
var walkQueryFamily = map[string]string{"inspection_id": "inspections", "item_id": "rectifications"}

// paths returns every path of a route, with a key each: its parameters
// filled from the objects, and covertwalk.MissingID for every {id}.
func (wk *apiWalk) paths(rt Route) (keys, paths []string) {
	return wk.Paths(wk.t, rt.Method, rt.Pattern, "covertWalkSkip")
}

// urls returns every URL of a GET route, with a key each: the paths of
// paths, each with every query string of queries.
func (wk *apiWalk) urls(rt Route) (keys, urls []string) {
	keyPaths, paths := wk.paths(rt)
	qs := wk.queries(rt)
	for i, p := range paths {
		for _, q := range qs {
			sep := ""
			if q.real != "" {
				sep = "?"
			}
			urls = append(urls, p+sep+q.real)
			keys = append(keys, keyPaths[i]+sep+q.key)
		}
	}
	return keys, urls
}

type walkQuery struct{ real, key string }

// queries returns the query strings to read a route with: none; every
// parameter the document names at its first value; and each value of each
// parameter, alone and with the others at their first.
func (wk *apiWalk) queries(rt Route) []walkQuery {
	t := wk.t
	item := wk.c.doc.Paths.Value(rt.Pattern)
	if item == nil {
		t.Errorf("%s %s: not in the document", rt.Method, rt.Pattern)
		return nil
	}
	op := item.GetOperation(rt.Method)
	var names []string
	values := map[string][]string{}
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, pr := range ps {
			p := pr.Value
			if p.In != "query" || values[p.Name] != nil {
				continue
			}
			vals := wk.query[p.Name]
			if p.Schema != nil && p.Schema.Value != nil {
				sch := p.Schema.Value
				if sch.Items != nil && sch.Items.Value != nil && len(sch.Enum) == 0 {
					sch = sch.Items.Value
				}
				if len(sch.Enum) > 0 {
					vals = nil
				}
				for _, e := range sch.Enum {
					vals = append(vals, fmt.Sprint(e))
				}
				if sch.Type.Is("boolean") {
					vals = []string{"true", "false"}
				}
			}
			if len(vals) == 0 {
				t.Errorf("%s %s: no values for the query parameter %q: the walk cannot read it", rt.Method, rt.Pattern, p.Name)
				continue
			}
			names = append(names, p.Name)
			values[p.Name] = vals
		}
	}
	seen := map[string]bool{}
	var out []walkQuery
	add := func(v url.Values) {
		real := v.Encode()
		if seen[real] {
			return
		}
		seen[real] = true
		k := url.Values{}
		for name, vs := range v {
			for _, x := range vs {
				if fam := walkQueryFamily[name]; fam != "" {
					x = wk.KeyID(fam, x)
				}
				k.Add(name, x)
			}
		}
		out = append(out, walkQuery{real: real, key: k.Encode()})
	}
	add(url.Values{})
	first := url.Values{}
	for _, n := range names {
		first.Set(n, values[n][0])
	}
	add(first)
	for _, n := range names {
		for _, v := range values[n] {
			add(url.Values{n: {v}})
			all := url.Values{}
			for k, vs := range first {
				all[k] = vs
			}
			all.Set(n, v)
			add(all)
		}
	}
	return out
}

// walk reads every GET route as each role.
func (wk *apiWalk) walk(roles []string, clients map[string]*client) *covertwalk.Walked {
	t := wk.t
	t.Helper()
	out := covertwalk.NewWalked()
	n := 0
	for _, rt := range Routes() {
		name := rt.Method + " " + rt.Pattern
		if _, skip := covertWalkSkip[name]; skip || rt.Method != http.MethodGet {
			continue
		}
		keys, urls := wk.urls(rt)
		for _, role := range roles {
			for i, u := range urls {
				res := clients[role].get(u)
				k := role + " GET " + keys[i]
				out.Add(k, u, covertwalk.Answer{Status: res.Status, Text: answerText(t, u, res)})
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("the walk read nothing")
	}
	t.Logf("walked %d requests", n)
	return out
}

// answerText is what a response shows: an .xlsx's cells, sheet by sheet
// (a workbook with no sheet fails the test); any other body as it is.
func answerText(t *testing.T, u string, res *response) string {
	t.Helper()
	if !covertwalk.IsXLSX(res.Header) {
		return string(res.Body)
	}
	text, ok := covertwalk.XLSXText(t, u, res.Body)
	if ok && text == "" {
		t.Errorf("GET %s: an .xlsx with no cells", u)
	}
	return text
}

// writes sends every route of another method whose path names a covert
// object, as every role, and its twin with a missing id: the answers must
// be the same (a school account cannot learn the object is there), and
// none may succeed.
func (wk *apiWalk) writes(roles []string, clients map[string]*client) {
	t := wk.t
	t.Helper()
	n := 0
	for _, rt := range Routes() {
		name := rt.Method + " " + rt.Pattern
		if _, skip := covertWalkSkip[name]; skip || rt.Method == http.MethodGet || !strings.Contains(rt.Pattern, "{id}") {
			continue
		}
		_, urls := wk.paths(rt)
		for _, u := range urls {
			twin, ok := wk.Twin(u)
			if !ok {
				continue
			}
			for _, role := range roles {
				cl := clients[role]
				a := cl.send(rt.Method, u, map[string]any{})
				b := cl.send(rt.Method, twin, map[string]any{})
				n++
				if a.Status < 400 || a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
					t.Errorf("%s %s %s = %d %s; with a missing id = %d %s", role, rt.Method, u, a.Status, clip(a.Body), b.Status, clip(b.Body))
				}
			}
		}
	}
	if n == 0 {
		t.Error("no write names a covert object: the walk of writes sent nothing")
	}
}
