package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// trainingNow is a Tuesday of the autumn term 2026, in China.
var trainingNow = time.Date(2026, time.October, 13, 10, 0, 0, 0, campusguard.China)

var trainingToday = campusguard.Today(trainingNow)

// trainingWorld is a tree with staff and students, and a few actors.
type trainingWorld struct {
	tr                 *sqlstoretest.Tree
	staff              []*campusguard.Person // three active staff of the school
	left               *campusguard.Person   // a staff member who left
	student, student2  *campusguard.Person   // class 1
	other              *campusguard.Person   // a staff member of the other school
	class2Student      *campusguard.Person
	principal, teacher context.Context
	bureau             context.Context
}

func newTrainingWorld(t *testing.T, s *sqlstore.Store) *trainingWorld {
	t.Helper()
	s.Now = func() time.Time { return trainingNow }
	w := &trainingWorld{tr: sqlstoretest.MustTree(t, s)}
	mk := func(p *campusguard.Person) *campusguard.Person {
		t.Helper()
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson(%s) = %v", p.Name, err)
		}
		return p
	}
	school := w.tr.School.ID
	for i, name := range []string{"王老师", "李校医", "赵师傅"} {
		w.staff = append(w.staff, mk(&campusguard.Person{SchoolID: school, Kind: campusguard.Staff, Role: campusguard.RoleTeacher,
			Name: name, Number: fmt.Sprintf("T%d", i+1)}))
	}
	w.left = mk(&campusguard.Person{SchoolID: school, Kind: campusguard.Staff, Role: campusguard.RoleCleaner, Name: "孙阿姨", Number: "T9"})
	w.student = mk(&campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "陈小明", Number: "S1", ClassID: &w.tr.Class1.ID})
	w.student2 = mk(&campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "林小红", Number: "S2", ClassID: &w.tr.Class1.ID})
	w.class2Student = mk(&campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "周小刚", Number: "S3", ClassID: &w.tr.Class2.ID})
	w.other = mk(&campusguard.Person{SchoolID: w.tr.Other.ID, Kind: campusguard.Staff, Role: campusguard.RoleTeacher, Name: "吴老师", Number: "O1"})
	as := func(g campusguard.Grant) context.Context {
		return sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, g))
	}
	w.principal = as(campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school})
	w.teacher = as(campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.tr.Class1.ID})
	w.bureau = as(campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.tr.County.ID})
	return w
}

func (w *trainingWorld) session(topic string, day campusguard.Date, people ...*campusguard.Person) *campusguard.TrainingSession {
	x := &campusguard.TrainingSession{SchoolID: w.tr.School.ID, Kind: campusguard.StaffTraining, Topic: topic, Day: day,
		Trainer: "县疾控中心 张医生", AttendeeIDs: []int64{}}
	for _, p := range people {
		x.AttendeeIDs = append(x.AttendeeIDs, p.ID)
	}
	return x
}

func mustSession(t *testing.T, s *sqlstore.Store, c context.Context, x *campusguard.TrainingSession) *campusguard.TrainingSession {
	t.Helper()
	if err := s.CreateTrainingSession(c, x); err != nil {
		t.Fatalf("CreateTrainingSession(%+v) = %v", x, err)
	}
	return x
}

// TestTrainingCoverage: sessions and attendance give the school's
// coverage per topic and the staff never trained; a person trained twice
// counts once, a session of the last term not at all, a person who left
// drops out; the region's line counts the same; each change is audited.
func TestTrainingCoverage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newTrainingWorld(t, s)
		wang, li, zhao := w.staff[0], w.staff[1], w.staff[2]
		term := campusguard.TermOf(trainingToday)
		cov := func() *campusguard.TrainingCoverage {
			t.Helper()
			c, err := s.SchoolTrainingCoverage(w.principal, w.tr.School.ID, term)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c := cov()
		if c.Staff != 4 || len(c.Topics) != len(campusguard.DefaultTrainingTopics()) || len(c.NeverTrained) != 4 {
			t.Fatalf("before any session: %d staff, %d topics, %d never trained", c.Staff, len(c.Topics), len(c.NeverTrained))
		}
		// The cleaner leaves before anything is recorded of her.
		if _, err := s.UpdatePerson(ctx, w.left.ID, campusguard.PersonUpdate{Active: ptrTo(false)}); err != nil {
			t.Fatal(err)
		}
		mustSession(t, s, w.principal, w.session("prevention", trainingToday.AddDays(-7), wang, li))
		mustSession(t, s, w.principal, w.session("prevention", trainingToday, wang))                 // twice: counts once
		mustSession(t, s, w.principal, w.session("isolation", term.Start().AddDays(-1), zhao, wang)) // last term
		x := mustSession(t, s, w.principal, w.session("isolation", trainingToday.AddDays(-1), li))
		c = cov()
		if c.Staff != 3 {
			t.Errorf("staff = %d, want 3 (one left)", c.Staff)
		}
		if got := c.Topics[0]; got.Topic.Code != "prevention" || got.Trained != 2 || len(got.Untrained) != 1 || got.Untrained[0].ID != zhao.ID {
			t.Errorf("prevention: %+v", got)
		}
		if got := c.Topics[2]; got.Topic.Code != "isolation" || got.Trained != 1 {
			t.Errorf("isolation: %+v, want 1 trained (last term's session does not count)", got)
		}
		if len(c.NeverTrained) != 1 || c.NeverTrained[0].ID != zhao.ID {
			t.Errorf("never trained = %+v, want 赵师傅", c.NeverTrained)
		}
		// Attendance corrected: 赵师傅 was there after all.
		if err := s.SetTrainingAttendance(w.principal, x.ID, []int64{li.ID, zhao.ID, zhao.ID}); err != nil {
			t.Fatal(err)
		}
		c = cov()
		if c.Topics[2].Trained != 2 || len(c.NeverTrained) != 0 {
			t.Errorf("after the correction: isolation %d, never trained %d", c.Topics[2].Trained, len(c.NeverTrained))
		}
		got, err := s.FindTrainingSession(w.principal, x.ID)
		if err != nil || len(got.Attendees) != 2 || got.Attended != 2 || got.SchoolName != w.tr.School.Name {
			t.Fatalf("FindTrainingSession = %+v, %v", got, err)
		}
		list, err := s.FindTrainingSessions(w.principal, w.tr.School.ID, term)
		if err != nil || len(list) != 3 || list[0].Day != trainingToday || list[0].Attended != 1 {
			t.Fatalf("FindTrainingSessions = %d sessions, %v", len(list), err)
		}
		// The region: one line per school, the same counts, and totals.
		rc, err := s.RegionTrainingCoverage(w.bureau, w.tr.County.ID, term)
		if err != nil || len(rc.Schools) != 2 {
			t.Fatalf("RegionTrainingCoverage = %+v, %v", rc, err)
		}
		line := rc.Schools[0]
		if line.SchoolID != w.tr.School.ID || line.Staff != 3 || line.Trained[0] != 2 || line.Trained[2] != 2 || line.Sessions != 3 ||
			line.NeverTrained != 0 {
			t.Errorf("the school's line = %+v", line)
		}
		if other := rc.Schools[1]; other.Staff != 1 || other.NeverTrained != 1 || other.Sessions != 0 {
			t.Errorf("the other school's line = %+v", other)
		}
		if rc.Staff != 4 || rc.Trained[0] != 2 {
			t.Errorf("totals: %d staff, %v trained", rc.Staff, rc.Trained)
		}
		// A class's health education: the teacher, the class's students.
		he := &campusguard.TrainingSession{SchoolID: w.tr.School.ID, Kind: campusguard.HealthEducation, Topic: campusguard.TopicOther,
			Title: "七步洗手法", Day: trainingToday, Trainer: "王老师", ClassID: &w.tr.Class1.ID,
			AttendeeIDs: []int64{w.student.ID, w.student2.ID}}
		mustSession(t, s, w.teacher, he)
		if c2 := cov(); c2.Topics[0].Trained != 2 {
			t.Errorf("health education changed staff coverage: %+v", c2.Topics[0])
		}
		mine, err := s.FindTrainingSessions(w.teacher, w.tr.School.ID, term)
		if err != nil || len(mine) != 1 || mine[0].ClassName != "一年级1班" {
			t.Errorf("the teacher's sessions = %+v, %v", mine, err)
		}
		entries, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: ptrTo("create_training")})
		if err != nil || len(entries) != 5 {
			t.Errorf("create_training audited %d times, want 5 (%v)", len(entries), err)
		}
		entries, _, err = s.FindAudit(ctx, campusguard.AuditFilter{Action: ptrTo("set_training_attendance")})
		if err != nil || len(entries) != 1 || entries[0].Object != fmt.Sprintf("training:%d", x.ID) {
			t.Errorf("set_training_attendance audit = %+v, %v", entries, err)
		}
	})
}

// TestTrainingTopics: a term's list set by the region, kept for the
// terms after until set again, the default before; a bad list refused.
func TestTrainingTopics(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newTrainingWorld(t, s)
		county := w.tr.County.ID
		term := campusguard.TermOf(trainingToday)
		mine := []campusguard.TrainingTopic{{Code: "prevention", Name: "防控知识"}, {Code: "canteen", Name: "食堂卫生"}}
		if err := s.SetTrainingTopics(w.bureau, county, term, mine); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			term campusguard.Term
			want int
		}{{term, 2}, {term.Next(), 2}, {term.Prev(), len(campusguard.DefaultTrainingTopics())}} {
			got, err := s.TrainingTopics(w.principal, county, tt.term)
			if err != nil || len(got) != tt.want {
				t.Errorf("TrainingTopics(%s) = %d, %v; want %d", tt.term, len(got), err, tt.want)
			}
		}
		err := s.SetTrainingTopics(w.bureau, county, term, []campusguard.TrainingTopic{{Code: "a", Name: "x"}, {Code: "a", Name: "y"}})
		if fs := campusguard.ErrorFields(err); len(fs) != 1 || fs[0].Field != "topics" || fs[0].Row != 2 {
			t.Errorf("a code twice: %v", err)
		}
		if got, _ := s.TrainingTopics(w.bureau, county, term); len(got) != 2 || got[1].Code != "canteen" {
			t.Errorf("a refused list changed the topics: %+v", got)
		}
		// A session on a topic of the region's list, not of the default.
		mustSession(t, s, w.principal, w.session("canteen", trainingToday, w.staff[0]))
		if err := s.CreateTrainingSession(w.principal, w.session("isolation", trainingToday, w.staff[0])); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("a topic the region dropped: %v", err)
		}
		if err := s.SetTrainingTopics(w.principal, county, term, mine); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("a principal sets the topics: %v", err)
		}
		if entries, _, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: ptrTo("set_training_topics")}); err != nil || len(entries) != 1 {
			t.Errorf("set_training_topics audited %d times, %v", len(entries), err)
		}
	})
}

// TestTrainingBadInput: each bad session refused with the field named,
// and nothing written.
func TestTrainingBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newTrainingWorld(t, s)
		if _, err := s.UpdatePerson(ctx, w.left.ID, campusguard.PersonUpdate{Active: ptrTo(false)}); err != nil {
			t.Fatal(err)
		}
		otherFile, err := s.PutFile(ctx, campusguard.Upload{OrgID: w.tr.Other.ID, Name: "a.pdf", Data: []byte("%PDF-1.4 x")})
		if err != nil {
			t.Fatal(err)
		}
		good := mustSession(t, s, w.principal, w.session("prevention", trainingToday, w.staff[0]))
		sessions, attendance, audits := countRows(t, s, "training_sessions"), countRows(t, s, "training_attendance"), countRows(t, s, "audit_log")
		tests := []struct {
			name  string
			edit  func(x *campusguard.TrainingSession)
			field string
		}{
			{"staff of another school", func(x *campusguard.TrainingSession) { x.AttendeeIDs = []int64{w.staff[0].ID, w.other.ID} }, "attendee_ids"},
			{"a student at staff training", func(x *campusguard.TrainingSession) { x.AttendeeIDs = []int64{w.student.ID} }, "attendee_ids"},
			{"a person who left", func(x *campusguard.TrainingSession) { x.AttendeeIDs = []int64{w.left.ID} }, "attendee_ids"},
			{"nobody", func(x *campusguard.TrainingSession) { x.AttendeeIDs = []int64{999999} }, "attendee_ids"},
			{"a student of another class", func(x *campusguard.TrainingSession) {
				x.Kind, x.ClassID, x.AttendeeIDs = campusguard.HealthEducation, &w.tr.Class1.ID, []int64{w.class2Student.ID}
			}, "attendee_ids"},
			{"a class of another school", func(x *campusguard.TrainingSession) {
				x.Kind, x.ClassID = campusguard.Counselling, &w.tr.OtherClass.ID
			}, "class_id"},
			{"no topic", func(x *campusguard.TrainingSession) { x.Topic = "" }, "topic"},
			{"a day in the future", func(x *campusguard.TrainingSession) { x.Day = trainingToday.AddDays(1) }, "day"},
			{"a day next term", func(x *campusguard.TrainingSession) { x.Day = campusguard.TermOf(trainingToday).Next().Start() }, "day"},
			{"no day", func(x *campusguard.TrainingSession) { x.Day = campusguard.Date{} }, "day"},
			{"no trainer", func(x *campusguard.TrainingSession) { x.Trainer = " " }, "trainer"},
			{"another school's file", func(x *campusguard.TrainingSession) { x.FileID = &otherFile.ID }, "file_id"},
			{"health education without class", func(x *campusguard.TrainingSession) { x.Kind = campusguard.HealthEducation }, "class_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				x := w.session("prevention", trainingToday, w.staff[1])
				tt.edit(x)
				err := s.CreateTrainingSession(w.principal, x)
				fs := campusguard.ErrorFields(err)
				if campusguard.ErrorCode(err) != campusguard.Invalid || len(fs) == 0 || fs[0].Field != tt.field {
					t.Errorf("CreateTrainingSession = %v %+v, want Invalid naming %s", err, fs, tt.field)
				}
			})
		}
		// A correction naming a person not of the school changes nothing.
		err = s.SetTrainingAttendance(w.principal, good.ID, []int64{w.staff[1].ID, w.other.ID})
		if fs := campusguard.ErrorFields(err); len(fs) != 1 || fs[0].Field != "attendee_ids" {
			t.Errorf("SetTrainingAttendance(another school's) = %v", err)
		}
		if got := [3]int{countRows(t, s, "training_sessions"), countRows(t, s, "training_attendance"), countRows(t, s, "audit_log")}; got != [3]int{sessions, attendance, audits} {
			t.Errorf("refused input wrote: sessions, attendance, audit = %v, want %v", got, [3]int{sessions, attendance, audits})
		}
		if x, err := s.FindTrainingSession(w.principal, good.ID); err != nil || len(x.Attendees) != 1 || x.Attendees[0].ID != w.staff[0].ID {
			t.Errorf("after the refused correction: %+v, %v", x, err)
		}
	})
}

// TestTrainingRoles: the role matrix of training, for every role.
func TestTrainingRoles(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newTrainingWorld(t, s)
		school, other, county := w.tr.School.ID, w.tr.Other.ID, w.tr.County.ID
		term := campusguard.TermOf(trainingToday)
		x := mustSession(t, s, w.principal, w.session("prevention", trainingToday, w.staff[0]))
		as := func(g campusguard.Grant) context.Context {
			return sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, g))
		}
		staffPerson := w.staff[2]
		staffUser := &campusguard.User{Login: "staff-self", Name: "赵师傅", PersonID: &staffPerson.ID,
			Grants: []campusguard.Grant{{Role: campusguard.StaffMember, OrgID: school}}}
		if err := s.CreateUser(ctx, staffUser, sqlstoretest.Password); err != nil {
			t.Fatal(err)
		}
		type want struct{ coverage, otherSchool, region, session, record, health, topics campusguard.Code }
		ok := campusguard.Code("")
		nf, fb := campusguard.NotFound, campusguard.Forbidden
		tests := []struct {
			name string
			c    context.Context
			want want
		}{
			{"admin", as(campusguard.Grant{Role: campusguard.SystemAdmin}), want{ok, ok, ok, ok, ok, ok, ok}},
			{"bureau", w.bureau, want{ok, ok, ok, ok, fb, fb, ok}},
			{"cdc", as(campusguard.Grant{Role: campusguard.RegionViewer, OrgID: county, Duty: campusguard.DutyCDC}), want{ok, ok, ok, ok, fb, fb, fb}},
			{"police", as(campusguard.Grant{Role: campusguard.RegionViewer, OrgID: county, Duty: campusguard.DutyPolice}), want{nf, nf, nf, nf, nf, nf, nf}},
			{"inspector", as(campusguard.Grant{Role: campusguard.Inspector, OrgID: county}), want{ok, ok, ok, ok, fb, fb, fb}},
			{"principal", w.principal, want{ok, nf, nf, ok, ok, ok, fb}},
			{"doctor", as(campusguard.Grant{Role: campusguard.HealthOffice, OrgID: school}), want{ok, nf, nf, ok, ok, ok, fb}},
			{"teacher", w.teacher, want{nf, nf, nf, nf, fb, ok, fb}},
			{"gate", as(campusguard.Grant{Role: campusguard.GateStaff, OrgID: school}), want{nf, nf, nf, nf, nf, nf, nf}},
			{"staff", sqlstoretest.ActorCtx(t, s, staffUser), want{nf, nf, nf, nf, nf, nf, nf}},
			{"parent", sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s)), want{nf, nf, nf, nf, nf, nf, nf}},
			{"other school's principal", as(campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: other}), want{nf, ok, nf, nf, nf, nf, fb}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				check := func(what string, err error, want campusguard.Code) {
					t.Helper()
					if got := campusguard.ErrorCode(err); got != want {
						t.Errorf("%s: %v, want %q", what, err, want)
					}
				}
				_, err := s.SchoolTrainingCoverage(tt.c, school, term)
				check("school coverage", err, tt.want.coverage)
				_, err = s.SchoolTrainingCoverage(tt.c, other, term)
				check("other school's coverage", err, tt.want.otherSchool)
				_, err = s.RegionTrainingCoverage(tt.c, county, term)
				check("region coverage", err, tt.want.region)
				_, err = s.FindTrainingSession(tt.c, x.ID)
				check("session", err, tt.want.session)
				err = s.CreateTrainingSession(tt.c, w.session("prevention", trainingToday, w.staff[1]))
				check("record staff training", err, tt.want.record)
				err = s.CreateTrainingSession(tt.c, &campusguard.TrainingSession{SchoolID: school, Kind: campusguard.HealthEducation,
					Topic: "prevention", Day: trainingToday, Trainer: "王老师", ClassID: &w.tr.Class1.ID, AttendeeIDs: []int64{w.student.ID}})
				check("record class health education", err, tt.want.health)
				err = s.SetTrainingTopics(tt.c, county, term, campusguard.DefaultTrainingTopics())
				check("set topics", err, tt.want.topics)
			})
		}
	})
}
