package jobs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/models"
)

// TypeReconcile rebuilds the reminder schedule from the database: the database is the truth and
// Redis only a schedule, so after Redis is flushed or replaced every due reminder still goes out,
// late by at most one reconciler period. It rebuilds the rest of the work that models.Event says
// follows a commit too: deliveries, page checks, account imports, the workflow notices' pass
// (rounds are resumed by the probes' task, each half hour: resumeRounds).
const TypeReconcile = "reminder:reconcile"

func NewReconcileTask() *asynq.Task { return asynq.NewTask(TypeReconcile, nil) }

const (
	reconcilePage    = 2000
	reconcileWorkers = 16
	// A delivery still pending this long after its last attempt has lost its task.
	staleDelivery = 10 * time.Minute
)

// ReconcileReport says what a reconcile pass found and did.
type ReconcileReport struct {
	Duplicates                            int // duplicates left behind by their primary, settled (models.Store.SettleDuplicates)
	Tickets, Stages, Enqueued, Deliveries int
	PageChecks                            int // citizens' pages to fetch on arrival or after a reply, queued again
	Imports, ImportsFailed                int // account imports queued again, and failed past their time
	Notices                               int // things waiting to be told (workflow notices): their pass queued
	Recounted                             int // deadlines moved by the unfinished recount of a calendar change
}

// LockKeyReconcile holds reconciles to one at a time across workers. The scheduler enqueues one
// task a tick, and asynq.Unique keeps a tick to one task, but only for nine tenths of the period:
// ticks whose tasks wait longer than that for a free worker slot (every slot busy with slow page
// checks, say) would run side by side, each reading every open ticket. A reconcile that finds the
// lock held leaves the work to the one running, or to the next tick for what that one has passed
// already. The lock is a lease renewed while the reconcile runs, however long that is; it lapses
// within its TTL when its worker dies, and a flushed Redis loses it with the tasks.
const (
	LockKeyReconcile = "zc:lock:reconcile"
	reconcileLockTTL = 30 * time.Second
)

func (h *worker) reconcile(ctx context.Context, t *asynq.Task) error {
	if h.Redis == nil {
		return h.reconcileNow(ctx)
	}
	var err error
	lock := &Leadership{Redis: h.Redis, Key: LockKeyReconcile, TTL: reconcileLockTTL, Logger: h.Logger}
	ran, lerr := lock.Once(ctx, func(ctx context.Context) { err = h.reconcileNow(ctx) })
	switch {
	case lerr != nil:
		return lerr
	case !ran:
		h.Logger.Info("reminders not reconciled: a reconcile is running", "lock", LockKeyReconcile)
		return nil // the one running does this one's work
	}
	return err
}

func (h *worker) reconcileNow(ctx context.Context) error {
	start := time.Now()
	r, err := Reconcile(ctx, h.Deps)
	if err != nil {
		return err
	}
	h.Logger.Info("reminders reconciled", "duplicates", r.Duplicates, "tickets", r.Tickets, "stages", r.Stages, "enqueued", r.Enqueued,
		"deliveries", r.Deliveries, "page_checks", r.PageChecks, "imports", r.Imports, "imports_failed", r.ImportsFailed, "notices", r.Notices, "recounted", r.Recounted, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Reconcile settles duplicates left behind by their primary; derives from the open tickets which
// reminder tasks should exist, and enqueues those Redis does not hold; then re-queues the
// deliveries, page checks and account imports whose task was lost, and the notices' pass when
// something waits to be told.
func Reconcile(ctx context.Context, d Deps) (ReconcileReport, error) {
	var r ReconcileReport
	settled, err := d.Store.SettleDuplicates(ctx)
	if settled != nil {
		// Those released are open now: their reminders are scheduled below with the others' too.
		r.Duplicates = len(settled.Others)
		if qerr := d.dispatcher().Dispatch(ctx, settled.Events...); qerr != nil && err == nil {
			err = qerr
		}
	}
	if err != nil {
		return r, err
	}
	// A calendar change whose recount was cut short is finished before the reminders are derived
	// from the deadlines.
	recounted, err := d.Store.RecountDeadlines(ctx)
	if recounted != nil {
		r.Recounted = recounted.Moved
		if qerr := d.dispatcher().Dispatch(ctx, recounted.Events...); qerr != nil && err == nil {
			err = qerr
		}
	}
	if err != nil {
		return r, err
	}
	set, cal, err := d.Store.ReminderRules(ctx)
	if err != nil {
		return r, err
	}
	now := d.Clock.Now()
	var after int64
	for {
		tickets, sent, err := d.Store.OpenTicketsForReminders(ctx, after, reconcilePage)
		if err != nil {
			return r, err
		}
		if len(tickets) == 0 {
			break
		}
		after = tickets[len(tickets)-1].ID
		r.Tickets += len(tickets)
		var stages []models.Stage
		for i := range tickets {
			stages = append(stages, models.NextStages(&tickets[i], sent[tickets[i].ID], now, set, cal)...)
		}
		r.Stages += len(stages)
		missing, err := missingTasks(ctx, d, stages)
		if err != nil {
			return r, err
		}
		n, err := enqueueAll(ctx, d.Queue, missing)
		r.Enqueued += n
		if err != nil {
			return r, err
		}
	}
	ids, err := d.Store.StalePendingDeliveries(ctx, staleDelivery, 10000)
	if err != nil {
		return r, err
	}
	n, err := enqueueDeliveries(ctx, d.Queue, ids)
	r.Deliveries += n
	if err != nil {
		return r, err
	}
	if err := requeuePageChecks(ctx, d, &r); err != nil {
		return r, err
	}
	if err := requeueImports(ctx, d, &r); err != nil {
		return r, err
	}
	return r, kickNotices(ctx, d, &r)
}

// kickNotices queues the notices' pass when something waits to be told: an event whose task was
// lost (a flushed Redis, a process that died after its commit) is read from the database like
// any other, past the cursors.
func kickNotices(ctx context.Context, d Deps, r *ReconcileReport) error {
	n, err := d.Store.PendingNotices(ctx)
	if err != nil || n == 0 {
		return err
	}
	r.Notices = n
	task, opts := NewCatchUpNoticesTask()
	if _, err := d.Queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	return nil
}

// arrivalCheckWindow is how long after a citizen's report its page is still fetched as it was
// on arrival: a fetch later than that no longer shows what the citizen saw, and the reviewer is
// told there was none (models.PageVerdict).
const arrivalCheckWindow = time.Hour

// requeuePageChecks queues the page checks of citizens' tickets that have none: the fetch on
// arrival of a report within arrivalCheckWindow, and the fetch after the latest reply of a ticket
// in review. A check queued or running already keeps its task id, and queueing it again is
// refused; one that failed for good is archived under its id and not retried.
func requeuePageChecks(ctx context.Context, d Deps, r *ReconcileReport) error {
	if !d.PageChecks {
		return nil
	}
	arrivals, rechecks, err := d.Store.MissingPageChecks(ctx, d.Clock.Now().Add(-arrivalCheckWindow))
	if err != nil {
		return err
	}
	var tasks []queuedTask
	for _, id := range arrivals {
		tasks = append(tasks, queued(NewCheckPageTask(id, models.PageCheckArrival, 0)))
	}
	for _, t := range rechecks {
		tasks = append(tasks, queued(NewCheckPageTask(t.TicketID, models.PageCheckRecheck, t.Version)))
	}
	n, err := enqueueTasks(ctx, d.Queue, tasks)
	r.PageChecks += n
	return err
}

// enqueueDeliveries queues the deliveries' tasks; one queued already is fine. It returns how many
// it added.
func enqueueDeliveries(ctx context.Context, q Enqueuer, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		task, opts := NewDeliveryTask(id)
		if _, err := q.EnqueueContext(ctx, task, opts...); err == nil {
			n++
		} else if !errors.Is(err, asynq.ErrTaskIDConflict) {
			return n, err
		}
	}
	return n, nil
}

// requeueImports queues again the task of every account import still running within its time,
// and fails, with the reason, those past it (dropping the rows they waited with). The database
// holds the import and its rows, Redis only its task, which a process that died before queueing
// it, a flushed Redis or asynq's archive may have lost. A task still waiting or running keeps its
// id, and queueing it again is refused; an archived one is replaced (see requeueArchived).
func requeueImports(ctx context.Context, d Deps, r *ReconcileReport) error {
	imps, err := d.Store.RunningAccountImports(ctx)
	if err != nil {
		return err
	}
	h := &worker{Deps: d, events: d.dispatcher()}
	for _, imp := range imps {
		if imp.Status == models.ImportFailed {
			if err := h.failImport(ctx, imp.ID, imp.Error); err != nil {
				return err
			}
			r.ImportsFailed++
			continue
		}
		task, opts := NewImportAccountsTask(imp.ID)
		_, err := d.Queue.EnqueueContext(ctx, task, opts...)
		if err == nil {
			r.Imports++
		} else if errors.Is(err, asynq.ErrTaskIDConflict) {
			err = h.requeueArchived(ctx, QueueImports, importTaskID(imp.ID), task, opts)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// missingTasks keeps the stages whose task Redis does not hold, asking in one pipelined round
// trip per page. It reads asynq's key for a task ("asynq:{queue}:t:<id>"); were that layout to
// change, every stage would look missing and be enqueued, and asynq would refuse the ones it has:
// slower, still right.
func missingTasks(ctx context.Context, d Deps, stages []models.Stage) ([]models.Stage, error) {
	if d.Redis == nil || len(stages) == 0 {
		return stages, nil
	}
	pipe := d.Redis.Pipeline()
	cmds := make([]interface{ Val() int64 }, len(stages))
	for i, st := range stages {
		cmds[i] = pipe.Exists(ctx, "asynq:{"+QueueReminders+"}:t:"+st.TaskID())
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	var missing []models.Stage
	for i, st := range stages {
		if cmds[i].Val() == 0 {
			missing = append(missing, st)
		}
	}
	return missing, nil
}

// enqueueAll enqueues the stages' reminder tasks (see enqueueTasks).
func enqueueAll(ctx context.Context, q Enqueuer, stages []models.Stage) (int, error) {
	tasks := make([]queuedTask, len(stages))
	for i, st := range stages {
		tasks[i].task, tasks[i].opts = NewReminderTask(st)
	}
	return enqueueTasks(ctx, q, tasks)
}

// queuedTask is a task with its options, ready to enqueue.
type queuedTask struct {
	task *asynq.Task
	opts []asynq.Option
}

// enqueueTasks enqueues tasks with a few concurrent clients; a task that exists already is fine.
// It returns how many it added.
func enqueueTasks(ctx context.Context, q Enqueuer, tasks []queuedTask) (int, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		n        int
		firstErr error
	)
	work := make(chan queuedTask)
	for w := 0; w < min(reconcileWorkers, len(tasks)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				_, err := q.EnqueueContext(ctx, t.task, t.opts...)
				mu.Lock()
				switch {
				case err == nil:
					n++
				case !errors.Is(err, asynq.ErrTaskIDConflict) && firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, t := range tasks {
		work <- t
	}
	close(work)
	wg.Wait()
	return n, firstErr
}
