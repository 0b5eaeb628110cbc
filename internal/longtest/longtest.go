// Package longtest tells the quick test run from the long one.
//
// `go test ./...` is the quick suite a developer runs after each change:
// every package's tests, on SQLite, but not the long ones (the browser
// tests of package e2e, the big generators and spreadsheets, the kill
// tests). The long suite runs them too; it runs under CI=true, which
// .ci/run sets, or with CAMPUSGUARD_TEST_LONG=1:
//
//	go test ./...                              # quick
//	CAMPUSGUARD_TEST_LONG=1 go test ./...      # everything, as CI runs it
//
// A long test is never skipped under CI: a test that cannot run there fails.
package longtest

import (
	"os"
	"testing"
)

// Env names the variable that asks for the long suite outside CI.
const Env = "CAMPUSGUARD_TEST_LONG"

// Enabled reports whether the long suite runs: under CI=true, or with
// CAMPUSGUARD_TEST_LONG=1.
func Enabled() bool {
	return os.Getenv("CI") == "true" || os.Getenv(Env) == "1"
}

// Skip skips tb in the quick suite, saying why it is long and how to run
// it; in the long suite it does nothing.
func Skip(tb testing.TB, why string) {
	tb.Helper()
	if !Enabled() {
		tb.Skipf("long test (%s): %s=1 or CI=true runs it", why, Env)
	}
}
