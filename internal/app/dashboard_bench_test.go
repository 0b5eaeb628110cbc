package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkDashboard is issue 7's target: the region's dashboard (its day
// against the day before, the 30-day trend, every school with its light,
// cases and alerts) through the service, the API and the page, against the
// one SQL query that reads the day's region roll-up, in the same run; p50
// and p99 of single requests.
//
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db go test -run NONE -bench Dashboard -benchtime 200x -count 6 ./internal/app
func BenchmarkDashboard(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		s := benchStore(b, d)
		b.Cleanup(func() { s.Close() })
		token, county := benchToken(b, s)
		var day campusguard.Date
		if err := s.DB().QueryRow(`SELECT day FROM rollups WHERE org_id = $1 ORDER BY reported DESC, day DESC LIMIT 1`, county).Scan(&day); err != nil {
			b.Fatalf("no roll-ups for the county: %v", err)
		}
		actor := campusguard.WithActor(context.Background(), &campusguard.Actor{Name: "bench",
			Grants: []campusguard.Grant{{Role: campusguard.RegionAdmin, OrgID: county, OrgPath: fmt.Sprintf("/%d/", county)}}})
		m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		client := &http.Client{}
		get := func(b *testing.B, path string) {
			req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || n == 0 {
				b.Fatalf("GET %s: %d, %d bytes", path, resp.StatusCode, n)
			}
		}
		for _, c := range []struct {
			name string
			run  func(b *testing.B)
		}{
			{"service", func(b *testing.B) {
				dash, err := s.Dashboard(actor, county, day)
				if err != nil || len(dash.Schools) == 0 {
					b.Fatalf("Dashboard = %v", err)
				}
			}},
			{"single-sql", func(b *testing.B) {
				var rep int
				if err := s.DB().QueryRow(`SELECT reported FROM rollups WHERE org_id = $1 AND day = $2`, county, day).Scan(&rep); err != nil {
					b.Fatal(err)
				}
			}},
			{"api", func(b *testing.B) { get(b, fmt.Sprintf("/api/v1/orgs/%d/dashboard?day=%s", county, day)) }},
		} {
			b.Run(d+"/"+c.name, func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					start := time.Now()
					c.run(b)
					lat = append(lat, time.Since(start))
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}
