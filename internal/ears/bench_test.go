package ears_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"campusguard/internal/ears"
)

// The 1,000,000-student demo city (campusguard demo --students 1000000):
// 1,430 schools and 25,282 classes.
const (
	citySchools  = 1430
	cityClasses  = 25282
	cityStudents = 1_000_000
	termDays     = 180
)

// poisson draws a Poisson count of mean lambda (Knuth; the means here are
// small).
func poisson(r *rand.Rand, lambda float64) float64 {
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// citySeries returns, for every school and class of the city, its daily
// fever and illness-absence counts over a term: Poisson with the demo's
// rates (0.2 % of students with a fever, 0.6 % absent ill each school day).
func citySeries() [][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	var out [][]float64
	add := func(n, students int) {
		for range n {
			for _, rate := range []float64{0.002, 0.006} {
				y := make([]float64, termDays)
				for d := range y {
					y[d] = poisson(r, rate*float64(students))
				}
				out = append(out, y)
			}
		}
	}
	add(citySchools, cityStudents/citySchools)
	add(cityClasses, cityStudents/cityClasses)
	return out
}

// BenchmarkDetectTerm runs each method over every school and class series
// (fever and illness absence) of the 1,000,000-student city for a
// 180-school-day term: 53,424 series of 180 days per operation.
//
//	go test -run NONE -bench DetectTerm -benchmem -count 6 ./internal/ears
func BenchmarkDetectTerm(b *testing.B) {
	series := citySeries()
	for _, m := range ears.Methods {
		b.Run(string(m), func(b *testing.B) {
			p := ears.Defaults(m)
			p.MinSigma = 0.5
			var ms runtime.MemStats
			alarms := 0
			for b.Loop() {
				alarms = 0
				for _, y := range series {
					rs, err := ears.Detect(m, y, p)
					if err != nil {
						b.Fatal(err)
					}
					for _, r := range rs {
						if r.Alarm == ears.Yes {
							alarms++
						}
					}
				}
			}
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(len(series)), "series")
			b.ReportMetric(float64(alarms), "alarm-days")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		})
	}
}
