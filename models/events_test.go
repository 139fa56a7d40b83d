package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// eventWorld is a store with the demo, e-mail on and the staff's addresses, whose report writer
// dispatches to a recording Events.
type eventWorld struct {
	t      *testing.T
	s      *models.Store
	clock  *storetest.Clock
	events *storetest.Events
	u      map[string]*models.User
}

func newEventWorld(t *testing.T) *eventWorld {
	t.Helper()
	w := &eventWorld{t: t, clock: storetest.NewClock("2025-03-25 10:00:00"), events: &storetest.Events{}}
	w.s = storetest.OpenWith(t, w.clock, models.Options{Events: w.events, Email: true})
	w.u = demoUsers(t, w.s)
	for _, name := range []string{"gzw-staff", "gzw-reviewer", "sc-supervisor"} {
		if err := w.s.SetEmail(context.Background(), w.u[name].ID, name+"@example.cn"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// report files a report with an e-mail address and waits for the writer's TicketCreated.
func (w *eventWorld) report(url string) (*models.Submission, models.TicketCreated) {
	w.t.Helper()
	r := validReport()
	r.PageURL, r.ContactEmail = url, "citizen@example.cn"
	sub, err := w.s.SubmitReport(context.Background(), r)
	if err != nil {
		w.t.Fatal(err)
	}
	return sub, w.events.Wait(w.t, storetest.Created(sub.Ticket.ID)).(models.TicketCreated)
}

// deliveriesOf are the deliveries the database holds for a ticket, oldest first.
func (w *eventWorld) deliveriesOf(ticketID int64) []int64 {
	w.t.Helper()
	ds, err := w.s.Deliveries(context.Background(), ticketID)
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		ids = append([]int64{d.ID}, ids...)
	}
	return ids
}

// audit says what the ticket_events rows of ids are: their ticket and kind.
func (w *eventWorld) audit(ids []int64) []string {
	w.t.Helper()
	var out []string
	for _, id := range ids {
		var kind string
		var ticket int64
		if err := w.s.SQLDB().QueryRow("SELECT ticket_id, kind FROM ticket_events WHERE id = ?", id).Scan(&ticket, &kind); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, kind)
	}
	return out
}

func (w *eventWorld) away(table string) func() {
	w.t.Helper()
	if _, err := w.s.SQLDB().Exec("ALTER TABLE " + table + " RENAME TO " + table + "_away"); err != nil {
		w.t.Fatal(err)
	}
	return func() {
		if _, err := w.s.SQLDB().Exec("ALTER TABLE " + table + "_away RENAME TO " + table); err != nil {
			w.t.Fatal(err)
		}
	}
}

// A citizen's report is dispatched by the report writer once its group is committed, with the
// confirmation written with it; a report refused, or whose transaction fails, dispatches nothing.
func TestAReportDispatchesItsTicketCreatedOnceCommitted(t *testing.T) {
	w := newEventWorld(t)
	sub, created := w.report("https://gzw.sc.gov.cn/a.html")
	if created.Source != models.SourceCitizen || created.UnitID == nil || *created.UnitID != *sub.Ticket.UnitID ||
		created.RegionID != sub.Ticket.RegionID || created.ActorID != nil || !slices.Equal(created.Deliveries, w.deliveriesOf(sub.Ticket.ID)) ||
		len(created.Deliveries) != 1 || !slices.Equal(created.Deliveries, sub.Deliveries) {
		t.Fatalf("%+v for %+v (deliveries %v)", created, sub.Ticket, w.deliveriesOf(sub.Ticket.ID))
	}
	bad := validReport()
	bad.Category = "没有的类型"
	if _, err := w.s.SubmitReport(context.Background(), bad); models.ErrorKind(err) != models.KindInvalid {
		t.Fatalf("a bad category: %v", err)
	}
	restore := w.away("ticket_events") // the group's transaction fails at its last insert
	if _, err := w.s.SubmitReport(context.Background(), validReport()); err == nil {
		t.Fatal("a report was taken without its first event")
	}
	restore()
	after, _ := w.report("https://gzw.sc.gov.cn/b.html")
	if n := len(w.events.All()); n != 2 {
		t.Fatalf("%d events dispatched for two reports committed: %v", n, w.events.Names())
	}
	if _, err := w.s.Ticket(context.Background(), models.Scope{All: true}, after.Ticket.TicketNo); err != nil {
		t.Fatal(err)
	}
}

// An action returns a TicketChanged for the ticket and one for each duplicate that follows it,
// each with the audit rows and the deliveries written for it; one refused, repeated under its
// request key, or rolled back returns none.
func TestAnActionReturnsWhatItCommitted(t *testing.T) {
	w := newEventWorld(t)
	ctx := context.Background()
	first, _ := w.report("https://gzw.sc.gov.cn/p.html")
	dup, _ := w.report("https://gzw.sc.gov.cn/p.html") // merged into the first at receipt
	staff, reviewer := w.u["gzw-staff"], w.u["gzw-reviewer"]

	acted, err := w.s.Perform(ctx, staff, first.Ticket.TicketNo, models.Action{Kind: models.ActAccept, RequestKey: "accept-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(acted.Events) != 1 {
		t.Fatalf("accept: %+v", acted.Events)
	}
	accepted := acted.Events[0].(models.TicketChanged)
	if accepted.TicketID != first.Ticket.ID || accepted.Action != models.ActAccept || accepted.ActorID == nil || *accepted.ActorID != staff.ID ||
		accepted.Status != models.StatusProcessing || accepted.Version != acted.Ticket.Version || accepted.Source != models.SourceCitizen ||
		!slices.Equal(w.audit(accepted.AuditIDs), []string{models.EventAccepted}) || len(accepted.Deliveries) != 0 {
		t.Fatalf("accept: %+v", accepted)
	}
	again, err := w.s.Perform(ctx, staff, first.Ticket.TicketNo, models.Action{Kind: models.ActAccept, RequestKey: "accept-1"})
	if err != nil || len(again.Events) != 0 {
		t.Fatalf("the same request again: %v, %+v", err, again)
	}

	acted, err = w.s.Perform(ctx, staff, first.Ticket.TicketNo, models.Action{Kind: models.ActReply, Text: "已经修复，感谢您的反馈。", Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	if replied := acted.Events[0].(models.TicketChanged); len(acted.Events) != 1 || replied.Status != models.StatusReviewing ||
		!slices.Equal(w.audit(replied.AuditIDs), []string{models.EventReplied}) {
		t.Fatalf("reply: %+v", acted.Events)
	}

	// The approval rolled back (its reply's e-mail cannot be written): nothing.
	restore := w.away("deliveries")
	if acted, err := w.s.Perform(ctx, reviewer, first.Ticket.TicketNo, models.Action{Kind: models.ActApprove}); err == nil || acted != nil {
		t.Fatalf("approved without the reply's e-mail: %+v, %v", acted, err)
	}
	restore()

	acted, err = w.s.Perform(ctx, reviewer, first.Ticket.TicketNo, models.Action{Kind: models.ActApprove})
	if err != nil {
		t.Fatal(err)
	}
	if len(acted.Events) != 2 || len(acted.Others) != 1 {
		t.Fatalf("approve: %+v", acted.Events)
	}
	approved, followed := acted.Events[0].(models.TicketChanged), acted.Events[1].(models.TicketChanged)
	if approved.TicketID != first.Ticket.ID || approved.Action != models.ActApprove || approved.Status != models.StatusClosed ||
		!slices.Equal(approved.Deliveries, w.deliveriesOf(first.Ticket.ID)[1:]) { // after the confirmation: the reply
		t.Fatalf("approve: %+v (deliveries %v)", approved, w.deliveriesOf(first.Ticket.ID))
	}
	if followed.TicketID != dup.Ticket.ID || followed.Action != models.ChangeFollowed || followed.ActorID != nil ||
		followed.Status != models.StatusClosed || !slices.Equal(followed.Deliveries, w.deliveriesOf(dup.Ticket.ID)[1:]) ||
		!slices.Equal(w.audit(followed.AuditIDs), []string{models.EventClosedWithPrimary}) {
		t.Fatalf("the duplicate: %+v", followed)
	}
	if got := acted.Deliveries(); !slices.Equal(got, append(approved.Deliveries, followed.Deliveries...)) {
		t.Fatalf("the action's deliveries: %v", got)
	}
	if acted, err := w.s.Perform(ctx, reviewer, first.Ticket.TicketNo, models.Action{Kind: models.ActApprove}); err == nil || acted != nil {
		t.Fatalf("approved twice: %+v, %v", acted, err)
	}

	// The citizen's rating.
	events, err := w.s.RateReport(ctx, first.Ticket.TicketNo, first.QueryCode, models.CitizenRating{Rating: models.RatingUnhappy})
	if err != nil || len(events) != 1 {
		t.Fatalf("rating: %v %+v", err, events)
	}
	if rated := events[0].(models.TicketChanged); rated.TicketID != first.Ticket.ID || rated.Action != models.ChangeRated || rated.ActorID != nil ||
		rated.Status != models.StatusClosed || !slices.Equal(w.audit(rated.AuditIDs), []string{models.EventRated}) {
		t.Fatalf("rating: %+v", rated)
	}
	if events, err := w.s.RateReport(ctx, first.Ticket.TicketNo, first.QueryCode, models.CitizenRating{Rating: models.RatingSatisfied}); err == nil || events != nil {
		t.Fatalf("rated twice: %+v, %v", events, err)
	}
}

// A reminder stage returns its TicketReminded with its deliveries; a stage no longer due returns
// none.
func TestAReminderReturnsWhatItSent(t *testing.T) {
	w := newEventWorld(t)
	ctx := context.Background()
	sub, _ := w.report("https://gzw.sc.gov.cn/a.html")
	w.clock.Set(storetest.At("2025-03-29 10:00")) // past the deadline, Fri 03-28
	tk, sent, err := w.s.ReminderState(ctx, sub.Ticket.ID)
	if err != nil {
		t.Fatal(err)
	}
	set, cal, _ := w.s.ReminderRules(ctx)
	var overdue models.Stage
	for _, st := range models.NextStages(tk, sent, w.clock.Now(), set, cal) {
		if st.Kind == models.StageOverdue {
			overdue = st
		}
	}
	reminded, err := w.s.SendReminder(ctx, overdue)
	if err != nil {
		t.Fatal(err)
	}
	want := w.deliveriesOf(sub.Ticket.ID)[1:] // after the confirmation: the reminder's
	if reminded.TicketID != sub.Ticket.ID || reminded.ReminderID == 0 || reminded.Stage != models.StageOverdue || reminded.N != 1 ||
		len(want) == 0 || !slices.Equal(reminded.Deliveries, want) {
		t.Fatalf("%+v, deliveries %v", reminded, want)
	}
	if again, err := w.s.SendReminder(ctx, overdue); !errors.Is(err, models.ErrStageNotDue) || again != nil {
		t.Fatalf("sent twice: %+v, %v", again, err)
	}
}

// The inspection's writes: a round, a finding sent to its unit, an account import. Each refused
// returns nothing.
func TestInspectionWritesReturnWhatTheyCommitted(t *testing.T) {
	w := newEventWorld(t)
	ctx := context.Background()
	sup := w.u["sc-supervisor"]
	sc := scopeOf(t, w.s, sup)

	round, events, err := w.s.StartRound(ctx, models.RoundOnDemand, scopeOf(t, w.s, w.u["scgov-staff"]), &sup.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("round: %v %+v", err, events)
	}
	if started := events[0].(models.RoundStarted); started.RoundID != round.ID || started.ActorID == nil || *started.ActorID != sup.ID {
		t.Fatalf("round: %+v", started)
	}
	if _, events, err := w.s.StartRound(ctx, models.RoundOnDemand, models.Scope{UnitID: -1}, &sup.ID); err == nil || events != nil {
		t.Fatalf("a round of no site: %+v, %v", events, err)
	}

	sites, _ := w.s.PendingSites(ctx, round.ID)
	if err := w.s.FinishSite(ctx, round.ID, sites[0], models.SiteOutcome{Findings: []models.Finding{deadLink()}}); err != nil {
		t.Fatal(err)
	}
	res, _ := w.s.SiteResult(ctx, round.ID, sites[0])
	_, fs, _ := w.s.Result(ctx, sc, res.ID)
	tk, events, err := w.s.SendFindingToUnit(ctx, sup, sc, fs[0].ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("finding: %v %+v", err, events)
	}
	if created := events[0].(models.TicketCreated); created.TicketID != tk.ID || created.Source != models.SourceInspection ||
		created.ActorID == nil || *created.ActorID != sup.ID || created.UnitID == nil || *created.UnitID != *tk.UnitID {
		t.Fatalf("finding: %+v", created)
	}
	if _, events, err := w.s.SendFindingToUnit(ctx, sup, sc, fs[0].ID); err == nil || events != nil {
		t.Fatalf("sent twice: %+v, %v", events, err)
	}

	sheet := []models.UploadedAccount{{Name: "四川发布", Platform: "微信"}}
	imp, events, err := w.s.CreateAccountImport(ctx, sup, "台账.csv", sheet)
	if err != nil || len(events) != 1 {
		t.Fatalf("import: %v %+v", err, events)
	}
	if started := events[0].(models.ImportStarted); started.ImportID != imp.ID || started.ActorID != sup.ID {
		t.Fatalf("import: %+v", started)
	}
	if _, events, err := w.s.CreateAccountImport(ctx, w.u["cd-supervisor"], "他市.csv", sheet); err == nil || events != nil {
		t.Fatalf("a sheet of another region's accounts: %+v, %v", events, err)
	}
}

// Publishing returns the circular's event and one for each rectification it opened, with the
// notices' deliveries; a publishing rolled back returns none. A unit's report, and the
// supervisor's decisions on it, return the rectification as they left it; the reminders of the
// day return theirs.
func TestCircularWritesReturnWhatTheyCommitted(t *testing.T) {
	w := newEventWorld(t)
	ctx := context.Background()
	sup, sc, rec := draftSichuanQ1(t, w.s, w.u, storetest.SichuanInspection(t, w.s))

	restore := w.away("deliveries")
	if _, events, err := w.s.PublishCircular(ctx, sup, sc, rec.ID); err == nil || events != nil {
		t.Fatalf("published without its notices' e-mails: %+v, %v", events, err)
	}
	restore()
	_, events, err := w.s.PublishCircular(ctx, sup, sc, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := w.s.Rectifications(ctx, sc)
	if len(events) != 1+len(items) || len(items) != 3 {
		t.Fatalf("%d events for %d items: %+v", len(events), len(items), events)
	}
	if published := events[0].(models.CircularPublished); published.CircularID != rec.ID || published.RegionID != rec.RegionID || published.ActorID != sup.ID {
		t.Fatalf("published: %+v", published)
	}
	var all, gzw []int64
	for _, ev := range events[1:] {
		opened := ev.(models.RectificationChanged)
		if opened.CircularID != rec.ID || opened.Status != models.RectifyOpen || opened.ActorID != sup.ID {
			t.Fatalf("opened: %+v", opened)
		}
		all = append(all, opened.Deliveries...)
		if opened.UnitID == *w.u["gzw-staff"].UnitID {
			gzw = append(gzw, opened.RectificationID)
		}
	}
	var written []int64
	rows, err := w.s.SQLDB().Query("SELECT id FROM deliveries WHERE ticket_id IS NULL ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		written = append(written, id)
	}
	rows.Close()
	if len(gzw) != 1 || len(all) == 0 || !slices.Equal(all, written) {
		t.Fatalf("the notices' deliveries: %v in the events, %v written", all, written)
	}

	staff := w.u["gzw-staff"]
	report := models.RectificationUpload{Name: "整改报告.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 report")}
	events, err = w.s.SubmitRectification(ctx, staff, scopeOf(t, w.s, staff), gzw[0], report)
	if err != nil || len(events) != 1 {
		t.Fatalf("submit: %v %+v", err, events)
	}
	if submitted := events[0].(models.RectificationChanged); submitted.RectificationID != gzw[0] || submitted.Status != models.RectifySubmitted ||
		submitted.ActorID != staff.ID || submitted.CircularID != rec.ID || submitted.UnitID != *staff.UnitID {
		t.Fatalf("submit: %+v", submitted)
	}
	if events, err := w.s.SubmitRectification(ctx, staff, scopeOf(t, w.s, staff), gzw[0], report); err == nil || events != nil {
		t.Fatalf("submitted twice: %+v, %v", events, err)
	}
	for _, d := range []struct {
		accept bool
		status string
	}{{false, models.RectifyReturned}, {true, models.RectifyAccepted}} {
		events, err := w.s.DecideRectification(ctx, sup, sc, gzw[0], d.accept, "请补充暗链清除的截图")
		if err != nil || len(events) != 1 || events[0].(models.RectificationChanged).Status != d.status || events[0].(models.RectificationChanged).ActorID != sup.ID {
			t.Fatalf("decide %v: %v %+v", d.accept, err, events)
		}
		if d.accept {
			break
		}
		if _, err := w.s.SubmitRectification(ctx, staff, scopeOf(t, w.s, staff), gzw[0], report); err != nil {
			t.Fatal(err)
		}
	}
	if events, err := w.s.DecideRectification(ctx, sup, sc, gzw[0], true, ""); err == nil || events != nil {
		t.Fatalf("decided twice: %+v, %v", events, err)
	}

	w.clock.Set(storetest.At("2025-04-30 10:00")) // due today: the two units yet to report
	n, events, err := w.s.RemindRectifications(ctx)
	if err != nil || n != 2 || len(events) != 2 {
		t.Fatalf("reminders: %d %v %+v", n, err, events)
	}
	for _, ev := range events {
		if r := ev.(models.RectificationReminded); r.Stage != models.StageDueSoon || r.N != 1 || r.RectificationID == gzw[0] {
			t.Fatalf("reminder: %+v", r)
		}
	}
}

// The duplicates the reconciler settles come back as their events, with the release's e-mail.
func TestSettledDuplicatesReturnTheirEvents(t *testing.T) {
	w := newEventWorld(t)
	ctx := context.Background()
	junk, _ := w.report("https://gzw.sc.gov.cn/s.html")
	orphan, _ := w.report("https://gzw.sc.gov.cn/s.html") // merged into junk at receipt
	// As an earlier version left them: junk made 无效, its duplicate untouched.
	if _, err := w.s.SQLDB().Exec("UPDATE tickets SET status = 'invalid', closed_at = ? WHERE id = ?", w.clock.Now().UTC(), junk.Ticket.ID); err != nil {
		t.Fatal(err)
	}
	done, err := w.s.SettleDuplicates(ctx)
	if err != nil || len(done.Events) != 1 {
		t.Fatalf("settled: %v %+v", err, done)
	}
	if released := done.Events[0].(models.TicketChanged); released.TicketID != orphan.Ticket.ID || released.Action != models.ChangeFollowed ||
		released.Status != models.StatusAssigned || !released.Open() || !slices.Equal(released.Deliveries, w.deliveriesOf(orphan.Ticket.ID)[1:]) ||
		len(released.Deliveries) != 1 || !slices.Equal(w.audit(released.AuditIDs), []string{models.EventReleased}) {
		t.Fatalf("released: %+v", released)
	}
}

// A store is opened with its dispatcher, and a store that keeps sessions with the feed that
// tells the other replicas: neither can be left out.
func TestAStoreIsOpenedWithItsDispatcherAndFeed(t *testing.T) {
	dialect, dsn, err := models.ParseDatabaseURL(storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock("2025-03-25 10:00:00")
	for _, opt := range []models.Options{{}, {Events: models.NoWorker, SessionTTL: models.DefaultSessionTTL}} {
		if s, err := models.Open(context.Background(), dialect, dsn, clock, opt); err == nil {
			s.Close()
			t.Errorf("opened with %+v", opt)
		}
	}
}
