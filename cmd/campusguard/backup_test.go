package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupAndRestoreCommands: backup into a directory, check the file,
// restore it into a new database; a restore onto a database that is not
// empty, or of a corrupted file, says why in the user's language and
// changes nothing; --force replaces; bad flags are refused.
func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	if _, _, err := runCmd(t, nil, "demo", "--no-serve", "--students", "800", "--history-days", "2", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "backup", "--db", db, dir)
	if err != nil || !strings.Contains(out, "备份已写入") {
		t.Fatalf("backup = %q, %v", out, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "campusguard-*.cgbak"))
	if len(files) != 1 {
		t.Fatalf("backup files = %v", files)
	}
	file := files[0]
	if out, _, err := runCmd(t, nil, "restore", "--check", "--lang", "en", file); err != nil || !strings.Contains(out, "is sound") {
		t.Errorf("restore --check = %q, %v", out, err)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, _, err := runCmd(t, nil, "restore", "--db", restored, file); err != nil || !strings.Contains(out, "已将") {
		t.Fatalf("restore = %q, %v", out, err)
	}
	// Again onto the same file: refused, unless forced.
	_, errOut, err := runCmd(t, nil, "restore", "--db", restored, file)
	if err == nil || !strings.Contains(errOut, "不是空的") || !strings.Contains(errOut, "--force") {
		t.Errorf("restore onto a full database = %q, %v; want refused, naming --force", errOut, err)
	}
	if _, _, err := runCmd(t, nil, "restore", "--force", "--db", restored, file); err != nil {
		t.Errorf("restore --force = %v", err)
	}
	// A corrupted copy.
	b, _ := os.ReadFile(file)
	b[len(b)-10] ^= 0xff
	bad := filepath.Join(dir, "bad.cgbak")
	os.WriteFile(bad, b, 0o600)
	target := filepath.Join(dir, "never.db")
	_, errOut, err = runCmd(t, nil, "restore", "--lang", "zh-Hant", "--db", target, bad)
	if err == nil || !strings.Contains(errOut, "已損壞") {
		t.Errorf("restore of a corrupted backup = %q, %v; want refused in Traditional Chinese", errOut, err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Errorf("a refused restore created %s", target)
	}
	// Bad flags and a file that is there already.
	for _, args := range [][]string{
		{"backup", "--db", db, "--method", "copy", dir},
		{"backup", "--db", db, "--level", "12", dir},
		{"backup", "--db", db, file},
		{"serve", "--db", db, "--backup-dir", dir, "--backup-every", "10s"},
		{"serve", "--db", db, "--backup-dir", dir, "--backup-keep", "0"},
	} {
		if _, _, err := runCmd(t, nil, args...); err == nil {
			t.Errorf("%v = nil error, want refused", args)
		}
	}
}
