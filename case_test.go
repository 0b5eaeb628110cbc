package campusguard

import (
	"testing"
	"time"
)

// TestCaseApply tries every state against every target: only the next
// state on the line is allowed, and each state's required detail is asked.
func TestCaseApply(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	full := func(to CaseState) Transition {
		return Transition{To: to, Isolation: IsolationRoom, Outcome: OutcomeSuspected, Certificate: "云医复字-1"}
	}
	for _, from := range CaseStates {
		for _, to := range CaseStates {
			c := &Case{State: from}
			step, err := c.Apply(full(to), "王医生", at)
			next, ok := NextCaseState(from)
			allowed := ok && to == next
			switch {
			case allowed && err != nil:
				t.Errorf("%s -> %s refused: %v", from, to, err)
			case !allowed && (err == nil || ErrorFields(err)[0].Field != "to"):
				t.Errorf("%s -> %s = %v, want Invalid on to", from, to, err)
			case !allowed && c.State != from:
				t.Errorf("%s -> %s refused but the state changed to %s", from, to, c.State)
			case allowed && (c.State != to || step.From != from || step.To != to || step.By != "王医生" || !step.At.Equal(at)):
				t.Errorf("%s -> %s: case %+v, step %+v", from, to, c, step)
			}
		}
	}
	for _, c := range []struct {
		from  CaseState
		t     Transition
		field string
	}{
		{CaseReported, Transition{To: CaseIsolated}, "isolation"},
		{CaseReported, Transition{To: CaseIsolated, Isolation: "hotel"}, "isolation"},
		{CaseReferred, Transition{To: CaseOutcome}, "outcome"},
		{CaseOutcome, Transition{To: CaseCleared, Certificate: "  "}, "certificate"},
		{CaseDetected, Transition{To: "lost"}, "to"},
		{CaseDetected, Transition{To: CaseReported, Note: string(make([]rune, MaxNote+1))}, "note"},
	} {
		k := &Case{State: c.from}
		_, err := k.Apply(c.t, "x", at)
		if fe := ErrorFields(err); len(fe) == 0 || fe[0].Field != c.field || k.State != c.from {
			t.Errorf("%s -> %+v = %v, want Invalid on %s, state kept", c.from, c.t, err, c.field)
		}
	}
}

func TestCaseClock(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	ch := &Check{ID: 9, PersonID: 3, Day: Date{2026, 11, 30}, At: at, Abnormal: true, Symptoms: []Symptom{SymCough}}
	c := CaseFromCheck(ch, "林小雨", 2*time.Hour)
	if c.IsOverdue(at.Add(2*time.Hour)) || !c.IsOverdue(at.Add(2*time.Hour+time.Second)) {
		t.Error("a detected case is overdue only after its due time")
	}
	c.State = CaseReported
	if c.IsOverdue(at.Add(5 * time.Hour)) {
		t.Error("a reported case is never overdue")
	}
	if !c.HoldsAtGate() {
		t.Error("an open case holds at the gate")
	}
	c.State = CaseCleared
	if c.HoldsAtGate() {
		t.Error("a cleared case does not hold at the gate")
	}
	t38 := 38.6
	c.Attach(&Check{Temperature: &t38, Symptoms: []Symptom{SymCough, SymFever}})
	if *c.Temperature != 38.6 || len(c.Symptoms) != 2 {
		t.Errorf("after Attach: %+v", c)
	}
	from, to := ContactWindow(&Case{OnsetDay: Date{2026, 11, 27}, IsolatedAt: &at}, Date{2026, 12, 3}, time.UTC)
	if from != (Date{2026, 11, 25}) || to != (Date{2026, 11, 30}) {
		t.Errorf("ContactWindow = %s..%s", from, to)
	}
}

func TestWebhookValidate(t *testing.T) {
	ok := Webhook{Name: "疾控", URL: "https://cdc.example/hook", Events: []string{EventCaseOpened}, OrgID: 1}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	for _, u := range []string{"ftp://x/y", "https://", "javascript:alert(1)", "//cdc.example", "https://user:pw@cdc.example/"} {
		w := ok
		w.URL = u
		if fe := ErrorFields(w.Validate()); len(fe) == 0 || fe[0].Field != "url" {
			t.Errorf("URL %q: %v, want Invalid on url", u, fe)
		}
	}
	if RetryDelay(1) != 10*time.Second || RetryDelay(2) != 20*time.Second || RetryDelay(20) != time.Hour {
		t.Errorf("RetryDelay = %v %v %v", RetryDelay(1), RetryDelay(2), RetryDelay(20))
	}
}
