package ears_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"campusguard/internal/ears"
	"campusguard/internal/earscsv"
)

// vectorCase is one output file of the vectors: a series, a configuration
// and a method.
type vectorCase struct {
	series, config string
	method         ears.Method
	params         ears.Params
	file           string
}

// vectorCases reads every params.csv under testdata/vectors (copied from
// ../shared/ears/vectors, computed by R surveillance 1.20.3).
func vectorCases(t testing.TB) []vectorCase {
	t.Helper()
	dirs, err := filepath.Glob("testdata/vectors/*/params.csv")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	var out []vectorCase
	for _, pf := range dirs {
		rows := readCSV(t, pf)
		head := map[string]int{}
		for i, h := range rows[0] {
			head[h] = i
		}
		for _, r := range rows[1:] {
			f := func(k string) float64 {
				v, err := strconv.ParseFloat(r[head[k]], 64)
				if err != nil {
					t.Fatalf("%s: %s = %q", pf, k, r[head[k]])
				}
				return v
			}
			out = append(out, vectorCase{series: filepath.Base(filepath.Dir(pf)), config: r[head["config"]],
				method: ears.Method(r[head["method"]]), file: filepath.Join(filepath.Dir(pf), r[head["file"]]),
				params: ears.Params{Baseline: int(f("baseline")), Alpha: f("alpha"), MinSigma: f("minSigma")}})
		}
	}
	return out
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readSeries(t testing.TB, dir string) *earscsv.Series {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "input.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := earscsv.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// parseNum reads a vector's number: NaN and NA are missing.
func parseNum(s string) float64 {
	if s == "NaN" || s == "NA" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.Inf(1) // never equal to anything: the comparison fails
	}
	return v
}

// close reports whether a and b agree to a relative 1e-9, NaN with NaN.
func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// TestVectors runs every series, configuration and method of the vectors.
func TestVectors(t *testing.T) {
	cases := vectorCases(t)
	if len(cases) != 4*9 {
		t.Errorf("%d vector files, want 36", len(cases))
	}
	for _, c := range cases {
		t.Run(c.series+"/"+c.config+"/"+string(c.method), func(t *testing.T) {
			s := readSeries(t, filepath.Dir(c.file))
			got, err := ears.Detect(c.method, s.Counts, c.params)
			if err != nil {
				t.Fatal(err)
			}
			want := readCSV(t, c.file)[1:]
			if len(got) != len(want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			for i, w := range want {
				g := got[i]
				if s.Dates[g.Index] != w[0] || !close(g.Observed, parseNum(w[1])) || !close(g.Upper, parseNum(w[2])) || g.Alarm.String() != w[3] {
					t.Errorf("row %d: got %s,%v,%v,%s; want %s", i+1, s.Dates[g.Index], g.Observed, g.Upper, g.Alarm, strings.Join(w, ","))
				}
			}
		})
	}
}

// TestWorkedExample is the spec's example, figure by figure.
func TestWorkedExample(t *testing.T) {
	y := []float64{1, 0, 2, 1, 3, 0, 1, 2, 1, 0, 4, 7, 6}
	want := map[ears.Method][]float64{
		ears.C1: {4.446454, 4.724207, 4.444329, 4.446454, 6.243421, 10.006992},
		ears.C2: {4.446454, 4.724207, 4.444329, 4.446454},
		ears.C3: {7.508043, 1.522384},
	}
	alarms := map[ears.Method][]int{ears.C1: {12}, ears.C2: {12, 13}, ears.C3: {13}}
	for m, us := range want {
		rs, err := ears.Detect(m, y, ears.Defaults(m))
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for i, r := range rs {
			if math.Abs(r.Upper-us[i]) > 1e-6 {
				t.Errorf("%s day %d: U = %.6f, want %.6f", m, r.Index+1, r.Upper, us[i])
			}
			if r.Alarm == ears.Yes {
				got = append(got, r.Index+1)
			}
		}
		if !equalInts(got, alarms[m]) {
			t.Errorf("%s alarms on days %v, want %v", m, got, alarms[m])
		}
	}
	if z := ears.Z(0.001); math.Abs(z-3.0902323061678132) > 1e-14 {
		t.Errorf("Z(0.001) = %.17g", z)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestEdges: flat baselines, missing days, bad parameters.
func TestEdges(t *testing.T) {
	zeros := make([]float64, 12)
	zeros[7] = 1
	rs, _ := ears.Detect(ears.C1, zeros, ears.Defaults(ears.C1))
	if rs[0].Upper != 0 || rs[0].Alarm != ears.Yes {
		t.Errorf("one case after seven zero days: %+v, want U 0 and an alarm", rs[0])
	}
	p := ears.Defaults(ears.C1)
	p.MinSigma = 0.5
	rs, _ = ears.Detect(ears.C1, zeros, p)
	if math.Abs(rs[0].Upper-1.545116) > 1e-6 || rs[0].Alarm != ears.No {
		t.Errorf("minSigma 0.5: %+v, want U 1.545 and no alarm", rs[0])
	}
	gap := []float64{1, 2, 1, math.NaN(), 2, 1, 2, 3, 1, 2, 1, 2, 1}
	rs, _ = ears.Detect(ears.C1, gap, ears.Defaults(ears.C1))
	for _, r := range rs {
		unknown := r.Index <= 3+7 // every window holding day 4
		if (r.Alarm == ears.Unknown) != unknown || math.IsNaN(r.Upper) != unknown {
			t.Errorf("day %d: %+v; unknown = %v", r.Index+1, r, unknown)
		}
	}
	for _, bad := range []ears.Params{{Baseline: 2, Alpha: 0.001}, {Baseline: 7, Alpha: 0}, {Baseline: 7, Alpha: 1},
		{Baseline: 7, Alpha: 0.001, MinSigma: -1}, {Baseline: 7, Alpha: math.NaN()}} {
		if _, err := ears.Detect(ears.C2, zeros, bad); err == nil {
			t.Errorf("Detect(%+v) = nil error", bad)
		}
	}
	if _, err := ears.Detect(ears.C3, zeros[:11], ears.Defaults(ears.C3)); err != ears.ErrShort {
		t.Errorf("Detect(C3, 11 days) = %v, want ErrShort", err)
	}
	if _, err := ears.Detect("C4", zeros, ears.Defaults(ears.C1)); err == nil {
		t.Error("Detect(C4) = nil error")
	}
}

// FuzzDetect: no panic, and each day's result depends only on the counts up
// to that day: a prefix of the series gives the same results.
func FuzzDetect(f *testing.F) {
	f.Add([]byte{1, 0, 2, 1, 3, 0, 1, 2, 1, 0, 4, 7, 6}, uint8(7), uint8(5), uint8(0))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 255, 0}, uint8(3), uint8(9), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, b, cut, ms uint8) {
		y := make([]float64, len(data))
		for i, v := range data {
			y[i] = float64(v)
			if v == 255 {
				y[i] = math.NaN()
			}
		}
		p := ears.Params{Baseline: 3 + int(b%10), Alpha: 0.001, MinSigma: float64(ms%4) / 2}
		for _, m := range ears.Methods {
			all, err := ears.Detect(m, y, p)
			if err != nil {
				continue
			}
			k := ears.First(m, p.Baseline) + 1 + int(cut)%max(1, len(y)-ears.First(m, p.Baseline))
			part, err := ears.Detect(m, y[:k], p)
			if err != nil {
				t.Fatalf("%s on the first %d days: %v", m, k, err)
			}
			for i, r := range part {
				a := all[i]
				if a.Index != r.Index || a.Alarm != r.Alarm || !(a.Upper == r.Upper || math.IsNaN(a.Upper) && math.IsNaN(r.Upper)) {
					t.Fatalf("%s day %d: %+v with the whole series, %+v with %d days", m, r.Index, a, r, k)
				}
			}
		}
	})
}
