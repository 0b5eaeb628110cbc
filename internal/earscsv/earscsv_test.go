package earscsv

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"campusguard/internal/ears"
)

func TestRoundTrip(t *testing.T) {
	in := "\ufeffdate,count\n2024-09-02,1\n2024-09-03,NA\n2024-09-04,2\n2024-09-05,0\n"
	s, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Counts) != 4 || !math.IsNaN(s.Counts[1]) || s.Counts[2] != 2 || s.Dates[3] != "2024-09-05" {
		t.Fatalf("Read = %+v", s)
	}
	var out bytes.Buffer
	rs := []ears.Result{{Index: 1, Observed: math.NaN(), Upper: math.NaN(), Alarm: ears.Unknown},
		{Index: 2, Observed: 2, Upper: 1.5, Alarm: ears.Yes}}
	if err := Write(&out, s, rs); err != nil {
		t.Fatal(err)
	}
	want := "date,observed,upperbound,alarm\n2024-09-03,NA,NaN,NA\n2024-09-04,2,1.5,TRUE\n"
	if out.String() != want {
		t.Errorf("Write = %q, want %q", out.String(), want)
	}
}

// FuzzRead: never panics; what it accepts has one count per date, dates
// strictly increasing, counts whole and not negative, or missing.
func FuzzRead(f *testing.F) {
	f.Add("date,count\n2024-09-02,1\n2024-09-03,NA\n")
	f.Add("date,count\n2024-09-02,-1\n")
	f.Add("date , count\r\n\"2024-09-02\",\"3\"\r\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Read(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if len(s.Dates) != len(s.Counts) {
			t.Fatalf("%d dates, %d counts", len(s.Dates), len(s.Counts))
		}
		for i, c := range s.Counts {
			if !math.IsNaN(c) && (c < 0 || c != math.Trunc(c) || math.IsInf(c, 0)) {
				t.Fatalf("count %v accepted", c)
			}
			if i > 0 && s.Dates[i] <= s.Dates[i-1] {
				t.Fatalf("dates %s then %s accepted", s.Dates[i-1], s.Dates[i])
			}
		}
	})
}
