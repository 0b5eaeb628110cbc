// Package ears computes the CDC's Early Aberration Reporting System
// statistics C1, C2 and C3 on a daily count series exactly as the R package
// surveillance's earsC computes them (see ../shared/ears/SPEC.md): pure
// functions, no I/O.
//
// The series holds one count per school day (weekends and holidays dropped,
// not zero-filled); NaN is a missing day. Each day's result depends only on
// the counts up to that day.
package ears

import (
	"errors"
	"fmt"
	"math"
)

// Method is one of the three statistics.
type Method string

const (
	C1 Method = "C1" // baseline the B days before t
	C2 Method = "C2" // baseline the B days before t−2 (two guard days)
	C3 Method = "C3" // the sum of C2's excesses over the two days before t
)

// Methods lists the methods.
var Methods = []Method{C1, C2, C3}

// Params are a method's parameters.
type Params struct {
	Baseline int     // B ≥ 3, default 7
	Alpha    float64 // one-sided; default 0.001 for C1 and C2, 0.025 for C3
	MinSigma float64 // floor of the baseline's standard deviation, ≥ 0
}

// Defaults returns the package's default parameters of m.
func Defaults(m Method) Params {
	p := Params{Baseline: 7, Alpha: 0.001}
	if m == C3 {
		p.Alpha = 0.025
	}
	return p
}

// Alarm is tri-state: unknown when the count or the bound is missing.
type Alarm int8

const (
	Unknown Alarm = iota
	No
	Yes
)

func (a Alarm) String() string {
	switch a {
	case Yes:
		return "TRUE"
	case No:
		return "FALSE"
	}
	return "NA"
}

// Result is one evaluable day: its 0-based index in the series, the count,
// the upper bound (NaN when unknown) and the alarm.
type Result struct {
	Index    int
	Observed float64
	Upper    float64
	Alarm    Alarm
}

// Z returns the one-sided normal quantile Φ⁻¹(1 − alpha).
func Z(alpha float64) float64 { return math.Sqrt2 * math.Erfinv(1-2*alpha) }

// guard is the lag L of each method's baseline window.
func guard(m Method) int {
	if m == C1 {
		return 1
	}
	return 3
}

// First returns the 0-based index of m's first evaluable day: B, B+2 or
// B+4 (the 1-based B+1, B+3, B+5 of the spec).
func First(m Method, baseline int) int {
	switch m {
	case C1:
		return baseline
	case C2:
		return baseline + 2
	}
	return baseline + 4
}

// Validate checks the method and parameters.
func (p Params) Validate(m Method) error {
	switch {
	case m != C1 && m != C2 && m != C3:
		return fmt.Errorf("ears: unknown method %q (want C1, C2 or C3)", m)
	case p.Baseline < 3:
		return fmt.Errorf("ears: baseline %d is below 3", p.Baseline)
	case !(p.Alpha > 0 && p.Alpha < 1):
		return fmt.Errorf("ears: alpha %v is not between 0 and 1", p.Alpha)
	case !(p.MinSigma >= 0) || math.IsInf(p.MinSigma, 1):
		return fmt.Errorf("ears: minSigma %v is not a number ≥ 0", p.MinSigma)
	}
	return nil
}

// ErrShort is returned for a series too short to evaluate any day.
var ErrShort = errors.New("ears: series shorter than the first evaluable day")

// Detect evaluates m on y with p for every evaluable day, in order.
// ErrShort when there is none.
func Detect(m Method, y []float64, p Params) ([]Result, error) {
	if err := p.Validate(m); err != nil {
		return nil, err
	}
	first := First(m, p.Baseline)
	if len(y) <= first {
		return nil, ErrShort
	}
	z := Z(p.Alpha)
	out := make([]Result, 0, len(y)-first)
	if m == C3 {
		// Each day's L = 3 window serves three days' C3: compute it once.
		excess, sigma := make([]float64, len(y)), make([]float64, len(y))
		for i := first - 2; i < len(y); i++ {
			var mean float64
			mean, sigma[i] = window(y, i, 3, p)
			excess[i] = math.Max(0, (y[i]-mean)/sigma[i]-1) // NaN stays NaN
		}
		for t := first; t < len(y); t++ {
			u := math.Max(0, y[t]+sigma[t]*(z-(excess[t-2]+excess[t-1])))
			out = append(out, Result{Index: t, Observed: y[t], Upper: u, Alarm: alarm(y[t], u)})
		}
		return out, nil
	}
	for t := first; t < len(y); t++ {
		mean, sigma := window(y, t, guard(m), p)
		u := mean + z*sigma
		out = append(out, Result{Index: t, Observed: y[t], Upper: u, Alarm: alarm(y[t], u)})
	}
	return out, nil
}

// alarm is y > u, unknown when either is NaN.
func alarm(y, u float64) Alarm {
	switch {
	case math.IsNaN(y) || math.IsNaN(u):
		return Unknown
	case y > u:
		return Yes
	}
	return No
}

// window returns the mean and σ = max(sd, minSigma) of the B days ending
// lag days before t (0-based), NaN if any of them is missing. The standard
// deviation is the sample one (n − 1), computed in two passes like R.
func window(y []float64, t, lag int, p Params) (mean, sigma float64) {
	w := y[t-lag-p.Baseline+1 : t-lag+1]
	sum := 0.0
	for _, v := range w {
		sum += v // NaN propagates
	}
	mean = sum / float64(len(w))
	ss := 0.0
	for _, v := range w {
		d := v - mean
		ss += d * d
	}
	sd := math.Sqrt(ss / float64(len(w)-1))
	return mean, math.Max(sd, p.MinSigma) // math.Max keeps NaN
}
