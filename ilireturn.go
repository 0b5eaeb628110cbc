package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The return of a student after influenza-like illness (流感样病例暴发疫情处置指南,
// 2018): a student with ILI returns only 48 hours after the fever and
// symptoms have gone, or with a doctor's note (复课证明). The gate and the
// class check show a student who is not yet cleared.

// ILILookbackDays is how far back the return rule looks for ILI: a check
// that showed ILI longer ago than this does not hold a student at the gate
// (nothing recorded since says they are still ill, and the retention job
// may have deleted the checks that would clear them).
const ILILookbackDays = 30

// ILICheck is what the return rule reads of a current check.
type ILICheck struct {
	At          time.Time
	Day         Date
	Temperature *float64
	Fever       bool // at or above the region's fever threshold, as recorded
	Symptoms    []Symptom
}

// ILI reports whether the check shows influenza-like illness.
func (c ILICheck) ILI() bool { return IsILI(c.Temperature, c.Symptoms) }

// Symptomatic reports whether the check shows fever or a symptom of ILI:
// the region's fever, 38 °C, or fever, cough or sore throat reported.
func (c ILICheck) Symptomatic() bool {
	return c.Fever || (c.Temperature != nil && *c.Temperature >= ILIFever) ||
		slices.ContainsFunc(c.Symptoms, func(s Symptom) bool { return s == SymFever || s == SymCough || s == SymSoreThroat })
}

// Normal reports whether the check shows the fever and symptoms gone: a
// temperature taken, and nothing Symptomatic.
func (c ILICheck) Normal() bool { return c.Temperature != nil && !c.Symptomatic() }

// ReturnNote is a doctor's note (复课证明) recorded by the school's health
// officer or principal: it clears a student with ILI for return.
type ReturnNote struct {
	ID         int64     `json:"id"`
	RegionID   int64     `json:"region_id"`
	PersonID   int64     `json:"person_id"`
	SchoolID   int64     `json:"school_id"`
	Day        Date      `json:"day"`               // the date on the note
	FileID     *int64    `json:"file_id,omitempty"` // the note scanned or photographed
	Note       string    `json:"note"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// MaxReturnNote is the longest note of a return note, in characters.
const MaxReturnNote = 500

// Validate checks a note: a date not after today and not older than the
// lookback, and a short note.
func (n ReturnNote) Validate(today Date) error {
	var fe fieldErrors
	switch {
	case n.Day.IsZero():
		fe.add("day", "error.required")
	case today.Before(n.Day):
		fe.add("day", "day.error_future", today.String())
	case n.Day.Before(today.AddDays(-ILILookbackDays)):
		fe.add("day", "error.return_note_old", ILILookbackDays)
	}
	if utf8.RuneCountInString(n.Note) > MaxReturnNote {
		fe.add("note", "error.too_long", MaxReturnNote)
	}
	if n.FileID == nil && strings.TrimSpace(n.Note) == "" {
		fe.add("note", "error.return_note_empty")
	}
	return fe.err()
}

// Counts reports whether the note clears an illness whose last ILI check
// is c: recorded after it, and dated not before its day. A note recorded
// before a new ILI check does not clear the new illness.
func (n ReturnNote) Counts(c ILICheck) bool {
	return n.RecordedAt.After(c.At) && !n.Day.Before(c.Day)
}

// ILIReturn is a student's return after ILI at a moment.
type ILIReturn struct {
	PersonID int64 `json:"person_id"`
	// ILI is set when a check of the lookback showed ILI.
	ILI bool `json:"ili"`
	// ILIAt is the last check that showed ILI; LastSymptomAt the last that
	// showed fever or an ILI symptom since; NormalAt the first normal check
	// after that, nil while none shows the symptoms gone.
	ILIAt         *time.Time `json:"ili_at"`
	LastSymptomAt *time.Time `json:"last_symptom_at"`
	NormalAt      *time.Time `json:"normal_at"`
	// ReturnAt is 48 hours after LastSymptomAt: the student returns then
	// without a note, if a normal check shows the symptoms gone.
	ReturnAt *time.Time  `json:"return_at"`
	Note     *ReturnNote `json:"note"` // the note that clears, if any
	// Cleared: no ILI, a note, or 48 hours after the symptoms went.
	Cleared bool `json:"cleared"`
	// By says why: "no_ili", "note", "48h", or "" while not cleared.
	By string `json:"by"`
}

// ILIReturnOf decides a student's return at now from their current checks
// of the lookback (any order) and their doctor's notes.
func ILIReturnOf(personID int64, checks []ILICheck, notes []ReturnNote, now time.Time) ILIReturn {
	r := ILIReturn{PersonID: personID}
	cs := slices.Clone(checks)
	slices.SortStableFunc(cs, func(a, b ILICheck) int { return a.At.Compare(b.At) })
	last := -1
	for i, c := range cs {
		if c.ILI() && !now.Before(c.At) {
			last = i
		}
	}
	if last < 0 {
		r.Cleared, r.By = true, "no_ili"
		return r
	}
	r.ILI = true
	ili := cs[last]
	r.ILIAt = ptrTime(ili.At)
	sym := last
	for i := last + 1; i < len(cs) && !now.Before(cs[i].At); i++ {
		if cs[i].Symptomatic() {
			sym = i
		}
	}
	r.LastSymptomAt = ptrTime(cs[sym].At)
	r.ReturnAt = ptrTime(cs[sym].At.Add(ReturnAfterILI))
	for i := sym + 1; i < len(cs) && !now.Before(cs[i].At); i++ {
		if cs[i].Normal() {
			r.NormalAt = ptrTime(cs[i].At)
			break
		}
	}
	for i := range notes {
		n := notes[i]
		if n.Counts(ili) && !now.Before(n.RecordedAt) && (r.Note == nil || r.Note.RecordedAt.Before(n.RecordedAt)) {
			r.Note = &n
		}
	}
	switch {
	case r.Note != nil:
		r.Cleared, r.By = true, "note"
	case r.NormalAt != nil && !now.Before(*r.ReturnAt):
		r.Cleared, r.By = true, "48h"
	}
	return r
}

func ptrTime(t time.Time) *time.Time { return &t }

// ILIReturnService answers who may return after ILI and keeps doctor's
// notes.
type ILIReturnService interface {
	// ILIReturn returns a student's return now, for readers of the
	// student's file (NotFound otherwise).
	ILIReturn(ctx context.Context, personID int64) (*ILIReturn, error)
	// ILIHeld returns the students under a school or class who are not
	// yet cleared after ILI, by person: for those who may list its people
	// (the gate). NotFound out of scope.
	ILIHeld(ctx context.Context, orgID int64) (map[int64]ILIReturn, error)
	// RecordReturnNote records a doctor's note for a student: the school's
	// health officers and principals (ClearReturn). Invalid naming the
	// field, Forbidden for other readers, NotFound out of scope.
	RecordReturnNote(ctx context.Context, n *ReturnNote) error
}
