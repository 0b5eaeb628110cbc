package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"campusguard"
)

// Inspections (issue 12): a region's plans, visits to schools, their
// results and findings. The invisibility of an unannounced visit is in
// visitScope, the one condition every query on visits carries.

// scopeCond is the SQL condition that col, an org path, lies where the
// actor may do act.
func scopeCond(a *campusguard.Actor, act campusguard.Action, col string, arg func(any) string) string {
	paths, all := a.Scopes(act)
	if all {
		return "1 = 1"
	}
	if len(paths) == 0 {
		return "1 = 0"
	}
	return pathRanges(col, paths, arg)
}

// visitScope is the condition on visits v of inspections i at schools s
// the actor may see: the school in their reading scope, and the visit
// announced, closed, or at a school where they may see unannounced ones
// (campusguard.VisitVisible, in SQL).
func visitScope(a *campusguard.Actor, arg func(any) string) string {
	return "((" + scopeCond(a, campusguard.ReadInspections, "s.path", arg) + " OR " +
		scopeCond(a, campusguard.ReadRectifying, "s.path", arg) + ") AND (i.announced = TRUE OR v.closed_at IS NOT NULL OR " +
		scopeCond(a, campusguard.SeeUnannounced, "s.path", arg) + "))"
}

// ---- The inspection checklist ----

// currentInspectionChecklist, inspectionChecklistItems and
// storeInspectionChecklist read and keep the inspection checklists
// (checklists.go).
func currentInspectionChecklist(ctx context.Context, q queryer, regionID int64) (*campusguard.Checklist, error) {
	return inspectionLists.current(ctx, q, regionID)
}

func inspectionChecklistItems(ctx context.Context, q queryer, id int64) ([]campusguard.ChecklistItem, error) {
	return inspectionLists.itemsOf(ctx, q, id)
}

func storeInspectionChecklist(ctx context.Context, tx *Tx, regionID int64, items []campusguard.ChecklistItem) (*campusguard.Checklist, error) {
	return inspectionLists.store(ctx, tx, regionID, items)
}

// inspectionRegion returns the top-level region regionID names, if the
// actor may do act there; NotFound otherwise (a school's account does not
// learn that the region plans inspections).
func inspectionRegion(ctx context.Context, q queryer, a *campusguard.Actor, regionID int64, act campusguard.Action) (*campusguard.Org, error) {
	root, err := findOrgByID(ctx, q, regionID)
	if err != nil || root.ParentID != nil || !a.Can(act, root.Path) {
		return nil, notFound("region")
	}
	return root, nil
}

// InspectionChecklist returns a region's current inspection checklist.
func (s *Store) InspectionChecklist(ctx context.Context, regionID int64) (*campusguard.Checklist, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := inspectionRegion(ctx, s.read, a, regionID, campusguard.ReadInspections); err != nil {
		return nil, err
	}
	return currentInspectionChecklist(ctx, s.read, regionID)
}

// SetInspectionChecklist stores a new version; visits already planned
// keep theirs.
func (s *Store) SetInspectionChecklist(ctx context.Context, regionID int64, items []campusguard.ChecklistItem) (*campusguard.Checklist, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var c *campusguard.Checklist
	err = s.inTx(ctx, func(tx *Tx) error {
		if _, err := inspectionRegion(ctx, tx, a, regionID, campusguard.ReadInspections); err != nil {
			return err
		}
		root, _ := findOrgByID(ctx, tx, regionID)
		if !a.Can(campusguard.Inspect, root.Path) {
			return forbidden()
		}
		if err := campusguard.ValidateChecklist(items); err != nil {
			return err
		}
		if c, err = storeInspectionChecklist(ctx, tx, regionID, items); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_inspection_checklist", "org:"+strconv.FormatInt(regionID, 10), "version "+strconv.Itoa(c.Version))
	})
	return c, err
}

// ---- Inspections ----

// CreateInspection plans an inspection of a top-level region.
func (s *Store) CreateInspection(ctx context.Context, in *campusguard.Inspection) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	in.Title, in.Team = strings.TrimSpace(in.Title), strings.TrimSpace(in.Team)
	for i := range in.Members {
		in.Members[i].Name = strings.TrimSpace(in.Members[i].Name)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := inspectionRegion(ctx, tx, a, in.RegionID, campusguard.ReadInspections)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.Inspect, root.Path) {
			return forbidden()
		}
		if err := campusguard.ValidateInspection(*in); err != nil {
			return err
		}
		in.CreatedAt, in.CreatedBy = tx.now, campusguard.ActorName(ctx)
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspections (region_id, title, from_day, to_day, announced, team, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.RegionID, in.Title, in.From, in.To, in.Announced, in.Team,
			tx.now, in.CreatedBy).Scan(&in.ID); err != nil {
			return fmt.Errorf("create inspection: %w", err)
		}
		for i, m := range in.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_members (region_id, inspection_id, position, name, agency)
				VALUES ($1, $2, $3, $4, $5)`, in.RegionID, in.ID, i, m.Name, m.Agency); err != nil {
				return fmt.Errorf("create inspection: %w", err)
			}
		}
		kind := "announced"
		if !in.Announced {
			kind = "unannounced"
		}
		return audit(ctx, tx, in.RegionID, "create_inspection", "inspection:"+strconv.FormatInt(in.ID, 10),
			kind+" "+in.From.String()+".."+in.To.String())
	})
}

const inspectionColumns = `id, region_id, title, from_day, to_day, announced, team, created_at, created_by`

func scanInspection(sc interface{ Scan(...any) error }) (*campusguard.Inspection, error) {
	in := &campusguard.Inspection{}
	err := sc.Scan(&in.ID, &in.RegionID, &in.Title, &in.From, &in.To, &in.Announced, &in.Team, &in.CreatedAt, &in.CreatedBy)
	return in, err
}

func inspectionMembers(ctx context.Context, q queryer, id int64) ([]campusguard.TeamMember, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, agency FROM inspection_members WHERE inspection_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []campusguard.TeamMember{}
	for rows.Next() {
		var m campusguard.TeamMember
		if err := rows.Scan(&m.Name, &m.Agency); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// findInspection reads an inspection the actor may do act in; NotFound
// otherwise.
func findInspection(ctx context.Context, q queryer, a *campusguard.Actor, id int64, act campusguard.Action) (*campusguard.Inspection, *campusguard.Org, error) {
	in, err := scanInspection(q.QueryRowContext(ctx, `SELECT `+inspectionColumns+` FROM inspections WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, nil, notFound("inspection")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find inspection %d: %w", id, err)
	}
	root, err := inspectionRegion(ctx, q, a, in.RegionID, act)
	if err != nil {
		return nil, nil, notFound("inspection")
	}
	if in.Members, err = inspectionMembers(ctx, q, id); err != nil {
		return nil, nil, err
	}
	return in, root, nil
}

// FindInspection returns an inspection with its members and visits.
func (s *Store) FindInspection(ctx context.Context, id int64) (*campusguard.Inspection, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	in, _, err := findInspection(ctx, s.read, a, id, campusguard.ReadInspections)
	if err != nil {
		return nil, err
	}
	vs, err := s.FindVisits(ctx, campusguard.VisitFilter{RegionID: in.RegionID, InspectionID: &in.ID})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		in.Visits = append(in.Visits, *v)
	}
	return in, nil
}

// FindInspections lists a region's inspections, newest period first.
func (s *Store) FindInspections(ctx context.Context, f campusguard.InspectionFilter) ([]*campusguard.Inspection, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := inspectionRegion(ctx, s.read, a, f.RegionID, campusguard.ReadInspections); err != nil {
		return nil, err
	}
	var c conds
	c.and("region_id = " + c.arg(f.RegionID))
	if f.From != nil {
		c.and("to_day >= " + c.arg(*f.From))
	}
	if f.To != nil {
		c.and("from_day <= " + c.arg(*f.To))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+inspectionColumns+` FROM inspections WHERE `+c.where()+
		` ORDER BY from_day DESC, id DESC LIMIT 500`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find inspections: %w", err)
	}
	out := []*campusguard.Inspection{}
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, in := range out {
		if in.Members, err = inspectionMembers(ctx, s.read, in.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ---- Visits ----

// AddVisit plans a visit of an inspection to a school of its region, on a
// day of its period; the visit keeps the region's current checklist.
func (s *Store) AddVisit(ctx context.Context, inspectionID, schoolID int64, day campusguard.Date) (*campusguard.Visit, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *Tx) error {
		in, root, err := findInspection(ctx, tx, a, inspectionID, campusguard.ReadInspections)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.Inspect, root.Path) {
			return forbidden()
		}
		if err := campusguard.CheckVisit(in, schoolID, day); err != nil {
			return err
		}
		sch, err := findOrgByID(ctx, tx, schoolID)
		if err != nil || sch.Kind != campusguard.KindSchool || sch.RegionID != in.RegionID || !a.Can(campusguard.Inspect, sch.Path) {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "school_id", Msg: "error.school_unknown"}})
		}
		c, err := currentInspectionChecklist(ctx, tx, in.RegionID)
		if err != nil {
			return err
		}
		if c.ID == 0 {
			if c, err = storeInspectionChecklist(ctx, tx, in.RegionID, c.Items); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspection_visits (region_id, inspection_id, school_id, day, checklist_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, in.RegionID, in.ID, sch.ID, day, c.ID, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("add visit: %w", err)
		}
		return audit(ctx, tx, in.RegionID, "add_visit", "visit:"+strconv.FormatInt(id, 10),
			"inspection "+strconv.FormatInt(in.ID, 10)+" school "+strconv.FormatInt(sch.ID, 10)+" "+day.String())
	})
	if err != nil {
		return nil, err
	}
	return s.FindVisit(ctx, id)
}

const visitColumns = `v.id, v.inspection_id, v.region_id, v.school_id, s.name, v.day, i.announced, i.title, i.team, v.closed_at,
	v.closed_by, v.note, (SELECT COUNT(*) FROM inspection_findings f WHERE f.visit_id = v.id), v.checklist_id, s.path`

const visitFrom = ` FROM inspection_visits v JOIN inspections i ON i.id = v.inspection_id JOIN orgs s ON s.id = v.school_id`

type visitRow struct {
	v         *campusguard.Visit
	checklist int64
	path      string
}

func scanVisit(sc interface{ Scan(...any) error }) (visitRow, error) {
	v := &campusguard.Visit{}
	var closed sql.NullTime
	r := visitRow{v: v}
	err := sc.Scan(&v.ID, &v.InspectionID, &v.RegionID, &v.SchoolID, &v.SchoolName, &v.Day, &v.Announced, &v.Title, &v.Team,
		&closed, &v.ClosedBy, &v.Note, &v.Findings, &r.checklist, &r.path)
	if closed.Valid {
		t := closed.Time
		v.ClosedAt = &t
	}
	return r, err
}

// visitConds is the WHERE clause of the visits the actor sees under f.
func visitConds(a *campusguard.Actor, f campusguard.VisitFilter) *conds {
	c := &conds{}
	c.and(visitScope(a, c.arg))
	if f.RegionID != 0 {
		c.and("v.region_id = " + c.arg(f.RegionID))
	}
	if f.SchoolID != nil {
		c.and("v.school_id = " + c.arg(*f.SchoolID))
	}
	if f.InspectionID != nil {
		c.and("v.inspection_id = " + c.arg(*f.InspectionID))
	}
	if f.Day != nil {
		c.and("v.day = " + c.arg(*f.Day))
	}
	if f.From != nil {
		c.and("v.day >= " + c.arg(*f.From))
	}
	if f.To != nil {
		c.and("v.day <= " + c.arg(*f.To))
	}
	if f.Open != nil {
		if *f.Open {
			c.and("v.closed_at IS NULL")
		} else {
			c.and("v.closed_at IS NOT NULL")
		}
	}
	return c
}

// FindVisits lists the visits the actor sees, by day then school.
func (s *Store) FindVisits(ctx context.Context, f campusguard.VisitFilter) ([]*campusguard.Visit, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.CheckVisitDays(); err != nil {
		return nil, err
	}
	c := visitConds(a, f)
	rows, err := s.read.QueryContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE `+c.where()+
		` ORDER BY v.day, s.name, v.id LIMIT 1000`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find visits: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Visit{}
	for rows.Next() {
		r, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.v)
	}
	return out, rows.Err()
}

// CountVisits counts the visits the actor sees.
func (s *Store) CountVisits(ctx context.Context, f campusguard.VisitFilter) (int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	c := visitConds(a, f)
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+visitFrom+` WHERE `+c.where(), c.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count visits: %w", err)
	}
	return n, nil
}

// findVisit reads a visit the actor sees; NotFound otherwise.
func findVisit(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (visitRow, error) {
	c := visitConds(a, campusguard.VisitFilter{})
	c.and("v.id = " + c.arg(id))
	r, err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE `+c.where(), c.args...))
	if err == sql.ErrNoRows {
		return r, notFound("visit")
	}
	if err != nil {
		return r, fmt.Errorf("find visit %d: %w", id, err)
	}
	return r, nil
}

// visitResults reads a visit's checklist with its results.
func visitResults(ctx context.Context, q queryer, visitID, checklistID int64) ([]campusguard.VisitResult, error) {
	items, err := inspectionChecklistItems(ctx, q, checklistID)
	if err != nil {
		return nil, err
	}
	out := make([]campusguard.VisitResult, len(items))
	byID := map[int64]*campusguard.VisitResult{}
	for i, it := range items {
		out[i] = campusguard.VisitResult{Item: it}
		byID[it.ID] = &out[i]
	}
	rows, err := q.QueryContext(ctx, `SELECT item_id, result, note FROM visit_results WHERE visit_id = $1`, visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r campusguard.VisitResult
		if err := rows.Scan(&id, &r.Result, &r.Note); err != nil {
			return nil, err
		}
		if it := byID[id]; it != nil {
			it.Result, it.Note = r.Result, r.Note
		}
	}
	return out, rows.Err()
}

// visitFindings reads a visit's findings with their files and items.
func visitFindings(ctx context.Context, q queryer, visitID int64) ([]campusguard.InspectionFinding, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.visit_id, f.school_id, f.code, f.severity, f.note, f.deadline, f.responsible,
		f.reinspect, f.created_by, f.created_at, r.id FROM inspection_findings f LEFT JOIN rectifications r ON r.finding_id = f.id
		WHERE f.visit_id = $1 ORDER BY f.id`, visitID)
	if err != nil {
		return nil, err
	}
	out := []campusguard.InspectionFinding{}
	for rows.Next() {
		var f campusguard.InspectionFinding
		var dl sql.Null[campusguard.Date]
		var item sql.NullInt64
		if err := rows.Scan(&f.ID, &f.VisitID, &f.SchoolID, &f.Code, &f.Severity, &f.Note, &dl, &f.Responsible, &f.Reinspect,
			&f.By, &f.At, &item); err != nil {
			rows.Close()
			return nil, err
		}
		if dl.Valid {
			d := dl.V
			f.Deadline = &d
		}
		f.ItemID = idPtr(item)
		f.FileIDs = []int64{}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	links, files, err := linkedFiles(ctx, q, `SELECT ff.finding_id, ff.file_id FROM finding_files ff JOIN inspection_findings f
		ON f.id = ff.finding_id WHERE f.visit_id = $1 ORDER BY ff.file_id`, visitID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, id := range links[out[i].ID] {
			out[i].FileIDs = append(out[i].FileIDs, id)
			if f := files[id]; f != nil {
				out[i].Files = append(out[i].Files, *f)
			}
		}
	}
	return out, nil
}

// FindVisit returns a visit with its results and findings.
func (s *Store) FindVisit(ctx context.Context, id int64) (*campusguard.Visit, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	r, err := findVisit(ctx, s.read, a, id)
	if err != nil {
		return nil, err
	}
	if r.v.Results, err = visitResults(ctx, s.read, r.v.ID, r.checklist); err != nil {
		return nil, err
	}
	if r.v.FindingList, err = visitFindings(ctx, s.read, r.v.ID); err != nil {
		return nil, err
	}
	return r.v, nil
}

// visitWrite runs fn on a visit the actor sees and may inspect.
func (s *Store) visitWrite(ctx context.Context, id int64, fn func(tx *Tx, r visitRow) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		r, err := findVisit(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.Inspect, r.path) {
			return forbidden()
		}
		return fn(tx, r)
	})
}

// RecordResult records a checklist item's result on an open visit.
func (s *Store) RecordResult(ctx context.Context, visitID int64, code string, res campusguard.CheckResult, note string) error {
	note = strings.TrimSpace(note)
	return s.visitWrite(ctx, visitID, func(tx *Tx, r visitRow) error {
		if err := campusguard.CheckResultEntry(r.v.Closed(), res, note); err != nil {
			return err
		}
		items, err := inspectionChecklistItems(ctx, tx, r.checklist)
		if err != nil {
			return err
		}
		var itemID int64
		for _, it := range items {
			if it.Code == code {
				itemID = it.ID
			}
		}
		if itemID == 0 {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.item_unknown", Args: []any{code}}})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_results (region_id, visit_id, item_id, result, note) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (visit_id, item_id) DO UPDATE SET result = excluded.result, note = excluded.note`,
			r.v.RegionID, r.v.ID, itemID, res, note); err != nil {
			return fmt.Errorf("record result: %w", err)
		}
		return audit(ctx, tx, r.v.RegionID, "record_visit_result", "visit:"+strconv.FormatInt(r.v.ID, 10), code+" "+string(res))
	})
}

// AddFinding records a finding on an open visit; its photos are files of
// the school uploaded before.
func (s *Store) AddFinding(ctx context.Context, visitID int64, f *campusguard.InspectionFinding) error {
	f.Note, f.Responsible, f.Code = strings.TrimSpace(f.Note), strings.TrimSpace(f.Responsible), strings.TrimSpace(f.Code)
	return s.visitWrite(ctx, visitID, func(tx *Tx, r visitRow) error {
		if err := campusguard.CheckFinding(*f, r.v.Closed(), campusguard.Today(tx.now)); err != nil {
			return err
		}
		if r.v.Findings >= campusguard.MaxVisitFindings {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "findings", Msg: "error.too_many",
				Args: []any{campusguard.MaxVisitFindings}}})
		}
		if f.Code != "" {
			items, err := inspectionChecklistItems(ctx, tx, r.checklist)
			if err != nil {
				return err
			}
			known := false
			for _, it := range items {
				known = known || it.Code == f.Code
			}
			if !known {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.item_unknown", Args: []any{f.Code}}})
			}
		}
		files, err := filesByID(ctx, tx, f.FileIDs)
		if err != nil {
			return err
		}
		// A finding's photos are the region's (uploaded to the region,
		// not to the school), so that no school account reads one before
		// the finding is saved and its visit may be seen.
		for _, id := range f.FileIDs {
			if fl := files[id]; fl == nil || fl.OrgID != r.v.RegionID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_ids", Msg: "error.finding_file", Args: []any{id}}})
			}
		}
		var dl any
		if f.Deadline != nil {
			dl = *f.Deadline
		}
		f.VisitID, f.SchoolID, f.By, f.At = r.v.ID, r.v.SchoolID, campusguard.ActorName(ctx), tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspection_findings (region_id, visit_id, school_id, code, severity, note,
			deadline, responsible, reinspect, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			r.v.RegionID, r.v.ID, r.v.SchoolID, f.Code, f.Severity, f.Note, dl, f.Responsible, f.Reinspect, tx.now, f.By).
			Scan(&f.ID); err != nil {
			return fmt.Errorf("add finding: %w", err)
		}
		for _, id := range f.FileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO finding_files (region_id, finding_id, file_id) VALUES ($1, $2, $3)
				ON CONFLICT (finding_id, file_id) DO NOTHING`, r.v.RegionID, f.ID, id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, r.v.RegionID, "add_finding", "visit:"+strconv.FormatInt(r.v.ID, 10), string(f.Severity))
	})
}

// CloseVisit closes a visit once every item has a result, and opens a
// rectification item for each finding with a deadline. Only now does an
// unannounced visit become visible to its school, so the school's
// notices are sent here and not when the finding is recorded.
func (s *Store) CloseVisit(ctx context.Context, visitID int64, note string) error {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > campusguard.MaxItemNote {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "note", Msg: "error.too_long", Args: []any{campusguard.MaxItemNote}}})
	}
	return s.visitWrite(ctx, visitID, func(tx *Tx, r visitRow) error {
		var err error
		if r.v.Results, err = visitResults(ctx, tx, r.v.ID, r.checklist); err != nil {
			return err
		}
		if err := campusguard.CheckCloseVisit(r.v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_visits SET closed_at = $1, closed_by = $2, note = $3 WHERE id = $4`,
			tx.now, campusguard.ActorName(ctx), note, r.v.ID); err != nil {
			return fmt.Errorf("close visit: %w", err)
		}
		findings, err := visitFindings(ctx, tx, r.v.ID)
		if err != nil {
			return err
		}
		// This visit carries out the school's re-inspections still due,
		// then opens those its own flagged findings require.
		if err := carryOutReinspections(ctx, tx, r); err != nil {
			return err
		}
		for _, f := range findings {
			if f.Reinspect {
				if err := openReinspection(ctx, tx, r, f); err != nil {
					return err
				}
			}
			if f.Deadline == nil {
				continue
			}
			if err := openRectification(ctx, tx, r, f); err != nil {
				return err
			}
		}
		return audit(ctx, tx, r.v.RegionID, "close_visit", "visit:"+strconv.FormatInt(r.v.ID, 10),
			strconv.Itoa(len(findings))+" findings")
	})
}

// ---- Coverage ----

// Coverage returns, for every school under a region node, its closed
// visits in [from, to], announced and unannounced, and those planned.
func (s *Store) Coverage(ctx context.Context, orgID int64, from, to campusguard.Date) (*campusguard.Coverage, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := campusguard.CheckPeriod(from, to); err != nil {
		return nil, err
	}
	q, args, err := s.coverageQuery(ctx, a, orgID, from, to)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer rows.Close()
	var lines []campusguard.SchoolCoverage
	for rows.Next() {
		var l campusguard.SchoolCoverage
		if err := rows.Scan(&l.SchoolID, &l.Name, &l.Announced, &l.Unannounced, &l.Planned); err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cov := campusguard.CoverageOf(from, to, lines)
	return &cov, nil
}

// coverageQuery is the one SQL query Coverage reads, with its arguments,
// once the actor may read the node's inspections.
func (s *Store) coverageQuery(ctx context.Context, a *campusguard.Actor, orgID int64, from, to campusguard.Date) (string, []any, error) {
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || o.Kind == campusguard.KindSchool || o.Kind == campusguard.KindGrade || o.Kind == campusguard.KindClass ||
		!a.Can(campusguard.ReadInspections, o.Path) {
		return "", nil, notFound("org")
	}
	var c conds
	lo, hi := subtree(o.Path)
	q := `SELECT s.id, s.name,
		COALESCE(SUM(CASE WHEN v.closed_at IS NOT NULL AND i.announced = TRUE THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.closed_at IS NOT NULL AND i.announced = FALSE THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.id IS NOT NULL AND v.closed_at IS NULL THEN 1 ELSE 0 END), 0)
		FROM orgs s LEFT JOIN inspection_visits v ON v.school_id = s.id AND v.day >= ` + c.arg(from) + ` AND v.day <= ` + c.arg(to) + `
		LEFT JOIN inspections i ON i.id = v.inspection_id
		WHERE s.kind = 'school' AND s.region_id = ` + c.arg(o.RegionID) + ` AND s.path >= ` + c.arg(lo) + ` AND s.path < ` + c.arg(hi) + `
		GROUP BY s.id, s.name ORDER BY s.name, s.id`
	return q, c.args, nil
}

// CoverageQuery returns the one SQL query a node's coverage page reads,
// for the benchmark that sets it against the page.
func (s *Store) CoverageQuery(ctx context.Context, orgID int64, from, to campusguard.Date) (string, []any, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return "", nil, err
	}
	return s.coverageQuery(ctx, a, orgID, from, to)
}

// fileOfHiddenVisit reports whether a file is a photo of a finding on a
// visit the actor may not see (an unannounced one not yet carried out).
func fileOfHiddenVisit(ctx context.Context, q queryer, a *campusguard.Actor, fileID int64) (bool, error) {
	var c conds
	scope := visitScope(a, c.arg)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM finding_files ff JOIN inspection_findings f ON f.id = ff.finding_id
		JOIN inspection_visits v ON v.id = f.visit_id JOIN inspections i ON i.id = v.inspection_id JOIN orgs s ON s.id = v.school_id
		WHERE ff.file_id = `+c.arg(fileID)+` AND NOT `+scope, c.args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("file of a visit: %w", err)
	}
	return n > 0, nil
}

// fileOfVisibleFinding reports whether a file is a photo of a finding on
// a visit the actor may see.
func fileOfVisibleFinding(ctx context.Context, q queryer, a *campusguard.Actor, fileID int64) (bool, error) {
	var c conds
	scope := visitScope(a, c.arg)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM finding_files ff JOIN inspection_findings f ON f.id = ff.finding_id
		JOIN inspection_visits v ON v.id = f.visit_id JOIN inspections i ON i.id = v.inspection_id JOIN orgs s ON s.id = v.school_id
		WHERE ff.file_id = `+c.arg(fileID)+` AND `+scope, c.args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("file of a visit: %w", err)
	}
	return n > 0, nil
}

// cmpErr returns err if there is one, else alt.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
