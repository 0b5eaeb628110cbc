package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// caseWorld is a tree with people placed for contact tracing: the case's
// student in class 1 (dorm room 101, bus route), a classmate, a roommate
// from class 2, a rider from class 2, a teacher of class 1, and a stranger
// in the other school; and the accounts that read and move cases.
type caseWorld struct {
	tr                                          *sqlstoretest.Tree
	student, classmate, roommate, rider, other  *campusguard.Person
	teacher                                     *campusguard.Person
	teacherUser, officer, principal, bureau     *campusguard.User
	viewer, otherOfficer                        *campusguard.User
	teacherCtx, officerCtx, viewerCtx, otherCtx context.Context
}

func mustCaseWorld(t *testing.T, s *sqlstore.Store) *caseWorld {
	t.Helper()
	tr := sqlstoretest.MustTree(t, s)
	w := &caseWorld{tr: tr}
	mk := func(p *campusguard.Person) *campusguard.Person {
		t.Helper()
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson(%s) = %v", p.Name, err)
		}
		return p
	}
	w.student = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "林小雨", Number: "C1",
		ClassID: &tr.Class1.ID, Boarding: true, DormRoomID: &tr.Room.ID, Bed: "1", BusRouteID: &tr.Route.ID})
	w.classmate = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "陈子涵", Number: "C2", ClassID: &tr.Class1.ID})
	w.roommate = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "黄思远", Number: "C3",
		ClassID: &tr.Class2.ID, Boarding: true, DormRoomID: &tr.Room.ID, Bed: "2"})
	w.rider = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "吴佳怡", Number: "C4",
		ClassID: &tr.Class2.ID, BusRouteID: &tr.Route.ID})
	w.other = mk(&campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Student, Name: "郑一鸣", Number: "O1", ClassID: &tr.OtherClass.ID})
	w.teacher = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Name: "张老师", Number: "T1", Role: "teacher"})
	if _, err := s.WriteDB().Exec(`INSERT INTO class_teachers (region_id, class_id, staff_id) VALUES ($1, $2, $3)`,
		tr.County.ID, tr.Class1.ID, w.teacher.ID); err != nil {
		t.Fatal(err)
	}
	grant := func(r campusguard.AccessRole, o *campusguard.Org) campusguard.Grant {
		return campusguard.Grant{Role: r, OrgID: o.ID}
	}
	w.teacherUser = sqlstoretest.MustUser(t, s, grant(campusguard.ClassTeacher, tr.Class1))
	w.officer = sqlstoretest.MustUser(t, s, grant(campusguard.HealthOffice, tr.School))
	w.principal = sqlstoretest.MustUser(t, s, grant(campusguard.SchoolAdmin, tr.School))
	w.bureau = sqlstoretest.MustUser(t, s, grant(campusguard.RegionAdmin, tr.County))
	w.viewer = sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: tr.County.ID, Duty: campusguard.DutyHealth})
	w.otherOfficer = sqlstoretest.MustUser(t, s, grant(campusguard.HealthOffice, tr.Other))
	w.teacherCtx = sqlstoretest.ActorCtx(t, s, w.teacherUser)
	w.officerCtx = sqlstoretest.ActorCtx(t, s, w.officer)
	w.viewerCtx = sqlstoretest.ActorCtx(t, s, w.viewer)
	w.otherCtx = sqlstoretest.ActorCtx(t, s, w.otherOfficer)
	return w
}

func inbox(t *testing.T, s *sqlstore.Store, u *campusguard.User) []*campusguard.Notification {
	t.Helper()
	ns, _, err := s.Inbox(sqlstoretest.ActorCtx(t, s, u), false, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func subjects(ns []*campusguard.Notification) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Subject)
	}
	return out
}

// TestCaseFromAbnormalCheck: an abnormal check opens one case for its
// person in the same transaction; later abnormal checks attach to it; the
// people responsible are notified; a webhook's delivery waits in the outbox.
func TestCaseFromAbnormalCheck(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		if _, err := s.CreateWebhook(ctx, &campusguard.Webhook{Name: "疾控", URL: "https://cdc.example.cn/hook",
			Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID}); err != nil {
			t.Fatal(err)
		}
		// A normal reading opens nothing.
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: w.classmate.ID, Day: checkDay, Kind: campusguard.GateCheck,
			Temperature: f64(36.6), ClientKey: "n1"}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "cases"); n != 0 {
			t.Fatalf("a normal check opened %d cases", n)
		}
		fever, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.GateCheck,
			Temperature: f64(38.2), ClientKey: "a1"})
		if err != nil {
			t.Fatal(err)
		}
		cases, total, err := s.FindCases(ctx, campusguard.CaseFilter{PersonID: &w.student.ID})
		if err != nil || total != 1 {
			t.Fatalf("FindCases = %d, %v; want 1 case", total, err)
		}
		k := cases[0]
		if k.State != campusguard.CaseDetected || k.Source != campusguard.SourceCheck || k.CheckID == nil || *k.CheckID != fever.ID ||
			k.Temperature == nil || *k.Temperature != 38.2 || k.PersonName != w.student.Name || k.OnsetDay != checkDay {
			t.Errorf("case = %+v", k)
		}
		if got := k.ReportDue.Sub(k.DetectedAt); got != campusguard.DefaultReportWithin {
			t.Errorf("report due %v after detection, want %v", got, campusguard.DefaultReportWithin)
		}
		// A later abnormal check of the same person attaches.
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck,
			Temperature: f64(37.9), Symptoms: []campusguard.Symptom{campusguard.SymCough}, ClientKey: "a2"}); err != nil {
			t.Fatal(err)
		}
		k2, steps, err := s.FindCase(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "cases"); n != 1 || !slices.Contains(k2.Symptoms, campusguard.SymCough) || *k2.Temperature != 38.2 {
			t.Errorf("after a second abnormal check: %d cases, case %+v", n, k2)
		}
		if n := countRows(t, s, "case_checks"); n != 2 {
			t.Errorf("case_checks = %d, want 2", n)
		}
		if len(steps) != 1 || steps[0].To != campusguard.CaseDetected || steps[0].From != "" {
			t.Errorf("steps = %+v", steps)
		}
		// Notified: the class teacher, the health officer, the principal and
		// the bureau; not the other school's officer.
		for _, u := range []*campusguard.User{w.teacherUser, w.officer, w.principal, w.bureau} {
			if got := subjects(inbox(t, s, u)); !slices.Equal(got, []string{"notify.case_opened"}) {
				t.Errorf("inbox of %s = %v", u.Login, got)
			}
		}
		if got := inbox(t, s, w.otherOfficer); len(got) != 0 {
			t.Errorf("the other school's officer was notified: %v", subjects(got))
		}
		// One event, one delivery due for the webhook.
		if e, d := countRows(t, s, "events"), countRows(t, s, "deliveries"); e != 1 || d != 1 {
			t.Errorf("events %d, deliveries %d; want 1 and 1", e, d)
		}
		// A device batch with an abnormal row opens that person's case too.
		res, err := s.RecordChecks(ctx, []*campusguard.Check{
			{PersonID: w.rider.ID, Day: checkDay, Kind: campusguard.GateCheck, Temperature: f64(37.5), ClientKey: "b1"},
			{PersonID: w.roommate.ID, Day: checkDay, Kind: campusguard.GateCheck, Temperature: f64(36.5), ClientKey: "b2"},
		})
		if err != nil || res.Created != 2 {
			t.Fatalf("RecordChecks = %+v, %v", res, err)
		}
		if _, n, _ := s.FindCases(ctx, campusguard.CaseFilter{Open: true}); n != 2 {
			t.Errorf("open cases after the batch = %d, want 2", n)
		}
		if items, n, err := s.FindCases(ctx, campusguard.CaseFilter{Open: true, Offset: 10}); err != nil || len(items) != 0 || n != 2 {
			t.Errorf("a page past the end = %d items, total %d, %v; want 0 and 2", len(items), n, err)
		}
	})
}

// TestCaseTransitions walks a case through its whole life and tries every
// step the states do not allow, and the refusals by role and scope.
func TestCaseTransitions(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		k, err := s.OpenCase(w.teacherCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: yesterday(),
			Symptoms: []campusguard.Symptom{campusguard.SymFever}, Temperature: f64(38.5), Note: "午检发现"})
		if err != nil {
			t.Fatalf("OpenCase by the class teacher = %v", err)
		}
		if k.Source != campusguard.SourceManual || k.State != campusguard.CaseDetected {
			t.Errorf("opened %+v", k)
		}
		// A second open case for the same person is refused.
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: yesterday(),
			Symptoms: []campusguard.Symptom{campusguard.SymCough}}); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Errorf("second OpenCase = %v, want Conflict", err)
		}
		// Every refused transition, from each state on the way.
		path := []campusguard.Transition{
			{To: campusguard.CaseReported, Note: "已电话报告教育局"},
			{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationRoom},
			{To: campusguard.CaseReferred, Note: "县医院发热门诊"},
			{To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeConfirmed},
			{To: campusguard.CaseCleared, Certificate: "云医复字2026-118"},
			{To: campusguard.CaseClosed},
		}
		for i, next := range path {
			for _, to := range campusguard.CaseStates {
				if to == next.To {
					continue
				}
				before := countRows(t, s, "case_steps")
				_, err := s.MoveCase(w.officerCtx, k.ID, campusguard.Transition{To: to, Isolation: campusguard.IsolationHome,
					Outcome: campusguard.OutcomeRuledOut, Certificate: "x"})
				if campusguard.ErrorCode(err) != campusguard.Invalid || campusguard.ErrorFields(err)[0].Field != "to" {
					t.Errorf("step %d: move to %s = %v, want Invalid on to", i, to, err)
				}
				if countRows(t, s, "case_steps") != before {
					t.Errorf("step %d: a refused move to %s recorded a step", i, to)
				}
			}
			// The class teacher opens cases but does not move them; the
			// region's viewers read only; another school does not see it.
			if _, err := s.MoveCase(w.teacherCtx, k.ID, next); campusguard.ErrorCode(err) != campusguard.Forbidden {
				t.Errorf("class teacher MoveCase = %v, want Forbidden", err)
			}
			if _, err := s.MoveCase(w.viewerCtx, k.ID, next); campusguard.ErrorCode(err) != campusguard.Forbidden {
				t.Errorf("region viewer MoveCase = %v, want Forbidden", err)
			}
			if _, err := s.MoveCase(w.otherCtx, k.ID, next); campusguard.ErrorCode(err) != campusguard.NotFound {
				t.Errorf("other school MoveCase = %v, want NotFound", err)
			}
			moved, err := s.MoveCase(w.officerCtx, k.ID, next)
			if err != nil || moved.State != next.To {
				t.Fatalf("step %d: MoveCase(%s) = %+v, %v", i, next.To, moved, err)
			}
		}
		got, steps, err := s.FindCase(w.viewerCtx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != campusguard.CaseClosed || got.Isolation != campusguard.IsolationRoom || got.Outcome != campusguard.OutcomeConfirmed ||
			got.Certificate != "云医复字2026-118" || got.ReportedAt == nil || got.IsolatedAt == nil || got.ClosedAt == nil || got.ClearedBy == "" {
			t.Errorf("closed case = %+v", got)
		}
		if len(steps) != 7 || steps[1].From != campusguard.CaseDetected || steps[1].Note != "已电话报告教育局" || steps[6].To != campusguard.CaseClosed {
			t.Errorf("steps = %+v", steps)
		}
		// A closed case moves nowhere; a new one may open for the person.
		if _, err := s.MoveCase(w.officerCtx, k.ID, campusguard.Transition{To: campusguard.CaseDetected}); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("move a closed case = %v, want Invalid", err)
		}
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: yesterday(),
			Symptoms: []campusguard.Symptom{campusguard.SymCough}}); err != nil {
			t.Errorf("OpenCase after closing = %v", err)
		}
		// Missing details and unknown cases.
		k2, _, _ := s.FindCases(ctx, campusguard.CaseFilter{PersonID: &w.student.ID, Open: true})
		if _, err := s.MoveCase(w.officerCtx, k2[0].ID, campusguard.Transition{To: campusguard.CaseReported, Note: string(make([]rune, 501))}); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("a 501-character note = %v, want Invalid", err)
		}
		if _, err := s.MoveCase(w.officerCtx, 999999, campusguard.Transition{To: campusguard.CaseReported}); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("unknown case = %v, want NotFound", err)
		}
		// Out of scope and unknown people.
		if _, err := s.OpenCase(w.otherCtx, campusguard.NewCase{PersonID: w.classmate.ID, OnsetDay: yesterday(),
			Symptoms: []campusguard.Symptom{campusguard.SymCough}}); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("OpenCase out of scope = %v, want NotFound", err)
		}
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: 999999, OnsetDay: yesterday(),
			Symptoms: []campusguard.Symptom{campusguard.SymCough}}); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("OpenCase unknown person = %v, want NotFound", err)
		}
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.classmate.ID, OnsetDay: yesterday()}); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("OpenCase with no sign = %v, want Invalid", err)
		}
	})
}

// TestEscalateOverdue: with the clock moved past the due time, an
// unreported case escalates once to the region; a reported one does not.
func TestEscalateOverdue(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
		now := start
		s.Now = func() time.Time { return now }
		if err := s.SetReportWithin(ctx, w.tr.County.ID, 30*time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReportWithin(ctx, w.tr.County.ID, 5*time.Minute); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("SetReportWithin(5m) = %v, want Invalid", err)
		}
		late, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: checkDay, Temperature: f64(38)})
		if err != nil {
			t.Fatal(err)
		}
		onTime, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.classmate.ID, OnsetDay: checkDay, Temperature: f64(38)})
		if err != nil {
			t.Fatal(err)
		}
		if got := late.ReportDue.Sub(late.DetectedAt); got != 30*time.Minute {
			t.Errorf("due after %v, want the region's 30m", got)
		}
		if _, err := s.MoveCase(w.officerCtx, onTime.ID, campusguard.Transition{To: campusguard.CaseReported}); err != nil {
			t.Fatal(err)
		}
		now = start.Add(29 * time.Minute)
		if n, err := s.EscalateOverdue(ctx); err != nil || n != 0 {
			t.Errorf("EscalateOverdue before due = %d, %v", n, err)
		}
		now = start.Add(31 * time.Minute)
		if _, n, _ := s.FindCases(w.viewerCtx, campusguard.CaseFilter{Overdue: true}); n != 1 {
			t.Errorf("overdue cases = %d, want 1", n)
		}
		if n, err := s.EscalateOverdue(ctx); err != nil || n != 1 {
			t.Errorf("EscalateOverdue = %d, %v; want 1", n, err)
		}
		if n, err := s.EscalateOverdue(ctx); err != nil || n != 0 {
			t.Errorf("EscalateOverdue again = %d, %v; want 0", n, err)
		}
		k, _, _ := s.FindCase(ctx, late.ID)
		if !k.Escalated || !k.Overdue {
			t.Errorf("late case = %+v", k)
		}
		if !slices.Contains(subjects(inbox(t, s, w.viewer)), "notify.case_overdue") ||
			!slices.Contains(subjects(inbox(t, s, w.bureau)), "notify.case_overdue") {
			t.Errorf("the region was not told: viewer %v, bureau %v", subjects(inbox(t, s, w.viewer)), subjects(inbox(t, s, w.bureau)))
		}
		if slices.Contains(subjects(inbox(t, s, w.teacherUser)), "notify.case_overdue") {
			t.Error("the class teacher got the region's escalation")
		}
		if _, err := s.EscalateOverdue(w.officerCtx); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("EscalateOverdue by a user = %v, want Forbidden", err)
		}
	})
}

// TestCaseContacts: a confirmed case's contacts by class, dormitory room,
// bus route and teacher, with each contact's follow-up.
func TestCaseContacts(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		today := campusguard.Today(time.Now())
		k, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: today, Temperature: f64(38.4)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CaseContacts(w.officerCtx, k.ID); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("contacts of a detected case = %v, want Invalid", err)
		}
		for _, tr := range []campusguard.Transition{{To: campusguard.CaseReported}, {To: campusguard.CaseIsolated, Isolation: campusguard.IsolationHome},
			{To: campusguard.CaseReferred}, {To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeSuspected}} {
			if _, err := s.MoveCase(w.officerCtx, k.ID, tr); err != nil {
				t.Fatal(err)
			}
		}
		// The roommate coughs today: their follow-up shows it.
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: w.roommate.ID, Day: today, Kind: campusguard.HomeCheck,
			Temperature: f64(36.8), Symptoms: []campusguard.Symptom{campusguard.SymCough}, ClientKey: "rm"}); err != nil {
			t.Fatal(err)
		}
		contacts, err := s.CaseContacts(w.officerCtx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][]campusguard.ContactReason{}
		for _, c := range contacts {
			got[c.PersonID] = c.Reasons
		}
		want := map[int64][]campusguard.ContactReason{
			w.classmate.ID: {campusguard.ContactClassmate},
			w.roommate.ID:  {campusguard.ContactDorm},
			w.rider.ID:     {campusguard.ContactBus},
			w.teacher.ID:   {campusguard.ContactTeacher},
		}
		if len(got) != len(want) {
			t.Errorf("contacts = %v, want %v", got, want)
		}
		for id, rs := range want {
			if !slices.Equal(got[id], rs) {
				t.Errorf("contact %d reasons = %v, want %v", id, got[id], rs)
			}
		}
		if _, ok := got[w.other.ID]; ok {
			t.Error("the other school's student is a contact")
		}
		if contacts[0].PersonID != w.roommate.ID || !contacts[0].Abnormal || contacts[0].DaysChecked != 1 || !contacts[0].OpenCase {
			t.Errorf("first contact = %+v, want the coughing roommate with their open case", contacts[0])
		}
		if c := contacts[0]; c.FollowUntil != c.FollowFrom.AddDays(campusguard.ContactFollowDays) {
			t.Errorf("follow-up window %s–%s", c.FollowFrom, c.FollowUntil)
		}
		if _, err := s.CaseContacts(w.otherCtx, k.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("contacts out of scope = %v, want NotFound", err)
		}
	})
}

// TestInboxAndWebhooks: marking notifications read, and refusing a bad
// webhook without storing it.
func TestInboxAndWebhooks(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.student.ID, OnsetDay: yesterday(), Temperature: f64(38)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenCase(w.officerCtx, campusguard.NewCase{PersonID: w.classmate.ID, OnsetDay: yesterday(), Temperature: f64(38)}); err != nil {
			t.Fatal(err)
		}
		tc := sqlstoretest.ActorCtx(t, s, w.teacherUser)
		ns, unread, err := s.Inbox(tc, false, 0, 10)
		if err != nil || len(ns) != 2 || unread != 2 {
			t.Fatalf("Inbox = %d items, %d unread, %v", len(ns), unread, err)
		}
		if err := s.MarkRead(tc, ns[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, unread, _ := s.Inbox(tc, false, 0, 10); unread != 1 {
			t.Errorf("unread after marking one = %d", unread)
		}
		// Another user's notification is not found, and stays unread.
		if err := s.MarkRead(w.officerCtx, ns[1].ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("MarkRead of another's = %v, want NotFound", err)
		}
		if err := s.MarkRead(tc, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadCount(tc); n != 0 {
			t.Errorf("unread after marking all = %d", n)
		}
		bad := []*campusguard.Webhook{
			{Name: "x", URL: "ftp://cdc.example/hook", Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID},
			{Name: "x", URL: "https://", Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID},
			{Name: "x", URL: "https://cdc.example/hook", Events: []string{"case.deleted"}, OrgID: w.tr.County.ID},
			{Name: "", URL: "https://cdc.example/hook", Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID},
		}
		for _, h := range bad {
			if _, err := s.CreateWebhook(ctx, h); campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Errorf("CreateWebhook(%+v) = %v, want Invalid", h, err)
			}
		}
		if _, err := s.CreateWebhook(w.officerCtx, &campusguard.Webhook{Name: "疾控", URL: "https://cdc.example/hook",
			Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.School.ID}); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("CreateWebhook by a health officer = %v, want Forbidden", err)
		}
		if n := countRows(t, s, "webhooks"); n != 0 {
			t.Errorf("bad webhooks stored: %d", n)
		}
	})
}

// yesterday is the day before today in China, a valid onset day.
func yesterday() campusguard.Date {
	return campusguard.Today(time.Now()).AddDays(-1)
}

// TestRemindMissing: each class teacher is told once a day how many of the
// class have not reported.
func TestRemindMissing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		if err := s.OpenDay(ctx, w.tr.County.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck,
			Temperature: f64(36.5), ClientKey: "m1"}); err != nil {
			t.Fatal(err)
		}
		// Class 1: 1 of 2 missing; class 2: 2 of 2; the other school's class: 1.
		n, err := s.RemindMissing(ctx, checkDay)
		if err != nil || n != 3 {
			t.Fatalf("RemindMissing = %d, %v; want 3 classes", n, err)
		}
		got := inbox(t, s, w.teacherUser)
		if len(got) != 1 || got[0].Subject != "notify.missing_reports" || !slices.Equal(got[0].Args, []string{"1班", "1"}) {
			t.Errorf("class teacher's inbox = %+v", got)
		}
		if len(inbox(t, s, w.officer)) != 0 {
			t.Error("the health officer got the class teacher's reminder")
		}
		if n, err := s.RemindMissing(ctx, checkDay); err != nil || n != 0 {
			t.Errorf("RemindMissing again = %d, %v; want 0", n, err)
		}
		if _, err := s.RemindMissing(w.officerCtx, checkDay); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("RemindMissing by a user = %v, want Forbidden", err)
		}
	})
}
