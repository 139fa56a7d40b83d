package models_test

import (
	"context"
	"errors"
	"math/rand"
	"slices"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func TestPercentRoundsHalfUpExactly(t *testing.T) {
	tests := []struct {
		num, den int64
		decimals int
		want     string
	}{
		{734, 735, 2, "99.86%"},   // 四川省 2025 Q1 websites
		{4131, 4133, 2, "99.95%"}, // 四川省 2025 Q1 新媒体
		{209, 212, 1, "98.6%"},
		{48, 51, 0, "94%"},
		{169, 169, 2, "100.00%"},
		{1, 8, 2, "12.50%"},
		{1, 200, 2, "0.50%"},
		{1, 400, 2, "0.25%"},
		{1, 800, 2, "0.13%"}, // 0.125 rounds up
		{0, 5, 1, "0.0%"},
		{0, 0, 2, "—"},
	}
	for _, tt := range tests {
		if got := (models.Rate{Num: tt.num, Den: tt.den}).Percent(tt.decimals); got != tt.want {
			t.Errorf("%d/%d with %d decimals = %s, want %s", tt.num, tt.den, tt.decimals, got, tt.want)
		}
	}
}

func TestOneMonthLaterClampsToTheMonthsEnd(t *testing.T) {
	for in, want := range map[string]string{
		"2025-01-31 10:00": "2025-02-28 10:00", "2024-01-31 10:00": "2024-02-29 10:00",
		"2025-03-25 10:00": "2025-04-25 10:00", "2025-12-15 23:59": "2026-01-15 23:59",
	} {
		if got := models.OneMonthLater(storetest.At(in)).In(models.Shanghai).Format("2006-01-02 15:04"); got != want {
			t.Errorf("%s + 1 month = %s, want %s", in, got, want)
		}
	}
}

// rates is a small world for the rates: the demo, a clock, and its people.
type rates struct {
	t     *testing.T
	s     *models.Store
	clock *storetest.Clock
	u     map[string]*models.User
	codes map[string]string // ticket number → query code
}

func newRates(t *testing.T, start string) *rates { return newRatesWith(t, start, models.Options{}) }

// newRatesWith is newRates on a store opened with opt.
func newRatesWith(t *testing.T, start string, opt models.Options) *rates {
	clock := storetest.NewClock(start)
	s := storetest.OpenWith(t, clock, opt)
	return &rates{t: t, s: s, clock: clock, u: demoUsers(t, s), codes: map[string]string{}}
}

func (r *rates) at(when string) { r.clock.Set(storetest.At(when)) }

func (r *rates) report(url string) string {
	r.t.Helper()
	sub := submit(r.t, r.s, url)
	r.codes[sub.Ticket.TicketNo] = sub.QueryCode
	return sub.Ticket.TicketNo
}

func (r *rates) act(user, no string, a models.Action) {
	r.t.Helper()
	if _, err := r.s.Act(context.Background(), r.u[user], no, a); err != nil {
		r.t.Fatalf("%s %s on %s: %v", user, a.Kind, no, err)
	}
}

func (r *rates) close(no string, confirmed bool) {
	r.act("gzw-staff", no, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: confirmed})
	r.act("gzw-reviewer", no, models.Action{Kind: models.ActApprove})
}

func (r *rates) stats(sc models.Scope, from, to, asOf string) models.Counts {
	r.t.Helper()
	p, err := models.ParsePeriod("", from, to, r.clock.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	cells, err := r.s.CompletionStats(context.Background(), models.StatsQuery{Scope: sc, Period: p, AsOf: storetest.At(asOf)})
	if err != nil {
		r.t.Fatal(err)
	}
	var c models.Counts
	for _, cell := range cells {
		c.Plus(cell.Counts)
	}
	return c
}

// The cases of issue 5, each computed by hand, all 国资委 tickets received in March 2025.
func TestRatesHandComputed(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	all := models.Scope{All: true}

	// 1. Extended and closed inside the extension: on time. Deadline Fri 03-28 + 2 = Tue 04-01.
	extended := r.report("https://gzw.sc.gov.cn/1.html")
	r.at("2025-03-26 10:00")
	r.act("gzw-staff", extended, models.Action{Kind: models.ActExtension, Days: 2, Text: "需协调"})
	r.act("sc-supervisor", extended, models.Action{Kind: models.ActDecide, Approve: true})
	r.at("2025-03-31 15:00")
	r.close(extended, true)

	// 2. Returned and reassigned to the 省政府办公厅, closed on its new deadline's day.
	r.at("2025-03-25 10:00")
	returned := r.report("https://gzw.sc.gov.cn/2.html")
	r.at("2025-03-25 11:00")
	r.act("gzw-staff", returned, models.Action{Kind: models.ActReturn, Text: "不是本单位网站"})
	r.act("sc-supervisor", returned, models.Action{Kind: models.ActDecide, Approve: true})
	units, _ := r.s.Units(context.Background(), all)
	var office int64
	for _, u := range units {
		if u.Name == "四川省人民政府办公厅" {
			office = u.ID
		}
	}
	r.at("2025-03-26 09:00") // reassigned Wed: deadline Mon 03-31
	r.act("sc-supervisor", returned, models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: office}})
	r.at("2025-03-31 16:00")
	r.act("scgov-staff", returned, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。"})
	r.act("scgov-reviewer", returned, models.Action{Kind: models.ActApprove})

	// 3. Invalid: out of the population.
	r.at("2025-03-25 10:00")
	invalid := r.report("https://gzw.sc.gov.cn/3.html")
	r.act("sc-supervisor", invalid, models.Action{Kind: models.ActInvalidate, Text: "重复留言"})

	// 4. Open and not yet due at the report time: in neither (received 03-31, due 04-03).
	r.at("2025-03-31 10:00")
	r.report("https://gzw.sc.gov.cn/4.html")

	// 5. Open and overdue: against (received 03-25, due 03-28).
	r.at("2025-03-25 10:00")
	r.report("https://gzw.sc.gov.cn/5.html")

	// 6. Closed exactly at the deadline's second: on time.
	exact := r.report("https://gzw.sc.gov.cn/6.html")
	r.at("2025-03-28 23:59:59")
	r.close(exact, false)

	// 7. Across 清明: received Wed 04-02, due Tue 04-08 (04-04 holiday, then the weekend); closed
	//    Mon 04-07, on time, in 3 working days (04-03, 04-07 — 04-07 is the second; count them).
	r.at("2025-04-02 10:00")
	holiday := r.report("https://gzw.sc.gov.cn/7.html")
	r.at("2025-04-07 10:00")
	r.close(holiday, true)

	// 8. Closed a second late.
	r.at("2025-03-25 10:00")
	late := r.report("https://gzw.sc.gov.cn/8.html")
	r.at("2025-03-29 00:00:00")
	r.close(late, false)

	r.at("2025-04-09 12:00")
	got := r.stats(all, "2025-03-01", "2025-04-30", "2025-04-02 00:00:00")
	// As of 04-02 00:00: received 7 (not yet #7), invalid 1, valid 6; closed: 1, 2, 6, 8 = 4;
	// due: the closed 4 + #5 (due 03-28) = 5, #4 (due 04-03) not; on time: 1, 2, 6 = 3; overdue now: #5.
	want := models.Counts{Received: 7, Invalid: 1, Valid: 6, Closed: 4, Due: 5, OnTime: 3, OverdueNow: 1, LateClosed: 1, Confirmed: 1}
	got.HandlingDays = 0
	if got != want {
		t.Fatalf("as of 04-02:\n got  %+v\n want %+v", got, want)
	}
	if rate := got.OnTimeRate().Percent(2); rate != "60.00%" {
		t.Fatalf("按期办结率 %s", rate)
	}
	if rate := got.CompletionRate().Percent(2); rate != "66.67%" {
		t.Fatalf("办结率 %s", rate)
	}
	got = r.stats(all, "2025-03-01", "2025-04-30", "2025-04-09 12:00:00")
	// Now #7 is in, closed on time after 清明; #4 is overdue since 04-03: due = 5 closed + 2 overdue.
	want = models.Counts{Received: 8, Invalid: 1, Valid: 7, Closed: 5, Due: 7, OnTime: 4, OverdueNow: 2, LateClosed: 1, Confirmed: 2}
	handling := got.HandlingDays
	got.HandlingDays = 0
	if got != want {
		t.Fatalf("as of 04-09:\n got  %+v\n want %+v", got, want)
	}
	// Working days from receipt to closing: #1 03-25→03-31: 4; #2 03-25→03-31: 4; #6 03-25→03-28: 3;
	// #8 03-25→03-29 (Sat): 3; #7 04-02→04-07: 2 (04-03, 04-07).
	if handling != 16 {
		t.Fatalf("handling days %d, want 16", handling)
	}
}

// A rate computed as of a moment gives the same answer after later events; and the database's
// count of rows gives what a replay of every ticket's events gives.
func TestRatesAsOfAreStableAndEqualTheReplay(t *testing.T) {
	r := newRates(t, "2025-03-03 09:00:00")
	rng := rand.New(rand.NewSource(7))
	var nos []string
	pages := []string{"https://gzw.sc.gov.cn/", "https://www.sc.gov.cn/", "https://unknown.example.cn/", "https://www.chengdu.gov.cn/"}
	for day := 0; day < 30; day++ {
		r.clock.Set(storetest.At("2025-03-03 09:00").AddDate(0, 0, day))
		for i := 0; i < 4; i++ {
			r.clock.Advance(time.Duration(rng.Intn(300)) * time.Minute / 10)
			nos = append(nos, r.report(pages[rng.Intn(len(pages))]+"p"+time.Now().Format("150405.000000")))
		}
		for _, no := range nos {
			if rng.Intn(5) != 0 {
				continue
			}
			r.clock.Advance(time.Minute)
			randomAction(r, no, rng)
		}
	}
	all := models.Scope{All: true}
	mid := "2025-03-20 12:00:00"
	before := r.stats(all, "2025-03-01", "2025-03-31", mid)
	// More happens after mid.
	r.clock.Set(storetest.At("2025-04-10 09:00"))
	for _, no := range nos {
		randomAction(r, no, rng)
	}
	if after := r.stats(all, "2025-03-01", "2025-03-31", mid); after != before {
		t.Fatalf("as of %s, before later events %+v, after %+v", mid, before, after)
	}
	now := r.stats(all, "2025-03-01", "2025-03-31", "2025-04-10 09:00:00")
	// Mark every ticket changed in the future: all are replayed from events now.
	if _, err := r.s.SQLDB().Exec("UPDATE tickets SET updated_at = ?", storetest.At("2030-01-01 00:00").UTC()); err != nil {
		t.Fatal(err)
	}
	if replayed := r.stats(all, "2025-03-01", "2025-03-31", "2025-04-10 09:00:00"); replayed != now {
		t.Fatalf("rows and replay differ:\n rows   %+v\n replay %+v", now, replayed)
	}
	if now.Received < 100 || now.Closed == 0 || now.OnTime == 0 || now.LateClosed == 0 || now.OverdueNow == 0 || now.Invalid == 0 || now.Rated == 0 {
		t.Fatalf("the random history exercised too little: %+v", now)
	}
}

// randomAction does something the ticket's state allows, by whoever may.
func randomAction(r *rates, no string, rng *rand.Rand) {
	tk, err := r.s.Ticket(context.Background(), models.Scope{All: true}, no)
	if err != nil {
		r.t.Fatal(err)
	}
	staff, reviewer := "gzw-staff", "gzw-reviewer"
	if tk.UnitID != nil {
		var name string
		r.s.SQLDB().QueryRow("SELECT name FROM units WHERE id = ?", *tk.UnitID).Scan(&name)
		switch name {
		case "四川省人民政府办公厅":
			staff, reviewer = "scgov-staff", "scgov-reviewer"
		case "四川省政府国有资产监督管理委员会":
		default:
			staff, reviewer = "", "" // no demo staff there: only the supervisor acts
		}
	}
	try := func(user string, a models.Action) {
		if user != "" {
			r.s.Act(context.Background(), r.u[user], no, a) // refusals are fine: the state decides
		}
	}
	switch tk.Status {
	case models.StatusTriage:
		units, _ := r.s.Units(context.Background(), models.Scope{All: true})
		if rng.Intn(4) == 0 {
			try("sc-supervisor", models.Action{Kind: models.ActInvalidate, Text: "非政府网站"})
		} else {
			try("sc-supervisor", models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: units[rng.Intn(2)].ID}})
		}
	case models.StatusAssigned, models.StatusProcessing:
		switch rng.Intn(4) {
		case 0:
			try(staff, models.Action{Kind: models.ActExtension, Days: 1 + rng.Intn(5), Text: "需要时间"})
			try("sc-supervisor", models.Action{Kind: models.ActDecide, Approve: rng.Intn(2) == 0})
		default:
			try(staff, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: rng.Intn(2) == 0})
		}
	case models.StatusReviewing:
		try(reviewer, models.Action{Kind: models.ActApprove})
	case models.StatusClosed:
		if tk.Rating == "" {
			ratings := []string{models.RatingSatisfied, models.RatingBasically, models.RatingUnhappy}
			r.s.RateReport(context.Background(), no, r.codes[no], models.CitizenRating{Rating: ratings[rng.Intn(3)]})
		} else if tk.Rating == models.RatingUnhappy {
			try("sc-supervisor", models.Action{Kind: models.ActReopen, Text: "留言人不满意"})
		}
	}
}

// Summing the units' figures gives the region's: the per-unit table and the region's line agree.
func TestUnitsSumToTheirRegion(t *testing.T) {
	r := newRates(t, "2025-03-03 09:00:00")
	rng := rand.New(rand.NewSource(11))
	pages := []string{"https://gzw.sc.gov.cn/", "https://www.sc.gov.cn/", "https://www.chengdu.gov.cn/", "https://www.my.gov.cn/"}
	for i := 0; i < 60; i++ {
		r.clock.Advance(time.Duration(rng.Intn(600)) * time.Minute)
		no := r.report(pages[rng.Intn(len(pages))] + "x" + string(rune('a'+i%26)) + time.Now().Format(".000000"))
		if rng.Intn(2) == 0 {
			randomAction(r, no, rng)
			randomAction(r, no, rng)
		}
	}
	ctx := context.Background()
	p, _ := models.ParsePeriod("", "2025-03-01", "2025-04-30", r.clock.Now())
	province, _ := r.s.ScopeOf(ctx, r.u["sc-supervisor"])
	cells, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: province, Period: p, AsOf: r.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	perUnit := map[int64]models.Counts{}
	var sum models.Counts
	for _, c := range cells {
		u := perUnit[c.UnitID]
		u.Plus(c.Counts)
		perUnit[c.UnitID] = u
		sum.Plus(c.Counts)
	}
	// Each unit asked on its own, and the region asked as a whole, agree with the table.
	var total models.Counts
	for unit, want := range perUnit {
		if unit == 0 {
			total.Plus(want) // tickets with no unit (triage)
			continue
		}
		cs, _ := r.s.CompletionStats(ctx, models.StatsQuery{Scope: province, Selection: models.Selection{UnitID: unit}, Period: p, AsOf: r.clock.Now()})
		var got models.Counts
		for _, c := range cs {
			got.Plus(c.Counts)
		}
		if got != want {
			t.Fatalf("unit %d alone %+v, in the table %+v", unit, got, want)
		}
		total.Plus(got)
	}
	if total != sum || sum.Received != 60 {
		t.Fatalf("units sum to %+v, the region has %+v", total, sum)
	}
	// 成都's subtree is the 成都 units' sum.
	chengdu, _ := r.s.ScopeOf(ctx, r.u["cd-supervisor"])
	cs, _ := r.s.CompletionStats(ctx, models.StatsQuery{Scope: chengdu, Period: p, AsOf: r.clock.Now()})
	var cd models.Counts
	for _, c := range cs {
		cd.Plus(c.Counts)
	}
	if cd.Received == 0 || cd.Received >= sum.Received {
		t.Fatalf("成都 %d of %d", cd.Received, sum.Received)
	}
}

// Every number links to the tickets behind it: each metric's list has as many tickets as its count.
func TestEveryNumberHasItsList(t *testing.T) {
	r := newRates(t, "2025-03-03 09:00:00")
	rng := rand.New(rand.NewSource(3))
	pages := []string{"https://gzw.sc.gov.cn/", "https://www.sc.gov.cn/", "https://unknown.example.cn/"}
	for day := 0; day < 25; day++ {
		r.clock.Set(storetest.At("2025-03-03 09:00").AddDate(0, 0, day))
		for i := 0; i < 3; i++ {
			no := r.report(pages[rng.Intn(len(pages))] + time.Now().Format("p150405.000000"))
			for k := 0; k < rng.Intn(4); k++ {
				r.clock.Advance(time.Duration(rng.Intn(9000)) * time.Minute)
				randomAction(r, no, rng)
			}
			r.clock.Set(storetest.At("2025-03-03 09:00").AddDate(0, 0, day))
		}
	}
	r.clock.Set(storetest.At("2025-04-20 10:00"))
	all := models.Scope{All: true}
	c := r.stats(all, "2025-03-01", "2025-03-31", "2025-04-20 10:00:00")
	want := map[string]int64{"received": c.Received, "valid": c.Valid, "invalid": c.Invalid, "closed": c.Closed, "due": c.Due,
		"on_time": c.OnTime, "overdue": c.OverdueNow, "late": c.LateClosed, "over_month": c.ClosedOverMonth,
		"open_over_month": c.OpenOverMonth, "confirmed": c.Confirmed, "rated": c.Rated, "satisfied": c.Satisfied}
	for metric, n := range want {
		_, total, err := r.s.ListTickets(context.Background(), all, models.TicketFilter{Metric: metric,
			From: storetest.At("2025-03-01 00:00"), To: storetest.At("2025-04-01 00:00")})
		if err != nil || total != n {
			t.Errorf("%s: the list has %d tickets, the count is %d (%v)", metric, total, n, err)
		}
	}
	if c.OpenOverMonth == 0 || c.LateClosed == 0 || c.OnTime == 0 {
		t.Fatalf("the history exercised too little: %+v", c)
	}
}

// The flow counts receipts and closings by the week they happened in, where the ticket stood
// then: a closing, a reopening and a second closing are two closings. Over a long period it
// counts by the month.
func TestTicketFlowCountsReceiptsAndClosingsPerWeekOrMonth(t *testing.T) {
	r := newRates(t, "2025-03-04 10:00:00") // a Tuesday
	first := r.report("https://gzw.sc.gov.cn/1.html")
	r.report("https://gzw.sc.gov.cn/2.html")
	r.at("2025-03-06 10:00")
	r.close(first, true)
	r.at("2025-03-11 10:00") // the next week
	third := r.report("https://gzw.sc.gov.cn/3.html")
	r.report("https://www.sc.gov.cn/4.html") // 省政府办公厅: outside the 国资委's unit scope
	if _, err := r.s.RateReport(context.Background(), first, r.codes[first], models.CitizenRating{Rating: models.RatingUnhappy}); err != nil {
		t.Fatal(err)
	}
	r.act("sc-supervisor", first, models.Action{Kind: models.ActReopen, Text: "请重新核实"})
	r.at("2025-03-12 10:00")
	r.close(first, true)
	r.close(third, false)

	p, err := models.ParsePeriod("", "2025-03-01", "2025-03-31", r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name               string
		scope              models.Scope
		received, closings []int64
	}{
		{"province", models.Scope{All: true}, []int64{0, 2, 2, 0, 0, 0}, []int64{0, 1, 2, 0, 0, 0}},
		{"国资委", models.Scope{UnitID: *r.u["gzw-staff"].UnitID}, []int64{0, 2, 1, 0, 0, 0}, []int64{0, 1, 2, 0, 0, 0}},
	} {
		f, err := r.s.TicketFlow(context.Background(), models.StatsQuery{Scope: c.scope, Period: p})
		if err != nil {
			t.Fatal(err)
		}
		if f.Monthly || len(f.Starts) != 6 || f.Starts[0].String() != "2025-02-24" || f.Starts[5].String() != "2025-03-31" {
			t.Fatalf("%s: weeks %v", c.name, f.Starts)
		}
		if !slices.Equal(f.Received, c.received) || !slices.Equal(f.Closed, c.closings) {
			t.Errorf("%s: received %v closed %v, want %v %v", c.name, f.Received, f.Closed, c.received, c.closings)
		}
	}
	// Asked in the middle of the period, the flow stops at the week of "as of".
	asOf := storetest.At("2025-03-12 18:00")
	f, err := r.s.TicketFlow(context.Background(), models.StatsQuery{Scope: models.Scope{All: true}, Period: p, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Starts) != 3 || f.Starts[2].String() != "2025-03-10" || !slices.Equal(f.Received, []int64{0, 2, 2}) || !slices.Equal(f.Closed, []int64{0, 1, 2}) {
		t.Fatalf("as of %v: weeks %v received %v closed %v", asOf, f.Starts, f.Received, f.Closed)
	}

	// Over more than 60 weeks the flow is counted by the month: five years are 60 points, not 261.
	long, err := models.ParsePeriod("", "2020-03-26", "2025-03-25", r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	f, err = r.s.TicketFlow(context.Background(), models.StatsQuery{Scope: models.Scope{All: true}, Period: long, AsOf: r.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	n := len(f.Starts)
	if !f.Monthly || n != 61 || f.Starts[0].String() != "2020-03-01" || f.Starts[n-1].String() != "2025-03-01" ||
		f.Received[n-1] != 4 || f.Closed[n-1] != 3 || slices.Max(f.Received[:n-1]) != 0 {
		t.Fatalf("five years: monthly %v, %d months from %v, received %v closed %v", f.Monthly, n, f.Starts[0], f.Received, f.Closed)
	}
}

// The dashboard, whose queries run side by side, is the sum of its parts asked one by one.
func TestDashboardIsItsParts(t *testing.T) {
	r := newRates(t, "2025-02-10 10:00:00")
	ctx := context.Background()
	r.report("https://gzw.sc.gov.cn/feb.html")
	r.at("2025-03-04 10:00")
	march := r.report("https://gzw.sc.gov.cn/mar.html")
	r.report("https://www.sc.gov.cn/mar.html")
	r.at("2025-03-05 10:00")
	r.close(march, true)
	province, _ := r.s.ScopeOf(ctx, r.u["sc-supervisor"])
	p, _ := models.ParsePeriod("month", "", "", r.clock.Now())
	q := models.StatsQuery{Scope: province, Period: p, AsOf: r.clock.Now()}
	groups := []string{"region", "unit", "category"}
	d, err := r.s.Dashboard(ctx, q, groups, province.RegionPath)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range groups {
		alone, err := r.s.CompletionTable(ctx, q, g, province.RegionPath)
		if err != nil {
			t.Fatal(err)
		}
		if d.Tables[i].GroupBy != g || d.Tables[i].Total != alone.Total || len(d.Tables[i].Rows) != len(alone.Rows) {
			t.Fatalf("%s: dashboard %+v, alone %+v", g, d.Tables[i].Total, alone.Total)
		}
	}
	if d.Tables[0].Total.Received != 2 || d.Tables[0].Total.Closed != 1 || d.Previous.Received != 1 {
		t.Fatalf("March %+v, February %+v", d.Tables[0].Total, d.Previous)
	}
	if sum := slices.Max(d.Flow.Received); sum != 2 || slices.Max(d.Flow.Closed) != 1 {
		t.Fatalf("weekly flow: received %v closed %v", d.Flow.Received, d.Flow.Closed)
	}
	// A request that went away takes its work with it, and says why.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.s.Dashboard(gone, q, groups, province.RegionPath); !errors.Is(err, context.Canceled) {
		t.Fatalf("the dashboard of a request gone: %v, want context.Canceled", err)
	}
}

// Periods and report times are bounded, so one request's work is: a custom period of at most
// five years, nothing before 2000, no period starting more than a year ahead, no report time
// more than a day ahead. Each refusal names its field.
func TestPeriodsAndReportTimesAreBounded(t *testing.T) {
	now := storetest.At("2025-03-25 10:00")
	for _, c := range []struct {
		kind, from, to string
		field          string // "" when allowed
	}{
		{"", "2020-03-26", "2025-03-25", ""}, // five years to the day: the widest allowed
		{"", "2020-03-25", "2025-03-25", "to"},
		{"", "0001-01-01", "9999-12-31", "from"},
		{"", "1999-12-31", "2000-01-31", "from"},
		{"", "2000-01-01", "2000-01-31", ""},
		{"", "2026-03-25", "2026-03-31", ""},
		{"", "2026-03-27", "2026-03-31", "from"},
		{"1999", "", "", "period"},
		{"0001-01", "", "", "period"},
		{"9999-12", "", "", "period"},
		{"2099Q1", "", "", "period"},
		{"2026", "", "", ""},
		{"2000Q1", "", "", ""},
		{"year", "", "", ""},
	} {
		_, err := models.ParsePeriod(c.kind, c.from, c.to, now)
		if got := models.ErrorField(err); got != c.field || (c.field != "" && models.ErrorKind(err) != models.KindInvalid) {
			t.Errorf("period %q %s–%s: %v (field %q), want field %q", c.kind, c.from, c.to, err, got, c.field)
		}
	}
	for _, c := range []struct {
		asOf string
		ok   bool
	}{
		{"2025-03-25T10:00:00+08:00", true},
		{"2000-01-01T00:00:00+08:00", true},
		{"2026-03-26T09:59:59+08:00", false},
		{"2025-03-26T09:59:59+08:00", true}, // a day ahead: a client's clock, its end of today
		{"2025-03-26T10:00:01+08:00", false},
		{"9999-12-31T00:00:00Z", false},
		{"1999-12-31T23:59:59+08:00", false},
		{"0001-01-01T00:00:00Z", false},
		{"yesterday", false},
	} {
		_, err := models.ParseAsOf(c.asOf, now)
		if (err == nil) != c.ok || (err != nil && models.ErrorField(err) != "as_of") {
			t.Errorf("as_of %s: %v, want allowed %v", c.asOf, err, c.ok)
		}
	}
}
