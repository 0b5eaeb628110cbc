package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

// CalendarDays returns a top-level region's calendar exceptions from from
// to to, by day. Everyone with a grant in the region reads them: a
// school's pages need them as much as the bureau's.
func (s *Store) CalendarDays(ctx context.Context, regionID int64, from, to campusguard.Date) ([]campusguard.CalendarDay, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	root, err := findOrgByID(ctx, s.read, regionID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || root.ParentID != nil || !readsRegion(a, root.Path) {
		return nil, notFound("region")
	}
	return calendarDays(ctx, s.read, regionID, from, to)
}

// calendarDays reads a region's exceptions from from to to, by day; no
// access check.
func calendarDays(ctx context.Context, q queryer, regionID int64, from, to campusguard.Date) ([]campusguard.CalendarDay, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name FROM school_calendar WHERE region_id = $1 AND day >= $2
		AND day <= $3 ORDER BY day`, regionID, from, to)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	out := []campusguard.CalendarDay{}
	for rows.Next() {
		c := campusguard.CalendarDay{RegionID: regionID}
		if err := rows.Scan(&c.Day, &c.Kind, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// readsRegion reports whether the actor holds a grant anywhere in the tree
// of the region at root, or above it.
func readsRegion(a *campusguard.Actor, root string) bool {
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if strings.HasPrefix(g.OrgPath, root) || strings.HasPrefix(root, g.OrgPath) {
			return true
		}
	}
	return false
}

// SchoolDay reports whether the schools of a top-level region open on day,
// by its calendar. For the daily jobs; no access check.
func (s *Store) SchoolDay(ctx context.Context, regionID int64, day campusguard.Date) (bool, error) {
	cal, err := calendar(ctx, s.read, regionID, day, day)
	if err != nil {
		return false, err
	}
	return cal.SchoolDay(day), nil
}

// calendar reads a region's exceptions from from to to as a Calendar.
func calendar(ctx context.Context, q queryer, regionID int64, from, to campusguard.Date) (campusguard.Calendar, error) {
	days, err := calendarDays(ctx, q, regionID, from, to)
	return campusguard.CalendarOf(days), err
}

// SetCalendarDay sets an exception of a top-level region's calendar, or
// replaces the one of its day: region admins of the region only. A day
// that stops being a school day loses its expected counts at once, so it
// shows nobody missing; a day that becomes one is opened by the next
// open-day run (every half hour), like any morning.
func (s *Store) SetCalendarDay(ctx context.Context, c campusguard.CalendarDay) error {
	c.Name = strings.TrimSpace(c.Name)
	return s.calendarWrite(ctx, c.RegionID, func(tx *Tx) error {
		if err := c.Validate(campusguard.Today(s.Now())); err != nil {
			return err // after the access check: who may not write learns nothing of the day
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO school_calendar (region_id, day, kind, name, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name,
			updated_at = excluded.updated_at`, c.RegionID, c.Day, c.Kind, c.Name, tx.now)
		if err != nil {
			return err
		}
		if c.Kind == campusguard.DayOff {
			if err := closeDay(ctx, tx, c.RegionID, c.Day); err != nil {
				return err
			}
		}
		return audit(ctx, tx, c.RegionID, "set_calendar", "org:"+strconv.FormatInt(c.RegionID, 10),
			c.Day.String()+" "+string(c.Kind)+" "+c.Name)
	})
}

// DeleteCalendarDay removes the exception of a day: NotFound when there is
// none. A make-up day removed loses its expected counts; a day off removed
// is opened by the next open-day run if it is today.
func (s *Store) DeleteCalendarDay(ctx context.Context, regionID int64, day campusguard.Date) error {
	return s.calendarWrite(ctx, regionID, func(tx *Tx) error {
		var kind campusguard.CalendarKind
		err := tx.QueryRowContext(ctx, `SELECT kind FROM school_calendar WHERE region_id = $1 AND day = $2`, regionID, day).
			Scan(&kind)
		if err == sql.ErrNoRows {
			return notFound("calendar day")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM school_calendar WHERE region_id = $1 AND day = $2`, regionID, day); err != nil {
			return err
		}
		if kind == campusguard.MakeUpDay {
			if err := closeDay(ctx, tx, regionID, day); err != nil {
				return err
			}
		}
		return audit(ctx, tx, regionID, "delete_calendar", "org:"+strconv.FormatInt(regionID, 10), day.String())
	})
}

// calendarWrite runs fn for a region admin of the top-level region.
func (s *Store) calendarWrite(ctx context.Context, regionID int64, fn func(tx *Tx) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, regionID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || o.ParentID != nil || !readsRegion(a, o.Path) {
			return notFound("region") // as CalendarDays: whoever reads the calendar learns it exists
		}
		if !a.Can(campusguard.ManageUsers, o.Path) {
			return forbidden()
		}
		return fn(tx)
	})
}

// closeDay takes back a day's expected counts: roll-up rows that hold
// nothing else go, the others keep what was reported.
func closeDay(ctx context.Context, tx *Tx, regionID int64, day campusguard.Date) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollups WHERE region_id = $1 AND day = $2 AND reported = 0 AND abnormal = 0
		AND fever = 0 AND absent = 0 AND ill_absent = 0 AND open_followups = 0`, regionID, day); err != nil {
		return fmt.Errorf("close day: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rollups SET expected = 0 WHERE region_id = $1 AND day = $2`, regionID, day); err != nil {
		return fmt.Errorf("close day: %w", err)
	}
	return nil
}
