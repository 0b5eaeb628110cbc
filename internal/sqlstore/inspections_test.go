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

// inspectWorld is mustWorld with an actor of every role: the region-level
// ones on the county, the school-level ones on w.school.
type inspectWorld struct {
	*world
	bureau, inspector, viewer, otherBureau context.Context
	schoolRoles                            map[campusguard.AccessRole]context.Context
	today                                  campusguard.Date
}

// inspectToday is the fake clock's day: a Monday.
var inspectNow = time.Date(2026, 12, 7, 10, 0, 0, 0, campusguard.China)

func mustInspectWorld(t *testing.T, s *sqlstore.Store) *inspectWorld {
	t.Helper()
	s.Now = func() time.Time { return inspectNow }
	w := mustWorld(t, s)
	as := func(u *campusguard.User) context.Context { return sqlstoretest.ActorCtx(t, s, u) }
	g := func(r campusguard.AccessRole, o *campusguard.Org) campusguard.Grant {
		return campusguard.Grant{Role: r, OrgID: o.ID}
	}
	iw := &inspectWorld{world: w, today: campusguard.Today(inspectNow),
		bureau:      as(sqlstoretest.MustUser(t, s, g(campusguard.RegionAdmin, w.county))),
		inspector:   as(sqlstoretest.MustUser(t, s, g(campusguard.Inspector, w.county))),
		viewer:      as(sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: campusguard.DutyMarket})),
		otherBureau: as(sqlstoretest.MustUser(t, s, g(campusguard.RegionAdmin, w.county2))),
	}
	staff := &campusguard.User{Login: "staff-self", Name: "教师本人", PersonID: &w.staff.ID,
		Grants: []campusguard.Grant{g(campusguard.StaffMember, w.school)}}
	if err := s.CreateUser(ctx, staff, sqlstoretest.Password); err != nil {
		t.Fatal(err)
	}
	iw.schoolRoles = map[campusguard.AccessRole]context.Context{
		campusguard.SchoolAdmin:  as(sqlstoretest.MustUser(t, s, g(campusguard.SchoolAdmin, w.school))),
		campusguard.HealthOffice: as(sqlstoretest.MustUser(t, s, g(campusguard.HealthOffice, w.school))),
		campusguard.ClassTeacher: as(sqlstoretest.MustUser(t, s, g(campusguard.ClassTeacher, w.class))),
		campusguard.GateStaff:    as(sqlstoretest.MustUser(t, s, g(campusguard.GateStaff, w.school))),
		campusguard.StaffMember:  as(staff),
		campusguard.GuardianRole: as(guardianUser(t, s, w)),
	}
	if len(iw.schoolRoles) != len(campusguard.SchoolLevelRoles) {
		t.Fatal("a school-level role is missing from the world")
	}
	return iw
}

// plan creates an inspection of the county this week.
func (w *inspectWorld) plan(t *testing.T, s *sqlstore.Store, announced bool) *campusguard.Inspection {
	t.Helper()
	in := &campusguard.Inspection{RegionID: w.county.ID, Title: "本周联合检查", Team: "第一组", Announced: announced,
		From: w.today, To: w.today.AddDays(6), Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation},
			{Name: "李警官", Agency: campusguard.AgencyPolice}}}
	if err := s.CreateInspection(w.inspector, in); err != nil {
		t.Fatalf("CreateInspection = %v", err)
	}
	return in
}

func (w *inspectWorld) visit(t *testing.T, s *sqlstore.Store, in *campusguard.Inspection, school *campusguard.Org, day campusguard.Date) *campusguard.Visit {
	t.Helper()
	v, err := s.AddVisit(w.inspector, in.ID, school.ID, day)
	if err != nil {
		t.Fatalf("AddVisit = %v", err)
	}
	return v
}

// carryOut gives every item a result and closes the visit.
func (w *inspectWorld) carryOut(t *testing.T, s *sqlstore.Store, v *campusguard.Visit) {
	t.Helper()
	for _, r := range v.Results {
		if err := s.RecordResult(w.inspector, v.ID, r.Item.Code, campusguard.ResultPass, ""); err != nil {
			t.Fatalf("RecordResult(%s) = %v", r.Item.Code, err)
		}
	}
	if err := s.CloseVisit(w.inspector, v.ID, "检查完毕"); err != nil {
		t.Fatalf("CloseVisit = %v", err)
	}
}

func (w *inspectWorld) finding(t *testing.T, s *sqlstore.Store, v *campusguard.Visit, sev campusguard.FindingSeverity, deadline campusguard.Date, files ...int64) *campusguard.InspectionFinding {
	t.Helper()
	f := &campusguard.InspectionFinding{Severity: sev, Note: "留观室堆放杂物", Code: "H1", Deadline: &deadline, Responsible: "张校长",
		FileIDs: files}
	if err := s.AddFinding(w.inspector, v.ID, f); err != nil {
		t.Fatalf("AddFinding = %v", err)
	}
	return f
}

func inboxSubjects(t *testing.T, s *sqlstore.Store, actx context.Context) []string {
	t.Helper()
	ns, _, err := s.Inbox(actx, false, 0, 100)
	if err != nil {
		t.Fatalf("Inbox = %v", err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.Subject)
	}
	return out
}

// TestInspectionRoleMatrix: who may plan, visit and read inspections.
func TestInspectionRoleMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		in := &campusguard.Inspection{RegionID: w.county.ID, Title: "月度检查", Team: "第二组", Announced: true,
			From: w.today, To: w.today.AddDays(30), Members: []campusguard.TeamMember{{Name: "赵", Agency: campusguard.AgencyMarket}}}
		try := func(actx context.Context) error { c := *in; c.ID = 0; return s.CreateInspection(actx, &c) }
		wantCode(t, "CreateInspection(viewer)", try(w.viewer), campusguard.Forbidden, "")
		wantCode(t, "CreateInspection(other county)", try(w.otherBureau), campusguard.NotFound, "")
		for r, actx := range w.schoolRoles {
			wantCode(t, "CreateInspection("+string(r)+")", try(actx), campusguard.NotFound, "")
		}
		if err := try(w.bureau); err != nil {
			t.Fatalf("CreateInspection(bureau) = %v", err)
		}
		p := w.plan(t, s, true)
		bad := *in
		bad.Title, bad.Members = "", nil
		wantCode(t, "CreateInspection(no title)", s.CreateInspection(w.bureau, &bad), campusguard.Invalid, "title")

		_, err := s.AddVisit(w.bureau, p.ID, w.school3.ID, w.today)
		wantCode(t, "AddVisit(other county's school)", err, campusguard.Invalid, "school_id")
		_, err = s.AddVisit(w.bureau, p.ID, w.school.ID, w.today.AddDays(7))
		wantCode(t, "AddVisit(after the period)", err, campusguard.Invalid, "day")
		_, err = s.AddVisit(w.viewer, p.ID, w.school.ID, w.today)
		wantCode(t, "AddVisit(viewer)", err, campusguard.Forbidden, "")
		_, err = s.AddVisit(w.schoolRoles[campusguard.SchoolAdmin], p.ID, w.school.ID, w.today)
		wantCode(t, "AddVisit(principal)", err, campusguard.NotFound, "")
		v := w.visit(t, s, p, w.school, w.today)
		if len(v.Results) != len(campusguard.DefaultInspectionChecklist()) {
			t.Errorf("visit checklist = %d items, want the default's", len(v.Results))
		}

		for name, actx := range map[string]context.Context{"bureau": w.bureau, "inspector": w.inspector, "viewer": w.viewer} {
			ins, err := s.FindInspections(actx, campusguard.InspectionFilter{RegionID: w.county.ID})
			if err != nil || len(ins) != 2 {
				t.Errorf("FindInspections(%s) = %d, %v; want 2", name, len(ins), err)
			}
			got, err := s.FindInspection(actx, p.ID)
			if err != nil || len(got.Visits) != 1 || len(got.Members) != 2 {
				t.Errorf("FindInspection(%s) = %+v, %v", name, got, err)
			}
		}
		_, err = s.FindInspections(w.otherBureau, campusguard.InspectionFilter{RegionID: w.county.ID})
		wantCode(t, "FindInspections(other county)", err, campusguard.NotFound, "")
		_, err = s.FindVisit(w.otherBureau, v.ID)
		wantCode(t, "FindVisit(other county)", err, campusguard.NotFound, "")
		err = s.RecordResult(w.viewer, v.ID, "G1", campusguard.ResultPass, "")
		wantCode(t, "RecordResult(viewer)", err, campusguard.Forbidden, "")
		err = s.RecordResult(w.schoolRoles[campusguard.SchoolAdmin], v.ID, "G1", campusguard.ResultPass, "")
		wantCode(t, "RecordResult(principal)", err, campusguard.Forbidden, "") // an announced visit: seen, not inspected
		err = s.RecordResult(w.inspector, v.ID, "Z9", campusguard.ResultPass, "")
		wantCode(t, "RecordResult(unknown item)", err, campusguard.Invalid, "code")

		// Checklist: the region's inspectors set it; a new version leaves
		// planned visits theirs.
		_, err = s.SetInspectionChecklist(w.viewer, w.county.ID, campusguard.DefaultInspectionChecklist()[:2])
		wantCode(t, "SetInspectionChecklist(viewer)", err, campusguard.Forbidden, "")
		_, err = s.SetInspectionChecklist(w.schoolRoles[campusguard.SchoolAdmin], w.county.ID, campusguard.DefaultInspectionChecklist()[:2])
		wantCode(t, "SetInspectionChecklist(principal)", err, campusguard.NotFound, "")
		c, err := s.SetInspectionChecklist(w.inspector, w.county.ID, campusguard.DefaultInspectionChecklist()[:2])
		if err != nil || c.Version != 2 {
			t.Fatalf("SetInspectionChecklist = %+v, %v; want version 2", c, err)
		}
		old, _ := s.FindVisit(w.inspector, v.ID)
		if len(old.Results) != len(campusguard.DefaultInspectionChecklist()) {
			t.Errorf("planned visit's checklist = %d items after a new version", len(old.Results))
		}
		if v2 := w.visit(t, s, p, w.school2, w.today); len(v2.Results) != 2 {
			t.Errorf("new visit's checklist = %d items, want 2", len(v2.Results))
		}
	})
}

// TestUnannouncedVisitInvisible walks every store read a school-level
// account could use, for every school-level role: an unannounced visit
// does not exist for them until it is closed.
func TestUnannouncedVisitInvisible(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		covert := w.plan(t, s, false)
		open := w.plan(t, s, true)
		vu := w.visit(t, s, covert, w.school, w.today)
		va := w.visit(t, s, open, w.school, w.today.AddDays(1))
		// A finding's photo is the region's: no school account reads it
		// before the finding is saved (nor after, until the visit closes).
		photo, err := s.PutFile(w.inspector, campusguard.Upload{OrgID: w.county.ID, Name: "留观室.png", Data: pngBytes(t, 8, 8, 3)})
		if err != nil {
			t.Fatalf("PutFile(inspector) = %v", err)
		}
		for role, actx := range w.schoolRoles {
			if _, err := s.FindFile(actx, photo.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
				t.Errorf("FindFile(%s, a photo not yet a finding's) = %v, want not found", role, err)
			}
		}
		schoolFile, err := s.PutFile(w.inspector, campusguard.Upload{OrgID: w.school.ID, Name: "x.png", Data: pngBytes(t, 8, 8, 4)})
		if err != nil {
			t.Fatalf("PutFile(inspector, school) = %v", err)
		}
		bad := &campusguard.InspectionFinding{Severity: campusguard.SeverityMinor, Note: "x", FileIDs: []int64{schoolFile.ID}}
		wantCode(t, "AddFinding(a school's file)", s.AddFinding(w.inspector, vu.ID, bad), campusguard.Invalid, "file_ids")
		if got, err := s.FindVisit(w.inspector, vu.ID); err != nil || len(got.FindingList) != 0 {
			t.Fatalf("after a refused finding: %v findings, %v", got, err)
		}
		w.finding(t, s, vu, campusguard.SeverityCritical, w.today.AddDays(3), photo.ID)

		// sees checks every read; visible lists the visits it must find.
		sees := func(t *testing.T, who string, actx context.Context, visible []int64, regionLevel, closed bool) {
			t.Helper()
			ids := func(vs []*campusguard.Visit) []int64 {
				var out []int64
				for _, v := range vs {
					out = append(out, v.ID)
				}
				return out
			}
			only := func(id int64) []int64 {
				if slices.Contains(visible, id) {
					return []int64{id}
				}
				return nil
			}
			var closedOnes []int64
			if closed {
				closedOnes = only(vu.ID)
			}
			no := false
			for _, c := range []struct {
				f    campusguard.VisitFilter
				want []int64
			}{
				{campusguard.VisitFilter{SchoolID: &w.school.ID}, visible},
				{campusguard.VisitFilter{RegionID: w.county.ID}, visible},
				{campusguard.VisitFilter{InspectionID: &covert.ID}, only(vu.ID)},
				{campusguard.VisitFilter{SchoolID: &w.school.ID, Day: &w.today}, only(vu.ID)},
				{campusguard.VisitFilter{Open: &no}, closedOnes},
			} {
				vs, err := s.FindVisits(actx, c.f)
				if err != nil {
					t.Fatalf("FindVisits(%s, %+v) = %v", who, c.f, err)
				}
				if got := ids(vs); !slices.Equal(got, c.want) {
					t.Errorf("FindVisits(%s, %+v) = %v, want %v", who, c.f, got, c.want)
				}
				n, err := s.CountVisits(actx, c.f)
				if err != nil || n != len(c.want) {
					t.Errorf("CountVisits(%s, %+v) = %d, %v; want %d", who, c.f, n, err, len(c.want))
				}
			}
			_, err := s.FindVisit(actx, vu.ID)
			if slices.Contains(visible, vu.ID) != (err == nil) {
				t.Errorf("FindVisit(%s, unannounced) = %v", who, err)
			}
			_, err = s.FindFile(actx, photo.ID)
			if slices.Contains(visible, vu.ID) != (err == nil) {
				t.Errorf("FindFile(%s, the finding's photo) = %v", who, err)
			}
			_, err = s.FindInspection(actx, covert.ID)
			if regionLevel != (err == nil) {
				t.Errorf("FindInspection(%s, unannounced) = %v", who, err)
			}
			ins, err := s.FindInspections(actx, campusguard.InspectionFilter{RegionID: w.county.ID})
			if regionLevel != (err == nil && len(ins) == 2) {
				t.Errorf("FindInspections(%s) = %d, %v", who, len(ins), err)
			}
			cov, err := s.Coverage(actx, w.county.ID, w.today, w.today.AddDays(6))
			if regionLevel != (err == nil && len(cov.Schools) == 2) {
				t.Errorf("Coverage(%s) = %+v, %v", who, cov, err)
			}
			_, err = s.InspectionChecklist(actx, w.county.ID)
			if regionLevel != (err == nil) {
				t.Errorf("InspectionChecklist(%s) = %v", who, err)
			}
		}
		region := map[string]context.Context{"bureau": w.bureau, "inspector": w.inspector, "viewer": w.viewer}
		for name, actx := range region {
			sees(t, name, actx, []int64{vu.ID, va.ID}, true, false)
		}
		readers := func(r campusguard.AccessRole) bool {
			return r == campusguard.SchoolAdmin || r == campusguard.HealthOffice
		}
		for r, actx := range w.schoolRoles {
			var visible []int64
			if readers(r) {
				visible = []int64{va.ID}
			}
			sees(t, string(r)+" before", actx, visible, false, false)
			items, err := s.FindRectifications(actx, campusguard.RectFilter{OrgID: w.school.ID})
			if len(items) != 0 {
				t.Errorf("FindRectifications(%s) = %d items, %v", r, len(items), err)
			}
			if subj := inboxSubjects(t, s, actx); len(subj) != 0 {
				t.Errorf("Inbox(%s) = %v before the visit is carried out", r, subj)
			}
		}
		// A school's account cannot write to it either, not even learn it
		// is there: NotFound, as for a visit that does not exist.
		err = s.CloseVisit(w.schoolRoles[campusguard.SchoolAdmin], vu.ID, "")
		wantCode(t, "CloseVisit(principal, unannounced)", err, campusguard.NotFound, "")

		vu, _ = s.FindVisit(w.inspector, vu.ID)
		w.carryOut(t, s, vu)
		for r, actx := range w.schoolRoles {
			var visible []int64
			if readers(r) {
				visible = []int64{vu.ID, va.ID}
			}
			sees(t, string(r)+" after", actx, visible, false, true)
			items, _ := s.FindRectifications(actx, campusguard.RectFilter{OrgID: w.school.ID})
			if readers(r) != (len(items) == 1) {
				t.Errorf("FindRectifications(%s) after = %d items", r, len(items))
			}
			if subj := inboxSubjects(t, s, actx); readers(r) != slices.Equal(subj, []string{"rect.inbox_open"}) {
				t.Errorf("Inbox(%s) after = %v", r, subj)
			}
		}
		// Critical: the bureau is told at once.
		if subj := inboxSubjects(t, s, w.bureau); !slices.Equal(subj, []string{"rect.inbox_critical"}) {
			t.Errorf("Inbox(bureau) = %v, want the critical item", subj)
		}
	})
}

// TestRectificationFlow: open → answered → returned → answered → closed,
// every step kept; wrong steps refused and nothing changed.
func TestRectificationFlow(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal, teacher := w.schoolRoles[campusguard.SchoolAdmin], w.schoolRoles[campusguard.ClassTeacher]
		v := w.visit(t, s, w.plan(t, s, true), w.school, w.today)
		w.finding(t, s, v, campusguard.SeveritySerious, w.today.AddDays(3))
		minor := &campusguard.InspectionFinding{Severity: campusguard.SeverityMinor, Note: "通风记录缺一天"}
		if err := s.AddFinding(w.inspector, v.ID, minor); err != nil {
			t.Fatal(err)
		}
		bad := &campusguard.InspectionFinding{Severity: "grave", Note: "x"}
		wantCode(t, "AddFinding(bad severity)", s.AddFinding(w.inspector, v.ID, bad), campusguard.Invalid, "severity")
		err := s.CloseVisit(w.inspector, v.ID, "")
		wantCode(t, "CloseVisit(unchecked)", err, campusguard.Invalid, "G1")
		v, _ = s.FindVisit(w.inspector, v.ID)
		if len(v.FindingList) != 2 || v.Closed() {
			t.Fatalf("visit = %d findings, closed %v; want 2, open", len(v.FindingList), v.Closed())
		}
		w.carryOut(t, s, v)
		late := &campusguard.InspectionFinding{Severity: campusguard.SeverityMinor, Note: "x"}
		wantCode(t, "AddFinding(closed visit)", s.AddFinding(w.inspector, v.ID, late), campusguard.Conflict, "")
		wantCode(t, "CloseVisit(again)", s.CloseVisit(w.inspector, v.ID, ""), campusguard.Conflict, "")

		items, err := s.FindRectifications(w.bureau, campusguard.RectFilter{OrgID: w.county.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("FindRectifications = %d, %v; want 1 (the minor finding has no deadline)", len(items), err)
		}
		id := items[0].ID
		if it := items[0]; it.State != campusguard.RectOpen || it.Responsible != "张校长" || it.Severity != campusguard.SeveritySerious {
			t.Errorf("item = %+v", it)
		}
		_, err = s.FindRectification(w.otherBureau, id)
		wantCode(t, "FindRectification(other county)", err, campusguard.NotFound, "")
		_, err = s.FindRectification(teacher, id)
		wantCode(t, "FindRectification(class teacher)", err, campusguard.NotFound, "")
		wantCode(t, "Answer(teacher)", s.AnswerRectification(teacher, id, "x", nil), campusguard.NotFound, "")
		wantCode(t, "Answer(inspector)", s.AnswerRectification(w.inspector, id, "x", nil), campusguard.Forbidden, "")
		wantCode(t, "Answer(no note)", s.AnswerRectification(principal, id, " ", nil), campusguard.Invalid, "note")
		other, err := s.PutFile(w.bureau, campusguard.Upload{OrgID: w.school2.ID, Name: "a.png", Data: pngBytes(t, 4, 4, 1)})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, "Answer(another school's file)", s.AnswerRectification(principal, id, "x", []int64{other.ID}), campusguard.Invalid, "file_ids")
		wantCode(t, "Verify(open)", s.VerifyRectification(w.inspector, id, campusguard.VerdictAccept, ""), campusguard.Conflict, "")

		ev, err := s.PutFile(principal, campusguard.Upload{OrgID: w.school.ID, Name: "整改后.png", Data: pngBytes(t, 8, 8, 9)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerRectification(principal, id, "已清理杂物", []int64{ev.ID}); err != nil {
			t.Fatalf("Answer = %v", err)
		}
		wantCode(t, "Answer(answered)", s.AnswerRectification(principal, id, "again", nil), campusguard.Conflict, "")
		wantCode(t, "Verify(principal)", s.VerifyRectification(principal, id, campusguard.VerdictAccept, ""), campusguard.Forbidden, "")
		wantCode(t, "Return(no comment)", s.VerifyRectification(w.inspector, id, campusguard.VerdictReturn, ""), campusguard.Invalid, "comment")
		if err := s.VerifyRectification(w.inspector, id, campusguard.VerdictReturn, "照片看不清"); err != nil {
			t.Fatalf("Return = %v", err)
		}
		if err := s.AnswerRectification(w.schoolRoles[campusguard.HealthOffice], id, "重新拍照", nil); err != nil {
			t.Fatalf("Answer again = %v", err)
		}
		if err := s.VerifyRectification(w.bureau, id, campusguard.VerdictAccept, ""); err != nil {
			t.Fatalf("Close = %v", err)
		}
		wantCode(t, "Answer(closed)", s.AnswerRectification(principal, id, "x", nil), campusguard.Conflict, "")
		it, err := s.FindRectification(principal, id)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range it.History {
			steps = append(steps, e.Event)
		}
		if want := []string{"open", "answer", "return", "answer", "close"}; !slices.Equal(steps, want) || it.State != campusguard.RectClosed {
			t.Errorf("history = %v (%s), want %v, closed", steps, it.State, want)
		}
		if len(it.History[1].Files) != 1 || it.History[1].Files[0].ID != ev.ID || it.History[2].Note != "照片看不清" {
			t.Errorf("history = %+v", it.History)
		}
		if subj := inboxSubjects(t, s, principal); !slices.Equal(subj, []string{"rect.inbox_returned", "rect.inbox_open"}) {
			t.Errorf("Inbox(principal) = %v", subj)
		}
	})
}

// TestRectificationOverdue: with a fake clock, an item is overdue the day
// after its deadline; each is told of once; a closed one never.
func TestRectificationOverdue(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		v := w.visit(t, s, w.plan(t, s, true), w.school, w.today)
		w.finding(t, s, v, campusguard.SeveritySerious, w.today)          // due today
		w.finding(t, s, v, campusguard.SeverityMinor, w.today.AddDays(1)) // closed before it is due
		v, _ = s.FindVisit(w.inspector, v.ID)
		w.carryOut(t, s, v)
		items, _ := s.FindRectifications(w.bureau, campusguard.RectFilter{OrgID: w.county.ID})
		if len(items) != 2 {
			t.Fatalf("items = %d, want 2", len(items))
		}
		done := items[1].ID
		if items[0].Deadline != w.today {
			items[0], items[1] = items[1], items[0]
			done = items[1].ID
		}
		if err := s.AnswerRectification(principal, done, "已整改", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyRectification(w.inspector, done, campusguard.VerdictAccept, ""); err != nil {
			t.Fatal(err)
		}
		sys := campusguard.SystemContext(context.Background(), "test overdue")
		for _, c := range []struct {
			day  campusguard.Date
			want int
		}{{w.today, 0}, {w.today.AddDays(1), 1}, {w.today.AddDays(1), 0}, {w.today.AddDays(5), 0}} {
			if n, err := s.NotifyOverdue(sys, w.county.ID, c.day); err != nil || n != c.want {
				t.Errorf("NotifyOverdue(%s) = %d, %v; want %d", c.day, n, err, c.want)
			}
		}
		yes := true
		over, err := s.FindRectifications(principal, campusguard.RectFilter{OrgID: w.school.ID, Overdue: &yes, Today: w.today.AddDays(1)})
		if err != nil || len(over) != 1 || !over[0].Overdue || over[0].ID == done {
			t.Errorf("FindRectifications(overdue) = %+v, %v", over, err)
		}
		over, _ = s.FindRectifications(principal, campusguard.RectFilter{OrgID: w.school.ID, Overdue: &yes, Today: w.today})
		if len(over) != 0 {
			t.Errorf("FindRectifications(overdue on the deadline) = %d, want 0", len(over))
		}
		for name, actx := range map[string]context.Context{"principal": principal, "bureau": w.bureau, "inspector": w.inspector} {
			if subj := inboxSubjects(t, s, actx); !slices.Contains(subj, "rect.inbox_overdue") {
				t.Errorf("Inbox(%s) = %v, want the overdue item", name, subj)
			}
		}
		if subj := inboxSubjects(t, s, w.schoolRoles[campusguard.ClassTeacher]); len(subj) != 0 {
			t.Errorf("Inbox(class teacher) = %v", subj)
		}
		_, err = s.NotifyOverdue(principal, w.county.ID, w.today)
		wantCode(t, "NotifyOverdue(principal)", err, campusguard.NotFound, "")
	})
}

// TestInspectionCoverage: the period's edges, announced and unannounced,
// planned visits not counted, another county's schools not listed.
func TestInspectionCoverage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		open, covert := w.plan(t, s, true), w.plan(t, s, false)
		first := w.visit(t, s, open, w.school, w.today)
		last := w.visit(t, s, covert, w.school, w.today.AddDays(6))
		w.visit(t, s, open, w.school2, w.today.AddDays(2)) // planned, not carried out
		for _, v := range []*campusguard.Visit{first, last} {
			w.carryOut(t, s, v)
		}
		for _, c := range []struct {
			name              string
			from, to          campusguard.Date
			school            campusguard.SchoolCoverage
			inspected, notYet int
		}{
			{"the week", w.today, w.today.AddDays(6), campusguard.SchoolCoverage{Announced: 1, Unannounced: 1}, 1, 1},
			{"first day only", w.today, w.today, campusguard.SchoolCoverage{Announced: 1}, 1, 1},
			{"last day only", w.today.AddDays(6), w.today.AddDays(6), campusguard.SchoolCoverage{Unannounced: 1}, 1, 1},
			{"between", w.today.AddDays(1), w.today.AddDays(5), campusguard.SchoolCoverage{}, 0, 2},
			{"the day before", w.today.AddDays(-1), w.today.AddDays(-1), campusguard.SchoolCoverage{}, 0, 2},
		} {
			t.Run(c.name, func(t *testing.T) {
				cov, err := s.Coverage(w.bureau, w.county.ID, c.from, c.to)
				if err != nil {
					t.Fatal(err)
				}
				if len(cov.Schools) != 2 {
					t.Fatalf("Coverage = %d schools, want the county's 2", len(cov.Schools))
				}
				var got campusguard.SchoolCoverage
				for _, l := range cov.Schools {
					if l.SchoolID == w.school.ID {
						got = l
					}
				}
				if got.Announced != c.school.Announced || got.Unannounced != c.school.Unannounced || cov.Inspected != c.inspected ||
					cov.NotYet != c.notYet {
					t.Errorf("Coverage = %+v, school %+v; want %+v, %d inspected", cov, got, c.school, c.inspected)
				}
			})
		}
		_, err := s.Coverage(w.bureau, w.county.ID, w.today, w.today.AddDays(-1))
		wantCode(t, "Coverage(reversed)", err, campusguard.Invalid, "to")
		_, err = s.Coverage(w.bureau, w.school.ID, w.today, w.today)
		wantCode(t, "Coverage(a school)", err, campusguard.NotFound, "")
	})
}
