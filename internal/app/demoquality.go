package app

import (
	"context"
	"fmt"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// demoQuality gives the demo its data-quality story (issue 17): a child
// enrolled both in the county and in a school of the neighbouring county
// (诏安县) under the same ID number, and then the daily data-quality run of
// the history's last school day, which also finds the class whose teacher
// types 36.5 for everyone (the generator's).
func demoQuality(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	if cfg.HistoryDays <= 0 {
		return nil
	}
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), "王校医（演示）")
	regions, err := rootRegions(ctx, s)
	if err != nil || len(regions) == 0 {
		return err
	}
	home := regions[0]
	var id string
	var name string
	if err := s.DB().QueryRowContext(ctx, `SELECT id_number, name FROM people WHERE region_id = $1 AND kind = 'student'
		AND active = TRUE AND id_number IS NOT NULL ORDER BY id LIMIT 1`, home.ID).Scan(&id, &name); err != nil {
		return fmt.Errorf("demo duplicate: %w", err)
	}
	county := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县", Code: "350624"}
	if err := s.CreateOrg(ctx, county); err != nil {
		return fmt.Errorf("demo neighbour: %w", err)
	}
	school := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "诏安县城关小学", Code: "35062401", ParentID: &county.ID}
	if err := s.CreateOrg(ctx, school); err != nil {
		return err
	}
	grade := &campusguard.Org{Kind: campusguard.KindGrade, Name: "三年级", GradeYear: 3, ParentID: &school.ID}
	if err := s.CreateOrg(ctx, grade); err != nil {
		return err
	}
	class := &campusguard.Org{Kind: campusguard.KindClass, Name: "2班", ParentID: &grade.ID}
	if err := s.CreateOrg(ctx, class); err != nil {
		return err
	}
	dup := &campusguard.Person{SchoolID: school.ID, ClassID: &class.ID, Kind: campusguard.Student, Name: name, Number: "ZA0001",
		IDNumber: id}
	if err := s.CreatePerson(ctx, dup); err != nil {
		return fmt.Errorf("demo duplicate: %w", err)
	}
	last := cfg.Today.AddDays(-1)
	for _, r := range []*campusguard.Org{home, county} {
		if _, err := s.RunQuality(ctx, r.ID, last); err != nil {
			return fmt.Errorf("demo data quality: %w", err)
		}
	}
	return nil
}
