// Package i18n holds the message catalogues: Simplified Chinese (the
// default), Traditional Chinese and English, and picks one per request.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
)

// Lang is a supported interface language.
type Lang string

// The supported languages. Hans is the default.
const (
	Hans Lang = "zh-Hans"
	Hant Lang = "zh-Hant"
	En   Lang = "en"
)

// Langs lists the supported languages in the order the switch shows them.
var Langs = []Lang{Hans, Hant, En}

// Each language's catalogue is a folder of JSON files, one per part of the
// product, so that work on one part never edits another's file.
//
//go:embed catalog
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		m, err := load(files, "catalog/"+string(l))
		if err != nil {
			panic(err)
		}
		catalogs[l] = m
	}
}

// load reads every .json file of dir into one map. A key defined in two
// files is an error: one of them would silently win.
func load(fsys fs.FS, dir string) (map[string]string, error) {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("i18n: no catalogue in %s", dir)
	}
	m := map[string]string{}
	from := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		part := map[string]string{}
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("i18n: catalogue %s: %v", name, err)
		}
		for k, v := range part {
			if prev, ok := from[k]; ok {
				return nil, fmt.Errorf("i18n: %q is in both %s and %s", k, prev, name)
			}
			m[k], from[k] = v, name
		}
	}
	return m, nil
}

// Parse returns the language a code names ("zh-CN", "zh-TW", "en-US", ...),
// and false when it names none that is supported.
func Parse(code string) (Lang, bool) {
	c := strings.ToLower(strings.TrimSpace(code))
	switch {
	case c == "":
		return "", false
	case c == "zh-hant" || strings.HasPrefix(c, "zh-tw") || strings.HasPrefix(c, "zh-hk") ||
		strings.HasPrefix(c, "zh-mo") || strings.HasPrefix(c, "zh-hant"):
		return Hant, true
	case c == "zh" || strings.HasPrefix(c, "zh-"):
		return Hans, true
	case c == "en" || strings.HasPrefix(c, "en-"):
		return En, true
	}
	return "", false
}

// Match picks the language for an Accept-Language header: the first
// supported one in the client's order of preference, else Hans.
func Match(acceptLanguage string) Lang {
	best, bestQ := Hans, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// T translates a message key with its arguments (fmt verbs in the catalogue).
// A key missing from the language falls back to Simplified Chinese, then to
// the key itself, so that a missing entry is visible but never fatal.
func T(l Lang, key string, args ...any) string {
	s, ok := catalogs[l][key]
	if !ok {
		s, ok = catalogs[Hans][key]
	}
	if !ok {
		s = key
	} else if marking.Load() {
		s = mark(s)
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// T is T in l: the method value l.T is a translator for code that takes
// one (the workbooks of internal/export).
func (l Lang) T(key string, args ...any) string { return T(l, key, args...) }

// Has reports whether key is in l's catalogue.
func Has(l Lang, key string) bool {
	_, ok := catalogs[l][key]
	return ok
}

// Keys returns every key of l's catalogue.
func Keys(l Lang) []string {
	keys := make([]string, 0, len(catalogs[l]))
	for k := range catalogs[l] {
		keys = append(keys, k)
	}
	return keys
}

// MarkStart and MarkEnd enclose each piece of catalogue text T returns while
// marking is on (characters of Unicode's private use area, which no message
// holds), so that a test can tell the catalogue's words on a page from
// everything else there: data, and words that escaped the catalogue.
const (
	MarkStart = '\uE000'
	MarkEnd   = '\uE001'
)

var marking atomic.Bool

// SetMarking turns marking on or off, for tests: while it is on, T encloses
// the literal text of every message in MarkStart and MarkEnd, leaving its
// arguments (names, numbers, nested messages) outside. A key missing from
// every catalogue is never marked.
func SetMarking(on bool) { marking.Store(on) }

// mark encloses each run of s between fmt verbs in the marks.
func mark(s string) string {
	var b strings.Builder
	open := false
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) && s[i+1] != '%' {
			// A verb: flags, width, precision, then the verb's letter.
			j := i + 1
			for j < len(s) && strings.IndexByte("+-# 0123456789.[]*", s[j]) >= 0 {
				j++
			}
			if j < len(s) {
				j++
			}
			if open {
				b.WriteRune(MarkEnd)
				open = false
			}
			b.WriteString(s[i:j])
			i = j - 1
			continue
		}
		if !open {
			b.WriteRune(MarkStart)
			open = true
		}
		b.WriteByte(s[i])
		if s[i] == '%' && i+1 < len(s) { // "%%"; a lone "%" at the end stays as it is
			i++
			b.WriteByte('%')
		}
	}
	if open {
		b.WriteRune(MarkEnd)
	}
	return b.String()
}

// Unmarked returns what of s lies outside every marked piece (pieces may
// nest, a message's argument being a message too).
func Unmarked(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == MarkStart:
			depth++
		case r == MarkEnd:
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
