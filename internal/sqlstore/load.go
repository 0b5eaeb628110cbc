package sqlstore

import (
	"context"
	"fmt"
	"time"

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
	Checks    []*campusguard.Check // history: current, with ids, Fever and Abnormal set
	Calendar  []campusguard.CalendarDay
}

// loadState carries what the history's roll-ups need across batches.
type loadState struct {
	paths      map[int64]string // class id -> path
	expected   map[int64]int    // org id -> active students below
	days       map[campusguard.Date]bool
	rollups    map[rollupKey]*campusguard.Rollup
	lastDay    campusguard.Date
	region     int64
	pendingIll []illDay
}

type illDay = struct {
	p  *campusguard.Person
	d  campusguard.Date
	st campusguard.DayStatus
}

type rollupKey struct {
	org int64
	day campusguard.Date
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
//
// On PostgreSQL the tables' statistics are gathered right after: until
// autovacuum gets round to it, the planner would take the freshly filled
// tables for empty ones and pick plans that scan them (home reports over
// HTTP on a fresh demo ran at 340 to 1,475 requests/s depending on when
// autovacuum came by, with a p99 up to 378 ms; after ANALYZE, 1,870 to
// 2,000 requests/s and 57 to 66 ms).
func (s *Store) Load(ctx context.Context, fill func(load func(*Batch) error) error) error {
	if err := s.load(ctx, fill); err != nil {
		return err
	}
	if s.dialect.postgres {
		if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("load: analyze: %w", err)
		}
	}
	return nil
}

func (s *Store) load(ctx context.Context, fill func(load func(*Batch) error) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT id FROM orgs LIMIT 1) x`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return campusguard.Errorf(campusguard.Conflict, "error.not_empty")
		}
		st := &loadState{paths: map[int64]string{}, expected: map[int64]int{}, days: map[campusguard.Date]bool{},
			rollups: map[rollupKey]*campusguard.Rollup{}}
		if err := fill(func(b *Batch) error { return loadBatch(ctx, tx, b, st) }); err != nil {
			return err
		}
		if err := st.writeRollups(ctx, tx); err != nil {
			return err
		}
		for _, t := range []string{"orgs", "places", "bus_routes", "people", "guardians", "checks", "followups"} {
			if err := s.resetSequence(ctx, tx, t); err != nil {
				return fmt.Errorf("load: sequence %s: %w", t, err)
			}
		}
		return nil
	})
}

func loadBatch(ctx context.Context, tx *Tx, b *Batch, st *loadState) error {
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
	err = insertMany(ctx, tx, "school_calendar", []string{"region_id", "day", "kind", "name", "updated_at"}, len(b.Calendar),
		func(i int) []any { c := b.Calendar[i]; return []any{c.RegionID, c.Day, c.Kind, c.Name, tx.now} }, "")
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
	err = insertMany(ctx, tx, "class_teachers", []string{"region_id", "class_id", "staff_id"},
		len(b.Teaching), func(i int) []any {
			t := b.Teaching[i]
			return []any{region, t.ClassID, t.StaffID}
		}, "")
	if err != nil {
		return err
	}
	return st.loadHistory(ctx, tx, b)
}

// loadHistory stores a batch's checks with what recording them one by one
// would have written: each person's day (folded by the domain, as
// RecordCheck does), the follow-ups of illness absences (done, but for the
// last day's) and the roll-up figures, summed until the end of the load.
func (st *loadState) loadHistory(ctx context.Context, tx *Tx, b *Batch) error {
	for _, o := range b.Orgs {
		if o.Kind == campusguard.KindClass {
			st.paths[o.ID] = o.Path
		}
		st.region = o.RegionID
	}
	for _, p := range b.People {
		if p.Kind == campusguard.Student && p.Active && p.ClassID != nil {
			for _, id := range campusguard.PathIDs(st.paths[*p.ClassID]) {
				st.expected[id]++
			}
		}
	}
	if len(b.Checks) == 0 {
		return nil
	}
	err := insertMany(ctx, tx, "checks", []string{"id", "region_id", "person_id", "school_id", "class_id", "day", "kind", "at",
		"temperature", "symptoms", "attendance", "absence_reason", "client_key", "version", "current", "reported_by", "fever", "abnormal", "received_at"},
		len(b.Checks), func(i int) []any {
			c := b.Checks[i]
			var temp, received any
			if c.Temperature != nil {
				temp = *c.Temperature
			}
			if !c.ReceivedAt.IsZero() {
				received = c.ReceivedAt
			}
			return []any{c.ID, c.RegionID, c.PersonID, c.SchoolID, nullID(c.ClassID), c.Day, c.Kind, c.At, temp,
				joinSymptoms(c.Symptoms), c.Attendance, c.AbsenceReason, c.ClientKey, c.Version, c.Current, c.ReportedBy, c.Fever, c.Abnormal, received}
		}, "")
	if err != nil {
		return err
	}
	type pd struct {
		person int64
		day    campusguard.Date
	}
	byDay := map[pd][]*campusguard.Check{}
	var order []pd
	people := map[int64]*campusguard.Person{}
	for _, p := range b.People {
		people[p.ID] = p
	}
	for _, c := range b.Checks {
		k := pd{c.PersonID, c.Day}
		if _, ok := byDay[k]; !ok {
			order = append(order, k)
		}
		byDay[k] = append(byDay[k], c)
		st.days[c.Day] = true
		if st.lastDay.Before(c.Day) {
			st.lastDay = c.Day
		}
	}
	type dayRow = illDay
	rows := make([]dayRow, 0, len(order))
	var ill []dayRow
	for _, k := range order {
		p := people[k.person]
		r := dayRow{p, k.day, campusguard.SummarizeDay(byDay[k])}
		rows = append(rows, r)
		if r.st.IllAbsent {
			ill = append(ill, r)
		}
		delta := campusguard.DayStatus{}.Delta(r.st)
		for _, org := range campusguard.PathIDs(st.paths[*p.ClassID]) {
			key := rollupKey{org, k.day}
			sum := st.rollups[key]
			if sum == nil {
				sum = &campusguard.Rollup{}
				st.rollups[key] = sum
			}
			sum.Reported += delta.Reported
			sum.Abnormal += delta.Abnormal
			sum.Fever += delta.Fever
			sum.Absent += delta.Absent
			sum.IllAbsent += delta.IllAbsent
		}
	}
	err = insertMany(ctx, tx, "person_days", []string{"region_id", "person_id", "day", "class_id", "school_id", "reported",
		"abnormal", "fever", "absent", "ill_absent"}, len(rows), func(i int) []any {
		r := rows[i]
		return []any{r.p.RegionID, r.p.ID, r.d, nullID(r.p.ClassID), r.p.SchoolID, r.st.Reported, r.st.Abnormal, r.st.Fever,
			r.st.Absent, r.st.IllAbsent}
	}, "")
	if err != nil {
		return err
	}
	// The history's illness absences were followed up, but for the last
	// day's, which are still open.
	st.pendingIll = append(st.pendingIll, ill...)
	return nil
}

// writeRollups writes the follow-ups and the roll-up rows of every history
// day: the expected counts with the summed figures.
func (st *loadState) writeRollups(ctx context.Context, tx *Tx) error {
	if len(st.days) == 0 {
		return nil
	}
	err := insertMany(ctx, tx, "followups", []string{"region_id", "person_id", "school_id", "class_id", "day", "done",
		"symptoms", "clinic_visit", "diagnosis", "expected_return", "done_by", "done_at"}, len(st.pendingIll), func(i int) []any {
		r := st.pendingIll[i]
		if r.d == st.lastDay {
			return []any{r.p.RegionID, r.p.ID, r.p.SchoolID, nullID(r.p.ClassID), r.d, false, "", false, "", nil, "", nil}
		}
		return []any{r.p.RegionID, r.p.ID, r.p.SchoolID, nullID(r.p.ClassID), r.d, true, "fever,cough", true, "上呼吸道感染",
			r.d.AddDays(2), "班主任", r.d.Time().Add(10 * time.Hour)}
	}, "")
	if err != nil {
		return err
	}
	for _, r := range st.pendingIll {
		if r.d != st.lastDay {
			continue
		}
		for _, org := range campusguard.PathIDs(st.paths[*r.p.ClassID]) {
			st.rollups[rollupKey{org, r.d}].OpenFollowUps++
		}
	}
	type row struct {
		org int64
		day campusguard.Date
		r   campusguard.Rollup
	}
	var rows []row
	for day := range st.days {
		for org, n := range st.expected {
			r := campusguard.Rollup{}
			if sum := st.rollups[rollupKey{org, day}]; sum != nil {
				r = *sum
			}
			r.Expected = n
			rows = append(rows, row{org, day, r})
		}
	}
	return insertMany(ctx, tx, "rollups", []string{"region_id", "org_id", "day", "expected", "reported", "abnormal", "fever",
		"absent", "ill_absent", "open_followups"}, len(rows), func(i int) []any {
		x := rows[i]
		return []any{st.region, x.org, x.day, x.r.Expected, x.r.Reported, x.r.Abnormal, x.r.Fever, x.r.Absent, x.r.IllAbsent,
			x.r.OpenFollowUps}
	}, "")
}
