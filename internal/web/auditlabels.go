package web

import (
	"encoding/json"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// The audit log and the histories store codes: an object as "case:6", a
// transition as "outcome->cleared", the program's own actor as "job
// briefing". People read them translated; a code the catalogue does not
// know shows as it is (and TestForeignWords fails on it).

// auditObjectKinds are the kinds of object the store writes to the log.
var auditObjectKinds = []string{"alert", "bus_route", "case", "join", "login", "org", "person", "place", "token", "user", "webhook", "file",
	"finding", "phase", "suspension"}

// systemActors are the names the program acts under (SystemContext);
// the jobs are "job " and a job's name.
var systemActors = []string{"demo", "cli", "cli export", "cli import", "backup", "briefing", "system page"}

// jobNames are the scheduled jobs (internal/app).
var jobNames = []string{"open-day", "escalate-overdue", "remind-missing", "detect-alerts", "briefing", "retention", "webhooks", "backup",
	"data-quality", "supply-low-stock"}

func slug(s string) string { return strings.NewReplacer(" ", "_", "-", "_").Replace(s) }

// auditObjectLabel translates "case:6" as "病例 6".
func auditObjectLabel(l i18n.Lang, object string) string {
	kind, id, ok := strings.Cut(object, ":")
	if !ok {
		return object
	}
	if key := "audit.object." + kind; i18n.Has(i18n.Hans, key) {
		return tr(l, key, id)
	}
	return object
}

// auditFields are the fields of the reports the store writes to the log
// as JSON (a quality run, a retention run): each is shown by its name in
// the catalogue ("audit.field.<name>").
var auditFields = []string{"region_id", "day", "found", "new", "schools", "students", "cutoffs", "checks", "person_days",
	"followups", "cases", "anonymised"}

// auditDetailLabel translates a transition "outcome->cleared" by the
// states of cases and alerts, and a report written as a JSON object
// field by field ("发现问题 3；新问题 1"); other details show as they are.
func auditDetailLabel(l i18n.Lang, detail string) string {
	if strings.HasPrefix(detail, "{") {
		if s, ok := jsonDetailLabel(l, detail); ok {
			return s
		}
	}
	from, to, ok := strings.Cut(detail, "->")
	if !ok {
		return detail
	}
	state := func(s string) string {
		for _, key := range []string{caseStateKey(campusguard.CaseState(s)), "alert.state." + s} {
			if i18n.Has(i18n.Hans, key) {
				return tr(l, key)
			}
		}
		return s
	}
	return state(from) + " → " + state(to)
}

// jsonDetailLabel shows a JSON object's fields in their order, each named
// by the catalogue (a field it does not know shows as it is); a nested
// object is shown as its JSON. ok is false when detail is not an object.
func jsonDetailLabel(l i18n.Lang, detail string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(detail))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	var parts []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", false
		}
		value := string(v)
		var str string
		if json.Unmarshal(v, &str) == nil {
			value = str
		}
		label := name
		if key := "audit.field." + name; i18n.Has(i18n.Hans, key) {
			label = tr(l, key)
		}
		parts = append(parts, label+tr(l, "audit.field_sep")+value)
	}
	return strings.Join(parts, tr(l, "audit.fields_sep")), true
}

// systemActorLabel names the program's own actor for people: "定时任务：
// 每日研判" for "job briefing"; ok is false for a name that is not one.
func systemActorLabel(l i18n.Lang, actor string) (string, bool) {
	if job, ok := strings.CutPrefix(actor, "job "); ok {
		name := job
		if key := "job." + slug(job); i18n.Has(i18n.Hans, key) {
			name = tr(l, key)
		}
		return tr(l, "audit.actor.job", name), true
	}
	for _, a := range systemActors {
		if a == actor {
			return tr(l, "audit.actor."+slug(a)), true
		}
	}
	return actor, false
}

// auditActorLabel names the actor of a log line: a person or a device as
// they are, the program translated.
func auditActorLabel(l i18n.Lang, e *campusguard.AuditEntry) string {
	if e.UserID == 0 && e.TokenID == 0 {
		if s, ok := systemActorLabel(l, e.Actor); ok {
			return s
		}
		if e.Actor == "" || e.Actor == "system" {
			return tr(l, "history.actor.system")
		}
	}
	return e.Actor
}

// auditDynamicKeys lists the keys built above, for the catalogue's test.
func auditDynamicKeys() []string {
	keys := []string{"audit.actor.job", "audit.field_sep", "audit.fields_sep"}
	for _, f := range auditFields {
		keys = append(keys, "audit.field."+f)
	}
	for _, k := range auditObjectKinds {
		keys = append(keys, "audit.object."+k)
	}
	for _, a := range systemActors {
		keys = append(keys, "audit.actor."+slug(a))
	}
	for _, j := range jobNames {
		keys = append(keys, "job."+slug(j))
	}
	return keys
}

// stepNote is a case step's note as people read it: the store's "auto",
// the note of a case a check opened, translated.
func stepNote(l i18n.Lang, note string) string {
	if note == "auto" {
		return tr(l, "case.note_auto")
	}
	return note
}
