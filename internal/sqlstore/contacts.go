package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"campusguard"
)

// CaseContacts lists the close contacts of a suspected or confirmed case,
// from what the system holds: classmates, dormitory room, bus route (the
// route's riders, and anyone with a bus check on it on a day the person
// rode it in the window), the teachers of the class; for a staff member,
// the students of the classes they teach. Canteen sittings are not
// recorded, so they are not traced. Each contact comes with their own
// follow-up: days reported and any abnormal check since exposure.
func (s *Store) CaseContacts(ctx context.Context, id int64) ([]*campusguard.Contact, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	k, path, err := findCaseTx(ctx, s.read, id, now)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || !a.Can(campusguard.ReadCases, path) {
		return nil, hidden(err, "case")
	}
	if !k.NeedsContacts() {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "outcome", Msg: "error.case_no_contacts"}})
	}
	p, err := findPerson(ctx, s.read, k.PersonID)
	if err != nil {
		return nil, err
	}
	today := campusguard.Today(now)
	from, to := campusguard.ContactWindow(k, today, campusguard.China)

	reasons := map[int64][]campusguard.ContactReason{}
	add := func(r campusguard.ContactReason, query string, args ...any) error {
		rows, err := s.read.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("contacts (%s): %w", r, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if id != p.ID && !slices.Contains(reasons[id], r) {
				reasons[id] = append(reasons[id], r)
			}
		}
		return rows.Err()
	}
	steps := []func() error{}
	if p.ClassID != nil {
		class := *p.ClassID
		steps = append(steps,
			func() error {
				return add(campusguard.ContactClassmate, `SELECT id FROM people WHERE class_id = $1 AND active = $2`, class, true)
			},
			func() error {
				return add(campusguard.ContactTeacher, `SELECT staff_id FROM class_teachers WHERE class_id = $1`, class)
			})
	}
	if p.Kind == campusguard.Staff {
		steps = append(steps, func() error {
			return add(campusguard.ContactTeacher, `SELECT p.id FROM people p JOIN class_teachers t ON t.class_id = p.class_id
				WHERE t.staff_id = $1 AND p.active = $2`, p.ID, true)
		})
	}
	if p.DormRoomID != nil {
		room := *p.DormRoomID
		steps = append(steps, func() error {
			return add(campusguard.ContactDorm, `SELECT id FROM people WHERE dorm_room_id = $1 AND active = $2`, room, true)
		})
	}
	if p.BusRouteID != nil {
		route := *p.BusRouteID
		steps = append(steps, func() error {
			return add(campusguard.ContactBus, `SELECT id FROM people WHERE bus_route_id = $1 AND active = $2
				UNION SELECT driver_id FROM bus_routes WHERE id = $1 AND driver_id IS NOT NULL`, route, true)
		})
	}
	// Trips: whoever had a bus check on a route and day the person rode.
	steps = append(steps, func() error {
		return add(campusguard.ContactBus, `SELECT DISTINCT o.person_id FROM checks c JOIN checks o
			ON o.bus_route_id = c.bus_route_id AND o.day = c.day AND o.kind = 'bus'
			WHERE c.person_id = $1 AND c.kind = 'bus' AND c.day >= $2 AND c.day <= $3 AND c.bus_route_id IS NOT NULL`, p.ID, from, to)
	})
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(reasons))
	for id := range reasons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*campusguard.Contact, 0, len(ids))
	byID := map[int64]*campusguard.Contact{}
	until := to.AddDays(campusguard.ContactFollowDays)
	last := until
	if today.Before(last) {
		last = today
	}
	err = chunks(ids, func(part []int64) error {
		in, args := inList(1, part)
		rows, err := s.read.QueryContext(ctx, `SELECT id, name, kind, number FROM people WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			c := &campusguard.Contact{FollowFrom: to, FollowUntil: until}
			if err := rows.Scan(&c.PersonID, &c.Name, &c.Kind, &c.Number); err != nil {
				rows.Close()
				return err
			}
			c.Reasons = reasons[c.PersonID]
			byID[c.PersonID] = c
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Each contact's follow-up since exposure, from their days.
		in, args = inList(3, part)
		rows, err = s.read.QueryContext(ctx, `SELECT person_id, SUM(CASE WHEN reported THEN 1 ELSE 0 END),
			MAX(CASE WHEN abnormal THEN 1 ELSE 0 END) FROM person_days WHERE day >= $1 AND day <= $2 AND person_id IN (`+in+`)
			GROUP BY person_id`, append([]any{to, last}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var days, abnormal sql.NullInt64
			if err := rows.Scan(&id, &days, &abnormal); err != nil {
				rows.Close()
				return err
			}
			if c := byID[id]; c != nil {
				c.DaysChecked, c.Abnormal = int(days.Int64), abnormal.Int64 > 0
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		in, args = inList(1, part)
		rows, err = s.read.QueryContext(ctx, `SELECT DISTINCT person_id FROM cases WHERE state <> 'closed' AND `+notDrill("")+` AND person_id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if c := byID[id]; c != nil {
				c.OpenCase = true
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	// Those with a sign first, then by why they are contacts, then name.
	slices.SortFunc(out, func(x, y *campusguard.Contact) int {
		if x.Abnormal != y.Abnormal {
			if x.Abnormal {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(reasonRank(x.Reasons), reasonRank(y.Reasons)); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.PersonID, y.PersonID))
	})
	if err := s.auditRead(ctx, k.RegionID, "read_contacts", "case:"+strconv.FormatInt(k.ID, 10)); err != nil {
		return nil, err
	}
	return out, nil
}

// reasonRank orders contacts by their closest tie.
func reasonRank(rs []campusguard.ContactReason) int {
	best := 9
	for _, r := range rs {
		best = min(best, slices.Index([]campusguard.ContactReason{campusguard.ContactDorm, campusguard.ContactClassmate,
			campusguard.ContactBus, campusguard.ContactTeacher, campusguard.ContactCanteen}, r))
	}
	return best
}

// auditRead records a read of health data in its own transaction.
func (s *Store) auditRead(ctx context.Context, region int64, action, object string) error {
	return s.inTx(ctx, func(tx *Tx) error { return audit(ctx, tx, region, action, object, "") })
}
