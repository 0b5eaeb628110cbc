package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

const personColumns = `p.id, p.region_id, p.school_id, p.kind, p.name, p.gender, p.id_number, p.birth_date, p.phone,
	p.number, p.class_id, p.role, p.boarding, p.dorm_room_id, p.bed, p.bus_route_id, p.town, p.village, p.active,
	p.created_at, p.updated_at`

func scanPerson(sc interface{ Scan(...any) error }, extra ...any) (*campusguard.Person, error) {
	var p campusguard.Person
	var idn sql.NullString
	var class, dorm, route sql.NullInt64
	dst := []any{&p.ID, &p.RegionID, &p.SchoolID, &p.Kind, &p.Name, &p.Gender, &idn, &p.Birth, &p.Phone,
		&p.Number, &class, &p.Role, &p.Boarding, &dorm, &p.Bed, &route, &p.Town, &p.Village, &p.Active,
		&p.CreatedAt, &p.UpdatedAt}
	if err := sc.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	p.IDNumber, p.ClassID, p.DormRoomID, p.BusRouteID = idn.String, idPtr(class), idPtr(dorm), idPtr(route)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// FindPersonByID returns one person as the actor may see them (ID number
// masked; phone masked unless the actor calls families). NotFound when
// there is none or the actor may not see them.
func (s *Store) FindPersonByID(ctx context.Context, id int64) (*campusguard.Person, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	p, path, err := personAndPath(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	if !a.CanPerson(campusguard.ListPeople, p.ID, path) {
		return nil, notFound("person")
	}
	return a.MaskFor(p, path), nil
}

func findPerson(ctx context.Context, q queryer, id int64) (*campusguard.Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("person")
	}
	if err != nil {
		return nil, fmt.Errorf("find person %d: %w", id, err)
	}
	return p, nil
}

// FindPeople returns the people the filter selects, by name, and the total.
func (s *Store) FindPeople(ctx context.Context, f campusguard.PersonFilter) ([]*campusguard.Person, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	if scope := peopleScope(a, sq.arg); scope != "" {
		sq.and(scope)
	}
	if f.Under != nil {
		o, err := s.FindOrgByID(ctx, *f.Under)
		if err != nil {
			return nil, 0, err
		}
		switch o.Kind {
		case campusguard.KindClass:
			sq.and("p.class_id = " + sq.arg(o.ID))
		case campusguard.KindSchool:
			sq.and("p.school_id = " + sq.arg(o.ID))
		case campusguard.KindGrade:
			sq.and("p.class_id IN (SELECT id FROM orgs WHERE parent_id = " + sq.arg(o.ID) + ")")
		default:
			lo, hi := subtree(o.Path)
			sq.and("p.school_id IN (SELECT id FROM orgs WHERE kind = 'school' AND path > " +
				sq.arg(lo) + " AND path < " + sq.arg(hi) + ")")
		}
	}
	if f.SchoolID != nil {
		sq.and("p.school_id = " + sq.arg(*f.SchoolID))
	}
	if f.ClassID != nil {
		sq.and("p.class_id = " + sq.arg(*f.ClassID))
	}
	if f.Kind != nil {
		sq.and("p.kind = " + sq.arg(string(*f.Kind)))
	}
	if f.Role != nil {
		sq.and("p.role = " + sq.arg(string(*f.Role)))
	}
	if f.BusRouteID != nil {
		sq.and("p.bus_route_id = " + sq.arg(*f.BusRouteID))
	}
	if f.DormRoomID != nil {
		sq.and("p.dorm_room_id = " + sq.arg(*f.DormRoomID))
	}
	idSearch := ""
	if f.Query != nil && strings.TrimSpace(*f.Query) != "" {
		q := strings.TrimSpace(*f.Query)
		like := "%" + escapeLike(q) + "%"
		cond := "p.name LIKE " + sq.arg(like) + " ESCAPE '\\' OR p.number = " + sq.arg(q)
		if campusguard.LooksLikeIDNumber(q) {
			// An exact ID number confirms a guess: only where the actor may
			// reveal numbers, and audited like a reveal.
			paths, all := a.Scopes(campusguard.RevealIdentity)
			if !all && len(paths) == 0 {
				return nil, 0, campusguard.InvalidFields([]campusguard.FieldError{{Field: "q", Msg: "error.id_search_reveal"}})
			}
			idSearch = strings.ToUpper(q)
			idc := "p.id_number = " + sq.arg(idSearch)
			if !all {
				idc += " AND COALESCE(c.path, s.path) IN (SELECT path FROM orgs WHERE " + pathRanges("path", paths, sq.arg) + ")"
			}
			cond += " OR (" + idc + ")"
		}
		sq.and("(" + cond + ")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT ` + personColumns + `, COALESCE(c.path, s.path), COUNT(*) OVER () FROM people p
		JOIN orgs s ON s.id = p.school_id LEFT JOIN orgs c ON c.id = p.class_id WHERE ` + sq.where() +
		` ORDER BY p.kind DESC, p.number, p.id LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, q, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find people: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Person
	total := 0
	for rows.Next() {
		var path string
		p, err := scanPerson(rows, &path, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a.MaskFor(p, path))
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if idSearch != "" {
		if err := s.auditIDSearch(ctx, a, out); err != nil {
			return nil, 0, err
		}
	}
	if len(out) == 0 && f.Offset > 0 {
		// A page past the end has no row to carry the total.
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p JOIN orgs s ON s.id = p.school_id
			LEFT JOIN orgs c ON c.id = p.class_id WHERE `+sq.where(),
			sq.args[:len(sq.args)-2]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count people: %w", err)
		}
	}
	return out, total, nil
}

// CreatePerson adds a student or staff member to a school. Invalid, Conflict.
func (s *Store) CreatePerson(ctx context.Context, p *campusguard.Person) error {
	p.Active = true
	if err := p.Validate(campusguard.DateOf(s.Now())); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		sch, err := school(ctx, tx, p.SchoolID, "school_id", campusguard.WritePerson)
		if err != nil {
			return err
		}
		if err := checkPersonLinks(ctx, tx, p, sch); err != nil {
			return err
		}
		if err := insertPerson(ctx, tx, p, sch); err != nil {
			return err
		}
		if err := audit(ctx, tx, p.RegionID, "create_person", "person:"+strconv.FormatInt(p.ID, 10), p.Name); err != nil {
			return err
		}
		return addEvent(ctx, tx, p, "created", "")
	})
}

func insertPerson(ctx context.Context, tx *Tx, p *campusguard.Person, sch *campusguard.Org) error {
	p.RegionID, p.CreatedAt, p.UpdatedAt = sch.RegionID, tx.now, tx.now
	err := tx.QueryRowContext(ctx, `INSERT INTO people (region_id, school_id, kind, name, gender, id_number, birth_date,
		phone, number, class_id, role, boarding, dorm_room_id, bed, bus_route_id, town, village, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id`,
		p.RegionID, p.SchoolID, p.Kind, p.Name, p.Gender, nullString(p.IDNumber), p.Birth, p.Phone, p.Number,
		nullID(p.ClassID), p.Role, p.Boarding, nullID(p.DormRoomID), p.Bed, nullID(p.BusRouteID), p.Town, p.Village,
		p.Active, tx.now).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	return nil
}

func updatePersonRow(ctx context.Context, tx *Tx, p *campusguard.Person) error {
	p.UpdatedAt = tx.now
	_, err := tx.ExecContext(ctx, `UPDATE people SET kind = $1, name = $2, gender = $3, id_number = $4, birth_date = $5,
		phone = $6, number = $7, class_id = $8, role = $9, boarding = $10, dorm_room_id = $11, bed = $12,
		bus_route_id = $13, town = $14, village = $15, active = $16, updated_at = $17,
		left_at = CASE WHEN $16 THEN NULL ELSE COALESCE(left_at, $17) END WHERE id = $18`,
		p.Kind, p.Name, p.Gender, nullString(p.IDNumber), p.Birth, p.Phone, p.Number, nullID(p.ClassID), p.Role,
		p.Boarding, nullID(p.DormRoomID), p.Bed, nullID(p.BusRouteID), p.Town, p.Village, p.Active, tx.now, p.ID)
	if err != nil {
		return fmt.Errorf("update person %d: %w", p.ID, err)
	}
	return nil
}

// checkPersonLinks checks in the database what Validate cannot: that the
// class, room and route belong to the person's school, that the bed is free
// and the room not full, and that the numbers are not taken.
func checkPersonLinks(ctx context.Context, q queryer, p *campusguard.Person, sch *campusguard.Org) error {
	var fe []campusguard.FieldError
	bad := func(field, key string) { fe = append(fe, campusguard.FieldError{Field: field, Msg: key}) }
	if p.ClassID != nil {
		if err := classOfSchool(ctx, q, *p.ClassID, sch, "class_id"); err != nil {
			if campusguard.ErrorCode(err) != campusguard.Invalid {
				return err
			}
			fe = append(fe, campusguard.ErrorFields(err)...)
		}
	}
	if p.DormRoomID != nil {
		room, err := findPlace(ctx, q, *p.DormRoomID)
		switch {
		case campusguard.ErrorCode(err) == campusguard.NotFound:
			bad("dorm_room_id", "error.not_in_school")
		case err != nil:
			return err
		case room.SchoolID != sch.ID || room.Kind != campusguard.PlaceDormRoom:
			bad("dorm_room_id", "error.not_in_school")
		default:
			var taken, sameBed int
			err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN bed = $2 AND bed <> '' THEN 1 ELSE 0 END), 0)
				FROM people WHERE dorm_room_id = $1 AND id <> $3 AND active = TRUE`, room.ID, p.Bed, p.ID).Scan(&taken, &sameBed)
			if err != nil {
				return err
			}
			if sameBed > 0 {
				bad("bed", "error.bed_taken")
			} else if taken >= room.Beds {
				bad("dorm_room_id", "error.room_full")
			}
		}
	}
	if p.BusRouteID != nil {
		r, err := findBusRoute(ctx, q, *p.BusRouteID)
		if campusguard.ErrorCode(err) == campusguard.NotFound || (err == nil && r.SchoolID != sch.ID) {
			bad("bus_route_id", "error.not_in_school")
		} else if err != nil {
			return err
		}
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE school_id = $1 AND number = $2 AND id <> $3`,
		sch.ID, p.Number, p.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		bad("number", "error.number_taken")
	}
	if p.IDNumber != "" {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE region_id = $1 AND id_number = $2 AND id <> $3`,
			sch.RegionID, p.IDNumber, p.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			bad("id_number", "error.id_taken")
		}
	}
	if len(fe) == 0 {
		return nil
	}
	code := campusguard.Invalid
	for _, f := range fe {
		if f.Msg == "error.number_taken" || f.Msg == "error.id_taken" || f.Msg == "error.bed_taken" {
			code = campusguard.Conflict
		}
	}
	return &campusguard.Error{Code: code, Message: "error.invalid_input", Fields: fe}
}

// UpdatePerson changes a person. NotFound, Invalid, Conflict.
func (s *Store) UpdatePerson(ctx context.Context, id int64, u campusguard.PersonUpdate) (*campusguard.Person, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *campusguard.Person
	err = s.inTx(ctx, func(tx *Tx) error {
		p, path, err := personAndPath(ctx, tx, id)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
			return hidden(err, "person")
		}
		if !a.Can(campusguard.WritePerson, path) {
			return forbidden()
		}
		before := *p
		u.Apply(p)
		if err := p.Validate(campusguard.DateOf(tx.now)); err != nil {
			return err
		}
		if campusguard.SamePerson(&before, p) {
			out = p
			return nil
		}
		if p.ClassID != nil && (before.ClassID == nil || *before.ClassID != *p.ClassID) {
			if c, err := findOrgByID(ctx, tx, *p.ClassID); err == nil && !a.Can(campusguard.WritePerson, c.Path) {
				return forbidden() // moving into a class the actor does not manage
			}
		}
		sch, err := findOrgByID(ctx, tx, p.SchoolID)
		if err != nil {
			return err
		}
		if err := checkPersonLinks(ctx, tx, p, sch); err != nil {
			return err
		}
		if err := updatePersonRow(ctx, tx, p); err != nil {
			return err
		}
		out = p
		changed := changedFields(&before, p)
		if err := audit(ctx, tx, p.RegionID, "update_person", "person:"+strconv.FormatInt(p.ID, 10), changed); err != nil {
			return err
		}
		return addEvent(ctx, tx, p, "updated", changed)
	})
	if err != nil {
		return nil, err
	}
	_, path, err := personAndPath(ctx, s.read, out.ID)
	if err != nil {
		return nil, err
	}
	return a.MaskFor(out, path), nil
}

// changedFields names the fields that differ, for the person's history.
func changedFields(a, b *campusguard.Person) string {
	var f []string
	add := func(cond bool, name string) {
		if cond {
			f = append(f, name)
		}
	}
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	add(a.Name != b.Name, "name")
	add(a.Gender != b.Gender, "gender")
	add(a.IDNumber != b.IDNumber, "id_number")
	add(a.Phone != b.Phone, "phone")
	add(a.Number != b.Number, "number")
	add(!eq(a.ClassID, b.ClassID), "class_id")
	add(a.Role != b.Role, "role")
	add(a.Boarding != b.Boarding, "boarding")
	add(!eq(a.DormRoomID, b.DormRoomID) || a.Bed != b.Bed, "dorm_room_id")
	add(!eq(a.BusRouteID, b.BusRouteID), "bus_route_id")
	add(a.Town != b.Town || a.Village != b.Village, "residence")
	add(a.Active != b.Active, "active")
	return strings.Join(f, ",")
}

func addEvent(ctx context.Context, tx *Tx, p *campusguard.Person, kind, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO person_events (region_id, person_id, at, kind, actor, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, p.RegionID, p.ID, tx.now, kind, campusguard.ActorName(ctx), detail)
	if err != nil {
		return fmt.Errorf("add event: %w", err)
	}
	return nil
}

// FindPersonFile returns a person's file (一人一檔). NotFound.
func (s *Store) FindPersonFile(ctx context.Context, id int64) (*campusguard.PersonFile, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	raw, path, err := personAndPath(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	if !a.CanPerson(campusguard.ListPeople, raw.ID, path) && !a.CanPerson(campusguard.ReadPersonFile, raw.ID, path) {
		return nil, notFound("person")
	}
	if !a.CanPerson(campusguard.ReadPersonFile, raw.ID, path) {
		return nil, forbidden()
	}
	if err := s.inTx(ctx, func(tx *Tx) error {
		return audit(ctx, tx, raw.RegionID, "read_person_file", "person:"+strconv.FormatInt(raw.ID, 10), "")
	}); err != nil {
		return nil, err
	}
	p := a.MaskFor(raw, path)
	f := &campusguard.PersonFile{Person: p, Guardians: []*campusguard.Guardian{}, History: []campusguard.Event{}}
	if f.School, err = findOrgByID(ctx, s.read, p.SchoolID); err != nil {
		return nil, err
	}
	if f.Path, err = orgsByIDs(ctx, s.read, f.School.IDs()[:len(f.School.IDs())-1]); err != nil {
		return nil, err
	}
	if p.ClassID != nil {
		if f.Class, err = findOrgByID(ctx, s.read, *p.ClassID); err != nil {
			return nil, err
		}
		if f.Class.ParentID != nil {
			if f.Grade, err = findOrgByID(ctx, s.read, *f.Class.ParentID); err != nil {
				return nil, err
			}
		}
	}
	if p.DormRoomID != nil {
		if f.DormRoom, err = findPlace(ctx, s.read, *p.DormRoomID); err != nil {
			return nil, err
		}
	}
	if p.BusRouteID != nil {
		if f.BusRoute, err = findBusRoute(ctx, s.read, *p.BusRouteID); err != nil {
			return nil, err
		}
	}
	if f.Guardians, err = s.guardiansOf(ctx, p.ID); err != nil {
		return nil, err
	}
	if !a.CanPerson(campusguard.SeeContacts, p.ID, path) {
		for _, g := range f.Guardians {
			g.Phone = campusguard.MaskPhone(g.Phone)
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT at, kind, actor, detail FROM person_events
		WHERE person_id = $1 ORDER BY at DESC, id DESC LIMIT 200`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("person history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e campusguard.Event
		if err := rows.Scan(&e.At, &e.Kind, &e.Actor, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		f.History = append(f.History, e)
	}
	return f, rows.Err()
}

func (s *Store) guardiansOf(ctx context.Context, studentID int64) ([]*campusguard.Guardian, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT g.id, g.region_id, g.name, g.phone, gs.relation
		FROM guardian_students gs JOIN guardians g ON g.id = gs.guardian_id WHERE gs.student_id = $1 ORDER BY g.id`, studentID)
	if err != nil {
		return nil, fmt.Errorf("guardians: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Guardian{}
	for rows.Next() {
		var g campusguard.Guardian
		if err := rows.Scan(&g.ID, &g.RegionID, &g.Name, &g.Phone, &g.Relation); err != nil {
			return nil, err
		}
		out = append(out, &g)
	}
	return out, rows.Err()
}

// AddGuardian links a guardian to a student; a guardian already known by
// phone in the region is reused. Invalid, NotFound (student).
func (s *Store) AddGuardian(ctx context.Context, studentID int64, g *campusguard.Guardian) error {
	if _, err := campusguard.RequireActor(ctx); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		a := campusguard.ActorFrom(ctx)
		p, path, err := personAndPath(ctx, tx, studentID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
			return hidden(err, "person")
		}
		if !a.Can(campusguard.WritePerson, path) {
			return forbidden()
		}
		if p.Kind != campusguard.Student {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "student_id", Msg: "error.staff_guardian"}})
		}
		// A phone that belongs to a guardian with an account or a child at
		// another school links only through that guardian's binding code.
		var known, linked int64
		err = tx.QueryRowContext(ctx, `SELECT g.id, (SELECT COUNT(*) FROM guardian_students gs WHERE gs.guardian_id = g.id
			AND gs.student_id = $3) FROM guardians g WHERE g.region_id = $1 AND g.phone = $2`, p.RegionID, g.Phone, p.ID).Scan(&known, &linked)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if err == nil && linked == 0 {
			elsewhere, err := guardiansKnownElsewhere(ctx, tx, p.SchoolID, []int64{known})
			if err != nil {
				return err
			}
			if elsewhere[known] {
				return &campusguard.Error{Code: campusguard.Conflict, Message: "error.guardian_known_elsewhere",
					Fields: []campusguard.FieldError{{Field: "phone", Msg: "error.guardian_known_elsewhere"}}}
			}
		}
		if err := linkGuardian(ctx, tx, p, g); err != nil {
			return err
		}
		if err := audit(ctx, tx, p.RegionID, "add_guardian", "person:"+strconv.FormatInt(p.ID, 10), g.Name); err != nil {
			return err
		}
		return addEvent(ctx, tx, p, "guardian", g.Name)
	})
}

// linkGuardian finds or creates g by phone and links it to student p.
func linkGuardian(ctx context.Context, tx *Tx, p *campusguard.Person, g *campusguard.Guardian) error {
	g.RegionID = p.RegionID
	var name string
	err := tx.QueryRowContext(ctx, `SELECT id, name FROM guardians WHERE region_id = $1 AND phone = $2`, p.RegionID, g.Phone).
		Scan(&g.ID, &name)
	switch {
	case err == sql.ErrNoRows:
		if err := tx.QueryRowContext(ctx, `INSERT INTO guardians (region_id, name, phone, created_at) VALUES ($1, $2, $3, $4)
			RETURNING id`, g.RegionID, g.Name, g.Phone, tx.now).Scan(&g.ID); err != nil {
			return fmt.Errorf("insert guardian: %w", err)
		}
	case err != nil:
		return err
	case name != g.Name:
		if _, err := tx.ExecContext(ctx, `UPDATE guardians SET name = $1 WHERE id = $2`, g.Name, g.ID); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO guardian_students (region_id, guardian_id, student_id, relation)
		VALUES ($1, $2, $3, $4) ON CONFLICT (guardian_id, student_id) DO UPDATE SET relation = excluded.relation`,
		p.RegionID, g.ID, p.ID, g.Relation)
	return err
}

// peopleScope returns the SQL condition that limits people to those the
// actor may list, or "" when it may list everyone. It expects the people
// table as p.
func peopleScope(a *campusguard.Actor, arg func(any) string) string {
	paths, all := a.Scopes(campusguard.ListPeople)
	if all {
		return ""
	}
	var or []string
	if len(paths) > 0 {
		r := pathRanges("path", paths, arg)
		or = append(or, "p.school_id IN (SELECT id FROM orgs WHERE kind = 'school' AND "+r+")")
		r = pathRanges("path", paths, arg)
		or = append(or, "p.class_id IN (SELECT id FROM orgs WHERE kind = 'class' AND "+r+")")
	}
	for _, id := range a.GuardianOf {
		or = append(or, "p.id = "+arg(id))
	}
	if a.PersonID != nil {
		or = append(or, "p.id = "+arg(*a.PersonID))
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
