package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// Environment (issue 14, first part): spaces, their schedules, the logs
// of ventilation and disinfection, the overdue list and the compliance.
// The rules (what is due, what a log counts for) are the domain's; this
// file reads what they need and writes the logs.

// ---- The region's default schedules ----

// envDefaults reads a region's default schedule of every kind: its own
// where it set one, the built-in one otherwise.
func envDefaults(ctx context.Context, q queryer, regionID int64) ([]campusguard.KindSchedule, error) {
	own := map[campusguard.SpaceKind]campusguard.Schedule{}
	rows, err := q.QueryContext(ctx, `SELECT kind, ventilation, disinfection, uses FROM env_schedules WHERE region_id = $1`, regionID)
	if err != nil {
		return nil, fmt.Errorf("env schedules: %w", err)
	}
	for rows.Next() {
		var k campusguard.SpaceKind
		var s campusguard.Schedule
		if err := rows.Scan(&k, &s.Ventilation, &s.Disinfection, &s.Uses); err != nil {
			rows.Close()
			return nil, err
		}
		own[k] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]campusguard.KindSchedule, 0, len(campusguard.SpaceKinds))
	for _, k := range campusguard.SpaceKinds {
		s, ok := own[k]
		if !ok {
			s = campusguard.DefaultSchedules[k]
		}
		out = append(out, campusguard.KindSchedule{Kind: k, Schedule: s, Own: ok})
	}
	return out, nil
}

// envRegion returns a top-level region the actor may do act in; NotFound
// otherwise.
func envRegion(ctx context.Context, q queryer, a *campusguard.Actor, regionID int64, act campusguard.Action) (*campusguard.Org, error) {
	root, err := findOrgByID(ctx, q, regionID)
	if err != nil || root.ParentID != nil || !a.Can(act, root.Path) {
		return nil, hidden(err, "region")
	}
	return root, nil
}

// EnvDefaults returns a region's default schedules.
func (s *Store) EnvDefaults(ctx context.Context, regionID int64) ([]campusguard.KindSchedule, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := envRegion(ctx, s.read, a, regionID, campusguard.ReadEnvironment); err != nil {
		return nil, err
	}
	return envDefaults(ctx, s.read, regionID)
}

// SetEnvDefault sets a region's default schedule of a kind.
func (s *Store) SetEnvDefault(ctx context.Context, regionID int64, k campusguard.KindSchedule) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := envRegion(ctx, tx, a, regionID, campusguard.ReadEnvironment)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.SetEnvDefaults, root.Path) {
			return forbidden()
		}
		if !slices.Contains(campusguard.SpaceKinds, k.Kind) {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "kind", Msg: "error.bad_choice"}})
		}
		if err := k.Schedule.Validate(); err != nil {
			return err
		}
		if k.Schedule.Disinfection == campusguard.DisinfectDaily {
			k.Schedule.Uses = 0
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO env_schedules (region_id, kind, ventilation, disinfection, uses, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_id, kind) DO UPDATE SET ventilation = excluded.ventilation,
			disinfection = excluded.disinfection, uses = excluded.uses, updated_at = excluded.updated_at`,
			regionID, k.Kind, k.Schedule.Ventilation, k.Schedule.Disinfection, k.Schedule.Uses, tx.now); err != nil {
			return fmt.Errorf("set env schedule: %w", err)
		}
		return audit(ctx, tx, regionID, "set_env_schedule", "org:"+strconv.FormatInt(regionID, 10), scheduleDetail(k.Kind, k.Schedule))
	})
}

func scheduleDetail(k campusguard.SpaceKind, s campusguard.Schedule) string {
	d := string(k) + " ventilation " + strconv.Itoa(s.Ventilation) + " disinfection " + string(s.Disinfection)
	if s.Disinfection == campusguard.DisinfectAfterUse {
		d += " " + strconv.Itoa(s.Uses)
	}
	return d
}

// ---- Spaces ----

// envSchool returns the school schoolID names if the actor reads its
// environment (its staff, the region's readers); NotFound otherwise.
func envSchool(ctx context.Context, q queryer, a *campusguard.Actor, schoolID int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, q, schoolID)
	if err != nil || o.Kind != campusguard.KindSchool || !a.CanAtSchool(campusguard.ReadEnvironment, o.Path) {
		return nil, hidden(err, "school")
	}
	return o, nil
}

const spaceColumns = `e.id, e.region_id, e.school_id, e.kind, e.name, e.class_id, COALESCE(c.name, ''), COALESCE(c.path, ''),
	COALESCE(g.grade_year, 0), e.bus_route_id, e.ventilation, e.disinfection, e.uses, s.path, s.school_type`

const spaceFrom = ` FROM env_spaces e JOIN orgs s ON s.id = e.school_id LEFT JOIN orgs c ON c.id = e.class_id
	LEFT JOIN orgs g ON g.id = c.parent_id`

// loadSpaces reads the spaces the conditions select, with the schedule in
// force (their own, else the region's for their kind), by school, kind in
// display order and name.
func loadSpaces(ctx context.Context, q queryer, regionID int64, c *conds) ([]*campusguard.Space, error) {
	defaults, err := envDefaults(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	byKind := map[campusguard.SpaceKind]campusguard.Schedule{}
	for _, d := range defaults {
		byKind[d.Kind] = d.Schedule
	}
	rows, err := q.QueryContext(ctx, `SELECT `+spaceColumns+spaceFrom+` WHERE `+c.where(), c.args...)
	if err != nil {
		return nil, fmt.Errorf("spaces: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Space
	for rows.Next() {
		sp := &campusguard.Space{}
		var class, bus, vent, uses sql.NullInt64
		var mode sql.NullString
		if err := rows.Scan(&sp.ID, &sp.RegionID, &sp.SchoolID, &sp.Kind, &sp.Name, &class, &sp.ClassName, &sp.ClassPath,
			&sp.ClassGrade, &bus, &vent, &mode, &uses, &sp.SchoolPath, &sp.SchoolType); err != nil {
			return nil, err
		}
		sp.ClassID, sp.BusRouteID = idPtr(class), idPtr(bus)
		sp.Schedule = byKind[sp.Kind]
		if vent.Valid && mode.Valid {
			own := campusguard.Schedule{Ventilation: int(vent.Int64), Disinfection: campusguard.DisinfectMode(mode.String), Uses: int(uses.Int64)}
			sp.Own, sp.Schedule = &own, own
		}
		out = append(out, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(x, y *campusguard.Space) int {
		if x.SchoolID != y.SchoolID {
			return cmpInt(x.SchoolID, y.SchoolID)
		}
		if kx, ky := slices.Index(campusguard.SpaceKinds, x.Kind), slices.Index(campusguard.SpaceKinds, y.Kind); kx != ky {
			return kx - ky
		}
		if x.Name != y.Name {
			return strings.Compare(x.Name, y.Name)
		}
		return cmpInt(x.ID, y.ID)
	})
	return out, nil
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// schoolSpaces reads a school's spaces.
func schoolSpaces(ctx context.Context, q queryer, o *campusguard.Org) ([]*campusguard.Space, error) {
	var c conds
	c.and("e.school_id = " + c.arg(o.ID))
	return loadSpaces(ctx, q, o.RegionID, &c)
}

// Spaces returns a school's spaces.
func (s *Store) Spaces(ctx context.Context, schoolID int64) ([]*campusguard.Space, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := envSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	out, err := schoolSpaces(ctx, s.read, o)
	if out == nil && err == nil {
		out = []*campusguard.Space{}
	}
	return out, err
}

// SaveSpace creates or changes a space of a school: its principal.
func (s *Store) SaveSpace(ctx context.Context, sp *campusguard.Space) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		o, err := envSchool(ctx, tx, a, sp.SchoolID)
		if err != nil {
			return err
		}
		if !a.CanAtSchool(campusguard.ManageSpaces, o.Path) {
			return forbidden()
		}
		if sp.ID != 0 {
			var school int64
			err := tx.QueryRowContext(ctx, `SELECT school_id FROM env_spaces WHERE id = $1`, sp.ID).Scan(&school)
			if err == sql.ErrNoRows || (err == nil && school != o.ID) {
				return notFound("space")
			}
			if err != nil {
				return err
			}
		}
		if err := sp.Validate(); err != nil {
			return err
		}
		if sp.ClassID != nil {
			c, err := findOrgByID(ctx, tx, *sp.ClassID)
			if err != nil || c.Kind != campusguard.KindClass || !strings.HasPrefix(c.Path, o.Path) {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "class_id", Msg: "error.space_class_school"}})
			}
		}
		if sp.BusRouteID != nil {
			var school int64
			err := tx.QueryRowContext(ctx, `SELECT school_id FROM bus_routes WHERE id = $1`, *sp.BusRouteID).Scan(&school)
			if err == sql.ErrNoRows || (err == nil && school != o.ID) {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "bus_route_id", Msg: "error.space_bus_school"}})
			}
			if err != nil {
				return err
			}
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM env_spaces WHERE school_id = $1 AND name = $2 AND id <> $3`,
			o.ID, sp.Name, sp.ID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &campusguard.Error{Code: campusguard.Conflict, Message: "error.conflict",
				Fields: []campusguard.FieldError{{Field: "name", Msg: "error.space_name_taken"}}}
		}
		var vent, mode, uses any
		if sp.Own != nil {
			vent, mode, uses = sp.Own.Ventilation, string(sp.Own.Disinfection), sp.Own.Uses
		}
		sp.RegionID, sp.SchoolID = o.RegionID, o.ID
		action := "update_space"
		if sp.ID == 0 {
			action = "create_space"
			if err := tx.QueryRowContext(ctx, `INSERT INTO env_spaces (region_id, school_id, kind, name, class_id, bus_route_id,
				ventilation, disinfection, uses, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
				sp.RegionID, sp.SchoolID, sp.Kind, sp.Name, nullID(sp.ClassID), nullID(sp.BusRouteID), vent, mode, uses, tx.now).
				Scan(&sp.ID); err != nil {
				return fmt.Errorf("create space: %w", err)
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE env_spaces SET kind = $1, name = $2, class_id = $3, bus_route_id = $4,
			ventilation = $5, disinfection = $6, uses = $7 WHERE id = $8`, sp.Kind, sp.Name, nullID(sp.ClassID), nullID(sp.BusRouteID),
			vent, mode, uses, sp.ID); err != nil {
			return fmt.Errorf("update space: %w", err)
		}
		detail := string(sp.Kind) + " " + sp.Name
		if sp.Own != nil {
			detail += " own schedule: " + scheduleDetail(sp.Kind, *sp.Own)
		}
		return audit(ctx, tx, o.RegionID, action, "space:"+strconv.FormatInt(sp.ID, 10), detail)
	})
}

// ---- Logs ----

// LogEnvironment records one log per space named, in one transaction.
func (s *Store) LogEnvironment(ctx context.Context, in campusguard.EnvLogInput) ([]campusguard.EnvLog, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	var out []campusguard.EnvLog
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := envSchool(ctx, tx, a, in.SchoolID)
		if err != nil {
			return err
		}
		if !a.CanAtSchool(campusguard.LogEnvironment, o.Path) {
			return forbidden()
		}
		if in.At.IsZero() {
			in.At = tx.now
		}
		in.At = in.At.UTC().Truncate(time.Microsecond)
		spaces := map[int64]*campusguard.Space{}
		if len(in.SpaceIDs) > 0 && len(in.SpaceIDs) <= campusguard.MaxLogSpaces {
			var c conds
			var ph []string
			for _, id := range in.SpaceIDs {
				ph = append(ph, c.arg(id))
			}
			c.and("e.id IN (" + strings.Join(ph, ", ") + ")")
			list, err := loadSpaces(ctx, tx, o.RegionID, &c)
			if err != nil {
				return err
			}
			for _, sp := range list {
				spaces[sp.ID] = sp
			}
		}
		if err := campusguard.CheckEnvLog(in, spaces, tx.now); err != nil {
			return err
		}
		if in.FileID != nil {
			files, err := filesByID(ctx, tx, []int64{*in.FileID})
			if err != nil {
				return err
			}
			if f := files[*in.FileID]; f == nil || f.OrgID != o.ID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_id", Msg: "error.env_file"}})
			}
		}
		day, by := campusguard.Today(in.At), campusguard.ActorName(ctx)
		for _, id := range in.SpaceIDs {
			l := campusguard.EnvLog{RegionID: o.RegionID, SchoolID: o.ID, SpaceID: id, SpaceName: spaces[id].Name, Task: in.Task,
				Day: day, At: in.At, By: by, FileID: in.FileID, Note: in.Note}
			if err := tx.QueryRowContext(ctx, `INSERT INTO env_logs (region_id, school_id, space_id, task, day, at, by_name, file_id,
				note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, l.RegionID, l.SchoolID, l.SpaceID,
				l.Task, l.Day, l.At, l.By, nullID(l.FileID), l.Note, tx.now).Scan(&l.ID); err != nil {
				return fmt.Errorf("log environment: %w", err)
			}
			out = append(out, l)
		}
		ids := make([]string, len(in.SpaceIDs))
		for i, id := range in.SpaceIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return audit(ctx, tx, o.RegionID, "log_environment", "org:"+strconv.FormatInt(o.ID, 10),
			string(in.Task)+" "+in.At.Format("2006-01-02T15:04Z")+" spaces "+strings.Join(ids, ","))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EnvLogs returns a school's logs of a day, latest first.
func (s *Store) EnvLogs(ctx context.Context, schoolID int64, day campusguard.Date) ([]campusguard.EnvLog, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := envSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	if day.IsZero() {
		day = campusguard.Today(s.Now())
	}
	rows, err := s.read.QueryContext(ctx, `SELECT l.id, l.region_id, l.school_id, l.space_id, e.name, l.task, l.day, l.at, l.by_name,
		l.file_id, l.note FROM env_logs l JOIN env_spaces e ON e.id = l.space_id WHERE l.school_id = $1 AND l.day = $2
		ORDER BY l.at DESC, l.id DESC`, o.ID, day)
	if err != nil {
		return nil, fmt.Errorf("env logs: %w", err)
	}
	defer rows.Close()
	out := []campusguard.EnvLog{}
	for rows.Next() {
		var l campusguard.EnvLog
		var file sql.NullInt64
		if err := rows.Scan(&l.ID, &l.RegionID, &l.SchoolID, &l.SpaceID, &l.SpaceName, &l.Task, &l.Day, &l.At, &l.By, &file, &l.Note); err != nil {
			return nil, err
		}
		l.FileID = idPtr(file)
		out = append(out, l)
	}
	return out, rows.Err()
}

// logCounts counts a region's logs from from to to, by space, day and
// task: of the schools named, or of all when schools is nil. The query
// joins nothing and binds no path: PostgreSQL's generic plan for a
// prepared statement (from the sixth run on) kept the join with the
// schools' paths and took fifteen times as long (docs/benchmarks.md).
func logCounts(ctx context.Context, q queryer, regionID int64, schools []int64, from, to campusguard.Date) (campusguard.LogCounts, error) {
	var c conds
	c.and("l.region_id = "+c.arg(regionID), "l.day >= "+c.arg(from), "l.day <= "+c.arg(to))
	if schools != nil {
		if len(schools) == 0 {
			return campusguard.LogCounts{}, nil
		}
		ph := make([]string, len(schools))
		for i, id := range schools {
			ph[i] = c.arg(id)
		}
		c.and("l.school_id IN (" + strings.Join(ph, ", ") + ")")
	}
	rows, err := q.QueryContext(ctx, `SELECT l.space_id, l.day, l.task, COUNT(*) FROM env_logs l WHERE `+c.where()+`
		GROUP BY l.space_id, l.day, l.task`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("env log counts: %w", err)
	}
	defer rows.Close()
	out := campusguard.LogCounts{}
	for rows.Next() {
		var k campusguard.LogKey
		var n int
		if err := rows.Scan(&k.SpaceID, &k.Day, &k.Task, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// envOpenness reads what decides which spaces are in use from from to to:
// the region's calendar and its openness with every suspension of the
// period.
func envOpenness(ctx context.Context, q queryer, regionID int64, from, to campusguard.Date) (campusguard.Calendar, campusguard.Openness, error) {
	cal, err := calendar(ctx, q, regionID, from, to)
	if err != nil {
		return nil, campusguard.Openness{}, err
	}
	open, err := loadOpenness(ctx, q, regionID, from)
	if err != nil {
		return nil, open, err
	}
	open.Suspensions, err = suspensions(ctx, q, regionID, "", from, &to)
	return cal, open, err
}

// OverdueToday returns a school's overdue list at the store's now.
func (s *Store) OverdueToday(ctx context.Context, schoolID int64) (*campusguard.Overdue, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := envSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	day := campusguard.Today(now)
	spaces, err := schoolSpaces(ctx, s.read, o)
	if err != nil {
		return nil, err
	}
	logs, err := logCounts(ctx, s.read, o.RegionID, []int64{o.ID}, day, day)
	if err != nil {
		return nil, err
	}
	cal, open, err := envOpenness(ctx, s.read, o.RegionID, day, day)
	if err != nil {
		return nil, err
	}
	ov := campusguard.OverdueOf(o.ID, spaces, logs, day, now, cal, open)
	ov.SchoolName = o.Name
	return &ov, nil
}

// EnvCompliance returns the compliance of the schools under a node.
func (s *Store) EnvCompliance(ctx context.Context, orgID int64, from, to campusguard.Date) (*campusguard.EnvCompliance, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil {
		return nil, hidden(err, "org")
	}
	switch o.Kind {
	case campusguard.KindRegion:
		if !a.Can(campusguard.ReadEnvironment, o.Path) {
			return nil, notFound("org")
		}
	case campusguard.KindSchool:
		if !a.CanAtSchool(campusguard.ReadEnvironment, o.Path) {
			return nil, notFound("org")
		}
	default:
		return nil, notFound("org")
	}
	if err := campusguard.CheckPeriod(from, to); err != nil {
		return nil, err
	}
	if from.AddDays(campusguard.MaxCompliancePeriod).Before(to) {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "to", Msg: "error.period_too_long",
			Args: []any{campusguard.MaxCompliancePeriod}}})
	}
	return envCompliance(ctx, s.read, o, from, to)
}

// envCompliance computes the compliance of the schools under o; no access
// check.
func envCompliance(ctx context.Context, q queryer, o *campusguard.Org, from, to campusguard.Date) (*campusguard.EnvCompliance, error) {
	lo, hi := subtree(o.Path)
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM orgs WHERE region_id = $1 AND kind = 'school' AND path >= $2 AND path < $3
		ORDER BY name, id`, o.RegionID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("compliance schools: %w", err)
	}
	lines := []campusguard.SchoolCompliance{}
	for rows.Next() {
		var l campusguard.SchoolCompliance
		if err := rows.Scan(&l.SchoolID, &l.Name); err != nil {
			rows.Close()
			return nil, err
		}
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var c conds
	c.and("e.region_id = "+c.arg(o.RegionID), "s.path >= "+c.arg(lo), "s.path < "+c.arg(hi))
	spaces, err := loadSpaces(ctx, q, o.RegionID, &c)
	if err != nil {
		return nil, err
	}
	var schools []int64 // nil: the whole region
	if o.ParentID != nil {
		schools = make([]int64, len(lines))
		for i, l := range lines {
			schools[i] = l.SchoolID
		}
	}
	logs, err := logCounts(ctx, q, o.RegionID, schools, from, to)
	if err != nil {
		return nil, err
	}
	cal, open, err := envOpenness(ctx, q, o.RegionID, from, to)
	if err != nil {
		return nil, err
	}
	out := &campusguard.EnvCompliance{OrgID: o.ID, From: from, To: to,
		Schools: campusguard.ComplianceOf(lines, spaces, logs, from, to, cal, open)}
	out.TotalOf()
	return out, nil
}

// envUpload reports whether the actor may upload a photo of their
// environment work to o: a school where they log.
func envUpload(a *campusguard.Actor, o *campusguard.Org) bool {
	return o.Kind == campusguard.KindSchool && a.CanAtSchool(campusguard.LogEnvironment, o.Path)
}

// fileOfEnvLog reports whether a file is the photo of a log at a school
// whose environment the actor reads (a caretaker without a reading grant
// on the school sees the photos of its logs).
func fileOfEnvLog(ctx context.Context, q queryer, a *campusguard.Actor, fileID int64) (bool, error) {
	var path string
	err := q.QueryRowContext(ctx, `SELECT s.path FROM env_logs l JOIN orgs s ON s.id = l.school_id WHERE l.file_id = $1
		ORDER BY l.id LIMIT 1`, fileID).Scan(&path)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("file of a log: %w", err)
	}
	return a.CanAtSchool(campusguard.ReadEnvironment, path), nil
}
