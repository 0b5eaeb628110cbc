// Package earscsv reads a daily count series from CSV and writes the
// results of package ears in the format of its test vectors.
package earscsv

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"campusguard/internal/ears"
)

// Series is a count series with its dates (as written, YYYY-MM-DD).
type Series struct {
	Dates  []string
	Counts []float64 // NaN for NA
}

// MaxRows bounds a series: a century of days.
const MaxRows = 40000

// Read parses "date,count" with a header line, NA for a missing count.
// Errors name the line: a missing or wrong header, a bad date, a date not
// after the one before, a count that is negative, fractional or not a
// number.
func Read(r io.Reader) (*Series, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	s := &Series{}
	line := 0
	var last time.Time
	seen := false // last holds a date (0001-01-01 is time.Time's zero)
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == 1 {
			if h := strings.ReplaceAll(strings.ToLower(text), " ", ""); h != "date,count" {
				return nil, fmt.Errorf("line 1: want the header \"date,count\", got %q", text)
			}
			continue
		}
		if text == "" {
			continue
		}
		date, count, ok := strings.Cut(text, ",")
		if !ok || strings.Contains(count, ",") {
			return nil, fmt.Errorf("line %d: want two fields \"date,count\", got %q", line, text)
		}
		date, count = strings.Trim(strings.TrimSpace(date), `"`), strings.Trim(strings.TrimSpace(count), `"`)
		d, err := time.Parse("2006-01-02", date)
		if err != nil {
			return nil, fmt.Errorf("line %d: date %q is not a date YYYY-MM-DD", line, date)
		}
		if seen && !d.After(last) {
			return nil, fmt.Errorf("line %d: date %s is not after the date before it", line, date)
		}
		last, seen = d, true
		v := math.NaN()
		if count != "NA" && count != "" {
			n, err := strconv.ParseFloat(count, 64)
			switch {
			case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
				return nil, fmt.Errorf("line %d: count %q is not a number (use NA for a missing day)", line, count)
			case n < 0:
				return nil, fmt.Errorf("line %d: count %s is negative", line, count)
			case n != math.Trunc(n):
				return nil, fmt.Errorf("line %d: count %s is not a whole number", line, count)
			}
			v = n
		}
		if len(s.Counts) >= MaxRows {
			return nil, fmt.Errorf("line %d: more than %d days", line, MaxRows)
		}
		s.Dates = append(s.Dates, date)
		s.Counts = append(s.Counts, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("line 1: empty input; want the header \"date,count\"")
	}
	return s, nil
}

// Write writes "date,observed,upperbound,alarm" for each result.
func Write(w io.Writer, s *Series, rs []ears.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "date,observed,upperbound,alarm")
	for _, r := range rs {
		obs := "NA"
		if !math.IsNaN(r.Observed) {
			obs = Format(r.Observed)
		}
		fmt.Fprintf(bw, "%s,%s,%s,%s\n", s.Dates[r.Index], obs, Format(r.Upper), r.Alarm)
	}
	return bw.Flush()
}

// Format writes a number as R does for these files: NaN for a missing
// bound, NA for a missing count, the shortest exact form otherwise.
func Format(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
