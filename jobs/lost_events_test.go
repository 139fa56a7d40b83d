package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// lose runs write with the queue away: whatever the events it commits would queue is lost, as
// when Redis is flushed or away, or the process dies between the commit and the dispatch.
func (w *world) lose(write func()) {
	w.t.Helper()
	before := w.queue.ids()
	w.queue.fail = true
	write()
	w.queue.fail = false
	for _, id := range w.queue.ids() {
		if !slices.Contains(before, id) {
			w.t.Fatalf("%s queued while the queue was away", id)
		}
	}
}

// reconcile runs the reconciler, with the page checks on as in production.
func (w *world) reconcile() jobs.ReconcileReport {
	w.t.Helper()
	deps := w.deps
	deps.PageChecks = true
	r, err := jobs.Reconcile(context.Background(), deps)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// pendingDeliveries are the ids of the deliveries not yet sent, as their tasks are named.
func (w *world) pendingDeliveries() []string {
	w.t.Helper()
	rows, err := w.store.SQLDB().Query("SELECT id FROM deliveries WHERE status = 'pending' ORDER BY id")
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, "dlv:"+strconv.FormatInt(id, 10))
	}
	return ids
}

// staleLater moves the clock past the time after which the reconciler takes a pending delivery's
// task for lost.
func (w *world) staleLater() { w.clock.Advance(11 * time.Minute) }

func remID(ticketID int64, stage string, n int, deadline time.Time) string {
	return fmt.Sprintf("rem:%d:%s:%d:%d", ticketID, stage, n, deadline.Unix())
}

// Whatever the work of an event that never reached the queue, the reconciler (or, for a round,
// the probes' half-hourly task) queues it again from the database: for each kind of event, the
// event is lost and the same tasks come back. (CircularPublished, and RectificationChanged for a
// report or a decision, have no work of their own: TestTheDispatcherMapsEachEventToItsTasks.)
func TestTheWorkOfALostEventComesBack(t *testing.T) {
	tests := []struct {
		name string
		lose func(w *world) []string // loses an event's work, and says which tasks are to come back
	}{
		{"TicketCreated: reminders, arrival check and confirmation", func(w *world) []string {
			var sub *models.Submission
			w.lose(func() {
				var err error
				sub, err = w.store.SubmitReport(context.Background(), models.Report{PageURL: "https://gzw.sc.gov.cn/a.html",
					Category: "链接不可用", Description: "页面上的链接打不开了，请核实处理。", ContactEmail: "citizen@example.cn"})
				if err != nil {
					t.Fatal(err)
				}
				w.events.Wait(t, storetest.Created(sub.Ticket.ID))
			})
			w.staleLater()
			tk := sub.Ticket
			return append(w.pendingDeliveries(), remID(tk.ID, models.StageDueSoon, 1, *tk.Deadline), remID(tk.ID, models.StageOverdue, 1, *tk.Deadline),
				fmt.Sprintf("page-check:%d:arrival:0", tk.ID))
		}},
		{"TicketChanged: an extension's new stages", func(w *world) []string {
			tk := w.submit("https://gzw.sc.gov.cn/a.html")
			w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActExtension, Days: 2, Text: "需要技术公司配合"})
			w.queue.flush()
			w.lose(func() { w.act("sc-supervisor", tk.TicketNo, models.Action{Kind: models.ActDecide, Approve: true}) })
			got, _ := w.store.Ticket(context.Background(), models.Scope{All: true}, tk.TicketNo)
			if got.Deadline.Equal(*tk.Deadline) {
				t.Fatal("the extension did not move the deadline")
			}
			return []string{remID(tk.ID, models.StageDueSoon, 1, *got.Deadline), remID(tk.ID, models.StageOverdue, 1, *got.Deadline)}
		}},
		{"TicketChanged: a reply's recheck", func(w *world) []string {
			tk := w.submit("https://gzw.sc.gov.cn/a.html")
			w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActAccept})
			w.lose(func() {
				w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢反馈。"})
			})
			w.queue.flush() // and Redis flushed: the reminders are the reconciler's too
			got, _ := w.store.Ticket(context.Background(), models.Scope{All: true}, tk.TicketNo)
			return []string{fmt.Sprintf("page-check:%d:recheck:%d", tk.ID, got.Version),
				remID(tk.ID, models.StageDueSoon, 1, *got.Deadline), remID(tk.ID, models.StageOverdue, 1, *got.Deadline)}
		}},
		{"TicketChanged: the reply's e-mail and the release of a duplicate", func(w *world) []string {
			ctx := context.Background()
			first, err := w.store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/p.html", Category: "链接不可用",
				Description: "页面上的链接打不开了，请核实处理。", ContactEmail: "first@example.cn"})
			if err != nil {
				t.Fatal(err)
			}
			second, err := w.store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/p.html", Category: "链接不可用",
				Description: "同一页面的链接也打不开。", ContactEmail: "second@example.cn"})
			if err != nil {
				t.Fatal(err)
			}
			w.events.Wait(t, storetest.Created(second.Ticket.ID))
			w.queue.runDue(t, w.mux, w.clock.Now()) // the confirmations go out
			w.lose(func() {
				w.act("sc-supervisor", first.Ticket.TicketNo, models.Action{Kind: models.ActInvalidate, Text: "与网站内容无关"})
			})
			w.staleLater()
			released, _ := w.store.Ticket(ctx, models.Scope{All: true}, second.Ticket.TicketNo)
			return append(w.pendingDeliveries(), remID(released.ID, models.StageDueSoon, 1, *released.Deadline),
				remID(released.ID, models.StageOverdue, 1, *released.Deadline))
		}},
		{"TicketReminded: its deliveries and the next stage", func(w *world) []string {
			tk := w.submit("https://gzw.sc.gov.cn/a.html") // deadline Fri 03-28
			w.at("2025-03-28 09:00")                       // due-soon sent
			w.lose(func() { w.at("2025-03-29 00:00") })    // overdue sent; its deliveries and the first 催办 not queued
			w.staleLater()
			first, _ := w.store.Ticket(context.Background(), models.Scope{All: true}, tk.TicketNo)
			return append(w.pendingDeliveries(), remID(tk.ID, models.StageUrge, 1, *first.Deadline))
		}},
		{"ImportStarted: the import's check", func(w *world) []string {
			var imp *models.AccountImport
			w.lose(func() {
				var err error
				imp, _, err = w.store.CreateAccountImport(context.Background(), w.users["sc-supervisor"], "台账.csv",
					[]models.UploadedAccount{{Name: "四川发布", Platform: "微信"}})
				if err != nil {
					t.Fatal(err)
				}
			})
			return []string{fmt.Sprintf("account-import:%d", imp.ID)}
		}},
		{"RectificationChanged: the 整改通知's deliveries", func(w *world) []string {
			w.lose(func() { w.publishSichuanQ1() })
			w.staleLater()
			return w.pendingDeliveries()
		}},
		{"RectificationReminded: its deliveries", func(w *world) []string {
			w.publishSichuanQ1()
			w.queue.runDue(t, w.mux, w.clock.Now())       // the 整改通知 go out
			w.clock.Set(storetest.At("2025-04-30 10:00")) // due today
			w.lose(func() {
				if err := w.mux.ProcessTask(context.Background(), jobs.NewRemindRectificationsTask()); err != nil {
					t.Fatal(err)
				}
			})
			w.staleLater()
			return w.pendingDeliveries()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, "2025-03-25 10:00:00", withEmail)
			for _, name := range []string{"gzw-staff", "gzw-reviewer", "sc-supervisor", "cd-supervisor"} {
				if err := w.store.SetEmail(context.Background(), w.users[name].ID, name+"@example.cn"); err != nil {
					t.Fatal(err)
				}
			}
			want := tt.lose(w)
			if len(want) == 0 {
				t.Fatal("the case loses no work")
			}
			w.reconcile()
			got := w.queue.ids()
			for _, id := range want {
				if !slices.Contains(got, id) {
					t.Errorf("%s did not come back; queued %v", id, got)
				}
			}
		})
	}
}

// A round opened while the queue was away is resumed by the probes' half-hourly task, which
// resumes every running round: the reconcile does not, since resuming a round asks Redis about
// each of its pending sites.
func TestALostRoundIsResumedByTheProbes(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	ctx := context.Background()
	var round *models.InspectionRound
	w.lose(func() {
		var events []models.Event
		var err error
		round, events, err = w.store.StartRound(ctx, models.RoundOnDemand, models.Scope{All: true}, &w.users["admin"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := jobs.NewDispatcher(w.queue, w.deps.Logger).Dispatch(ctx, events...); err == nil {
			t.Fatal("dispatched with the queue away")
		}
	})
	if err := w.mux.ProcessTask(ctx, jobs.NewProbeSitesTask()); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("inspect-round:%d", round.ID); !slices.Contains(w.queue.ids(), want) {
		t.Fatalf("%s did not come back", want)
	}
}

// A citizen's page is fetched "on arrival" only while that is still true: one whose arrival check
// was lost more than an hour ago is left without, and the reviewer is told there was none.
func TestALateArrivalCheckIsNotRebuilt(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	var tk *models.Ticket
	w.lose(func() { tk = w.submit("https://gzw.sc.gov.cn/a.html") })
	w.clock.Advance(time.Hour + time.Minute)
	w.reconcile()
	if id := fmt.Sprintf("page-check:%d:arrival:0", tk.ID); slices.Contains(w.queue.ids(), id) {
		t.Fatalf("%s queued an hour late", id)
	}
}
