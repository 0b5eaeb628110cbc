package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkSupplyBook is issue 13's booking target: one issue booked
// durably (its own committed transaction: the locked running balance, the
// never-negative check, the ledger line and the audit line), against the
// baseline of one committed transaction that updates one row, in the same
// run.
//
//	go test -run NONE -bench SupplyBook -benchtime 2000x -count 6 ./internal/sqlstore
func BenchmarkSupplyBook(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		s := sqlstoretest.OpenDialect(b, d)
		s.Now = func() time.Time { return supplyNow }
		tr := sqlstoretest.MustTree(b, s)
		items, err := s.SupplyItems(ctx, tr.County.ID)
		if err != nil {
			b.Fatal(err)
		}
		mask := items[0]
		officer := sqlstoretest.ActorCtx(b, s, sqlstoretest.MustUser(b, s, campusguard.Grant{Role: campusguard.HealthOffice, OrgID: tr.School.ID}))
		if _, err := s.BookMovement(ctx, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: tr.School.ID, ItemID: mask.ID,
			Quantity: campusguard.Units(1_000_000_000)}); err != nil {
			b.Fatal(err)
		}
		b.Run(d+"/book", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.BookMovement(officer, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: tr.School.ID,
					ItemID: mask.ID, Quantity: campusguard.Units(1), Party: "1班"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
		})
		b.Run(d+"/single-commit", func(b *testing.B) {
			for b.Loop() {
				tx, err := s.WriteDB().BeginTx(context.Background(), nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`UPDATE supply_stock SET balance = balance + 0 WHERE holder_id = $1 AND item_id = $2`,
					tr.School.ID, mask.ID); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}
