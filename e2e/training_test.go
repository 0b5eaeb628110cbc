package e2e

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"campusguard"
)

// TestTrainingFlow: a principal, on a phone-sized window, records a staff
// training session and ticks two of the staff present; the school's
// coverage page then counts them on the topic and no longer lists them
// as never trained. On the Sunday before (a day off) the same, with a
// second session on another topic.
func TestTrainingFlow(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	root := rootRegion(t)
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// A school with at least three staff members.
	var school *campusguard.Org
	for _, s := range schools {
		r, err := store.TrainingRoster(sys, s.ID, campusguard.StaffTraining, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.People) >= 3 {
			school = s
			break
		}
	}
	if school == nil {
		t.Fatal("no school of the demo county has three staff members")
	}
	principal := signIn(t, "e2e-training-principal", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID})
	page := fmt.Sprintf("/orgs/%d/training", school.ID)
	monday := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 0, 0, 0, campusguard.China)
	for i, when := range []struct {
		name  string
		at    time.Time
		topic string
	}{
		{"on a school day", monday, "prevention"},
		{"on a day off", monday.AddDate(0, 0, -1), "isolation"},
	} {
		e2eClock.set(t, when.at)
		b := newTabAs(t, phone, acceptChinese, principal)
		b.open(page)
		row := fmt.Sprintf(`[data-testid="training-topic"][data-topic=%q] [data-testid="training-topic-trained"]`, when.topic)
		before := b.text(row)
		staff := b.count(testid("training-never-person"))
		b.follow(testid("training-new"))
		if got := b.text(testid("training-kind-name")); got != "教职工防控培训" {
			t.Fatalf("%s: the form is for %q", when.name, got)
		}
		if got := b.attrs(testid("training-day"), "value"); len(got) != 1 || got[0] != campusguard.DateOf(when.at).String() {
			t.Errorf("%s: the day field says %v, want %s", when.name, got, campusguard.DateOf(when.at))
		}
		b.choose(testid("training-topic-pick"), when.topic)
		b.typeIn(testid("training-trainer"), "县疾控中心 张医生")
		// Two of the staff, ticked in two taps; the first session ticks
		// the first two, the second the second and third.
		b.click(fmt.Sprintf(`[data-testid="training-people"] label:nth-child(%d) input`, i+1))
		b.click(fmt.Sprintf(`[data-testid="training-people"] label:nth-child(%d) input`, i+2))
		b.follow(testid("training-save"))
		if got := b.text(testid("notice")); got != "培训已登记" {
			t.Errorf("%s: notice %q", when.name, got)
		}
		if got := b.text(testid("training-session-count")); got != "2" {
			t.Errorf("%s: %s attended, want 2", when.name, got)
		}
		if sw, iw := b.overflow(); sw > iw {
			t.Errorf("%s: the session page is %d px wide in a %d px window", when.name, sw, iw)
		}
		b.follow(testid("training-back"))
		after := b.text(row)
		if want := bumped(before, 2); after != want {
			t.Errorf("%s: %s trained %q, want %q (was %q)", when.name, when.topic, after, want, before)
		}
		// The first session leaves two fewer never trained; the second
		// ticks one already trained and one not: one fewer.
		if got, want := b.count(testid("training-never-person")), staff-2+i; got != want {
			t.Errorf("%s: %d never trained, want %d", when.name, got, want)
		}
		if sw, iw := b.overflow(); sw > iw {
			t.Errorf("%s: the coverage page is %d px wide in a %d px window", when.name, sw, iw)
		}
	}
}

// firstPart returns the "3" of "3/20".
func firstPart(s string) string {
	for i := range s {
		if s[i] == '/' {
			return s[:i]
		}
	}
	return s
}

// bumped returns "5/20" for "3/20" and 2.
func bumped(s string, by int) string {
	n, _ := strconv.Atoi(firstPart(s))
	return strconv.Itoa(n+by) + s[len(firstPart(s)):]
}
