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

// directive sends a directive to the county's schools as the bureau.
func (w *inspectWorld) directive(t *testing.T, s *sqlstore.Store, report bool, target campusguard.DirectiveTarget, schools ...int64) *campusguard.Directive {
	t.Helper()
	d := &campusguard.Directive{RegionID: w.county.ID, Title: "开展校园环境消杀", Text: "请于本周五前完成全校消杀。",
		Deadline: w.today.AddDays(4), ReportRequired: report, Target: target, SchoolIDs: schools}
	if err := s.SendDirective(w.bureau, d); err != nil {
		t.Fatalf("SendDirective = %v", err)
	}
	return d
}

func directiveRow(t *testing.T, d *campusguard.Directive, school int64) campusguard.DirectiveSchool {
	t.Helper()
	for _, r := range d.Recipients {
		if r.SchoolID == school {
			return r
		}
	}
	t.Fatalf("directive %d has no row for school %d: %+v", d.ID, school, d.Recipients)
	return campusguard.DirectiveSchool{}
}

func countAudit(t *testing.T, s *sqlstore.Store, action string) int {
	t.Helper()
	entries, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: &action})
	if err != nil {
		t.Fatalf("FindAudit(%s) = %v", action, err)
	}
	return len(entries)
}

// TestDirectiveRoleMatrix: who may send, read and answer directives, for
// every role; out of scope is 404.
func TestDirectiveRoleMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin}))
		send := func(actx context.Context) error {
			return s.SendDirective(actx, &campusguard.Directive{RegionID: w.county.ID, Title: "通知", Deadline: w.today,
				Target: campusguard.TargetAll})
		}
		if err := send(admin); err != nil {
			t.Fatalf("SendDirective(system admin) = %v", err)
		}
		if err := send(w.bureau); err != nil {
			t.Fatalf("SendDirective(bureau) = %v", err)
		}
		wantCode(t, "SendDirective(inspector)", send(w.inspector), campusguard.Forbidden, "")
		wantCode(t, "SendDirective(viewer)", send(w.viewer), campusguard.Forbidden, "")
		wantCode(t, "SendDirective(other county)", send(w.otherBureau), campusguard.NotFound, "")
		for r, actx := range w.schoolRoles {
			wantCode(t, "SendDirective("+string(r)+")", send(actx), campusguard.NotFound, "")
		}

		d := w.directive(t, s, true, campusguard.TargetList, w.school.ID)
		// Readers: the region's roles see every row; the school's
		// principal and health officer their own; nobody else anything.
		for name, actx := range map[string]context.Context{"admin": admin, "bureau": w.bureau, "inspector": w.inspector, "viewer": w.viewer,
			"principal": w.schoolRoles[campusguard.SchoolAdmin], "health": w.schoolRoles[campusguard.HealthOffice]} {
			got, err := s.FindDirective(actx, d.ID)
			if err != nil || len(got.Recipients) != 1 || got.Recipients[0].SchoolID != w.school.ID {
				t.Errorf("FindDirective(%s) = %+v, %v; want the school's row", name, got, err)
			}
		}
		for _, r := range []campusguard.AccessRole{campusguard.ClassTeacher, campusguard.GateStaff, campusguard.StaffMember, campusguard.GuardianRole} {
			_, err := s.FindDirective(w.schoolRoles[r], d.ID)
			wantCode(t, "FindDirective("+string(r)+")", err, campusguard.NotFound, "")
			_, err = s.FindDirectives(w.schoolRoles[r], campusguard.DirectiveFilter{SchoolID: w.school.ID})
			wantCode(t, "FindDirectives("+string(r)+")", err, campusguard.NotFound, "")
			wantCode(t, "AcknowledgeDirective("+string(r)+")", s.AcknowledgeDirective(w.schoolRoles[r], d.ID, w.school.ID), campusguard.NotFound, "")
		}
		_, err := s.FindDirective(w.otherBureau, d.ID)
		wantCode(t, "FindDirective(other county)", err, campusguard.NotFound, "")
		_, err = s.FindDirectives(w.otherBureau, campusguard.DirectiveFilter{RegionID: w.county.ID})
		wantCode(t, "FindDirectives(other county)", err, campusguard.NotFound, "")
		_, err = s.FindDirectives(w.schoolRoles[campusguard.SchoolAdmin], campusguard.DirectiveFilter{RegionID: w.county.ID})
		wantCode(t, "FindDirectives(principal, the region's)", err, campusguard.NotFound, "")

		// Answering: the school's principal and health officer; region
		// readers may not (Forbidden: they see the row).
		for _, actx := range []context.Context{w.bureau, w.inspector, w.viewer} {
			wantCode(t, "AcknowledgeDirective(region)", s.AcknowledgeDirective(actx, d.ID, w.school.ID), campusguard.Forbidden, "")
		}
		wantCode(t, "AcknowledgeDirective(other county)", s.AcknowledgeDirective(w.otherBureau, d.ID, w.school.ID), campusguard.NotFound, "")
		if err := s.AcknowledgeDirective(w.schoolRoles[campusguard.HealthOffice], d.ID, w.school.ID); err != nil {
			t.Fatalf("AcknowledgeDirective(health officer) = %v", err)
		}
		if err := s.CompleteDirective(w.schoolRoles[campusguard.SchoolAdmin], d.ID, w.school.ID, "已完成全校消杀", nil); err != nil {
			t.Fatalf("CompleteDirective(principal) = %v", err)
		}
		// Reminding: the bureau (and the system admin); readers may not.
		wantCode(t, "RemindDirective(inspector)", remindErr(s, w.inspector, d.ID), campusguard.Forbidden, "")
		wantCode(t, "RemindDirective(principal)", remindErr(s, w.schoolRoles[campusguard.SchoolAdmin], d.ID), campusguard.Forbidden, "")
		wantCode(t, "RemindDirective(teacher)", remindErr(s, w.schoolRoles[campusguard.ClassTeacher], d.ID), campusguard.NotFound, "")
		wantCode(t, "RemindDirective(other county)", remindErr(s, w.otherBureau, d.ID), campusguard.NotFound, "")
		if err := remindErr(s, w.bureau, d.ID); err != nil {
			t.Fatalf("RemindDirective(bureau) = %v", err)
		}
	})
}

func remindErr(s *sqlstore.Store, actx context.Context, id int64) error {
	_, err := s.RemindDirective(actx, id)
	return err
}

// TestDirectiveTargets: all, by type, by town and a list resolve to the
// right schools at sending time, and later schools are not added.
func TestDirectiveTargets(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		town := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "云陵镇", ParentID: &w.county.ID}
		if err := s.CreateOrg(ctx, town); err != nil {
			t.Fatal(err)
		}
		mid := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云陵中学", ParentID: &town.ID}
		if err := s.CreateOrg(ctx, mid); err != nil {
			t.Fatal(err)
		}
		ids := func(d *campusguard.Directive) []int64 {
			got, err := s.FindDirective(w.bureau, d.ID)
			if err != nil {
				t.Fatalf("FindDirective = %v", err)
			}
			var out []int64
			for _, r := range got.Recipients {
				out = append(out, r.SchoolID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(xs ...int64) []int64 { slices.Sort(xs); return xs }
		all := w.directive(t, s, false, campusguard.TargetAll)
		if got, want := ids(all), sorted(w.school.ID, w.school2.ID, mid.ID); !slices.Equal(got, want) {
			t.Errorf("all: schools %v, want %v (not the other county's)", got, want)
		}
		d := &campusguard.Directive{RegionID: w.county.ID, Title: "初中", Deadline: w.today, Target: campusguard.TargetType,
			SchoolType: campusguard.Junior}
		if err := s.SendDirective(w.bureau, d); err != nil {
			t.Fatal(err)
		}
		if got := ids(d); !slices.Equal(got, []int64{mid.ID}) {
			t.Errorf("type junior: schools %v, want [%d]", got, mid.ID)
		}
		d = &campusguard.Directive{RegionID: w.county.ID, Title: "镇", Deadline: w.today, Target: campusguard.TargetTown, TownID: town.ID}
		if err := s.SendDirective(w.bureau, d); err != nil {
			t.Fatal(err)
		}
		if got := ids(d); !slices.Equal(got, []int64{mid.ID}) {
			t.Errorf("town: schools %v, want [%d]", got, mid.ID)
		}
		l := w.directive(t, s, false, campusguard.TargetList, w.school2.ID, w.school2.ID)
		if got := ids(l); !slices.Equal(got, []int64{w.school2.ID}) {
			t.Errorf("list: schools %v, want [%d] once", got, w.school2.ID)
		}
		// A school opened later is not among an earlier directive's.
		late := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "新校", ParentID: &w.county.ID}
		if err := s.CreateOrg(ctx, late); err != nil {
			t.Fatal(err)
		}
		if got := ids(all); len(got) != 3 {
			t.Errorf("all after a new school: %v, want the 3 of sending time", got)
		}
		// The principal is told in the inbox.
		if subj := inboxSubjects(t, s, w.schoolRoles[campusguard.SchoolAdmin]); !slices.Contains(subj, "directive.inbox_sent") {
			t.Errorf("principal's inbox = %v, want directive.inbox_sent", subj)
		}
		if n := countAudit(t, s, "send_directive"); n != 4 {
			t.Errorf("send_directive audit lines = %d, want 4", n)
		}
	})
}

// TestDirectiveBadInput: each refusal names its field and changes nothing.
func TestDirectiveBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		base := campusguard.Directive{RegionID: w.county.ID, Title: "通知", Deadline: w.today, Target: campusguard.TargetAll}
		empty := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "空镇", ParentID: &w.county.ID}
		if err := s.CreateOrg(ctx, empty); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, field string
			edit        func(d *campusguard.Directive)
		}{
			{"no schools listed", "schools", func(d *campusguard.Directive) { d.Target = campusguard.TargetList }},
			{"a town without schools", "schools", func(d *campusguard.Directive) { d.Target, d.TownID = campusguard.TargetTown, empty.ID }},
			{"a type without schools", "schools", func(d *campusguard.Directive) {
				d.Target, d.SchoolType = campusguard.TargetType, campusguard.Special
			}},
			{"another county's school", "schools", func(d *campusguard.Directive) {
				d.Target, d.SchoolIDs = campusguard.TargetList, []int64{w.school.ID, w.school3.ID}
			}},
			{"deadline yesterday", "deadline", func(d *campusguard.Directive) { d.Deadline = w.today.AddDays(-1) }},
			{"no deadline", "deadline", func(d *campusguard.Directive) { d.Deadline = campusguard.Date{} }},
			{"empty title", "title", func(d *campusguard.Directive) { d.Title = "  " }},
			{"unknown target", "target", func(d *campusguard.Directive) { d.Target = "some" }},
			{"a school as town", "town_id", func(d *campusguard.Directive) { d.Target, d.TownID = campusguard.TargetTown, w.school.ID }},
		} {
			d := base
			c.edit(&d)
			wantCode(t, "SendDirective("+c.name+")", s.SendDirective(w.bureau, &d), campusguard.Invalid, c.field)
		}
		if ds, err := s.FindDirectives(w.bureau, campusguard.DirectiveFilter{RegionID: w.county.ID}); err != nil || len(ds) != 0 {
			t.Fatalf("after refusals: %d directives, %v; want none", len(ds), err)
		}

		d := w.directive(t, s, true, campusguard.TargetList, w.school.ID)
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		p2 := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school2.ID}))
		// A school answering another school's directive, or one not
		// sent to it: 404.
		wantCode(t, "AcknowledgeDirective(other school's principal)", s.AcknowledgeDirective(p2, d.ID, w.school.ID), campusguard.NotFound, "")
		wantCode(t, "AcknowledgeDirective(not sent to school2)", s.AcknowledgeDirective(p2, d.ID, w.school2.ID), campusguard.NotFound, "")
		wantCode(t, "CompleteDirective(not sent to school2)", s.CompleteDirective(p2, d.ID, w.school2.ID, "做了", nil), campusguard.NotFound, "")
		_, err := s.FindDirective(p2, d.ID)
		wantCode(t, "FindDirective(other school's principal)", err, campusguard.NotFound, "")
		// Completing without a note; with another school's file.
		wantCode(t, "CompleteDirective(no note)", s.CompleteDirective(principal, d.ID, w.school.ID, " ", nil), campusguard.Invalid, "note")
		f2, err := s.PutFile(p2, campusguard.Upload{OrgID: w.school2.ID, Name: "x.png", Data: pngBytes(t, 20, 20, 3)})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, "CompleteDirective(other school's file)", s.CompleteDirective(principal, d.ID, w.school.ID, "做了", []int64{f2.ID}),
			campusguard.Invalid, "file_ids")
		got, _ := s.FindDirective(w.bureau, d.ID)
		if r := directiveRow(t, got, w.school.ID); r.AcknowledgedAt != nil || r.CompletedAt != nil {
			t.Fatalf("after refused answers the row changed: %+v", r)
		}
		// Acknowledging twice, completing twice: Conflict.
		if err := s.AcknowledgeDirective(principal, d.ID, w.school.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "AcknowledgeDirective(twice)", s.AcknowledgeDirective(principal, d.ID, w.school.ID), campusguard.Conflict, "")
		f1, err := s.PutFile(principal, campusguard.Upload{OrgID: w.school.ID, Name: "消杀.png", Data: pngBytes(t, 20, 20, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteDirective(principal, d.ID, w.school.ID, "已完成消杀", []int64{f1.ID}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "CompleteDirective(twice)", s.CompleteDirective(principal, d.ID, w.school.ID, "再报", nil), campusguard.Conflict, "")
		got, _ = s.FindDirective(w.bureau, d.ID)
		r := directiveRow(t, got, w.school.ID)
		if r.Note != "已完成消杀" || len(r.FileIDs) != 1 || r.FileIDs[0] != f1.ID || !r.Done {
			t.Errorf("completed row = %+v, want the first report with its file", r)
		}
		// A directive without a report: completing is refused.
		n := w.directive(t, s, false, campusguard.TargetList, w.school.ID)
		wantCode(t, "CompleteDirective(no report asked)", s.CompleteDirective(principal, n.ID, w.school.ID, "做了", nil), campusguard.Conflict, "")
		if c := countAudit(t, s, "complete_directive"); c != 1 {
			t.Errorf("complete_directive audit lines = %d, want 1", c)
		}
		if c := countAudit(t, s, "acknowledge_directive"); c != 1 {
			t.Errorf("acknowledge_directive audit lines = %d, want 1", c)
		}
	})
}

// TestDirectiveAttachments: a school reads the region's attachment only
// through a directive sent to it.
func TestDirectiveAttachments(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		f, err := s.PutFile(w.bureau, campusguard.Upload{OrgID: w.county.ID, Name: "方案.png", Data: pngBytes(t, 30, 30, 7)})
		if err != nil {
			t.Fatal(err)
		}
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		p2 := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school2.ID}))
		if _, err := s.FindFile(principal, f.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Fatalf("FindFile(principal) before any directive = %v, want NotFound", err)
		}
		// A school's file is not an attachment.
		sf, err := s.PutFile(principal, campusguard.Upload{OrgID: w.school.ID, Name: "a.png", Data: pngBytes(t, 30, 30, 8)})
		if err != nil {
			t.Fatal(err)
		}
		bad := &campusguard.Directive{RegionID: w.county.ID, Title: "通知", Deadline: w.today, Target: campusguard.TargetAll,
			FileIDs: []int64{sf.ID}}
		wantCode(t, "SendDirective(a school's file)", s.SendDirective(w.bureau, bad), campusguard.Invalid, "file_ids")
		d := &campusguard.Directive{RegionID: w.county.ID, Title: "通知", Deadline: w.today, Target: campusguard.TargetList,
			SchoolIDs: []int64{w.school.ID}, FileIDs: []int64{f.ID}}
		if err := s.SendDirective(w.bureau, d); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindFile(principal, f.ID); err != nil {
			t.Errorf("FindFile(principal of a recipient) = %v", err)
		}
		if _, err := s.FindFile(p2, f.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("FindFile(principal of another school) = %v, want NotFound", err)
		}
		if _, err := s.FindFile(w.schoolRoles[campusguard.ClassTeacher], f.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("FindFile(teacher) = %v, want NotFound", err)
		}
		got, err := s.FindDirective(principal, d.ID)
		if err != nil || len(got.Files) != 1 || got.Files[0].ID != f.ID {
			t.Errorf("FindDirective(principal).Files = %+v, %v", got, err)
		}
	})
}

// TestDirectiveRemindAndOverdue: reminding tells only the laggards;
// overdue is decided on the fake clock's day, the deadline day in time.
func TestDirectiveRemindAndOverdue(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		p2 := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school2.ID}))
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		ack := w.directive(t, s, false, campusguard.TargetAll) // acknowledgement only
		rep := w.directive(t, s, true, campusguard.TargetAll)  // report required
		for _, d := range []*campusguard.Directive{ack, rep} {
			if err := s.AcknowledgeDirective(principal, d.ID, w.school.ID); err != nil {
				t.Fatal(err)
			}
		}
		// school: acknowledged both (done with ack, not with rep);
		// school2: nothing.
		n, err := s.RemindDirective(w.bureau, ack.ID)
		if err != nil || n != 1 {
			t.Fatalf("RemindDirective(ack) = %d, %v; want 1 (school2)", n, err)
		}
		count := func(actx context.Context, subject string) int {
			c := 0
			for _, x := range inboxSubjects(t, s, actx) {
				if x == subject {
					c++
				}
			}
			return c
		}
		if c := count(principal, "directive.inbox_reminder"); c != 0 {
			t.Errorf("the principal who acknowledged got %d reminders", c)
		}
		if c := count(p2, "directive.inbox_reminder"); c != 1 {
			t.Errorf("school2's principal got %d reminders, want 1", c)
		}
		if n, err := s.RemindDirective(w.bureau, rep.ID); err != nil || n != 2 {
			t.Fatalf("RemindDirective(report) = %d, %v; want 2 (acknowledged is not done)", n, err)
		}
		got, _ := s.FindDirective(w.bureau, rep.ID)
		if r := directiveRow(t, got, w.school.ID); r.RemindedAt == nil {
			t.Errorf("reminded row has no reminded_at: %+v", r)
		}
		if got.Acknowledged != 1 || got.Completed != 0 || got.Pending != 2 {
			t.Errorf("counts = %d acknowledged, %d completed, %d pending; want 1, 0, 2", got.Acknowledged, got.Completed, got.Pending)
		}
		if c := countAudit(t, s, "remind_directive"); c != 2 {
			t.Errorf("remind_directive audit lines = %d, want 2", c)
		}

		// Overdue: nothing on the deadline day; the day after, the
		// laggards' directives.
		overdue := func(actx context.Context, school int64, now time.Time) []int64 {
			s.Now = func() time.Time { return now }
			ds, err := s.FindDirectives(actx, campusguard.DirectiveFilter{SchoolID: school, Overdue: true})
			if err != nil {
				t.Fatalf("FindDirectives(overdue) = %v", err)
			}
			var out []int64
			for _, d := range ds {
				if len(d.Recipients) != 1 || !d.Recipients[0].Overdue {
					t.Errorf("overdue directive %d row = %+v", d.ID, d.Recipients)
				}
				out = append(out, d.ID)
			}
			slices.Sort(out)
			return out
		}
		deadlineDay := inspectNow.AddDate(0, 0, 4)
		if got := overdue(p2, w.school2.ID, deadlineDay); len(got) != 0 {
			t.Errorf("overdue on the deadline day = %v, want none", got)
		}
		after := deadlineDay.AddDate(0, 0, 1)
		if got, want := overdue(p2, w.school2.ID, after), []int64{ack.ID, rep.ID}; !slices.Equal(got, want) {
			t.Errorf("school2 overdue the day after = %v, want %v", got, want)
		}
		if got, want := overdue(principal, w.school.ID, after), []int64{rep.ID}; !slices.Equal(got, want) {
			t.Errorf("school overdue the day after = %v, want %v (acknowledged one is done)", got, want)
		}
		if err := s.CompleteDirective(principal, rep.ID, w.school.ID, "完成", nil); err != nil {
			t.Fatal(err)
		}
		if got := overdue(principal, w.school.ID, after); len(got) != 0 {
			t.Errorf("school overdue after completing = %v, want none", got)
		}
		if got := overdue(w.bureau, w.school2.ID, after); len(got) != 2 {
			t.Errorf("the bureau's view of school2's overdue = %v, want 2", got)
		}
		// Everybody done: reminding tells nobody and writes nothing.
		if err := s.AcknowledgeDirective(p2, ack.ID, w.school2.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.RemindDirective(w.bureau, ack.ID); err != nil || n != 0 {
			t.Errorf("RemindDirective(all done) = %d, %v; want 0", n, err)
		}
		if c := countAudit(t, s, "remind_directive"); c != 2 {
			t.Errorf("remind_directive audit lines after a reminder to nobody = %d, want 2", c)
		}
	})
}

// TestDirectiveDashboardAndBriefing: the dashboard counts each school's
// directives not done, and those overdue; the briefing lists the
// directives some school has not yet done.
func TestDirectiveDashboardAndBriefing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		ack := w.directive(t, s, false, campusguard.TargetAll)
		rep := w.directive(t, s, true, campusguard.TargetAll)
		if err := s.AcknowledgeDirective(principal, ack.ID, w.school.ID); err != nil {
			t.Fatal(err)
		}
		counts := func(day campusguard.Date) map[int64][2]int {
			d, err := s.Dashboard(w.bureau, w.county.ID, day)
			if err != nil {
				t.Fatalf("Dashboard = %v", err)
			}
			out := map[int64][2]int{}
			for _, st := range d.Schools {
				out[st.SchoolID] = [2]int{st.Directives, st.OverdueDirectives}
			}
			return out
		}
		got := counts(w.today)
		if got[w.school.ID] != [2]int{1, 0} || got[w.school2.ID] != [2]int{2, 0} {
			t.Errorf("dashboard today = %v, want school 1 unanswered, school2 2, none overdue", got)
		}
		got = counts(rep.Deadline.AddDays(1))
		if got[w.school.ID] != [2]int{1, 1} || got[w.school2.ID] != [2]int{2, 2} {
			t.Errorf("dashboard after the deadline = %v, want the unanswered overdue", got)
		}
		b, err := s.GenerateBriefing(w.bureau, w.county.ID, w.today)
		if err != nil {
			t.Fatalf("GenerateBriefing = %v", err)
		}
		if len(b.Directives) != 2 || b.Directives[0].Pending+b.Directives[1].Pending != 3 {
			t.Errorf("briefing directives = %+v, want both, 3 schools pending in all", b.Directives)
		}
		if err := s.CompleteDirective(principal, rep.ID, w.school.ID, "完成", nil); err != nil {
			t.Fatal(err)
		}
		p2 := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school2.ID}))
		if err := s.AcknowledgeDirective(p2, ack.ID, w.school2.ID); err != nil {
			t.Fatal(err)
		}
		b, err = s.GenerateBriefing(w.bureau, w.county.ID, w.today)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Directives) != 1 || b.Directives[0].ID != rep.ID || b.Directives[0].Pending != 1 || b.Directives[0].Schools != 2 {
			t.Errorf("briefing directives after answers = %+v, want only the report one, school2 pending", b.Directives)
		}
	})
}
