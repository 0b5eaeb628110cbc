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
