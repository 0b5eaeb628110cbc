package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkEnvironment measures what issue 14 adds to the pages: the
// county's compliance over 30 days (its own page), over the week before
// the day (what the dashboard and the briefing now read), and a school's
// overdue list (the caretaker's page), on the demo with its month of logs;
// p50 and p99 of single calls.
//
//	go test -run NONE -bench Environment -benchtime 50x ./internal/app
func BenchmarkEnvironment(b *testing.B) {
	s := sqlstoretest.Open(b)
	ctx := campusguard.SystemContext(context.Background(), "bench")
	afternoon := time.Date(2026, 11, 30, 15, 0, 0, 0, campusguard.China)
	s.Now = func() time.Time { return afternoon }
	today := campusguard.DateOf(afternoon)
	cfg := demo.Config{Seed: 1, Students: 10000, Today: today}
	if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
		b.Fatal(err)
	}
	if err := app.DemoEnvironment(ctx, s, cfg); err != nil {
		b.Fatal(err)
	}
	var spaces, logs int
	s.DB().QueryRow(`SELECT COUNT(*) FROM env_spaces`).Scan(&spaces)
	s.DB().QueryRow(`SELECT COUNT(*) FROM env_logs`).Scan(&logs)
	b.Logf("%s: %d spaces, %d logs", s.Dialect(), spaces, logs)
	c, err := s.EnvCompliance(ctx, 1, today, today)
	if err != nil || len(c.Schools) == 0 {
		b.Fatalf("EnvCompliance = %v", err)
	}
	school := c.Schools[0].SchoolID
	from, to := campusguard.EnvWeek(today)
	for _, x := range []struct {
		name string
		run  func(b *testing.B)
	}{
		{"compliance-30d", func(b *testing.B) {
			if _, err := s.EnvCompliance(ctx, 1, today.AddDays(-29), today); err != nil {
				b.Fatal(err)
			}
		}},
		{"compliance-week", func(b *testing.B) {
			if _, err := s.EnvCompliance(ctx, 1, from, to); err != nil {
				b.Fatal(err)
			}
		}},
		{"overdue", func(b *testing.B) {
			if _, err := s.OverdueToday(ctx, school); err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(s.Dialect()+"/"+x.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				x.run(b)
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
