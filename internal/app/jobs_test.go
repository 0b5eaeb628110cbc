package app_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestOpenToday(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC is already the next morning in China.
	now := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	if err := app.OpenToday(ctx, s, now); err != nil {
		t.Fatal(err)
	}
	day, _ := campusguard.ParseDate("2026-11-30")
	rs, err := s.Rollups(ctx, 1, day, day)
	if err != nil || len(rs) != 1 || rs[0].Expected != 800 || rs[0].Missing != 800 {
		t.Errorf("Rollups(root, %s) = %+v, %v; want 800 expected and missing", day, rs, err)
	}
	if err := app.OpenToday(ctx, s, now); err != nil {
		t.Errorf("OpenToday again = %v; it must be idempotent", err)
	}
}
