package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// at sets the store's clock to hh:mm in China on the inspect world's day.
func at(s *sqlstore.Store, hh, mm int) {
	t := time.Date(inspectNow.Year(), inspectNow.Month(), inspectNow.Day(), hh, mm, 0, 0, campusguard.China)
	s.Now = func() time.Time { return t }
}

func (w *inspectWorld) planDrill(t *testing.T, s *sqlstore.Store, sc campusguard.DrillScenario) *campusguard.Drill {
	t.Helper()
	d, err := s.PlanDrill(w.schoolRoles[campusguard.SchoolAdmin], campusguard.NewDrill{SchoolID: w.school.ID, Scenario: sc,
		PlannedDay: w.today, Participants: "全体教职工", ParticipantCount: 40})
	if err != nil {
		t.Fatalf("PlanDrill = %v", err)
	}
	return d
}

// TestDrillKeepsRealFigures is the drills' key test: every real figure
// (dashboards of the region and the school, the briefing, roll-ups,
// completeness, early warning, the case lists and counts, a person's
// export, close contacts, who is held at the gate, the checks, webhook
// deliveries and escalation) is the same before and after a full drill
// with two injected cases, one taken through report and isolation and one
// left unreported past its due time; and the drill's case shows as a drill
// where it appears.
func TestDrillKeepsRealFigures(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal, officer := w.schoolRoles[campusguard.SchoolAdmin], w.schoolRoles[campusguard.HealthOffice]
		day := w.today
		at(s, 10, 0)
		if err := s.OpenDay(ctx, w.county.ID, day); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateWebhook(ctx, &campusguard.Webhook{Name: "卫健局", URL: "https://health.example.cn/hook",
			Events: []string{campusguard.EventCaseOpened, campusguard.EventCaseChanged, campusguard.EventCaseOverdue}, OrgID: w.county.ID}); err != nil {
			t.Fatal(err)
		}
		// Real data: the volunteer has a real open case of their own, a
		// student of the other school too, the staff member is well.
		for i, c := range []*campusguard.Check{
			{PersonID: w.student.ID, Kind: campusguard.GateCheck, Temperature: f64(38.1)},
			{PersonID: w.student2.ID, Kind: campusguard.GateCheck, Temperature: f64(38.6)},
			{PersonID: w.staff.ID, Kind: campusguard.GateCheck, Temperature: f64(36.5)},
		} {
			c.Day, c.ClientKey = day, "real-"+itoa(i)
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		real, _, err := s.FindCases(w.bureau, campusguard.CaseFilter{PersonID: &w.student.ID})
		if err != nil || len(real) != 1 {
			t.Fatalf("real cases of the volunteer = %v, %v", real, err)
		}
		sys := campusguard.SystemContext(ctx, "test")
		// The volunteer's real case is suspected: it has close contacts.
		for _, tr := range []campusguard.Transition{{To: campusguard.CaseReported}, {To: campusguard.CaseIsolated, Isolation: campusguard.IsolationHome},
			{To: campusguard.CaseReferred}, {To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeSuspected}} {
			if _, err := s.MoveCase(officer, real[0].ID, tr); err != nil {
				t.Fatalf("MoveCase(real, %s) = %v", tr.To, err)
			}
		}

		figures := func() map[string]string {
			t.Helper()
			out := map[string]string{}
			put := func(name string, v any, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				out[name] = string(b)
			}
			d, err := s.Dashboard(w.bureau, w.county.ID, day)
			put("region dashboard", d, err)
			d, err = s.Dashboard(principal, w.school.ID, day)
			put("school dashboard", d, err)
			b, err := s.GenerateBriefing(w.bureau, w.county.ID, day)
			put("briefing", b, err)
			r, err := s.Rollups(w.bureau, w.county.ID, day, day)
			put("region roll-ups", r, err)
			r, err = s.Rollups(w.bureau, w.school.ID, day, day)
			put("school roll-ups", r, err)
			r, err = s.ChildRollups(w.bureau, w.school.ID, day)
			put("class roll-ups", r, err)
			sd, err := s.SchoolDays(w.bureau, w.county.ID, day)
			put("completeness", sd, err)
			missing, err := s.MissingReports(principal, w.class.ID, day)
			put("missing reports", missing, err)
			opened, updated, err := s.RunDetection(w.bureau, w.county.ID, day, "test")
			put("detection", []int{opened, updated}, err)
			al, n, err := s.FindAlerts(w.bureau, campusguard.AlertFilter{OrgID: &w.county.ID, Limit: 500})
			put("alerts", []any{al, n}, err)
			for name, f := range map[string]campusguard.CaseFilter{
				"cases": {OrgID: &w.county.ID}, "open cases": {OrgID: &w.county.ID, Open: true},
				"overdue cases": {OrgID: &w.county.ID, Overdue: true}, "school cases": {OrgID: &w.school.ID},
				"volunteer's cases": {PersonID: &w.student.ID},
			} {
				ks, n, err := s.FindCases(w.bureau, f)
				put(name, []any{ks, n}, err)
			}
			ex, err := s.ExportPersonFile(principal, w.student.ID)
			put("export", ex, err)
			cs, err := s.CaseContacts(w.bureau, real[0].ID)
			put("contacts", cs, err)
			held, err := s.HeldAtGate(principal, w.school.ID)
			put("held at gate", held, err)
			checks, n, err := s.FindChecks(w.bureau, campusguard.CheckFilter{SchoolID: &w.school.ID, Day: &day, Limit: 1000})
			put("checks", []any{checks, n}, err)
			hist, hn, err := s.FindChecks(w.bureau, campusguard.CheckFilter{SchoolID: &w.school.ID, History: true, Limit: 1000})
			put("check history", []any{hist, hn}, err)
			put("deliveries", []int{countRows(t, s, "deliveries"), countRows(t, s, "events")}, nil)
			put("person days", countRows(t, s, "person_days"), nil)
			return out
		}

		// The other school's real case is overdue at 13:00: escalated once, before.
		at(s, 13, 0)
		if n, err := s.EscalateOverdue(sys); err != nil || n != 1 {
			t.Fatalf("EscalateOverdue = %d, %v; want the other school's real case", n, err)
		}
		if _, _, err := s.RunDetection(w.bureau, w.county.ID, day, "test"); err != nil {
			t.Fatal(err)
		}
		before := figures()

		// The drill, from 10:30.
		at(s, 10, 30)
		d := w.planDrill(t, s, campusguard.ScenarioGateFever)
		if _, err := s.StartDrill(principal, d.ID); err != nil {
			t.Fatalf("StartDrill = %v", err)
		}
		at(s, 10, 31)
		k, err := s.InjectDrillCase(principal, d.ID, campusguard.DrillInjection{PersonID: w.student.ID})
		if err != nil {
			t.Fatalf("InjectDrillCase = %v", err)
		}
		if k.DrillID == nil || *k.DrillID != d.ID || k.State != campusguard.CaseDetected {
			t.Fatalf("injected case = %+v, want a detected case of drill %d", k, d.ID)
		}
		at(s, 10, 38)
		if _, err := s.MoveCase(officer, k.ID, campusguard.Transition{To: campusguard.CaseReported}); err != nil {
			t.Fatalf("report the drill case: %v", err)
		}
		at(s, 10, 43)
		if _, err := s.MoveCase(officer, k.ID, campusguard.Transition{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationRoom}); err != nil {
			t.Fatalf("isolate the drill case: %v", err)
		}
		at(s, 10, 45)
		left, err := s.InjectDrillCase(officer, d.ID, campusguard.DrillInjection{PersonID: w.staff.ID})
		if err != nil {
			t.Fatalf("InjectDrillCase(staff) = %v", err)
		}
		at(s, 10, 50)
		if _, err := s.FinishDrill(principal, d.ID, nil); err != nil {
			t.Fatalf("FinishDrill = %v", err)
		}

		// Back at 13:00: the unreported drill case is past its due time,
		// and is not escalated; no figure moved.
		at(s, 13, 0)
		if n, err := s.EscalateOverdue(sys); err != nil || n != 0 {
			t.Errorf("EscalateOverdue after the drill = %d, %v; want 0: a drill case is not escalated", n, err)
		}
		after := figures()
		for name, b := range before {
			if after[name] != b {
				t.Errorf("%s changed by the drill:\nbefore %s\nafter  %s", name, b, after[name])
			}
		}

		// The drill measured its times from the case's own steps.
		got, err := s.FindDrill(w.bureau, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != campusguard.DrillFinished || len(got.Cases) != 2 || got.Times.ReportSeconds == nil ||
			*got.Times.ReportSeconds != 7*60 || got.Times.IsolateSeconds == nil || *got.Times.IsolateSeconds != 12*60 {
			t.Errorf("drill = %+v, times %+v; want finished, 2 cases, report 420 s, isolate 720 s", got, got.Times)
		}
		// Shown as a drill: its own page, the lists that mark drills.
		for _, c := range got.Cases {
			if c.DrillID == nil || *c.DrillID != d.ID {
				t.Errorf("drill page case %+v has no drill mark", c)
			}
		}
		own, _, err := s.FindCase(principal, k.ID)
		if err != nil || own.DrillID == nil || *own.DrillID != d.ID || own.State != campusguard.CaseIsolated {
			t.Errorf("FindCase(drill case) = %+v, %v; want isolated, drill %d", own, err, d.ID)
		}
		list, _, err := s.FindCases(principal, campusguard.CaseFilter{OrgID: &w.school.ID, WithDrills: true})
		if err != nil {
			t.Fatal(err)
		}
		marked := 0
		for _, c := range list {
			if c.DrillID != nil {
				marked++
			}
		}
		if marked != 2 || len(list) != 3 {
			t.Errorf("the school's case list with drills = %d cases, %d marked; want 3, 2 marked", len(list), marked)
		}
		if left.DrillID == nil {
			t.Errorf("second drill case %+v has no drill", left)
		}
		// The inbox was told, as a drill.
		ns, _, err := s.Inbox(principal, false, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got := subjects(ns); !slices.Contains(got, "drill.notify_case_opened") || !slices.Contains(got, "drill.notify_case_changed") {
			t.Errorf("principal's inbox = %v; want the drill's notices", got)
		}
	})
}

// TestDrillBadInput: an injection outside a running drill, a volunteer
// not of the school, a bad plan or problem: refused naming the field, and
// nothing changed.
func TestDrillBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		d := w.planDrill(t, s, campusguard.ScenarioClassSuspected)
		rows := func() []int {
			return []int{countRows(t, s, "cases"), countRows(t, s, "checks"), countRows(t, s, "notifications"),
				countRows(t, s, "rectifications"), countRows(t, s, "drills")}
		}
		start := rows()
		inject := func(id, person int64) error {
			_, err := s.InjectDrillCase(principal, id, campusguard.DrillInjection{PersonID: person})
			return err
		}
		wantCode(t, "inject into a planned drill", inject(d.ID, w.student.ID), campusguard.Invalid, "drill_id")
		wantCode(t, "inject into a planned drill", inject(d.ID, w.student.ID), campusguard.Invalid, "status")
		_, err := s.FinishDrill(principal, d.ID, nil)
		wantCode(t, "finish a planned drill", err, campusguard.Invalid, "status")
		for _, n := range []campusguard.NewDrill{
			{SchoolID: w.school.ID, Scenario: "fire", PlannedDay: w.today},
			{SchoolID: w.school.ID, Scenario: campusguard.ScenarioGateFever, PlannedDay: w.today.AddDays(-1)},
			{SchoolID: w.school.ID, Scenario: campusguard.ScenarioGateFever},
		} {
			_, err := s.PlanDrill(principal, n)
			field := "scenario"
			if n.Scenario == campusguard.ScenarioGateFever {
				field = "planned_day"
			}
			wantCode(t, "PlanDrill", err, campusguard.Invalid, field)
		}
		if _, err := s.StartDrill(principal, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.StartDrill(principal, d.ID)
		wantCode(t, "start a running drill", err, campusguard.Invalid, "status")
		mid := rows()
		wantCode(t, "a volunteer of another school", inject(d.ID, w.student2.ID), campusguard.Invalid, "person_id")
		wantCode(t, "a volunteer of another county", inject(d.ID, w.student3.ID), campusguard.Invalid, "person_id")
		wantCode(t, "no such volunteer", inject(d.ID, 999999), campusguard.Invalid, "person_id")
		_, err = s.FinishDrill(principal, d.ID, []campusguard.DrillProblemInput{{Problem: "隔离室无消毒液",
			Severity: campusguard.SeverityMinor, Deadline: w.today.AddDays(-1), Responsible: "王校医"}})
		wantCode(t, "a problem's deadline in the past", err, campusguard.Invalid, "deadline")
		_, err = s.FinishDrill(principal, d.ID, []campusguard.DrillProblemInput{{Problem: " ",
			Severity: campusguard.SeverityMinor, Deadline: w.today, Responsible: "王校医"}})
		wantCode(t, "a problem without words", err, campusguard.Invalid, "problem")
		if got := rows(); !slices.Equal(got, mid) {
			t.Errorf("rows after refused input = %v, want %v", got, mid)
		}
		if !slices.Equal(start, mid) {
			t.Errorf("rows before %v, after start %v", start, mid)
		}
		// Finished, the drill takes no case either.
		if _, err := s.FinishDrill(principal, d.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "inject into a finished drill", inject(d.ID, w.student.ID), campusguard.Invalid, "drill_id")
	})
}

// TestDrillProblemsBecomeItems: each problem found becomes a rectification
// item of the school from the drill, with its deadline and responsible
// person, told to the school; the region's page lists the school's last
// drill and the schools without one this term.
func TestDrillProblemsBecomeItems(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		d := w.planDrill(t, s, campusguard.ScenarioDormCluster)
		if _, err := s.StartDrill(principal, d.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.FinishDrill(principal, d.ID, []campusguard.DrillProblemInput{
			{Problem: "宿管未及时上报", Severity: campusguard.SeveritySerious, Deadline: w.today.AddDays(7), Responsible: "李宿管"},
			{Problem: "隔离室钥匙找不到", Severity: campusguard.SeverityMinor, Deadline: w.today, Responsible: "王校医"},
		})
		if err != nil {
			t.Fatalf("FinishDrill = %v", err)
		}
		if len(got.Problems) != 2 {
			t.Fatalf("problems = %+v", got.Problems)
		}
		x, err := s.FindRectification(principal, got.Problems[0].RectificationID)
		if err != nil {
			t.Fatal(err)
		}
		if x.Source != campusguard.SourceDrill || x.Problem != "宿管未及时上报" || x.Responsible != "李宿管" ||
			x.Deadline != w.today.AddDays(7) || x.Severity != campusguard.SeveritySerious || x.State != campusguard.RectOpen {
			t.Errorf("item = %+v", x)
		}
		items, err := s.FindRectifications(w.bureau, campusguard.RectFilter{OrgID: w.school.ID, Today: w.today})
		if err != nil || len(items) != 2 {
			t.Errorf("the school's items = %d, %v; want 2", len(items), err)
		}
		if n := countAudit(t, s, "finish_drill"); n != 1 {
			t.Errorf("finish_drill audited %d times", n)
		}

		ov, err := s.DrillOverview(w.bureau, w.county.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Schools) != 2 || ov.Without != 1 || ov.TermStart.String() != "2026-09-01" {
			t.Fatalf("overview = %+v", ov)
		}
		for _, sd := range ov.Schools {
			switch sd.SchoolID {
			case w.school.ID:
				if !sd.ThisTerm || sd.Last == nil || sd.Last.ID != d.ID {
					t.Errorf("school row = %+v", sd)
				}
			case w.school2.ID:
				if sd.ThisTerm || sd.Last != nil {
					t.Errorf("school2 row = %+v; want no drill", sd)
				}
			}
		}
	})
}

// TestDrillRoleMatrix: who may plan, run, read drills, for every role;
// out of scope is 404.
func TestDrillRoleMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin}))
		plan := func(actx context.Context) (*campusguard.Drill, error) {
			return s.PlanDrill(actx, campusguard.NewDrill{SchoolID: w.school.ID, Scenario: campusguard.ScenarioGateFever, PlannedDay: w.today})
		}
		runners := map[string]context.Context{"admin": admin, "principal": w.schoolRoles[campusguard.SchoolAdmin],
			"health": w.schoolRoles[campusguard.HealthOffice]}
		var d *campusguard.Drill
		for name, actx := range runners {
			got, err := plan(actx)
			if err != nil {
				t.Fatalf("PlanDrill(%s) = %v", name, err)
			}
			d = got
		}
		readers := map[string]context.Context{"bureau": w.bureau, "inspector": w.inspector, "viewer": w.viewer}
		for name, actx := range readers {
			_, err := plan(actx)
			wantCode(t, "PlanDrill("+name+")", err, campusguard.Forbidden, "")
			if _, err := s.FindDrill(actx, d.ID); err != nil {
				t.Errorf("FindDrill(%s) = %v", name, err)
			}
			if _, err := s.DrillOverview(actx, w.county.ID); err != nil {
				t.Errorf("DrillOverview(%s) = %v", name, err)
			}
			_, err = s.StartDrill(actx, d.ID)
			wantCode(t, "StartDrill("+name+")", err, campusguard.Forbidden, "")
		}
		for name, actx := range runners {
			if _, err := s.FindDrill(actx, d.ID); err != nil {
				t.Errorf("FindDrill(%s) = %v", name, err)
			}
			if list, err := s.FindDrills(actx, campusguard.DrillFilter{OrgID: w.school.ID}); err != nil || len(list) != 3 {
				t.Errorf("FindDrills(%s) = %d, %v; want 3", name, len(list), err)
			}
		}
		_, err := s.DrillOverview(w.schoolRoles[campusguard.SchoolAdmin], w.county.ID)
		wantCode(t, "DrillOverview(principal, the county)", err, campusguard.NotFound, "")
		others := map[string]context.Context{"other county": w.otherBureau}
		for _, r := range []campusguard.AccessRole{campusguard.ClassTeacher, campusguard.GateStaff, campusguard.StaffMember, campusguard.GuardianRole} {
			others[string(r)] = w.schoolRoles[r]
		}
		for name, actx := range others {
			_, err := plan(actx)
			wantCode(t, "PlanDrill("+name+")", err, campusguard.NotFound, "")
			_, err = s.FindDrill(actx, d.ID)
			wantCode(t, "FindDrill("+name+")", err, campusguard.NotFound, "")
			_, err = s.FindDrills(actx, campusguard.DrillFilter{OrgID: w.school.ID})
			wantCode(t, "FindDrills("+name+")", err, campusguard.NotFound, "")
			_, err = s.StartDrill(actx, d.ID)
			wantCode(t, "StartDrill("+name+")", err, campusguard.NotFound, "")
			_, err = s.InjectDrillCase(actx, d.ID, campusguard.DrillInjection{PersonID: w.student.ID})
			wantCode(t, "InjectDrillCase("+name+")", err, campusguard.NotFound, "")
			_, err = s.FinishDrill(actx, d.ID, nil)
			wantCode(t, "FinishDrill("+name+")", err, campusguard.NotFound, "")
			_, err = s.DrillOverview(actx, w.county.ID)
			wantCode(t, "DrillOverview("+name+")", err, campusguard.NotFound, "")
		}
		// The health officer runs the drill the principal planned.
		if _, err := s.StartDrill(w.schoolRoles[campusguard.HealthOffice], d.ID); err != nil {
			t.Errorf("StartDrill(health) = %v", err)
		}
		// A market liaison reads the times, not the volunteer's case.
		if _, err := s.InjectDrillCase(w.schoolRoles[campusguard.HealthOffice], d.ID, campusguard.DrillInjection{PersonID: w.student.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindDrill(w.viewer, d.ID); err != nil || len(got.Cases) != 0 {
			t.Errorf("FindDrill(market viewer) = %+v, %v; want no cases", got, err)
		}
		if got, err := s.FindDrill(w.bureau, d.ID); err != nil || len(got.Cases) != 1 {
			t.Errorf("FindDrill(bureau) = %+v, %v; want the case", got, err)
		}
	})
}
