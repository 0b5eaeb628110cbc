package campusguard

import (
	"slices"
	"testing"
	"time"
)

// envMonday is a school day; envSaturday a day off.
var (
	envMonday   = Date{2026, time.December, 7}
	envSaturday = Date{2026, time.December, 12}
)

func envSpaces() (*Space, *Space) {
	class := int64(30)
	room := &Space{ID: 1, SchoolID: 10, Kind: SpaceClassroom, Name: "一年级1班", ClassID: &class, SchoolPath: "/1/10/",
		SchoolType: Primary, ClassGrade: 1, ClassPath: "/1/10/20/30/", Schedule: DefaultSchedules[SpaceClassroom]}
	canteen := &Space{ID: 2, SchoolID: 10, Kind: SpaceCanteen, Name: "食堂", SchoolPath: "/1/10/",
		SchoolType: Primary, Schedule: DefaultSchedules[SpaceCanteen]}
	return room, canteen
}

func TestScheduleDueAndValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		s         Schedule
		vent, dis int
		field     string
	}{
		{"daily", Schedule{Ventilation: 3, Disinfection: DisinfectDaily}, 3, 1, ""},
		{"after each use", Schedule{Ventilation: 0, Disinfection: DisinfectAfterUse, Uses: 3}, 0, 3, ""},
		{"too many airings", Schedule{Ventilation: MaxTimesADay + 1, Disinfection: DisinfectDaily}, MaxTimesADay + 1, 1, "ventilation"},
		{"negative", Schedule{Ventilation: -1, Disinfection: DisinfectDaily}, -1, 1, "ventilation"},
		{"after use without uses", Schedule{Ventilation: 2, Disinfection: DisinfectAfterUse}, 2, 0, "uses"},
		{"unknown mode", Schedule{Ventilation: 2, Disinfection: "weekly"}, 2, 1, "disinfection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Due(Ventilation); got != tc.vent {
				t.Errorf("Due(ventilation) = %d, want %d", got, tc.vent)
			}
			if got := tc.s.Due(Disinfection); got != tc.dis {
				t.Errorf("Due(disinfection) = %d, want %d", got, tc.dis)
			}
			err := tc.s.Validate()
			if tc.field == "" && err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
			if tc.field != "" && !envHasField(err, tc.field) {
				t.Errorf("Validate() = %v, want the field %q named", err, tc.field)
			}
		})
	}
	for _, k := range SpaceKinds {
		if err := DefaultSchedules[k].Validate(); err != nil {
			t.Errorf("DefaultSchedules[%s].Validate() = %v", k, err)
		}
	}
}

func envHasField(err error, field string) bool {
	return slices.ContainsFunc(ErrorFields(err), func(f FieldError) bool { return f.Field == field })
}

func TestSpaceValidate(t *testing.T) {
	id := int64(5)
	for _, tc := range []struct {
		name  string
		s     Space
		field string
	}{
		{"ok", Space{Name: " 一年级1班 ", Kind: SpaceClassroom, ClassID: &id}, ""},
		{"no name", Space{Name: "  ", Kind: SpaceToilet}, "name"},
		{"unknown kind", Space{Name: "x", Kind: "gym"}, "kind"},
		{"class on a canteen", Space{Name: "x", Kind: SpaceCanteen, ClassID: &id}, "class_id"},
		{"bus route on a toilet", Space{Name: "x", Kind: SpaceToilet, BusRouteID: &id}, "bus_route_id"},
		{"bad own schedule", Space{Name: "x", Kind: SpaceToilet, Own: &Schedule{Ventilation: 99, Disinfection: DisinfectDaily}}, "ventilation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if tc.field == "" && err != nil {
				t.Errorf("Validate() = %v", err)
			}
			if tc.field != "" && !envHasField(err, tc.field) {
				t.Errorf("Validate() = %v, want the field %q", err, tc.field)
			}
		})
	}
}

func TestDueOn(t *testing.T) {
	room, canteen := envSpaces()
	cal := Calendar{}
	open := Openness{}
	suspended := Openness{Suspensions: []Suspension{{OrgPath: room.ClassPath, Start: envMonday, End: envMonday}}}
	schoolSuspended := Openness{Suspensions: []Suspension{{OrgPath: room.SchoolPath, Start: envMonday, End: envMonday}}}
	notApproved := Openness{Managed: true, Phases: []Phase{{SchoolType: Primary, Grades: []int{1}, Start: envMonday}}}
	holiday := Calendar{envMonday: DayOff}
	makeUp := Calendar{envSaturday: MakeUpDay}
	for _, tc := range []struct {
		name      string
		s         *Space
		day       Date
		cal       Calendar
		open      Openness
		vent, dis int
	}{
		{"classroom on a school day", room, envMonday, cal, open, 3, 1},
		{"canteen on a school day", canteen, envMonday, cal, open, 2, 3},
		{"Saturday", room, envSaturday, cal, open, 0, 0},
		{"holiday", canteen, envMonday, holiday, open, 0, 0},
		{"make-up Saturday", room, envSaturday, makeUp, open, 3, 1},
		{"class suspended", room, envMonday, cal, suspended, 0, 0},
		{"canteen while one class is suspended", canteen, envMonday, cal, suspended, 2, 3},
		{"class suspended, next day", room, envMonday.AddDays(1), cal, suspended, 3, 1},
		{"school suspended: canteen", canteen, envMonday, cal, schoolSuspended, 0, 0},
		{"school not approved: classroom", room, envMonday, cal, notApproved, 0, 0},
		{"school not approved: canteen", canteen, envMonday, cal, notApproved, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DueOn(tc.s, Ventilation, tc.day, tc.cal, tc.open); got != tc.vent {
				t.Errorf("DueOn(ventilation) = %d, want %d", got, tc.vent)
			}
			if got := DueOn(tc.s, Disinfection, tc.day, tc.cal, tc.open); got != tc.dis {
				t.Errorf("DueOn(disinfection) = %d, want %d", got, tc.dis)
			}
		})
	}
}

func TestDueBy(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 12, 7, h, m, 0, 0, China) }
	for _, tc := range []struct {
		n    int
		at   time.Time
		want int
	}{
		{3, at(7, 0), 0},
		{3, at(10, 59), 0},
		{3, at(11, 0), 1},
		{3, at(13, 59), 1},
		{3, at(14, 0), 2},
		{3, at(17, 0), 3},
		{3, at(23, 0), 3},
		{1, at(16, 59), 0},
		{1, at(17, 0), 1},
		{0, at(23, 0), 0},
	} {
		if got := DueBy(tc.n, envMonday, tc.at); got != tc.want {
			t.Errorf("DueBy(%d, %s) = %d, want %d", tc.n, tc.at.Format("15:04"), got, tc.want)
		}
	}
}

func TestCheckEnvLog(t *testing.T) {
	room, canteen := envSpaces()
	other := &Space{ID: 3, SchoolID: 11, Kind: SpaceToilet, Name: "别校厕所"}
	spaces := map[int64]*Space{1: room, 2: canteen, 3: other}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, China)
	ok := EnvLogInput{SchoolID: 10, SpaceIDs: []int64{1, 2}, Task: Ventilation, At: now}
	for _, tc := range []struct {
		name  string
		edit  func(*EnvLogInput)
		field string
		row   int
	}{
		{"ok", func(*EnvLogInput) {}, "", 0},
		{"exactly now", func(in *EnvLogInput) { in.At = now }, "", 0},
		{"a week late", func(in *EnvLogInput) { in.At = now.AddDate(0, 0, -MaxLogBackDay) }, "", 0},
		{"in the future", func(in *EnvLogInput) { in.At = now.Add(time.Minute) }, "at", 0},
		{"too old", func(in *EnvLogInput) { in.At = now.AddDate(0, 0, -MaxLogBackDay-1) }, "at", 0},
		{"other school's space", func(in *EnvLogInput) { in.SpaceIDs = []int64{1, 3} }, "space_ids", 2},
		{"unknown space", func(in *EnvLogInput) { in.SpaceIDs = []int64{99} }, "space_ids", 1},
		{"twice", func(in *EnvLogInput) { in.SpaceIDs = []int64{1, 1} }, "space_ids", 2},
		{"none", func(in *EnvLogInput) { in.SpaceIDs = nil }, "space_ids", 0},
		{"unknown task", func(in *EnvLogInput) { in.Task = "sweeping" }, "task", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			err := CheckEnvLog(in, spaces, now)
			if tc.field == "" {
				if err != nil {
					t.Errorf("CheckEnvLog = %v", err)
				}
				return
			}
			if !slices.ContainsFunc(ErrorFields(err), func(f FieldError) bool { return f.Field == tc.field && f.Row == tc.row }) {
				t.Errorf("CheckEnvLog = %v (%+v), want field %q row %d", err, ErrorFields(err), tc.field, tc.row)
			}
		})
	}
}

func TestOverdueOf(t *testing.T) {
	room, canteen := envSpaces()
	spaces := []*Space{room, canteen}
	noon := time.Date(2026, 12, 7, 12, 0, 0, 0, China)
	// At noon: one airing of the classroom due (11:00), one of the
	// canteen's two (12:30 is the first: none), one of its three
	// disinfections (11:00).
	o := OverdueOf(10, spaces, LogCounts{}, envMonday, noon, Calendar{}, Openness{})
	if !o.SchoolDay || o.DueToday != 3+1+2+3 || o.Done != 0 || o.Missing != 2 || len(o.Items) != 2 {
		t.Fatalf("OverdueOf(no logs) = %+v", o)
	}
	if o.Items[0].SpaceID != room.ID || o.Items[0].Task != Ventilation || o.Items[1].Task != Disinfection {
		t.Errorf("items = %+v", o.Items)
	}
	logs := LogCounts{{room.ID, envMonday, Ventilation}: 1}
	o = OverdueOf(10, spaces, logs, envMonday, noon, Calendar{}, Openness{})
	if o.Missing != 1 || len(o.Items) != 1 || o.Items[0].SpaceID != canteen.ID || o.Done != 1 {
		t.Errorf("OverdueOf(classroom aired) = %+v", o)
	}
	// A day off: nothing due, nothing overdue.
	o = OverdueOf(10, spaces, LogCounts{}, envSaturday, noon.AddDate(0, 0, 5), Calendar{}, Openness{})
	if o.SchoolDay || o.DueToday != 0 || len(o.Items) != 0 {
		t.Errorf("OverdueOf(Saturday) = %+v", o)
	}
	// The class suspended: only the canteen.
	sus := Openness{Suspensions: []Suspension{{OrgPath: room.ClassPath, Start: envMonday, End: envMonday}}}
	o = OverdueOf(10, spaces, LogCounts{}, envMonday, noon, Calendar{}, sus)
	if o.DueToday != 5 || len(o.Items) != 1 || o.Items[0].SpaceID != canteen.ID {
		t.Errorf("OverdueOf(class suspended) = %+v", o)
	}
}

func TestComplianceOf(t *testing.T) {
	room, canteen := envSpaces()
	spaces := []*Space{room, canteen}
	lines := func() []SchoolCompliance {
		return []SchoolCompliance{{SchoolID: 10, Name: "一小"}, {SchoolID: 11, Name: "二小"}}
	}
	for _, tc := range []struct {
		name      string
		logs      LogCounts
		from, to  Date
		open      Openness
		due, done int
		rate      int
		hasRate   bool
	}{
		{"nothing logged", LogCounts{}, envMonday, envMonday, Openness{}, 9, 0, 0, true},
		{"exactly N", LogCounts{{1, envMonday, Ventilation}: 3, {1, envMonday, Disinfection}: 1,
			{2, envMonday, Ventilation}: 2, {2, envMonday, Disinfection}: 3}, envMonday, envMonday, Openness{}, 9, 9, 100, true},
		{"N+1 airings make up for nothing else", LogCounts{{1, envMonday, Ventilation}: 4}, envMonday, envMonday, Openness{}, 9, 3, 33, true},
		{"a weekend only: zero due, no rate", LogCounts{{1, envSaturday, Ventilation}: 3}, envSaturday, envSaturday.AddDays(1), Openness{}, 0, 0, 0, false},
		{"a week: five school days", LogCounts{{1, envMonday, Ventilation}: 3}, envMonday, envMonday.AddDays(6), Openness{}, 45, 3, 6, true},
		{"class suspended: its room not due", LogCounts{{1, envMonday, Ventilation}: 3},
			envMonday, envMonday, Openness{Suspensions: []Suspension{{OrgPath: room.ClassPath, Start: envMonday, End: envMonday}}}, 5, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ComplianceOf(lines(), spaces, tc.logs, tc.from, tc.to, Calendar{}, tc.open)
			if len(got) != 2 {
				t.Fatalf("lines = %d", len(got))
			}
			one := got[0]
			if one.Total.Due != tc.due || one.Total.Done != tc.done || one.Spaces != 2 {
				t.Errorf("ComplianceOf = %+v, want due %d done %d", one.Total, tc.due, tc.done)
			}
			rate, ok := one.Total.Rate()
			if rate != tc.rate || ok != tc.hasRate {
				t.Errorf("Rate() = %d, %v; want %d, %v", rate, ok, tc.rate, tc.hasRate)
			}
			if _, ok := got[1].Total.Rate(); ok || got[1].Spaces != 0 {
				t.Errorf("a school without spaces = %+v, want no rate", got[1])
			}
			var sum EnvFigures
			for _, f := range one.Kinds {
				sum.Add(f)
			}
			if sum != one.Total {
				t.Errorf("kinds sum to %+v, total %+v", sum, one.Total)
			}
		})
	}
}

func TestCanAtSchool(t *testing.T) {
	teacher := &Actor{Grants: []Grant{{Role: ClassTeacher, OrgPath: "/1/10/20/30/"}}}
	gate := &Actor{Grants: []Grant{{Role: GateStaff, OrgPath: "/1/10/"}}}
	bureau := &Actor{Grants: []Grant{{Role: RegionAdmin, OrgPath: "/1/"}}}
	staff := &Actor{Grants: []Grant{{Role: StaffMember, OrgPath: "/1/10/"}}}
	for _, tc := range []struct {
		name string
		a    *Actor
		act  Action
		path string
		want bool
	}{
		{"class teacher logs at their school", teacher, LogEnvironment, "/1/10/", true},
		{"class teacher, another school", teacher, LogEnvironment, "/1/11/", false},
		{"class teacher does not manage spaces", teacher, ManageSpaces, "/1/10/", false},
		{"staff member logs", staff, LogEnvironment, "/1/10/", true},
		{"gate staff does not", gate, LogEnvironment, "/1/10/", false},
		{"bureau reads", bureau, ReadEnvironment, "/1/10/", true},
		{"bureau does not log", bureau, LogEnvironment, "/1/10/", false},
		{"nobody", nil, ReadEnvironment, "/1/10/", false},
	} {
		if got := tc.a.CanAtSchool(tc.act, tc.path); got != tc.want {
			t.Errorf("%s: CanAtSchool = %v, want %v", tc.name, got, tc.want)
		}
	}
}
