package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"campusguard"

	"github.com/jackc/pgx/v5"
)

// The cases of a pipelined group (pipeline.go). casesFromChecks opens and
// joins cases statement by statement, each write waiting for the answer of
// the one before (a case's id for its step, its event and its link).
// Here everything a group's cases need is read in one pipeline, sent with
// the group's checks, with ids reserved from the sequences; the cases'
// writes are then built in memory, in the order casesFromChecks would make
// them, and end in the group's last pipeline, before COMMIT. A sequence is
// not transactional: ids reserved for a group that attaches to an open case
// rather than opening one, or that fails, are left unused, as a rolled-back
// insert leaves its id.

// caseInputs is what a group's cases need to know.
type caseInputs struct {
	open   map[int64]*campusguard.Case // open real cases, by person
	within map[int64]time.Duration     // report deadline, by region
	hooks  []caseHook
	grants map[int64][]grantee // by org: who holds a case role there
	ids    struct{ cases, steps, events []int64 }
}

type caseHook struct {
	id, region   int64
	path, events string
}

type grantee struct{ user, region int64 }

// pipelinedCases sends the group's checks and, in the same pipeline, the
// reads its cases need; it returns the statements that write the cases.
func (s *Store) pipelinedCases(ctx context.Context, pc *pgx.Conn, b *batch, checks []statement, now time.Time) ([]statement, error) {
	var abnormal []*campusguard.Check
	var persons, regions, nodes []int64
	for _, c := range b.added {
		if c.Abnormal && c.Current {
			abnormal = append(abnormal, c)
			persons = append(persons, c.PersonID)
			regions = append(regions, c.RegionID)
			nodes = append(nodes, campusguard.PathIDs(b.people[c.PersonID].path)...)
		}
	}
	for _, ids := range []*[]int64{&persons, &regions, &nodes} {
		slices.Sort(*ids)
		*ids = slices.Compact(*ids)
	}
	roles := make([]string, len(caseRoles))
	for i, r := range caseRoles {
		roles[i] = string(r)
	}
	n := len(abnormal)
	bt := &pgx.Batch{}
	for _, st := range checks {
		bt.Queue(st.sql, st.args...)
	}
	bt.Queue(`SELECT `+caseColumns+caseFrom+` WHERE k.state <> 'closed' AND `+notDrill("k")+` AND k.person_id = ANY($1)`, persons)
	bt.Queue(`SELECT region_id, report_within_minutes FROM region_settings WHERE region_id = ANY($1)`, regions)
	bt.Queue(`SELECT w.id, w.region_id, o.path, w.events FROM webhooks w JOIN orgs o ON o.id = w.org_id
		WHERE w.region_id = ANY($1) AND w.active = $2`, regions, true)
	bt.Queue(`SELECT DISTINCT g.user_id, g.org_id, g.region_id FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.region_id = ANY($1) AND u.disabled = $2 AND g.org_id = ANY($3) AND g.role = ANY($4)`, regions, false, nodes, roles)
	for _, table := range []string{"cases", "case_steps", "events"} {
		bt.Queue(`SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, $1)`, n)
	}
	br := pc.SendBatch(ctx, bt)
	defer br.Close()
	for range checks {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("batch checks: %w", err)
		}
	}
	in := caseInputs{open: map[int64]*campusguard.Case{}, within: map[int64]time.Duration{}, grants: map[int64][]grantee{}}
	read := func(what string, row func(rows pgx.Rows) error) error { return readNext(br, what, eachRow(row)) }
	err := read("open cases", func(rows pgx.Rows) error {
		k, _, err := scanCase(rows, now)
		if err == nil {
			in.open[k.PersonID] = k
		}
		return err
	})
	if err == nil {
		err = read("region settings", func(rows pgx.Rows) error {
			var region int64
			var minutes int
			err := rows.Scan(&region, &minutes)
			in.within[region] = time.Duration(minutes) * time.Minute
			return err
		})
	}
	if err == nil {
		err = read("webhooks", func(rows pgx.Rows) error {
			var h caseHook
			err := rows.Scan(&h.id, &h.region, &h.path, &h.events)
			in.hooks = append(in.hooks, h)
			return err
		})
	}
	if err == nil {
		err = read("grants", func(rows pgx.Rows) error {
			var g grantee
			var org int64
			err := rows.Scan(&g.user, &org, &g.region)
			in.grants[org] = append(in.grants[org], g)
			return err
		})
	}
	for _, ids := range []*[]int64{&in.ids.cases, &in.ids.steps, &in.ids.events} {
		if err == nil {
			err = readNext(br, "ids", func(rows pgx.Rows) (err error) {
				*ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
				return err
			})
		}
	}
	if err != nil {
		return nil, err
	}
	if err := br.Close(); err != nil {
		return nil, err
	}
	return b.caseWrites(abnormal, &in, now)
}

// caseWrites builds the writes of the group's abnormal rows, in order: a
// row joins its person's open case (one opened earlier in the group too),
// or opens one with its first step, its event for the webhooks that take
// it, and its notices; either way the row is linked to the case.
func (b *batch) caseWrites(abnormal []*campusguard.Check, in *caseInputs, now time.Time) ([]statement, error) {
	var out []statement
	for _, ch := range abnormal {
		if k := in.open[ch.PersonID]; k != nil {
			k.Attach(ch)
			out = append(out, caseAttach(k, now), caseLink(k, ch.ID))
			continue
		}
		within, ok := in.within[ch.RegionID]
		if !ok {
			within = campusguard.DefaultReportWithin
		}
		l := b.people[ch.PersonID]
		k := campusguard.CaseFromCheck(ch, l.p.Name, within)
		k.Note = "auto"
		k.ID, in.ids.cases = in.ids.cases[0], in.ids.cases[1:]
		out = append(out, statement{insertRow("cases", caseRowColumns, true), append([]any{k.ID}, caseRow(k)...)})
		st := campusguard.CaseStep{CaseID: k.ID, To: campusguard.CaseDetected, At: k.DetectedAt, By: ch.ReportedBy, Note: k.Note}
		st.ID, in.ids.steps = in.ids.steps[0], in.ids.steps[1:]
		out = append(out, statement{insertRow("case_steps", stepRowColumns, true), append([]any{st.ID}, stepRow(k.RegionID, &st)...)})
		event, err := in.event(k, l.path, now)
		if err != nil {
			return nil, err
		}
		out = append(out, event...)
		out = append(out, in.notices(k, l.path, now)...)
		out = append(out, caseLink(k, ch.ID))
		in.open[k.PersonID] = k
	}
	return out, nil
}

// event is emit's writes for a case just opened: the event and a delivery
// for each active webhook of the region that covers path and takes it.
func (in *caseInputs) event(k *campusguard.Case, path string, now time.Time) ([]statement, error) {
	var hooks []int64
	for _, h := range in.hooks {
		if h.region == k.RegionID && hookTakes(h.path, h.events, path, campusguard.EventCaseOpened) {
			hooks = append(hooks, h.id)
		}
	}
	if len(hooks) == 0 {
		return nil, nil // nobody listens: no event to keep
	}
	data, err := eventBody(campusguard.EventCaseOpened, now, casePayload(k))
	if err != nil {
		return nil, err
	}
	var id int64
	id, in.ids.events = in.ids.events[0], in.ids.events[1:]
	out := []statement{{insertRow("events", eventRowColumns, true), []any{id, k.RegionID, campusguard.EventCaseOpened, string(data), now}}}
	return append(out, insertStatements("deliveries", deliveryColumns,
		len(hooks), func(i int) []any { return []any{k.RegionID, hooks[i], id, now, now} }, "")...), nil
}

// notices is notify's writes for a case just opened: a message for every
// active user holding a case role on a node of path, each user once.
func (in *caseInputs) notices(k *campusguard.Case, path string, now time.Time) []statement {
	var users []int64
	for _, org := range campusguard.PathIDs(path) {
		for _, g := range in.grants[org] {
			if g.region == k.RegionID {
				users = append(users, g.user)
			}
		}
	}
	slices.Sort(users)
	users = slices.Compact(users)
	args, _ := json.Marshal([]string{k.PersonName})
	link := "/cases/" + strconv.FormatInt(k.ID, 10)
	return insertStatements("notifications", notificationColumns,
		len(users), func(i int) []any {
			return []any{k.RegionID, users[i], "case_opened", "notify.case_opened", string(args), link, now}
		}, "")
}
