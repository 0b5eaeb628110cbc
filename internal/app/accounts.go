package app

import (
	"context"
	"fmt"
	"strings"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// DemoPassword is the password of every demo account. It is printed by the
// demo command and must never exist outside a demo.
const DemoPassword = "campusguard-demo"

// DemoAccount is one account of the demo county.
type DemoAccount struct {
	Login string
	Role  campusguard.AccessRole
	Where string
}

// CreateDemoAccounts makes one account per role in the demo county: the
// bureau at the root, the school roles where the story is (the school and
// class of the outbreak, so that the doctor, the principal and the class
// teacher see its cases at once), and a guardian of one of that class's
// children. Without a history (no outbreak) the school roles go to the
// first primary school and its first class. It returns them in role order.
func CreateDemoAccounts(ctx context.Context, s *sqlstore.Store) ([]DemoAccount, error) {
	ctx = campusguard.SystemContext(ctx, "demo")
	root, err := s.FindOrgByID(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("demo accounts: root: %w", err)
	}
	school, class, err := demoStoryClass(ctx, s, root.ID)
	if err != nil {
		return nil, err
	}
	st := campusguard.Student
	students, _, err := s.FindPeople(ctx, campusguard.PersonFilter{ClassID: &class.ID, Kind: &st, Limit: 1})
	if err != nil || len(students) == 0 {
		return nil, fmt.Errorf("demo accounts: no student: %v", err)
	}
	file, err := s.FindPersonFile(ctx, students[0].ID)
	if err != nil || len(file.Guardians) == 0 {
		return nil, fmt.Errorf("demo accounts: no guardian: %v", err)
	}
	sf := campusguard.Staff
	staff, _, err := s.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &school.ID, Kind: &sf, Limit: 1})
	if err != nil || len(staff) == 0 {
		return nil, fmt.Errorf("demo accounts: no staff: %v", err)
	}
	grant := func(r campusguard.AccessRole, o *campusguard.Org) []campusguard.Grant {
		if o == nil {
			return []campusguard.Grant{{Role: r}}
		}
		return []campusguard.Grant{{Role: r, OrgID: o.ID}}
	}
	users := []struct {
		u     campusguard.User
		where string
	}{
		{campusguard.User{Login: "admin", Name: "系统管理员", Grants: grant(campusguard.SystemAdmin, nil)}, "全部"},
		{campusguard.User{Login: "bureau", Name: "教育局值班员", Grants: grant(campusguard.RegionAdmin, root)}, root.Name},
		{campusguard.User{Login: "cdc", Name: "疾控中心联络员", Grants: []campusguard.Grant{{Role: campusguard.RegionViewer, OrgID: root.ID, Duty: "cdc"}}}, root.Name},
		{campusguard.User{Login: "inspector", Name: "督查组组员", Grants: grant(campusguard.Inspector, root)}, root.Name},
		{campusguard.User{Login: "principal", Name: school.Principal, Grants: grant(campusguard.SchoolAdmin, school)}, school.Name},
		{campusguard.User{Login: "doctor", Name: "校医", Grants: grant(campusguard.HealthOffice, school)}, school.Name},
		{campusguard.User{Login: "teacher", Name: "班主任", PersonID: class.HeadTeacherID, Grants: grant(campusguard.ClassTeacher, class)}, school.Name + " " + class.Name},
		{campusguard.User{Login: "gate", Name: "门卫", Grants: grant(campusguard.GateStaff, school)}, school.Name},
		{campusguard.User{Login: "staff", Name: staff[0].Name, PersonID: &staff[0].ID, Grants: grant(campusguard.StaffMember, school)}, school.Name},
		{campusguard.User{Login: "parent", Name: file.Guardians[0].Name, GuardianID: &file.Guardians[0].ID}, students[0].Name + " 的家长"},
	}
	out := make([]DemoAccount, 0, len(users))
	for _, x := range users {
		u := x.u
		if u.Name == "" {
			u.Name = u.Login
		}
		if err := s.CreateUser(ctx, &u, DemoPassword); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", u.Login, err)
		}
		role := campusguard.GuardianRole
		if len(u.Grants) > 0 {
			role = u.Grants[0].Role
		}
		out = append(out, DemoAccount{Login: u.Login, Role: role, Where: x.where})
	}
	return out, nil
}

// DemoAccounts lists the demo accounts that exist, for printing at start.
func DemoAccounts(ctx context.Context, s *sqlstore.Store) ([]DemoAccount, error) {
	ctx = campusguard.SystemContext(ctx, "demo")
	var out []DemoAccount
	for _, login := range []string{"admin", "bureau", "cdc", "inspector", "principal", "doctor", "teacher", "gate", "staff", "parent"} {
		q := login
		users, _, err := s.FindUsers(ctx, campusguard.UserFilter{Query: &q})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Login != login {
				continue
			}
			a := DemoAccount{Login: u.Login, Role: campusguard.GuardianRole, Where: "本人子女 / own children"}
			if len(u.Grants) > 0 {
				a.Role, a.Where = u.Grants[0].Role, u.Grants[0].OrgName
				if where, err := placeName(ctx, s, u.Grants[0].OrgID); err == nil && where != "" {
					a.Where = where
				}
			}
			if a.Role == campusguard.SystemAdmin {
				a.Where = "全部 / everything"
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// demoStoryClass returns the school and the class of the demo's outbreak:
// the class with the most cases, else the first class of the first primary
// school, else of the first school.
func demoStoryClass(ctx context.Context, s *sqlstore.Store, rootID int64) (school, class *campusguard.Org, err error) {
	cases, _, err := s.FindCases(ctx, campusguard.CaseFilter{OrgID: &rootID, Limit: 500})
	if err != nil {
		return nil, nil, fmt.Errorf("demo accounts: cases: %w", err)
	}
	count := map[int64]int{}
	schoolOf := map[int64]int64{}
	var best int64
	for _, k := range cases {
		if k.ClassID == nil {
			continue
		}
		id := *k.ClassID
		count[id]++
		schoolOf[id] = k.SchoolID
		if best == 0 || count[id] > count[best] || count[id] == count[best] && id < best {
			best = id
		}
	}
	if best != 0 {
		if class, err = s.FindOrgByID(ctx, best); err != nil {
			return nil, nil, fmt.Errorf("demo accounts: outbreak class: %w", err)
		}
		if school, err = s.FindOrgByID(ctx, schoolOf[best]); err != nil {
			return nil, nil, fmt.Errorf("demo accounts: outbreak school: %w", err)
		}
		return school, class, nil
	}
	kind := campusguard.KindSchool
	primary := campusguard.Primary
	schools, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &rootID, Kind: &kind, SchoolType: &primary, Limit: 1})
	if err == nil && len(schools) == 0 {
		schools, _, err = s.FindOrgs(ctx, campusguard.OrgFilter{Under: &rootID, Kind: &kind, Limit: 1})
	}
	if err != nil || len(schools) == 0 {
		return nil, nil, fmt.Errorf("demo accounts: no school: %v", err)
	}
	school = schools[0]
	ck := campusguard.KindClass
	classes, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &school.ID, Kind: &ck, Limit: 1})
	if err != nil || len(classes) == 0 {
		return nil, nil, fmt.Errorf("demo accounts: no class: %v", err)
	}
	return school, classes[0], nil
}

// placeName names an org as a person finds it: a class as "school grade
// class" (a bare "1班" says nothing), anything else by its own name.
func placeName(ctx context.Context, s *sqlstore.Store, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	o, err := s.FindOrgByID(ctx, id)
	if err != nil {
		return "", err
	}
	if o.Kind != campusguard.KindClass && o.Kind != campusguard.KindGrade {
		return o.Name, nil
	}
	anc, err := s.OrgAncestors(ctx, id)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, a := range anc {
		if a.Kind == campusguard.KindSchool || a.Kind == campusguard.KindGrade {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(append(parts, o.Name), " "), nil
}
