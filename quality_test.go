package campusguard

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestRealThermometer: forty children a day for two weeks measured with a
// real thermometer (normal around 36.6 °C, σ 0.3, to a tenth) are neither
// uniform nor rounded under the default thresholds, whatever the seed.
func TestRealThermometer(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		c := ClassReadings{SchoolID: 1, ClassID: 2}
		for d := range 14 {
			day := DayReadings{Day: Date{2026, time.November, 1 + d}}
			for range 40 {
				day.Add(math.Round((36.6+rng.NormFloat64()*0.3)*10)/10, 1)
			}
			c.Days = append(c.Days, day)
		}
		q := DefaultQualitySettings
		if fs := append(UniformFindings(q, []ClassReadings{c}), RoundDigitFindings(q, []ClassReadings{c})...); len(fs) != 0 {
			n, share := RoundShareOf(c.Days)
			t.Errorf("seed %d: findings %+v (round share %.2f of %d)", seed, fs, share, n)
		}
	}
}

func TestQualitySettingsValidate(t *testing.T) {
	if err := DefaultQualitySettings.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	q := DefaultQualitySettings
	q.UniformShare, q.UniformDays, q.BurstSeconds = 0.4, 11, 5
	var got []string
	for _, f := range ErrorFields(q.Validate()) {
		got = append(got, f.Field)
	}
	if want := []string{"uniform_share", "uniform_days", "burst_seconds"}; !slices.Equal(got, want) {
		t.Errorf("Validate fields = %q, want %q", got, want)
	}
}

// TestFindingMaskedFor: names in the evidence are hidden from a liaison
// who may not read people's files, shown to the health bureau's.
func TestFindingMaskedFor(t *testing.T) {
	f := &Finding{Rule: RuleFeverWell, Evidence: []string{"1", "陈小明"}}
	market := &Actor{Grants: []Grant{{Role: RegionViewer, OrgPath: "/1/", Duty: DutyMarket}}}
	health := &Actor{Grants: []Grant{{Role: RegionViewer, OrgPath: "/1/", Duty: DutyHealth}}}
	if got := f.MaskedFor(market, "/1/2/3/").Evidence; got[1] != "***" || f.Evidence[1] != "陈小明" {
		t.Errorf("market liaison reads %q (original %q), want the name hidden and the finding unchanged", got, f.Evidence)
	}
	if got := f.MaskedFor(health, "/1/2/3/").Evidence; got[1] != "陈小明" {
		t.Errorf("health liaison reads %q, want the name", got)
	}
}
