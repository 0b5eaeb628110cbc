package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/auth"
)

const orgColumns = `id, region_id, parent_id, kind, name, code, path, level, school_type, boarding,
	address, principal, phone, grade_year, head_teacher_id`

// scanOrg reads orgColumns, then any extra columns into extra.
func scanOrg(sc interface{ Scan(...any) error }, extra ...any) (*campusguard.Org, error) {
	var o campusguard.Org
	var parent, head sql.NullInt64
	var code sql.NullString
	err := sc.Scan(append([]any{&o.ID, &o.RegionID, &parent, &o.Kind, &o.Name, &code, &o.Path, &o.Level, &o.SchoolType,
		&o.Boarding, &o.Address, &o.Principal, &o.Phone, &o.GradeYear, &head}, extra...)...)
	if err != nil {
		return nil, err
	}
	o.ParentID, o.HeadTeacherID, o.Code = idPtr(parent), idPtr(head), code.String
	return &o, nil
}

// FindOrgByID returns one node of the tree. NotFound when there is none or
// the actor may not see it; Unauthenticated without an actor.
func (s *Store) FindOrgByID(ctx context.Context, id int64) (*campusguard.Org, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, notFound("org")
	}
	return o, nil
}

func findOrgByID(ctx context.Context, q queryer, id int64) (*campusguard.Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("org")
	}
	if err != nil {
		return nil, fmt.Errorf("find org %d: %w", id, err)
	}
	return o, nil
}

// FindOrgs returns the nodes the filter selects, ordered by kind of level
// and name, and how many there are without the limit.
func (s *Store) FindOrgs(ctx context.Context, f campusguard.OrgFilter) ([]*campusguard.Org, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	paths, all := a.Scopes(campusguard.ReadOrg)
	if !all {
		if len(paths) == 0 {
			return []*campusguard.Org{}, 0, nil
		}
		sq.and(pathRanges("path", paths, sq.arg))
	}
	if f.ParentID != nil {
		sq.and("parent_id = " + sq.arg(*f.ParentID))
	}
	if f.Under != nil {
		parent, err := s.FindOrgByID(ctx, *f.Under)
		if err != nil {
			return nil, 0, err
		}
		lo, hi := subtree(parent.Path)
		sq.and("path > "+sq.arg(lo), "path < "+sq.arg(hi))
	}
	if f.Kind != nil {
		sq.and("kind = " + sq.arg(string(*f.Kind)))
	}
	if f.SchoolType != nil {
		sq.and("school_type = " + sq.arg(string(*f.SchoolType)))
	}
	if f.Query != nil && *f.Query != "" {
		like := "%" + escapeLike(*f.Query) + "%"
		sq.and("(name LIKE " + sq.arg(like) + " ESCAPE '\\' OR code = " + sq.arg(*f.Query) + ")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT ` + orgColumns + `, COUNT(*) OVER () FROM orgs WHERE ` + sq.where() +
		` ORDER BY grade_year, COALESCE(code, ''), name, id LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, q, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find orgs: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Org
	total := 0
	for rows.Next() {
		o, err := scanOrg(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 {
		// A page past the end has no row to carry the total.
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE `+sq.where(),
			sq.args[:len(sq.args)-2]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count orgs: %w", err)
		}
	}
	if f.WithCounts && len(out) > 0 {
		if err := s.fillCounts(ctx, out); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// escapeLike escapes the LIKE wildcards in a user's search text.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// fillCounts sets Counts on each node from per-school and per-class counts
// of the smallest subtree that holds them all.
func (s *Store) fillCounts(ctx context.Context, orgs []*campusguard.Org) error {
	common := orgs[0].Path
	for _, o := range orgs[1:] {
		common = commonPath(common, o.Path)
	}
	lo, hi := subtree(common)
	type count struct {
		path string
		n    int
	}
	read := func(q string) ([]count, error) {
		rows, err := s.read.QueryContext(ctx, q, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("count subtree: %w", err)
		}
		defer rows.Close()
		var out []count
		for rows.Next() {
			var c count
			if err := rows.Scan(&c.path, &c.n); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	schools, err := read(`SELECT path, 1 FROM orgs WHERE kind = 'school' AND path >= $1 AND path < $2`)
	if err != nil {
		return err
	}
	classes, err := read(`SELECT path, 1 FROM orgs WHERE kind = 'class' AND path >= $1 AND path < $2`)
	if err != nil {
		return err
	}
	students, err := read(`SELECT c.path, COUNT(*) FROM people p JOIN orgs c ON c.id = p.class_id
		WHERE p.kind = 'student' AND p.active = TRUE AND c.path >= $1 AND c.path < $2 GROUP BY c.path`)
	if err != nil {
		return err
	}
	staff, err := read(`SELECT o.path, COUNT(*) FROM people p JOIN orgs o ON o.id = p.school_id
		WHERE p.kind = 'staff' AND p.active = TRUE AND o.path >= $1 AND o.path < $2 GROUP BY o.path`)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		c := &campusguard.OrgCounts{}
		for _, x := range schools {
			if strings.HasPrefix(x.path, o.Path) {
				c.Schools++
			}
		}
		for _, x := range classes {
			if strings.HasPrefix(x.path, o.Path) {
				c.Classes++
			}
		}
		for _, x := range students {
			if strings.HasPrefix(x.path, o.Path) {
				c.Students += x.n
			}
		}
		for _, x := range staff {
			if strings.HasPrefix(x.path, o.Path) || strings.HasPrefix(o.Path, x.path) {
				c.Staff += x.n // a grade or class shows its school's staff
			}
		}
		o.Counts = c
	}
	return nil
}

func commonPath(a, b string) string {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '/' {
			n = i + 1
		}
	}
	return a[:n]
}

// OrgCounts returns the sizes of the subtree under id.
func (s *Store) OrgCounts(ctx context.Context, id int64) (*campusguard.OrgCounts, error) {
	o, err := s.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.fillCounts(ctx, []*campusguard.Org{o}); err != nil {
		return nil, err
	}
	return o.Counts, nil
}

// OrgAncestors returns the nodes from the root down to id's parent.
func (s *Store) OrgAncestors(ctx context.Context, id int64) ([]*campusguard.Org, error) {
	o, err := s.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	all, err := orgsByIDs(ctx, s.read, o.IDs()[:len(o.IDs())-1])
	if err != nil {
		return nil, err
	}
	// Breadcrumbs start at the first node the actor may see.
	a := campusguard.ActorFrom(ctx)
	out := make([]*campusguard.Org, 0, len(all))
	for _, x := range all {
		if a.Can(campusguard.ReadOrg, x.Path) {
			out = append(out, x)
		}
	}
	return out, nil
}

// orgsByIDs returns the nodes with the given ids, in the order given.
func orgsByIDs(ctx context.Context, q queryer, ids []int64) ([]*campusguard.Org, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := q.QueryContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("orgs by ids: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*campusguard.Org{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		byID[o.ID] = o
	}
	out := make([]*campusguard.Org, 0, len(ids))
	for _, id := range ids {
		if o := byID[id]; o != nil {
			out = append(out, o)
		}
	}
	return out, rows.Err()
}

// CreateOrg adds a node under its parent, or a new tree's root region when
// it has no parent. Invalid, NotFound (parent), Conflict (code).
func (s *Store) CreateOrg(ctx context.Context, o *campusguard.Org) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		var parent *campusguard.Org
		if o.ParentID == nil && !a.System && !hasRole(a, campusguard.SystemAdmin) {
			return forbidden() // a new tree is the system's to make
		}
		if o.ParentID != nil {
			var err error
			parent, err = findOrgByID(ctx, tx, *o.ParentID)
			if err == nil && !a.Can(campusguard.ReadOrg, parent.Path) {
				err = notFound("org")
			}
			if err == nil && !a.Can(campusguard.WriteOrg, parent.Path) {
				return forbidden()
			}
			if err != nil {
				if campusguard.ErrorCode(err) == campusguard.NotFound {
					return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input",
						Fields: []campusguard.FieldError{{Field: "parent_id", Msg: "error.not_found"}}}
				}
				return err
			}
			if !campusguard.CanParent(parent.Kind, o.Kind) {
				return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input",
					Fields: []campusguard.FieldError{{Field: "parent_id", Msg: "error.parent_kind"}}}
			}
			o.RegionID = parent.RegionID
		}
		if o.Code != "" && o.RegionID != 0 {
			if err := codeFree(ctx, tx, o.RegionID, o.Code, 0); err != nil {
				return err
			}
		}
		if o.Kind == campusguard.KindClass && parent != nil {
			o.Boarding = false
		}
		// The path holds the new id, so insert first with a placeholder
		// path unique to this transaction, then set it.
		err := tx.QueryRowContext(ctx, `INSERT INTO orgs (region_id, parent_id, kind, name, code, path, level,
			school_type, boarding, address, principal, phone, grade_year, head_teacher_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			o.RegionID, nullID(o.ParentID), o.Kind, o.Name, nullString(o.Code), "tmp:"+auth.NewToken("", 12),
			o.Level, o.SchoolType, o.Boarding, o.Address, o.Principal, o.Phone, o.GradeYear, nullID(o.HeadTeacherID),
			tx.now).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("insert org: %w", err)
		}
		if parent == nil {
			o.RegionID, o.Path = o.ID, "/"+strconv.FormatInt(o.ID, 10)+"/"
		} else {
			o.Path = parent.Path + strconv.FormatInt(o.ID, 10) + "/"
		}
		if _, err = tx.ExecContext(ctx, `UPDATE orgs SET path = $1, region_id = $2 WHERE id = $3`, o.Path, o.RegionID, o.ID); err != nil {
			return err
		}
		return audit(ctx, tx, o.RegionID, "create_org", "org:"+strconv.FormatInt(o.ID, 10), o.Name)
	})
}

func codeFree(ctx context.Context, q queryer, regionID int64, code string, except int64) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE region_id = $1 AND code = $2 AND id <> $3`,
		regionID, code, except).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return &campusguard.Error{Code: campusguard.Conflict, Message: "error.code_taken",
			Fields: []campusguard.FieldError{{Field: "code", Msg: "error.code_taken"}}}
	}
	return nil
}

// UpdateOrg changes a node's fields. NotFound, Invalid, Conflict.
func (s *Store) UpdateOrg(ctx context.Context, id int64, u campusguard.OrgUpdate) (*campusguard.Org, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *campusguard.Org
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, id)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
			return hidden(err, "org")
		}
		if !a.Can(campusguard.WriteOrg, o.Path) {
			return forbidden()
		}
		u.Apply(o)
		if err := o.Validate(); err != nil {
			return err
		}
		if o.Code != "" {
			if err := codeFree(ctx, tx, o.RegionID, o.Code, o.ID); err != nil {
				return err
			}
		}
		if o.HeadTeacherID != nil {
			if err := staffOfSchool(ctx, tx, *o.HeadTeacherID, o, "head_teacher_id"); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE orgs SET name = $1, code = $2, school_type = $3, boarding = $4,
			address = $5, principal = $6, phone = $7, head_teacher_id = $8, updated_at = $9 WHERE id = $10`,
			o.Name, nullString(o.Code), o.SchoolType, o.Boarding, o.Address, o.Principal, o.Phone,
			nullID(o.HeadTeacherID), tx.now, o.ID)
		if err != nil {
			return err
		}
		out = o
		return audit(ctx, tx, o.RegionID, "update_org", "org:"+strconv.FormatInt(o.ID, 10), o.Name)
	})
	s.tokens.void() // a token's actor carries its org's name
	return out, err
}

// staffOfSchool checks that a person is a staff member of the school that
// holds the node o.
func staffOfSchool(ctx context.Context, q queryer, personID int64, o *campusguard.Org, field string) error {
	var path string
	err := q.QueryRowContext(ctx, `SELECT s.path FROM people p JOIN orgs s ON s.id = p.school_id
		WHERE p.id = $1 AND p.kind = 'staff'`, personID).Scan(&path)
	if err == sql.ErrNoRows || (err == nil && !strings.HasPrefix(o.Path, path)) {
		return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input",
			Fields: []campusguard.FieldError{{Field: field, Msg: "error.not_in_school"}}}
	}
	return err
}

// FindPlaces returns a school's places, of one kind when kind is not "",
// with the beds taken in dormitory rooms.
func (s *Store) FindPlaces(ctx context.Context, schoolID int64, kind campusguard.PlaceKind) ([]*campusguard.Place, error) {
	if _, err := s.FindOrgByID(ctx, schoolID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT pl.id, pl.region_id, pl.school_id, pl.kind, pl.name, pl.beds, pl.class_id,
		(SELECT COUNT(*) FROM people p WHERE p.dorm_room_id = pl.id AND p.active = TRUE)
		FROM places pl LEFT JOIN orgs c ON c.id = pl.class_id LEFT JOIN orgs g ON g.id = c.parent_id
		WHERE pl.school_id = $1 AND ($2 = '' OR pl.kind = $2)
		ORDER BY pl.kind, COALESCE(g.grade_year, 0), pl.id`, schoolID, string(kind))
	if err != nil {
		return nil, fmt.Errorf("find places: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Place
	for rows.Next() {
		var p campusguard.Place
		var class sql.NullInt64
		if err := rows.Scan(&p.ID, &p.RegionID, &p.SchoolID, &p.Kind, &p.Name, &p.Beds, &class, &p.Occupied); err != nil {
			return nil, err
		}
		p.ClassID = idPtr(class)
		out = append(out, &p)
	}
	return out, rows.Err()
}

func findPlace(ctx context.Context, q queryer, id int64) (*campusguard.Place, error) {
	var p campusguard.Place
	var class sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, region_id, school_id, kind, name, beds, class_id FROM places WHERE id = $1`, id).
		Scan(&p.ID, &p.RegionID, &p.SchoolID, &p.Kind, &p.Name, &p.Beds, &class)
	if err == sql.ErrNoRows {
		return nil, notFound("place")
	}
	p.ClassID = idPtr(class)
	return &p, err
}

// school returns the school node, or Invalid naming field when id is not a
// school the actor may see; Forbidden when the actor may see it but not act.
func school(ctx context.Context, q queryer, id int64, field string, act campusguard.Action) (*campusguard.Org, error) {
	a := campusguard.ActorFrom(ctx)
	o, err := findOrgByID(ctx, q, id)
	if campusguard.ErrorCode(err) == campusguard.NotFound || (err == nil && (o.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadOrg, o.Path))) {
		return nil, &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input",
			Fields: []campusguard.FieldError{{Field: field, Msg: "error.not_found"}}}
	}
	if err == nil && !a.Can(act, o.Path) {
		return nil, forbidden()
	}
	return o, err
}

// CreatePlace adds a place to a school. Invalid, Conflict (name).
func (s *Store) CreatePlace(ctx context.Context, p *campusguard.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		sch, err := school(ctx, tx, p.SchoolID, "school_id", campusguard.WriteOrg)
		if err != nil {
			return err
		}
		if p.ClassID != nil {
			if err := classOfSchool(ctx, tx, *p.ClassID, sch, "class_id"); err != nil {
				return err
			}
		}
		p.RegionID = sch.RegionID
		if err := tx.QueryRowContext(ctx, `INSERT INTO places (region_id, school_id, kind, name, beds, class_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.RegionID, p.SchoolID, p.Kind, p.Name, p.Beds,
			nullID(p.ClassID)).Scan(&p.ID); err != nil {
			return err
		}
		return audit(ctx, tx, p.RegionID, "create_place", "place:"+strconv.FormatInt(p.ID, 10), p.Name)
	})
}

func classOfSchool(ctx context.Context, q queryer, classID int64, sch *campusguard.Org, field string) error {
	c, err := findOrgByID(ctx, q, classID)
	if campusguard.ErrorCode(err) == campusguard.NotFound ||
		(err == nil && (c.Kind != campusguard.KindClass || !strings.HasPrefix(c.Path, sch.Path))) {
		return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input",
			Fields: []campusguard.FieldError{{Field: field, Msg: "error.not_in_school"}}}
	}
	return err
}

// FindBusRoutes returns a school's bus routes with their rider counts.
func (s *Store) FindBusRoutes(ctx context.Context, schoolID int64) ([]*campusguard.BusRoute, error) {
	if _, err := s.FindOrgByID(ctx, schoolID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.region_id, r.school_id, r.name, r.plate, r.driver_id,
		(SELECT COUNT(*) FROM people p WHERE p.bus_route_id = r.id AND p.kind = 'student' AND p.active = TRUE)
		FROM bus_routes r WHERE r.school_id = $1 ORDER BY r.name`, schoolID)
	if err != nil {
		return nil, fmt.Errorf("find bus routes: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.BusRoute
	for rows.Next() {
		var r campusguard.BusRoute
		var driver sql.NullInt64
		if err := rows.Scan(&r.ID, &r.RegionID, &r.SchoolID, &r.Name, &r.Plate, &driver, &r.Riders); err != nil {
			return nil, err
		}
		r.DriverID = idPtr(driver)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// CreateBusRoute adds a bus route to a school. Invalid, Conflict (name).
func (s *Store) CreateBusRoute(ctx context.Context, r *campusguard.BusRoute) error {
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "name", Msg: "error.required"}})
	}
	return s.inTx(ctx, func(tx *Tx) error {
		sch, err := school(ctx, tx, r.SchoolID, "school_id", campusguard.WriteOrg)
		if err != nil {
			return err
		}
		if r.DriverID != nil {
			if err := staffOfSchool(ctx, tx, *r.DriverID, sch, "driver_id"); err != nil {
				return err
			}
		}
		r.RegionID = sch.RegionID
		if err := tx.QueryRowContext(ctx, `INSERT INTO bus_routes (region_id, school_id, name, plate, driver_id)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.RegionID, r.SchoolID, r.Name, r.Plate, nullID(r.DriverID)).Scan(&r.ID); err != nil {
			return err
		}
		return audit(ctx, tx, r.RegionID, "create_bus_route", "bus_route:"+strconv.FormatInt(r.ID, 10), r.Name)
	})
}

func findBusRoute(ctx context.Context, q queryer, id int64) (*campusguard.BusRoute, error) {
	var r campusguard.BusRoute
	var driver sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, region_id, school_id, name, plate, driver_id FROM bus_routes WHERE id = $1`, id).
		Scan(&r.ID, &r.RegionID, &r.SchoolID, &r.Name, &r.Plate, &driver)
	if err == sql.ErrNoRows {
		return nil, notFound("bus route")
	}
	r.DriverID = idPtr(driver)
	return &r, err
}
