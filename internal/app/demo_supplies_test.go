package app_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDemoSupplies: the demo's county stocks every school, two run low
// (with an alert in the inboxes), one batch is near expiry, the warehouse
// took a delivery and sent transfers, and its weight per person is the
// default county's 10 tonnes over its some 76,000 people, give or take
// 15 %.
func TestDemoSupplies(t *testing.T) {
	for _, d := range sqlstoretest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			s := sqlstoretest.OpenDialect(t, d)
			ctx := sqlstoretest.Ctx
			today, _ := campusguard.ParseDate("2026-11-30")
			sum, err := app.BuildDemo(context.Background(), s, demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30})
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.SupplyPicture(ctx, 1, today)
			if err != nil {
				t.Fatal(err)
			}
			if p.LowSchools != 2 || len(p.Schools) != sum.Schools || len(p.Expiring) != 1 {
				t.Errorf("picture: %d low of %d schools (want 2 of %d), %d expiring batches (want 1)", p.LowSchools, len(p.Schools),
					sum.Schools, len(p.Expiring))
			}
			heads, err := s.SupplyHeadcounts(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			people := 0
			for _, n := range heads {
				people += n
			}
			perPerson := float64(p.WeightKg) / 1000 / float64(people)
			want := 10000.0 / 76000
			if perPerson < want*0.85 || perPerson > want*1.15 {
				t.Errorf("%.3f kg per person (%s t for %d people), want about %.3f", perPerson, p.Tonnes, people, want)
			}
			var moves struct{ out, in int }
			s.DB().QueryRow(`SELECT COUNT(*) FROM supply_movements WHERE kind = 'transfer_out'`).Scan(&moves.out)
			s.DB().QueryRow(`SELECT COUNT(*) FROM supply_movements WHERE kind = 'transfer_in'`).Scan(&moves.in)
			if moves.out == 0 || moves.out != moves.in {
				t.Errorf("transfers: %d out, %d in", moves.out, moves.in)
			}
			var alerts int
			// The county's (the demo's neighbouring county of issue 17,
			// one child, has its own).
			s.DB().QueryRow(`SELECT COUNT(DISTINCT holder_id) FROM supply_alerts WHERE recovered_at IS NULL AND region_id = 1`).Scan(&alerts)
			if alerts != 2 {
				t.Errorf("%d schools with low-stock alerts, want 2", alerts)
			}
			// The job finds the same, and opens nothing new.
			var before int
			s.DB().QueryRow(`SELECT COUNT(*) FROM supply_alerts`).Scan(&before)
			if err := app.DetectLowStockToday(context.Background(), s, today.Time().Add(10*time.Hour)); err != nil {
				t.Fatal(err)
			}
			s.DB().QueryRow(`SELECT COUNT(*) FROM supply_alerts`).Scan(&alerts)
			if alerts != before {
				t.Errorf("after the job: %d alerts, want the same %d", alerts, before)
			}
			for _, sc := range p.Schools {
				lines, err := s.Stock(ctx, sc.SchoolID, today)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range lines {
					if l.Balance <= 0 {
						t.Errorf("%s holds no %s", sc.Name, l.ItemName)
					}
				}
			}
		})
	}
}
