package sqlstore

import (
	"context"
	"fmt"

	"campusguard"
)

// Batch is a set of rows with ids already assigned, loaded as they are:
// the demo county, or a restore. Rows may refer only to rows of the same or
// earlier batches.
type Batch struct {
	Orgs      []*campusguard.Org
	Places    []*campusguard.Place
	Routes    []*campusguard.BusRoute
	People    []*campusguard.Person
	Guardians []*campusguard.Guardian
	Links     []GuardianLink
	Teaching  []ClassTeacher
}

// GuardianLink links a guardian to a student.
type GuardianLink struct {
	GuardianID, StudentID int64
	Relation              string
}

// ClassTeacher says that a staff member teaches a class.
type ClassTeacher struct{ ClassID, StaffID int64 }

// IsEmpty reports whether the database holds no org at all.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT id FROM orgs LIMIT 1) x`).Scan(&n); err != nil {
		return false, fmt.Errorf("is empty: %w", err)
	}
	return n == 0, nil
}

// Load runs fill in one transaction; fill calls load for each batch. Either
// all batches are stored or none. The database must be empty, since the
// batches bring their own ids. Conflict when it is not.
func (s *Store) Load(ctx context.Context, fill func(load func(*Batch) error) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT id FROM orgs LIMIT 1) x`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return campusguard.Errorf(campusguard.Conflict, "error.not_empty")
		}
		if err := fill(func(b *Batch) error { return loadBatch(ctx, tx, b) }); err != nil {
			return err
		}
		for _, t := range []string{"orgs", "places", "bus_routes", "people", "guardians"} {
			if err := s.resetSequence(ctx, tx, t); err != nil {
				return fmt.Errorf("load: sequence %s: %w", t, err)
			}
		}
		return nil
	})
}

func loadBatch(ctx context.Context, tx *Tx, b *Batch) error {
	err := insertMany(ctx, tx, "orgs", []string{"id", "region_id", "parent_id", "kind", "name", "code", "path", "level",
		"school_type", "boarding", "address", "principal", "phone", "grade_year", "head_teacher_id", "created_at", "updated_at"},
		len(b.Orgs), func(i int) []any {
			o := b.Orgs[i]
			return []any{o.ID, o.RegionID, nullID(o.ParentID), o.Kind, o.Name, nullString(o.Code), o.Path, o.Level,
				o.SchoolType, o.Boarding, o.Address, o.Principal, o.Phone, o.GradeYear, nullID(o.HeadTeacherID), tx.now, tx.now}
		}, "")
	if err != nil {
		return err
	}
	err = insertMany(ctx, tx, "places", []string{"id", "region_id", "school_id", "kind", "name", "beds", "class_id"},
		len(b.Places), func(i int) []any {
			p := b.Places[i]
			return []any{p.ID, p.RegionID, p.SchoolID, p.Kind, p.Name, p.Beds, nullID(p.ClassID)}
		}, "")
	if err != nil {
		return err
	}
	err = insertMany(ctx, tx, "bus_routes", []string{"id", "region_id", "school_id", "name", "plate", "driver_id"},
		len(b.Routes), func(i int) []any {
			r := b.Routes[i]
			return []any{r.ID, r.RegionID, r.SchoolID, r.Name, r.Plate, nullID(r.DriverID)}
		}, "")
	if err != nil {
		return err
	}
	err = insertMany(ctx, tx, "people", []string{"id", "region_id", "school_id", "kind", "name", "gender", "id_number",
		"birth_date", "phone", "number", "class_id", "role", "boarding", "dorm_room_id", "bed", "bus_route_id", "town",
		"village", "active", "created_at", "updated_at"}, len(b.People), func(i int) []any {
		p := b.People[i]
		at := p.CreatedAt
		if at.IsZero() {
			at = tx.now
		}
		return []any{p.ID, p.RegionID, p.SchoolID, p.Kind, p.Name, p.Gender, nullString(p.IDNumber), p.Birth, p.Phone,
			p.Number, nullID(p.ClassID), p.Role, p.Boarding, nullID(p.DormRoomID), p.Bed, nullID(p.BusRouteID), p.Town,
			p.Village, p.Active, at.UTC(), at.UTC()}
	}, "")
	if err != nil {
		return err
	}
	err = insertMany(ctx, tx, "guardians", []string{"id", "region_id", "name", "phone", "created_at"},
		len(b.Guardians), func(i int) []any {
			g := b.Guardians[i]
			return []any{g.ID, g.RegionID, g.Name, g.Phone, tx.now}
		}, "")
	if err != nil {
		return err
	}
	region := int64(0)
	if len(b.People) > 0 {
		region = b.People[0].RegionID
	} else if len(b.Orgs) > 0 {
		region = b.Orgs[0].RegionID
	}
	err = insertMany(ctx, tx, "guardian_students", []string{"region_id", "guardian_id", "student_id", "relation"},
		len(b.Links), func(i int) []any {
			l := b.Links[i]
			return []any{region, l.GuardianID, l.StudentID, l.Relation}
		}, "")
	if err != nil {
		return err
	}
	return insertMany(ctx, tx, "class_teachers", []string{"region_id", "class_id", "staff_id"},
		len(b.Teaching), func(i int) []any {
			t := b.Teaching[i]
			return []any{region, t.ClassID, t.StaffID}
		}, "")
}
