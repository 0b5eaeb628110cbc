package app_test

import (
	"context"
	"runtime"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkQualityRun is issue 17's target: the daily data-quality run of
// the whole city (every rule, every school, then the findings written),
// against two baselines in the same run: one SQL query that reads what the
// temperature rules need for the whole region in one GROUP BY, and one that
// reads every check of the window's days once (the raw read any run over
// the checks must do at least). It reports the heap in use after each run.
//
// Against the 1,000,000-student demo:
//
//	campusguard demo --students 1000000 --history-days 3 --no-serve --db /tmp/city.db
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db CAMPUSGUARD_BENCH_POSTGRES=postgres://…/city \
//	  go test -run NONE -bench QualityRun -benchtime 1x -count 3 -benchmem ./internal/app
func BenchmarkQualityRun(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		s := benchStore(b, d)
		b.Cleanup(func() { s.Close() })
		_, county := benchToken(b, s)
		var day campusguard.Date
		if err := s.DB().QueryRow(`SELECT MAX(day) FROM rollups WHERE org_id = $1 AND reported > 0`, county).Scan(&day); err != nil {
			b.Fatalf("no figures for the county: %v", err)
		}
		ctx := campusguard.SystemContext(context.Background(), "bench")
		b.Run(d+"/run", func(b *testing.B) {
			b.ReportAllocs()
			var run *campusguard.QualityRun
			for b.Loop() {
				var err error
				if run, err = s.RunQuality(ctx, county, day); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapInuse)/(1<<20), "MiB-heap")
			b.ReportMetric(float64(run.Students), "students")
			b.ReportMetric(float64(run.Schools), "schools")
			b.ReportMetric(float64(run.Found), "findings")
		})
		b.Run(d+"/scan-window", func(b *testing.B) {
			from := day.AddDays(-(campusguard.ReadingsWindow - 1))
			for b.Loop() {
				rows, err := s.DB().Query(`SELECT person_id, class_id, kind, at, temperature, attendance, reported_by
					FROM checks WHERE region_id = $1 AND day >= $2 AND day <= $3 AND current = TRUE`, county, from, day)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil || n == 0 {
					b.Fatalf("scan = %d rows, %v", n, err)
				}
			}
		})
		b.Run(d+"/one-group-by", func(b *testing.B) {
			from := day.AddDays(-(campusguard.ReadingsWindow - 1))
			for b.Loop() {
				rows, err := s.DB().Query(`SELECT class_id, day, temperature, COUNT(*) FROM checks WHERE region_id = $1
					AND day >= $2 AND day <= $3 AND current = TRUE AND kind IN ('morning', 'noon', 'evening')
					AND temperature IS NOT NULL GROUP BY class_id, day, temperature`, county, from, day)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
