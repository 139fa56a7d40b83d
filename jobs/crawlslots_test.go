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

// While a round fills every crawl slot of a worker, a reminder that comes due is still taken:
// the worker's two servers, configured as the program configures them (WorkerServer and
// CrawlServer), give the crawls slots of their own. The crawls here never end, so a reminder
// taken can only have been taken by a slot no crawl could hold.
func TestReminderTakenWhileEveryCrawlSlotIsBusy(t *testing.T) {
	r := storetest.NewRedis(t)
	client := asynq.NewClient(r.Opt)
	t.Cleanup(func() { client.Close() })

	release := make(chan struct{})
	var crawling, reminded atomic.Int32
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeInspectSite, func(ctx context.Context, _ *asynq.Task) error {
		crawling.Add(1)
		select { // a crawl of a site that never ends while the test runs
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	mux.HandleFunc(jobs.TypeReminder, func(context.Context, *asynq.Task) error {
		reminded.Add(1)
		return nil
	})
	const crawls = 2
	for _, c := range []asynq.Config{jobs.WorkerServer(1), jobs.CrawlServer(crawls)} {
		c.Logger, c.ShutdownTimeout, c.TaskCheckInterval = quietLogger{}, time.Second, 20*time.Millisecond
		srv := asynq.NewServer(r.Opt, c)
		if err := srv.Start(mux); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Shutdown)
	}
	t.Cleanup(func() { close(release) })

	// A round of more sites than the crawl server has slots, spare slots included.
	for site := range int64(crawls + 10) {
		task, opts := jobs.NewInspectSiteTask(1, site+1)
		if _, err := client.Enqueue(task, opts...); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "every crawl slot to be busy", func() bool { return crawling.Load() >= crawls+4 }) // spare slots too
	task := asynq.NewTask(jobs.TypeReminder, []byte(`{}`))
	if _, err := client.Enqueue(task, asynq.Queue(jobs.QueueReminders)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reminder to be taken", func() bool { return reminded.Load() == 1 })
}

// Each half hour a probe of every site is queued at once, a thousand in a province, each
// waiting up to inspector.ProbeTimeout on its site. A reminder due meanwhile is taken while
// the probes are still waiting: they have slots of their own (they had held every slot of
// the reminders' queue, and a reminder then waited for them all). The probes here never end.
func TestReminderTakenWhileTheHalfHourProbesWait(t *testing.T) {
	r := storetest.NewRedis(t)
	client := asynq.NewClient(r.Opt)
	t.Cleanup(func() { client.Close() })

	release := make(chan struct{})
	var probing, reminded atomic.Int32
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeProbeSite, func(ctx context.Context, _ *asynq.Task) error {
		probing.Add(1)
		select { // a site that does not answer while the test runs
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	mux.HandleFunc(jobs.TypeReminder, func(context.Context, *asynq.Task) error {
		reminded.Add(1)
		return nil
	})
	const workerSlots = 2
	for _, c := range []asynq.Config{jobs.WorkerServer(workerSlots), jobs.CrawlServer(2)} {
		c.Logger, c.ShutdownTimeout, c.TaskCheckInterval = quietLogger{}, time.Second, 20*time.Millisecond
		srv := asynq.NewServer(r.Opt, c)
		if err := srv.Start(mux); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Shutdown)
	}
	t.Cleanup(func() { close(release) })

	slot := time.Now().Truncate(jobs.ProbeEvery)
	for site := range int64(workerSlots + 20) {
		task, opts := jobs.NewProbeSiteTask(site+1, slot)
		if _, err := client.Enqueue(task, opts...); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the probes to start", func() bool { return probing.Load() >= workerSlots })
	task, opts := jobs.NewReminderTask(models.Stage{TicketID: 1, Kind: models.StageOverdue, At: time.Now(), Version: 1})
	if _, err := client.Enqueue(task, opts...); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reminder to be taken while the probes wait", func() bool { return reminded.Load() == 1 })
}
