package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"campusguard"
)

// ---- Checklists ----

// regionRootFor returns the top-level region id regionID names, after
// checking the actor has a grant in its tree (NotFound otherwise).
func regionRootFor(ctx context.Context, q queryer, a *campusguard.Actor, regionID int64) (*campusguard.Org, error) {
	root, err := findOrgByID(ctx, q, regionID)
	if err != nil || root.ParentID != nil || !readsRegion(a, root.Path) {
		return nil, notFound("region")
	}
	return root, nil
}

// currentChecklist, checklistItems and storeChecklist read and keep the
// readiness checklists (checklists.go).
func currentChecklist(ctx context.Context, q queryer, regionID int64) (*campusguard.Checklist, error) {
	return readinessLists.current(ctx, q, regionID)
}

func checklistItems(ctx context.Context, q queryer, id int64) ([]campusguard.ChecklistItem, error) {
	return readinessLists.itemsOf(ctx, q, id)
}

func storeChecklist(ctx context.Context, tx *Tx, regionID int64, items []campusguard.ChecklistItem) (*campusguard.Checklist, error) {
	return readinessLists.store(ctx, tx, regionID, items)
}

// Checklist returns a region's current checklist.
func (s *Store) Checklist(ctx context.Context, regionID int64) (*campusguard.Checklist, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := regionRootFor(ctx, s.read, a, regionID); err != nil {
		return nil, err
	}
	return currentChecklist(ctx, s.read, regionID)
}

// SetChecklist stores a new version of a region's checklist: schools that
// have started answering keep the version they were given.
func (s *Store) SetChecklist(ctx context.Context, regionID int64, items []campusguard.ChecklistItem) (*campusguard.Checklist, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var c *campusguard.Checklist
	err = s.inTx(ctx, func(tx *Tx) error {
		root, err := regionRootFor(ctx, tx, a, regionID)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.ReviewReadiness, root.Path) {
			return forbidden()
		}
		if err := campusguard.ValidateChecklist(items); err != nil {
			return err
		}
		if c, err = storeChecklist(ctx, tx, regionID, items); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_checklist", "org:"+strconv.FormatInt(regionID, 10), "version "+strconv.Itoa(c.Version))
	})
	return c, err
}

// ---- A school's review ----

// findSchool returns a school the actor reads; NotFound otherwise.
func findSchool(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, q, id)
	if err != nil || o.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, notFound("school")
	}
	return o, nil
}

// schoolChecklist returns the checklist a school answers: the version it
// was given, or the region's current one if it has not started.
func schoolChecklist(ctx context.Context, q queryer, sch *campusguard.Org) (*campusguard.Checklist, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT checklist_id FROM readiness WHERE school_id = $1`, sch.ID).Scan(&id)
	if err == sql.ErrNoRows {
		return currentChecklist(ctx, q, sch.RegionID)
	}
	if err != nil {
		return nil, err
	}
	c := &campusguard.Checklist{ID: id, RegionID: sch.RegionID}
	if err := q.QueryRowContext(ctx, `SELECT version, created_at, created_by FROM checklists WHERE id = $1`, id).
		Scan(&c.Version, &c.CreatedAt, &c.CreatedBy); err != nil {
		return nil, err
	}
	c.Items, err = checklistItems(ctx, q, id)
	return c, err
}

// startReadiness gives a school the region's current checklist, stored,
// when it has none yet, and returns the one it answers.
func startReadiness(ctx context.Context, tx *Tx, sch *campusguard.Org) (*campusguard.Checklist, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT checklist_id FROM readiness WHERE school_id = $1`, sch.ID).Scan(&id)
	if err == nil {
		return schoolChecklist(ctx, tx, sch)
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	c, err := currentChecklist(ctx, tx, sch.RegionID)
	if err != nil {
		return nil, err
	}
	if c.ID == 0 {
		if c, err = storeChecklist(ctx, tx, sch.RegionID, c.Items); err != nil {
			return nil, err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO readiness (school_id, region_id, checklist_id) VALUES ($1, $2, $3)`,
		sch.ID, sch.RegionID, c.ID)
	return c, err
}

// schoolItems reads a school's answers to the items of c.
func schoolItems(ctx context.Context, q queryer, schoolID int64, c *campusguard.Checklist, history bool) ([]campusguard.ItemAnswer, error) {
	items := make([]campusguard.ItemAnswer, len(c.Items))
	byID := map[int64]*campusguard.ItemAnswer{}
	for i, it := range c.Items {
		items[i] = campusguard.ItemAnswer{Item: it, Status: campusguard.ItemDraft, Files: []campusguard.File{}}
		if it.ID != 0 {
			byID[it.ID] = &items[i]
		}
	}
	if len(byID) == 0 {
		return items, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT item_id, state, note, status, comment FROM readiness_answers WHERE school_id = $1`, schoolID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var a campusguard.ItemAnswer
		if err := rows.Scan(&id, &a.State, &a.Note, &a.Status, &a.Comment); err != nil {
			rows.Close()
			return nil, err
		}
		if it := byID[id]; it != nil {
			it.State, it.Note, it.Status, it.Comment = a.State, a.Note, a.Status, a.Comment
		}
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT item_id, file_id FROM readiness_files WHERE school_id = $1 ORDER BY file_id`, schoolID)
	if err != nil {
		return nil, err
	}
	type link struct{ item, file int64 }
	var links []link
	var fileIDs []int64
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.item, &l.file); err != nil {
			rows.Close()
			return nil, err
		}
		links, fileIDs = append(links, l), append(fileIDs, l.file)
	}
	rows.Close()
	files, err := filesByID(ctx, q, fileIDs)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if it, f := byID[l.item], files[l.file]; it != nil && f != nil {
			it.Files = append(it.Files, *f)
		}
	}
	if !history {
		return items, nil
	}
	rows, err = q.QueryContext(ctx, `SELECT item_id, at, by_name, event, state, note, comment FROM readiness_events
		WHERE school_id = $1 ORDER BY id`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e campusguard.ItemEvent
		if err := rows.Scan(&id, &e.At, &e.By, &e.Event, &e.State, &e.Note, &e.Comment); err != nil {
			return nil, err
		}
		if it := byID[id]; it != nil {
			it.History = append(it.History, e)
		}
	}
	return items, rows.Err()
}

// latestApproval reads a school's newest approval, or nil.
func latestApproval(ctx context.Context, q queryer, schoolID int64) (*campusguard.Approval, error) {
	ap := &campusguard.Approval{}
	var wat sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT day, approved_at, approved_by, withdrawn_at, withdrawn_by, withdrawn_reason FROM approvals
		WHERE school_id = $1 ORDER BY id DESC LIMIT 1`, schoolID).Scan(&ap.Day, &ap.ApprovedAt, &ap.ApprovedBy, &wat,
		&ap.WithdrawnBy, &ap.WithdrawnReason)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if wat.Valid {
		ap.WithdrawnAt = &wat.Time
	}
	return ap, nil
}

// schoolPlans reads the newest version of each of a school's plans.
func schoolPlans(ctx context.Context, q queryer, schoolID int64) ([]campusguard.Plan, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.kind, p.version, p.file_id, p.uploaded_at, p.uploaded_by FROM school_plans p
		WHERE p.school_id = $1 AND p.version = (SELECT MAX(version) FROM school_plans q WHERE q.school_id = p.school_id
		AND q.kind = p.kind) ORDER BY p.kind DESC`, schoolID)
	if err != nil {
		return nil, err
	}
	plans := []campusguard.Plan{}
	var ids []int64
	for rows.Next() {
		var p campusguard.Plan
		if err := rows.Scan(&p.Kind, &p.Version, &p.File.ID, &p.UploadedAt, &p.UploadedBy); err != nil {
			rows.Close()
			return nil, err
		}
		plans, ids = append(plans, p), append(ids, p.File.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := filesByID(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range plans {
		if f := files[plans[i].File.ID]; f != nil {
			plans[i].File = *f
		}
	}
	return plans, nil
}

// SchoolReadiness returns a school's review, returned items first.
func (s *Store) SchoolReadiness(ctx context.Context, schoolID int64) (*campusguard.Readiness, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	sch, err := findSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	c, err := schoolChecklist(ctx, s.read, sch)
	if err != nil {
		return nil, err
	}
	rd := &campusguard.Readiness{SchoolID: sch.ID, SchoolName: sch.Name, RegionID: sch.RegionID, Version: c.Version}
	if rd.Items, err = schoolItems(ctx, s.read, sch.ID, c, true); err != nil {
		return nil, err
	}
	slices.SortStableFunc(rd.Items, func(x, y campusguard.ItemAnswer) int {
		return cmp.Compare(slices.Index(campusguard.ItemStatuses, x.Status), slices.Index(campusguard.ItemStatuses, y.Status))
	})
	if rd.Approval, err = latestApproval(ctx, s.read, sch.ID); err != nil {
		return nil, err
	}
	if rd.Plans, err = schoolPlans(ctx, s.read, sch.ID); err != nil {
		return nil, err
	}
	rd.Status = campusguard.StatusOf(campusguard.ProgressOf(rd.Items), rd.Approval.Active())
	return rd, nil
}

// readinessWrite runs fn on a school the actor may act on by act.
func (s *Store) readinessWrite(ctx context.Context, schoolID int64, act campusguard.Action,
	fn func(tx *Tx, sch *campusguard.Org) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		sch, err := findSchool(ctx, tx, a, schoolID)
		if err != nil {
			return err
		}
		if !a.Can(act, sch.Path) {
			return forbidden()
		}
		return fn(tx, sch)
	})
}

// itemEvent records one step of an item's history.
func itemEvent(ctx context.Context, tx *Tx, sch *campusguard.Org, itemID int64, e campusguard.ItemEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO readiness_events (region_id, school_id, item_id, at, by_name, event, state, note, comment)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, sch.RegionID, sch.ID, itemID, tx.now, campusguard.ActorName(ctx), e.Event, e.State, e.Note, e.Comment)
	return err
}

// findItem returns the answer to the item code of a school's checklist;
// Invalid naming "code" when there is no such item.
func findItem(items []campusguard.ItemAnswer, code string) (*campusguard.ItemAnswer, error) {
	for i := range items {
		if items[i].Item.Code == code {
			return &items[i], nil
		}
	}
	return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.item_unknown", Args: []any{code}}})
}

// AnswerItem stores a school's answer to one item.
func (s *Store) AnswerItem(ctx context.Context, ans campusguard.Answer) error {
	ans.Note = strings.TrimSpace(ans.Note)
	return s.readinessWrite(ctx, ans.SchoolID, campusguard.AnswerReadiness, func(tx *Tx, sch *campusguard.Org) error {
		c, err := startReadiness(ctx, tx, sch)
		if err != nil {
			return err
		}
		items, err := schoolItems(ctx, tx, sch.ID, c, false)
		if err != nil {
			return err
		}
		it, err := findItem(items, ans.Code)
		if err != nil {
			return err
		}
		ap, err := latestApproval(ctx, tx, sch.ID)
		if err != nil {
			return err
		}
		if err := campusguard.CheckAnswer(ans, it.Status, ap.Active()); err != nil {
			return err
		}
		files, err := filesByID(ctx, tx, ans.FileIDs)
		if err != nil {
			return err
		}
		for _, id := range ans.FileIDs {
			if f := files[id]; f == nil || f.OrgID != sch.ID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_ids", Msg: "error.file_unknown", Args: []any{id}}})
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_answers (region_id, school_id, item_id, state, note, status, comment, updated_at)
			VALUES ($6, $1, $2, $3, $4, 'draft', '', $5) ON CONFLICT (school_id, item_id) DO UPDATE SET state = excluded.state,
			note = excluded.note, status = 'draft', updated_at = excluded.updated_at`,
			sch.ID, it.Item.ID, ans.State, ans.Note, tx.now, sch.RegionID); err != nil {
			return fmt.Errorf("answer item: %w", err)
		}
		for _, id := range ans.FileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO readiness_files (region_id, school_id, item_id, file_id) VALUES ($1, $2, $3, $4)
				ON CONFLICT (school_id, item_id, file_id) DO NOTHING`, sch.RegionID, sch.ID, it.Item.ID, id); err != nil {
				return err
			}
		}
		return itemEvent(ctx, tx, sch, it.Item.ID, campusguard.ItemEvent{Event: "answer", State: ans.State, Note: ans.Note})
	})
}

// SubmitReadiness sends a school's draft items to the region.
func (s *Store) SubmitReadiness(ctx context.Context, schoolID int64) error {
	return s.readinessWrite(ctx, schoolID, campusguard.AnswerReadiness, func(tx *Tx, sch *campusguard.Org) error {
		c, err := schoolChecklist(ctx, tx, sch)
		if err != nil {
			return err
		}
		items, err := schoolItems(ctx, tx, sch.ID, c, false)
		if err != nil {
			return err
		}
		ap, err := latestApproval(ctx, tx, sch.ID)
		if err != nil {
			return err
		}
		if err := campusguard.CheckSubmit(items, ap.Active()); err != nil {
			return err
		}
		for _, it := range items {
			if it.Status != campusguard.ItemDraft {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE readiness_answers SET status = 'submitted', updated_at = $1
				WHERE school_id = $2 AND item_id = $3`, tx.now, sch.ID, it.Item.ID); err != nil {
				return err
			}
			if err := itemEvent(ctx, tx, sch, it.Item.ID, campusguard.ItemEvent{Event: "submit", State: it.State}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, sch.RegionID, "submit_readiness", "org:"+strconv.FormatInt(sch.ID, 10), "")
	})
}

// ReviewItem accepts or returns a submitted item.
func (s *Store) ReviewItem(ctx context.Context, schoolID int64, code string, v campusguard.Verdict, comment string) error {
	comment = strings.TrimSpace(comment)
	return s.readinessWrite(ctx, schoolID, campusguard.ReviewReadiness, func(tx *Tx, sch *campusguard.Org) error {
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
		if err := campusguard.CheckReview(code, it.Status, v, comment); err != nil {
			return err
		}
		status := campusguard.ItemAccepted
		if v == campusguard.VerdictReturn {
			status = campusguard.ItemReturned
		}
		if _, err := tx.ExecContext(ctx, `UPDATE readiness_answers SET status = $1, comment = $2, updated_at = $3
			WHERE school_id = $4 AND item_id = $5`, status, comment, tx.now, sch.ID, it.Item.ID); err != nil {
			return err
		}
		return itemEvent(ctx, tx, sch, it.Item.ID, campusguard.ItemEvent{Event: string(v), Comment: comment})
	})
}

// ApproveReopening approves a school whose items are all accepted, from
// today; today's expected counts follow at once.
func (s *Store) ApproveReopening(ctx context.Context, schoolID int64) error {
	return s.readinessWrite(ctx, schoolID, campusguard.ReviewReadiness, func(tx *Tx, sch *campusguard.Org) error {
		c, err := schoolChecklist(ctx, tx, sch)
		if err != nil {
			return err
		}
		items, err := schoolItems(ctx, tx, sch.ID, c, false)
		if err != nil {
			return err
		}
		if c.ID == 0 {
			items = nil // never started: nothing accepted
			for _, it := range c.Items {
				items = append(items, campusguard.ItemAnswer{Item: it, Status: campusguard.ItemDraft})
			}
		}
		ap, err := latestApproval(ctx, tx, sch.ID)
		if err != nil {
			return err
		}
		if err := campusguard.CheckApprove(items, ap.Active()); err != nil {
			return err
		}
		today := campusguard.Today(tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (school_id, region_id, day, approved_at, approved_by)
			VALUES ($1, $2, $3, $4, $5)`, sch.ID, sch.RegionID, today, tx.now, campusguard.ActorName(ctx)); err != nil {
			return err
		}
		if err := audit(ctx, tx, sch.RegionID, "approve_reopening", "org:"+strconv.FormatInt(sch.ID, 10), today.String()); err != nil {
			return err
		}
		return reopenToday(ctx, tx, sch.RegionID)
	})
}

// WithdrawApproval withdraws a school's approval, with a reason.
func (s *Store) WithdrawApproval(ctx context.Context, schoolID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.readinessWrite(ctx, schoolID, campusguard.ReviewReadiness, func(tx *Tx, sch *campusguard.Org) error {
		if reason == "" {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "reason", Msg: "error.required"}})
		}
		if len([]rune(reason)) > campusguard.MaxReason {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "reason", Msg: "error.too_long", Args: []any{campusguard.MaxReason}}})
		}
		ap, err := latestApproval(ctx, tx, sch.ID)
		if err != nil {
			return err
		}
		if !ap.Active() {
			return campusguard.Errorf(campusguard.Conflict, "error.not_approved")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE approvals SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3
			WHERE school_id = $4 AND withdrawn_at IS NULL`, tx.now, campusguard.ActorName(ctx), reason, sch.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, sch.RegionID, "withdraw_approval", "org:"+strconv.FormatInt(sch.ID, 10), reason); err != nil {
			return err
		}
		return reopenToday(ctx, tx, sch.RegionID)
	})
}

// UploadPlan stores a new version of a school's plan.
func (s *Store) UploadPlan(ctx context.Context, schoolID int64, kind campusguard.PlanKind, fileID int64) error {
	return s.readinessWrite(ctx, schoolID, campusguard.AnswerReadiness, func(tx *Tx, sch *campusguard.Org) error {
		if !slices.Contains(campusguard.PlanKinds, kind) {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "kind", Msg: "error.bad_choice"}})
		}
		files, err := filesByID(ctx, tx, []int64{fileID})
		if err != nil {
			return err
		}
		if f := files[fileID]; f == nil || f.OrgID != sch.ID {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_id", Msg: "error.file_unknown", Args: []any{fileID}}})
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM school_plans WHERE school_id = $1 AND kind = $2`,
			sch.ID, kind).Scan(&v); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO school_plans (school_id, region_id, kind, version, file_id, uploaded_at, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sch.ID, sch.RegionID, kind, v, fileID, tx.now, campusguard.ActorName(ctx))
		return err
	})
}

// RegionReadiness returns every school's line under a node, by name. It
// reads the region's reviews in a few grouped queries, not school by
// school: the dashboard draws it too.
func (s *Store) RegionReadiness(ctx context.Context, orgID int64) ([]campusguard.SchoolReadiness, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, hidden(err, "org")
	}
	return regionReadiness(ctx, s.read, o, campusguard.Today(s.Now()), campusguard.Today(s.Now()))
}

// regionReadiness is RegionReadiness without the access check: the review
// as it stands, plans outdated by today, and the classes open on day.
func regionReadiness(ctx context.Context, q queryer, o *campusguard.Org, today, day campusguard.Date) ([]campusguard.SchoolReadiness, error) {
	region := o.RegionID
	lo, hi := subtree(o.Path)
	rows, err := q.QueryContext(ctx, `SELECT id, name, school_type FROM orgs WHERE kind = 'school' AND path >= $1
		AND path < $2 ORDER BY name, id`, lo, hi)
	if err != nil {
		return nil, err
	}
	var out []campusguard.SchoolReadiness
	for rows.Next() {
		var r campusguard.SchoolReadiness
		if err := rows.Scan(&r.SchoolID, &r.Name, &r.Type); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// grouped runs a query of (school, key, n) rows into fn.
	grouped := func(query string, fn func(school int64, key string, n int)) error {
		rows, err := q.QueryContext(ctx, query, region)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var school int64
			var key string
			var n int
			if err := rows.Scan(&school, &key, &n); err != nil {
				return err
			}
			fn(school, key, n)
		}
		return rows.Err()
	}
	current, err := currentChecklist(ctx, q, region)
	if err != nil {
		return nil, err
	}
	items := map[int64]int{}
	if err := grouped(`SELECT r.school_id, '', COUNT(i.id) FROM readiness r JOIN checklist_items i ON i.checklist_id = r.checklist_id
		WHERE r.region_id = $1 GROUP BY r.school_id`, func(school int64, _ string, n int) { items[school] = n }); err != nil {
		return nil, err
	}
	progress := map[int64]*campusguard.Progress{}
	if err := grouped(`SELECT school_id, status, COUNT(*) FROM readiness_answers WHERE region_id = $1 GROUP BY school_id, status`,
		func(school int64, status string, n int) {
			p := progress[school]
			if p == nil {
				p = &campusguard.Progress{}
				progress[school] = p
			}
			p.Answered += n
			switch campusguard.ItemStatus(status) {
			case campusguard.ItemSubmitted:
				p.Submitted += n
			case campusguard.ItemAccepted:
				p.Accepted += n
			case campusguard.ItemReturned:
				p.Returned += n
			}
		}); err != nil {
		return nil, err
	}
	plans := map[int64]map[campusguard.PlanKind]string{}
	prow, err := q.QueryContext(ctx, `SELECT p.school_id, p.kind, p.uploaded_at FROM school_plans p WHERE p.region_id = $1
		AND p.version = (SELECT MAX(v.version) FROM school_plans v WHERE v.school_id = p.school_id AND v.kind = p.kind)`, region)
	if err != nil {
		return nil, err
	}
	for prow.Next() {
		var school int64
		var pl campusguard.Plan
		if err := prow.Scan(&school, &pl.Kind, &pl.UploadedAt); err != nil {
			prow.Close()
			return nil, err
		}
		if plans[school] == nil {
			plans[school] = map[campusguard.PlanKind]string{}
		}
		plans[school][pl.Kind] = "current"
		if pl.Outdated(today) {
			plans[school][pl.Kind] = "outdated"
		}
	}
	prow.Close()
	approvals := map[int64]*campusguard.Approval{}
	arow, err := q.QueryContext(ctx, `SELECT a.school_id, a.day, a.approved_at, a.approved_by, a.withdrawn_at, a.withdrawn_by,
		a.withdrawn_reason FROM approvals a WHERE a.region_id = $1 AND a.id = (SELECT MAX(b.id) FROM approvals b
		WHERE b.school_id = a.school_id)`, region)
	if err != nil {
		return nil, err
	}
	for arow.Next() {
		var school int64
		ap := &campusguard.Approval{}
		var wat sql.NullTime
		if err := arow.Scan(&school, &ap.Day, &ap.ApprovedAt, &ap.ApprovedBy, &wat, &ap.WithdrawnBy, &ap.WithdrawnReason); err != nil {
			arow.Close()
			return nil, err
		}
		if wat.Valid {
			ap.WithdrawnAt = &wat.Time
		}
		approvals[school] = ap
	}
	arow.Close()
	open, err := loadOpenness(ctx, q, region, day)
	if err != nil {
		return nil, err
	}
	classes, err := regionClasses(ctx, q, region)
	if err != nil {
		return nil, err
	}
	bySchool := map[int64][]classRow{}
	for _, c := range classes {
		if c.students > 0 {
			bySchool[c.schoolID] = append(bySchool[c.schoolID], c)
		}
	}
	for i := range out {
		r := &out[i]
		if p := progress[r.SchoolID]; p != nil {
			r.Progress = *p
		}
		r.Progress.Items = len(current.Items)
		if n, ok := items[r.SchoolID]; ok {
			r.Progress.Items = n
		}
		r.Approval = approvals[r.SchoolID]
		r.Status = campusguard.StatusOf(r.Progress, r.Approval.Active())
		for _, k := range campusguard.PlanKinds {
			st := plans[r.SchoolID][k]
			if st == "" {
				st = "none"
			}
			r.Plans = append(r.Plans, st)
		}
		for _, cl := range bySchool[r.SchoolID] {
			r.Classes++
			if open.Suspended(cl.path, day) != nil {
				r.Suspended++
			}
			if open.ClassOpen(cl.schoolID, cl.schoolType, cl.grade, cl.path, day) {
				r.Open++
			}
		}
		r.Reopening = reopeningOf(r.Status, r.Open, r.Classes)
	}
	return out, nil
}

// reopeningOf is a school's reopening status: where its review stands
// until it is approved, then whether all its classes are open.
func reopeningOf(st campusguard.ReviewStatus, open, classes int) string {
	switch {
	case st != campusguard.ReviewApproved:
		if st == campusguard.ReviewNotSubmitted {
			return "not_submitted"
		}
		return "in_review"
	case open == 0 && classes > 0:
		return "approved"
	case open < classes:
		return "partly_open"
	}
	return "open"
}
