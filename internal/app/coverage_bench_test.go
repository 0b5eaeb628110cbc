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
	"campusguard/internal/authn"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
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
	for _, d := range sqlstoretest.Dialects(b) {
		s := benchStore(b, d)
		b.Cleanup(func() { s.Close() })
		token, county := benchToken(b, s)
		sys := campusguard.SystemContext(context.Background(), "bench")
		var today campusguard.Date
		if err := s.DB().QueryRow(`SELECT MAX(day) FROM rollups`).Scan(&today); err != nil {
			b.Fatal(err)
		}
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
		u := sqlstoretest.MustUser(b, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: county})
		cookie := sqlstoretest.MustSession(b, s, u).Token
		m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Now: func() time.Time { return today.Time().Add(2 * time.Hour) }}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		client := &http.Client{}
		get := func(b *testing.B, path string, auth func(*http.Request)) {
			req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
			auth(req)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			k, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || k == 0 {
				b.Fatalf("GET %s: %d, %d bytes", path, resp.StatusCode, k)
			}
		}
		bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
		session := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: cookie}) }
		period := fmt.Sprintf("from=%s&to=%s", from, to)
		for _, c := range []struct {
			name string
			run  func(b *testing.B)
		}{
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
			{"api", func(b *testing.B) {
				get(b, fmt.Sprintf("/api/v1/orgs/%d/inspection-coverage?%s", county, period), bearer)
			}},
			{"page", func(b *testing.B) { get(b, fmt.Sprintf("/orgs/%d/inspections?%s", county, period), session) }},
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
