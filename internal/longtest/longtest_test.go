package longtest

import "testing"

// TestEnabled: CI=true and CAMPUSGUARD_TEST_LONG=1 each ask for the long
// suite; neither is the quick one.
func TestEnabled(t *testing.T) {
	for _, tc := range []struct {
		ci, long string
		want     bool
	}{
		{"", "", false}, {"true", "", true}, {"", "1", true}, {"false", "0", false}, {"true", "1", true},
	} {
		t.Setenv("CI", tc.ci)
		t.Setenv(Env, tc.long)
		if got := Enabled(); got != tc.want {
			t.Errorf("CI=%q %s=%q: Enabled() = %v, want %v", tc.ci, Env, tc.long, got, tc.want)
		}
	}
}
