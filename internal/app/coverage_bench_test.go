package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
)

// BenchmarkCoveragePage is issue 12's page target: the region's coverage
// of the month (every school, its announced and unannounced visits carried
// out and those planned) through the service, the API and the page (which
// also lists the region's inspections with their visits), against the one
// SQL query they read, in the same run; p50 and p99 of single requests.
// A store without inspections gets the demo's month first.
//
//	go test -run NONE -bench CoveragePage -benchtime 50x -count 3 ./internal/app                      # a 20,000-student county
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db go test -run NONE -bench CoveragePage -benchtime 50x ./internal/app   # the city
func BenchmarkCoveragePage(b *testing.B) {
	benchPages(b, func(b *testing.B, p *pageBench) ([]benchCase, func(*testing.B)) {
		s, county, today := p.s, p.county, p.today
		sys := campusguard.SystemContext(context.Background(), "bench")
		var n int
		s.DB().QueryRow(`SELECT COUNT(*) FROM inspections`).Scan(&n)
		if n == 0 {
			if err := app.DemoInspections(context.Background(), s, demo.Config{Seed: 1, Today: today, HistoryDays: 30}); err != nil {
				b.Fatal(err)
			}
		}
		from, to := campusguard.MonthOf(today)
		q, args, err := s.CoverageQuery(sys, county, from, to)
		if err != nil {
			b.Fatal(err)
		}
		p.now = func() time.Time { return today.Time().Add(2 * time.Hour) }
		period := fmt.Sprintf("from=%s&to=%s", from, to)
		return []benchCase{
			{"single-sql", func(b *testing.B) {
				rows, err := s.DB().Query(q, args...)
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for rows.Next() {
					k++
				}
				rows.Close()
				if k == 0 {
					b.Fatal("no schools")
				}
			}},
			{"service", func(b *testing.B) {
				c, err := s.Coverage(sys, county, from, to)
				if err != nil || c.Inspected == 0 {
					b.Fatalf("Coverage = %+v, %v", c, err)
				}
			}},
			{"api", func(b *testing.B) { p.api(b, fmt.Sprintf("/api/v1/orgs/%d/inspection-coverage?%s", county, period)) }},
			{"page", func(b *testing.B) { p.page(b, fmt.Sprintf("/orgs/%d/inspections?%s", county, period)) }},
		}, nil
	})
}
