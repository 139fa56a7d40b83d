package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// byDimension counts cells per unit, region or category.
func byDimension(cells []models.StatsCell, groupBy string) map[int64]models.Counts {
	out := map[int64]models.Counts{}
	for _, c := range cells {
		k := map[string]int64{"unit": c.UnitID, "region": c.RegionID, "category": c.CategoryID}[groupBy]
		sum := out[k]
		sum.Plus(c.Counts)
		out[k] = sum
	}
	return out
}

// The rates read from the monthly rollups (corrected by the tickets changed since they were built)
// are what the tickets give: per unit, region and category, in every scope, before and after
// more changes and an incremental rebuild, now and as of a moment before the build.
func TestRollupsGiveWhatTheTicketsGive(t *testing.T) {
	r := newRates(t, "2025-01-06 09:00:00")
	ctx := context.Background()
	rng := rand.New(rand.NewSource(5))
	pages := []string{"https://gzw.sc.gov.cn/", "https://www.sc.gov.cn/", "https://unknown.example.cn/", "https://www.chengdu.gov.cn/"}
	var nos []string
	busy := func(days int) {
		for d := 0; d < days; d++ {
			r.clock.Advance(24 * time.Hour)
			for i := 0; i < 3; i++ {
				r.clock.Advance(time.Duration(rng.Intn(120)) * time.Minute)
				nos = append(nos, r.report(fmt.Sprintf("%sp%d.html", pages[rng.Intn(len(pages))], len(nos))))
			}
			for _, no := range nos {
				if rng.Intn(6) == 0 {
					r.clock.Advance(time.Minute)
					randomAction(r, no, rng)
				}
			}
		}
	}
	busy(60) // into early March
	if n, err := r.s.RebuildRateRollups(ctx); err != nil || n < 3 {
		t.Fatalf("first build: %d months, %v", n, err)
	}
	built := r.clock.Now()
	busy(20) // changes to old tickets and new ones after the build

	province, _ := r.s.ScopeOf(ctx, r.u["sc-supervisor"])
	chengdu, _ := r.s.ScopeOf(ctx, r.u["cd-supervisor"])
	gzw, _ := r.s.ScopeOf(ctx, r.u["gzw-staff"])
	// Whole months with a partial one at the end; edge months mostly inside the period (the
	// rollups count them whole and the days outside are taken away); days inside one month.
	var periods []models.Period
	for _, span := range [][2]string{{"2025-01-01", "2025-04-15"}, {"2025-01-03", "2025-03-28"}, {"2025-02-03", "2025-02-26"}, {"2025-02-10", "2025-02-20"}} {
		p, err := models.ParsePeriod("", span[0], span[1], r.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		periods = append(periods, p)
	}
	check := func(when string, asOf time.Time) {
		t.Helper()
		for _, p := range periods {
			when := when + "，" + p.Label
			for _, sc := range []struct {
				name  string
				scope models.Scope
			}{{"四川省", province}, {"成都市", chengdu}, {"国资委", gzw}} {
				// GroupBy "" reads every ticket: the reference.
				all, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: sc.scope, Period: p, AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				for _, g := range []string{"unit", "region", "category"} {
					got, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: sc.scope, Period: p, AsOf: asOf, GroupBy: g})
					if err != nil {
						t.Fatal(err)
					}
					want, have := byDimension(all, g), byDimension(got, g)
					if len(want) != len(have) {
						t.Fatalf("%s, %s by %s: %d lines, the tickets give %d", when, sc.name, g, len(have), len(want))
					}
					for k, w := range want {
						if have[k] != w {
							t.Fatalf("%s, %s by %s, line %d:\n rollups %+v\n tickets %+v", when, sc.name, g, k, have[k], w)
						}
					}
				}
			}
		}
	}
	check("after the build", r.clock.Now())
	check("as of before the build", built.Add(-48*time.Hour))

	if n, err := r.s.RebuildRateRollups(ctx); err != nil || n == 0 {
		t.Fatalf("incremental build: %d months, %v", n, err)
	}
	r.clock.Advance(time.Hour) // nothing changes: nothing to count again
	if n, err := r.s.RebuildRateRollups(ctx); err != nil || n != 0 {
		t.Fatalf("a build with nothing changed counted %d months, %v", n, err)
	}
	busy(5)
	check("after an incremental build", r.clock.Now())

	// The whole months really come from the rollups: spoiling them shows in the rates.
	if _, err := r.s.SQLDB().Exec("UPDATE rate_rollups SET received = received + 1000 WHERE month = '2025-02'"); err != nil {
		t.Fatal(err)
	}
	p := periods[0]
	got, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: province, Period: p, AsOf: r.clock.Now(), GroupBy: "category"})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := r.s.CompletionStats(ctx, models.StatsQuery{Scope: province, Period: p, AsOf: r.clock.Now()})
	var spoiled, real models.Counts
	for _, c := range got {
		spoiled.Plus(c.Counts)
	}
	for _, c := range all {
		real.Plus(c.Counts)
	}
	if spoiled.Received <= real.Received {
		t.Fatalf("the rollups were not read: %d received either way", real.Received)
	}
	if real.Closed == 0 || real.OverdueNow == 0 || real.Invalid == 0 || real.Rated == 0 {
		t.Fatalf("the random history exercised too little: %+v", real)
	}
}

// A rollup month is the Asia/Shanghai month: a ticket received at 2025-01-31 23:30 Shanghai time
// (15:30 UTC) is January's, and one at 2025-02-01 00:10 (still January 31 in UTC) is February's.
func TestRollupMonthsAreShanghaiMonths(t *testing.T) {
	r := newRates(t, "2025-01-31 23:30:00")
	ctx := context.Background()
	r.report("https://gzw.sc.gov.cn/jan.html")
	r.at("2025-02-01 00:10")
	r.report("https://gzw.sc.gov.cn/feb.html")
	r.clock.Set(storetest.At("2025-03-05 10:00"))
	if _, err := r.s.RebuildRateRollups(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to string }{{"2025-01-01", "2025-01-31"}, {"2025-02-01", "2025-02-28"}} {
		p, _ := models.ParsePeriod("", c.from, c.to, r.clock.Now())
		cells, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: models.Scope{All: true}, Period: p, AsOf: r.clock.Now(), GroupBy: "category"})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, cell := range cells {
			n += cell.Received
		}
		if n != 1 {
			t.Fatalf("%s..%s: %d received, want 1", c.from, c.to, n)
		}
	}
}
