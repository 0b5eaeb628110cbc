package app

import (
	"context"

	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// BuildDemo generates the county and loads it in one transaction.
func BuildDemo(ctx context.Context, store *sqlstore.Store, cfg demo.Config) (demo.Summary, error) {
	var sum demo.Summary
	err := store.Load(ctx, func(load func(*sqlstore.Batch) error) error {
		var err error
		sum, err = demo.Generate(cfg, func(b *demo.Batch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			sb := &sqlstore.Batch{Orgs: b.Orgs, Places: b.Places, Routes: b.Routes, People: b.People, Guardians: b.Guardians,
				Checks: b.Checks}
			sb.Links = make([]sqlstore.GuardianLink, len(b.Links))
			for i, l := range b.Links {
				sb.Links[i] = sqlstore.GuardianLink{GuardianID: l.GuardianID, StudentID: l.StudentID, Relation: l.Relation}
			}
			sb.Teaching = make([]sqlstore.ClassTeacher, len(b.Teaching))
			for i, t := range b.Teaching {
				sb.Teaching[i] = sqlstore.ClassTeacher{ClassID: t.ClassID, StaffID: t.StaffID}
			}
			return load(sb)
		})
		return err
	})
	return sum, err
}
