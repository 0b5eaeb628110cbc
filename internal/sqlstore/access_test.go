package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// world is two schools in one county, and a school in another county, each
// with a class, a student with a guardian, and a staff member.
type world struct {
	county, county2             *campusguard.Org
	school, school2, school3    *campusguard.Org
	class, class2, class3       *campusguard.Org
	student, student2, student3 *campusguard.Person
	staff, staff2               *campusguard.Person
	guardianPhone               string
	room                        *campusguard.Place
}

func mustWorld(t *testing.T, s *sqlstore.Store) *world {
	t.Helper()
	w := &world{guardianPhone: "13812345678"}
	mk := func(o *campusguard.Org) *campusguard.Org {
		t.Helper()
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatalf("CreateOrg(%s) = %v", o.Name, err)
		}
		return o
	}
	w.county = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "云霄县"})
	w.county2 = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县"})
	school := func(parent *campusguard.Org, name string) (*campusguard.Org, *campusguard.Org) {
		sch := mk(&campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: name, ParentID: &parent.ID})
		g := mk(&campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", ParentID: &sch.ID})
		c := mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &g.ID})
		return sch, c
	}
	w.school, w.class = school(w.county, "一小")
	w.school2, w.class2 = school(w.county, "二小")
	w.school3, w.class3 = school(w.county2, "诏安一小")
	person := func(sch, class *campusguard.Org, kind campusguard.PersonKind, n int) *campusguard.Person {
		p := &campusguard.Person{SchoolID: sch.ID, Kind: kind, Name: "人" + itoa(n), Number: "N" + itoa(n),
			IDNumber: validID("2015-01-01", n), Phone: "1390000" + pad3(n) + "0"}
		if kind == campusguard.Student {
			p.ClassID = &class.ID
		} else {
			p.Role = campusguard.RoleTeacher
		}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson = %v", err)
		}
		return p
	}
	w.student = person(w.school, w.class, campusguard.Student, 1)
	w.student2 = person(w.school2, w.class2, campusguard.Student, 2)
	w.student3 = person(w.school3, w.class3, campusguard.Student, 3)
	w.staff = person(w.school, nil, campusguard.Staff, 4)
	w.staff2 = person(w.school2, nil, campusguard.Staff, 5)
	if err := s.AddGuardian(ctx, w.student.ID, &campusguard.Guardian{Name: "家长", Phone: w.guardianPhone, Relation: "母亲"}); err != nil {
		t.Fatal(err)
	}
	w.room = &campusguard.Place{SchoolID: w.school.ID, Kind: campusguard.PlaceDormRoom, Name: "101", Beds: 4}
	if err := s.CreatePlace(ctx, w.room); err != nil {
		t.Fatal(err)
	}
	return w
}

// guardianUser signs a guardian up for w.student through a binding code.
func guardianUser(t *testing.T, s *sqlstore.Store, w *world) *campusguard.User {
	t.Helper()
	codes, err := s.IssueBindingCodes(ctx, w.class.ID)
	if err != nil || len(codes) != 1 {
		t.Fatalf("IssueBindingCodes = %v, %v", codes, err)
	}
	u, err := s.RedeemBindingCode(context.Background(), campusguard.GuardianSignup{Code: codes[0].Code, Name: "家长",
		Phone: w.guardianPhone, Relation: "母亲", Password: sqlstoretest.Password}, "127.0.0.1")
	if err != nil {
		t.Fatalf("RedeemBindingCode = %v", err)
	}
	return u
}

// TestAccessMatrix: for every role, one resource of each kind in scope and
// one out of scope. In scope reads succeed (and writes where the role
// writes); out of scope is NotFound, as if it did not exist.
func TestAccessMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		g := func(r campusguard.AccessRole, o *campusguard.Org) campusguard.Grant {
			return campusguard.Grant{Role: r, OrgID: o.ID}
		}
		type expect struct {
			orgIn, orgOut       *campusguard.Org
			personIn, personOut *campusguard.Person
			file                campusguard.Code // FindPersonFile on personIn: "" allowed
			writeOrg, writeP    bool
			// noPeople: people are out of reach altogether (a liaison whose
			// duty reads aggregated figures only): personIn reads as NotFound.
			noPeople bool
		}
		staffUser := func() *campusguard.User {
			u := &campusguard.User{Login: "staff-self", Name: "教师本人", PersonID: &w.staff.ID,
				Grants: []campusguard.Grant{g(campusguard.StaffMember, w.school)}}
			if err := s.CreateUser(ctx, u, sqlstoretest.Password); err != nil {
				t.Fatal(err)
			}
			return u
		}
		viewer := func(duty string) func() *campusguard.User {
			return func() *campusguard.User {
				return sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: duty})
			}
		}
		// What every liaison whose duty is not health sees: the county's
		// nodes and figures, no person.
		aggregates := expect{orgIn: w.school2, orgOut: w.school3, personIn: w.student2, personOut: w.student3, noPeople: true}
		cases := []struct {
			role campusguard.AccessRole
			duty string
			user func() *campusguard.User
			want expect
		}{
			{campusguard.SystemAdmin, "", func() *campusguard.User {
				return sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
			},
				expect{orgIn: w.school3, personIn: w.student3, writeOrg: true, writeP: true}},
			{campusguard.RegionAdmin, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.RegionAdmin, w.county)) },
				expect{orgIn: w.school2, orgOut: w.school3, personIn: w.student2, personOut: w.student3, writeOrg: true, writeP: true}},
			{campusguard.RegionViewer, campusguard.DutyHealth, viewer(campusguard.DutyHealth),
				expect{orgIn: w.school2, orgOut: w.school3, personIn: w.student2, personOut: w.student3}},
			{campusguard.RegionViewer, campusguard.DutyCDC, viewer(campusguard.DutyCDC),
				expect{orgIn: w.school2, orgOut: w.school3, personIn: w.student2, personOut: w.student3}},
			{campusguard.RegionViewer, campusguard.DutyMarket, viewer(campusguard.DutyMarket), aggregates},
			{campusguard.RegionViewer, campusguard.DutyPolice, viewer(campusguard.DutyPolice), aggregates},
			{campusguard.RegionViewer, campusguard.DutyTransport, viewer(campusguard.DutyTransport), aggregates},
			{campusguard.Inspector, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.Inspector, w.county)) },
				expect{orgIn: w.school, orgOut: w.school3, personIn: w.student, personOut: w.student3, file: campusguard.Forbidden}},
			{campusguard.SchoolAdmin, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.SchoolAdmin, w.school)) },
				expect{orgIn: w.class, orgOut: w.school2, personIn: w.student, personOut: w.student2, writeOrg: true, writeP: true}},
			{campusguard.HealthOffice, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.HealthOffice, w.school)) },
				expect{orgIn: w.class, orgOut: w.class2, personIn: w.staff, personOut: w.staff2}},
			{campusguard.ClassTeacher, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.ClassTeacher, w.class)) },
				expect{orgIn: w.class, orgOut: w.school, personIn: w.student, personOut: w.staff}},
			{campusguard.GateStaff, "", func() *campusguard.User { return sqlstoretest.MustUser(t, s, g(campusguard.GateStaff, w.school)) },
				expect{orgIn: w.school, orgOut: w.school2, personIn: w.student, personOut: w.student2, file: campusguard.Forbidden}},
			{campusguard.StaffMember, "", staffUser,
				expect{orgOut: w.school, personIn: w.staff, personOut: w.student}},
			{campusguard.GuardianRole, "", func() *campusguard.User { return guardianUser(t, s, w) },
				expect{orgOut: w.class, personIn: w.student, personOut: w.student2}},
		}
		for _, tc := range cases {
			name := string(tc.role)
			if tc.duty != "" {
				name += "/" + tc.duty
			}
			t.Run(name, func(t *testing.T) {
				actx := sqlstoretest.ActorCtx(t, s, tc.user())
				e := tc.want
				if e.orgIn != nil {
					if _, err := s.FindOrgByID(actx, e.orgIn.ID); err != nil {
						t.Errorf("FindOrgByID(in scope %s) = %v, want it", e.orgIn.Name, err)
					}
					if _, err := s.FindPlaces(actx, e.orgIn.ID, ""); e.orgIn.Kind == campusguard.KindSchool && err != nil {
						t.Errorf("FindPlaces(in scope) = %v", err)
					}
				}
				if e.orgOut != nil {
					if _, err := s.FindOrgByID(actx, e.orgOut.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("FindOrgByID(out of scope %s) = %v, want NotFound", e.orgOut.Name, err)
					}
					orgs, _, err := s.FindOrgs(actx, campusguard.OrgFilter{})
					for _, o := range orgs {
						if o.ID == e.orgOut.ID {
							t.Errorf("FindOrgs lists out-of-scope %s", o.Name)
						}
					}
					if err != nil {
						t.Errorf("FindOrgs = %v", err)
					}
				}
				if e.noPeople {
					if _, err := s.FindPersonByID(actx, e.personIn.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("FindPersonByID(a child, duty without people) = %v, want NotFound", err)
					}
					if _, err := s.FindPersonFile(actx, e.personIn.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("FindPersonFile(a child, duty without people) = %v, want NotFound", err)
					}
					people, _, err := s.FindPeople(actx, campusguard.PersonFilter{})
					if err != nil || len(people) != 0 {
						t.Errorf("FindPeople(duty without people) = %d people, %v; want none", len(people), err)
					}
					if _, err := s.UpdatePerson(actx, e.personIn.ID, campusguard.PersonUpdate{Name: ptrTo("改名")}); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("UpdatePerson(duty without people) = %v, want NotFound", err)
					}
					return
				}
				if _, err := s.FindPersonByID(actx, e.personIn.ID); err != nil {
					t.Errorf("FindPersonByID(in scope) = %v, want it", err)
				}
				if _, err := s.FindPersonFile(actx, e.personIn.ID); campusguard.ErrorCode(err) != e.file && !(e.file == "" && err == nil) {
					t.Errorf("FindPersonFile(in scope) = %v, want code %q", err, e.file)
				}
				if e.personOut == nil {
					e.personOut = &campusguard.Person{ID: -1} // a system admin sees everyone
				}
				for _, id := range []int64{e.personOut.ID} {
					if _, err := s.FindPersonByID(actx, id); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("FindPersonByID(out of scope) = %v, want NotFound", err)
					}
					if _, err := s.FindPersonFile(actx, id); campusguard.ErrorCode(err) != campusguard.NotFound {
						t.Errorf("FindPersonFile(out of scope) = %v, want NotFound", err)
					}
				}
				people, _, err := s.FindPeople(actx, campusguard.PersonFilter{})
				if err != nil {
					t.Fatal(err)
				}
				seen := map[int64]bool{}
				for _, p := range people {
					seen[p.ID] = true
					if !strings.Contains(p.IDNumber, "*") {
						t.Errorf("FindPeople shows a full ID number %q", p.IDNumber)
					}
				}
				if !seen[e.personIn.ID] || seen[e.personOut.ID] {
					t.Errorf("FindPeople = %d people; in scope listed %v, out of scope listed %v", len(people), seen[e.personIn.ID], seen[e.personOut.ID])
				}
				// Writes: to the in-scope person, and a new place in its school.
				name := "改名"
				_, err = s.UpdatePerson(actx, e.personIn.ID, campusguard.PersonUpdate{Name: &name})
				if got := err == nil; got != e.writeP {
					t.Errorf("UpdatePerson(in scope) = %v, want allowed %v", err, e.writeP)
				} else if !e.writeP && campusguard.ErrorCode(err) != campusguard.Forbidden {
					t.Errorf("UpdatePerson(in scope, read-only) = %v, want Forbidden", err)
				}
				if _, err := s.UpdatePerson(actx, e.personOut.ID, campusguard.PersonUpdate{Name: &name}); e.personOut.ID > 0 && campusguard.ErrorCode(err) != campusguard.NotFound {
					t.Errorf("UpdatePerson(out of scope) = %v, want NotFound", err)
				}
				place := &campusguard.Place{SchoolID: e.personIn.SchoolID, Kind: campusguard.PlaceToilet, Name: "厕所" + string(tc.role)}
				err = s.CreatePlace(actx, place)
				if got := err == nil; got != e.writeOrg {
					t.Errorf("CreatePlace(in scope) = %v, want allowed %v", err, e.writeOrg)
				}
			})
		}
	})
}

func TestMasking(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		viewer := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: campusguard.DutyCDC}))
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class.ID}))
		for name, c := range map[string]context.Context{"viewer": viewer, "teacher": teacher} {
			f, err := s.FindPersonFile(c, w.student.ID)
			if err != nil {
				t.Fatalf("%s: FindPersonFile = %v", name, err)
			}
			if f.Person.IDNumber != campusguard.HideIDNumber(w.student.IDNumber) || f.Person.Birth.IsZero() {
				t.Errorf("%s: ID number = %q, birth %v; want it hidden beside the birth date", name, f.Person.IDNumber, f.Person.Birth)
			}
			wantPhone := campusguard.MaskPhone(w.guardianPhone)
			if name == "teacher" {
				wantPhone = w.guardianPhone // the class teacher calls the family
			}
			if len(f.Guardians) != 1 || f.Guardians[0].Phone != wantPhone {
				t.Errorf("%s: guardian phone = %+v, want %q", name, f.Guardians, wantPhone)
			}
		}
		if _, _, err := s.RevealIdentity(viewer, w.student.ID); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("RevealIdentity(viewer) = %v, want Forbidden", err)
		}
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.county.ID}))
		id, _, err := s.RevealIdentity(admin, w.student.ID)
		if err != nil || id != w.student.IDNumber {
			t.Fatalf("RevealIdentity(admin) = %q, %v", id, err)
		}
		action := "reveal_identity"
		entries, _, err := s.FindAudit(admin, campusguard.AuditFilter{Action: &action})
		if err != nil || len(entries) != 1 || entries[0].Object != "person:"+itoa(int(w.student.ID)) {
			t.Errorf("FindAudit(reveal) = %+v, %v; want one entry for the student", entries, err)
		}
		reads := "read_person_file"
		entries, _, _ = s.FindAudit(admin, campusguard.AuditFilter{Action: &reads})
		if len(entries) != 2 {
			t.Errorf("audited file reads = %d, want 2 (viewer and teacher)", len(entries))
		}
		if _, _, err := s.FindAudit(teacher, campusguard.AuditFilter{}); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("FindAudit(teacher) = %v, want Forbidden", err)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		bg := context.Background()
		for i := 0; i < 3; i++ {
			if _, err := s.Login(bg, u.Login, "wrong", "10.0.0.1"); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
				t.Fatalf("Login(wrong #%d) = %v, want Unauthenticated", i+1, err)
			}
		}
		// Throttled now, even with the right password, from any address.
		if _, err := s.Login(bg, u.Login, sqlstoretest.Password, "10.0.0.2"); campusguard.ErrorCode(err) != campusguard.TooManyRequests {
			t.Fatalf("Login(throttled) = %v, want TooManyRequests", err)
		}
		now = now.Add(3 * time.Second)
		sess, err := s.Login(bg, u.Login, sqlstoretest.Password, "10.0.0.2")
		if err != nil {
			t.Fatalf("Login(after the delay) = %v", err)
		}
		if _, _, err := s.SessionActor(bg, sess.Token, ""); err != nil {
			t.Errorf("SessionActor = %v", err)
		}
		// The delay grows with each failure.
		for i := 1; i <= 5; i++ {
			if _, err := s.Login(bg, u.Login, "wrong", "10.0.0.3"); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
				t.Fatalf("Login(wrong #%d, after waiting) = %v, want Unauthenticated", i, err)
			}
			if i < 5 {
				now = now.Add(campusguard.ThrottleDelay(i))
			}
		}
		now = now.Add(campusguard.ThrottleDelay(5) - time.Second)
		_, err = s.Login(bg, u.Login, "wrong", "10.0.0.3")
		if campusguard.ErrorCode(err) != campusguard.TooManyRequests {
			t.Errorf("Login after 5 failures, immediately = %v, want TooManyRequests", err)
		}
		// Expired sessions are refused.
		now = now.Add(15 * 24 * time.Hour)
		if _, _, err := s.SessionActor(bg, sess.Token, ""); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
			t.Errorf("SessionActor(expired) = %v, want Unauthenticated", err)
		}
	})
}

func TestTokens(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID}))
		secret, tok, err := s.CreateToken(admin, "东校门测温门", campusguard.GateStaff, w.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		s.DB().QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, secret).Scan(&stored)
		if stored != 0 {
			t.Errorf("the token secret is stored as it is")
		}
		a, err := s.TokenActor(context.Background(), secret, "10.1.1.1")
		if err != nil || len(a.Grants) != 1 || a.Grants[0].Role != campusguard.GateStaff {
			t.Fatalf("TokenActor = %+v, %v", a, err)
		}
		tokens, err := s.FindTokens(admin)
		if err != nil || len(tokens) != 1 || tokens[0].LastUsedAt == nil || tokens[0].Prefix != secret[:10] {
			t.Errorf("FindTokens = %+v, %v; want one used token", tokens, err)
		}
		if _, _, err := s.CreateToken(admin, "越权", campusguard.RegionAdmin, w.county.ID); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("CreateToken(region admin by a school admin) = %v, want Forbidden", err)
		}
		if _, _, err := s.CreateToken(admin, "外校", campusguard.GateStaff, w.school2.ID); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("CreateToken(another school) = %v, want Forbidden", err)
		}
		if err := s.RevokeToken(admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenActor(context.Background(), secret, ""); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
			t.Errorf("TokenActor(revoked) = %v, want Unauthenticated", err)
		}
	})
}

// TestTokenCache: what a token grants is kept for a few seconds, yet what
// this process changes (a revocation, an org's new name) takes effect at
// once, a change made by another process within the cache's lifetime, and
// the use is still written at most once a minute.
func TestTokenCache(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		now := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.county.ID}))
		bg := context.Background()
		actor := func(secret string) (*campusguard.Actor, error) { return s.TokenActor(bg, secret, "") }
		lastUsed := func(id int64) time.Time {
			t.Helper()
			var used time.Time
			if err := s.DB().QueryRow(`SELECT last_used_at FROM api_tokens WHERE id = $1`, id).Scan(&used); err != nil {
				t.Fatal(err)
			}
			return used.UTC()
		}

		secret, tok, err := s.CreateToken(admin, "测温门", campusguard.GateStaff, w.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, err := actor(secret); err != nil || a.Grants[0].OrgName != w.school.Name {
			t.Fatalf("TokenActor = %+v, %v", a, err)
		}
		if got := lastUsed(tok.ID); !got.Equal(now) {
			t.Errorf("last_used_at = %v, want %v", got, now)
		}

		// Renamed here: the next request carries the new name.
		name := "云霄县第一中学（新校区）"
		if _, err := s.UpdateOrg(admin, w.school.ID, campusguard.OrgUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if a, err := actor(secret); err != nil || a.Grants[0].OrgName != name {
			t.Errorf("after a rename, TokenActor = %+v, %v; want org %q", a, err, name)
		}

		// Used again within the minute: not written again.
		start := now
		now = now.Add(30 * time.Second)
		if _, err := actor(secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(tok.ID); !got.Equal(start) {
			t.Errorf("last_used_at after 30 s = %v, want %v still", got, start)
		}
		now = now.Add(31 * time.Second)
		if _, err := actor(secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(tok.ID); !got.Equal(now) {
			t.Errorf("last_used_at after 61 s = %v, want %v", got, now)
		}

		// Revoked by another process (straight in the database): trusted
		// for at most the cache's lifetime.
		if _, err := s.WriteDB().Exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, now, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := actor(secret); err != nil {
			t.Errorf("revoked elsewhere a moment ago: TokenActor = %v, want the cached actor", err)
		}
		now = now.Add(6 * time.Second)
		if _, err := actor(secret); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
			t.Errorf("revoked elsewhere 6 s ago: TokenActor = %v, want Unauthenticated", err)
		}

		// Revoked here: refused at once.
		secret2, tok2, err := s.CreateToken(admin, "二号门", campusguard.GateStaff, w.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := actor(secret2); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(admin, tok2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := actor(secret2); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
			t.Errorf("revoked here: TokenActor = %v, want Unauthenticated", err)
		}
	})
}

func TestBindingCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class.ID}))
		if _, err := s.IssueBindingCodes(teacher, w.class2.ID); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("IssueBindingCodes(another class) = %v, want NotFound", err)
		}
		codes, err := s.IssueBindingCodes(teacher, w.class.ID)
		if err != nil || len(codes) != 1 || codes[0].StudentID != w.student.ID {
			t.Fatalf("IssueBindingCodes = %+v, %v", codes, err)
		}
		signup := campusguard.GuardianSignup{Code: strings.ToLower(codes[0].Code), Name: "新家长", Phone: "13600001111",
			Relation: "父亲", Password: sqlstoretest.Password}
		u, err := s.RedeemBindingCode(context.Background(), signup, "")
		if err != nil {
			t.Fatalf("RedeemBindingCode = %v", err)
		}
		gctx := campusguard.WithActor(context.Background(), mustActor(t, s, u))
		if _, err := s.FindPersonFile(gctx, w.student.ID); err != nil {
			t.Errorf("guardian FindPersonFile(child) = %v", err)
		}
		signup.Phone = "13600002222"
		if _, err := s.RedeemBindingCode(context.Background(), signup, ""); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("RedeemBindingCode(used) = %v, want Invalid", err)
		}
		// New codes void the unused old ones; revocation voids the new one.
		old, _ := s.IssueBindingCodes(teacher, w.class.ID)
		fresh, _ := s.IssueBindingCodes(teacher, w.class.ID)
		signup.Code = old[0].Code
		if _, err := s.RedeemBindingCode(context.Background(), signup, ""); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("RedeemBindingCode(superseded) = %v, want Invalid", err)
		}
		if err := s.RevokeBindingCodes(teacher, w.student.ID); err != nil {
			t.Fatal(err)
		}
		signup.Code = fresh[0].Code
		if _, err := s.RedeemBindingCode(context.Background(), signup, ""); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("RedeemBindingCode(revoked) = %v, want Invalid", err)
		}
		var guardians int
		s.DB().QueryRow(`SELECT COUNT(*) FROM guardian_students WHERE student_id = $1`, w.student.ID).Scan(&guardians)
		if guardians != 2 {
			t.Errorf("guardians of the student = %d, want 2 (the roster's and the one who joined)", guardians)
		}
	})
}

func mustActor(t *testing.T, s *sqlstore.Store, u *campusguard.User) *campusguard.Actor {
	t.Helper()
	sess, err := s.Login(context.Background(), u.Login, sqlstoretest.Password, "")
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := s.SessionActor(context.Background(), sess.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAnonymousRefused(t *testing.T) {
	s := sqlstoretest.Open(t)
	bg := context.Background()
	if _, err := s.FindOrgByID(bg, 1); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
		t.Errorf("FindOrgByID(anonymous) = %v, want Unauthenticated", err)
	}
	if _, _, err := s.FindPeople(bg, campusguard.PersonFilter{}); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
		t.Errorf("FindPeople(anonymous) = %v, want Unauthenticated", err)
	}
	if err := s.CreateOrg(bg, &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "x"}); campusguard.ErrorCode(err) != campusguard.Unauthenticated {
		t.Errorf("CreateOrg(anonymous) = %v, want Unauthenticated", err)
	}
}

// TestRedeemExistingPhone: a code typed with the phone of an existing
// account adds the child only with that account's password, and a refused
// try leaves the code usable.
func TestRedeemExistingPhone(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		guardianUser(t, s, w) // w.guardianPhone now has an account, with w.student
		codes, err := s.IssueBindingCodes(ctx, w.class2.ID)
		if err != nil || len(codes) != 1 {
			t.Fatalf("IssueBindingCodes = %v, %v", codes, err)
		}
		su := campusguard.GuardianSignup{Code: codes[0].Code, Name: "冒名者", Phone: w.guardianPhone, Password: "not-their-password-1"}
		if _, err := s.RedeemBindingCode(context.Background(), su, ""); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Fatalf("RedeemBindingCode(wrong password) = %v, want Conflict", err)
		}
		su.Password = sqlstoretest.Password
		u, err := s.RedeemBindingCode(context.Background(), su, "")
		if err != nil {
			t.Fatalf("RedeemBindingCode(owner) = %v; the refused try must not spend the code", err)
		}
		a := mustActor(t, s, u)
		if len(a.GuardianOf) != 2 {
			t.Errorf("children = %v, want both", a.GuardianOf)
		}
		var name string
		s.DB().QueryRow(`SELECT name FROM guardians WHERE phone = $1`, w.guardianPhone).Scan(&name)
		if name != "家长" {
			t.Errorf("guardian renamed to %q by a code", name)
		}
	})
}

func TestJoinThrottle(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		mustWorld(t, s)
		su := campusguard.GuardianSignup{Code: "AAAAA-AAAAA", Name: "猜码者", Phone: "13700000000", Password: sqlstoretest.Password}
		for i := 1; i <= 3; i++ {
			if _, err := s.RedeemBindingCode(context.Background(), su, "10.9.9.9"); campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Fatalf("RedeemBindingCode(wrong code #%d) = %v, want Invalid", i, err)
			}
		}
		if _, err := s.RedeemBindingCode(context.Background(), su, "10.9.9.9"); campusguard.ErrorCode(err) != campusguard.TooManyRequests {
			t.Errorf("RedeemBindingCode(4th wrong code at once) = %v, want TooManyRequests", err)
		}
		if _, err := s.RedeemBindingCode(context.Background(), su, "10.9.9.8"); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("RedeemBindingCode(another address) = %v, want Invalid (not throttled)", err)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
