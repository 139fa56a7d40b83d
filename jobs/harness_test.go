package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// fakeQueue keeps tasks as asynq would (one per task id, run at their ProcessAt) and runs those
// due at the test clock's time through the real handlers, so tests move through days and holidays
// without sleeping.
type fakeQueue struct {
	mu    sync.Mutex
	tasks map[string]queued
	seq   int
	fail  bool // Redis is away: every enqueue fails
	// notices: the queue takes the workflow notices' task. The tests of other work (reminders,
	// deliveries, imports, the other tasks of the dispatcher) were written with queues, runs and
	// bells that hold only that work: their queues take no notices task, as if nothing kicked it.
	// The notices' own tests turn it on (world.withNotices).
	notices bool
}

type queued struct {
	task *asynq.Task
	at   time.Time
	seq  int
}

func newFakeQueue() *fakeQueue { return &fakeQueue{tasks: map[string]queued{}} }

func (q *fakeQueue) EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail {
		return nil, context.DeadlineExceeded
	}
	if t.Type() == jobs.TypeNotices && !q.notices {
		return &asynq.TaskInfo{}, nil
	}
	id, at := "", time.Time{}
	for _, o := range opts {
		switch o.Type() {
		case asynq.TaskIDOpt:
			id = o.Value().(string)
		case asynq.ProcessAtOpt:
			at = o.Value().(time.Time)
		}
	}
	if id == "" {
		q.seq++
		id = t.Type() + ":" + time.Now().String()
	}
	if _, ok := q.tasks[id]; ok {
		return nil, asynq.ErrTaskIDConflict
	}
	q.seq++
	q.tasks[id] = queued{task: t, at: at, seq: q.seq}
	return &asynq.TaskInfo{ID: id}, nil
}

// ids lists the task ids waiting, sorted.
func (q *fakeQueue) ids() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var ids []string
	for id := range q.tasks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// flush loses every task, as a flushed or replaced Redis does.
func (q *fakeQueue) flush() {
	q.mu.Lock()
	q.tasks = map[string]queued{}
	q.mu.Unlock()
}

// runDue runs, in order, every task due at now (and those they enqueue that are due too).
func (q *fakeQueue) runDue(t *testing.T, mux *asynq.ServeMux, now time.Time) int {
	t.Helper()
	ran := 0
	for {
		q.mu.Lock()
		var nextID string
		var next queued
		for id, qt := range q.tasks {
			if !qt.at.After(now) && (nextID == "" || qt.at.Before(next.at) || qt.at.Equal(next.at) && qt.seq < next.seq) {
				nextID, next = id, qt
			}
		}
		if nextID != "" {
			delete(q.tasks, nextID)
		}
		q.mu.Unlock()
		if nextID == "" {
			return ran
		}
		if err := mux.ProcessTask(context.Background(), next.task); err != nil {
			t.Fatalf("task %s: %v", nextID, err)
		}
		ran++
	}
}

// runType runs, in order, every task of the type waiting (and those they enqueue of the type).
func (q *fakeQueue) runType(t *testing.T, mux *asynq.ServeMux, typ string) {
	t.Helper()
	for {
		q.mu.Lock()
		var nextID string
		var next queued
		for id, qt := range q.tasks {
			if qt.task.Type() == typ && (nextID == "" || qt.seq < next.seq) {
				nextID, next = id, qt
			}
		}
		if nextID != "" {
			delete(q.tasks, nextID)
		}
		q.mu.Unlock()
		if nextID == "" {
			return
		}
		if err := mux.ProcessTask(context.Background(), next.task); err != nil {
			t.Fatalf("task %s: %v", nextID, err)
		}
	}
}

// world is a store with the demo, a clock, a fake queue and the real task handlers.
type world struct {
	t     *testing.T
	store *models.Store
	clock *storetest.Clock
	queue *fakeQueue
	mux   *asynq.ServeMux
	deps  jobs.Deps
	// events records what the store's report writer and the world's writes dispatch, and hands
	// it to the real dispatcher over the world's queue (useQueue).
	events *storetest.Events
	users  map[string]*models.User
}

// worldOption sets an option of the world's store.
type worldOption func(*models.Options)

// withEmail is SMTP configured: the store writes e-mail deliveries.
func withEmail(o *models.Options) { o.Email = true }

func newWorld(t *testing.T, start string, opts ...worldOption) *world {
	t.Helper()
	clock := storetest.NewClock(start)
	events := &storetest.Events{}
	opt := models.Options{Events: events}
	for _, o := range opts {
		o(&opt)
	}
	store := storetest.OpenWith(t, clock, opt)
	if _, err := store.SeedDemo(context.Background(), "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, store: store, clock: clock, queue: newFakeQueue(), mux: asynq.NewServeMux(),
		users: map[string]*models.User{}, events: events}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The test servers listen on loopback: the fetches are let reach it here, explicitly.
	w.deps = jobs.Deps{Store: store, Queue: w.queue, Clock: clock, Logger: log, Egress: egresstest.Loopback,
		Sender: &jobs.Sender{Egress: egresstest.Loopback}}
	jobs.Register(w.mux, w.deps)
	w.useQueue(w.queue)
	for _, spec := range models.DemoUsers() {
		u, err := store.Authenticate(context.Background(), spec.Username, "demo-pass-123")
		if err != nil {
			t.Fatal(err)
		}
		w.users[spec.Username] = u
	}
	return w
}

// useQueue makes what the world dispatches go to q, through the real dispatcher.
func (w *world) useQueue(q jobs.Enqueuer) {
	w.events.Then = jobs.NewDispatcher(q, w.deps.Logger)
}

// dispatch hands events to the world's dispatcher, as the web side does with those of its writes.
func (w *world) dispatch(events ...models.Event) {
	w.events.Dispatch(context.Background(), events...)
}

// submit reports a page; the store's report writer dispatches its TicketCreated once its group is
// committed, and (with the fake queue) the scheduling task that follows runs at once, as a worker
// would run it.
func (w *world) submit(url string) *models.Ticket {
	w.t.Helper()
	sub, err := w.store.SubmitReport(context.Background(), models.Report{PageURL: url, Category: "链接不可用",
		Description: "页面上的链接打不开了，请核实处理。"})
	if err != nil {
		w.t.Fatal(err)
	}
	// The store answers the caller before it dispatches: wait for it.
	w.events.Wait(w.t, storetest.Created(sub.Ticket.ID))
	if w.queue != nil {
		w.queue.runDue(w.t, w.mux, w.clock.Now())
	}
	return sub.Ticket
}

// act does an action and dispatches what it committed, as the web side does; the scheduling of
// the tickets' reminders and the page's recheck run at once (the fake queue), as a worker would
// run them, and the rest waits for its time.
func (w *world) act(user, ticketNo string, a models.Action) {
	w.t.Helper()
	r, err := w.store.Perform(context.Background(), w.users[user], ticketNo, a)
	if err != nil {
		w.t.Fatalf("%s %s: %v", user, a.Kind, err)
	}
	w.dispatch(r.Events...)
	if w.queue != nil {
		w.queue.runType(w.t, w.mux, jobs.TypeScheduleTickets)
		w.queue.runType(w.t, w.mux, jobs.TypeCheckPage)
	}
}

// at moves the clock and runs what is due.
func (w *world) at(shanghai string) int {
	w.t.Helper()
	w.clock.Set(storetest.At(shanghai))
	return w.queue.runDue(w.t, w.mux, w.clock.Now())
}

// inbox returns the titles of a user's notifications, oldest first.
func (w *world) inbox(user string) []string {
	w.t.Helper()
	ns, _, err := w.store.Notifications(context.Background(), w.users[user].ID, false, 1, 200)
	if err != nil {
		w.t.Fatal(err)
	}
	titles := make([]string, len(ns))
	for i, n := range ns {
		titles[len(ns)-1-i] = n.Title
	}
	return titles
}

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.store.SQLDB().QueryRow(query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}
