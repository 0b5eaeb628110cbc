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
