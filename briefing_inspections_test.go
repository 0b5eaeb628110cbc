package campusguard

import "testing"

// TestLightOfItems: an overdue rectification item makes a school yellow,
// an open one in time does not; red and grey come first as before.
func TestLightOfItems(t *testing.T) {
	for _, c := range []struct {
		name string
		st   SchoolStatus
		want Light
	}{
		{"open item in time", SchoolStatus{SchoolDay: SchoolDay{Rollup: Rollup{Expected: 10, Reported: 10}}, OpenItems: 1}, LightGreen},
		{"overdue item", SchoolStatus{SchoolDay: SchoolDay{Rollup: Rollup{Expected: 10, Reported: 10}}, OpenItems: 1, OverdueItems: 1}, LightYellow},
		{"overdue item and alert", SchoolStatus{SchoolDay: SchoolDay{Rollup: Rollup{Expected: 10, Reported: 10}}, OverdueItems: 1, OpenAlerts: 1}, LightRed},
		{"overdue item, nobody expected", SchoolStatus{OverdueItems: 1}, LightGrey},
	} {
		if got := LightOf(&c.st, false); got != c.want {
			t.Errorf("LightOf(%s) = %s, want %s", c.name, got, c.want)
		}
	}
	for _, c := range []struct{ day, from, to Date }{
		{Date{2026, 12, 7}, Date{2026, 12, 1}, Date{2026, 12, 31}},
		{Date{2028, 2, 29}, Date{2028, 2, 1}, Date{2028, 2, 29}},
	} {
		if f, to := MonthOf(c.day); f != c.from || to != c.to {
			t.Errorf("MonthOf(%s) = %s, %s; want %s, %s", c.day, f, to, c.from, c.to)
		}
	}
}
