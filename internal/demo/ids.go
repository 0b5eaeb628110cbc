package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"campusguard"
)

// phones hands out mobile numbers that never repeat within a run without
// remembering them: a counter goes through a bijection of [0, P·10^8), P the
// number of carrier prefixes, whose quotient picks the prefix and whose
// remainder gives the eight digits. A million guardians cost no memory.
type phones struct {
	n    uint64
	b, d uint64 // per-seed offsets
}

var phoneSpace = uint64(len(mobilePrefixes)) * 1e8

func newPhones(seed uint64) *phones {
	s := splitmix(seed ^ 0x9e3779b97f4a7c15)
	return &phones{b: s % phoneSpace, d: splitmix(s) % phoneSpace}
}

func (p *phones) next() string {
	x := p.n % phoneSpace
	p.n++
	// Each step is a bijection of [0, phoneSpace): affine maps whose
	// multipliers are prime to it (it has only the factors 2, 5 and 7), and
	// a swap of the two four-digit halves of the last eight digits.
	x = (x*2_654_435_761 + p.b) % phoneSpace
	x = swapHalves(x)
	x = (x*2_246_822_519 + p.d) % phoneSpace
	x = swapHalves(x)
	x = (x*3_266_489_917 + p.b) % phoneSpace
	buf := make([]byte, 0, 11)
	buf = append(buf, mobilePrefixes[x/1e8]...)
	buf = appendPadded(buf, int(x%1e8), 8)
	return string(buf)
}

func swapHalves(x uint64) uint64 {
	hi, lo := x/1e8, x%1e8
	return hi*1e8 + (lo%1e4)*1e4 + lo/1e4
}

// idNumbers hands out resident ID numbers that are valid (GB 11643) and
// unique within a run: the three sequence digits count up per birthplace,
// birth day and sex, starting at a place that depends on the seed.
type idNumbers struct {
	seed     uint64
	base     time.Time
	days     int
	counters map[string][]uint16 // looked up only, never ranged over
}

var idBase = time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)

func newIDNumbers(seed uint64, today campusguard.Date) *idNumbers {
	return &idNumbers{
		seed:     seed,
		base:     idBase,
		days:     int(today.Time().Sub(idBase)/(24*time.Hour)) + 1,
		counters: make(map[string][]uint16),
	}
}

// perSex is how many sequence numbers one sex has per birthplace and day.
// It is prime, so stepping by any smaller number visits all of them.
const perSex = 499

// make returns the ID number of a person born in region on birth, or "" in
// the practically impossible case that the day's sequence numbers are used up.
func (g *idNumbers) make(region string, birth campusguard.Date, male bool) string {
	day := int(birth.Time().Sub(g.base) / (24 * time.Hour))
	if day < 0 || day >= g.days {
		return ""
	}
	c := g.counters[region]
	if c == nil {
		c = make([]uint16, 2*g.days)
		g.counters[region] = c
	}
	sex := 0
	if male {
		sex = 1
	}
	k := int(c[2*day+sex])
	if k >= perSex {
		return ""
	}
	c[2*day+sex]++
	rc, _ := strconv.Atoi(region)
	off := int(splitmix(g.seed^uint64(rc)<<20^uint64(day)<<1^uint64(sex)) % perSex)
	p := (off + k*193) % perSex
	seq := 2*p + 2 // even: female
	if male {
		seq = 2*p + 1
	}
	buf := make([]byte, 0, 18)
	buf = append(buf, region...)
	buf = appendPadded(buf, birth.Year, 4)
	buf = appendPadded(buf, int(birth.Month), 2)
	buf = appendPadded(buf, birth.Day, 2)
	buf = appendPadded(buf, seq, 3)
	buf = append(buf, campusguard.IDCheckChar(string(buf)))
	return string(buf)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func appendPadded(buf []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}

func itoa(n int) string { return strconv.Itoa(n) }

// apportion splits total into len(weights) non-negative integers that follow
// the weights and add up to exactly total.
func apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if sum <= 0 {
		if len(out) > 0 {
			out[0] = total
		}
		return out
	}
	cum, prev := 0.0, 0
	for i, w := range weights {
		cum += w
		next := int(math.Round(float64(total) * cum / sum))
		if i == len(weights)-1 {
			next = total
		}
		out[i] = next - prev
		prev = next
	}
	return out
}

// between returns a float in [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// surnames draws surnames by weight.
type surnames struct {
	cum   []int
	total int
}

func newSurnames() *surnames {
	s := &surnames{}
	for _, w := range surnameWeights {
		s.total += w.w
		s.cum = append(s.cum, s.total)
	}
	return s
}

func (s *surnames) pick(r *rand.Rand) string {
	x := r.IntN(s.total)
	lo, hi := 0, len(s.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if s.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return surnameWeights[lo].s
}

// childName returns a child's given name.
func childName(r *rand.Rand, male bool) string {
	if chance(r, 0.65) {
		if male {
			return pick(r, childMale)
		}
		return pick(r, childFemale)
	}
	if male {
		return string([]rune{pick(r, childMaleFirst), pick(r, childMaleSecond)})
	}
	return string([]rune{pick(r, childFemaleFirst), pick(r, childFemaleSecond)})
}

func adultName(r *rand.Rand, male bool) string {
	if male {
		return pick(r, adultMale)
	}
	return pick(r, adultFemale)
}

func elderName(r *rand.Rand, male bool) string {
	if male {
		return pick(r, elderMale)
	}
	return pick(r, elderFemale)
}
