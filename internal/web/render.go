package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// sharedTemplates are parsed into every page's set.
var sharedTemplates = []string{"templates/layout.html", "templates/parts.html"}

// pageTemplate is the parsed set of one page: the layout, the parts and the
// page's own file, which defines "main".
type pageTemplate struct {
	name string
	tmpl *template.Template
}

// parsePages parses each templates/pages/NAME.html with the shared
// templates into a set of its own, so that pages cannot clash on block names.
func parsePages(funcs template.FuncMap) (map[string]*pageTemplate, error) {
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	// Parts of a page that live in files of their own (templates/parts),
	// so that sections of one page can grow apart.
	parts, err := fs.Glob(templateFS, "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*pageTemplate, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, append(append(sharedTemplates[:len(sharedTemplates):len(sharedTemplates)], parts...), f)...)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		for _, block := range []string{"layout", "main"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("page %s: no %q template", name, block)
			}
		}
		pages[name] = &pageTemplate{name: name, tmpl: t}
	}
	return pages, nil
}

// renderHook, when set (by tests), is told the name of each page rendered.
var renderHook func(page string)

// pageData is what every page struct gives the layout.
type pageData interface {
	page() *basePage
}

// render executes a page into a buffer and writes it only when that
// succeeds. An htmx request gets the main block alone.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	block := "layout"
	if isHTMX(r) {
		block = "main"
	}
	var buf bytes.Buffer
	if err := t.tmpl.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if renderHook != nil {
		renderHook(name)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages hold personal data; shared phones keep no copy
	h.Add("Vary", "HX-Request, Cookie, Accept-Language")
	h.Set("Content-Language", string(data.page().Lang))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// embedded are the assets and the parsed page templates, loaded once per
// process and shared by every Server: they come from the embedded files,
// which cannot change while the program runs, and a parsed html/template
// may be executed by several goroutines at once. The tests build a server
// for nearly every test, and parsing the templates each time was an eighth
// of the CPU of package web's tests.
var embedded struct {
	once   sync.Once
	static *staticFiles
	pages  map[string]*pageTemplate
	err    error
}

// loadEmbedded returns the assets and the parsed page templates.
func loadEmbedded() (*staticFiles, map[string]*pageTemplate, error) {
	e := &embedded
	e.once.Do(func() {
		e.static, e.err = loadStatic()
		if e.err == nil {
			e.pages, e.err = parsePages(templateFuncs(e.static))
		}
	})
	return e.static, e.pages, e.err
}

// templateFuncs are the functions the templates may call. None depends on
// the request or the server; translation goes through the page's T method.
func templateFuncs(st *staticFiles) template.FuncMap {
	return template.FuncMap{
		"static": st.url,
		"num":    formatNumber,
	}
}

// crumb is one step of the breadcrumbs.
type crumb struct {
	Name string
	URL  string // "" for the current page
}

// langLink is one entry of the language switch.
type langLink struct {
	Lang    i18n.Lang
	Label   string
	URL     string
	Current bool
}

// basePage holds what the layout needs; every page struct embeds it.
type basePage struct {
	Lang   i18n.Lang
	Title  string // translated
	Crumbs []crumb
	Langs  []langLink
	Me     *userView // the signed-in user; nil when no one is

	CSRF string // the session's CSRF token, for forms and htmx
	// DayNote says that today is a day off and which school day the
	// page shows instead; "" on a school day.
	DayNote string
	loc     *time.Location
	actor   *campusguard.Actor
}

// userView is the signed-in user as the top bar shows them, with the
// pages their rights open.
type userView struct {
	Name     string
	Roles    []string  // translated: "区域管理员 · 云霄县"
	Password bool      // a user's session (not a device token): may change the password
	Manage   bool      // users and tokens
	Audit    bool      // the audit log
	Hooks    bool      // the webhooks
	Alerts   bool      // the early-warning alerts
	Overview bool      // the dashboard (总览)
	Settings []navLink // the settings of the regions the user administers
	System   bool      // the system administrator's page: backups, retention
	Unread   int       // unread notifications, for the inbox badge
	EnvURL   string    // the log page of ventilation and disinfection (issue 14), for a school's staff
}

// navLink is one link of the user menu.
type navLink struct {
	Label string
	URL   string
}

func (b *basePage) page() *basePage { return b }

// T translates a message key with its arguments into the page's language.
func (b *basePage) T(key string, args ...any) string { return tr(b.Lang, key, args...) }

// TArgs translates a key whose arguments come as one slice, as those of a
// campusguard.FieldError do.
func (b *basePage) TArgs(key string, args []any) string { return tr(b.Lang, key, args...) }

// Time formats an instant in the server's zone.
func (b *basePage) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(b.loc).Format("2006-01-02 15:04")
}

// base returns the layout's part of a page for r, with the title given as a
// message key ("" for none yet).
func (s *Server) base(r *http.Request, titleKey string) basePage {
	l := s.lang(r)
	b := basePage{Lang: l, loc: s.Location, actor: campusguard.ActorFrom(r.Context()), CSRF: authn.CSRFToken(r.Context())}
	if titleKey != "" {
		b.Title = tr(l, titleKey)
	}
	if a := b.actor; a != nil {
		b.Me = &userView{Name: a.Name, Roles: roleLabels(l, a), Password: a.UserID != 0 && !a.System,
			Manage: a.CanAnywhere(campusguard.ManageUsers), Audit: a.CanAnywhere(campusguard.ReadAudit),
			Hooks: s.Hooks != nil && a.CanAnywhere(campusguard.ManageHooks), Alerts: s.Alerts != nil && a.CanAnywhere(campusguard.ReadCases), Overview: s.Dashboards != nil && a.CanAnywhere(campusguard.ReadOrg)}
		if s.Settings != nil {
			b.Me.Settings = settingsLinks(l, a)
		}
		b.Me.System = s.System.Service != nil && isSystemAdmin(a)
		if s.Environment != nil {
			b.Me.EnvURL = envLogURL(a)
		}
		if !isHTMX(r) { // the badge sits in the layout, which htmx answers leave out
			b.Me.Unread = s.unread(r)
		}
	}
	back := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		back = r.URL.Path
	}
	b.setBack(back)
	return b
}

// setBack sets the page the language switch comes back to: the page
// itself, or for the answer to a post, the page to show instead.
func (b *basePage) setBack(back string) {
	b.Langs = b.Langs[:0]
	for _, x := range i18n.Langs {
		b.Langs = append(b.Langs, langLink{Lang: x, Label: tr(x, "lang.self"), Current: x == b.Lang,
			URL: "/lang?" + url.Values{"set": {string(x)}, "back": {back}}.Encode()})
	}
}

// tr translates key with args. Arguments the message has no verb for are
// dropped, so that a domain error's detail (NotFound's "org") never shows
// as fmt's %!(EXTRA ...).
func tr(l i18n.Lang, key string, args ...any) string {
	if len(args) == 0 {
		return i18n.T(l, key)
	}
	format := i18n.T(l, key)
	n := countVerbs(format)
	if n == 0 {
		return format
	}
	if len(args) > n {
		args = args[:n]
	}
	return i18n.T(l, key, args...)
}

// countVerbs counts the fmt verbs in a catalogue message; "%%" is none.
func countVerbs(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			i++
			continue
		}
		n++
	}
	return n
}

// fieldLabel names a field of an error for people: a label from the
// catalogue, else a roster column's Chinese header, else the field itself.
func fieldLabel(l i18n.Lang, field string) string {
	if key := "field." + field; i18n.Has(i18n.Hans, key) {
		return tr(l, key)
	}
	if h := rosterHeader(field); h != "" {
		return h
	}
	return field
}

// importColumn names the column of an import error as the school's sheet
// does: the template's Chinese header for a roster field, else a label from
// the catalogue ("file"), else the field itself, which for an unknown
// column is the header text found in the file.
func importColumn(l i18n.Lang, field string) string {
	if h := rosterHeader(field); h != "" {
		return h
	}
	return fieldLabel(l, field)
}

func rosterHeader(field string) string {
	for _, c := range campusguard.RosterColumns {
		if c.Key == field {
			return c.Header
		}
	}
	return ""
}

// pagerRef hands the pager part its pager and the page that translates.
type pagerRef struct {
	P     *basePage
	Pager pager
}

// PagerOf returns what the "pager" template needs for p.
func (b *basePage) PagerOf(p pager) pagerRef { return pagerRef{P: b, Pager: p} }

// formatNumber writes n with thousands separators: 70,000 reads faster than
// 70000 in Chinese and in English alike.
func formatNumber(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
