package campusguard

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// China is the time zone of every school day: UTC+8 all year, a fixed
// zone, so no tzdata is needed.
var China = time.FixedZone("CST", 8*60*60)

// Today returns the day it is in China at now.
func Today(now time.Time) Date { return DateOf(now.In(China)) }

// Date is a calendar day (a school day, a birth date) with no time zone.
// It is stored as TEXT 'YYYY-MM-DD' in SQLite and DATE in PostgreSQL.
// The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD" and checks that the day exists.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// MakeDate returns the date y-m-d and whether that day exists.
func MakeDate(y int, m time.Month, d int) (Date, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return Date{}, false
	}
	return Date{y, m, d}, true
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(d.Month, e.Month)
	}
	return cmp.Compare(d.Day, e.Day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendISO(make([]byte, 0, 10)))
}

// appendISO appends YYYY-MM-DD: dates are written on every check stored
// and every answer sent, so without fmt.
func (d Date) appendISO(b []byte) []byte {
	pad := func(b []byte, v, width int) []byte {
		if v < 0 { // not a date Validate lets through; written plainly
			return strconv.AppendInt(b, int64(v), 10)
		}
		for n := 10; width > 1; width-- {
			if v < n {
				b = append(b, '0')
			}
			n *= 10
		}
		return strconv.AppendInt(b, int64(v), 10)
	}
	b = pad(b, d.Year, 4)
	b = append(b, '-')
	b = pad(b, int(d.Month), 2)
	b = append(b, '-')
	return pad(b, d.Day, 2)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return d.appendISO(make([]byte, 0, 10)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: "YYYY-MM-DD", which both databases accept,
// or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for TEXT (SQLite) and DATE (PostgreSQL).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = DateOf(v.UTC())
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
	return nil
}

func (d *Date) scanString(s string) error {
	if len(s) > 10 {
		s = s[:10] // a timestamp written as text
	}
	return d.UnmarshalText([]byte(s))
}
