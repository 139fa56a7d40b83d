package models_test

import (
	"context"
	"math/rand"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// reportAs reports a page in a category, leaving an e-mail address when one is given.
func (r *rates) reportAs(url, category, email string) string {
	r.t.Helper()
	rep := validReport()
	rep.PageURL, rep.Category, rep.ContactEmail = url, category, email
	sub, err := r.s.SubmitReport(context.Background(), rep)
	if err != nil {
		r.t.Fatal(err)
	}
	r.codes[sub.Ticket.TicketNo] = sub.QueryCode
	return sub.Ticket.TicketNo
}

func (r *rates) ticket(no string) *models.Ticket {
	r.t.Helper()
	tk, err := r.s.Ticket(context.Background(), models.Scope{All: true}, no)
	if err != nil {
		r.t.Fatal(err)
	}
	return tk
}

// refused does an action that must be refused, and returns the refusal.
func (r *rates) refused(user, no string, a models.Action) error {
	r.t.Helper()
	_, err := r.s.Act(context.Background(), r.u[user], no, a)
	if err == nil {
		r.t.Fatalf("%s %s on %s was allowed", user, a.Kind, no)
	}
	return err
}

// replayed counts as stats does, every ticket replayed from its events instead of read from its
// row: the two must agree.
func (r *rates) replayed(from, to, asOf string) models.Counts {
	r.t.Helper()
	db := r.s.SQLDB()
	rows, err := db.Query("SELECT id, updated_at FROM tickets")
	if err != nil {
		r.t.Fatal(err)
	}
	kept := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at time.Time
		rows.Scan(&id, &at)
		kept[id] = at
	}
	rows.Close()
	if _, err := db.Exec("UPDATE tickets SET updated_at = ?", storetest.At("2030-01-01 00:00").UTC()); err != nil {
		r.t.Fatal(err)
	}
	defer func() {
		for id, at := range kept {
			db.Exec("UPDATE tickets SET updated_at = ? WHERE id = ?", at, id)
		}
	}()
	return r.stats(models.Scope{All: true}, from, to, asOf)
}

// A junk report made 无效 takes nobody's report with it: the genuine reports merged into it at
// receipt are handled on their own again, with a deadline counted from the release, a plain
// explanation on the query page, an e-mail to whoever left an address, reminders, and a place in
// the rates as valid tickets, due and overdue like any other.
func TestDuplicatesOfATicketMadeInvalidAreReleased(t *testing.T) {
	r := newRatesWith(t, "2025-03-25 10:00:00", models.Options{Email: true})
	ctx := context.Background()
	junk := r.report("https://gzw.sc.gov.cn/p.html")
	r.at("2025-03-25 11:00")
	withEmail := r.reportAs("https://gzw.sc.gov.cn/p.html", "链接不可用", "citizen@example.cn")
	r.at("2025-03-26 10:00")
	withoutEmail := r.report("https://GZW.sc.gov.cn/p.html")
	for _, no := range []string{withEmail, withoutEmail} {
		if tk := r.ticket(no); tk.Status != models.StatusLinked {
			t.Fatalf("%s was not merged at receipt: %s", no, tk.Status)
		}
	}
	r.at("2025-03-27 15:00") // Thursday: 3 working days are Fri 03-28, Mon 03-31, Tue 04-01
	acted, err := r.s.Perform(ctx, r.u["sc-supervisor"], junk, models.Action{Kind: models.ActInvalidate, Text: "内容与网站无关"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acted.Others) != 2 || len(acted.Deliveries()) != 1 {
		t.Fatalf("the invalidation changed %d other tickets and wrote %d deliveries", len(acted.Others), len(acted.Deliveries()))
	}
	set, cal, err := r.s.ReminderRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{withEmail, withoutEmail} {
		tk := r.ticket(no)
		if tk.Status != models.StatusAssigned || tk.DuplicateOf != nil || tk.Deadline == nil ||
			tk.Deadline.In(models.Shanghai).Format(time.DateTime) != "2025-04-01 23:59:59" || !tk.AssignedAt.Equal(r.clock.Now()) {
			t.Fatalf("%s after the release: %s, duplicate of %v, deadline %v", no, tk.Status, tk.DuplicateOf, tk.Deadline)
		}
		if len(models.NextStages(tk, nil, r.clock.Now(), set, cal)) == 0 {
			t.Fatalf("%s released without reminders", no)
		}
		rep, err := r.s.FindReport(ctx, no, r.codes[no])
		if err != nil {
			t.Fatal(err)
		}
		last := rep.History[len(rep.History)-1]
		if rep.Status != models.StatusAssigned || rep.Deadline == nil || last.Kind != models.EventReleased || last.Reason != models.ReleasedReason {
			t.Fatalf("the reporter of %s reads %s, deadline %v, last step %+v", no, rep.Status, rep.Deadline, last)
		}
	}
	var to, subject, body string
	if err := r.s.SQLDB().QueryRow("SELECT target, subject, body FROM deliveries WHERE id = ?", acted.Deliveries()[0]).Scan(&to, &subject, &body); err != nil {
		t.Fatal(err)
	}
	if to != "citizen@example.cn" || !strings.Contains(subject, withEmail) || !strings.Contains(body, "2025-04-01 23:59") ||
		!strings.Contains(body, "/query?ticket_no="+withEmail) {
		t.Fatalf("release e-mail to %s: %q\n%s", to, subject, body)
	}

	// In the rates they are valid tickets: not due until their new deadline, then overdue.
	got := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-03-27 16:00:00")
	if want := (models.Counts{Received: 3, Invalid: 1, Valid: 2}); got != want {
		t.Fatalf("after the release:\n got  %+v\n want %+v", got, want)
	}
	r.at("2025-04-02 10:00")
	got = r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-04-02 10:00:00")
	if want := (models.Counts{Received: 3, Invalid: 1, Valid: 2, Due: 2, OverdueNow: 2}); got != want {
		t.Fatalf("past the new deadline:\n got  %+v\n want %+v", got, want)
	}
	if replay := r.replayed("2025-03-01", "2025-03-31", "2025-04-02 10:00:00"); replay != got {
		t.Fatalf("rows and events differ:\n rows   %+v\n events %+v", got, replay)
	}
}

// Linking a ticket that has duplicates takes them along to its new primary (no chains): when
// that one is answered, every reporter gets the answer.
func TestLinkingAPrimaryTakesItsDuplicatesAlong(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	ctx := context.Background()
	first := r.report("https://gzw.sc.gov.cn/q.html")
	second := r.report("https://gzw.sc.gov.cn/q.html")
	r.act("sc-supervisor", second, models.Action{Kind: models.ActUnlink, Text: "另作处理"})
	dup := r.report("https://gzw.sc.gov.cn/q.html") // merged into the first
	if tk := r.ticket(dup); tk.Status != models.StatusLinked || *tk.DuplicateOf != r.ticket(first).ID {
		t.Fatalf("the third report: %s, duplicate of %v", tk.Status, tk.DuplicateOf)
	}
	r.at("2025-03-25 11:00")
	r.act("gzw-staff", first, models.Action{Kind: models.ActLink, PrimaryNo: second})
	if tk := r.ticket(dup); tk.Status != models.StatusLinked || *tk.DuplicateOf != r.ticket(second).ID {
		t.Fatalf("the first's duplicate was left behind: %s, duplicate of %v", tk.Status, tk.DuplicateOf)
	}
	r.at("2025-03-26 10:00")
	r.close(second, true)
	for _, no := range []string{first, dup} {
		rep, err := r.s.FindReport(ctx, no, r.codes[no])
		if err != nil || rep.Status != models.StatusClosed || rep.Reply == nil {
			t.Fatalf("%s after the answer: %+v %v", no, rep, err)
		}
	}
}

// A duplicate closed with its primary's reply and reopened after its reporter's 不满意 is a ticket
// of its own: valid, due at its new deadline, overdue after it.
func TestAReopenedDuplicateCountsAsAValidTicket(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	primaryNo := r.report("https://gzw.sc.gov.cn/r.html")
	r.at("2025-03-25 10:30")
	dup := r.report("https://gzw.sc.gov.cn/r.html")
	r.at("2025-03-26 10:00")
	r.close(primaryNo, true)
	if _, err := r.s.RateReport(context.Background(), dup, r.codes[dup], models.CitizenRating{Rating: models.RatingUnhappy}); err != nil {
		t.Fatal(err)
	}
	r.at("2025-03-26 11:00") // reopened Wednesday: due Monday 03-31
	r.act("sc-supervisor", dup, models.Action{Kind: models.ActReopen, Text: "留言人反映问题仍未解决"})
	got := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-03-26 12:00:00")
	if want := (models.Counts{Received: 2, Valid: 2, Closed: 1, Due: 1, OnTime: 1, Confirmed: 1, HandlingDays: got.HandlingDays}); got != want {
		t.Fatalf("reopened:\n got  %+v\n want %+v", got, want)
	}
	r.at("2025-04-01 10:00")
	got = r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-04-01 10:00:00")
	if got.Valid != 2 || got.Due != 2 || got.OverdueNow != 1 || got.Duplicates != 0 {
		t.Fatalf("past its new deadline: %+v", got)
	}
	if replay := r.replayed("2025-03-01", "2025-03-31", "2025-04-01 10:00:00"); replay != got {
		t.Fatalf("rows and events differ:\n rows   %+v\n events %+v", got, replay)
	}
	rows, _, err := r.s.ListTickets(context.Background(), models.Scope{All: true}, models.TicketFilter{Metric: "overdue"})
	if err != nil || len(rows) != 1 || rows[0].TicketNo != dup {
		t.Fatalf("the overdue list: %v %v", rows, err)
	}
}

// A ticket past its deadline cannot be hidden from 按期办结率 by linking it: unit staff may not
// link it at all, and when the supervisor does, it stays due, overdue and then late by its own
// deadline. A link needs the same page and category, whoever asks.
func TestAnOverdueTicketLinkedStaysDueAndLate(t *testing.T) {
	r := newRates(t, "2025-03-10 10:00:00")
	primaryNo := r.report("https://gzw.sc.gov.cn/z.html")
	late := r.report("https://gzw.sc.gov.cn/z.html")
	r.act("sc-supervisor", late, models.Action{Kind: models.ActUnlink}) // handled alone, due Thu 03-13
	r.at("2025-03-25 10:00")
	otherPage := r.report("https://gzw.sc.gov.cn/elsewhere.html")
	otherCategory := r.reportAs("https://gzw.sc.gov.cn/z.html", "其他", "")
	before := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-03-25 10:00:00")

	err := r.refused("gzw-staff", late, models.Action{Kind: models.ActLink, PrimaryNo: primaryNo})
	if models.ErrorKind(err) != models.KindForbidden || !strings.Contains(models.ErrorMessage(err), "超过答复期限") {
		t.Fatalf("unit staff linking an overdue ticket: %v", err)
	}
	for _, other := range []string{otherPage, otherCategory} {
		if err := r.refused("sc-supervisor", late, models.Action{Kind: models.ActLink, PrimaryNo: other}); models.ErrorKind(err) != models.KindInvalid {
			t.Fatalf("a link to %s: %v", other, err)
		}
		if err := r.refused("gzw-staff", other, models.Action{Kind: models.ActLink, PrimaryNo: primaryNo}); models.ErrorKind(err) != models.KindInvalid {
			t.Fatalf("a link of %s: %v", other, err)
		}
	}
	r.at("2025-03-25 11:00")
	r.act("sc-supervisor", late, models.Action{Kind: models.ActLink, PrimaryNo: primaryNo, Text: "同一问题"})
	if tk := r.ticket(late); tk.Status != models.StatusLinked || !tk.LinkedLate {
		t.Fatalf("linked by the supervisor: %s, late %v", tk.Status, tk.LinkedLate)
	}
	after := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-03-25 11:00:00")
	// Both old tickets are overdue since 03-13; the two new ones are not due yet.
	want := models.Counts{Received: 4, Valid: 4, Due: 2, OverdueNow: 2}
	if before != want || after != want {
		t.Fatalf("the link changed the rates:\n before %+v\n after  %+v\n want   %+v", before, after, want)
	}
	rows, _, err := r.s.ListTickets(context.Background(), models.Scope{All: true}, models.TicketFilter{Metric: "overdue"})
	if err != nil || len(rows) != 2 {
		t.Fatalf("the overdue list: %v %v", rows, err)
	}
	r.at("2025-03-26 10:00")
	r.close(primaryNo, true) // the late one is closed with it, late by its own deadline
	got := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-03-26 10:00:00")
	if got.Closed != 2 || got.Due != 2 || got.LateClosed != 2 || got.OnTime != 0 || got.Duplicates != 0 {
		t.Fatalf("after the answer: %+v", got)
	}
	if replay := r.replayed("2025-03-01", "2025-03-31", "2025-03-26 10:00:00"); replay != got {
		t.Fatalf("rows and events differ:\n rows   %+v\n events %+v", got, replay)
	}
}

// Duplicates an earlier version left behind (linked to a ticket since made 无效, or to one since
// linked in turn) are settled by the reconciler's pass, once.
func TestSettleDuplicatesLeftBehind(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	ctx := context.Background()
	db := r.s.SQLDB()
	junk := r.report("https://gzw.sc.gov.cn/s.html")
	orphan := r.report("https://gzw.sc.gov.cn/s.html")
	a := r.report("https://gzw.sc.gov.cn/t.html")
	b := r.report("https://gzw.sc.gov.cn/t.html")
	r.act("sc-supervisor", b, models.Action{Kind: models.ActUnlink})
	behind := r.report("https://gzw.sc.gov.cn/t.html") // merged into a
	// As an earlier version left them: junk made 无效 and a linked to b, their duplicates untouched.
	now := r.clock.Now().UTC()
	if _, err := db.Exec("UPDATE tickets SET status = 'invalid', closed_at = ? WHERE ticket_no = ?", now, junk); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE tickets SET status = 'linked', duplicate_of = (SELECT id FROM (SELECT id FROM tickets WHERE ticket_no = ?) x) WHERE ticket_no = ?", b, a); err != nil {
		t.Fatal(err)
	}
	r.at("2025-03-25 12:00")
	done, err := r.s.SettleDuplicates(ctx)
	if err != nil || len(done.Others) != 2 {
		t.Fatalf("settled %v, %v", done, err)
	}
	if tk := r.ticket(orphan); tk.Status != models.StatusAssigned || tk.DuplicateOf != nil {
		t.Fatalf("the invalid ticket's duplicate: %s of %v", tk.Status, tk.DuplicateOf)
	}
	if tk := r.ticket(behind); tk.Status != models.StatusLinked || *tk.DuplicateOf != r.ticket(b).ID {
		t.Fatalf("the linked ticket's duplicate: %s of %v", tk.Status, tk.DuplicateOf)
	}
	if again, err := r.s.SettleDuplicates(ctx); err != nil || len(again.Others) != 0 {
		t.Fatalf("a second pass settled %v, %v", again, err)
	}
}

// A random history full of duplicates (merged at receipt, linked by staff and by the supervisor,
// some late, unlinked, released when their primary is made 无效, reopened) gives the same rates
// every way they are computed: from the rows and from the events, from the rollups and from the
// tickets, as of a moment before and after later events; and each number has its list.
func TestRatesWithDuplicatesAgreeEveryWay(t *testing.T) {
	r := newRates(t, "2025-01-06 09:00:00")
	ctx := context.Background()
	rng := rand.New(rand.NewSource(16))
	pages := []string{"https://gzw.sc.gov.cn/d1.html", "https://gzw.sc.gov.cn/d2.html", "https://gzw.sc.gov.cn/d3.html",
		"https://www.sc.gov.cn/d1.html", "https://www.sc.gov.cn/d2.html", "https://unknown.example.cn/d.html"}
	byPage := map[string][]string{}
	var nos []string
	busy := func(days int) {
		for d := 0; d < days; d++ {
			r.clock.Advance(24 * time.Hour)
			for i := 0; i < 2; i++ {
				r.clock.Advance(time.Duration(rng.Intn(120)) * time.Minute)
				page := pages[rng.Intn(len(pages))]
				no := r.report(page)
				nos, byPage[page] = append(nos, no), append(byPage[page], no)
			}
			for _, page := range pages { // in order: the random history is the same every run
				same := byPage[page]
				for _, no := range same {
					if rng.Intn(7) == 0 {
						r.clock.Advance(time.Minute)
						duplicateAction(r, no, same[rng.Intn(len(same))], rng)
					}
				}
			}
		}
	}
	busy(45)
	all := models.Scope{All: true}
	mid := r.clock.Now().Add(-7 * 24 * time.Hour).In(models.Shanghai).Format(time.DateTime)
	before := r.stats(all, "2025-01-01", "2025-03-31", mid)
	if _, err := r.s.RebuildRateRollups(ctx); err != nil {
		t.Fatal(err)
	}
	busy(20)
	if after := r.stats(all, "2025-01-01", "2025-03-31", mid); after != before {
		t.Fatalf("as of %s, before later events %+v, after %+v", mid, before, after)
	}
	now := r.clock.Now().In(models.Shanghai).Format(time.DateTime)
	rows := r.stats(all, "2025-01-01", "2025-03-31", now)
	if replay := r.replayed("2025-01-01", "2025-03-31", now); replay != rows {
		t.Fatalf("rows and events differ:\n rows   %+v\n events %+v", rows, replay)
	}
	// The rollups (built before the last changes, then again after) give what the tickets give.
	for _, rebuild := range []bool{false, true} {
		if rebuild {
			if _, err := r.s.RebuildRateRollups(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, span := range [][2]string{{"2025-01-01", "2025-03-31"}, {"2025-01-10", "2025-02-20"}} {
			p, _ := models.ParsePeriod("", span[0], span[1], r.clock.Now())
			ref, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: all, Period: p, AsOf: r.clock.Now()})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range []string{"unit", "region", "category"} {
				got, err := r.s.CompletionStats(ctx, models.StatsQuery{Scope: all, Period: p, AsOf: r.clock.Now(), GroupBy: g})
				if err != nil {
					t.Fatal(err)
				}
				want, have := byDimension(ref, g), byDimension(got, g)
				for k, w := range want {
					if have[k] != w {
						t.Fatalf("%s by %s (rebuilt %v), line %d:\n rollups %+v\n tickets %+v", p.Label, g, rebuild, k, have[k], w)
					}
				}
			}
		}
	}
	// Each number has its list (the lists are of now).
	c := r.stats(all, "2025-01-01", "2025-03-31", now)
	for metric, n := range map[string]int64{"valid": c.Valid, "due": c.Due, "on_time": c.OnTime, "overdue": c.OverdueNow,
		"late": c.LateClosed, "closed": c.Closed, "open_over_month": c.OpenOverMonth} {
		_, total, err := r.s.ListTickets(ctx, all, models.TicketFilter{Metric: metric,
			From: storetest.At("2025-01-01 00:00"), To: storetest.At("2025-04-01 00:00")})
		if err != nil || total != n {
			t.Errorf("%s: the list has %d tickets, the count is %d (%v)", metric, total, n, err)
		}
	}
	var late, released, reopened int
	db := r.s.SQLDB()
	db.QueryRow("SELECT COUNT(*) FROM ticket_events WHERE kind = ?", models.EventReleased).Scan(&released)
	db.QueryRow(`SELECT COUNT(DISTINCT e.ticket_id) FROM ticket_events e WHERE e.kind = 'reopened'
		AND EXISTS (SELECT 1 FROM ticket_events l WHERE l.ticket_id = e.ticket_id AND l.to_status = 'linked' AND l.id < e.id)`).Scan(&reopened)
	db.QueryRow("SELECT COUNT(DISTINCT ticket_id) FROM ticket_events WHERE kind = 'linked' AND from_status <> 'linked' AND at > deadline").Scan(&late)
	t.Logf("%+v; %d late links, %d releases, %d reopened duplicates", c, late, released, reopened)
	if c.Duplicates == 0 || late == 0 || released == 0 || reopened == 0 || c.OverdueNow == 0 || c.LateClosed == 0 {
		t.Fatalf("the history exercised too little: %+v; %d late links, %d releases, %d reopened duplicates", c, late, released, reopened)
	}
}

// duplicateAction does something to a ticket of a page where other reports came in: links it to
// another of them (as its unit's staff or the supervisor), unlinks it, makes it 无效, or whatever
// randomAction does; the rules refuse what the state does not allow.
func duplicateAction(r *rates, no, other string, rng *rand.Rand) {
	ctx := context.Background()
	tk := r.ticket(no)
	try := func(user string, a models.Action) { r.s.Act(ctx, r.u[user], no, a) }
	switch n := rng.Intn(10); {
	case n < 3 && no != other:
		user := "sc-supervisor"
		if rng.Intn(3) == 0 {
			user = "gzw-staff"
		}
		try(user, models.Action{Kind: models.ActLink, PrimaryNo: other})
	case n == 3 && tk.Status == models.StatusLinked:
		try("sc-supervisor", models.Action{Kind: models.ActUnlink})
	case n == 4:
		try("sc-supervisor", models.Action{Kind: models.ActInvalidate, Text: "非政府网站内容"})
	case n == 5 && tk.Status == models.StatusClosed && tk.Rating == "":
		r.s.RateReport(ctx, no, r.codes[no], models.CitizenRating{Rating: models.RatingUnhappy})
	default:
		randomAction(r, no, rng)
	}
}
