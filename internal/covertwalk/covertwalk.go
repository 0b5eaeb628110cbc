// Package covertwalk holds what the covert-inspection walk tests of
// internal/api and internal/web share: the answers a walk records and how
// two walks are compared (Same, Shows), how a route's path parameters are
// filled with the ids of real, covert and missing objects (Objects), and
// how an .xlsx answer is read as text. Only those tests import it; no
// product code does.
package covertwalk

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// MissingID is an id no object has: a covert object's id must answer
// exactly as it does.
const MissingID = 987654321

// Answer is one response as a walk compares it.
type Answer struct {
	Status int
	Text   string // what the response shows; each walk says what goes in
}

// Walked maps "role GET url" (covert ids written as MissingID) to the
// answers, and keeps the real URLs for messages.
type Walked struct {
	Answers map[string][]Answer
	URLs    map[string][]string
}

// NewWalked returns an empty walk.
func NewWalked() *Walked {
	return &Walked{Answers: map[string][]Answer{}, URLs: map[string][]string{}}
}

// Add records the answer a at the real URL u under the key k.
func (w *Walked) Add(k, u string, a Answer) {
	w.Answers[k] = append(w.Answers[k], a)
	w.URLs[k] = append(w.URLs[k], u)
}

// Same checks that the roles' answers in got are those of want, key by
// key, and that got walked every key of want.
func Same(tb testing.TB, when string, want, got *Walked, roles []string) {
	tb.Helper()
	var keys []string
	for k := range want.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bad := 0
	for _, k := range keys {
		role, _, _ := strings.Cut(k, " ")
		if !slices.Contains(roles, role) {
			continue
		}
		gs, ok := got.Answers[k]
		if !ok {
			tb.Errorf("%s: %s was not walked again", when, k)
			continue
		}
		w := want.Answers[k][0]
		for i, g := range gs {
			if g == w {
				continue
			}
			bad++
			if bad <= 20 {
				tb.Errorf("%s: %s GET %s = %d, differs from the answer without the covert inspection (GET %s = %d):\n%s",
					when, role, got.URLs[k][i], g.Status, want.URLs[k][0], w.Status, Diff(w.Text, g.Text))
			}
		}
	}
	if bad > 20 {
		tb.Errorf("%s: %d answers differ in all", when, bad)
	}
}

// Shows checks that no answer of a role shows any of the texts, except
// for the roles in allowed; it returns, for those, the "GET path" (the URL
// without its query) of the answers that show one.
func Shows(tb testing.TB, when string, got *Walked, texts, allowed []string) map[string][]string {
	tb.Helper()
	seen := map[string][]string{}
	var keys []string
	for k := range got.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		role, _, _ := strings.Cut(k, " ")
		for i, a := range got.Answers[k] {
			for _, s := range texts {
				if !strings.Contains(a.Text, s) {
					continue
				}
				if slices.Contains(allowed, role) {
					u, _, _ := strings.Cut(got.URLs[k][i], "?")
					if !slices.Contains(seen[role], "GET "+u) {
						seen[role] = append(seen[role], "GET "+u)
					}
					break
				}
				tb.Errorf("%s: %s GET %s = %d shows %q", when, role, got.URLs[k][i], a.Status, s)
			}
		}
	}
	return seen
}

// Diff shows where two texts part: the one without the covert inspection
// and the one with it.
func Diff(without, with string) string {
	i := 0
	for i < len(without) && i < len(with) && without[i] == with[i] {
		i++
	}
	lo := max(0, i-150)
	return fmt.Sprintf("  without: …%s…\n  with:    …%s…", clip(without[lo:], 400), clip(with[lo:], 400))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// IsXLSX reports whether a response with header h is an .xlsx.
func IsXLSX(h http.Header) bool {
	return strings.Contains(h.Get("Content-Type"), "spreadsheetml")
}

// XLSXText returns what an .xlsx shows: its cells, sheet by sheet, each
// sheet's name in brackets and then its rows, a cell a tab. A body that is
// not an .xlsx fails the test; XLSXText then returns the body as it is and
// false. u is the URL the body came from, for messages.
func XLSXText(tb testing.TB, u string, body []byte) (string, bool) {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		tb.Errorf("GET %s: not an .xlsx: %v", u, err)
		return string(body), false
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			tb.Errorf("GET %s: sheet %s: %v", u, sh, err)
		}
		fmt.Fprintf(&b, "[%s]\n", sh)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String(), true
}

// PathParam matches a route pattern's path parameter: "{id}", "{path...}".
var PathParam = regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`)

// Objects are the objects a walk names in paths: those of the world and
// the covert ones.
type Objects struct {
	// IDs are the ids a path's {id} takes, by the segment before it
	// ("visits"); a family with no ids is walked with MissingID alone.
	IDs map[string][]int64
	// Values are the values every other path parameter takes, by name.
	Values map[string][]string
	// Hidden are the covert objects, as "family/id" ("visits/7"): in a
	// walk's key their id reads as MissingID, so that the answer about
	// them is compared with the baseline's answer about an id that does
	// not exist.
	Hidden map[string]bool
}

// Hide adds a covert object of the family fam ("visits"): the walk names
// it, and its keys name MissingID instead.
func (o *Objects) Hide(fam string, id int64) {
	o.IDs[fam] = append(o.IDs[fam], id)
	o.Hidden[fam+"/"+itoa(id)] = true
}

// KeyID returns the id v of the family fam as a walk's key writes it:
// MissingID for a covert object, v for any other.
func (o *Objects) KeyID(fam, v string) string {
	if o.Hidden[fam+"/"+v] {
		return itoa(MissingID)
	}
	return v
}

// Paths returns every path of the route "method pattern", with a key each:
// every {id} filled with each of IDs and then MissingID, every other
// parameter with each of its Values. A parameter it has no values for
// fails the test (skip names the list a route can be left out in), and
// the route then has no paths.
func (o *Objects) Paths(tb testing.TB, method, pattern, skip string) (keys, paths []string) {
	tb.Helper()
	paths, keys = []string{pattern}, []string{pattern}
	for len(paths) > 0 && PathParam.MatchString(paths[0]) {
		name := PathParam.FindStringSubmatch(paths[0])[1]
		var np, nk []string
		for i, p := range paths {
			m := PathParam.FindStringSubmatchIndex(p)
			mk := PathParam.FindStringSubmatchIndex(keys[i])
			var vals []string
			var fam string
			if name == "id" {
				segs := strings.Split(strings.TrimSuffix(p[:m[0]], "/"), "/")
				fam = segs[len(segs)-1]
				ids, ok := o.IDs[fam]
				if !ok {
					tb.Errorf("%s %s: no ids for /%s/{id}: the walk cannot read this route; give it ids or list it in %s",
						method, pattern, fam, skip)
					return nil, nil
				}
				for _, id := range ids {
					vals = append(vals, itoa(id))
				}
				vals = append(vals, itoa(MissingID))
			} else {
				var ok bool
				if vals, ok = o.Values[name]; !ok {
					tb.Errorf("%s %s: no values for {%s}: the walk cannot read this route", method, pattern, name)
					return nil, nil
				}
			}
			for _, v := range vals {
				np = append(np, p[:m[0]]+v+p[m[1]:])
				kv := v
				if name == "id" {
					kv = o.KeyID(fam, v)
				}
				nk = append(nk, keys[i][:mk[0]]+kv+keys[i][mk[1]:])
			}
		}
		paths, keys = np, nk
	}
	return keys, paths
}

// Twin returns the path u with its last covert object's id replaced by
// MissingID, and whether u names a covert object at all.
func (o *Objects) Twin(u string) (string, bool) {
	var hid string
	segs := strings.Split(u, "/")
	for i := 1; i < len(segs); i++ {
		if o.Hidden[segs[i-1]+"/"+segs[i]] {
			hid = segs[i-1] + "/" + segs[i]
		}
	}
	if hid == "" {
		return "", false
	}
	fam, _, _ := strings.Cut(hid, "/")
	return strings.Replace(u, "/"+hid, "/"+fam+"/"+itoa(MissingID), 1), true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
