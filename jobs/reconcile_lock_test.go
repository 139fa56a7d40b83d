package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
)

// Reconciles run one at a time: one that starts while another worker's holds the lock leaves the
// work to it and keeps its hands off the lock; once that one is done the next does the work, and
// lets the lock go after it.
func TestReconcilesRunOneAtATime(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	w.submit("https://gzw.sc.gov.cn/a.html") // its reminders went to the world's queue, not to Redis
	r, _, deps := w.realQueue()
	mux := asynq.NewServeMux()
	jobs.Register(mux, deps)
	ctx := context.Background()
	tasks := asynq.NewInspectorFromRedisClient(r.Client)
	queued := func() int { // waiting in any state: the world's clock is in 2025, so they are due
		t.Helper()
		queues, err := tasks.Queues()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(queues, jobs.QueueReminders) {
			return 0 // nothing was ever queued on it
		}
		info, err := tasks.GetQueueInfo(jobs.QueueReminders)
		if err != nil {
			t.Fatal(err)
		}
		return info.Size
	}

	if err := r.Client.Set(ctx, jobs.LockKeyReconcile, "another worker", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := mux.ProcessTask(ctx, jobs.NewReconcileTask()); err != nil {
		t.Fatal(err)
	}
	if n := queued(); n != 0 {
		t.Fatalf("%d reminder tasks queued while another reconcile ran, want none", n)
	}
	if v, _ := r.Client.Get(ctx, jobs.LockKeyReconcile).Result(); v != "another worker" {
		t.Fatalf("the other reconcile's lock: %q", v)
	}

	r.Client.Del(ctx, jobs.LockKeyReconcile) // the other one is done
	if err := mux.ProcessTask(ctx, jobs.NewReconcileTask()); err != nil {
		t.Fatal(err)
	}
	if n := queued(); n != 2 {
		t.Fatalf("%d reminder tasks queued, want the ticket's due-soon and overdue", n)
	}
	if n, _ := r.Client.Exists(ctx, jobs.LockKeyReconcile).Result(); n != 0 {
		t.Fatal("the lock outlived its reconcile")
	}
}
