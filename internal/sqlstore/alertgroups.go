package sqlstore

import (
	"context"
	"slices"
	"strconv"

	"campusguard"
	"campusguard/internal/ears"
)

// Issue 19: alerts that say how much they matter (severity), the same
// signal at several levels grouped under one alert, and a region's
// sensitivity of its statistics.

// severityOrder sorts alerts the highest severity first.
const severityOrder = `CASE a.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`

// alarmDays reports whether the method alarmed on each of the last n
// school days of rs.
func alarmDays(rs []ears.Result, n int) bool {
	if len(rs) < n || rs[len(rs)-1].Index-rs[len(rs)-n].Index != n-1 {
		return false
	}
	for _, r := range rs[len(rs)-n:] {
		if r.Alarm != ears.Yes {
			return false
		}
	}
	return true
}

// groupAlerts groups the alerts raised for signals (ids[i] is the alert of
// signals[i]) as campusguard.GroupSignals decides, and raises each parent's
// severity to that of its group.
func groupAlerts(ctx context.Context, tx *Tx, signals []campusguard.Signal, ids []int64) error {
	var nodes []campusguard.GroupNode
	var nodeIDs []int64
	orgs := map[int64]*campusguard.Org{}
	for i, sig := range signals {
		if sig.Rule != campusguard.RuleAberration {
			continue
		}
		o, ok := orgs[sig.OrgID]
		if !ok {
			var err error
			if o, err = findOrgByID(ctx, tx, sig.OrgID); err != nil {
				return err
			}
			orgs[sig.OrgID] = o
		}
		nodes = append(nodes, campusguard.GroupNode{Signal: sig, Path: o.Path, Region: o.Kind == campusguard.KindRegion})
		nodeIDs = append(nodeIDs, ids[i])
	}
	parents := map[int64]bool{}
	for i, p := range campusguard.GroupSignals(nodes) {
		if p < 0 {
			continue
		}
		parents[nodeIDs[p]] = true
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET parent_id = $1 WHERE id = $2`, nodeIDs[p], nodeIDs[i]); err != nil {
			return err
		}
	}
	if len(parents) == 0 {
		return nil
	}
	list := slices.Sorted(func(yield func(int64) bool) {
		for id := range parents {
			if !yield(id) {
				return
			}
		}
	})
	var group []*campusguard.Alert
	for _, id := range list {
		al, _, err := findAlertTx(ctx, tx, id)
		if err != nil {
			return err
		}
		group = append(group, al)
	}
	if err := fillChildren(ctx, tx, nil, group); err != nil {
		return err
	}
	for _, al := range group {
		sev := campusguard.GroupSeverity(al, al.Children)
		if sev.Rank() >= al.Severity.Rank() {
			continue // grouping never lowers a severity
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET severity = $1 WHERE id = $2`, sev, al.ID); err != nil {
			return err
		}
	}
	return nil
}

// fillChildren sets each alert's Children: the alerts grouped under it
// that the actor may read (every one for nil), by node.
func fillChildren(ctx context.Context, q queryer, a *campusguard.Actor, alerts []*campusguard.Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	byID := map[int64]*campusguard.Alert{}
	var ids []int64
	for _, al := range alerts {
		al.Children = []campusguard.AlertChild{}
		byID[al.ID] = al
		ids = append(ids, al.ID)
	}
	return chunks(ids, func(part []int64) error {
		var sq conds
		in, args := inList(1, part)
		sq.args = args
		// Grouping is flat, under the topmost alert; an alert in the middle
		// (a town's) lists the alerts of its group below its own node.
		sq.and("x.id IN ("+in+")", "(a.parent_id = x.id OR x.parent_id IS NOT NULL AND a.parent_id = x.parent_id AND a.id <> x.id AND "+
			under("o.path", "xo.path")+")")
		if a != nil {
			if scope := alertsScope(a, sq.arg); scope != "" {
				sq.and(scope)
			}
		}
		rows, err := q.QueryContext(ctx, `SELECT x.id, a.id, a.org_id, o.name, o.kind, a.severity, a.state, a.count
			FROM alerts a JOIN orgs o ON o.id = a.org_id, alerts x JOIN orgs xo ON xo.id = x.org_id
			WHERE `+sq.where()+` ORDER BY o.path, a.id`, sq.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var parent int64
			var c campusguard.AlertChild
			var kind campusguard.OrgKind
			if err := rows.Scan(&parent, &c.ID, &c.OrgID, &c.OrgName, &kind, &c.Severity, &c.State, &c.Count); err != nil {
				return err
			}
			c.School = kind == campusguard.KindSchool
			if p := byID[parent]; p != nil {
				p.Children = append(p.Children, c)
			}
		}
		return rows.Err()
	})
}

// groupedCond adds to sq the condition that leaves out the alerts grouped
// under an alert the same listing holds: one whose parent (or an alert of
// its group above its node) passes the same scope, node, rule and state.
func groupedCond(ctx context.Context, s *Store, a *campusguard.Actor, f campusguard.AlertFilter, sq *conds) error {
	var p []string
	if paths, all := a.Scopes(campusguard.ReadCases); !all {
		if len(paths) == 0 {
			return nil // the reader sees no parent: every alert stands alone
		}
		p = append(p, pathRanges("po.path", paths, sq.arg))
	}
	if f.OrgID != nil {
		o, err := s.FindOrgByID(ctx, *f.OrgID)
		if err != nil {
			return err
		}
		p = append(p, pathRanges("po.path", []string{o.Path}, sq.arg))
	}
	if f.Rule != nil {
		p = append(p, "p.rule = "+sq.arg(string(*f.Rule)))
	}
	if f.State != nil {
		p = append(p, "p.state = "+sq.arg(string(*f.State)))
	}
	if f.Open {
		p = append(p, "p.state <> 'closed'")
	}
	// Not the severity: a group is as severe as its head (GroupSeverity
	// and raise keep the head at least as severe as any alert under it),
	// so a filter on severity keeps or leaves out groups whole.
	// The parent, or another alert of the group above this one's node.
	cond := "(p.id = a.parent_id OR p.parent_id = a.parent_id AND p.id <> a.id AND " + under("o.path", "po.path") + ")"
	for _, c := range p {
		cond += " AND " + c
	}
	sq.and(`(a.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM alerts p JOIN orgs po ON po.id = p.org_id WHERE ` + cond + `))`)
	return nil
}

// SetAlertSensitivity sets how readily a top-level region's statistics
// raise an alert (campusguard.Sensitivity): region admins only; a bad
// choice is refused naming the field "sensitivity" and changes nothing.
func (s *Store) SetAlertSensitivity(ctx context.Context, regionID int64, sens campusguard.Sensitivity) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := campusguard.ValidateSensitivity(sens); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, regionID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
			return hidden(err, "region")
		}
		if !a.Can(campusguard.ManageUsers, o.Path) || !a.Can(campusguard.WriteOrg, o.Path) {
			return forbidden()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, alert_sensitivity, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (region_id) DO UPDATE SET alert_sensitivity = excluded.alert_sensitivity, updated_at = excluded.updated_at`,
			regionID, string(sens), tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_alert_sensitivity", "org:"+strconv.FormatInt(regionID, 10), string(sens))
	})
}

// under is the SQL condition that the path in column path is strictly
// below the one in column top (the subtree's range, as pathRanges).
func under(path, top string) string {
	return path + " > " + top + " AND " + path + " < substr(" + top + ", 1, length(" + top + ") - 1) || '0'"
}

// raiseParent lifts the head of an alert's group to the alert's severity
// when the alert grew past it (a school's signal lasting a second day).
func raiseParent(ctx context.Context, tx *Tx, parent *int64, sev campusguard.Severity) error {
	if parent == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE alerts SET severity = $1 WHERE id = $2 AND `+
		`CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END > $3`, string(sev), *parent, sev.Rank())
	return err
}
