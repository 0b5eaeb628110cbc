package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/i18n"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestForeignWords signs in as every demo account, in each of the three
// languages, walks every page its links and htmx requests reach (a few of
// each kind), and fails on any word a person reads that is not the
// catalogue's: English on a Chinese page, Chinese-less raw codes such as
// "read_case" or "auto" on any page, a key the catalogue lacks. The
// catalogue's text is marked as it is rendered (i18n.SetMarking); what is
// left is data (names, numbers, codes with digits), where a word of Latin
// letters is either one of the demo's own data (a login) or a foreign word.
func TestForeignWords(t *testing.T) {
	ctx := context.Background()
	s := sqlstoretest.Open(t)
	today := campusguard.Date{Year: 2026, Month: time.December, Day: 4} // a Friday
	if _, err := app.BuildDemo(ctx, s, demo.Config{Seed: 1, Students: 800, Today: today, HistoryDays: 14}); err != nil {
		t.Fatal(err)
	}
	accounts, err := app.CreateDemoAccounts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, time.December, 4, 9, 30, 0, 0, campusguard.China)
	m := &app.Main{Open: s, Now: func() time.Time { return at }, Logger: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	i18n.SetMarking(true)
	defer i18n.SetMarking(false)

	// Data that is Latin by nature: the accounts' logins.
	data := map[string]bool{"campusguard": true} // the product's name, beside its Chinese one
	for _, a := range accounts {
		data[a.Login] = true
	}
	found := map[string][]string{} // word -> where (a few)
	pages := 0
	for _, a := range accounts {
		for _, l := range i18n.Langs {
			c := newCrawler(t, srv.URL, a.Login, l)
			c.walk(func(where, text string) {
				for _, w := range foreignWords(i18n.Unmarked(text)) {
					if data[w] {
						continue
					}
					if len(found[w]) < 3 {
						found[w] = append(found[w], fmt.Sprintf("%s %s %s: %q", a.Login, l, where, clip(i18n.Unmarked(text))))
					}
				}
			})
			pages += c.visited
		}
	}
	if pages < 100 {
		t.Fatalf("walked only %d pages: the crawler is broken", pages)
	}
	words := make([]string, 0, len(found))
	for w := range found {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		t.Errorf("%q is not the catalogue's, on:\n\t%s", w, strings.Join(found[w], "\n\t"))
	}
	t.Logf("walked %d pages as %d accounts in %d languages", pages, len(accounts), len(i18n.Langs))
}

// latinWord is a word of Latin letters (or a code of letters and
// underscores); one glued to digits is a code of data ("S001", "闽E·12345"
// is a plate: single letters are never words).
var latinWord = regexp.MustCompile(`[A-Za-z0-9_]*[A-Za-z_]{2,}[A-Za-z0-9_]*`)

// foreignWords returns the Latin words of text left outside the catalogue,
// except codes with digits and the unit °C.
func foreignWords(text string) []string {
	text = strings.ReplaceAll(text, "°C", "")
	var out []string
	for _, w := range latinWord.FindAllString(text, -1) {
		if strings.ContainsAny(w, "0123456789") {
			continue // a code of data: a student number, a plate
		}
		out = append(out, w)
	}
	return out
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// crawler walks the pages one account reaches in one language.
type crawler struct {
	t       *testing.T
	base    string
	client  *http.Client
	lang    i18n.Lang
	seen    map[string]bool
	kinds   map[string]int // pages visited per path shape (/orgs/N/cases)
	queue   []string
	visited int
}

// perKind and maxPages bound the walk: a few pages of each shape show
// every string of that page's template.
const (
	perKind  = 2
	maxPages = 120
)

func newCrawler(t *testing.T, base, login string, l i18n.Lang) *crawler {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &crawler{t: t, base: base, lang: l, seen: map[string]bool{}, kinds: map[string]int{},
		client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	// Sign in through the sign-in page, as a person would.
	page := c.get("/login")
	csrf := formValue(page, "csrf")
	form := url.Values{"login": {login}, "password": {app.DemoPassword}}
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", string(l))
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if p := resp.Request.URL.Path; p == "/login" {
		t.Fatalf("sign in as %s: still on the sign-in page", login)
	}
	// Pages that are not linked but that people reach: a bad ?day=, a
	// page that does not exist.
	c.queue = append(c.queue, "/", "/dashboard?day=not-a-day", "/no-such-page")
	return c
}

// get fetches a page and parses it; nil for what is not HTML.
func (c *crawler) get(path string) *html.Node {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("Accept-Language", string(c.lang))
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if resp.StatusCode >= 500 {
		c.t.Errorf("GET %s as %s: status %d", path, c.lang, resp.StatusCode)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return doc
}

var digits = regexp.MustCompile(`[0-9]+`)

// walk visits the queue's pages and those they link to, calling read with
// every text a person reads on them.
func (c *crawler) walk(read func(where, text string)) {
	for len(c.queue) > 0 && c.visited < maxPages {
		path := c.queue[0]
		c.queue = c.queue[1:]
		if c.seen[path] {
			continue
		}
		c.seen[path] = true
		u, _ := url.Parse(path)
		kind := digits.ReplaceAllString(u.Path, "N")
		if c.kinds[kind] >= perKind {
			continue
		}
		c.kinds[kind]++
		doc := c.get(path)
		if doc == nil {
			continue
		}
		c.visited++
		visit(doc, func(text string) { read(path, text) }, func(link string) {
			if next, ok := c.local(link); ok && !c.seen[next] {
				c.queue = append(c.queue, next)
			}
		})
	}
}

// local returns a link's path on the site when it is a page to visit: not
// an asset, a download, the language switch or a way out.
func (c *crawler) local(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" && c.base != u.Scheme+"://"+u.Host || !strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	p := u.Path
	for _, skip := range []string{"/static/", "/lang", "/logout", "/api/"} {
		if strings.HasPrefix(p, skip) {
			return "", false
		}
	}
	if strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".csv") || u.Query().Get("format") != "" {
		return "", false
	}
	u.Scheme, u.Host, u.Fragment = "", "", ""
	return u.String(), true
}

// visit calls text with every text node and every attribute a person reads
// or hears (title, placeholder, aria-label, alt, a button's value), and
// link with every link and htmx GET.
func visit(n *html.Node, text func(string), link func(string)) {
	switch n.Type {
	case html.TextNode:
		if s := strings.TrimSpace(n.Data); s != "" {
			text(s)
		}
	case html.ElementNode:
		if n.Data == "script" || n.Data == "style" {
			return
		}
		typ := attr(n, "type")
		for _, a := range n.Attr {
			switch {
			case slices.Contains([]string{"title", "placeholder", "aria-label", "alt", "data-busy-text", "data-confirm", "hx-confirm"}, a.Key):
				text(a.Val)
			case a.Key == "value" && n.Data == "input" && (typ == "submit" || typ == "button"):
				text(a.Val)
			case a.Key == "href" && n.Data == "a", a.Key == "hx-get":
				link(a.Val)
			case a.Key == "content" && n.Data == "meta" && attr(n, "name") == "description":
				text(a.Val)
			}
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		visit(ch, text, link)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// formValue returns the value of the first input named name.
func formValue(n *html.Node, name string) string {
	if n == nil {
		return ""
	}
	if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name {
		return attr(n, "value")
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if v := formValue(ch, name); v != "" {
			return v
		}
	}
	return ""
}
