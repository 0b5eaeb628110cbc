package campusguard

import "time"

// The window a check's own time (the device's clock, kept while the phone
// was offline) must fall in. A queue older than MaxQueueAge is a phone that
// was forgotten, not a village morning without a connection; ClockSkew is
// how far ahead of the server a phone's clock may run and still be taken
// at its word (the time is then the server's).
const (
	MaxQueueAge = 7 * 24 * time.Hour
	ClockSkew   = 2 * time.Minute
)

// TakenTime returns when a check for day was taken: the device's time
// taken, or now when the device gave none (a form sent online without the
// script, an older device). A given time must be on day itself in China,
// not in the future (beyond ClockSkew, which is clamped to now), and not
// older than MaxQueueAge. A check for a day after today is refused even
// without a time. Invalid names the field "taken_at" (or "day").
func TakenTime(day Date, taken, now time.Time) (time.Time, error) {
	now = now.UTC()
	if day.IsZero() {
		return time.Time{}, InvalidFields([]FieldError{{Field: "day", Msg: "error.required"}})
	}
	if Today(now).Before(day) {
		return time.Time{}, InvalidFields([]FieldError{{Field: "day", Msg: "error.day_future"}})
	}
	if taken.IsZero() {
		return now, nil
	}
	taken = taken.UTC()
	start := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, China)
	end := start.AddDate(0, 0, 1)
	switch {
	case taken.After(now.Add(ClockSkew)):
		return time.Time{}, InvalidFields([]FieldError{{Field: "taken_at", Msg: "error.taken_future"}})
	case taken.Before(start) || !taken.Before(end):
		return time.Time{}, InvalidFields([]FieldError{{Field: "taken_at", Msg: "error.taken_not_on_day", Args: []any{day.String()}}})
	case now.Sub(taken) > MaxQueueAge:
		return time.Time{}, InvalidFields([]FieldError{{Field: "taken_at", Msg: "error.taken_too_old",
			Args: []any{int(MaxQueueAge / (24 * time.Hour))}}})
	case taken.After(now):
		return now, nil
	}
	return taken, nil
}
