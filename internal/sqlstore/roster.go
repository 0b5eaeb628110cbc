package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

// ImportRoster writes a school's roster in one transaction: every row is
// checked first, against the file and against the school, and if any row is
// bad nothing is written and every bad row is reported. People are matched
// by their number in the school, then by ID number; a match is updated, or
// counted unchanged when nothing differs. Invalid, NotFound (school).
func (s *Store) ImportRoster(ctx context.Context, schoolID int64, rows []campusguard.RosterRow) (*campusguard.ImportResult, error) {
	if _, err := campusguard.RequireActor(ctx); err != nil {
		return nil, err
	}
	res := &campusguard.ImportResult{Rows: len(rows)}
	err := s.inTx(ctx, func(tx *Tx) error {
		a := campusguard.ActorFrom(ctx)
		sch, err := findOrgByID(ctx, tx, schoolID)
		if err != nil {
			return err
		}
		if sch.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadOrg, sch.Path) {
			return notFound("school")
		}
		if !a.Can(campusguard.WritePerson, sch.Path) {
			return forbidden()
		}
		people, verr := campusguard.ValidateRoster(rows, campusguard.DateOf(tx.now))
		if campusguard.ErrorCode(verr) != campusguard.Invalid && verr != nil {
			return verr
		}
		im, err := loadImportContext(ctx, tx, sch, people)
		if err != nil {
			return err
		}
		plan, perr := im.plan(people)
		if err := campusguard.MergeFieldErrors(verr, perr); err != nil {
			return err
		}
		if err := im.apply(ctx, tx, plan, res); err != nil {
			return err
		}
		return audit(ctx, tx, sch.RegionID, "import_roster", "org:"+strconv.FormatInt(sch.ID, 10),
			fmt.Sprintf("rows=%d created=%d updated=%d unchanged=%d", res.Rows, res.Created, res.Updated, res.Unchanged))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type importContext struct {
	school    *campusguard.Org
	classes   map[[2]string]int64 // (grade name, class name) -> class id
	rooms     map[string]*campusguard.Place
	routes    map[string]int64
	byNumber  map[string]*campusguard.Person // the school's people
	byID      map[string]*campusguard.Person // the school's people with an ID number
	elsewhere map[string]bool                // ID numbers of the file held by people of other schools
	beds      map[int64]map[string]int64     // room -> bed -> person
	occupied  map[int64]int                  // room -> active people
}

func loadImportContext(ctx context.Context, tx *Tx, sch *campusguard.Org, people []campusguard.RosterPerson) (*importContext, error) {
	im := &importContext{school: sch, classes: map[[2]string]int64{}, rooms: map[string]*campusguard.Place{},
		routes: map[string]int64{}, byNumber: map[string]*campusguard.Person{}, byID: map[string]*campusguard.Person{},
		beds: map[int64]map[string]int64{}, occupied: map[int64]int{}}
	rows, err := tx.QueryContext(ctx, `SELECT g.name, c.name, c.id FROM orgs c JOIN orgs g ON g.id = c.parent_id
		WHERE g.parent_id = $1 AND c.kind = 'class'`, sch.ID)
	if err != nil {
		return nil, fmt.Errorf("import: classes: %w", err)
	}
	for rows.Next() {
		var g, c string
		var id int64
		if err := rows.Scan(&g, &c, &id); err != nil {
			rows.Close()
			return nil, err
		}
		im.classes[[2]string{g, c}] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	places, err := findPlacesTx(ctx, tx, sch.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range places {
		if p.Kind == campusguard.PlaceDormRoom {
			im.rooms[p.Name] = p
		}
	}
	rrows, err := tx.QueryContext(ctx, `SELECT name, id FROM bus_routes WHERE school_id = $1`, sch.ID)
	if err != nil {
		return nil, fmt.Errorf("import: routes: %w", err)
	}
	for rrows.Next() {
		var n string
		var id int64
		if err := rrows.Scan(&n, &id); err != nil {
			rrows.Close()
			return nil, err
		}
		im.routes[n] = id
	}
	rrows.Close()
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	prows, err := tx.QueryContext(ctx, `SELECT `+personColumns+` FROM people p WHERE p.school_id = $1`, sch.ID)
	if err != nil {
		return nil, fmt.Errorf("import: people: %w", err)
	}
	for prows.Next() {
		p, err := scanPerson(prows)
		if err != nil {
			prows.Close()
			return nil, err
		}
		im.byNumber[p.Number] = p
		if p.IDNumber != "" {
			im.byID[p.IDNumber] = p
		}
		if p.DormRoomID != nil && p.Active {
			im.occupied[*p.DormRoomID]++
			if p.Bed != "" {
				if im.beds[*p.DormRoomID] == nil {
					im.beds[*p.DormRoomID] = map[string]int64{}
				}
				im.beds[*p.DormRoomID][p.Bed] = p.ID
			}
		}
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return nil, err
	}
	var ids []string
	for i := range people {
		if id := people[i].Person.IDNumber; id != "" {
			ids = append(ids, id)
		}
	}
	im.elsewhere = map[string]bool{}
	err = inChunks(ids, func(chunk []any, ph string) error {
		rows, err := tx.QueryContext(ctx, `SELECT id_number, school_id FROM people WHERE region_id = $1 AND id_number IN (`+ph+`)`, append([]any{sch.RegionID}, chunk...)...)
		if err != nil {
			return fmt.Errorf("import: id numbers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var school int64
			if err := rows.Scan(&id, &school); err != nil {
				return err
			}
			if school != sch.ID {
				im.elsewhere[id] = true
			}
		}
		return rows.Err()
	})
	return im, err
}

func findPlacesTx(ctx context.Context, q queryer, schoolID int64) ([]*campusguard.Place, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, region_id, school_id, kind, name, beds FROM places WHERE school_id = $1`, schoolID)
	if err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Place
	for rows.Next() {
		var p campusguard.Place
		if err := rows.Scan(&p.ID, &p.RegionID, &p.SchoolID, &p.Kind, &p.Name, &p.Beds); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// importStep is what the import will do with one row.
type importStep struct {
	row      int
	person   *campusguard.Person // the new state; ID 0 when created
	before   *campusguard.Person // nil when created
	guardian *campusguard.Guardian
	headOf   *int64 // a class teacher's class
}

// plan resolves every row against the school and reports every bad one.
func (im *importContext) plan(people []campusguard.RosterPerson) ([]importStep, error) {
	var fe []campusguard.FieldError
	bad := func(row int, field, key string, args ...any) {
		fe = append(fe, campusguard.FieldError{Field: field, Row: row, Msg: key, Args: args})
	}
	steps := make([]importStep, 0, len(people))
	for i := range people {
		rp := &people[i]
		p := rp.Person
		p.SchoolID, p.RegionID = im.school.ID, im.school.RegionID
		st := importStep{row: rp.Row, guardian: rp.Guardian}
		if rp.Grade != "" || rp.Class != "" {
			id, ok := im.classes[[2]string{rp.Grade, rp.Class}]
			if !ok {
				bad(rp.Row, "class", "error.unknown_class")
			} else {
				p.ClassID = &id
				if p.Role == campusguard.RoleClassTeacher {
					st.headOf = &id
				}
			}
		}
		if rp.BusRoute != "" {
			if id, ok := im.routes[rp.BusRoute]; ok {
				p.BusRouteID = &id
			} else {
				bad(rp.Row, "bus_route", "error.unknown_bus_route")
			}
		}
		existing := im.byNumber[p.Number]
		if existing == nil && p.IDNumber != "" {
			existing = im.byID[p.IDNumber]
		}
		if other := im.byID[p.IDNumber]; p.IDNumber != "" && (im.elsewhere[p.IDNumber] || other != nil && other != existing) {
			bad(rp.Row, "id_number", "error.id_taken")
		}
		if existing != nil {
			p.ID, p.CreatedAt = existing.ID, existing.CreatedAt
			st.before = existing
			// Free the old bed before placing this row, so a re-import that
			// keeps or moves beds does not collide with itself.
			if existing.DormRoomID != nil && existing.Active {
				im.occupied[*existing.DormRoomID]--
				if beds := im.beds[*existing.DormRoomID]; beds != nil && beds[existing.Bed] == existing.ID {
					delete(beds, existing.Bed)
				}
			}
		}
		if rp.DormRoom != "" {
			room, ok := im.rooms[rp.DormRoom]
			switch {
			case !ok:
				bad(rp.Row, "dorm_room", "error.unknown_dorm_room")
			case p.Bed != "" && im.beds[room.ID][p.Bed] != 0:
				bad(rp.Row, "bed", "error.bed_taken")
			case im.occupied[room.ID] >= room.Beds:
				bad(rp.Row, "dorm_room", "error.room_full")
			default:
				p.DormRoomID = &room.ID
				im.occupied[room.ID]++
				if p.Bed != "" {
					if im.beds[room.ID] == nil {
						im.beds[room.ID] = map[string]int64{}
					}
					im.beds[room.ID][p.Bed] = -int64(rp.Row) // taken by a row of this file
				}
			}
		}
		st.person = &p
		steps = append(steps, st)
	}
	if len(fe) > 0 {
		return nil, campusguard.InvalidFields(fe)
	}
	return steps, nil
}

// apply writes the plan: new people in multi-row inserts, changed people
// one by one, then guardians, links, class teachers and history.
func (im *importContext) apply(ctx context.Context, tx *Tx, steps []importStep, res *campusguard.ImportResult) error {
	var created, updated []*campusguard.Person
	for i := range steps {
		st := &steps[i]
		switch {
		case st.before == nil:
			created = append(created, st.person)
		case campusguard.SamePerson(st.before, st.person):
			res.Unchanged++
		default:
			updated = append(updated, st.person)
		}
	}
	res.Created, res.Updated = len(created), len(updated)
	// Updated rows first: a moved bed must be free before a new row takes it.
	for _, p := range updated {
		if err := updatePersonRow(ctx, tx, p); err != nil {
			return err
		}
	}
	err := insertMany(ctx, tx, "people", []string{"region_id", "school_id", "kind", "name", "gender", "id_number",
		"birth_date", "phone", "number", "class_id", "role", "boarding", "dorm_room_id", "bed", "bus_route_id", "town",
		"village", "active", "created_at", "updated_at"}, len(created), func(i int) []any {
		p := created[i]
		return []any{p.RegionID, p.SchoolID, p.Kind, p.Name, p.Gender, nullString(p.IDNumber), p.Birth, p.Phone,
			p.Number, nullID(p.ClassID), p.Role, p.Boarding, nullID(p.DormRoomID), p.Bed, nullID(p.BusRouteID),
			p.Town, p.Village, p.Active, tx.now, tx.now}
	}, "")
	if err != nil {
		return err
	}
	if len(created) > 0 {
		ids, err := numberIDs(ctx, tx, im.school.ID)
		if err != nil {
			return err
		}
		for _, p := range created {
			p.ID = ids[p.Number]
		}
	}
	for i := range steps {
		st := &steps[i]
		if st.headOf != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE orgs SET head_teacher_id = $1, updated_at = $2 WHERE id = $3`,
				st.person.ID, tx.now, *st.headOf); err != nil {
				return err
			}
		}
	}
	if err := im.linkGuardians(ctx, tx, steps); err != nil {
		return err
	}
	return insertMany(ctx, tx, "person_events", []string{"region_id", "person_id", "at", "kind", "actor", "detail"},
		len(created)+len(updated), func(i int) []any {
			if i < len(created) {
				return []any{im.school.RegionID, created[i].ID, tx.now, "imported", campusguard.ActorName(ctx), "created"}
			}
			p := updated[i-len(created)]
			return []any{im.school.RegionID, p.ID, tx.now, "imported", campusguard.ActorName(ctx), "updated"}
		}, "")
}

func numberIDs(ctx context.Context, tx *Tx, schoolID int64) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, id FROM people WHERE school_id = $1`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var n string
		var id int64
		if err := rows.Scan(&n, &id); err != nil {
			return nil, err
		}
		out[strings.Clone(n)] = id
	}
	return out, rows.Err()
}

// linkGuardians finds or creates the file's guardians by phone, in batches,
// and links them to their students.
func (im *importContext) linkGuardians(ctx context.Context, tx *Tx, steps []importStep) error {
	byPhone := map[string]*campusguard.Guardian{}
	var phones []string
	for i := range steps {
		if g := steps[i].guardian; g != nil {
			if _, ok := byPhone[g.Phone]; !ok {
				phones = append(phones, g.Phone)
			}
			byPhone[g.Phone] = g
		}
	}
	if len(phones) == 0 {
		return nil
	}
	known, err := guardianIDs(ctx, tx, im.school.RegionID, phones)
	if err != nil {
		return err
	}
	var fresh []string
	for _, ph := range phones {
		if _, ok := known[ph]; !ok {
			fresh = append(fresh, ph)
		}
	}
	err = insertMany(ctx, tx, "guardians", []string{"region_id", "name", "phone", "created_at"}, len(fresh),
		func(i int) []any { return []any{im.school.RegionID, byPhone[fresh[i]].Name, fresh[i], tx.now} }, "")
	if err != nil {
		return err
	}
	if len(fresh) > 0 {
		if known, err = guardianIDs(ctx, tx, im.school.RegionID, phones); err != nil {
			return err
		}
	}
	// Guardians known before this file with an account or a child at
	// another school are neither renamed nor linked by the file: they link
	// through their own binding code (guardiansKnownElsewhere).
	isFresh := make(map[string]bool, len(fresh))
	for _, ph := range fresh {
		isFresh[ph] = true
	}
	var before []int64
	for _, ph := range phones {
		if !isFresh[ph] {
			before = append(before, known[ph].id)
		}
	}
	elsewhere, err := guardiansKnownElsewhere(ctx, tx, im.school.ID, before)
	if err != nil {
		return err
	}
	type link struct{ g, s int64 }
	seen := map[link]int{}
	var links []link
	var relations []string
	for i := range steps {
		st := &steps[i]
		if st.guardian == nil || elsewhere[known[st.guardian.Phone].id] {
			continue
		}
		l := link{known[st.guardian.Phone].id, st.person.ID}
		if j, ok := seen[l]; ok {
			relations[j] = st.guardian.Relation
			continue
		}
		seen[l] = len(links)
		links = append(links, l)
		relations = append(relations, st.guardian.Relation)
	}
	for _, ph := range phones {
		if k := known[ph]; k.name != byPhone[ph].Name && !elsewhere[k.id] {
			if _, err := tx.ExecContext(ctx, `UPDATE guardians SET name = $1 WHERE id = $2`, byPhone[ph].Name, k.id); err != nil {
				return err
			}
		}
	}
	return insertMany(ctx, tx, "guardian_students", []string{"region_id", "guardian_id", "student_id", "relation"},
		len(links), func(i int) []any { return []any{im.school.RegionID, links[i].g, links[i].s, relations[i]} },
		" ON CONFLICT (guardian_id, student_id) DO UPDATE SET relation = excluded.relation")
}

type guardianRef struct {
	id   int64
	name string
}

// guardianIDs returns the region's guardians with the given phones.
func guardianIDs(ctx context.Context, q queryer, regionID int64, phones []string) (map[string]guardianRef, error) {
	out := make(map[string]guardianRef, len(phones))
	err := inChunks(phones, func(chunk []any, ph string) error {
		rows, err := q.QueryContext(ctx, `SELECT phone, id, name FROM guardians WHERE region_id = $1 AND phone IN (`+ph+`)`,
			append([]any{regionID}, chunk...)...)
		if err != nil {
			return fmt.Errorf("guardians by phone: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			var r guardianRef
			if err := rows.Scan(&p, &r.id, &r.name); err != nil {
				return err
			}
			out[p] = r
		}
		return rows.Err()
	})
	return out, err
}

// inChunks calls fn with up to 1000 values at a time and their placeholders,
// numbered from $2 (the caller's $1 comes first).
func inChunks(values []string, fn func(chunk []any, placeholders string) error) error {
	const size = 1000
	for start := 0; start < len(values); start += size {
		end := min(start+size, len(values))
		args := make([]any, 0, end-start)
		var b strings.Builder
		for i, v := range values[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", i+2)
			args = append(args, v)
		}
		if err := fn(args, b.String()); err != nil {
			return err
		}
	}
	return nil
}
