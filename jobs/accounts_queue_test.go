package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// An import uploaded while a round's site tasks wait is checked before they are all crawled:
// the staff member watching its page (排队中) does not wait for the round. The worker has one
// slot, so whatever runs first holds the other back; each crawl takes a tenth of a second, and
// the import must be done while crawls are still queued.
func TestAccountImportOvertakesARoundsQueuedCrawls(t *testing.T) {
	const backlog = 20
	const crawlTime = 100 * time.Millisecond
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	r, client, deps := w.realQueue()
	for site := int64(1); site <= backlog; site++ {
		task, opts := jobs.NewInspectSiteTask(1, site)
		if _, err := client.Enqueue(task, opts...); err != nil {
			t.Fatal(err)
		}
	}

	var crawled, crawledBeforeImport atomic.Int32
	crawledBeforeImport.Store(-1)
	crawling := make(chan struct{}, 1)
	srv := asynq.NewServer(r.Opt, asynq.Config{Concurrency: 1, Queues: jobs.Queues, ShutdownTimeout: time.Second,
		TaskCheckInterval: 20 * time.Millisecond, Logger: quietLogger{}})
	mux := asynq.NewServeMux()
	mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			switch t.Type() {
			case jobs.TypeInspectSite:
				// A stand-in for the crawl: it holds the worker's slot as long as a crawl
				// would; what a crawl finds is not this test's business.
				select {
				case crawling <- struct{}{}:
				default:
				}
				select {
				case <-time.After(crawlTime):
				case <-ctx.Done():
					return ctx.Err()
				}
				crawled.Add(1)
				return nil
			case jobs.TypeImportAccounts:
				err := next.ProcessTask(ctx, t)
				crawledBeforeImport.CompareAndSwap(-1, crawled.Load())
				return err
			}
			return next.ProcessTask(ctx, t)
		})
	})
	jobs.Register(mux, deps)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)

	<-crawling // the round is being crawled when the sheet is uploaded
	imp := w.startImport(client, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	// The import's state is committed inside its task, a moment before the middleware above
	// notes the crawls done by then: wait for both.
	waitUntil(t, "the import to be checked", func() bool {
		return w.importState(imp.ID).status != models.ImportRunning && crawledBeforeImport.Load() >= 0
	})
	if s := w.importState(imp.ID); s.status != models.ImportDone || s.results != 2 {
		t.Fatalf("the import: %+v", s)
	}
	if n := crawledBeforeImport.Load(); n < 0 || n >= backlog {
		t.Fatalf("the import was checked after %d of the round's %d crawls, want before the backlog drained", n, backlog)
	}
	t.Logf("the import was checked after %d of %d crawls", crawledBeforeImport.Load(), backlog)
}
