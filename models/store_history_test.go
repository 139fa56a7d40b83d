package models_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// pastTickets makes n reports received in [from, to) on the sites of the two units whose people
// the demo has, each ending another way: open (some overdue by to), closed in time or late,
// confirmed or not, rated (any rating) or not, made invalid.
func pastTickets(t *testing.T, s *models.Store, rng *rand.Rand, n int, from, to time.Time) []models.PastTicket {
	t.Helper()
	cats, err := s.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	span := to.Sub(from)
	var past []models.PastTicket
	for i := 0; i < n; i++ {
		host := []string{"https://gzw.sc.gov.cn/", "https://www.sc.gov.cn/"}[rng.Intn(2)]
		received := from.Add(time.Duration(rng.Int63n(int64(span * 3 / 4)))).Truncate(time.Second)
		p := models.PastTicket{PageURL: fmt.Sprintf("%shistory/%d.html", host, i), Category: cats[rng.Intn(len(cats))].Name,
			Description: "页面上的链接打不开，显示找不到网页。", ReceivedAt: received, Outcome: models.StatusAssigned}
		closed := received.Add(time.Duration(1+rng.Intn(240)) * time.Hour) // within a working week or well after it
		switch k := i % 6; {
		case k == 0 || closed.After(to):
		case k == 1:
			p.Outcome, p.ClosedAt = models.StatusInvalid, received.Add(time.Duration(rng.Intn(48))*time.Hour)
		default:
			p.Outcome, p.ClosedAt, p.Confirmed = models.StatusClosed, closed, rng.Intn(2) == 0
			if rated := closed.Add(time.Duration(1+rng.Intn(72)) * time.Hour); k >= 4 && rated.Before(to) {
				p.Rating, p.RatedAt = []string{models.RatingSatisfied, models.RatingBasically, models.RatingUnhappy}[rng.Intn(3)], rated
			}
		}
		past = append(past, p)
	}
	return past
}

// fileThroughWorkflow files past tickets one action at a time, as people would, at the moments
// they give: the citizen reports and rates, the unit's staff reply and its reviewer approves, the
// supervisor makes invalid. It returns the tickets' numbers, in the order given.
func fileThroughWorkflow(r *rates, past []models.PastTicket) []string {
	r.t.Helper()
	ctx := context.Background()
	type step struct {
		at    time.Time
		phase int // receipt, closing, rating: in this order at the same moment
		i     int
	}
	var steps []step
	for i, p := range past {
		steps = append(steps, step{p.ReceivedAt, 0, i})
		if p.Outcome != models.StatusAssigned {
			steps = append(steps, step{p.ClosedAt, 1, i})
		}
		if p.Rating != "" {
			steps = append(steps, step{p.RatedAt, 2, i})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.phase, b.phase))
	})
	nos := make([]string, len(past))
	codes := map[string]string{}
	for _, st := range steps {
		p := past[st.i]
		r.clock.Set(st.at)
		unit := map[bool]string{true: "gzw", false: "scgov"}[strings.HasPrefix(p.PageURL, "https://gzw.")]
		switch st.phase {
		case 0:
			sub, err := r.s.SubmitReport(ctx, models.Report{PageURL: p.PageURL, Category: p.Category, Description: p.Description})
			if err != nil {
				r.t.Fatal(err)
			}
			nos[st.i], codes[sub.Ticket.TicketNo] = sub.Ticket.TicketNo, sub.QueryCode
		case 1:
			if p.Outcome == models.StatusInvalid {
				r.act("sc-supervisor", nos[st.i], models.Action{Kind: models.ActInvalidate, Text: "经核实，反映的问题不属实。"})
				continue
			}
			r.act(unit+"-staff", nos[st.i], models.Action{Kind: models.ActReply, Text: "经核实，该问题已整改完毕，感谢您的留言。", Confirmed: p.Confirmed})
			r.act(unit+"-reviewer", nos[st.i], models.Action{Kind: models.ActApprove})
		case 2:
			if _, err := r.s.RateReport(ctx, nos[st.i], codes[nos[st.i]], models.CitizenRating{Rating: p.Rating}); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	return nos
}

// A history written in bulk is what the workflow writes: the same reports, filed one action at a
// time in one database and written as a history in another, leave the same ticket rows (but for
// their numbers, query codes and the people who acted), the same events, and the same rates, from
// the rows, the events and the rollups, at the end and as of moments inside the history.
func TestHistoryIsWhatTheWorkflowWrites(t *testing.T) {
	ctx := context.Background()
	from, to := storetest.At("2025-01-06 09:00"), storetest.At("2025-03-20 18:00")
	filed := newRates(t, "2025-01-06 09:00:00")
	past := pastTickets(t, filed.s, rand.New(rand.NewSource(17)), 60, from, to)
	filedNos := fileThroughWorkflow(filed, past)
	filed.clock.Set(to)

	hist := newRates(t, "2025-03-20 18:00:00")
	nos, err := hist.s.WriteHistory(ctx, past)
	if err != nil {
		t.Fatal(err)
	}
	if len(nos) != len(past) {
		t.Fatalf("%d numbers for %d tickets", len(nos), len(past))
	}
	all := models.Scope{All: true}
	outcomes := map[string]int{}
	for i := range past {
		want, err := filed.s.Ticket(ctx, all, filedNos[i])
		if err != nil {
			t.Fatal(err)
		}
		got, err := hist.s.Ticket(ctx, all, nos[i])
		if err != nil {
			t.Fatal(err)
		}
		outcomes[got.Status]++
		if got.Rating != "" {
			outcomes["rated"]++
		}
		wantEvents, err := filed.s.TicketEvents(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotEvents, err := hist.s.TicketEvents(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Facts read from the row are those the events replay to: what the rates rely on.
		if f, _ := models.FactsAsOf(gotEvents, to, got.CategoryID); !reflect.DeepEqual(f, models.FactsOfTicket(got)) {
			t.Errorf("%s: the row's facts %+v, the events' %+v", got.TicketNo, models.FactsOfTicket(got), f)
		}
		if (want.RepliedBy != nil) != (got.Status == models.StatusClosed) || got.RepliedBy != nil {
			t.Errorf("%s: replied by %v; the workflow's by %v", got.TicketNo, got.RepliedBy, want.RepliedBy)
		}
		if got.QueryCodeHash == want.QueryCodeHash || len(got.QueryCodeHash) != len(want.QueryCodeHash) {
			t.Errorf("%s: query code hash %q", got.TicketNo, got.QueryCodeHash)
		}
		for _, tk := range []*models.Ticket{want, got} {
			tk.ID, tk.TicketNo, tk.QueryCodeHash, tk.RepliedBy = 0, "", "", nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ticket %d:\n history  %+v\n workflow %+v", i, *got, *want)
		}
		for _, evs := range [][]models.TicketEvent{wantEvents, gotEvents} {
			for j := range evs {
				evs[j].ID, evs[j].TicketID, evs[j].ActorID = 0, 0, nil
			}
		}
		if !reflect.DeepEqual(gotEvents, wantEvents) {
			t.Errorf("ticket %d's events:\n history  %+v\n workflow %+v", i, gotEvents, wantEvents)
		}
	}
	if outcomes[models.StatusAssigned] == 0 || outcomes[models.StatusClosed] == 0 || outcomes[models.StatusInvalid] == 0 || outcomes["rated"] == 0 {
		t.Fatalf("the history exercised too little: %v", outcomes)
	}

	// The rates: from the rows and events alone (GroupBy ""), and from the rollups for whole
	// months, once both databases have built them.
	for _, r := range []*rates{filed, hist} {
		if _, err := r.s.RebuildRateRollups(ctx); err != nil {
			t.Fatal(err)
		}
	}
	province, _ := filed.s.ScopeOf(ctx, filed.u["sc-supervisor"])
	for _, span := range [][2]string{{"2025-01-01", "2025-03-31"}, {"2025-01-01", "2025-02-28"}, {"2025-01-10", "2025-02-20"}} {
		p, err := models.ParsePeriod("", span[0], span[1], to)
		if err != nil {
			t.Fatal(err)
		}
		for _, asOf := range []time.Time{to, storetest.At("2025-02-14 12:00"), storetest.At("2025-03-03 08:30")} {
			for _, g := range []string{"", "unit", "region", "category"} {
				q := models.StatsQuery{Scope: province, Period: p, AsOf: asOf, GroupBy: g}
				want, err := filed.s.CompletionStats(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := hist.s.CompletionStats(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				key := cmp.Or(g, "unit")
				if w, h := byDimension(want, key), byDimension(got, key); !reflect.DeepEqual(h, w) {
					t.Errorf("%s as of %s by %q:\n history  %+v\n workflow %+v", p.Label, asOf.In(models.Shanghai).Format(time.DateTime), g, h, w)
				}
				if g == "" && asOf.Equal(to) {
					var received int64
					for _, c := range got {
						received += c.Received
					}
					if n, err := hist.s.CountReceived(ctx, p.From, p.To); err != nil || n != received {
						t.Errorf("%s: CountReceived %d (%v), the rates received %d", p.Label, n, err, received)
					}
				}
			}
		}
	}

	// The load tests' worst case of the rollup task: every month counted again, not only the
	// changed ones (none here), and the same rollups as before.
	if n, err := hist.s.RebuildRateRollups(ctx); err != nil || n != 0 {
		t.Fatalf("a build with nothing changed counted %d months (%v)", n, err)
	}
	months := map[string]bool{}
	for _, p := range past {
		months[p.ReceivedAt.In(models.Shanghai).Format("2006-01")] = true
	}
	if n, err := hist.s.RecountRateRollups(ctx); err != nil || n != len(months) {
		t.Fatalf("the recount counted %d months (%v), want %d", n, err, len(months))
	}
	p, _ := models.ParsePeriod("2025Q1", "", "", to)
	q := models.StatsQuery{Scope: province, Period: p, AsOf: to, GroupBy: "region"}
	want, _ := filed.s.CompletionStats(ctx, q)
	got, err := hist.s.CompletionStats(ctx, q)
	if err != nil || !reflect.DeepEqual(byDimension(got, "region"), byDimension(want, "region")) {
		t.Fatalf("after the recount (%v):\n history  %+v\n workflow %+v", err, got, want)
	}
}

// A history that could not have happened is refused whole: nothing is written.
func TestHistoryRefusesWhatCannotHaveHappened(t *testing.T) {
	ctx := context.Background()
	r := newRates(t, "2025-03-20 18:00:00")
	good := models.PastTicket{PageURL: "https://gzw.sc.gov.cn/a.html", Category: "链接不可用", Description: "页面上的链接打不开，显示找不到网页。",
		ReceivedAt: storetest.At("2025-03-03 10:00"), Outcome: models.StatusClosed, ClosedAt: storetest.At("2025-03-04 10:00")}
	for _, c := range []struct {
		name  string
		spoil func(p *models.PastTicket)
	}{
		{"a page of no registered site", func(p *models.PastTicket) { p.PageURL = "https://unknown.example.cn/a.html" }},
		{"no such category", func(p *models.PastTicket) { p.Category = "没有这一类" }},
		{"closed before it came", func(p *models.PastTicket) { p.ClosedAt = p.ReceivedAt.Add(-time.Hour) }},
		{"rated before it was closed", func(p *models.PastTicket) { p.Rating, p.RatedAt = models.RatingSatisfied, p.ClosedAt.Add(-time.Minute) }},
		{"an open ticket rated", func(p *models.PastTicket) {
			p.Outcome, p.Rating, p.RatedAt = models.StatusAssigned, models.RatingSatisfied, p.ClosedAt
		}},
		{"an unknown outcome", func(p *models.PastTicket) { p.Outcome = models.StatusReviewing }},
		{"a description too short", func(p *models.PastTicket) { p.Description = "打不开" }},
	} {
		bad := good
		c.spoil(&bad)
		if _, err := r.s.WriteHistory(ctx, []models.PastTicket{good, bad}); models.ErrorKind(err) != models.KindInvalid {
			t.Errorf("%s: %v, want invalid", c.name, err)
		}
	}
	if n, err := r.s.CountTickets(ctx); err != nil || n != 0 {
		t.Fatalf("%d tickets written by refused histories (%v)", n, err)
	}
}
