package app

import (
	"context"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// BuildDemoForTest builds a small demo county with a fixed seed and day.
func BuildDemoForTest(ctx context.Context, s *sqlstore.Store, students int) error {
	today, _ := campusguard.ParseDate("2026-11-30")
	_, err := BuildDemo(ctx, s, demo.Config{Seed: 1, Students: students, Today: today})
	return err
}
