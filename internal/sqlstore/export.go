package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"campusguard"
)

// maxExportChecks bounds the checks of one export: three a day for ten
// years is about 11,000.
const maxExportChecks = 20000

// ExportPersonFile returns everything held about a person, in full (the
// guardian's own data: the ID number and phones unmasked), and audits the
// export in the same transaction as its first read.
func (s *Store) ExportPersonFile(ctx context.Context, personID int64) (*campusguard.PersonExport, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	p, path, err := personAndPath(ctx, s.read, personID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
		return nil, hidden(err, "person")
	}
	if !a.Can(campusguard.ExportFile, path) {
		return nil, forbidden()
	}
	out := &campusguard.PersonExport{Person: p, GeneratedBy: campusguard.ActorName(ctx), Guardians: []*campusguard.Guardian{},
		Checks: []*campusguard.Check{}, FollowUps: []*campusguard.FollowUp{}, Cases: []*campusguard.Case{},
		CaseSteps: []campusguard.CaseStep{}, History: []campusguard.Event{}}
	err = s.inTx(ctx, func(tx *Tx) error {
		out.GeneratedAt = tx.now
		return audit(ctx, tx, p.RegionID, "export_person_file", "person:"+strconv.FormatInt(p.ID, 10), "")
	})
	if err != nil {
		return nil, err
	}
	if err := s.read.QueryRowContext(ctx, `SELECT s.name, COALESCE(g.name || c.name, '') FROM orgs s
		LEFT JOIN orgs c ON c.id = $2 LEFT JOIN orgs g ON g.id = c.parent_id WHERE s.id = $1`, p.SchoolID, nullID(p.ClassID)).
		Scan(&out.School, &out.Class); err != nil {
		return nil, fmt.Errorf("export: school: %w", err)
	}
	if out.Guardians, err = s.guardiansOf(ctx, p.ID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks c WHERE c.person_id = $1 AND `+notDrill("c")+`
		ORDER BY c.day, c.at, c.id LIMIT $2`, p.ID, maxExportChecks)
	if err != nil {
		return nil, fmt.Errorf("export: checks: %w", err)
	}
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.Checks = append(out.Checks, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.read.QueryContext(ctx, `SELECT `+followUpColumns+` FROM followups f JOIN people p ON p.id = f.person_id
		WHERE f.person_id = $1 ORDER BY f.day`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("export: follow-ups: %w", err)
	}
	for rows.Next() {
		fu, err := scanFollowUp(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.FollowUps = append(out.FollowUps, fu)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	rows, err = s.read.QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.person_id = $1 AND `+notDrill("k")+` ORDER BY k.detected_at, k.id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("export: cases: %w", err)
	}
	for rows.Next() {
		k, _, err := scanCase(rows, now)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.Cases = append(out.Cases, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.read.QueryContext(ctx, `SELECT t.id, t.case_id, t.from_state, t.to_state, t.at, t.by_name, t.note
		FROM case_steps t JOIN cases k ON k.id = t.case_id WHERE k.person_id = $1 AND `+notDrill("k")+` ORDER BY t.case_id, t.id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("export: case steps: %w", err)
	}
	for rows.Next() {
		var st campusguard.CaseStep
		if err := rows.Scan(&st.ID, &st.CaseID, &st.From, &st.To, &st.At, &st.By, &st.Note); err != nil {
			rows.Close()
			return nil, err
		}
		st.At = st.At.UTC()
		out.CaseSteps = append(out.CaseSteps, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.read.QueryContext(ctx, `SELECT at, kind, actor, detail FROM person_events WHERE person_id = $1 ORDER BY at, id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("export: history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e campusguard.Event
		if err := rows.Scan(&e.At, &e.Kind, &e.Actor, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out.History = append(out.History, e)
	}
	return out, rows.Err()
}
