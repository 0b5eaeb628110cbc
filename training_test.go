package campusguard

import (
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func trainingDay(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestTermOf: every day belongs to one term, at the edges of both.
func TestTermOf(t *testing.T) {
	tests := []struct {
		day  string
		want string
	}{
		{"2026-08-31", "2026-spring"},
		{"2026-09-01", "2026-autumn"},
		{"2026-12-31", "2026-autumn"},
		{"2027-01-31", "2026-autumn"},
		{"2027-02-01", "2027-spring"},
		{"2027-06-15", "2027-spring"},
	}
	for _, tt := range tests {
		term := TermOf(trainingDay(tt.day))
		if got := term.String(); got != tt.want {
			t.Errorf("TermOf(%s) = %s, want %s", tt.day, got, tt.want)
		}
		if !term.Contains(trainingDay(tt.day)) {
			t.Errorf("%s does not contain %s", term, tt.day)
		}
		back, ok := ParseTerm(tt.want)
		if !ok || back != term {
			t.Errorf("ParseTerm(%s) = %v, %v", tt.want, back, ok)
		}
	}
	autumn := Term{Year: 2026, Autumn: true}
	if autumn.Start() != trainingDay("2026-09-01") || autumn.End() != trainingDay("2027-01-31") {
		t.Errorf("autumn 2026 = %s..%s", autumn.Start(), autumn.End())
	}
	if autumn.Next() != (Term{Year: 2027}) || autumn.Prev() != (Term{Year: 2026}) {
		t.Errorf("next %v, prev %v", autumn.Next(), autumn.Prev())
	}
	if autumn.Contains(trainingDay("2026-08-31")) || autumn.Contains(trainingDay("2027-02-01")) {
		t.Error("the autumn term holds a day of the spring terms around it")
	}
	if (Term{Year: 2027}).SchoolYear() != 2026 || autumn.SchoolYear() != 2026 {
		t.Error("both terms of 2026–2027 are not in the school year 2026")
	}
	for _, bad := range []string{"", "2026", "2026-summer", "26-autumn", "abcd-spring", "2026-autumn-x"} {
		if _, ok := ParseTerm(bad); ok {
			t.Errorf("ParseTerm(%q) accepted", bad)
		}
	}
}

// TestTrainingCoverageOf: coverage at its edges.
func TestTrainingCoverageOf(t *testing.T) {
	term := Term{Year: 2026, Autumn: true}
	topics := []TrainingTopic{{Code: "prevention", Name: "防控知识"}, {Code: "isolation", Name: "隔离"}}
	wang := TrainingPerson{ID: 1, Name: "王老师", Number: "T1"}
	li := TrainingPerson{ID: 2, Name: "李老师", Number: "T2"}
	zhao := TrainingPerson{ID: 3, Name: "赵师傅", Number: "T3"}
	staff := []TrainingPerson{wang, li, zhao}
	in := trainingDay("2026-10-10")
	rec := func(id int64, topic string, d Date) TrainingRecord {
		return TrainingRecord{PersonID: id, Kind: StaffTraining, Topic: topic, Day: d}
	}
	type want struct {
		trained []int
		full    int
		never   []int64
	}
	tests := []struct {
		name    string
		staff   []TrainingPerson
		records []TrainingRecord
		want    want
	}{
		{"no staff", nil, []TrainingRecord{rec(1, "prevention", in)}, want{[]int{0, 0}, 0, nil}},
		{"nobody trained", staff, nil, want{[]int{0, 0}, 0, []int64{1, 2, 3}}},
		{"all trained", staff, []TrainingRecord{rec(1, "prevention", in), rec(2, "prevention", in), rec(3, "prevention", in),
			rec(1, "isolation", in), rec(2, "isolation", in), rec(3, "isolation", in)}, want{[]int{3, 3}, 3, nil}},
		{"trained twice counts once", staff, []TrainingRecord{rec(1, "prevention", in), rec(1, "prevention", in.AddDays(7))},
			want{[]int{1, 0}, 0, []int64{2, 3}}},
		{"a session outside the term", staff, []TrainingRecord{rec(1, "prevention", trainingDay("2026-08-31")),
			rec(2, "prevention", trainingDay("2027-02-01")), rec(3, "prevention", trainingDay("2027-01-31"))}, want{[]int{1, 0}, 0, []int64{1, 2}}},
		{"a person who left", staff[:2], []TrainingRecord{rec(3, "prevention", in), rec(1, "isolation", in)},
			want{[]int{0, 1}, 0, []int64{2}}},
		{"other kinds and topics do not count", staff, []TrainingRecord{
			{PersonID: 1, Kind: HealthEducation, Topic: "prevention", Day: in},
			{PersonID: 2, Kind: Counselling, Topic: "isolation", Day: in},
			rec(3, TopicOther, in), rec(3, "unlisted", in)}, want{[]int{0, 0}, 0, []int64{1, 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := TrainingCoverageOf(term, tt.staff, topics, tt.records)
			var trained []int
			for i, tc := range c.Topics {
				trained = append(trained, tc.Trained)
				if tc.Staff != len(tt.staff) || len(tc.Untrained) != len(tt.staff)-tc.Trained {
					t.Errorf("topic %d: staff %d, %d untrained; want %d staff, %d untrained", i, tc.Staff, len(tc.Untrained),
						len(tt.staff), len(tt.staff)-tc.Trained)
				}
			}
			if diff := cmp.Diff(tt.want.trained, trained); diff != "" {
				t.Errorf("trained per topic (-want +got):\n%s", diff)
			}
			if c.FullyTrained != tt.want.full {
				t.Errorf("fully trained = %d, want %d", c.FullyTrained, tt.want.full)
			}
			var never []int64
			for _, p := range c.NeverTrained {
				never = append(never, p.ID)
			}
			if diff := cmp.Diff(tt.want.never, never); diff != "" {
				t.Errorf("never trained (-want +got):\n%s", diff)
			}
			if c.Staff != len(tt.staff) {
				t.Errorf("staff = %d, want %d", c.Staff, len(tt.staff))
			}
		})
	}
	// No staff: no share, not a full one.
	c := TrainingCoverageOf(term, nil, topics, nil)
	if _, ok := c.Topics[0].Share(); ok || Percent(0, 0) != "—" {
		t.Errorf("a school without staff has a share")
	}
	if got := Percent(2, 3); got != "66%" {
		t.Errorf("Percent(2, 3) = %q, want 66%% (rounded down)", got)
	}
	if got := Percent(299, 300); got != "99%" {
		t.Errorf("Percent(299, 300) = %q: one short must not read 100%%", got)
	}
	if got := Percent(3, 3); got != "100%" {
		t.Errorf("Percent(3, 3) = %q", got)
	}
	// The per-topic untrained lists name the right people.
	c = TrainingCoverageOf(term, staff, topics, []TrainingRecord{rec(2, "isolation", in)})
	if got := c.Topics[1].Untrained; !slices.Equal([]int64{got[0].ID, got[1].ID}, []int64{1, 3}) {
		t.Errorf("untrained on isolation = %v", got)
	}
	line := TrainingLineOf(c, 4)
	if !slices.Equal(line.Trained, []int{0, 1}) || line.NeverTrained != 2 || line.Sessions != 4 || line.Staff != 3 {
		t.Errorf("TrainingLineOf = %+v", line)
	}
}

// TestValidateTrainingSession: each bad field named, texts trimmed,
// repeated attendees dropped.
func TestValidateTrainingSession(t *testing.T) {
	today := trainingDay("2026-10-14")
	topics := DefaultTrainingTopics()
	class := int64(7)
	good := func() TrainingSession {
		return TrainingSession{Kind: StaffTraining, Topic: "prevention", Day: today, Trainer: " 校医 ", AttendeeIDs: []int64{1, 2, 1}}
	}
	x := good()
	if err := ValidateTrainingSession(&x, today, topics); err != nil {
		t.Fatalf("a good session: %v", err)
	}
	if x.Trainer != "校医" || !slices.Equal(x.AttendeeIDs, []int64{1, 2}) {
		t.Errorf("after validation: trainer %q, attendees %v", x.Trainer, x.AttendeeIDs)
	}
	long := string(make([]rune, MaxTrainingText+1))
	tests := []struct {
		name  string
		edit  func(*TrainingSession)
		field string
		msg   string
	}{
		{"no topic", func(x *TrainingSession) { x.Topic = " " }, "topic", "error.required"},
		{"unknown topic", func(x *TrainingSession) { x.Topic = "cooking" }, "topic", "error.training_topic_unknown"},
		{"other without title", func(x *TrainingSession) { x.Topic = TopicOther }, "title", "error.required"},
		{"long title", func(x *TrainingSession) { x.Title = long }, "title", "error.too_long"},
		{"no day", func(x *TrainingSession) { x.Day = Date{} }, "day", "error.required"},
		{"tomorrow", func(x *TrainingSession) { x.Day = today.AddDays(1) }, "day", "error.training_future"},
		{"next term", func(x *TrainingSession) { x.Day = TermOf(today).Next().Start() }, "day", "error.training_future"},
		{"too far back", func(x *TrainingSession) { x.Day = today.AddDays(-trainingBackDays - 1) }, "day", "error.training_past"},
		{"no trainer", func(x *TrainingSession) { x.Trainer = "" }, "trainer", "error.required"},
		{"bad kind", func(x *TrainingSession) { x.Kind = "party" }, "kind", "error.bad_choice"},
		{"health education without class", func(x *TrainingSession) { x.Kind = HealthEducation }, "class_id", "error.required"},
		{"counselling without class", func(x *TrainingSession) { x.Kind = Counselling }, "class_id", "error.required"},
		{"too many", func(x *TrainingSession) {
			x.AttendeeIDs = nil
			for i := range MaxTrainingAttendees + 1 {
				x.AttendeeIDs = append(x.AttendeeIDs, int64(i+1))
			}
		}, "attendee_ids", "error.too_many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := good()
			tt.edit(&x)
			err := ValidateTrainingSession(&x, today, topics)
			fs := ErrorFields(err)
			if ErrorCode(err) != Invalid || len(fs) != 1 || fs[0].Field != tt.field || fs[0].Msg != tt.msg {
				t.Errorf("ValidateTrainingSession = %v %+v, want %s %s", err, fs, tt.field, tt.msg)
			}
		})
	}
	x = good()
	x.Kind, x.ClassID, x.Topic, x.Title = HealthEducation, &class, TopicOther, "七步洗手法"
	if err := ValidateTrainingSession(&x, today, topics); err != nil {
		t.Errorf("a class's health education: %v", err)
	}
	x.Day = today.AddDays(-trainingBackDays)
	if err := ValidateTrainingSession(&x, today, topics); err != nil {
		t.Errorf("a session %d days back: %v", trainingBackDays, err)
	}
}

// TestValidateTrainingTopics: the region's list, each bad row named.
func TestValidateTrainingTopics(t *testing.T) {
	if err := ValidateTrainingTopics(DefaultTrainingTopics()); err != nil {
		t.Fatalf("the default topics: %v", err)
	}
	tests := []struct {
		name   string
		topics []TrainingTopic
		row    int
		msg    string
	}{
		{"none", nil, 0, "error.required"},
		{"bad code", []TrainingTopic{{Code: "Bad Code", Name: "x"}}, 1, "error.training_topic_code"},
		{"other", []TrainingTopic{{Code: TopicOther, Name: "x"}}, 1, "error.training_topic_code"},
		{"twice", []TrainingTopic{{Code: "a", Name: "x"}, {Code: "a", Name: "y"}}, 2, "error.training_topic_twice"},
		{"no name", []TrainingTopic{{Code: "a", Name: " "}}, 1, "error.required"},
	}
	for _, tt := range tests {
		fs := ErrorFields(ValidateTrainingTopics(tt.topics))
		if len(fs) != 1 || fs[0].Field != "topics" || fs[0].Row != tt.row || fs[0].Msg != tt.msg {
			t.Errorf("%s: %+v, want row %d %s", tt.name, fs, tt.row, tt.msg)
		}
	}
	many := make([]TrainingTopic, MaxTrainingTopics+1)
	for i := range many {
		many[i] = TrainingTopic{Code: "t" + strconv.Itoa(i), Name: "x"}
	}
	if fs := ErrorFields(ValidateTrainingTopics(many)); len(fs) != 1 || fs[0].Msg != "error.too_many" {
		t.Errorf("too many topics: %+v", fs)
	}
}

// TestTrainingAccess: who records which kind where.
func TestTrainingAccess(t *testing.T) {
	school, class := "/1/2/3/", "/1/2/3/4/5/"
	as := func(r AccessRole, path string) *Actor {
		return &Actor{Grants: []Grant{{Role: r, OrgPath: path}}}
	}
	teacher := as(ClassTeacher, class)
	if !teacher.CanRecordKind(HealthEducation, school, class) || teacher.CanRecordKind(StaffTraining, school, "") ||
		teacher.CanRecordKind(Counselling, school, class) || teacher.CanRecordKind(HealthEducation, school, "/1/2/3/4/6/") {
		t.Error("a class teacher records health education for the class, and nothing else")
	}
	if !as(HealthOffice, school).CanRecordKind(Counselling, school, class) || !as(SchoolAdmin, school).CanRecordKind(StaffTraining, school, "") {
		t.Error("the school's officer and principal record every kind")
	}
	for _, r := range []AccessRole{RegionAdmin, Inspector, GateStaff, StaffMember, GuardianRole, RegionViewer} {
		if as(r, "/1/").CanRecordKind(StaffTraining, school, "") {
			t.Errorf("%s records training", r)
		}
	}
	if !(Grant{Role: RegionViewer, Duty: DutyCDC}).Allows(ReadTraining) || (Grant{Role: RegionViewer, Duty: DutyPolice}).Allows(ReadTraining) {
		t.Error("the CDC reads training, the police do not")
	}
}
