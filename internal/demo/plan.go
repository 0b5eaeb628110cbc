package demo

import (
	"math"
	"sort"
	"strings"

	cg "campusguard"
)

// typeSpec describes the schools of one type.
type typeSpec struct {
	grades    []string
	stage0    int     // school stage of the first grade: 1 is primary year one, -2 a kindergarten's 小班
	classSize int     // students per class, about
	share     float64 // of the county's students
	perCounty float64 // schools in a county of countySize students
	teaching  float64 // teachers per class, the class teacher included
	extraAge  int     // students may be up to this many years older than their grade
}

var specs = map[cg.SchoolType]*typeSpec{
	cg.Kindergarten: {[]string{"小班", "中班", "大班"}, -2, 30, 0.180, 27, 2.0, 0},
	cg.Primary:      {[]string{"一年级", "二年级", "三年级", "四年级", "五年级", "六年级"}, 1, 45, 0.455, 50, 2.2, 0},
	cg.Junior:       {[]string{"七年级", "八年级", "九年级"}, 7, 48, 0.200, 15, 3.2, 0},
	cg.Senior:       {[]string{"高一", "高二", "高三"}, 10, 52, 0.130, 5, 3.8, 0},
	cg.Vocational:   {[]string{"一年级", "二年级", "三年级"}, 10, 45, 0.032, 2, 3.6, 0},
	cg.Special:      {[]string{"一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"}, 1, 10, 0.003, 1, 3.0, 2},
}

// The tiers of a school within its type, which set its size.
const (
	tierCounty  = iota // 县实验小学, 县第一中学
	tierCentral        // a town's 中心小学
	tierLocal          // a village school, a private kindergarten
)

// schoolPlan is a school decided before its batch is made.
type schoolPlan struct {
	typ      cg.SchoolType
	typeIdx  int
	town     *town
	townIdx  int
	name     string
	village  string // the village a village school is named after
	tier     int
	weight   float64
	students int
	order    int
}

// planSchools decides the schools of a county: how many of each type, their
// names, towns and sizes. Sizes add up to exactly the county's students.
func (g *generator) planSchools(c *county) []*schoolPlan {
	f := float64(c.students) / countySize
	shares := make([]float64, len(cg.SchoolTypes))
	for i, t := range cg.SchoolTypes {
		shares[i] = specs[t].share
	}
	totals := apportion(c.students, shares)
	names := map[string]bool{}
	var plans []*schoolPlan
	for i, t := range cg.SchoolTypes {
		total := totals[i]
		if total == 0 {
			continue
		}
		s := specs[t]
		n := max(1, int(math.Round(s.perCounty*f)))
		n = min(n, max(1, total/(len(s.grades)*8)))
		ps := g.slots(c, t, n, names)
		weights := make([]float64, len(ps))
		for j, p := range ps {
			p.typ, p.typeIdx, p.order = t, i, j
			weights[j] = p.weight * between(g.rng, 0.75, 1.25)
		}
		for j, n := range apportion(total, weights) {
			ps[j].students = n
		}
		plans = append(plans, ps...)
	}
	townIdx := map[*town]int{}
	for i, t := range c.towns {
		townIdx[t] = i
	}
	for _, p := range plans {
		p.townIdx = townIdx[p.town]
	}
	sort.SliceStable(plans, func(i, j int) bool {
		a, b := plans[i], plans[j]
		if a.townIdx != b.townIdx {
			return a.townIdx < b.townIdx
		}
		if a.typeIdx != b.typeIdx {
			return a.typeIdx < b.typeIdx
		}
		return a.order < b.order
	})
	return plans
}

func villageShort(v string) string {
	if s, ok := strings.CutSuffix(v, "社区"); ok {
		return s
	}
	return strings.TrimSuffix(v, "村")
}

// slots names the n schools of type t in county c: the county's flagship
// schools first, then one central school per town, then village and private
// schools in towns drawn by weight.
func (g *generator) slots(c *county, t cg.SchoolType, n int, names map[string]bool) []*schoolPlan {
	seat := c.towns[0]
	var ps []*schoolPlan
	add := func(tw *town, name string, tier int) *schoolPlan {
		if len(ps) >= n || names[name] {
			return nil
		}
		names[name] = true
		w := 0.5
		switch {
		case tier == tierCounty:
			w = 2.6
		case tier == tierCentral && tw.seat:
			w = 2.2
		case tier == tierCentral:
			w = 1.5
		case tw.seat:
			w = 1.2
		}
		p := &schoolPlan{town: tw, name: name, tier: tier, weight: w}
		ps = append(ps, p)
		return p
	}
	// fill adds local schools named by village until n are planned; a
	// numbered name is the last resort when the villages run out.
	fill := func(suffix string, private []string) {
		for tries := 0; len(ps) < n && tries < 50*n; tries++ {
			tw := g.pickTown(c)
			switch {
			case private != nil && (tw.seat || chance(g.rng, 0.4)):
				prefix := tw.short
				if tw.seat {
					prefix = c.name
				}
				add(tw, prefix+pick(g.rng, private)+suffix, tierLocal)
			default:
				v := pick(g.rng, tw.villages)
				prefix := tw.name
				if tw.seat {
					prefix = c.name
				}
				if p := add(tw, prefix+villageShort(v)+suffix, tierLocal); p != nil {
					p.village = v
				}
			}
		}
		for k := 1; len(ps) < n; k++ {
			add(seat, c.name+"第"+numeral(k)+suffix, tierLocal)
		}
	}
	switch t {
	case cg.Kindergarten:
		add(seat, c.name+"实验幼儿园", tierCounty)
		for _, tw := range c.towns {
			add(tw, tw.name+"中心幼儿园", tierCentral)
		}
		add(seat, c.name+"第二实验幼儿园", tierCounty)
		fill("幼儿园", privateKindergartens)
	case cg.Primary:
		add(seat, c.name+"实验小学", tierCounty)
		for _, tw := range c.towns {
			add(tw, tw.name+"中心小学", tierCentral)
		}
		add(seat, c.name+"第二实验小学", tierCounty)
		add(seat, c.name+"第三实验小学", tierCounty)
		fill("小学", nil)
	case cg.Junior:
		add(seat, c.name+"实验中学", tierCounty)
		for _, tw := range c.towns[1:] {
			add(tw, c.name+tw.short+"中学", tierCentral)
		}
		add(seat, c.name+"城关中学", tierCentral)
		fill("中学", nil)
	case cg.Senior:
		others := c.towns[1:]
		for k := 1; len(ps) < n; k++ {
			tw, tier := seat, tierCentral
			if k == 1 {
				tier = tierCounty
			}
			if k > 2 && len(others) > 0 {
				tw = others[(k-3)%len(others)]
			}
			add(tw, c.name+"第"+numeral(k)+"中学", tier)
		}
	case cg.Vocational:
		add(seat, c.short+"职业技术学校", tierCounty)
		add(seat, c.name+"中等职业学校", tierCentral)
		for k := 2; len(ps) < n; k++ {
			add(seat, c.short+"第"+numeral(k)+"职业技术学校", tierCentral)
		}
	case cg.Special:
		add(seat, c.name+"特殊教育学校", tierCounty)
		for k := 2; len(ps) < n; k++ {
			add(seat, c.name+"第"+numeral(k)+"特殊教育学校", tierCentral)
		}
	}
	return ps
}
