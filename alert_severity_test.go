package campusguard

import "testing"

func TestAlertSeverity(t *testing.T) {
	for _, c := range []struct {
		rule    AlertRule
		days    int
		schools int
		want    Severity
	}{
		{RuleClassDay, 1, 0, SeverityHigh},
		{RuleClassDays, 1, 0, SeverityHigh},
		{RuleILISuspension, 1, 0, SeverityHigh},
		{RuleHighFever, 1, 0, SeverityMedium},
		{RuleAbsenceRate, 1, 0, SeverityMedium},
		{RuleEpidemicFever, 1, 0, SeverityMedium},
		{RuleAberration, 1, 0, SeverityLow},
		{RuleAberration, 1, 1, SeverityLow},
		{RuleAberration, 2, 0, SeverityMedium},
		{RuleAberration, 1, 2, SeverityHigh},
		{RuleHighFever, 1, 3, SeverityHigh},
	} {
		if got := AlertSeverity(c.rule, c.days, c.schools); got != c.want {
			t.Errorf("AlertSeverity(%s, %d days, %d schools) = %s, want %s", c.rule, c.days, c.schools, got, c.want)
		}
	}
	if SeverityHigh.Rank() >= SeverityMedium.Rank() || SeverityMedium.Rank() >= SeverityLow.Rank() {
		t.Error("ranks do not order high, medium, low")
	}
}

func TestMergeRaisesSeverity(t *testing.T) {
	day := mustDay("2026-12-01")
	a := AlertFromSignal(Signal{Rule: RuleAberration, OrgID: 5, Series: SeriesFever, Day: day, Count: 9, Threshold: 4}, 1, day.Time())
	if a.Severity != SeverityLow {
		t.Fatalf("new one-day aberration = %s, want low", a.Severity)
	}
	a.Merge(Signal{Rule: RuleAberration, OrgID: 5, Series: SeriesFever, Day: day.AddDays(1), Count: 7, Threshold: 4})
	if a.Severity != SeverityMedium || a.Days != 2 {
		t.Errorf("after a second day: %s over %d days, want medium over 2", a.Severity, a.Days)
	}
	a.Severity = SeverityHigh // raised by its group
	a.Merge(Signal{Rule: RuleAberration, OrgID: 5, Series: SeriesFever, Day: day.AddDays(2), Count: 7, Threshold: 4})
	if a.Severity != SeverityHigh {
		t.Errorf("merge lowered a grouped alert to %s", a.Severity)
	}
}

func TestGroupSignals(t *testing.T) {
	day := mustDay("2026-12-01")
	ab := func(org int64, series Series, d Date) Signal {
		return Signal{Rule: RuleAberration, OrgID: org, Series: series, Day: d}
	}
	county := GroupNode{Signal: ab(1, SeriesFever, day), Path: "/1/", Region: true}
	town := GroupNode{Signal: ab(2, SeriesFever, day), Path: "/1/2/", Region: true}
	school := GroupNode{Signal: ab(3, SeriesFever, day), Path: "/1/2/3/"}
	school2 := GroupNode{Signal: ab(4, SeriesFever, day), Path: "/1/2/4/"}
	otherTown := GroupNode{Signal: ab(5, SeriesFever, day), Path: "/1/5/", Region: true}
	for _, c := range []struct {
		name  string
		nodes []GroupNode
		want  []int
	}{
		{"school, town and county: one alert at the county", []GroupNode{school, town, county}, []int{2, 2, -1}},
		{"two schools under their town", []GroupNode{school, school2, town}, []int{2, 2, -1}},
		{"a school alone stands alone", []GroupNode{school}, []int{-1}},
		{"a region alone stands alone", []GroupNode{county}, []int{-1}},
		{"another town's signal does not take the school", []GroupNode{school, otherTown}, []int{-1, -1}},
		{"a town beside the school's: both under the county", []GroupNode{school, otherTown, county}, []int{2, 2, -1}},
		{"another series is another signal", []GroupNode{{Signal: ab(3, SeriesIllAbsent, day), Path: "/1/2/3/"}, town},
			[]int{-1, -1}},
		{"another day is another signal", []GroupNode{{Signal: ab(3, SeriesFever, day.AddDays(-1)), Path: "/1/2/3/"}, town},
			[]int{-1, -1}},
		{"a fixed rule is not grouped", []GroupNode{{Signal: Signal{Rule: RuleAbsenceRate, OrgID: 3, Series: SeriesFever, Day: day},
			Path: "/1/2/3/"}, town}, []int{-1, -1}},
		{"a school is never a parent", []GroupNode{{Signal: ab(3, SeriesFever, day), Path: "/1/"}, {Signal: ab(6, SeriesFever, day),
			Path: "/1/6/"}}, []int{-1, -1}},
		{"a path sharing a prefix is not below", []GroupNode{{Signal: ab(12, SeriesFever, day), Path: "/12/"},
			{Signal: ab(1, SeriesFever, day), Path: "/1/", Region: true}}, []int{-1, -1}},
	} {
		got := GroupSignals(c.nodes)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %v", c.name, got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: parents %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestGroupSeverity(t *testing.T) {
	parent := &Alert{Rule: RuleAberration, Days: 1}
	low := AlertChild{School: true, Severity: SeverityLow}
	for _, c := range []struct {
		name     string
		children []AlertChild
		want     Severity
	}{
		{"alone", nil, SeverityLow},
		{"one school's blip", []AlertChild{low}, SeverityLow},
		{"a school and a town", []AlertChild{low, {Severity: SeverityLow}}, SeverityLow},
		{"two schools", []AlertChild{low, low}, SeverityHigh},
		{"a school lasting two days", []AlertChild{{School: true, Severity: SeverityMedium}}, SeverityMedium},
	} {
		if got := GroupSeverity(parent, c.children); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestSensitivity(t *testing.T) {
	for _, c := range []struct {
		s     Sensitivity
		days  int
		alpha float64
		ok    bool
	}{
		{SensitivityLow, 2, 0.001, true},
		{SensitivityNormal, 1, 0.001, true},
		{SensitivityHigh, 1, 0.01, true},
		{"", 1, 0.001, false},
		{"extreme", 1, 0.001, false},
	} {
		if got := c.s.AlarmDays(); got != c.days {
			t.Errorf("%q.AlarmDays() = %d, want %d", c.s, got, c.days)
		}
		if got := c.s.Alpha(0.001); got < c.alpha*0.999 || got > c.alpha*1.001 {
			t.Errorf("%q.Alpha(0.001) = %g, want %g", c.s, got, c.alpha)
		}
		err := ValidateSensitivity(c.s)
		if (err == nil) != c.ok {
			t.Errorf("ValidateSensitivity(%q) = %v", c.s, err)
		}
		if err != nil && !hasField(err, "sensitivity") {
			t.Errorf("ValidateSensitivity(%q) = %v, want the field named", c.s, err)
		}
	}
	if got := SensitivityHigh.Alpha(0.025); got != 0.1 {
		t.Errorf("high of C3's 0.025 = %g, want the cap 0.1", got)
	}
}

func hasField(err error, field string) bool {
	for _, f := range ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func mustDay(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
