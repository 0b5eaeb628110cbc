package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestEveryAuditActionNamed: every action the store writes to the audit
// log is one the audit page names (and filters by); a new one left out
// would show as its code.
func TestEveryAuditActionNamed(t *testing.T) {
	files, err := filepath.Glob("../sqlstore/*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`audit\(ctx, tx, [^,]+, "([a-z_]+)"`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !slices.Contains(auditActions, m[1]) {
				t.Errorf("%s writes the audit action %q, which the audit page does not name", filepath.Base(f), m[1])
			}
		}
	}
	if seen < 40 {
		t.Fatalf("found only %d audit calls in the store: the pattern no longer matches", seen)
	}
}
