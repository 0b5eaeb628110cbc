package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAberrationMatchesVectors runs the CLI on every vector input with each
// configuration and method and compares its output with the vector file:
// dates, observed and alarms exactly, bounds to a relative 1e-9.
func TestAberrationMatchesVectors(t *testing.T) {
	params, err := filepath.Glob("../../internal/ears/testdata/vectors/*/params.csv")
	if err != nil || len(params) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	files := 0
	for _, pf := range params {
		dir := filepath.Dir(pf)
		rows := readAll(t, pf)
		for _, r := range rows[1:] {
			file, method, alpha, baseline, minSigma := r[0], r[2], r[3], r[5], r[6]
			t.Run(filepath.Base(dir)+"/"+file, func(t *testing.T) {
				out, stderr, err := runCmd(t, nil, "aberration", "--method", method, "--alpha", alpha, "--baseline", baseline,
					"--min-sigma", minSigma, filepath.Join(dir, "input.csv"))
				if err != nil {
					t.Fatalf("aberration: %v: %s", err, stderr)
				}
				got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				want := readAll(t, filepath.Join(dir, file))
				if len(got) != len(want) {
					t.Fatalf("%d lines, want %d", len(got), len(want))
				}
				for i := range want {
					g, w := got[i], want[i]
					if g[0] != w[0] || g[1] != w[1] || g[3] != w[3] || !sameBound(g[2], w[2]) {
						t.Errorf("line %d: %s, want %s", i+1, strings.Join(g, ","), strings.Join(w, ","))
					}
				}
			})
			files++
		}
	}
	if files != 36 {
		t.Errorf("%d vector files, want 36", files)
	}
}

func sameBound(a, b string) bool {
	if a == b {
		return true
	}
	x, errX := strconv.ParseFloat(a, 64)
	y, errY := strconv.ParseFloat(b, 64)
	if errX != nil || errY != nil || math.IsNaN(x) || math.IsNaN(y) {
		return false
	}
	return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

func readAll(t *testing.T, path string) [][]string {
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

// TestAberrationBadInput: each bad input is a clear error with its line.
func TestAberrationBadInput(t *testing.T) {
	dir := t.TempDir()
	days := "2024-09-02,1\n2024-09-03,0\n2024-09-04,2\n2024-09-05,1\n2024-09-06,3\n2024-09-09,0\n2024-09-10,1\n2024-09-11,2\n"
	for name, c := range map[string]struct {
		input string
		args  []string
		want  string
	}{
		"no header":      {days, nil, "line 1: want the header"},
		"bad date":       {"date,count\n" + days + "2024-13-01,2\n", nil, "line 10: date \"2024-13-01\""},
		"negative":       {"date,count\n" + days + "2024-09-12,-1\n", nil, "line 10: count -1 is negative"},
		"not a number":   {"date,count\n" + days + "2024-09-12,many\n", nil, "line 10: count \"many\" is not a number"},
		"fraction":       {"date,count\n" + days + "2024-09-12,1.5\n", nil, "line 10: count 1.5 is not a whole number"},
		"out of order":   {"date,count\n" + days + "2024-09-11,2\n", nil, "line 10: date 2024-09-11 is not after"},
		"three fields":   {"date,count\n2024-09-02,1,2\n", nil, "line 2: want two fields"},
		"baseline below": {"date,count\n" + days, []string{"--baseline", "2"}, "--baseline 2: must be at least 3"},
		"unknown method": {"date,count\n" + days, []string{"--method", "C4"}, "want C1, C2 or C3"},
		"too short":      {"date,count\n" + days, []string{"--method", "C3"}, "needs at least 12"},
		"empty":          {"", nil, "line 1: empty input"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(c.input), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"aberration"}, c.args...), path)
			out, stderr, err := runCmd(t, nil, args...)
			if err == nil || !strings.Contains(err.Error()+stderr, c.want) {
				t.Errorf("err = %v, stderr %q; want %q", err, stderr, c.want)
			}
			if out != "" {
				t.Errorf("wrote output on bad input: %q", out)
			}
		})
	}
	// NA is a missing day, not an error: its windows are unknown.
	path := filepath.Join(dir, "na.csv")
	os.WriteFile(path, []byte("date,count\n"+strings.Replace(days, "2024-09-04,2", "2024-09-04,NA", 1)+"2024-09-12,2\n"), 0o644)
	out, _, err := runCmd(t, nil, "aberration", "--method", "C1", path)
	if err != nil || !strings.Contains(out, "2024-09-11,2,NaN,NA") {
		t.Errorf("NA input: %v\n%s", err, out)
	}
}
