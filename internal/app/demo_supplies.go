package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// Demo supplies (issue 13): every school stocked at reopening, a school
// day's issues in line with its headcount since, one delivery to the
// county's warehouse and a few transfers from it, two schools running low
// and one batch near expiry. The stock left today is about eight school
// days of every school's norm, which for the default county weighs about
// 10 tonnes, as the seed's county held.

// demoLowSchools is how many schools the demo leaves short.
const demoLowSchools = 2

// fixedStock is what every school holds of the items without a norm.
var fixedStock = map[string]int64{"thermometer": 3, "gloves": 4, "mask_n95": 20, "protective_suit": 4, "face_shield": 6,
	"chlorine_tablet": 5}

func demoSupplies(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), "李管理员（演示）")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if err := demoRegionSupplies(ctx, s, cfg, r); err != nil {
			return fmt.Errorf("demo supplies of %s: %w", r.Name, err)
		}
		if _, _, err := s.DetectLowStock(ctx, r.ID, cfg.Today); err != nil {
			return err
		}
	}
	return nil
}

func demoRegionSupplies(ctx context.Context, s *sqlstore.Store, cfg demo.Config, r *campusguard.Org) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(r.ID)+13))
	items, err := s.SupplyItems(ctx, r.ID)
	if err != nil {
		return err
	}
	heads, err := s.SupplyHeadcounts(ctx, r.ID)
	if err != nil {
		return err
	}
	schools := make([]int64, 0, len(heads))
	for id := range heads {
		schools = append(schools, id)
	}
	slices.Sort(schools)
	if len(schools) == 0 {
		return nil
	}
	start := cfg.Today.AddDays(-max(cfg.HistoryDays, 1))
	days, err := s.TermDays(ctx, r.ID, start, cfg.Today.AddDays(-1))
	if err != nil {
		return err
	}
	var ms []campusguard.Movement
	add := func(m campusguard.Movement) {
		m.CreatedBy = "李管理员（演示）"
		ms = append(ms, m)
	}
	// whole rounds q up to the item's counting step: whole pieces,
	// bottles and boxes, a tenth of a litre.
	whole := func(it *campusguard.SupplyItem, q campusguard.Qty) campusguard.Qty {
		step := campusguard.Qty(campusguard.QtyScale)
		if it.Unit == campusguard.UnitLitre {
			step = campusguard.QtyScale / 10
		}
		return (q + step - 1) / step * step
	}
	expiry := start.AddDays(365)
	low := map[int64]bool{}
	for i := 0; i < demoLowSchools && i < len(schools); i++ {
		low[schools[(3+i*len(schools)/demoLowSchools)%len(schools)]] = true
	}
	nearExpiry := schools[len(schools)/2]
	transfers := map[int64]bool{}
	for i := 0; i < 3 && i < len(schools); i++ {
		if id := schools[(i*11+1)%len(schools)]; !low[id] {
			transfers[id] = true
		}
	}
	warehouseDay := start.AddDays(max(cfg.HistoryDays*2/3, 1))
	transferDay := start.AddDays(max(cfg.HistoryDays*5/6, 1))
	countyNorm := map[int64]campusguard.Qty{}
	for _, id := range schools {
		h := heads[id]
		for _, it := range items {
			if it.Norm == nil {
				if n, ok := fixedStock[it.Code]; ok {
					add(campusguard.Movement{HolderID: id, ItemID: it.ID, Day: start, Kind: campusguard.Receipt, Delta: campusguard.Units(n),
						Party: "县教育局", Batch: "KX" + start.String(), Expiry: expiry})
				}
				continue
			}
			norm := campusguard.Qty(int64(*it.Norm) * int64(h)) // a school day's norm, in thousandths
			countyNorm[it.ID] += norm
			var issued, used campusguard.Qty
			var issues []campusguard.Movement
			for _, d := range days {
				// What was used so far, issued in whole units: a small
				// school takes a bottle every other day, not one a day.
				used += norm * campusguard.Qty(80+rng.IntN(11)) / 100
				q := whole(it, used) - issued
				if whole(it, used) > used {
					q -= whole(it, 1) // rounded down
				}
				if q <= 0 {
					continue
				}
				issued += q
				issues = append(issues, campusguard.Movement{HolderID: id, ItemID: it.ID, Day: d, Kind: campusguard.Issue, Delta: -q,
					Party: "各班级"})
			}
			endDays := campusguard.Qty(78 + rng.IntN(11)) // 7.8 to 8.8 school days left
			if low[id] {
				endDays = campusguard.Qty(25 + rng.IntN(11))
			}
			opening := whole(it, issued+norm*endDays/10)
			if id == nearExpiry && it.Code == "alcohol_75" {
				// Part of the opening stock came in a batch that expires soon.
				batch := whole(it, opening/4)
				opening -= batch
				add(campusguard.Movement{HolderID: id, ItemID: it.ID, Day: start, Kind: campusguard.Receipt, Delta: batch,
					Party: "县疾控中心", Batch: "JJ" + start.String(), Expiry: cfg.Today.AddDays(20)})
			}
			add(campusguard.Movement{HolderID: id, ItemID: it.ID, Day: start, Kind: campusguard.Receipt, Delta: opening,
				Party: "县教育局", Batch: "KX" + start.String(), Expiry: expiry})
			ms = append(ms, issues...)
		}
	}
	// The warehouse: one delivery, then a few transfers to schools.
	for _, it := range items {
		if it.Norm == nil || (it.Code != "mask_surgical" && it.Code != "alcohol_75") {
			continue
		}
		delivery := whole(it, countyNorm[it.ID])
		if it.Code == "alcohol_75" {
			delivery = whole(it, countyNorm[it.ID]/2)
		}
		add(campusguard.Movement{HolderID: r.ID, ItemID: it.ID, Day: warehouseDay, Kind: campusguard.Receipt, Delta: delivery,
			Party: "省应急物资储备库", Batch: "CK" + warehouseDay.String(), Expiry: expiry})
		for _, id := range schools {
			if !transfers[id] {
				continue
			}
			q := whole(it, campusguard.Qty(int64(*it.Norm)*int64(heads[id])*2))
			if q > delivery {
				break
			}
			delivery -= q
			to, from := id, r.ID
			add(campusguard.Movement{HolderID: r.ID, ItemID: it.ID, Day: transferDay, Kind: campusguard.TransferOut, Delta: -q,
				CounterpartID: &to, Party: "学校"})
			add(campusguard.Movement{HolderID: id, ItemID: it.ID, Day: transferDay, Kind: campusguard.TransferIn, Delta: q,
				CounterpartID: &from, Party: r.Name})
		}
	}
	return s.LoadSupplyMovements(ctx, r.ID, ms)
}

// DetectLowStockToday opens and closes the low-stock alerts of every
// top-level region as of today in China: a message in the school's and
// the region's inboxes once per item and school until it recovers.
func DetectLowStockToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	ctx = campusguard.SystemContext(ctx, "job supply-low-stock")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if _, _, err := s.DetectLowStock(ctx, r.ID, campusguard.Today(now)); err != nil {
			return fmt.Errorf("low stock of %s: %w", r.Name, err)
		}
	}
	return nil
}

// LoadDemoSupplies adds the demo's supplies to a county built before
// they existed (a prebuilt benchmark city), as the demo would have.
func LoadDemoSupplies(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	return demoSupplies(ctx, s, cfg)
}
