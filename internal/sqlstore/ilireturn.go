package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// The return of a student after influenza-like illness: the checks and
// doctor's notes are read here, campusguard.ILIReturnOf decides.

// iliReturnOf reads a person's current checks from from on and their
// notes recorded since, and decides their return at now.
func iliReturnOf(ctx context.Context, q queryer, personID int64, from campusguard.Date, now time.Time) (campusguard.ILIReturn, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, day, temperature, symptoms, fever FROM checks
		WHERE person_id = $1 AND day >= $2 AND current = TRUE`, personID, from)
	if err != nil {
		return campusguard.ILIReturn{}, fmt.Errorf("ili return %d: %w", personID, err)
	}
	var checks []campusguard.ILICheck
	for rows.Next() {
		var c campusguard.ILICheck
		var temp sql.NullFloat64
		var syms string
		if err := rows.Scan(&c.At, &c.Day, &temp, &syms, &c.Fever); err != nil {
			rows.Close()
			return campusguard.ILIReturn{}, err
		}
		if temp.Valid {
			c.Temperature = &temp.Float64
		}
		c.Symptoms = splitSymptoms(syms)
		checks = append(checks, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return campusguard.ILIReturn{}, err
	}
	notes, err := returnNotes(ctx, q, personID, from)
	if err != nil {
		return campusguard.ILIReturn{}, err
	}
	return campusguard.ILIReturnOf(personID, checks, notes, now), nil
}

// returnNotes reads a person's doctor's notes dated from from on.
func returnNotes(ctx context.Context, q queryer, personID int64, from campusguard.Date) ([]campusguard.ReturnNote, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, region_id, person_id, school_id, day, file_id, note, recorded_by, recorded_at
		FROM return_notes WHERE person_id = $1 AND day >= $2 ORDER BY recorded_at, id`, personID, from)
	if err != nil {
		return nil, fmt.Errorf("return notes %d: %w", personID, err)
	}
	defer rows.Close()
	var out []campusguard.ReturnNote
	for rows.Next() {
		var n campusguard.ReturnNote
		var file sql.NullInt64
		if err := rows.Scan(&n.ID, &n.RegionID, &n.PersonID, &n.SchoolID, &n.Day, &file, &n.Note, &n.RecordedBy, &n.RecordedAt); err != nil {
			return nil, err
		}
		if file.Valid {
			n.FileID = &file.Int64
		}
		n.RecordedAt = n.RecordedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// iliFrom is the first day the return rule reads at now.
func iliFrom(now time.Time) campusguard.Date {
	return campusguard.Today(now).AddDays(-campusguard.ILILookbackDays)
}

// ILIReturn returns a student's return after ILI now: for those who may
// see the student (the gate shows the same flag); NotFound otherwise.
func (s *Store) ILIReturn(ctx context.Context, personID int64) (*campusguard.ILIReturn, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	p, path, err := personAndPath(ctx, s.read, personID)
	if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
		return nil, hidden(err, "person") // an outage is not "not found"
	}
	now := s.Now()
	r, err := iliReturnOf(ctx, s.read, personID, iliFrom(now), now)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ILIHeld returns the people of a school or class not yet cleared after
// ILI. It reads the node's checks of 38 °C or more in the lookback (the
// school's day index), then the few people they name one by one.
func (s *Store) ILIHeld(ctx context.Context, orgID int64) (map[int64]campusguard.ILIReturn, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ListPeople, o.Path) {
		return nil, hidden(err, "org")
	}
	col := "school_id"
	switch o.Kind {
	case campusguard.KindSchool:
	case campusguard.KindClass:
		col = "class_id"
	default:
		return map[int64]campusguard.ILIReturn{}, nil
	}
	now := s.Now()
	from := iliFrom(now)
	rows, err := s.read.QueryContext(ctx, `SELECT person_id, temperature, symptoms FROM checks WHERE `+col+` = $1
		AND day >= $2 AND current = TRUE AND temperature >= $3`, orgID, from, campusguard.ILIFever)
	if err != nil {
		return nil, fmt.Errorf("ili held %d: %w", orgID, err)
	}
	ill := map[int64]bool{}
	for rows.Next() {
		var id int64
		var temp float64
		var syms string
		if err := rows.Scan(&id, &temp, &syms); err != nil {
			rows.Close()
			return nil, err
		}
		if campusguard.IsILI(&temp, splitSymptoms(syms)) {
			ill[id] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[int64]campusguard.ILIReturn{}
	for id := range ill {
		r, err := iliReturnOf(ctx, s.read, id, from, now)
		if err != nil {
			return nil, err
		}
		if !r.Cleared {
			out[id] = r
		}
	}
	return out, nil
}

// RecordReturnNote records a doctor's note for a person of a school: its
// health officers and principals. The file, if any, must be one uploaded
// for the school.
func (s *Store) RecordReturnNote(ctx context.Context, n *campusguard.ReturnNote) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	p, path, err := personAndPath(ctx, s.read, n.PersonID)
	if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
		return hidden(err, "person")
	}
	if !a.Can(campusguard.ClearReturn, path) {
		return forbidden()
	}
	n.Note = strings.TrimSpace(n.Note)
	now := s.Now()
	if err := n.Validate(campusguard.Today(now)); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if n.FileID != nil {
			files, err := filesByID(ctx, tx, []int64{*n.FileID})
			if err != nil {
				return err
			}
			if f := files[*n.FileID]; f == nil || f.OrgID != p.SchoolID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_id", Msg: "error.file_unknown", Args: []any{*n.FileID}}})
			}
		}
		n.RegionID, n.SchoolID, n.RecordedBy, n.RecordedAt = p.RegionID, p.SchoolID, campusguard.ActorName(ctx), tx.now.UTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO return_notes (region_id, person_id, school_id, day, file_id, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, n.RegionID, n.PersonID, n.SchoolID, n.Day, n.FileID, n.Note,
			n.RecordedBy, n.RecordedAt).Scan(&n.ID); err != nil {
			return err
		}
		return audit(ctx, tx, n.RegionID, "record_return_note", "person:"+strconv.FormatInt(n.PersonID, 10), n.Day.String())
	})
}
