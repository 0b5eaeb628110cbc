package campusguard

import (
	"testing"
	"time"
)

func TestValidateFeverThreshold(t *testing.T) {
	for _, tc := range []struct {
		t  float64
		ok bool
	}{{37.0, true}, {37.3, true}, {38.5, true}, {36.9, false}, {38.6, false}, {37.25, false}, {0, false}} {
		if err := ValidateFeverThreshold(tc.t); (err == nil) != tc.ok {
			t.Errorf("ValidateFeverThreshold(%v) = %v, want ok %v", tc.t, err, tc.ok)
		}
	}
}

func TestRetention(t *testing.T) {
	if err := DefaultRetention.Validate(); err != nil {
		t.Fatalf("DefaultRetention.Validate() = %v", err)
	}
	if DefaultRetention.Checks < SchoolYearDays || DefaultRetention.Cases < DefaultRetention.Checks {
		t.Errorf("DefaultRetention = %+v: shorter than a school year, or cases kept less than checks", DefaultRetention)
	}
	bad := Retention{Checks: 364, FollowUps: 3651, Cases: 365}
	fields := ErrorFields(bad.Validate())
	if len(fields) != 2 || fields[0].Field != "checks_days" || fields[0].Msg != "error.retention_short" || fields[1].Field != "followups_days" {
		t.Errorf("Validate(%+v) = %+v", bad, fields)
	}
	now := time.Date(2027, 9, 1, 3, 0, 0, 0, China)
	c := Retention{Checks: 548, FollowUps: 400, Cases: 730}.Cutoffs(now)
	if want := (Date{2026, 3, 2}); c.Checks != want {
		t.Errorf("Cutoffs.Checks = %v, want %v (548 days before 2027-09-01)", c.Checks, want)
	}
	if want := (Date{2026, 7, 28}); c.FollowUps != want {
		t.Errorf("Cutoffs.FollowUps = %v, want %v", c.FollowUps, want)
	}
	if want := now.UTC().AddDate(0, 0, -730); !c.CasesClosed.Equal(want) || !c.LeftBefore.Equal(now.UTC().AddDate(0, 0, -548)) {
		t.Errorf("Cutoffs = %+v", c)
	}
}

func TestClockAndDeadlines(t *testing.T) {
	for in, want := range map[string]Clock{"07:00": 420, "7:05": 425, "23:59": 1439, "00:00": 0} {
		if got, ok := ParseClock(in); !ok || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "24:00", "07:60", "7", "07:0", "七点", "-1:00", "07:00:00"} {
		if got, ok := ParseClock(in); ok {
			t.Errorf("ParseClock(%q) = %v, want refused", in, got)
		}
	}
	if s := Clock(425).String(); s != "07:05" {
		t.Errorf("Clock(425) = %q", s)
	}
	if err := DefaultDeadlines.Validate(); err != nil {
		t.Errorf("DefaultDeadlines.Validate() = %v", err)
	}
	for _, d := range []Deadlines{{ReportBy: 4 * 60, SignOffBy: 10 * 60}, {ReportBy: 13 * 60, SignOffBy: 14 * 60},
		{ReportBy: 8 * 60, SignOffBy: 7 * 60}, {ReportBy: 7 * 60, SignOffBy: 23*60 + 30}} {
		if d.Validate() == nil {
			t.Errorf("Validate(%v–%v) = nil, want refused", d.ReportBy, d.SignOffBy)
		}
	}
	day := Date{2026, 11, 30}
	d := DefaultDeadlines
	for _, tc := range []struct {
		at   string
		late bool
	}{{"09:59", false}, {"10:00", false}, {"10:00:59", false}, {"10:01", true}, {"23:00", true}} {
		at, _ := time.ParseInLocation("2006-01-02 15:04:05", "2026-11-30 "+tc.at+map[bool]string{true: "", false: ":00"}[len(tc.at) > 5], China)
		if got := d.SignOffLate(day, at); got != tc.late {
			t.Errorf("SignOffLate(%s) = %v, want %v", tc.at, got, tc.late)
		}
	}
	if d.ReportsLate(day, time.Date(2026, 11, 30, 6, 59, 0, 0, China)) || !d.ReportsLate(day, time.Date(2026, 11, 30, 7, 0, 0, 0, China)) {
		t.Errorf("ReportsLate around 07:00 is wrong")
	}
	if !d.ReportsLate(day, time.Date(2026, 12, 1, 1, 0, 0, 0, China)) {
		t.Errorf("ReportsLate the day after = false")
	}
}

// TestDutyMatrix: each duty's actions, checked without a database.
func TestDutyMatrix(t *testing.T) {
	health := []Action{ReadOrg, ListPeople, ReadPersonFile, ReadCases, ReadBusFigures}
	for _, tc := range []struct {
		duty string
		can  []Action
	}{
		{DutyHealth, health}, {DutyCDC, health}, {DutyMarket, []Action{ReadOrg}}, {DutyPolice, []Action{ReadOrg}},
		{DutyTransport, []Action{ReadOrg, ReadBusFigures}}, {"", []Action{ReadOrg}}, {"army", []Action{ReadOrg}},
	} {
		g := Grant{Role: RegionViewer, OrgPath: "/1/", Duty: tc.duty}
		for _, act := range []Action{ReadOrg, WriteOrg, ListPeople, ReadPersonFile, WritePerson, RevealIdentity, SeeContacts,
			IssueBinding, ManageUsers, ReadAudit, ReadCases, OpenCases, MoveCases, ManageHooks, ReadBusFigures, ExportFile} {
			want := false
			for _, c := range tc.can {
				want = want || c == act
			}
			if got := g.Allows(act); got != want {
				t.Errorf("viewer %q Allows(%s) = %v, want %v", tc.duty, act, got, want)
			}
		}
	}
	// A duty on another role adds nothing.
	if (Grant{Role: GateStaff, Duty: DutyHealth}).Allows(ReadCases) {
		t.Errorf("gate staff with a health duty reads cases")
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"07:00", "7:5", "23:59", "24:00", "", "::", "-1:-1", "99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := ParseClock(s)
		if !ok {
			return
		}
		if c < 0 || c >= 24*60 {
			t.Fatalf("ParseClock(%q) = %d, out of the day", s, c)
		}
		if back, ok := ParseClock(c.String()); !ok || back != c {
			t.Fatalf("ParseClock(%q) = %v, which reads back as %v, %v", s, c, back, ok)
		}
	})
}
