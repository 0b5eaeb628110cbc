package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

// Accountability records (issue 12). Every read carries the actor's
// ReadAccountability scope; an actor with none (every school-level
// account) is answered NotFound before anything is read.

// accountabilityScoped answers NotFound to an actor who holds act
// nowhere, so that a school's account learns nothing, not even whether an
// id exists.
func accountabilityScoped(a *campusguard.Actor, act campusguard.Action) error {
	if paths, all := a.Scopes(act); !all && len(paths) == 0 {
		return notFound("accountability")
	}
	return nil
}

// linkTables are the tables a record's links point into, by kind; each
// has the columns id and school_id.
var linkTables = map[campusguard.FailureKind]string{
	campusguard.FailureRectification: "rectifications",
	campusguard.FailureFinding:       "inspection_findings",
	campusguard.FailureCase:          "cases",
}

// RecordAccountability stores a record of a school the actor may record
// accountability at. A RegionID given names the node the school must lie
// under (the page or API path's); NotFound if the actor may not read there. A person given by id must be a staff member of that
// school; the school is theirs when none is given.
func (s *Store) RecordAccountability(ctx context.Context, x *campusguard.Accountability) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := accountabilityScoped(a, campusguard.RecordAccountability); err != nil {
		return err
	}
	x.Failure, x.PersonName, x.Post, x.Note = strings.TrimSpace(x.Failure), strings.TrimSpace(x.PersonName),
		strings.TrimSpace(x.Post), strings.TrimSpace(x.Note)
	if x.LinkIDs == nil {
		x.LinkIDs = []int64{}
	}
	return s.inTx(ctx, func(tx *Tx) error {
		var under *campusguard.Org
		if x.RegionID != 0 {
			o, err := findOrgByID(ctx, tx, x.RegionID)
			if err != nil || !a.Can(campusguard.ReadAccountability, o.Path) {
				return notFound("org")
			}
			under = o
		}
		if err := campusguard.ValidateAccountability(*x, campusguard.Today(tx.now)); err != nil {
			return err
		}
		bad := func(field, key string, args ...any) error {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: field, Msg: key, Args: args}})
		}
		if x.PersonID != nil {
			var schoolID int64
			var name string
			var kind campusguard.PersonKind
			err := tx.QueryRowContext(ctx, `SELECT school_id, name, kind FROM people WHERE id = $1`, *x.PersonID).Scan(&schoolID, &name, &kind)
			if err == sql.ErrNoRows || (err == nil && (kind != campusguard.Staff || (x.SchoolID != 0 && x.SchoolID != schoolID))) {
				return bad("person_id", "error.person_outside")
			}
			if err != nil {
				return fmt.Errorf("record accountability: %w", err)
			}
			x.SchoolID = schoolID
			if x.PersonName == "" {
				x.PersonName = name
			}
		}
		sch, err := findOrgByID(ctx, tx, x.SchoolID)
		if err != nil || sch.Kind != campusguard.KindSchool || !a.Can(campusguard.RecordAccountability, sch.Path) ||
			(under != nil && !strings.HasPrefix(sch.Path, under.Path)) {
			if x.PersonID != nil {
				return bad("person_id", "error.person_outside")
			}
			return bad("school_id", "error.school_unknown")
		}
		x.RegionID, x.SchoolName = sch.RegionID, sch.Name
		if table := linkTables[x.FailureKind]; table != "" {
			for _, id := range x.LinkIDs {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1 AND school_id = $2`, id, sch.ID).
					Scan(&n); err != nil {
					return fmt.Errorf("record accountability: %w", err)
				}
				if n == 0 {
					return bad("link_ids", "error.link_unknown", id)
				}
			}
		}
		x.By, x.CreatedAt = campusguard.ActorName(ctx), tx.now
		var person any
		if x.PersonID != nil {
			person = *x.PersonID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO accountability_records (region_id, school_id, failure_kind, failure, person_id,
			person_name, post, measure, day, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			RETURNING id`, x.RegionID, sch.ID, x.FailureKind, x.Failure, person, x.PersonName, x.Post, x.Measure, x.Day, x.Note,
			tx.now, x.By).Scan(&x.ID); err != nil {
			return fmt.Errorf("record accountability: %w", err)
		}
		for _, id := range x.LinkIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO accountability_links (region_id, record_id, target_id) VALUES ($1, $2, $3)
				ON CONFLICT (record_id, target_id) DO NOTHING`, x.RegionID, x.ID, id); err != nil {
				return fmt.Errorf("record accountability: %w", err)
			}
		}
		// The detail names neither the person nor the failure: the audit
		// log is read more widely than the records.
		return audit(ctx, tx, x.RegionID, "record_accountability", "accountability:"+strconv.FormatInt(x.ID, 10),
			"school "+strconv.FormatInt(sch.ID, 10)+" "+string(x.Measure)+" "+string(x.FailureKind))
	})
}

const accountabilityColumns = `x.id, x.region_id, x.school_id, s.name, x.failure_kind, x.failure, x.person_id, x.person_name, x.post,
	x.measure, x.day, x.note, x.created_by, x.created_at`

const accountabilityFrom = ` FROM accountability_records x JOIN orgs s ON s.id = x.school_id`

func scanAccountability(sc interface{ Scan(...any) error }) (*campusguard.Accountability, error) {
	x := &campusguard.Accountability{LinkIDs: []int64{}}
	var person sql.NullInt64
	err := sc.Scan(&x.ID, &x.RegionID, &x.SchoolID, &x.SchoolName, &x.FailureKind, &x.Failure, &person, &x.PersonName, &x.Post,
		&x.Measure, &x.Day, &x.Note, &x.By, &x.CreatedAt)
	x.PersonID = idPtr(person)
	return x, err
}

// accountabilityLinks fills the records' links.
func accountabilityLinks(ctx context.Context, q queryer, xs []*campusguard.Accountability) error {
	for _, x := range xs {
		rows, err := q.QueryContext(ctx, `SELECT target_id FROM accountability_links WHERE record_id = $1 ORDER BY target_id`, x.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			x.LinkIDs = append(x.LinkIDs, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// FindAccountability returns a record the actor may read; NotFound
// otherwise.
func (s *Store) FindAccountability(ctx context.Context, id int64) (*campusguard.Accountability, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := accountabilityScoped(a, campusguard.ReadAccountability); err != nil {
		return nil, err
	}
	var c conds
	c.and("x.id = "+c.arg(id), scopeCond(a, campusguard.ReadAccountability, "s.path", c.arg))
	x, err := scanAccountability(s.read.QueryRowContext(ctx, `SELECT `+accountabilityColumns+accountabilityFrom+` WHERE `+c.where(), c.args...))
	if err == sql.ErrNoRows {
		return nil, notFound("accountability")
	}
	if err != nil {
		return nil, fmt.Errorf("find accountability %d: %w", id, err)
	}
	if err := accountabilityLinks(ctx, s.read, []*campusguard.Accountability{x}); err != nil {
		return nil, err
	}
	return x, nil
}

// FindAccountabilities lists the records of the schools under a node the
// actor may read them at, the latest measure first.
func (s *Store) FindAccountabilities(ctx context.Context, f campusguard.AccountabilityFilter) ([]*campusguard.Accountability, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := accountabilityScoped(a, campusguard.ReadAccountability); err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, f.OrgID)
	if err != nil || (o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool) || !a.Can(campusguard.ReadAccountability, o.Path) {
		return nil, notFound("org")
	}
	var c conds
	lo, hi := subtree(o.Path)
	c.and("x.region_id = "+c.arg(o.RegionID), "s.path >= "+c.arg(lo), "s.path < "+c.arg(hi),
		scopeCond(a, campusguard.ReadAccountability, "s.path", c.arg))
	if f.SchoolID != nil {
		c.and("x.school_id = " + c.arg(*f.SchoolID))
	}
	if f.PersonID != nil {
		c.and("x.person_id = " + c.arg(*f.PersonID))
	}
	if f.Measure != nil {
		c.and("x.measure = " + c.arg(*f.Measure))
	}
	if f.Kind != nil {
		c.and("x.failure_kind = " + c.arg(*f.Kind))
	}
	if f.From != nil {
		c.and("x.day >= " + c.arg(*f.From))
	}
	if f.To != nil {
		c.and("x.day <= " + c.arg(*f.To))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+accountabilityColumns+accountabilityFrom+` WHERE `+c.where()+
		` ORDER BY x.day DESC, x.id DESC LIMIT 1000`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find accountability: %w", err)
	}
	out := []*campusguard.Accountability{}
	for rows.Next() {
		x, err := scanAccountability(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, accountabilityLinks(ctx, s.read, out)
}
