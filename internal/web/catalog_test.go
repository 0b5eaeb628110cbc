package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"campusguard/internal/i18n"
	"campusguard/internal/web"
)

// TestCatalogComplete checks that every language has every key, with the
// same number of arguments, and that Traditional Chinese is not Simplified.
func TestCatalogComplete(t *testing.T) {
	ref := i18n.Keys(i18n.Hans)
	slices.Sort(ref)
	// Characters that exist only in Simplified Chinese; Traditional text
	// has their traditional forms instead.
	const simplifiedOnly = "这们为会时说对发没经现动进国级检导护监号码证错误请输数车线场门间页条读员长师区县镇乡务体观离厕简传递载关闭总计状态类称转换设选择编辑录确认学报医卫"
	for _, l := range i18n.Langs {
		keys := i18n.Keys(l)
		slices.Sort(keys)
		for _, k := range ref {
			if !i18n.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
				continue
			}
			v := i18n.T(l, k)
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s %q is empty", l, k)
			}
			if got, want := strings.Count(v, "%"), strings.Count(i18n.T(i18n.Hans, k), "%"); got != want {
				t.Errorf("%s %q has %d verbs, zh-Hans has %d", l, k, got, want)
			}
			if l == i18n.Hant {
				if i := strings.IndexFunc(v, func(r rune) bool { return strings.ContainsRune(simplifiedOnly, r) }); i >= 0 {
					t.Errorf("zh-Hant %q = %q uses the Simplified character %q", k, v, []rune(v[i:])[0])
				}
			}
		}
		for _, k := range keys {
			if !i18n.Has(i18n.Hans, k) {
				t.Errorf("%s has %q, which zh-Hans lacks", l, k)
			}
		}
	}
}

// TestCatalogKeysUsed checks that every message key the templates and the
// Go code use is in every catalogue.
func TestCatalogKeysUsed(t *testing.T) {
	used := map[string]string{} // key -> where
	tmplKey := regexp.MustCompile(`\bT "([^"]+)"`)
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the templates: the pattern is broken", len(used))
	}
	// Keys in Go code are string literals in the catalogue's namespaces; a
	// literal ending in "." is a prefix, completed by DynamicKeys.
	namespaces := map[string]bool{}
	for _, k := range i18n.Keys(i18n.Hans) {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	goKey := regexp.MustCompile(`"([a-z_]+)\.([a-z0-9_.]*[a-z0-9_])"`)
	// This package, and the packages whose errors the pages show.
	for _, dir := range []string{".", "../..", "../sqlstore", "../importer"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
				if namespaces[m[1]] && (dir == "." || m[1] == "error") {
					used[m[1]+"."+m[2]] = f
				}
			}
		}
	}
	for _, k := range web.DynamicKeys() {
		used[k] = "DynamicKeys"
	}
	for k, where := range used {
		for _, l := range i18n.Langs {
			if !i18n.Has(l, k) {
				t.Errorf("%s uses %q, which %s lacks", where, k, l)
			}
		}
	}
}

// TestTemplatesHaveNoLiteralWords: every word a template shows comes from
// the catalogue. Outside its actions, a template's text between tags, and
// the attributes people read, hold no letters but the unit °C, the
// product's name and code (<code>, <pre>); what the Go code puts on a page is checked by
// TestForeignWords (internal/app), which reads the rendered pages.
func TestTemplatesHaveNoLiteralWords(t *testing.T) {
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	comment := regexp.MustCompile(`(?s)<!--.*?-->`)
	// Scripts, styles, and code (a command, a header's format) are not words.
	script := regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<code[^>]*>.*?</code>|<pre[^>]*>.*?</pre>`)
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	readAttr := regexp.MustCompile(`\b(?:title|placeholder|aria-label|alt|data-busy-text|data-confirm|hx-confirm)="([^"]*)"`)
	letter := regexp.MustCompile(`\p{L}+`)
	allowed := strings.NewReplacer("°C", "", "campusguard", "")
	files := 0
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		src := action.ReplaceAllString(string(b), "")
		src = script.ReplaceAllString(comment.ReplaceAllString(src, ""), "")
		var read []string
		for _, m := range readAttr.FindAllStringSubmatch(src, -1) {
			read = append(read, m[1])
		}
		read = append(read, tag.Split(src, -1)...)
		for _, s := range read {
			if w := letter.FindString(allowed.Replace(s)); w != "" {
				t.Errorf("%s: %q is not from the catalogue (in %q)", p, w, strings.TrimSpace(s))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 30 {
		t.Fatalf("read only %d templates", files)
	}
}

// TestChineseCataloguesHaveNoEnglish: a Chinese message holds no English
// word ("今日已签发 by %s at %s" did), only the technical names people meet
// as they are: file kinds, protocols, headers, commands and the like.
func TestChineseCataloguesHaveNoEnglish(t *testing.T) {
	technical := map[string]bool{}
	for _, w := range strings.Fields(`Excel CSV csv xlsx GBK UTF JSON MB false true DD MM YYYY RFC API orgs people
		Authorization Bearer http https POST HMAC SHA Unix Campusguard Delivery xx EARS XXXXX person PATH PostgreSQL
		client postgresql campusguard force db backup dir restore data file form multipart application json
		JPEG PNG WebP PDF HEIC Webhook`) {
		technical[w] = true
	}
	verb := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	word := regexp.MustCompile(`[A-Za-z_]{2,}`)
	for _, l := range []i18n.Lang{i18n.Hans, i18n.Hant} {
		for _, k := range i18n.Keys(l) {
			for _, w := range word.FindAllString(verb.ReplaceAllString(i18n.T(l, k), ""), -1) {
				if !technical[w] {
					t.Errorf("%s %q = %q holds the English %q", l, k, i18n.T(l, k), w)
				}
			}
		}
	}
}
