package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
)

// BenchmarkSupplyPicture is issue 13's page target: the county's supplies
// picture (totals, tonnes, the shortage ranking of every school, expiring
// batches and the proposed distribution) through the service and the API,
// against the one SQL query it needs (every holder's balance and window
// issues, grouped), in the same run. With CAMPUSGUARD_BENCH_SQLITE naming
// a prebuilt city without supplies, the demo's supplies are loaded first.
//
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db go test -run NONE -bench SupplyPicture -benchtime 20x -count 6 ./internal/app
func BenchmarkSupplyPicture(b *testing.B) {
	for _, d := range []string{"sqlite"} {
		s := benchStore(b, d)
		b.Cleanup(func() { s.Close() })
		token, county := benchToken(b, s)
		sys := campusguard.SystemContext(context.Background(), "bench")
		var n int
		s.DB().QueryRow(`SELECT COUNT(*) FROM supply_movements`).Scan(&n)
		var today campusguard.Date
		if err := s.DB().QueryRow(`SELECT MAX(day) FROM rollups`).Scan(&today); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			if err := app.LoadDemoSupplies(context.Background(), s, demo.Config{Seed: 1, Today: today, HistoryDays: 30}); err != nil {
				b.Fatal(err)
			}
		}
		q, args, err := s.SupplyBalancesQuery(sys, county, today)
		if err != nil {
			b.Fatal(err)
		}
		m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		client := &http.Client{}
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
					b.Fatal("no balances")
				}
			}},
			{"service", func(b *testing.B) {
				p, err := s.SupplyPicture(sys, county, today)
				if err != nil || len(p.Schools) == 0 {
					b.Fatalf("SupplyPicture = %v", err)
				}
			}},
			{"api", func(b *testing.B) {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/orgs/%d/supply-picture?day=%s", m.URL(), county, today), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}},
		} {
			b.Run(d+"/"+c.name, func(b *testing.B) {
				for b.Loop() {
					c.run(b)
				}
			})
		}
	}
}
