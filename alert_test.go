package campusguard

import (
	"testing"
	"time"
)

func onset(id, class int64, room *int64, day Date, signs ...Symptom) CaseOnset {
	c := class
	return CaseOnset{CaseID: id, SchoolID: 1, ClassID: &c, RoomID: room, Onset: day, Signs: signs}
}

func rules(sigs []Signal, r AlertRule) []Signal {
	var out []Signal
	for _, s := range sigs {
		if s.Rule == r {
			out = append(out, s)
		}
	}
	return out
}

// TestClusterInOneDay: 2 similar cases in a class in a day do not fire, 3
// do; dissimilar ones do not; a dormitory room counts across classes.
func TestClusterInOneDay(t *testing.T) {
	cfg := DefaultRuleConfig()
	day := Date{2026, 11, 25}
	two := []CaseOnset{onset(1, 10, nil, day, SymFever, SymCough), onset(2, 10, nil, day, SymFever)}
	if got := rules(ClusterRules(two, day, cfg, nil), RuleClassDay); len(got) != 0 {
		t.Errorf("2 cases fired: %+v", got)
	}
	three := append(two, onset(3, 10, nil, day, SymFever, SymRash))
	got := rules(ClusterRules(three, day, cfg, nil), RuleClassDay)
	if len(got) != 1 || got[0].OrgID != 10 || got[0].Symptom != SymFever || got[0].Count != 3 || len(got[0].CaseIDs) != 3 {
		t.Errorf("3 cases: %+v", got)
	}
	mixed := append(two[:1:1], onset(2, 10, nil, day, SymRash), onset(3, 10, nil, day, SymDiarrhoea))
	if got := rules(ClusterRules(mixed, day, cfg, nil), RuleClassDay); len(got) != 0 {
		t.Errorf("3 dissimilar cases fired: %+v", got)
	}
	yesterday := append(two, onset(3, 10, nil, day.AddDays(-1), SymFever))
	if got := rules(ClusterRules(yesterday, day, cfg, nil), RuleClassDay); len(got) != 0 {
		t.Errorf("a case of the day before counted: %+v", got)
	}
	room := int64(101)
	dorm := []CaseOnset{onset(1, 10, &room, day, SymVomiting), onset(2, 11, &room, day, SymVomiting), onset(3, 12, &room, day, SymVomiting)}
	got = rules(ClusterRules(dorm, day, cfg, nil), RuleClassDay)
	if len(got) != 1 || got[0].RoomID == nil || *got[0].RoomID != room || got[0].OrgID != 1 {
		t.Errorf("dorm room cluster: %+v", got)
	}
}

// TestClusterInThreeDays: 4 similar cases within three consecutive days do
// not fire, 5 do; with calendar days a weekend breaks the window, with
// school days it does not.
func TestClusterInThreeDays(t *testing.T) {
	cfg := DefaultRuleConfig()
	mon := Date{2026, 11, 30}
	fri, thu, tue := mon.AddDays(-3), mon.AddDays(-4), mon.AddDays(1)
	four := []CaseOnset{onset(1, 10, nil, mon, SymCough), onset(2, 10, nil, mon.AddDays(1), SymCough),
		onset(3, 10, nil, mon.AddDays(2), SymCough), onset(4, 10, nil, mon.AddDays(2), SymCough)}
	wed := mon.AddDays(2)
	if got := rules(ClusterRules(four, wed, cfg, nil), RuleClassDays); len(got) != 0 {
		t.Errorf("4 cases fired: %+v", got)
	}
	five := append(four, onset(5, 10, nil, mon, SymCough))
	got := rules(ClusterRules(five, wed, cfg, nil), RuleClassDays)
	if len(got) != 1 || got[0].Count != 5 || got[0].Threshold != 5 {
		t.Errorf("5 cases: %+v", got)
	}
	// Thursday, Friday and Monday: 2 + 2 + 1 cases.
	weekend := []CaseOnset{onset(1, 10, nil, thu, SymFever), onset(2, 10, nil, thu, SymFever), onset(3, 10, nil, fri, SymFever),
		onset(4, 10, nil, fri, SymFever), onset(5, 10, nil, mon, SymFever)}
	if got := rules(ClusterRules(weekend, mon, cfg, nil), RuleClassDays); len(got) != 0 {
		t.Errorf("calendar days: Thursday to Monday fired: %+v", got)
	}
	school := DefaultRuleConfig()
	school.CalendarDays = false
	days := []Date{thu.AddDays(-1), thu, fri, mon, tue}
	got = rules(ClusterRules(weekend, mon, school, days), RuleClassDays)
	if len(got) != 1 || got[0].Count != 5 {
		t.Errorf("school days: Thursday, Friday, Monday = %+v, want one signal of 5", got)
	}
	// On Tuesday Thursday's cases leave the school-day window.
	if got := rules(ClusterRules(weekend, tue, school, days), RuleClassDays); len(got) != 0 {
		t.Errorf("school days on Tuesday fired: %+v", got)
	}
}

func TestOtherRules(t *testing.T) {
	cfg := DefaultRuleConfig()
	day := Date{2026, 11, 30}
	t389, t39 := 38.9, 39.0
	hot := onset(1, 10, nil, day, SymFever)
	hot.Temperature = &t39
	warm := onset(2, 10, nil, day, SymFever)
	warm.Temperature = &t389
	known := onset(3, 10, nil, day, SymFever)
	known.Temperature, known.Outcome = &t39, OutcomeRuledOut
	got := HighFeverRule([]CaseOnset{hot, warm, known}, day, cfg)
	if len(got) != 1 || got[0].CaseIDs[0] != 1 {
		t.Errorf("HighFeverRule = %+v, want case 1 only", got)
	}
	if _, ok := AbsenceRateRule(1, Rollup{Day: day, Expected: 100, IllAbsent: 5}, cfg); ok {
		t.Error("5 % fired at a 5 % threshold")
	}
	if s, ok := AbsenceRateRule(1, Rollup{Day: day, Expected: 100, IllAbsent: 6}, cfg); !ok || s.Count != 0.06 {
		t.Errorf("6 %% = %+v, %v", s, ok)
	}
	if _, ok := EpidemicFeverRule(1, Rollup{Day: day, Fever: 1}, cfg); ok {
		t.Error("a fever fired without an epidemic")
	}
	cfg.EpidemicActive = true
	if _, ok := EpidemicFeverRule(1, Rollup{Day: day, Fever: 1}, cfg); !ok {
		t.Error("a fever during an epidemic did not fire")
	}
}

// TestAlertLifecycle: one alert per signal across days; open →
// acknowledged → investigated → closed with a conclusion, nothing else.
func TestAlertLifecycle(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	s := Signal{Rule: RuleClassDay, OrgID: 10, Symptom: SymFever, Day: Date{2026, 11, 30}, Count: 3, Threshold: 3, CaseIDs: []int64{1, 2, 3}}
	a := AlertFromSignal(s, 1, at)
	next := s
	next.Day, next.Count, next.CaseIDs = s.Day.AddDays(1), 4, []int64{3, 4}
	if next.Key() != s.Key() {
		t.Fatal("the same rule on the same class is a different signal on another day")
	}
	a.Merge(next)
	if a.Days != 2 || a.Count != 4 || len(a.CaseIDs) != 4 || a.LastDay != next.Day || a.FirstDay != s.Day {
		t.Errorf("after Merge: %+v", a)
	}
	other := s
	other.OrgID = 11
	if other.Key() == s.Key() {
		t.Error("another class has the same key")
	}
	for _, from := range AlertStates {
		for _, to := range AlertStates {
			x := &Alert{State: from}
			_, err := x.Apply(AlertMove{To: to, Note: "排除聚集性疫情"}, "王医生", at)
			n, ok := NextAlertState(from)
			if allowed := ok && to == n; allowed != (err == nil) {
				t.Errorf("%s -> %s: %v", from, to, err)
			}
		}
	}
	x := &Alert{State: AlertInvestigated}
	if _, err := x.Apply(AlertMove{To: AlertClosed, Note: " "}, "x", at); ErrorFields(err)[0].Field != "note" {
		t.Errorf("closing without a conclusion = %v", err)
	}
}

func TestRuleConfigValidate(t *testing.T) {
	c := DefaultRuleConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Method, c.Baseline, c.AbsenceRate = "C4", 2, 0
	fe := ErrorFields(c.Validate())
	if len(fe) != 3 {
		t.Errorf("Validate = %v, want method, baseline and absence_rate", fe)
	}
}

func TestAlertSignalKey(t *testing.T) {
	for _, c := range []struct {
		a    Alert
		want string
	}{
		{Alert{Symptom: SymCough}, "symptom.cough"},
		{Alert{Series: SeriesIllAbsent}, "series.ill_absent"},
		{Alert{Symptom: SymCough, Series: SeriesFever}, "symptom.cough"}, // a cluster's symptom first
		{Alert{}, ""},
	} {
		if got := c.a.SignalKey(); got != c.want {
			t.Errorf("%+v: SignalKey() = %q, want %q", c.a, got, c.want)
		}
	}
}
