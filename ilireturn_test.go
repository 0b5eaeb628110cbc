package campusguard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestILIReturnOf: a student with ILI is cleared 48 hours after the last
// check with fever or symptoms, once a normal check follows it (47h59 is
// not yet, 48h is), or by a doctor's note recorded after the last ILI
// check and dated not before its day.
func TestILIReturnOf(t *testing.T) {
	mon := time.Date(2026, 11, 30, 7, 30, 0, 0, China)
	day := func(t time.Time) Date { return DateOf(t.In(China)) }
	temp := func(v float64) *float64 { return &v }
	ili := ILICheck{At: mon, Day: day(mon), Temperature: temp(38.4), Fever: true, Symptoms: []Symptom{SymCough}}
	feverOnly := func(at time.Time) ILICheck {
		return ILICheck{At: at, Day: day(at), Temperature: temp(37.6), Fever: true, Symptoms: []Symptom{}}
	}
	coughOnly := func(at time.Time) ILICheck {
		return ILICheck{At: at, Day: day(at), Temperature: temp(36.6), Symptoms: []Symptom{SymSoreThroat}}
	}
	normal := func(at time.Time) ILICheck {
		return ILICheck{At: at, Day: day(at), Temperature: temp(36.5), Symptoms: []Symptom{}}
	}
	noTemp := func(at time.Time) ILICheck { return ILICheck{At: at, Day: day(at), Symptoms: []Symptom{}} }
	note := func(d Date, at time.Time) ReturnNote { return ReturnNote{Day: d, RecordedAt: at, Note: "复课证明"} }
	h := time.Hour
	for _, tt := range []struct {
		name    string
		checks  []ILICheck
		notes   []ReturnNote
		now     time.Duration // after mon
		cleared bool
		by      string
		ret     time.Duration // ReturnAt after mon, if ILI
	}{
		{"no check", nil, nil, h, true, "no_ili", 0},
		{"fever without cough is no ILI", []ILICheck{feverOnly(mon)}, nil, h, true, "no_ili", 0},
		{"37.9 with cough is no ILI", []ILICheck{{At: mon, Day: day(mon), Temperature: temp(37.9), Fever: true, Symptoms: []Symptom{SymCough}}}, nil, h, true, "no_ili", 0},
		{"38.0 with sore throat is ILI", []ILICheck{{At: mon, Day: day(mon), Temperature: temp(38.0), Fever: true, Symptoms: []Symptom{SymSoreThroat}}}, nil, h, false, "", 48 * h},
		{"ILI, normal next morning, 47h59 later", []ILICheck{ili, normal(mon.Add(24 * h))}, nil, 48*h - time.Minute, false, "", 48 * h},
		{"ILI, normal next morning, 48h later", []ILICheck{ili, normal(mon.Add(24 * h))}, nil, 48 * h, true, "48h", 48 * h},
		{"ILI, no normal check yet, a week later", []ILICheck{ili}, nil, 7 * 24 * h, false, "", 48 * h},
		{"a check without a temperature shows nothing gone", []ILICheck{ili, noTemp(mon.Add(24 * h))}, nil, 72 * h, false, "", 48 * h},
		{"fever the next day moves the 48h: 47h59 after it", []ILICheck{ili, feverOnly(mon.Add(24 * h)), normal(mon.Add(48 * h))}, nil, 72*h - time.Minute, false, "", 72 * h},
		{"fever the next day moves the 48h: 48h after it", []ILICheck{ili, feverOnly(mon.Add(24 * h)), normal(mon.Add(48 * h))}, nil, 72 * h, true, "48h", 72 * h},
		{"a sore throat alone still counts as a symptom", []ILICheck{ili, coughOnly(mon.Add(30 * h)), normal(mon.Add(49 * h))}, nil, 77 * h, false, "", 78 * h},
		{"checks in any order", []ILICheck{normal(mon.Add(24 * h)), ili}, nil, 48 * h, true, "48h", 48 * h},
		{"a note recorded after the ILI check", []ILICheck{ili}, []ReturnNote{note(day(mon), mon.Add(5*h))}, 6 * h, true, "note", 48 * h},
		{"a note recorded before the ILI check", []ILICheck{ili}, []ReturnNote{note(day(mon), mon.Add(-time.Minute))}, 6 * h, false, "", 48 * h},
		{"a note dated the day before the ILI", []ILICheck{ili}, []ReturnNote{note(day(mon).AddDays(-1), mon.Add(5*h))}, 6 * h, false, "", 48 * h},
		{"a note not yet recorded at now", []ILICheck{ili}, []ReturnNote{note(day(mon), mon.Add(5*h))}, 4 * h, false, "", 48 * h},
		{"a new ILI after the note needs a new note", []ILICheck{ili, {At: mon.Add(30 * h), Day: day(mon.Add(30 * h)), Temperature: temp(38.6), Fever: true, Symptoms: []Symptom{SymCough}}},
			[]ReturnNote{note(day(mon), mon.Add(5*h))}, 31 * h, false, "", 78 * h},
		{"a later ILI check not yet taken at now", []ILICheck{ili, {At: mon.Add(30 * h), Day: day(mon.Add(30 * h)), Temperature: temp(38.6), Fever: true, Symptoms: []Symptom{SymCough}}},
			[]ReturnNote{note(day(mon), mon.Add(5*h))}, 6 * h, true, "note", 48 * h},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ILIReturnOf(7, tt.checks, tt.notes, mon.Add(tt.now))
			if got.Cleared != tt.cleared || got.By != tt.by {
				t.Errorf("ILIReturnOf = cleared %v by %q, want %v by %q (%+v)", got.Cleared, got.By, tt.cleared, tt.by, got)
			}
			if tt.by == "no_ili" {
				if got.ILI || got.ReturnAt != nil {
					t.Errorf("ILIReturnOf = %+v, want no ILI", got)
				}
				return
			}
			if !got.ILI || got.ReturnAt == nil || !got.ReturnAt.Equal(mon.Add(tt.ret)) {
				t.Errorf("ILIReturnOf ReturnAt = %v, want %v", got.ReturnAt, mon.Add(tt.ret))
			}
			if (got.By == "note") != (got.Note != nil) {
				t.Errorf("ILIReturnOf note = %v, by %q", got.Note, got.By)
			}
		})
	}
}

// TestReturnNoteValidate: the date is required, not after today, not
// older than the lookback; a note or a file is needed.
func TestReturnNoteValidate(t *testing.T) {
	today, _ := ParseDate("2026-11-30")
	file := int64(3)
	for _, tt := range []struct {
		name  string
		n     ReturnNote
		field string
	}{
		{"good", ReturnNote{Day: today, Note: "县医院复课证明"}, ""},
		{"file alone", ReturnNote{Day: today.AddDays(-ILILookbackDays), FileID: &file}, ""},
		{"no day", ReturnNote{Note: "x"}, "day"},
		{"tomorrow", ReturnNote{Day: today.AddDays(1), Note: "x"}, "day"},
		{"too old", ReturnNote{Day: today.AddDays(-ILILookbackDays - 1), Note: "x"}, "day"},
		{"empty", ReturnNote{Day: today, Note: "  "}, "note"},
		{"too long", ReturnNote{Day: today, Note: strings.Repeat("字", MaxReturnNote+1)}, "note"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.n.Validate(today)
			if tt.field == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != tt.field {
				t.Errorf("Validate = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}
