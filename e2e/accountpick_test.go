package e2e

import (
	"strconv"
	"testing"

	"campusguard"
)

// TestAccountPicksByName: a principal makes a class teacher's account on a
// phone without knowing any number: types part of the class's name, picks
// the class from the list (with its school and grade), types part of the
// teacher's name, picks them, and the account is made with that grant.
func TestAccountPicksByName(t *testing.T) {
	school, _, class := mustCreateSchool(t, "点选")
	teacher := &campusguard.Person{SchoolID: school.ID, Kind: campusguard.Staff, Role: campusguard.RoleClassTeacher,
		Name: "欧阳点选", Number: "PX01"}
	if err := store.CreatePerson(sysCtx(t), teacher); err != nil {
		t.Fatalf("create teacher: %v", err)
	}
	b := newTabAs(t, phone, acceptChinese,
		signIn(t, "e2e-pick-principal", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	b.open("/admin/users/new")
	b.typeIn(testid("user-login"), "e2e-pick-teacher")
	b.typeIn(testid("user-name-input"), "欧阳老师")
	b.typeIn(testid("user-password"), "pick-teacher-1")
	b.choose(testid("grant-role"), string(campusguard.ClassTeacher))

	b.typeIn(testid("grant-org-search"), "1班")
	b.waitFor("the class in the org picker", `document.querySelectorAll("#pick-org_id [data-testid=pick-choice]").length === 1`)
	if got := b.text(`#pick-org_id [data-testid=pick-label]`); got != "点选小学 · 一年级 · 1班（班级）" {
		t.Errorf("the class reads %q, want it with its school and grade", got)
	}
	b.click(`#pick-org_id [data-testid=pick-choice]`)

	b.typeIn(testid("user-person-search"), "欧阳")
	b.waitFor("the teacher in the person picker", `document.querySelectorAll("#pick-person_id [data-testid=pick-choice]").length === 1`)
	b.click(`#pick-person_id [data-testid=pick-choice]`)

	b.clickFor(testid("user-submit"), 200)
	if got := b.texts(testid("grant")); len(got) != 1 || got[0] != "班主任 · 1班" {
		t.Errorf("the new account's grants = %q, want the class teacher of 1班", got)
	}
	users, _, err := store.FindUsers(sysCtx(t), campusguard.UserFilter{Query: ptr("e2e-pick-teacher"), Limit: 2})
	if err != nil || len(users) != 1 {
		t.Fatalf("FindUsers = %d, %v", len(users), err)
	}
	if users[0].PersonID == nil || *users[0].PersonID != teacher.ID {
		t.Errorf("the account's person = %v, want %s", users[0].PersonID, strconv.FormatInt(teacher.ID, 10))
	}
	if len(users[0].Grants) != 1 || users[0].Grants[0].OrgID != class.ID {
		t.Errorf("the account's grants = %+v, want the class %d", users[0].Grants, class.ID)
	}
}
