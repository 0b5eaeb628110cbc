package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMergesFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/core.json":  {Data: []byte(`{"a": "A", "b": "B"}`)},
		"c/en/cases.json": {Data: []byte(`{"c": "C"}`)},
	}
	m, err := load(fsys, "c/en")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(m) != 3 || m["a"] != "A" || m["c"] != "C" {
		t.Errorf("load = %v, want a, b and c from both files", m)
	}
}

func TestLoadRefusesDuplicateKey(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/core.json":  {Data: []byte(`{"a": "A"}`)},
		"c/en/other.json": {Data: []byte(`{"a": "again"}`)},
	}
	_, err := load(fsys, "c/en")
	if err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("load with a key in two files = %v, want an error naming the key", err)
	}
}

func TestLoadRefusesEmptyFolder(t *testing.T) {
	if _, err := load(fstest.MapFS{"c/en/readme.txt": {}}, "c/en"); err == nil {
		t.Error("load of a folder without .json files succeeded")
	}
}

// TestMarking: the literal text of a message is marked, its arguments are
// not, a missing key is not, and Unmarked keeps only what lies outside.
func TestMarking(t *testing.T) {
	SetMarking(true)
	defer SetMarking(false)
	key := ""
	for _, k := range Keys(Hans) {
		if strings.Count(catalogs[Hans][k], "%s") == 1 && !strings.Contains(catalogs[Hans][k], "%%") {
			key = k
			break
		}
	}
	if key == "" {
		t.Fatal("no message with one string verb")
	}
	got := T(Hans, key, "read_case")
	if u := Unmarked(got); u != "read_case" {
		t.Errorf("Unmarked(T(%q, read_case)) = %q, want only the argument", key, u)
	}
	if u := Unmarked(T(Hans, "no.such.key")); u != "no.such.key" {
		t.Errorf("a missing key: Unmarked = %q, want the key itself", u)
	}
	if got, want := mark("a %d%% b %-5.1f c"), "\uE000a \uE001%d\uE000%% b \uE001%-5.1f\uE000 c\uE001"; got != want {
		t.Errorf("mark = %q, want %q", got, want)
	}
	if u := Unmarked("x\uE000a\uE000b\uE001c\uE001y"); u != "xy" {
		t.Errorf("nested: Unmarked = %q, want xy", u)
	}
}

// FuzzMark: marking only adds the marks, balanced, and leaves outside them
// nothing but the message's verbs: never a piece of its text.
func FuzzMark(f *testing.F) {
	for _, s := range []string{"", "a", "%s", "由 %s 于 %s 签发", "100%% %d", "%-5.1f°C", "%", "a%", "%%%s%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, string([]rune{MarkStart, MarkEnd})) {
			t.Skip()
		}
		m := mark(s)
		if got := strings.NewReplacer(string(MarkStart), "", string(MarkEnd), "").Replace(m); got != s {
			t.Fatalf("mark(%q) without the marks = %q", s, got)
		}
		if a, b := strings.Count(m, string(MarkStart)), strings.Count(m, string(MarkEnd)); a != b {
			t.Fatalf("mark(%q) = %q: %d opening marks, %d closing", s, m, a, b)
		}
		if u := Unmarked(m); u != "" && !strings.HasPrefix(u, "%") {
			t.Fatalf("Unmarked(mark(%q)) = %q: text outside the marks", s, u)
		}
	})
}
