package campusguard

import (
	"testing"
	"time"
)

func temp(v float64) *float64 { return &v }

func TestCheckValidate(t *testing.T) {
	day, _ := ParseDate("2026-11-30")
	ok := func() Check {
		return Check{PersonID: 1, Day: day, Kind: HomeCheck, Temperature: temp(36.64), ClientKey: "k1"}
	}
	tests := []struct {
		name  string
		edit  func(*Check)
		field string // "" when valid
	}{
		{"home report", func(*Check) {}, ""},
		{"34.0 is the lowest", func(c *Check) { c.Temperature = temp(34.0) }, ""},
		{"43.0 is the highest", func(c *Check) { c.Temperature = temp(43.0) }, ""},
		{"33.9 is an input error", func(c *Check) { c.Temperature = temp(33.9) }, "temperature"},
		{"43.1 is an input error", func(c *Check) { c.Temperature = temp(43.1) }, "temperature"},
		{"home needs a temperature", func(c *Check) { c.Temperature = nil }, "temperature"},
		{"unknown kind", func(c *Check) { c.Kind = "lunch" }, "kind"},
		{"unknown symptom", func(c *Check) { c.Symptoms = []Symptom{"sneezing"} }, "symptoms"},
		{"repeated symptom", func(c *Check) { c.Symptoms = []Symptom{SymCough, SymCough} }, "symptoms"},
		{"bad health code", func(c *Check) { c.HealthCode = "blue" }, "health_code"},
		{"attendance at home", func(c *Check) { c.Attendance = Present }, "attendance"},
		{"no client key", func(c *Check) { c.ClientKey = " " }, "client_key"},
		{"no person", func(c *Check) { c.PersonID = 0 }, "person_id"},
		{"class check present", func(c *Check) { c.Kind, c.Attendance = MorningCheck, Present }, ""},
		{"class check without attendance", func(c *Check) { c.Kind = NoonCheck }, "attendance"},
		{"absent without reason", func(c *Check) { c.Kind, c.Attendance, c.Temperature = MorningCheck, Absent, nil }, "absence_reason"},
		{"absent with a temperature", func(c *Check) { c.Kind, c.Attendance, c.AbsenceReason = MorningCheck, Absent, AbsentIll }, "temperature"},
		{"reason while present", func(c *Check) { c.Kind, c.Attendance, c.AbsenceReason = MorningCheck, Present, AbsentIll }, "absence_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			err := c.Validate()
			fields := ErrorFields(err)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if len(fields) == 0 || fields[0].Field != tt.field {
				t.Errorf("Validate() fields = %+v, want %s", fields, tt.field)
			}
		})
	}
	c := ok()
	c.Validate()
	if *c.Temperature != 36.6 {
		t.Errorf("temperature rounded = %v, want 36.6", *c.Temperature)
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name            string
		c               Check
		fever, abnormal bool
	}{
		{"normal", Check{Temperature: temp(36.8)}, false, false},
		{"37.2 is not a fever", Check{Temperature: temp(37.2)}, false, false},
		{"37.3 is a fever", Check{Temperature: temp(37.3)}, true, true},
		{"a symptom", Check{Temperature: temp(36.5), Symptoms: []Symptom{SymCough}}, false, true},
		{"yellow code", Check{Temperature: temp(36.5), HealthCode: CodeYellow}, false, true},
		{"green code", Check{Temperature: temp(36.5), HealthCode: CodeGreen}, false, false},
		{"unwell in class", Check{Kind: MorningCheck, Attendance: Unwell}, false, true},
		{"absent is not abnormal", Check{Kind: MorningCheck, Attendance: Absent, AbsenceReason: AbsentIll}, false, false},
	}
	for _, tt := range tests {
		c := tt.c
		c.Evaluate(DefaultFeverThreshold)
		if c.Fever != tt.fever || c.Abnormal != tt.abnormal {
			t.Errorf("%s: Evaluate() = fever %v abnormal %v, want %v %v", tt.name, c.Fever, c.Abnormal, tt.fever, tt.abnormal)
		}
	}
	c := Check{Temperature: temp(37.0)}
	c.Evaluate(37.0)
	if !c.Fever {
		t.Errorf("Evaluate(threshold 37.0) on 37.0: no fever; a region's own threshold must apply")
	}
}

func TestSummarizeDay(t *testing.T) {
	at := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	home := &Check{Kind: HomeCheck, Current: true, At: at}
	morningAbsent := &Check{Kind: MorningCheck, Attendance: Absent, AbsenceReason: AbsentIll, Current: true, At: at.Add(time.Hour)}
	noonPresent := &Check{Kind: NoonCheck, Attendance: Present, Current: true, At: at.Add(4 * time.Hour)}
	feverOld := &Check{Kind: GateCheck, Fever: true, Abnormal: true, Current: false, At: at}
	tests := []struct {
		name   string
		checks []*Check
		want   DayStatus
	}{
		{"nothing", nil, DayStatus{}},
		{"home report", []*Check{home}, DayStatus{Reported: true}},
		{"absent for illness", []*Check{morningAbsent}, DayStatus{Absent: true, IllAbsent: true}},
		{"absent in the morning, back at noon", []*Check{morningAbsent, noonPresent}, DayStatus{Reported: true}},
		{"a superseded fever does not count", []*Check{feverOld, home}, DayStatus{Reported: true}},
	}
	for _, tt := range tests {
		if got := SummarizeDay(tt.checks); got != tt.want {
			t.Errorf("%s: SummarizeDay = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	d := DayStatus{Reported: true, Fever: true}.Delta(DayStatus{Reported: true, Absent: true})
	if d != (Rollup{Fever: -1, Absent: 1}) {
		t.Errorf("Delta = %+v", d)
	}
}

func TestCanRecordCheck(t *testing.T) {
	gate := &Actor{Grants: []Grant{{Role: GateStaff, OrgPath: "/1/2/"}}}
	teacher := &Actor{Grants: []Grant{{Role: ClassTeacher, OrgPath: "/1/2/3/4/"}}}
	parent := &Actor{GuardianOf: []int64{9}}
	tests := []struct {
		a    *Actor
		k    CheckKind
		id   int64
		path string
		want bool
	}{
		{gate, GateCheck, 9, "/1/2/3/4/", true},
		{gate, MorningCheck, 9, "/1/2/3/4/", false},
		{gate, GateCheck, 9, "/1/5/3/4/", false},
		{teacher, MorningCheck, 9, "/1/2/3/4/", true},
		{teacher, GateCheck, 9, "/1/2/3/4/", false},
		{teacher, MorningCheck, 9, "/1/2/3/5/", false},
		{parent, HomeCheck, 9, "/1/2/3/4/", true},
		{parent, HomeCheck, 8, "/1/2/3/4/", false},
		{parent, MorningCheck, 9, "/1/2/3/4/", false},
	}
	for i, tt := range tests {
		if got := tt.a.CanRecordCheck(tt.k, tt.id, tt.path); got != tt.want {
			t.Errorf("#%d CanRecordCheck(%s, %d, %s) = %v, want %v", i, tt.k, tt.id, tt.path, got, tt.want)
		}
	}
}
