package campusguard

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Data quality (issue 17): daily figures that look perfect and mean nothing
// are the best-known failure of daily health reporting. Each rule below is
// a plain function over what the store read; it returns findings, which the
// store keeps, sends to the school's inbox and lets the school explain.

// QualityRule names one data-quality check.
type QualityRule string

// The rules.
const (
	RuleUniform       QualityRule = "uniform"         // the same temperature for almost the whole class, day after day
	RuleRoundDigits   QualityRule = "round_digits"    // readings ending in .0 or .5 far more often than a thermometer would
	RuleBurst         QualityRule = "burst"           // a class's home reports sent by one account within a minute
	RuleEarly         QualityRule = "early"           // home reports taken before a household could have measured
	RulePresentNoGate QualityRule = "present_no_gate" // present in class, never through the gate
	RuleFeverWell     QualityRule = "fever_well"      // a fever at home, "well" at the morning check
	RuleTwoSchools    QualityRule = "two_schools"     // one ID number checked in two schools the same day
	RuleDuplicateID   QualityRule = "duplicate_id"    // one ID number in two schools
	RuleSharedPhone   QualityRule = "shared_phone"    // one guardian's phone on many unrelated children
	RulePerfect       QualityRule = "perfect"         // always 100 % complete and nobody ever absent
)

// QualityRules lists every rule in the order pages show them.
var QualityRules = []QualityRule{RuleUniform, RuleRoundDigits, RuleBurst, RuleEarly, RulePresentNoGate, RuleFeverWell,
	RuleTwoSchools, RuleDuplicateID, RuleSharedPhone, RulePerfect}

// QualitySettings are a region's thresholds of the data-quality rules.
type QualitySettings struct {
	// Uniform: a day is uniform when at least UniformShare of a class's
	// temperatures (and UniformMinReadings of them) are one value; a class
	// is flagged after UniformDays uniform school days in a row.
	UniformShare       float64 `json:"uniform_share"`
	UniformDays        int     `json:"uniform_days"`
	UniformMinReadings int     `json:"uniform_min_readings"`
	// RoundDigits: the share of readings ending in .0 or .5 (a thermometer
	// gives about 0.2) over RoundMinReadings or more in the window.
	RoundShare       float64 `json:"round_share"`
	RoundMinReadings int     `json:"round_min_readings"`
	// Burst: BurstReports or more home reports of one class by one account
	// within BurstSeconds.
	BurstReports int `json:"burst_reports"`
	BurstSeconds int `json:"burst_seconds"`
	// Early: EarlyReports or more of a class's home reports taken before
	// EarliestHome (China time).
	EarliestHome Clock `json:"earliest_home"`
	EarlyReports int   `json:"early_reports"`
	// SharedPhone: a guardian's phone on SharedPhoneChildren or more
	// children who do not all share a surname.
	SharedPhoneChildren int `json:"shared_phone_children"`
	// Perfect: PerfectDays school days in a row with every student reported
	// and nobody absent.
	PerfectDays int `json:"perfect_days"`
}

// DefaultQualitySettings are the thresholds of a region that set none (see
// docs/decisions.md, issue 17).
var DefaultQualitySettings = QualitySettings{
	UniformShare: 0.9, UniformDays: 5, UniformMinReadings: 10,
	RoundShare: 0.6, RoundMinReadings: 100,
	BurstReports: 10, BurstSeconds: 60,
	EarliestHome: 5 * 60, EarlyReports: 3,
	SharedPhoneChildren: 4,
	PerfectDays:         10,
}

// The days a run reads, up to its day: ReadingsWindow of temperatures
// (UniformDays and the round-digit share are over these), QualityWindow of
// school figures (PerfectDays), each with room for weekends and days off.
const (
	ReadingsWindow = 14
	QualityWindow  = 28
)

// Validate checks every threshold against a range that keeps the rule
// meaningful. Invalid names each bad field.
func (q QualitySettings) Validate() error {
	var fe fieldErrors
	share := func(name string, v, lo, hi float64) {
		if math.IsNaN(v) || v < lo || v > hi {
			fe.add(name, "error.range_decimal", lo, hi)
		}
	}
	count := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			fe.add(name, "error.range", lo, hi)
		}
	}
	share("uniform_share", q.UniformShare, 0.5, 1)
	count("uniform_days", q.UniformDays, 2, 10)
	count("uniform_min_readings", q.UniformMinReadings, 3, 500)
	share("round_share", q.RoundShare, 0.3, 1)
	count("round_min_readings", q.RoundMinReadings, 20, 10000)
	count("burst_reports", q.BurstReports, 3, 500)
	count("burst_seconds", q.BurstSeconds, 10, 3600)
	count("earliest_home", int(q.EarliestHome), 0, 8*60)
	count("early_reports", q.EarlyReports, 1, 500)
	count("shared_phone_children", q.SharedPhoneChildren, 3, 50)
	count("perfect_days", q.PerfectDays, 5, QualityWindow-8)
	return fe.err()
}

// FindingStatus is where a finding stands: open until the school explains it.
type FindingStatus string

// The statuses of a finding.
const (
	FindingOpen      FindingStatus = "open"
	FindingExplained FindingStatus = "explained"
)

// Finding is one data-quality finding: the rule, the school and class, the
// days, and the evidence as the arguments of the rule's message.
type Finding struct {
	ID         int64         `json:"id"`
	RegionID   int64         `json:"region_id"`
	SchoolID   int64         `json:"school_id"`
	SchoolName string        `json:"school_name"`
	ClassID    *int64        `json:"class_id"`
	ClassName  string        `json:"class_name,omitempty"`
	Rule       QualityRule   `json:"rule"`
	Subject    string        `json:"subject"` // what the finding is about, within the rule: a class, an account, an ID
	From       Date          `json:"from"`
	To         Date          `json:"to"`
	Evidence   []string      `json:"evidence"`
	Status     FindingStatus `json:"status"`
	Note       string        `json:"note,omitempty"`
	By         string        `json:"explained_by,omitempty"`
	At         time.Time     `json:"explained_at,omitzero"`
	FoundAt    time.Time     `json:"found_at"`
	// Path is the scope path of the finding's class, else its school: who
	// reads and explains it is decided there.
	Path string `json:"-"`
}

// Continues reports whether f, found by a later run, is the same episode as
// an earlier finding of the same rule and subject that ended on prevTo: its
// days overlap or follow on (a weekend and a day off between count as
// following on). A daily run then extends the finding rather than opening
// another, so a school is told once.
func (f *Finding) Continues(prevTo Date) bool {
	return !prevTo.AddDays(4).Before(f.From)
}

// ValidateExplanation checks the note of an explained finding: required,
// at most 500 characters.
func ValidateExplanation(note string) (string, error) {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return "", InvalidFields([]FieldError{{Field: "note", Msg: "error.required"}})
	case len([]rune(note)) > 500:
		return "", InvalidFields([]FieldError{{Field: "note", Msg: "error.too_long", Args: []any{500}}})
	}
	return note, nil
}

// ---- Inputs ----

// ClassReadings are the temperatures a class's teacher recorded, per
// school day, oldest first.
type ClassReadings struct {
	SchoolID int64
	ClassID  int64
	Days     []DayReadings
}

// DayReadings are one day's temperatures of a class, as how many readings
// of each value (in tenths of a degree) were recorded.
type DayReadings struct {
	Day    Date
	Counts map[int]int
}

// Add counts n readings of t.
func (d *DayReadings) Add(t float64, n int) {
	if d.Counts == nil {
		d.Counts = map[int]int{}
	}
	d.Counts[tenths(t)] += n
}

// N is the number of readings.
func (d DayReadings) N() int {
	n := 0
	for _, c := range d.Counts {
		n += c
	}
	return n
}

// HomeReport is the when and who of one home report.
type HomeReport struct {
	PersonID int64
	SchoolID int64
	ClassID  int64
	Day      Date
	By       string    // the account that sent it
	At       time.Time // when it was taken
}

// ClassDay is what one student's day looked like: home fever, morning
// attendance, through the gate.
type ClassDay struct {
	PersonID     int64
	Name         string
	SchoolID     int64
	ClassID      int64
	Day          Date
	HomeFever    bool
	MorningSeen  bool // a morning check found them present or unwell
	MorningWell  bool // ... present and not abnormal
	ThroughGate  bool
	SchoolGateOn bool // the school used its gate that day
}

// IDHolder is one active student with an ID number.
type IDHolder struct {
	IDNumber string
	PersonID int64
	SchoolID int64
	ClassID  *int64
	Name     string
	School   string
	Reported bool // reported on the run's day
}

// PhoneChild is a student linked to a guardian's phone.
type PhoneChild struct {
	Phone    string
	PersonID int64
	SchoolID int64
	ClassID  *int64
	Name     string
}

// SchoolFigures are a school's daily roll-ups over the window, oldest first.
type SchoolFigures struct {
	SchoolID int64
	Days     []Rollup
}

// ---- Rules ----

func tenths(t float64) int { return int(math.Round(t * 10)) }

func pct(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }

// modeShare returns the most frequent reading (in tenths) and its share.
func modeShare(counts map[int]int) (int, float64) {
	best, bestN, total := 0, 0, 0
	for k, n := range counts {
		total += n
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	if total == 0 {
		return 0, 0
	}
	return best, float64(bestN) / float64(total)
}

func formatTenths(k int) string { return strconv.FormatFloat(float64(k)/10, 'f', 1, 64) }

// UniformFindings flags a class whose latest UniformDays school days with
// readings or more were each uniform: at least UniformShare of at least
// UniformMinReadings readings the same value. Evidence: the value, the
// lowest share over the streak, the number of days.
func UniformFindings(q QualitySettings, classes []ClassReadings) []Finding {
	var out []Finding
	for _, c := range classes {
		streak, lowest, value := 0, 1.0, 0
		var from Date
		for i := len(c.Days) - 1; i >= 0; i-- {
			d := c.Days[i]
			n := d.N()
			if n == 0 {
				continue
			}
			mode, share := modeShare(d.Counts)
			if n < q.UniformMinReadings || share < q.UniformShare-1e-9 {
				break
			}
			if streak == 0 {
				value = mode
			}
			streak, from, lowest = streak+1, d.Day, min(lowest, share)
		}
		if streak < q.UniformDays {
			continue
		}
		out = append(out, Finding{SchoolID: c.SchoolID, ClassID: &c.ClassID, Rule: RuleUniform,
			Subject: "class:" + strconv.FormatInt(c.ClassID, 10), From: from, To: lastDay(c.Days),
			Evidence: []string{formatTenths(value), pct(lowest), strconv.Itoa(streak)}})
	}
	return out
}

func lastDay(days []DayReadings) Date {
	for i := len(days) - 1; i >= 0; i-- {
		if days[i].N() > 0 {
			return days[i].Day
		}
	}
	return Date{}
}

// RoundShareOf returns how many readings there are and the share of them
// whose tenth is 0 or 5.
func RoundShareOf(days []DayReadings) (int, float64) {
	n, round := 0, 0
	for _, d := range days {
		for k, c := range d.Counts {
			n += c
			if k%5 == 0 {
				round += c
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return n, float64(round) / float64(n)
}

// RoundDigitFindings flags a class whose readings over the window end in
// .0 or .5 in RoundShare of cases or more (a thermometer: about a fifth),
// over RoundMinReadings readings or more. Evidence: the share, the count.
func RoundDigitFindings(q QualitySettings, classes []ClassReadings) []Finding {
	var out []Finding
	for _, c := range classes {
		var from Date
		for _, d := range c.Days {
			if d.N() > 0 {
				from = d.Day
				break
			}
		}
		n, share := RoundShareOf(c.Days)
		if n < q.RoundMinReadings || share < q.RoundShare-1e-9 {
			continue
		}
		out = append(out, Finding{SchoolID: c.SchoolID, ClassID: &c.ClassID, Rule: RuleRoundDigits,
			Subject: "class:" + strconv.FormatInt(c.ClassID, 10), From: from, To: lastDay(c.Days),
			Evidence: []string{pct(share), strconv.Itoa(n)}})
	}
	return out
}

// TimingFindings flags, per class and day, one account sending
// BurstReports home reports or more within BurstSeconds (evidence: the
// account, the count, the seconds), and EarlyReports reports or more taken
// before EarliestHome (evidence: the count, the earliest time).
func TimingFindings(q QualitySettings, reports []HomeReport) []Finding {
	type classDay struct {
		class int64
		day   Date
	}
	type byAccount struct {
		classDay
		by string
	}
	groups := map[byAccount][]time.Time{}
	early := map[classDay][]time.Time{}
	school := map[int64]int64{}
	for _, r := range reports {
		cd := classDay{r.ClassID, r.Day}
		school[r.ClassID] = r.SchoolID
		groups[byAccount{cd, r.By}] = append(groups[byAccount{cd, r.By}], r.At)
		local := r.At.In(China)
		if Clock(local.Hour()*60+local.Minute()) < q.EarliestHome && DateOf(local) == r.Day {
			early[cd] = append(early[cd], r.At)
		}
	}
	var out []Finding
	window := time.Duration(q.BurstSeconds) * time.Second
	for k, ats := range groups {
		slices.SortFunc(ats, func(a, b time.Time) int { return a.Compare(b) })
		best, lo := 0, 0
		for hi := range ats {
			for ats[hi].Sub(ats[lo]) > window {
				lo++
			}
			best = max(best, hi-lo+1)
		}
		if best < q.BurstReports {
			continue
		}
		class := k.class
		out = append(out, Finding{SchoolID: school[class], ClassID: &class, Rule: RuleBurst,
			Subject: "class:" + strconv.FormatInt(class, 10) + ":" + k.by, From: k.day, To: k.day,
			Evidence: []string{k.by, strconv.Itoa(best), strconv.Itoa(q.BurstSeconds)}})
	}
	for k, ats := range early {
		if len(ats) < q.EarlyReports {
			continue
		}
		first := slices.MinFunc(ats, func(a, b time.Time) int { return a.Compare(b) })
		class := k.class
		out = append(out, Finding{SchoolID: school[class], ClassID: &class, Rule: RuleEarly,
			Subject: "class:" + strconv.FormatInt(class, 10), From: k.day, To: k.day,
			Evidence: []string{strconv.Itoa(len(ats)), first.In(China).Format("15:04")}})
	}
	sortFindings(out)
	return out
}

// namesOf lists at most five names, then how many more.
func namesOf(names []string) string {
	slices.Sort(names)
	if len(names) > 5 {
		return strings.Join(names[:5], "、") + " +" + strconv.Itoa(len(names)-5)
	}
	return strings.Join(names, "、")
}

// ContradictionFindings flags, per class and day, students present at the
// morning check who never came through the gate of a school that used it
// that day, and students with a fever at home found well at the morning
// check. Evidence: the count and the names.
func ContradictionFindings(days []ClassDay) []Finding {
	type key struct {
		rule  QualityRule
		class int64
		day   Date
	}
	names := map[key][]string{}
	school := map[int64]int64{}
	for _, d := range days {
		school[d.ClassID] = d.SchoolID
		if d.MorningSeen && d.SchoolGateOn && !d.ThroughGate {
			k := key{RulePresentNoGate, d.ClassID, d.Day}
			names[k] = append(names[k], d.Name)
		}
		if d.HomeFever && d.MorningSeen && d.MorningWell {
			k := key{RuleFeverWell, d.ClassID, d.Day}
			names[k] = append(names[k], d.Name)
		}
	}
	var out []Finding
	for k, ns := range names {
		class := k.class
		out = append(out, Finding{SchoolID: school[class], ClassID: &class, Rule: k.rule,
			Subject: "class:" + strconv.FormatInt(class, 10), From: k.day, To: k.day,
			Evidence: []string{strconv.Itoa(len(ns)), namesOf(ns)}})
	}
	sortFindings(out)
	return out
}

// DuplicateFindings flags an ID number held by active students of two
// schools or more: a finding in each school (evidence: the masked number,
// the other schools), and, when more than one of them reported on day, a
// student checked in two schools.
func DuplicateFindings(holders []IDHolder, day Date) []Finding {
	by := map[string][]IDHolder{}
	for _, h := range holders {
		if h.IDNumber != "" {
			by[h.IDNumber] = append(by[h.IDNumber], h)
		}
	}
	var out []Finding
	for id, hs := range by {
		schools := map[int64]bool{}
		reported := map[int64]bool{}
		for _, h := range hs {
			schools[h.SchoolID] = true
			if h.Reported {
				reported[h.SchoolID] = true
			}
		}
		if len(schools) < 2 {
			continue
		}
		ids := make([]string, 0, len(hs))
		for _, h := range hs {
			ids = append(ids, strconv.FormatInt(h.PersonID, 10))
		}
		slices.Sort(ids)
		subject := "people:" + strings.Join(ids, ",")
		for _, h := range hs {
			var others []string
			for _, o := range hs {
				if o.SchoolID != h.SchoolID && !slices.Contains(others, o.School) {
					others = append(others, o.School)
				}
			}
			slices.Sort(others)
			ev := []string{MaskIDNumber(id), h.Name, strings.Join(others, "、")}
			out = append(out, Finding{SchoolID: h.SchoolID, ClassID: h.ClassID, Rule: RuleDuplicateID, Subject: subject,
				From: day, To: day, Evidence: ev})
			if len(reported) > 1 && reported[h.SchoolID] {
				out = append(out, Finding{SchoolID: h.SchoolID, ClassID: h.ClassID, Rule: RuleTwoSchools, Subject: subject,
					From: day, To: day, Evidence: ev})
			}
		}
	}
	sortFindings(out)
	return out
}

// surname is the family name of a Chinese name: its first character (the
// rare two-character surnames only make more children look unrelated, and
// the threshold allows for that).
func surname(name string) string {
	for _, r := range strings.TrimSpace(name) {
		return string(r)
	}
	return ""
}

// SharedPhoneFindings flags a guardian's phone linked to
// SharedPhoneChildren children or more who do not all share a surname: a
// finding in each school of them (evidence: the masked phone, the count,
// the school's children).
func SharedPhoneFindings(q QualitySettings, children []PhoneChild, day Date) []Finding {
	by := map[string][]PhoneChild{}
	for _, c := range children {
		by[c.Phone] = append(by[c.Phone], c)
	}
	var out []Finding
	for phone, cs := range by {
		if len(cs) < q.SharedPhoneChildren {
			continue
		}
		names := map[string]bool{}
		for _, c := range cs {
			names[surname(c.Name)] = true
		}
		if len(names) < 2 {
			continue // siblings
		}
		per := map[int64][]PhoneChild{}
		for _, c := range cs {
			per[c.SchoolID] = append(per[c.SchoolID], c)
		}
		for sch, here := range per {
			var ns []string
			for _, c := range here {
				ns = append(ns, c.Name)
			}
			f := Finding{SchoolID: sch, Rule: RuleSharedPhone, Subject: "phone:" + MaskPhone(phone) + ":" + strconv.Itoa(len(phone)),
				From: day, To: day, Evidence: []string{MaskPhone(phone), strconv.Itoa(len(cs)), namesOf(ns)}}
			if len(here) == 1 {
				f.ClassID = here[0].ClassID
			}
			out = append(out, f)
		}
	}
	sortFindings(out)
	return out
}

// PerfectFindings flags a school whose latest PerfectDays school days or
// more (days it expected anyone) were each 100 % complete with nobody
// absent. Evidence: the number of days.
func PerfectFindings(q QualitySettings, schools []SchoolFigures) []Finding {
	var out []Finding
	for _, s := range schools {
		streak := 0
		var from, to Date
		for i := len(s.Days) - 1; i >= 0; i-- {
			d := s.Days[i]
			if d.Expected == 0 {
				continue
			}
			if d.Reported < d.Expected || d.Absent > 0 {
				break
			}
			if streak == 0 {
				to = d.Day
			}
			streak, from = streak+1, d.Day
		}
		if streak < q.PerfectDays {
			continue
		}
		out = append(out, Finding{SchoolID: s.SchoolID, Rule: RulePerfect, Subject: "school:" + strconv.FormatInt(s.SchoolID, 10),
			From: from, To: to, Evidence: []string{strconv.Itoa(streak)}})
	}
	return out
}

func sortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(string(a.Rule), string(b.Rule)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Subject, b.Subject); c != 0 {
			return c
		}
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return int(a.SchoolID - b.SchoolID)
	})
}

// QualityScore is a school's data-quality score, 0–100: 100 without open
// findings, ten points less for each, never below zero.
func QualityScore(open int) int { return max(0, 100-10*open) }

// QualitySummary is one school's open findings and score.
type QualitySummary struct {
	SchoolID int64  `json:"school_id"`
	Name     string `json:"name"`
	Open     int    `json:"open"`
	Score    int    `json:"score"`
}

// QualityRun is what one daily run found.
type QualityRun struct {
	RegionID int64 `json:"region_id"`
	Day      Date  `json:"day"`
	Found    int   `json:"found"`    // findings the rules returned
	New      int   `json:"new"`      // of them, new episodes
	Schools  int   `json:"schools"`  // schools read
	Students int   `json:"students"` // students read
}

// FindingFilter selects findings. Nil fields do not filter.
type FindingFilter struct {
	OrgID  int64 // a school, or a region: everything under it
	Status *FindingStatus
	Rule   *QualityRule
	Offset int
	Limit  int
}

// QualityService runs the data-quality rules and keeps their findings.
type QualityService interface {
	// RunQuality runs every rule over a top-level region for the window
	// ending on day, keeps the findings (a continuing episode extends its
	// finding) and sends new ones to the school's inbox. Forbidden for all
	// but the system and the region's admins; NotFound.
	RunQuality(ctx context.Context, regionID int64, day Date) (*QualityRun, error)
	// FindFindings lists the findings under an org node in the actor's
	// scope, open first, newest first. NotFound (node out of scope).
	FindFindings(ctx context.Context, f FindingFilter) ([]*Finding, int, error)
	// FindFindingByID returns one finding as the actor may see it.
	// NotFound.
	FindFindingByID(ctx context.Context, id int64) (*Finding, error)
	// ExplainFinding marks a finding explained with a note, kept and
	// audited. Invalid (no note), NotFound, Forbidden (roles other than the
	// school's admin and health officer and the region's admins).
	ExplainFinding(ctx context.Context, id int64, note string) (*Finding, error)
	// QualitySummaries returns each school under an org node with its open
	// findings and score, worst first. NotFound.
	QualitySummaries(ctx context.Context, orgID int64) ([]QualitySummary, error)
	// QualitySettings returns a top-level region's thresholds, the defaults
	// where it set none. NotFound.
	QualitySettings(ctx context.Context, regionID int64) (*QualitySettings, error)
	// SetQualitySettings sets a region's thresholds. Invalid, NotFound,
	// Forbidden (all but the region's admins).
	SetQualitySettings(ctx context.Context, regionID int64, q QualitySettings) error
}

// String returns the rule's name.
func (r QualityRule) String() string { return string(r) }

// CanExplainFinding reports whether the actor may explain a finding of the
// school at path: the school's admin and health officer, the region's
// admins.
func (a *Actor) CanExplainFinding(path string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if g.Covers(path) && (g.Role == SchoolAdmin || g.Role == HealthOffice || g.Role == RegionAdmin || g.Role == SystemAdmin) {
			return true
		}
	}
	return false
}

// namedRules are the rules whose evidence names children (and, for a
// fever at home, their health): shown only to those who read people's
// files there.
var namedRules = map[QualityRule]int{RulePresentNoGate: 1, RuleFeverWell: 1, RuleDuplicateID: 1, RuleTwoSchools: 1,
	RuleSharedPhone: 2}

// MaskedFor returns f as the actor may see it at path (the class's, else
// the school's): the children's names hidden from those who may not read
// their files (a liaison of market supervision sees that a school has a
// finding, not whom it names).
func (f *Finding) MaskedFor(a *Actor, path string) *Finding {
	i, ok := namedRules[f.Rule]
	if !ok || a.Can(ReadPersonFile, path) || i >= len(f.Evidence) {
		return f
	}
	g := *f
	g.Evidence = slices.Clone(f.Evidence)
	g.Evidence[i] = "***"
	if f.Rule == RuleDuplicateID || f.Rule == RuleTwoSchools {
		g.Evidence[0] = "***"
	}
	return &g
}
