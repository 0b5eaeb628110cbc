package demo

import (
	"testing"
	"time"

	"campusguard"
)

func TestHistory(t *testing.T) {
	today, _ := campusguard.ParseDate("2026-11-30")
	var checks []*campusguard.Check
	_, err := Generate(Config{Seed: 3, Students: 3000, Today: today, HistoryDays: 14}, func(b *Batch) error {
		checks = append(checks, b.Checks...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	days := map[campusguard.Date]int{}
	fever := 0
	for i, c := range checks {
		if c.ID != int64(i+1) {
			t.Fatalf("check %d has id %d; ids must run 1, 2, 3 …", i, c.ID)
		}
		probe := *c
		if err := probe.Validate(); err != nil {
			t.Fatalf("check %+v does not validate: %v", c, err)
		}
		if wd := c.Day.Time().Weekday(); wd == time.Saturday || wd == time.Sunday || !c.Day.Before(today) {
			t.Fatalf("a check on %s (%s)", c.Day, wd)
		}
		days[c.Day]++
		if c.Fever {
			fever++
		}
	}
	// 14 days: 10 weekdays, less the sports-meet day.
	if len(days) != 9 {
		t.Errorf("school days = %d, want 9", len(days))
	}
	sum := 0
	for _, n := range outbreakCases {
		sum += n
	}
	if fever < sum {
		t.Errorf("fever checks = %d, want at least the outbreak's %d cases", fever, sum)
	}
	again := 0
	Generate(Config{Seed: 3, Students: 3000, Today: today, HistoryDays: 14}, func(b *Batch) error {
		for _, c := range b.Checks {
			if o := checks[c.ID-1]; o.PersonID != c.PersonID || o.Day != c.Day || o.Fever != c.Fever {
				again++
			}
		}
		return nil
	})
	if again != 0 {
		t.Errorf("%d checks differ between two runs with one seed", again)
	}
}
