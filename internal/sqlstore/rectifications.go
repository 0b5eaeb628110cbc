package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

// Rectification items (issue 12): opened from a finding when its visit
// closes; the school answers, the inspector or the region closes or
// returns; a job tells everyone concerned once an item is overdue.

// rectLeaders are told of a critical item at once, and of every overdue
// item: the region's education bureau and its inspectors.
var rectLeaders = []campusguard.AccessRole{campusguard.RegionAdmin, campusguard.Inspector}

// rectLink is an item's page.
func rectLink(id int64) string { return "/rectifications/" + strconv.FormatInt(id, 10) }

// rectEvent records one step of an item's history and returns its id.
func rectEvent(ctx context.Context, tx *Tx, regionID, itemID int64, event, note string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO rectification_events (region_id, rectification_id, at, by_name, event, note)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, regionID, itemID, tx.now, campusguard.ActorName(ctx), event, note).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("rectification event: %w", err)
	}
	return id, nil
}

// openRectification opens the item of a finding with a deadline: the
// school's principal and health officer are told, and for a critical
// finding the region's leadership at once.
func openRectification(ctx context.Context, tx *Tx, r visitRow, f campusguard.InspectionFinding) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO rectifications (region_id, school_id, finding_id, severity, deadline, responsible,
		state, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) RETURNING id`,
		r.v.RegionID, r.v.SchoolID, f.ID, f.Severity, *f.Deadline, f.Responsible, tx.now).Scan(&id); err != nil {
		return fmt.Errorf("open rectification: %w", err)
	}
	if _, err := rectEvent(ctx, tx, r.v.RegionID, id, "open", f.Note); err != nil {
		return err
	}
	args := []string{r.v.SchoolName, "severity." + string(f.Severity), f.Deadline.String()}
	if err := notifySchool(ctx, tx, r.v.RegionID, r.path, "rectification", "rect.inbox_open", args, rectLink(id)); err != nil {
		return err
	}
	if f.Severity == campusguard.SeverityCritical {
		if err := notify(ctx, tx, r.v.RegionID, r.path, rectLeaders, "rectification", "rect.inbox_critical", args, rectLink(id)); err != nil {
			return err
		}
	}
	return audit(ctx, tx, r.v.RegionID, "open_rectification", "rectification:"+strconv.FormatInt(id, 10), string(f.Severity))
}

const rectColumns = `r.id, r.region_id, r.school_id, s.name, COALESCE(r.finding_id, 0), COALESCE(f.visit_id, 0), r.severity,
	COALESCE(f.note, r.problem), r.deadline, r.responsible, r.state, r.opened_at, s.path, r.source, COALESCE(ci.code, '')`

// rectFrom joins an item to its source: a finding, or a readiness item.
const rectFrom = ` FROM rectifications r JOIN orgs s ON s.id = r.school_id LEFT JOIN inspection_findings f ON f.id = r.finding_id
	LEFT JOIN checklist_items ci ON ci.id = r.readiness_item_id`

func scanRect(sc interface{ Scan(...any) error }, today campusguard.Date) (*campusguard.Rectification, string, error) {
	x := &campusguard.Rectification{}
	var path string
	if err := sc.Scan(&x.ID, &x.RegionID, &x.SchoolID, &x.SchoolName, &x.FindingID, &x.VisitID, &x.Severity, &x.Problem,
		&x.Deadline, &x.Responsible, &x.State, &x.OpenedAt, &path, &x.Source, &x.ReadinessCode); err != nil {
		return nil, "", err
	}
	x.Overdue = campusguard.RectOverdue(x.State, x.Deadline, today)
	return x, path, nil
}

// findRect reads an item the actor may read; NotFound otherwise. Items
// exist only for closed visits, so the school may always see them.
func findRect(ctx context.Context, q queryer, a *campusguard.Actor, id int64, today campusguard.Date) (*campusguard.Rectification, string, error) {
	x, path, err := scanRect(q.QueryRowContext(ctx, `SELECT `+rectColumns+rectFrom+` WHERE r.id = $1`, id), today)
	if err == sql.ErrNoRows {
		return nil, "", notFound("rectification")
	}
	if err != nil {
		return nil, "", fmt.Errorf("find rectification %d: %w", id, err)
	}
	if !a.Can(campusguard.ReadRectifying, path) {
		return nil, "", notFound("rectification")
	}
	return x, path, nil
}

// rectHistory reads an item's steps with their files.
func rectHistory(ctx context.Context, q queryer, id int64) ([]campusguard.RectEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.at, e.by_name, e.event, e.note FROM rectification_events e
		WHERE e.rectification_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	var out []campusguard.RectEvent
	var ids []int64
	for rows.Next() {
		var e campusguard.RectEvent
		var eid int64
		if err := rows.Scan(&eid, &e.At, &e.By, &e.Event, &e.Note); err != nil {
			rows.Close()
			return nil, err
		}
		out, ids = append(out, e), append(ids, eid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	links, files, err := linkedFiles(ctx, q, `SELECT rf.event_id, rf.file_id FROM rectification_files rf JOIN rectification_events e
		ON e.id = rf.event_id WHERE e.rectification_id = $1 ORDER BY rf.file_id`, id)
	if err != nil {
		return nil, err
	}
	for i, eid := range ids {
		for _, fid := range links[eid] {
			out[i].FileIDs = append(out[i].FileIDs, fid)
			if f := files[fid]; f != nil {
				out[i].Files = append(out[i].Files, *f)
			}
		}
	}
	return out, nil
}

// FindRectification returns an item with its history.
func (s *Store) FindRectification(ctx context.Context, id int64) (*campusguard.Rectification, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	x, _, err := findRect(ctx, s.read, a, id, campusguard.Today(s.Now()))
	if err != nil {
		return nil, err
	}
	if x.History, err = rectHistory(ctx, s.read, id); err != nil {
		return nil, err
	}
	return x, nil
}

// FindRectifications lists the items under an org node the actor reads:
// returned first, then open, answered and closed; the nearest deadline
// first within each.
func (s *Store) FindRectifications(ctx context.Context, f campusguard.RectFilter) ([]*campusguard.Rectification, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, f.OrgID)
	if err != nil || !a.Can(campusguard.ReadRectifying, o.Path) {
		return nil, notFound("org")
	}
	today := f.Today
	if today.IsZero() {
		today = campusguard.Today(s.Now())
	}
	var c conds
	lo, hi := subtree(o.Path)
	c.and("r.region_id = "+c.arg(o.RegionID), "s.path >= "+c.arg(lo), "s.path < "+c.arg(hi))
	if f.State != nil {
		c.and("r.state = " + c.arg(*f.State))
	}
	if f.Overdue != nil {
		if *f.Overdue {
			c.and("r.state <> 'closed'", "r.deadline < "+c.arg(today))
		} else {
			c.and("(r.state = 'closed' OR r.deadline >= " + c.arg(today) + ")")
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+rectColumns+rectFrom+` WHERE `+c.where()+`
		ORDER BY CASE r.state WHEN 'returned' THEN 0 WHEN 'open' THEN 1 WHEN 'answered' THEN 2 ELSE 3 END, r.deadline, r.id
		LIMIT 1000`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find rectifications: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Rectification{}
	for rows.Next() {
		x, _, err := scanRect(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// rectWrite runs fn on an item the actor reads and may do act to.
func (s *Store) rectWrite(ctx context.Context, id int64, act campusguard.Action, fn func(tx *Tx, x *campusguard.Rectification, path string) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		x, path, err := findRect(ctx, tx, a, id, campusguard.Today(tx.now))
		if err != nil {
			return err
		}
		if !a.Can(act, path) {
			return forbidden()
		}
		return fn(tx, x, path)
	})
}

// AnswerRectification records the school's answer with its evidence, files
// of the school uploaded before.
func (s *Store) AnswerRectification(ctx context.Context, id int64, note string, fileIDs []int64) error {
	note = strings.TrimSpace(note)
	return s.rectWrite(ctx, id, campusguard.AnswerRectifying, func(tx *Tx, x *campusguard.Rectification, path string) error {
		if err := campusguard.CheckRectAnswer(x.State, note, fileIDs); err != nil {
			return err
		}
		files, err := filesByID(ctx, tx, fileIDs)
		if err != nil {
			return err
		}
		for _, fid := range fileIDs {
			if f := files[fid]; f == nil || f.OrgID != x.SchoolID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_ids", Msg: "error.file_unknown", Args: []any{fid}}})
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rectifications SET state = 'answered', updated_at = $1 WHERE id = $2`, tx.now, x.ID); err != nil {
			return fmt.Errorf("answer rectification: %w", err)
		}
		ev, err := rectEvent(ctx, tx, x.RegionID, x.ID, "answer", note)
		if err != nil {
			return err
		}
		for _, fid := range fileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rectification_files (region_id, event_id, file_id) VALUES ($1, $2, $3)
				ON CONFLICT (event_id, file_id) DO NOTHING`, x.RegionID, ev, fid); err != nil {
				return err
			}
		}
		return audit(ctx, tx, x.RegionID, "answer_rectification", "rectification:"+strconv.FormatInt(x.ID, 10),
			strconv.Itoa(len(fileIDs))+" files")
	})
}

// VerifyRectification closes or returns an answered item.
func (s *Store) VerifyRectification(ctx context.Context, id int64, v campusguard.Verdict, comment string) error {
	comment = strings.TrimSpace(comment)
	return s.rectWrite(ctx, id, campusguard.Inspect, func(tx *Tx, x *campusguard.Rectification, path string) error {
		if err := campusguard.CheckRectVerify(x.State, v, comment); err != nil {
			return err
		}
		next := campusguard.RectNext(v)
		if _, err := tx.ExecContext(ctx, `UPDATE rectifications SET state = $1, updated_at = $2 WHERE id = $3`, next, tx.now, x.ID); err != nil {
			return fmt.Errorf("verify rectification: %w", err)
		}
		event := "close"
		if next == campusguard.RectReturned {
			event = "return"
			if err := notifySchool(ctx, tx, x.RegionID, path, "rectification", "rect.inbox_returned",
				[]string{x.SchoolName, x.Deadline.String()}, rectLink(x.ID)); err != nil {
				return err
			}
		}
		if _, err := rectEvent(ctx, tx, x.RegionID, x.ID, event, comment); err != nil {
			return err
		}
		return audit(ctx, tx, x.RegionID, "verify_rectification", "rectification:"+strconv.FormatInt(x.ID, 10), event)
	})
}

// NotifyOverdue tells of every item of a region past its deadline on
// today, once per item: the school's principal and health officer, and
// the region's education bureau and inspectors. It returns how many items
// were told of.
func (s *Store) NotifyOverdue(ctx context.Context, regionID int64, today campusguard.Date) (int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx *Tx) error {
		root, err := inspectionRegion(ctx, tx, a, regionID, campusguard.Inspect)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+rectColumns+rectFrom+` WHERE r.region_id = $1 AND r.state <> 'closed'
			AND r.deadline < $2 AND r.overdue_notified = FALSE ORDER BY r.id`, root.ID, today)
		if err != nil {
			return fmt.Errorf("overdue rectifications: %w", err)
		}
		type due struct {
			x    *campusguard.Rectification
			path string
		}
		var list []due
		for rows.Next() {
			x, path, err := scanRect(rows, today)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, due{x, path})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			args := []string{d.x.SchoolName, "severity." + string(d.x.Severity), d.x.Deadline.String()}
			if err := notifySchool(ctx, tx, regionID, d.path, "rectification", "rect.inbox_overdue", args, rectLink(d.x.ID)); err != nil {
				return err
			}
			if err := notify(ctx, tx, regionID, d.path, rectLeaders, "rectification", "rect.inbox_overdue", args, rectLink(d.x.ID)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE rectifications SET overdue_notified = TRUE WHERE id = $1`, d.x.ID); err != nil {
				return err
			}
			if _, err := rectEvent(ctx, tx, regionID, d.x.ID, "overdue", ""); err != nil {
				return err
			}
			if err := audit(ctx, tx, regionID, "rectification_overdue", "rectification:"+strconv.FormatInt(d.x.ID, 10),
				d.x.Deadline.String()); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// RectifyReadinessItem opens an item from a readiness item the region
// returned: the problem is the item's title and the region's comment.
func (s *Store) RectifyReadinessItem(ctx context.Context, schoolID int64, code string, o campusguard.RectOpening) (*campusguard.Rectification, error) {
	o.Responsible = strings.TrimSpace(o.Responsible)
	var id int64
	err := s.readinessWrite(ctx, schoolID, campusguard.ReviewReadiness, func(tx *Tx, sch *campusguard.Org) error {
		c, err := schoolChecklist(ctx, tx, sch)
		if err != nil {
			return err
		}
		items, err := schoolItems(ctx, tx, sch.ID, c, false)
		if err != nil {
			return err
		}
		it, err := findItem(items, code)
		if err != nil {
			return err
		}
		if it.Status != campusguard.ItemReturned {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.item_not_returned", Args: []any{code}}})
		}
		if err := campusguard.CheckRectOpening(o, campusguard.Today(tx.now)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rectifications WHERE school_id = $1 AND readiness_item_id = $2
			AND state <> 'closed'`, sch.ID, it.Item.ID).Scan(&n); err != nil {
			return fmt.Errorf("rectify readiness item: %w", err)
		}
		if n > 0 {
			return campusguard.Errorf(campusguard.Conflict, "error.rect_exists")
		}
		problem := it.Item.Code + " " + it.Item.Title
		if it.Comment != "" {
			problem += "：" + it.Comment
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO rectifications (region_id, school_id, source, readiness_item_id, problem, severity,
			deadline, responsible, state, opened_at, updated_at) VALUES ($1, $2, 'readiness', $3, $4, $5, $6, $7, 'open', $8, $8) RETURNING id`,
			sch.RegionID, sch.ID, it.Item.ID, problem, o.Severity, o.Deadline, o.Responsible, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("rectify readiness item: %w", err)
		}
		if _, err := rectEvent(ctx, tx, sch.RegionID, id, "open", problem); err != nil {
			return err
		}
		args := []string{sch.Name, "severity." + string(o.Severity), o.Deadline.String()}
		if err := notifySchool(ctx, tx, sch.RegionID, sch.Path, "rectification", "rect.inbox_open", args, rectLink(id)); err != nil {
			return err
		}
		if o.Severity == campusguard.SeverityCritical {
			if err := notify(ctx, tx, sch.RegionID, sch.Path, rectLeaders, "rectification", "rect.inbox_critical", args, rectLink(id)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, sch.RegionID, "open_rectification", "rectification:"+strconv.FormatInt(id, 10),
			string(o.Severity)+" readiness "+code)
	})
	if err != nil {
		return nil, err
	}
	return s.FindRectification(ctx, id)
}
