package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// Directives (issue 12, 日部署、日調度): a region's directive is resolved to
// its schools when sent and kept per school (directive_schools), with each
// school's acknowledgement, report and evidence. A school's account reads
// a directive only through its own row.

// directiveRoles are told of a directive at a school: those who answer it.
var directiveRoles = []campusguard.AccessRole{campusguard.SchoolAdmin, campusguard.HealthOffice}

// directiveLink is a directive's page.
func directiveLink(id int64) string { return "/directives/" + strconv.FormatInt(id, 10) }

// notDoneCond is campusguard.DirectiveDone, negated, in SQL, on
// directives d and directive_schools ds.
const notDoneCond = `(CASE WHEN d.report_required = TRUE THEN ds.completed_at IS NULL
	ELSE ds.acknowledged_at IS NULL AND ds.completed_at IS NULL END)`

// SendDirective resolves the directive's schools and sends it to them:
// each school's principal and health officer are told in the inbox.
func (s *Store) SendDirective(ctx context.Context, d *campusguard.Directive) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	d.Title, d.Text = strings.TrimSpace(d.Title), strings.TrimSpace(d.Text)
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := inspectionRegion(ctx, tx, a, d.RegionID, campusguard.ReadDirectives)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.SendDirectives, root.Path) {
			return forbidden()
		}
		if err := campusguard.ValidateDirective(*d, campusguard.Today(tx.now)); err != nil {
			return err
		}
		files, err := filesByID(ctx, tx, d.FileIDs)
		if err != nil {
			return err
		}
		for _, id := range d.FileIDs {
			if f := files[id]; f == nil || f.OrgID != root.ID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_ids", Msg: "error.directive_file", Args: []any{id}}})
			}
		}
		schools, err := directiveSchools(ctx, tx, root, d)
		if err != nil {
			return err
		}
		if len(schools) == 0 {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "schools", Msg: "error.directive_no_schools"}})
		}
		var town any
		if d.Target == campusguard.TargetTown {
			town = d.TownID
		} else {
			d.TownID = 0
		}
		if d.Target != campusguard.TargetType {
			d.SchoolType = ""
		}
		d.CreatedAt, d.CreatedBy = tx.now, campusguard.ActorName(ctx)
		if err := tx.QueryRowContext(ctx, `INSERT INTO directives (region_id, title, body, deadline, report_required, target,
			school_type, town_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			root.ID, d.Title, d.Text, d.Deadline, d.ReportRequired, d.Target, d.SchoolType, town, tx.now, d.CreatedBy).
			Scan(&d.ID); err != nil {
			return fmt.Errorf("send directive: %w", err)
		}
		for _, id := range d.FileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO directive_files (region_id, directive_id, file_id) VALUES ($1, $2, $3)
				ON CONFLICT (directive_id, file_id) DO NOTHING`, root.ID, d.ID, id); err != nil {
				return fmt.Errorf("send directive: %w", err)
			}
		}
		if err := insertMany(ctx, tx, "directive_schools", []string{"region_id", "directive_id", "school_id"}, len(schools),
			func(i int) []any { return []any{root.ID, d.ID, schools[i]} }, ""); err != nil {
			return err
		}
		d.Schools, d.Pending = len(schools), len(schools)
		if err := notifyDirective(ctx, tx, root.ID, d, "directive.inbox_sent", false); err != nil {
			return err
		}
		return audit(ctx, tx, root.ID, "send_directive", "directive:"+strconv.FormatInt(d.ID, 10),
			string(d.Target)+" "+strconv.Itoa(len(schools))+" schools, due "+d.Deadline.String())
	})
}

// directiveSchools resolves a directive's choice to the ids of schools of
// the region root: all, one type, those under a town, or those listed.
// A listed id that is not a school of the region is refused by name.
func directiveSchools(ctx context.Context, tx *Tx, root *campusguard.Org, d *campusguard.Directive) ([]int64, error) {
	var c conds
	c.and("kind = 'school'", "region_id = "+c.arg(root.ID))
	switch d.Target {
	case campusguard.TargetType:
		c.and("school_type = " + c.arg(d.SchoolType))
	case campusguard.TargetTown:
		town, err := findOrgByID(ctx, tx, d.TownID)
		if err != nil || town.RegionID != root.ID || town.Kind != campusguard.KindRegion || town.ParentID == nil {
			return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "town_id", Msg: "error.town_unknown"}})
		}
		lo, hi := subtree(town.Path)
		c.and("path >= "+c.arg(lo), "path < "+c.arg(hi))
	case campusguard.TargetList:
		ids := slices.Clone(d.SchoolIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		var ph []string
		for _, id := range ids {
			ph = append(ph, c.arg(id))
		}
		c.and("id IN (" + strings.Join(ph, ", ") + ")")
		found, err := schoolIDs(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !slices.Contains(found, id) {
				return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "schools", Msg: "error.school_unknown", Args: []any{id}}})
			}
		}
		return found, nil
	}
	return schoolIDs(ctx, tx, c)
}

func schoolIDs(ctx context.Context, q queryer, c conds) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM orgs WHERE `+c.where()+` ORDER BY id`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("directive schools: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// notifyDirective tells the principals and health officers of a
// directive's schools, or only of those that have not done it (laggards),
// in one message per user.
func notifyDirective(ctx context.Context, tx *Tx, regionID int64, d *campusguard.Directive, subject string, laggards bool) error {
	var c conds
	rs := make([]string, len(directiveRoles))
	for i, r := range directiveRoles {
		rs[i] = "'" + string(r) + "'" // constants of the domain, not input
	}
	c.and("ds.directive_id = "+c.arg(d.ID), "u.disabled = "+c.arg(false), "g.role IN ("+strings.Join(rs, ", ")+")")
	if laggards {
		c.and(notDoneCond)
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT g.user_id FROM directive_schools ds JOIN directives d ON d.id = ds.directive_id
		JOIN grants g ON g.org_id = ds.school_id JOIN users u ON u.id = g.user_id WHERE `+c.where()+` ORDER BY g.user_id`, c.args...)
	if err != nil {
		return fmt.Errorf("notify directive: %w", err)
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	args, _ := json.Marshal([]string{d.Title, d.Deadline.String()})
	return insertMany(ctx, tx, "notifications", notificationColumns,
		len(users), func(i int) []any {
			return []any{regionID, users[i], "directive", subject, string(args), directiveLink(d.ID), tx.now}
		}, "")
}

const directiveColumns = `d.id, d.region_id, d.title, d.body, d.deadline, d.report_required, d.target, d.school_type,
	COALESCE(d.town_id, 0), d.created_at, d.created_by`

func scanDirective(dst []any) (*campusguard.Directive, []any) {
	d := &campusguard.Directive{FileIDs: []int64{}}
	return d, append(dst, &d.ID, &d.RegionID, &d.Title, &d.Text, &d.Deadline, &d.ReportRequired, &d.Target, &d.SchoolType,
		&d.TownID, &d.CreatedAt, &d.CreatedBy)
}

// directiveRead reads a directive the actor may see: a reader of its
// region sees every school's row; anyone else only the rows of the
// schools where they read directives, and NotFound when there is none.
// It returns the directive, its region and whether the actor reads it
// whole.
func directiveRead(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.Directive, *campusguard.Org, bool, error) {
	d, dst := scanDirective(nil)
	err := q.QueryRowContext(ctx, `SELECT `+directiveColumns+` FROM directives d WHERE d.id = $1`, id).Scan(dst...)
	if err == sql.ErrNoRows {
		return nil, nil, false, notFound("directive")
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("find directive %d: %w", id, err)
	}
	root, err := findOrgByID(ctx, q, d.RegionID)
	if err != nil {
		return nil, nil, false, err
	}
	return d, root, a.Can(campusguard.ReadDirectives, root.Path), nil
}

// directiveRecipients reads a directive's rows the actor sees, by school
// name: the one query of the region's status page. A school other than 0
// keeps its row only.
func directiveRecipients(ctx context.Context, q queryer, a *campusguard.Actor, d *campusguard.Directive, today campusguard.Date,
	school int64) ([]campusguard.DirectiveSchool, error) {
	query, args := recipientsQuery(a, d.ID, school)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("directive schools: %w", err)
	}
	defer rows.Close()
	out := []campusguard.DirectiveSchool{}
	for rows.Next() {
		ds := campusguard.DirectiveSchool{DirectiveID: d.ID, FileIDs: []int64{}}
		var ack, done, rem sql.NullTime
		if err := rows.Scan(&ds.SchoolID, &ds.SchoolName, &ack, &ds.AcknowledgedBy, &done, &ds.CompletedBy, &ds.Note, &rem); err != nil {
			return nil, err
		}
		ds.AcknowledgedAt, ds.CompletedAt, ds.RemindedAt = timePtr(ack), timePtr(done), timePtr(rem)
		fillDirectiveState(d, &ds, today)
		out = append(out, ds)
	}
	return out, rows.Err()
}

// recipientsQuery is directiveRecipients' query. Its rows are schools:
// s.kind = 'school' lets PostgreSQL find the scope's schools in
// orgs_kind_path instead of reading the scope's every org (a city's county
// has 33,000 orgs, classes and grades included, for 1,430 schools; see
// docs/benchmarks.md, issue 12).
func recipientsQuery(a *campusguard.Actor, id, school int64) (string, []any) {
	var c conds
	c.and("ds.directive_id = "+c.arg(id), "s.kind = 'school'", scopeCond(a, campusguard.ReadDirectives, "s.path", c.arg))
	if school != 0 {
		c.and("ds.school_id = " + c.arg(school))
	}
	return `SELECT ds.school_id, s.name, ds.acknowledged_at, ds.acknowledged_by, ds.completed_at,
		ds.completed_by, ds.note, ds.reminded_at FROM directive_schools ds JOIN orgs s ON s.id = ds.school_id
		WHERE ` + c.where() + ` ORDER BY s.name, s.id`, c.args
}

// DirectiveStatusQuery returns the one query the region's status page of
// a directive reads (every school's row), as the actor of ctx runs it: for
// the benchmark that sets the page against it.
func (s *Store) DirectiveStatusQuery(ctx context.Context, id int64) (string, []any, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return "", nil, err
	}
	q, args := recipientsQuery(a, id, 0)
	return q, args, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

// fillDirectiveState sets a row's Done and Overdue and counts it in d.
func fillDirectiveState(d *campusguard.Directive, ds *campusguard.DirectiveSchool, today campusguard.Date) {
	ack, done := ds.AcknowledgedAt != nil, ds.CompletedAt != nil
	ds.Done = campusguard.DirectiveDone(d.ReportRequired, ack, done)
	ds.Overdue = campusguard.DirectiveOverdue(d.ReportRequired, ack, done, d.Deadline, today)
	d.Schools++
	if ack {
		d.Acknowledged++
	}
	if done {
		d.Completed++
	}
	if !ds.Done {
		d.Pending++
	}
}

// directiveFiles fills a directive's attachments.
func directiveFiles(ctx context.Context, q queryer, d *campusguard.Directive) error {
	links, files, err := linkedFiles(ctx, q, `SELECT directive_id, file_id FROM directive_files WHERE directive_id = $1 ORDER BY file_id`, d.ID)
	if err != nil {
		return err
	}
	for _, id := range links[d.ID] {
		d.FileIDs = append(d.FileIDs, id)
		if f := files[id]; f != nil {
			d.Files = append(d.Files, *f)
		}
	}
	return nil
}

// evidenceFiles fills the evidence of the directive's rows.
func evidenceFiles(ctx context.Context, q queryer, d *campusguard.Directive) error {
	links, files, err := linkedFiles(ctx, q, `SELECT school_id, file_id FROM directive_evidence WHERE directive_id = $1
		ORDER BY file_id`, d.ID)
	if err != nil {
		return err
	}
	for i := range d.Recipients {
		r := &d.Recipients[i]
		for _, id := range links[r.SchoolID] {
			r.FileIDs = append(r.FileIDs, id)
			if f := files[id]; f != nil {
				r.Files = append(r.Files, *f)
			}
		}
	}
	return nil
}

// FindDirective returns a directive with its attachments and the rows of
// the schools the actor sees, each with its evidence.
func (s *Store) FindDirective(ctx context.Context, id int64) (*campusguard.Directive, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	d, _, _, err := directiveRead(ctx, s.read, a, id)
	if err != nil {
		return nil, err
	}
	if d.Recipients, err = directiveRecipients(ctx, s.read, a, d, campusguard.Today(s.Now()), 0); err != nil {
		return nil, err
	}
	if len(d.Recipients) == 0 {
		return nil, notFound("directive")
	}
	if err := directiveFiles(ctx, s.read, d); err != nil {
		return nil, err
	}
	if err := evidenceFiles(ctx, s.read, d); err != nil {
		return nil, err
	}
	return d, nil
}

// FindDirectives lists a region's directives with their counts (a reader
// of the region), or the directives sent to a school with its own row
// (a reader of the school), newest first. Overdue keeps those not done by
// some school (the school) past their deadline.
func (s *Store) FindDirectives(ctx context.Context, f campusguard.DirectiveFilter) ([]*campusguard.Directive, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	today := f.Today
	if today.IsZero() {
		today = campusguard.Today(s.Now())
	}
	var c conds
	if f.SchoolID != 0 {
		o, err := findOrgByID(ctx, s.read, f.SchoolID)
		if err != nil || o.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadDirectives, o.Path) {
			return nil, notFound("school")
		}
		c.and("ds.school_id = " + c.arg(o.ID))
	} else {
		if _, err := inspectionRegion(ctx, s.read, a, f.RegionID, campusguard.ReadDirectives); err != nil {
			return nil, err
		}
		c.and("d.region_id = " + c.arg(f.RegionID))
	}
	if f.Overdue {
		c.and("d.deadline < "+c.arg(today), notDoneCond)
	}
	// One row per directive and school, the newest directives first; the
	// counts are summed here.
	query := `SELECT ` + directiveColumns + `, ds.school_id, s.name, ds.acknowledged_at,
		ds.acknowledged_by, ds.completed_at, ds.completed_by, ds.note, ds.reminded_at FROM directives d
		JOIN directive_schools ds ON ds.directive_id = d.id JOIN orgs s ON s.id = ds.school_id
		WHERE d.id IN (SELECT DISTINCT d.id FROM directives d JOIN directive_schools ds ON ds.directive_id = d.id WHERE ` + c.where() + `
		ORDER BY d.id DESC LIMIT 500)`
	query += schoolOnly(f.SchoolID, &c) + ` ORDER BY d.id DESC, s.name, s.id`
	rows, err := s.read.QueryContext(ctx, query, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find directives: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Directive{}
	var cur *campusguard.Directive
	for rows.Next() {
		d, dst := scanDirective(nil)
		ds := campusguard.DirectiveSchool{FileIDs: []int64{}}
		var ack, done, rem sql.NullTime
		dst = append(dst, &ds.SchoolID, &ds.SchoolName, &ack, &ds.AcknowledgedBy, &done, &ds.CompletedBy, &ds.Note, &rem)
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		if cur == nil || cur.ID != d.ID {
			cur = d
			out = append(out, cur)
		}
		ds.DirectiveID = cur.ID
		ds.AcknowledgedAt, ds.CompletedAt, ds.RemindedAt = timePtr(ack), timePtr(done), timePtr(rem)
		fillDirectiveState(cur, &ds, today)
		if f.SchoolID != 0 {
			cur.Recipients = append(cur.Recipients, ds)
		}
	}
	return out, rows.Err()
}

// schoolOnly keeps a school's own row in a school's list.
func schoolOnly(schoolID int64, c *conds) string {
	if schoolID == 0 {
		return ""
	}
	return " AND ds.school_id = " + c.arg(schoolID)
}

// directiveWrite runs fn on a school's row of a directive, for an actor
// who answers directives at that school. A directive not sent to the
// school, or one the actor may not read there, is NotFound.
func (s *Store) directiveWrite(ctx context.Context, id, schoolID int64, fn func(tx *Tx, d *campusguard.Directive, ds *campusguard.DirectiveSchool) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		d, _, _, err := directiveRead(ctx, tx, a, id)
		if err != nil {
			return err
		}
		sch, err := findOrgByID(ctx, tx, schoolID)
		if err != nil || sch.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadDirectives, sch.Path) {
			return notFound("directive")
		}
		rs, err := directiveRecipients(ctx, tx, a, d, campusguard.Today(tx.now), schoolID)
		if err != nil {
			return err
		}
		if len(rs) != 1 {
			return notFound("directive")
		}
		if !a.Can(campusguard.AnswerDirectives, sch.Path) {
			return forbidden()
		}
		return fn(tx, d, &rs[0])
	})
}

// AcknowledgeDirective records that a school has received a directive.
func (s *Store) AcknowledgeDirective(ctx context.Context, id, schoolID int64) error {
	return s.directiveWrite(ctx, id, schoolID, func(tx *Tx, d *campusguard.Directive, ds *campusguard.DirectiveSchool) error {
		if err := campusguard.CheckDirectiveAck(ds); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE directive_schools SET acknowledged_at = $1, acknowledged_by = $2
			WHERE directive_id = $3 AND school_id = $4`, tx.now, campusguard.ActorName(ctx), d.ID, schoolID); err != nil {
			return fmt.Errorf("acknowledge directive: %w", err)
		}
		return audit(ctx, tx, d.RegionID, "acknowledge_directive", "directive:"+strconv.FormatInt(d.ID, 10),
			"school "+strconv.FormatInt(schoolID, 10))
	})
}

// CompleteDirective records a school's report of completion with its
// evidence, files of the school uploaded before; it acknowledges the
// directive too if the school had not.
func (s *Store) CompleteDirective(ctx context.Context, id, schoolID int64, note string, fileIDs []int64) error {
	note = strings.TrimSpace(note)
	return s.directiveWrite(ctx, id, schoolID, func(tx *Tx, d *campusguard.Directive, ds *campusguard.DirectiveSchool) error {
		if err := campusguard.CheckDirectiveCompletion(d.ReportRequired, ds, note, fileIDs); err != nil {
			return err
		}
		files, err := filesByID(ctx, tx, fileIDs)
		if err != nil {
			return err
		}
		for _, fid := range fileIDs {
			if f := files[fid]; f == nil || f.OrgID != schoolID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_ids", Msg: "error.file_unknown", Args: []any{fid}}})
			}
		}
		by := campusguard.ActorName(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE directive_schools SET completed_at = $1, completed_by = $2, note = $3,
			acknowledged_at = COALESCE(acknowledged_at, $1), acknowledged_by = CASE WHEN acknowledged_at IS NULL THEN $2 ELSE acknowledged_by END
			WHERE directive_id = $4 AND school_id = $5`, tx.now, by, note, d.ID, schoolID); err != nil {
			return fmt.Errorf("complete directive: %w", err)
		}
		for _, fid := range fileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO directive_evidence (region_id, directive_id, school_id, file_id)
				VALUES ($1, $2, $3, $4) ON CONFLICT (directive_id, school_id, file_id) DO NOTHING`, d.RegionID, d.ID, schoolID, fid); err != nil {
				return err
			}
		}
		return audit(ctx, tx, d.RegionID, "complete_directive", "directive:"+strconv.FormatInt(d.ID, 10),
			"school "+strconv.FormatInt(schoolID, 10)+", "+strconv.Itoa(len(fileIDs))+" files")
	})
}

// RemindDirective tells each school that has not done what a directive
// asks (its principal and health officer), with one action, and notes
// when it was reminded. It returns how many schools were reminded.
func (s *Store) RemindDirective(ctx context.Context, id int64) (int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx *Tx) error {
		d, root, whole, err := directiveRead(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !whole {
			rs, err := directiveRecipients(ctx, tx, a, d, campusguard.Today(tx.now), 0)
			if err != nil || len(rs) == 0 {
				return cmpErr(err, notFound("directive"))
			}
			return forbidden()
		}
		if !a.Can(campusguard.SendDirectives, root.Path) {
			return forbidden()
		}
		var c conds
		c.and("ds.directive_id = "+c.arg(d.ID), notDoneCond)
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM directive_schools ds JOIN directives d ON d.id = ds.directive_id
			WHERE `+c.where(), c.args...).Scan(&n); err != nil {
			return fmt.Errorf("remind directive: %w", err)
		}
		if n == 0 {
			return nil
		}
		if err := notifyDirective(ctx, tx, d.RegionID, d, "directive.inbox_reminder", true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE directive_schools SET reminded_at = $1 WHERE directive_id = $2 AND
			school_id IN (SELECT ds.school_id FROM directive_schools ds JOIN directives d ON d.id = ds.directive_id
			WHERE ds.directive_id = $2 AND `+notDoneCond+`)`, tx.now, d.ID); err != nil {
			return fmt.Errorf("remind directive: %w", err)
		}
		return audit(ctx, tx, d.RegionID, "remind_directive", "directive:"+strconv.FormatInt(d.ID, 10), strconv.Itoa(n)+" schools")
	})
	return n, err
}

// fileOfVisibleDirective reports whether a file is an attachment of a
// directive sent to a school where the actor reads directives.
func fileOfVisibleDirective(ctx context.Context, q queryer, a *campusguard.Actor, fileID int64) (bool, error) {
	var c conds
	c.and("df.file_id = "+c.arg(fileID), scopeCond(a, campusguard.ReadDirectives, "s.path", c.arg))
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM directive_files df JOIN directive_schools ds ON ds.directive_id = df.directive_id
		JOIN orgs s ON s.id = ds.school_id WHERE `+c.where(), c.args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("file of a directive: %w", err)
	}
	return n > 0, nil
}

// addDirectives counts, for the dashboard's schools, the directives each
// has not done, and of them those past their deadline on day.
func addDirectives(ctx context.Context, q queryer, regionID int64, day campusguard.Date, byID map[int64]*campusguard.SchoolStatus) error {
	rows, err := q.QueryContext(ctx, `SELECT ds.school_id, COUNT(*), SUM(CASE WHEN d.deadline < $1 THEN 1 ELSE 0 END)
		FROM directive_schools ds JOIN directives d ON d.id = ds.directive_id WHERE ds.region_id = $2 AND `+notDoneCond+`
		GROUP BY ds.school_id`, day, regionID)
	if err != nil {
		return fmt.Errorf("dashboard directives: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var school int64
		var n, late int
		if err := rows.Scan(&school, &n, &late); err != nil {
			return err
		}
		if st := byID[school]; st != nil {
			st.Directives, st.OverdueDirectives = n, late
		}
	}
	return rows.Err()
}

// briefDirectives lists a region's directives some school has not yet
// done, nearest deadline first, at most 20.
func briefDirectives(ctx context.Context, q queryer, regionID int64) ([]campusguard.BriefingDirective, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.title, d.deadline, COUNT(*), SUM(CASE WHEN `+notDoneCond+` THEN 1 ELSE 0 END)
		FROM directives d JOIN directive_schools ds ON ds.directive_id = d.id WHERE d.region_id = $1
		GROUP BY d.id, d.title, d.deadline HAVING SUM(CASE WHEN `+notDoneCond+` THEN 1 ELSE 0 END) > 0
		ORDER BY d.deadline, d.id LIMIT 20`, regionID)
	if err != nil {
		return nil, fmt.Errorf("briefing directives: %w", err)
	}
	defer rows.Close()
	var out []campusguard.BriefingDirective
	for rows.Next() {
		var b campusguard.BriefingDirective
		if err := rows.Scan(&b.ID, &b.Title, &b.Deadline, &b.Schools, &b.Pending); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
