package campusguard

// Supervision on the dashboard and in the briefing (issue 12): each
// school's open and overdue rectification items, and the briefing's
// overdue items and the month's inspection coverage.

// BriefingCoverage is a period's inspection coverage as the briefing keeps
// it: the totals, not every school's line.
type BriefingCoverage struct {
	From        Date `json:"from"`
	To          Date `json:"to"`
	Schools     int  `json:"schools"`
	Inspected   int  `json:"inspected"`
	Announced   int  `json:"announced"`   // schools with an announced visit carried out
	Unannounced int  `json:"unannounced"` // schools with an unannounced visit carried out
}

// BriefCoverage reduces a coverage to the briefing's totals.
func BriefCoverage(c *Coverage) *BriefingCoverage {
	return &BriefingCoverage{From: c.From, To: c.To, Schools: len(c.Schools), Inspected: c.Inspected, Announced: c.Announced,
		Unannounced: c.Unannounced}
}

// MaxBriefingItems is how many overdue items a briefing lists, the
// longest overdue first.
const MaxBriefingItems = 50

// MonthOf returns the first and the last day of day's month.
func MonthOf(day Date) (Date, Date) {
	first := Date{Year: day.Year, Month: day.Month, Day: 1}
	next := DateOf(first.Time().AddDate(0, 1, 0))
	return first, next.AddDays(-1)
}
