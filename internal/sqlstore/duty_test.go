package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDuties: what each duty of a region viewer reads. Health and the CDC
// read cases, their contacts, the daily checks and follow-ups, and people's
// files; market supervision, police and transport read the county's figures
// and no named child's health data; transport alone of those reads each
// bus route's figures. A grant without a duty, or with an unknown one, is
// refused, as is a duty on any other role.
func TestDuties(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		route := &campusguard.BusRoute{SchoolID: w.school.ID, Name: "东线"}
		if err := s.CreateBusRoute(ctx, route); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePerson(ctx, w.student.ID, campusguard.PersonUpdate{BusRouteID: &route.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenDay(ctx, w.county.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		mask := false
		for _, c := range []*campusguard.Check{
			{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.BusCheck, Temperature: f64(38.6), Mask: &mask,
				BusRouteID: &route.ID, ClientKey: "bus1"},
			{PersonID: w.student2.ID, Day: checkDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
				AbsenceReason: campusguard.AbsentIll, ClientKey: "ill1"},
		} {
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		cases, _, err := s.FindCases(ctx, campusguard.CaseFilter{})
		if err != nil || len(cases) != 1 {
			t.Fatalf("FindCases = %d, %v; want the bus fever's case", len(cases), err)
		}
		k := cases[0]
		bus, err := s.BusFigures(ctx, w.county.ID, checkDay)
		if err != nil || len(bus) != 1 || bus[0].Riders != 1 || bus[0].Boardings != 1 || bus[0].Fever != 1 || bus[0].NoMask != 1 {
			t.Fatalf("BusFigures(system) = %+v, %v; want one route, one rider, one fever without a mask", bus, err)
		}

		for _, tc := range []struct {
			duty   string
			health bool // reads cases, checks, follow-ups, files
			buses  bool // reads the bus routes' figures
		}{
			{campusguard.DutyHealth, true, true},
			{campusguard.DutyCDC, true, true},
			{campusguard.DutyMarket, false, false},
			{campusguard.DutyPolice, false, false},
			{campusguard.DutyTransport, false, true},
		} {
			t.Run(tc.duty, func(t *testing.T) {
				u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: tc.duty})
				v := sqlstoretest.ActorCtx(t, s, u)
				// Everyone reads the county's figures.
				if rs, err := s.Rollups(v, w.county.ID, checkDay, checkDay); err != nil || len(rs) != 1 || rs[0].Fever != 1 {
					t.Errorf("Rollups = %+v, %v; want the day's figures", rs, err)
				}
				if _, err := s.ChildRollups(v, w.county.ID, checkDay); err != nil {
					t.Errorf("ChildRollups = %v", err)
				}
				d, err := s.Dashboard(v, w.county.ID, checkDay)
				if err != nil || d.Today.Fever != 1 {
					t.Fatalf("Dashboard = %+v, %v", d, err)
				}
				if d.Cases != tc.health || (!tc.health && d.OpenCases != 0) {
					t.Errorf("Dashboard cases shown = %v (open %d), want %v", d.Cases, d.OpenCases, tc.health)
				}
				// Health data.
				gotCases, _, err := s.FindCases(v, campusguard.CaseFilter{})
				if err != nil || (len(gotCases) == 1) != tc.health {
					t.Errorf("FindCases = %d, %v; want readable %v", len(gotCases), err, tc.health)
				}
				_, _, err = s.FindCase(v, k.ID)
				if (err == nil) != tc.health || (!tc.health && campusguard.ErrorCode(err) != campusguard.NotFound) {
					t.Errorf("FindCase = %v; want readable %v, else NotFound", err, tc.health)
				}
				checks, _, err := s.FindChecks(v, campusguard.CheckFilter{})
				if err != nil || (len(checks) == 2) != tc.health || (!tc.health && len(checks) != 0) {
					t.Errorf("FindChecks = %d, %v; want readable %v", len(checks), err, tc.health)
				}
				fus, err := s.FindFollowUps(v, campusguard.FollowUpFilter{})
				if err != nil || (len(fus) == 1) != tc.health || (!tc.health && len(fus) != 0) {
					t.Errorf("FindFollowUps = %d, %v; want readable %v", len(fus), err, tc.health)
				}
				if _, err := s.MissingReports(v, w.class.ID, checkDay); (err == nil) != tc.health {
					t.Errorf("MissingReports = %v; want readable %v", err, tc.health)
				}
				if _, err := s.FindPersonFile(v, w.student.ID); (err == nil) != tc.health {
					t.Errorf("FindPersonFile = %v; want readable %v", err, tc.health)
				}
				alerts, _, err := s.FindAlerts(v, campusguard.AlertFilter{})
				if err != nil || (!tc.health && len(alerts) != 0) {
					t.Errorf("FindAlerts = %d, %v", len(alerts), err)
				}
				// No liaison writes.
				if _, _, err := s.RecordCheck(v, &campusguard.Check{PersonID: w.student2.ID, Day: checkDay, Kind: campusguard.HomeCheck,
					Temperature: f64(36.5), ClientKey: "viewer-" + tc.duty}); err == nil {
					t.Errorf("RecordCheck by a viewer: allowed")
				}
				// The buses.
				bus, err := s.BusFigures(v, w.county.ID, checkDay)
				switch {
				case tc.buses && (err != nil || len(bus) != 1 || bus[0].Fever != 1):
					t.Errorf("BusFigures = %+v, %v; want the route's figures", bus, err)
				case !tc.buses && campusguard.ErrorCode(err) != campusguard.Forbidden:
					t.Errorf("BusFigures = %+v, %v; want Forbidden", bus, err)
				}
				if _, err := s.BusFigures(v, w.county2.ID, checkDay); campusguard.ErrorCode(err) != campusguard.NotFound {
					t.Errorf("BusFigures(another county) = %v, want NotFound", err)
				}
			})
		}

		// A viewer's grant needs a known duty; no other role takes one.
		for _, tc := range []struct {
			name string
			g    campusguard.Grant
		}{
			{"a viewer without a duty", campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID}},
			{"a viewer with an unknown duty", campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID, Duty: "army"}},
			{"a principal with a duty", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID, Duty: campusguard.DutyPolice}},
		} {
			u := &campusguard.User{Login: "duty-" + tc.name, Name: "联络员", Grants: []campusguard.Grant{tc.g}}
			err := s.CreateUser(ctx, u, sqlstoretest.Password)
			if f := campusguard.ErrorFields(err); campusguard.ErrorCode(err) != campusguard.Invalid || len(f) != 1 || f[0].Field != "duty" {
				t.Errorf("CreateUser(%s) = %v, want Invalid on duty", tc.name, err)
			}
			if _, _, err := s.CreateTokenFor(ctx, "令牌", tc.g); campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Errorf("CreateTokenFor(%s) = %v, want Invalid", tc.name, err)
			}
		}
		// A token carries its duty.
		secret, tok, err := s.CreateTokenFor(ctx, "疾控接口", campusguard.Grant{Role: campusguard.RegionViewer, OrgID: w.county.ID,
			Duty: campusguard.DutyCDC})
		if err != nil || tok.Duty != campusguard.DutyCDC {
			t.Fatalf("CreateTokenFor = %+v, %v", tok, err)
		}
		actor, err := s.TokenActor(ctx, secret, "127.0.0.1")
		if err != nil || len(actor.Grants) != 1 || actor.Grants[0].Duty != campusguard.DutyCDC {
			t.Fatalf("TokenActor = %+v, %v", actor, err)
		}
		if got, _, err := s.FindCases(campusguard.WithActor(ctx, actor), campusguard.CaseFilter{}); err != nil || len(got) != 1 {
			t.Errorf("FindCases(CDC token) = %d, %v; want the case", len(got), err)
		}
	})
}
