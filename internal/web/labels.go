package web

import (
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// The message keys built from domain values. dynamicKeys lists them all, so
// that a test can check each is in every catalogue.

func schoolTypeKey(t campusguard.SchoolType) string { return "school_type." + string(t) }
func levelKey(l campusguard.RegionLevel) string     { return "level." + string(l) }
func orgKindKey(k campusguard.OrgKind) string       { return "org_kind." + string(k) }
func placeKindKey(k campusguard.PlaceKind) string   { return "place_kind." + string(k) }
func roleKey(r campusguard.StaffRole) string        { return "role." + string(r) }
func personKindKey(k campusguard.PersonKind) string { return "person_kind." + string(k) }
func genderKey(g campusguard.Gender) string         { return "gender." + string(g) }
func accessRoleKey(r campusguard.AccessRole) string { return "access_role." + string(r) }
func dutyKey(d string) string                       { return "duty." + d }
func auditActionKey(a string) string                { return "audit.action." + a }
func relationKey(r string) string                   { return "relation." + r }

// duties are the duties of a region viewer (SPEC §2): what data they need.
var duties = campusguard.Duties

// auditActions are the actions the store writes to the audit log, in the
// order the audit page's filter offers them; others show as they are.
var auditActions = []string{"login", "login_failed", "change_password", "reset_password", "create_user", "add_grant",
	"create_token", "revoke_token", "read_person_file", "reveal_identity", "issue_binding_codes",
	"revoke_binding_codes", "redeem_binding_code", "create_org", "update_org", "create_place", "create_bus_route",
	"create_person", "update_person", "add_guardian", "import_roster",
	"set_fever_threshold", "set_retention", "set_deadlines", "retention", "export_person_file",
	"open_case", "read_case", "move_case", "read_contacts", "move_alert", "set_rules", "set_report_within",
	"set_calendar", "delete_calendar", "sign_off_day", "complete_followup", "generate_briefing", "create_webhook", "disable_webhook",
	"search_id_number", "quality", "set_quality", "explain_finding",
	"upload_file", "set_checklist", "submit_readiness", "approve_reopening", "withdraw_approval",
	"set_phase", "delete_phase", "suspend", "extend_suspension", "resume", "set_ili", "record_return_note",
	"create_supply_item", "book_supply", "reverse_supply", "set_supply_settings", "set_alert_sensitivity",
	"set_inspection_checklist", "create_inspection", "add_visit", "record_visit_result", "add_finding", "close_visit",
	"open_rectification", "answer_rectification", "verify_rectification", "rectification_overdue",
	"send_directive", "acknowledge_directive", "complete_directive", "remind_directive",
	"record_accountability", "set_reinspect", "open_reinspection", "reinspection_done",
	"plan_drill", "start_drill", "inject_drill_case", "finish_drill",
	"create_training", "set_training_attendance", "set_training_topics",
	"create_space", "update_space", "set_env_schedule", "log_environment"}

// relations are the choices of a guardian's relation to the student. The
// value stored is the Chinese word schools use in their rosters.
var relations = []struct{ key, value string }{
	{"father", "父亲"}, {"mother", "母亲"}, {"grandfather", "祖父"}, {"grandmother", "祖母"},
	{"maternal_grandfather", "外祖父"}, {"maternal_grandmother", "外祖母"}, {"other", "其他"},
}

// historyKinds are the kinds of history line the store writes; others are
// shown as they are.
var historyKinds = []string{"created", "updated", "guardian", "imported"}

// historyDetails are the details of "imported" lines.
var historyDetails = []string{"created", "updated"}

// changedFields are the field names of "updated" lines.
var changedFields = []string{"name", "gender", "id_number", "phone", "number", "class_id", "role", "boarding",
	"dorm_room_id", "bus_route_id", "residence", "active"}

// dynamicKeys returns every key the package builds from a domain value.
func dynamicKeys() []string {
	keys := append(append(qualityDynamicKeys(), readinessDynamicKeys()...), inspectionDynamicKeys()...)
	keys = append(keys, supplyDynamicKeys()...)
	keys = append(keys, directiveDynamicKeys()...)
	keys = append(keys, accountabilityDynamicKeys()...)
	keys = append(keys, drillDynamicKeys()...)
	keys = append(keys, trainingDynamicKeys()...)
	keys = append(keys, environmentDynamicKeys()...)
	for _, kind := range []string{"case", "alert"} { // newLifeline's headings
		keys = append(keys, kind+".progress", kind+".steps")
	}
	for _, t := range campusguard.SchoolTypes {
		keys = append(keys, schoolTypeKey(t))
	}
	for _, l := range campusguard.RegionLevels {
		keys = append(keys, levelKey(l))
	}
	for _, k := range []campusguard.OrgKind{campusguard.KindRegion, campusguard.KindSchool, campusguard.KindGrade, campusguard.KindClass} {
		keys = append(keys, orgKindKey(k))
	}
	for _, k := range campusguard.PlaceKinds {
		keys = append(keys, placeKindKey(k))
	}
	for _, r := range campusguard.StaffRoles {
		keys = append(keys, roleKey(r))
	}
	for _, k := range []campusguard.PersonKind{campusguard.Student, campusguard.Staff} {
		keys = append(keys, personKindKey(k))
	}
	for _, g := range []campusguard.Gender{campusguard.Male, campusguard.Female} {
		keys = append(keys, genderKey(g))
	}
	for _, k := range historyKinds {
		keys = append(keys, "history."+k)
	}
	for _, d := range historyDetails {
		keys = append(keys, "history.imported."+d)
	}
	for _, f := range changedFields {
		keys = append(keys, "field."+f)
	}
	for _, st := range []int{400, 401, 403, 404, 409, 413, 422, 429, 500} {
		keys = append(keys, statusHeading(st))
	}
	for _, r := range campusguard.AccessRoles {
		keys = append(keys, accessRoleKey(r))
	}
	for _, d := range duties {
		keys = append(keys, dutyKey(d))
	}
	for _, a := range auditActions {
		keys = append(keys, auditActionKey(a))
	}
	for _, r := range relations {
		keys = append(keys, relationKey(r.key))
	}
	keys = append(keys, auditDynamicKeys()...)
	keys = append(keys, caseDynamicKeys()...)
	keys = append(keys, alertDynamicKeys()...)
	keys = append(keys, dashDynamicKeys()...)
	keys = append(keys, calendarDynamicKeys()...)
	keys = append(keys, policyDynamicKeys()...)
	return append(keys, checkDynamicKeys()...)
}

// orgLabel names what kind of node o is: its region level, its school type,
// or grade or class.
func orgLabel(l i18n.Lang, o *campusguard.Org) string {
	switch o.Kind {
	case campusguard.KindRegion:
		if o.Level != "" {
			return tr(l, levelKey(o.Level))
		}
	case campusguard.KindSchool:
		if o.SchoolType != "" {
			return tr(l, schoolTypeKey(o.SchoolType))
		}
	}
	return tr(l, orgKindKey(o.Kind))
}

// genderLabel names a gender, or "" when it is not recorded.
func genderLabel(l i18n.Lang, g campusguard.Gender) string {
	if g == "" {
		return ""
	}
	return tr(l, genderKey(g))
}

// personLabel names what a person is: a student, or a staff member's post.
func personLabel(l i18n.Lang, p *campusguard.Person) string {
	if p.Kind == campusguard.Staff && p.Role != "" {
		return tr(l, roleKey(p.Role))
	}
	return tr(l, personKindKey(p.Kind))
}

// historyLine translates one line of a person's history.
func historyLine(l i18n.Lang, e campusguard.Event) (what, detail string) {
	known := false
	for _, k := range historyKinds {
		known = known || k == e.Kind
	}
	if !known {
		return e.Kind, e.Detail
	}
	what = tr(l, "history."+e.Kind)
	switch e.Kind {
	case "updated":
		var names []string
		for _, f := range strings.Split(e.Detail, ",") {
			if f = strings.TrimSpace(f); f != "" {
				names = append(names, fieldLabel(l, f))
			}
		}
		sep := "、"
		if l == i18n.En {
			sep = ", "
		}
		return what, strings.Join(names, sep)
	case "imported":
		for _, d := range historyDetails {
			if d == e.Detail {
				return what, tr(l, "history.imported."+d)
			}
		}
	}
	return what, e.Detail
}

// roleLabel names a grant: its role, a region viewer's duty, and where.
func roleLabel(l i18n.Lang, g campusguard.Grant) string {
	s := tr(l, accessRoleKey(g.Role))
	for _, d := range duties {
		if d == g.Duty {
			s += "（" + tr(l, dutyKey(d)) + "）"
			if l == i18n.En {
				s = tr(l, accessRoleKey(g.Role)) + " (" + tr(l, dutyKey(d)) + ")"
			}
		}
	}
	if g.OrgName != "" {
		s += " · " + g.OrgName
	}
	return s
}

// roleLabels names what an actor is: each grant, and guardian when they
// are one.
func roleLabels(l i18n.Lang, a *campusguard.Actor) []string {
	var out []string
	for _, g := range a.Grants {
		out = append(out, roleLabel(l, g))
	}
	if len(a.GuardianOf) > 0 {
		out = append(out, tr(l, accessRoleKey(campusguard.GuardianRole)))
	}
	return out
}

// auditActionLabel names an action of the audit log.
func auditActionLabel(l i18n.Lang, action string) string {
	for _, a := range auditActions {
		if a == action {
			return tr(l, auditActionKey(a))
		}
	}
	return action
}
