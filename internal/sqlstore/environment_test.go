package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// envWorld is inspectWorld with a classroom for w.class and a canteen at
// w.school, a toilet at w.school2, at noon on a Monday.
type envWorld struct {
	*inspectWorld
	room, canteen, other *campusguard.Space
	noon                 time.Time
}

func mustEnvWorld(t *testing.T, s *sqlstore.Store) *envWorld {
	t.Helper()
	w := &envWorld{inspectWorld: mustInspectWorld(t, s)}
	w.noon = time.Date(2026, 12, 7, 12, 0, 0, 0, campusguard.China)
	s.Now = func() time.Time { return w.noon }
	principal := w.schoolRoles[campusguard.SchoolAdmin]
	w.room = &campusguard.Space{SchoolID: w.school.ID, Kind: campusguard.SpaceClassroom, Name: "一年级1班教室", ClassID: &w.class.ID}
	w.canteen = &campusguard.Space{SchoolID: w.school.ID, Kind: campusguard.SpaceCanteen, Name: "食堂"}
	for _, sp := range []*campusguard.Space{w.room, w.canteen} {
		if err := s.SaveSpace(principal, sp); err != nil {
			t.Fatalf("SaveSpace(%s) = %v", sp.Name, err)
		}
	}
	w.other = &campusguard.Space{SchoolID: w.school2.ID, Kind: campusguard.SpaceToilet, Name: "二小厕所"}
	if err := s.SaveSpace(ctx, w.other); err != nil {
		t.Fatalf("SaveSpace(other school) = %v", err)
	}
	return w
}

func countLogs(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	var n int
	if err := s.WriteDB().QueryRow(`SELECT COUNT(*) FROM env_logs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEnvironmentRoleMatrix: the school's staff log for their school, the
// principal keeps its spaces, the region reads the compliance and sets
// the defaults; gate staff and guardians have no part; another county's
// bureau finds nothing.
func TestEnvironmentRoleMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustEnvWorld(t, s)
		type want struct {
			read, log, manage, region, defaults campusguard.Code // "" allowed
		}
		const ok, nf, fb = campusguard.Code(""), campusguard.NotFound, campusguard.Forbidden
		cases := map[string]struct {
			actx context.Context
			want want
		}{
			"admin":     {ctx, want{ok, ok, ok, ok, ok}},
			"bureau":    {w.bureau, want{ok, fb, fb, ok, ok}},
			"cdc":       {w.viewer, want{ok, fb, fb, ok, fb}},
			"inspector": {w.inspector, want{ok, fb, fb, ok, fb}},
			"principal": {w.schoolRoles[campusguard.SchoolAdmin], want{ok, ok, ok, nf, nf}},
			"doctor":    {w.schoolRoles[campusguard.HealthOffice], want{ok, ok, fb, nf, nf}},
			"teacher":   {w.schoolRoles[campusguard.ClassTeacher], want{ok, ok, fb, nf, nf}},
			"staff":     {w.schoolRoles[campusguard.StaffMember], want{ok, ok, fb, nf, nf}},
			"gate":      {w.schoolRoles[campusguard.GateStaff], want{nf, nf, nf, nf, nf}},
			"parent":    {w.schoolRoles[campusguard.GuardianRole], want{nf, nf, nf, nf, nf}},
			"other":     {w.otherBureau, want{nf, nf, nf, nf, nf}},
		}
		check := func(name, what string, err error, code campusguard.Code) {
			t.Helper()
			if code == ok && err != nil {
				t.Errorf("%s: %s = %v, want allowed", name, what, err)
			} else if code != ok && campusguard.ErrorCode(err) != code {
				t.Errorf("%s: %s = %v, want %s", name, what, err, code)
			}
		}
		for name, c := range cases {
			logs := countLogs(t, s)
			_, err := s.Spaces(c.actx, w.school.ID)
			check(name, "Spaces", err, c.want.read)
			_, err = s.OverdueToday(c.actx, w.school.ID)
			check(name, "OverdueToday", err, c.want.read)
			_, err = s.EnvCompliance(c.actx, w.school.ID, w.today.AddDays(-7), w.today)
			check(name, "EnvCompliance(school)", err, c.want.read)
			_, err = s.LogEnvironment(c.actx, campusguard.EnvLogInput{SchoolID: w.school.ID, SpaceIDs: []int64{w.room.ID},
				Task: campusguard.Ventilation})
			check(name, "LogEnvironment", err, c.want.log)
			if after := countLogs(t, s); (c.want.log == ok) != (after == logs+1) {
				t.Errorf("%s: logs %d -> %d", name, logs, after)
			}
			sp := &campusguard.Space{SchoolID: w.school.ID, Kind: campusguard.SpaceToilet, Name: "厕所 " + name}
			check(name, "SaveSpace", s.SaveSpace(c.actx, sp), c.want.manage)
			_, err = s.EnvCompliance(c.actx, w.county.ID, w.today.AddDays(-7), w.today)
			check(name, "EnvCompliance(county)", err, c.want.region)
			check(name, "SetEnvDefault", s.SetEnvDefault(c.actx, w.county.ID, campusguard.KindSchedule{Kind: campusguard.SpaceToilet,
				Schedule: campusguard.Schedule{Ventilation: 4, Disinfection: campusguard.DisinfectDaily}}), c.want.defaults)
		}
		// A school's spaces are not another school's: the principal of
		// w.school does not see w.school2's.
		_, err := s.Spaces(w.schoolRoles[campusguard.SchoolAdmin], w.school2.ID)
		wantCode(t, "Spaces(another school)", err, campusguard.NotFound, "")
		for _, action := range []string{"create_space", "log_environment", "set_env_schedule"} {
			if countAudit(t, s, action) == 0 {
				t.Errorf("no audit line %q", action)
			}
		}
	})
}

// TestEnvLogBadInput: a log for a space of another school, a log in the
// future, a photo of another school: refused naming the field, and nothing
// is written, not even the post's good spaces.
func TestEnvLogBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustEnvWorld(t, s)
		staff := w.schoolRoles[campusguard.StaffMember]
		otherPhoto, err := s.PutFile(ctx, campusguard.Upload{OrgID: w.school2.ID, Name: "x.png", Data: pngBytes(t, 8, 8, 9)})
		if err != nil {
			t.Fatal(err)
		}
		audits := countAudit(t, s, "log_environment")
		for _, tc := range []struct {
			name  string
			in    campusguard.EnvLogInput
			field string
		}{
			{"another school's space", campusguard.EnvLogInput{SpaceIDs: []int64{w.room.ID, w.other.ID}, Task: campusguard.Ventilation}, "space_ids"},
			{"in the future", campusguard.EnvLogInput{SpaceIDs: []int64{w.room.ID}, Task: campusguard.Ventilation, At: w.noon.Add(time.Hour)}, "at"},
			{"unknown task", campusguard.EnvLogInput{SpaceIDs: []int64{w.room.ID}, Task: "mopping"}, "task"},
			{"another school's photo", campusguard.EnvLogInput{SpaceIDs: []int64{w.room.ID}, Task: campusguard.Disinfection, FileID: &otherPhoto.ID}, "file_id"},
		} {
			tc.in.SchoolID = w.school.ID
			_, err := s.LogEnvironment(staff, tc.in)
			wantCode(t, "LogEnvironment("+tc.name+")", err, campusguard.Invalid, tc.field)
		}
		if n := countLogs(t, s); n != 0 {
			t.Errorf("after refused posts: %d logs, want 0", n)
		}
		if n := countAudit(t, s, "log_environment"); n != audits {
			t.Errorf("after refused posts: %d audit lines, want %d", n, audits)
		}
		// The staff member's own photo of the school is taken, and they
		// read it back through the log.
		photo, err := s.PutFile(staff, campusguard.Upload{OrgID: w.school.ID, Name: "窗.png", Data: pngBytes(t, 8, 8, 10)})
		if err != nil {
			t.Fatalf("PutFile(staff) = %v", err)
		}
		logs, err := s.LogEnvironment(staff, campusguard.EnvLogInput{SchoolID: w.school.ID, SpaceIDs: []int64{w.room.ID, w.canteen.ID},
			Task: campusguard.Disinfection, FileID: &photo.ID, At: w.noon.Add(-time.Hour)})
		if err != nil || len(logs) != 2 {
			t.Fatalf("LogEnvironment(corridor with photo) = %v, %v", logs, err)
		}
		if _, err := s.FindFile(staff, photo.ID); err != nil {
			t.Errorf("FindFile(staff, own log's photo) = %v", err)
		}
		if _, err := s.FindFile(w.schoolRoles[campusguard.GuardianRole], photo.ID); err == nil {
			t.Error("FindFile(parent) found a log's photo")
		}
		// A space of another school is refused to its principal too.
		bad := &campusguard.Space{SchoolID: w.school.ID, Kind: campusguard.SpaceClassroom, Name: "借来的", ClassID: &w.class2.ID}
		wantCode(t, "SaveSpace(another school's class)", s.SaveSpace(w.schoolRoles[campusguard.SchoolAdmin], bad), campusguard.Invalid, "class_id")
		dup := &campusguard.Space{SchoolID: w.school.ID, Kind: campusguard.SpaceToilet, Name: "食堂"}
		wantCode(t, "SaveSpace(name taken)", s.SaveSpace(w.schoolRoles[campusguard.SchoolAdmin], dup), campusguard.Conflict, "name")
	})
}

// TestEnvOverdueAndCompliance: the overdue list shrinks as logs come in,
// is empty on a day off and leaves out a suspended class's room; the
// compliance counts each space-day at most what was due.
func TestEnvOverdueAndCompliance(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustEnvWorld(t, s)
		staff := w.schoolRoles[campusguard.StaffMember]
		ov, err := s.OverdueToday(staff, w.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		// At noon: the classroom's first airing (11:00) and the canteen's
		// first disinfection (11:00).
		if !ov.SchoolDay || len(ov.Items) != 2 || ov.Missing != 2 || ov.DueToday != 4+5 {
			t.Fatalf("OverdueToday = %+v", ov)
		}
		for i := 0; i < 4; i++ { // N+1 airings of the classroom
			if _, err := s.LogEnvironment(staff, campusguard.EnvLogInput{SchoolID: w.school.ID, SpaceIDs: []int64{w.room.ID},
				Task: campusguard.Ventilation, At: w.noon.Add(-time.Duration(i) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		ov, _ = s.OverdueToday(staff, w.school.ID)
		if len(ov.Items) != 1 || ov.Items[0].SpaceID != w.canteen.ID || ov.Done != 3 {
			t.Errorf("OverdueToday after airing = %+v", ov)
		}
		comp, err := s.EnvCompliance(w.bureau, w.county.ID, w.today, w.today)
		if err != nil {
			t.Fatal(err)
		}
		var line campusguard.SchoolCompliance
		for _, l := range comp.Schools {
			if l.SchoolID == w.school.ID {
				line = l
			}
		}
		if line.Total != (campusguard.EnvFigures{Due: 9, Done: 3}) || line.Kinds[campusguard.SpaceClassroom] != (campusguard.EnvFigures{Due: 4, Done: 3}) {
			t.Errorf("compliance of the school = %+v", line)
		}
		if len(comp.Schools) != 2 || comp.Total.Due != 9+3 {
			t.Errorf("compliance of the county = %+v", comp)
		}
		// The region's default for toilets changes the other school's due.
		if err := s.SetEnvDefault(w.bureau, w.county.ID, campusguard.KindSchedule{Kind: campusguard.SpaceToilet,
			Schedule: campusguard.Schedule{Ventilation: 4, Disinfection: campusguard.DisinfectDaily}}); err != nil {
			t.Fatal(err)
		}
		if comp, _ = s.EnvCompliance(w.bureau, w.county.ID, w.today, w.today); comp.Total.Due != 9+5 {
			t.Errorf("county due after the toilets' default = %d, want %d", comp.Total.Due, 9+5)
		}
		wantCode(t, "SetEnvDefault(bad)", s.SetEnvDefault(w.bureau, w.county.ID, campusguard.KindSchedule{Kind: campusguard.SpaceToilet,
			Schedule: campusguard.Schedule{Ventilation: 40, Disinfection: campusguard.DisinfectDaily}}), campusguard.Invalid, "ventilation")

		// The class suspended: its room is not due today.
		principal := w.schoolRoles[campusguard.SchoolAdmin]
		if err := s.Suspend(principal, &campusguard.Suspension{OrgID: w.class.ID, Start: w.today, End: w.today.AddDays(3),
			Reason: "流感样病例暴发"}); err != nil {
			t.Fatalf("Suspend = %v", err)
		}
		ov, _ = s.OverdueToday(staff, w.school.ID)
		if ov.DueToday != 5 || len(ov.Items) != 1 {
			t.Errorf("OverdueToday with the class suspended = %+v", ov)
		}

		// A day off: nothing due, nothing overdue.
		if err := s.SetCalendarDay(w.bureau, campusguard.CalendarDay{RegionID: w.county.ID, Day: w.today, Kind: campusguard.DayOff,
			Name: "停课日"}); err != nil {
			t.Fatalf("SetCalendarDay = %v", err)
		}
		ov, _ = s.OverdueToday(staff, w.school.ID)
		if ov.SchoolDay || ov.DueToday != 0 || len(ov.Items) != 0 {
			t.Errorf("OverdueToday on a day off = %+v", ov)
		}
		comp, _ = s.EnvCompliance(w.bureau, w.county.ID, w.today, w.today)
		if _, ok := comp.Total.Rate(); ok {
			t.Errorf("compliance of a day off = %+v, want no rate", comp.Total)
		}
		_, err = s.EnvCompliance(w.bureau, w.county.ID, w.today, w.today.AddDays(-1))
		wantCode(t, "EnvCompliance(backwards)", err, campusguard.Invalid, "to")
	})
}

// TestEnvOnDashboardAndBriefing: the region's dashboard gives each school
// its compliance over the week before the day, and the briefing the
// region's with the schools below 80 %, lowest first, kept with the
// stored briefing.
func TestEnvOnDashboardAndBriefing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustEnvWorld(t, s)
		friday := time.Date(2026, 12, 4, 16, 0, 0, 0, campusguard.China)
		for i := 0; i < 3; i++ {
			if _, err := s.LogEnvironment(w.schoolRoles[campusguard.StaffMember], campusguard.EnvLogInput{SchoolID: w.school.ID,
				SpaceIDs: []int64{w.room.ID}, Task: campusguard.Ventilation, At: friday.Add(time.Duration(i) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		d, err := s.Dashboard(w.bureau, w.county.ID, w.today)
		if err != nil {
			t.Fatal(err)
		}
		rates := map[int64]int{}
		for _, st := range d.Schools {
			if st.EnvRate != nil {
				rates[st.SchoolID] = *st.EnvRate
			}
		}
		// Monday 30 November to Friday 4 December: 5 × 9 due, 3 done; the
		// other school's toilet 5 × 3 due, none done.
		if rates[w.school.ID] != 3*100/45 || rates[w.school2.ID] != 0 || len(rates) != 2 {
			t.Errorf("dashboard's rates = %v", rates)
		}
		b, err := s.GenerateBriefing(w.bureau, w.county.ID, w.today)
		if err != nil {
			t.Fatal(err)
		}
		e := b.Environment
		if e == nil || e.Total != (campusguard.EnvFigures{Due: 60, Done: 3}) || e.Rated != 2 || e.Low != 2 ||
			len(e.Behind) != 2 || e.Behind[0] != w.school2.Name {
			t.Errorf("briefing's environment = %+v", e)
		}
		if stored, err := s.FindBriefing(w.bureau, w.county.ID, w.today); err != nil || stored.Environment == nil || stored.Environment.Total.Done != 3 {
			t.Errorf("stored briefing's environment = %+v, %v", stored, err)
		}
	})
}
