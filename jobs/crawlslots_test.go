package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// busyWorker is a worker's two servers, configured as the program configures them
// (WorkerServer and CrawlServer), over a mux whose tasks of one type never end while the test
// runs (started counts them as they start) and whose reminders are counted as taken.
type busyWorker struct {
	client            *asynq.Client
	started, reminded atomic.Int32
}

func startBusyWorker(t *testing.T, busy string, workerSlots, crawls int) *busyWorker {
	t.Helper()
	r := storetest.NewRedis(t)
	w := &busyWorker{client: asynq.NewClient(r.Opt)}
	t.Cleanup(func() { w.client.Close() })
	release := make(chan struct{})
	mux := asynq.NewServeMux()
	mux.HandleFunc(busy, func(ctx context.Context, _ *asynq.Task) error {
		w.started.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	mux.HandleFunc(jobs.TypeReminder, func(context.Context, *asynq.Task) error {
		w.reminded.Add(1)
		return nil
	})
	for _, c := range []asynq.Config{jobs.WorkerServer(workerSlots), jobs.CrawlServer(crawls)} {
		c.Logger, c.ShutdownTimeout, c.TaskCheckInterval = quietLogger{}, time.Second, 20*time.Millisecond
		srv := asynq.NewServer(r.Opt, c)
		if err := srv.Start(mux); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Shutdown)
	}
	t.Cleanup(func() { close(release) })
	return w
}

func (w *busyWorker) enqueue(t *testing.T, task *asynq.Task, opts []asynq.Option) {
	t.Helper()
	if _, err := w.client.Enqueue(task, opts...); err != nil {
		t.Fatal(err)
	}
}

// While a round fills every crawl slot of a worker, a reminder that comes due is still taken:
// the worker's two servers give the crawls slots of their own. The crawls here never end, so a
// reminder taken can only have been taken by a slot no crawl could hold.
func TestReminderTakenWhileEveryCrawlSlotIsBusy(t *testing.T) {
	const crawls = 2
	w := startBusyWorker(t, jobs.TypeInspectSite, 1, crawls)
	// A round of more sites than the crawl server has slots, spare slots included.
	for site := range int64(crawls + 10) {
		task, opts := jobs.NewInspectSiteTask(1, site+1)
		w.enqueue(t, task, opts)
	}
	waitUntil(t, "every crawl slot to be busy", func() bool { return w.started.Load() >= crawls+4 }) // spare slots too
	w.enqueue(t, asynq.NewTask(jobs.TypeReminder, []byte(`{}`)), []asynq.Option{asynq.Queue(jobs.QueueReminders)})
	waitUntil(t, "the reminder to be taken", func() bool { return w.reminded.Load() == 1 })
}

// Each half hour a probe of every site is queued at once, a thousand in a province, each
// waiting up to inspector.ProbeTimeout on its site. A reminder due meanwhile is taken while
// the probes are still waiting: they have slots of their own (they had held every slot of
// the reminders' queue, and a reminder then waited for them all). The probes here never end.
func TestReminderTakenWhileTheHalfHourProbesWait(t *testing.T) {
	const workerSlots = 2
	w := startBusyWorker(t, jobs.TypeProbeSite, workerSlots, 2)
	slot := time.Now().Truncate(jobs.ProbeEvery)
	for site := range int64(workerSlots + 20) {
		task, opts := jobs.NewProbeSiteTask(site+1, slot)
		w.enqueue(t, task, opts)
	}
	waitUntil(t, "the probes to start", func() bool { return w.started.Load() >= workerSlots })
	task, opts := jobs.NewReminderTask(models.Stage{TicketID: 1, Kind: models.StageOverdue, At: time.Now(), Version: 1})
	w.enqueue(t, task, opts)
	waitUntil(t, "the reminder to be taken while the probes wait", func() bool { return w.reminded.Load() == 1 })
}
