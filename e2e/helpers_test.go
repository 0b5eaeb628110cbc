package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"campusguard"
	"campusguard/internal/authn"
)

// tabTimeout bounds a whole test's use of its tab; queryTimeout bounds one
// look-up, so that a missing element fails in seconds, not at the end.
const (
	tabTimeout   = 60 * time.Second
	queryTimeout = 10 * time.Second
)

// viewport is a window size to test at.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var (
	desktop = viewport{name: "desktop", width: 1280, height: 900}
	phone   = viewport{name: "phone", width: 390, height: 844, phone: true}
)

// tab is one browser tab of a test, in a browser context of its own, so
// that no cookie (the language choice) leaks from one test to another.
type tab struct {
	t    testing.TB
	ctx  context.Context
	base string // the server the tab talks to; "" is the package's
}

// origin returns the URL of the server the tab talks to.
func (b *tab) origin() string {
	if b.base != "" {
		return b.base
	}
	return server.URL()
}

// newTab opens a tab at the viewport, sending Accept-Language acceptLang
// (a county office's browser says zh-CN), signed in as the demo county's
// region admin. It skips the test when the run has no browser.
func newTab(t testing.TB, vp viewport, acceptLang string) *tab {
	t.Helper()
	return newTabAs(t, vp, acceptLang, bureauSession)
}

// newTabAs opens a tab signed in with the session token; "" for a visitor
// who has not signed in.
func newTabAs(t testing.TB, vp viewport, acceptLang, session string) *tab {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first Run opens the tab; a timeout on it would close the tab when
	// it ends, so the test's timeout goes on a child context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, tabTimeout)
	t.Cleanup(tcancel)
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if vp.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	setLang := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": acceptLang}})
		return err
	})
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(vp.width, vp.height, opts...), setLang); err != nil {
		t.Fatalf("set up %s tab: %v", vp.name, err)
	}
	b := &tab{t: t, ctx: tctx}
	if session != "" {
		b.setSession(session)
	}
	return b
}

// setSession gives the tab the session cookie, as the login page would.
func (b *tab) setSession(token string) {
	b.t.Helper()
	_, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{Name: authn.CookieName, Value: token,
		URL: server.URL() + "/", Path: "/", HTTPOnly: ptr(true), SameSite: network.CookieSameSiteLax})
	if err != nil {
		b.t.Fatalf("set the session cookie: %v", err)
	}
}

// signIn makes an account with the grants and returns its session token.
func signIn(tb testing.TB, login string, grants ...campusguard.Grant) string {
	tb.Helper()
	if skipReason != "" {
		tb.Skip(skipReason)
	}
	u := &campusguard.User{Login: login, Name: login, Grants: grants}
	if err := store.CreateUser(sysCtx(tb), u, password); err != nil {
		tb.Fatalf("create user %s: %v", login, err)
	}
	sess, err := store.Login(tb.Context(), login, password, "127.0.0.1")
	if err != nil {
		tb.Fatalf("sign in %s: %v", login, err)
	}
	return sess.Token
}

// click clicks the first element the selector matches, for what changes
// the page in place (a menu that opens).
func (b *tab) click(sel string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s on %s: %v", sel, b.path(), err)
	}
}

// typeIn types the text into the field the selector matches.
func (b *tab) typeIn(sel, text string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		b.t.Fatalf("type in %s on %s: %v", sel, b.path(), err)
	}
}

// choose sets the value of the select the selector matches.
func (b *tab) choose(sel, value string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		b.t.Fatalf("choose %s in %s: %v", value, sel, err)
	}
}

// testid returns the CSS selector of the elements with the data-testid.
func testid(id string) string { return fmt.Sprintf("[data-testid=%q]", id) }

// query returns a context for one look-up.
func (b *tab) query() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, queryTimeout)
}

// open loads the path of the server and fails unless it answers 200.
func (b *tab) open(path string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.origin()+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("open %s: status got %d, want 200", path, resp.Status)
	}
}

// follow clicks the first element the selector matches, waits for the page
// it leads to and fails unless that answers 200.
func (b *tab) follow(sel string) {
	b.t.Helper()
	b.clickFor(sel, http.StatusOK)
}

// clickFor clicks the first element the selector matches, waits for the
// page it leads to and fails unless that answers status.
func (b *tab) clickFor(sel string, status int64) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s on %s: %v", sel, b.path(), err)
	}
	if resp.Status != status {
		b.t.Fatalf("click %s: status of %s got %d, want %d", sel, resp.URL, resp.Status, status)
	}
}

// setFile chooses the file in the file input the selector matches.
func (b *tab) setFile(sel, path string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path})); err != nil {
		b.t.Fatalf("choose %s in %s: %v", path, sel, err)
	}
}

// path returns the path and query of the page the tab shows.
func (b *tab) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.origin())
}

// text returns the visible text of the first element the selector matches,
// trimmed; it fails when there is none.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s on %s: %v", sel, b.path(), err)
	}
	return strings.TrimSpace(s)
}

// texts returns the trimmed visible text of every element the selector
// matches, in document order; none is an empty slice.
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	return evalJS[[]string](b, fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), e => e.innerText.trim())`, jsString(sel)))
}

// attrs returns the attribute name of every element the selector matches.
func (b *tab) attrs(sel, name string) []string {
	b.t.Helper()
	return evalJS[[]string](b, fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), e => e.getAttribute(%s) || "")`, jsString(sel), jsString(name)))
}

// count returns how many elements the selector matches.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return evalJS[int](b, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// htmlLang returns the lang attribute of the page's root element.
func (b *tab) htmlLang() string {
	b.t.Helper()
	return evalJS[string](b, `document.documentElement.lang`)
}

// evalJS evaluates a script in the page and decodes its value.
func evalJS[T any](b *tab, script string) T {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", script, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// overflow returns the page's width and the window's: a page wider than its
// window scrolls sideways, which on a phone hides columns.
func (b *tab) overflow() (scrollWidth, innerWidth int) {
	b.t.Helper()
	w := evalJS[[]int](b, `[document.documentElement.scrollWidth, window.innerWidth]`)
	return w[0], w[1]
}

// screenshot returns a PNG of the whole page.
func (b *tab) screenshot() []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot of %s: %v", b.path(), err)
	}
	return png
}

// apiGet fetches a JSON document of the API (path under /api/v1) into v,
// as the demo county's region admin.
func apiGet(t testing.TB, path string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, server.URL()+"/api/v1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1%s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1%s: status got %d, want 200", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET /api/v1%s: decode: %v", path, err)
	}
}

// apiOrg is GET /api/v1/orgs/{id}: the node, its counts and its ancestors.
type apiOrg struct {
	campusguard.Org
	Ancestors []*campusguard.Org `json:"ancestors"`
}

func getOrg(t testing.TB, id int64) *apiOrg {
	t.Helper()
	var o apiOrg
	apiGet(t, fmt.Sprintf("/orgs/%d", id), &o)
	if o.Counts == nil {
		t.Fatalf("GET /api/v1/orgs/%d has no counts", id)
	}
	return &o
}

// apiList is a page of a list of the API.
type apiList[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// children returns the nodes under the parent, with their counts.
func children(t testing.TB, parentID int64) []*campusguard.Org {
	t.Helper()
	var l apiList[*campusguard.Org]
	apiGet(t, fmt.Sprintf("/orgs?parent_id=%d&counts=true&limit=100", parentID), &l)
	if l.Total != len(l.Items) {
		t.Fatalf("GET /api/v1/orgs?parent_id=%d: got %d of %d children, want all", parentID, len(l.Items), l.Total)
	}
	return l.Items
}

// rootRegion returns the id of the demo county: the oldest region without
// parent, which is where / leads (tests may add trees of their own).
func rootRegion(t testing.TB) int64 {
	t.Helper()
	var l apiList[*campusguard.Org]
	apiGet(t, "/orgs?kind=region&limit=100", &l)
	var root int64
	for _, o := range l.Items {
		if o.ParentID == nil && (root == 0 || o.ID < root) {
			root = o.ID
		}
	}
	if root == 0 {
		t.Fatalf("GET /api/v1/orgs?kind=region: no root among %d regions", len(l.Items))
	}
	return root
}

// firstWith returns the first node of the kind that has students.
func firstWith(t testing.TB, nodes []*campusguard.Org, kind campusguard.OrgKind) *campusguard.Org {
	t.Helper()
	for _, o := range nodes {
		if o.Kind == kind && o.Counts != nil && o.Counts.Students > 0 {
			return o
		}
	}
	t.Fatalf("no %s with students among %d nodes", kind, len(nodes))
	return nil
}

// linkTo returns the selector of the link with the data-testid to the node.
func linkTo(id string, orgID int64) string {
	return fmt.Sprintf("%s[href=%q]", testid(id), fmt.Sprintf("/orgs/%d", orgID))
}
