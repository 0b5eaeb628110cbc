package campusguard

import "time"

// MaxCheckAgeDays is how many days back a person or a device may record or
// correct a check: today and the 7 days before it (in China). It is the
// offline queue's bound (MaxQueueAge) in whole days, so a phone that kept
// a week's checks offline still delivers them, and a class teacher can
// correct last week; a check for a month ago, or 1990, is a mistake.
// System paths (demo generation, history loaders, jobs) are not bounded.
const MaxCheckAgeDays = int(MaxQueueAge / (24 * time.Hour))

// CheckDayAllowed refuses a check for a day more than MaxCheckAgeDays
// before today, naming the field "day", unless the actor is the system.
// A day after today is TakenTime's to refuse.
func CheckDayAllowed(a *Actor, day Date, now time.Time) error {
	if a != nil && a.System || day.IsZero() {
		return nil
	}
	if day.Before(OldestCheckDay(now)) {
		return InvalidFields([]FieldError{{Field: "day", Msg: "error.day_too_old", Args: []any{MaxCheckAgeDays}}})
	}
	return nil
}

// OldestCheckDay is the earliest day a person or device may record a
// check for at now.
func OldestCheckDay(now time.Time) Date { return Today(now).AddDays(-MaxCheckAgeDays) }
