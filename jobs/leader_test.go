package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"zhaocuo/jobs"
	"zhaocuo/models/storetest"
)

// leaders watches replicas' lead functions: who leads now, and the most that ever led at once.
type leaders struct {
	mu   sync.Mutex
	now  map[int]bool
	most int
}

func (l *leaders) lead(i int) func(ctx context.Context) {
	return func(ctx context.Context) {
		l.set(i, true)
		<-ctx.Done()
		l.set(i, false)
	}
}

func (l *leaders) set(i int, on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if on {
		l.now[i] = true
	} else {
		delete(l.now, i)
	}
	l.most = max(l.most, len(l.now))
}

func (l *leaders) current() (leader int, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	leader = -1
	for i := range l.now {
		leader = i
	}
	return leader, len(l.now)
}

func waitForLeaders(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// Three worker replicas: one runs the scheduler at a time; when it stops, another takes over;
// when its lease is lost (Redis flushed, or taken), it stops leading until it wins it again.
func TestOneReplicaLeadsTheScheduler(t *testing.T) {
	rds := storetest.NewRedis(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	l := &leaders{now: map[int]bool{}}
	var cancels []context.CancelFunc
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		cancels = append(cancels, cancel)
		le := &jobs.Leadership{Redis: rds.Client, Key: jobs.LeaderKeyScheduler, TTL: 300 * time.Millisecond, Logger: log}
		wg.Add(1)
		go func() { defer wg.Done(); le.Run(ctx, l.lead(i)) }()
	}
	defer func() {
		for _, c := range cancels {
			c()
		}
		wg.Wait()
	}()

	waitForLeaders(t, "a leader", func() bool { _, n := l.current(); return n == 1 })
	first, _ := l.current()

	// The leader stops (its replica shuts down): another takes over.
	cancels[first]()
	waitForLeaders(t, "another leader", func() bool { i, n := l.current(); return n == 1 && i != first })

	// The lease is taken from under it: it stops leading, and no one leads while it is held.
	ctx := context.Background()
	if err := rds.Client.Set(ctx, jobs.LeaderKeyScheduler, "someone-else", 0).Err(); err != nil {
		t.Fatal(err)
	}
	waitForLeaders(t, "the leader to step down", func() bool { _, n := l.current(); return n == 0 })

	// The lease is free again: one of the two left wins it.
	rds.Client.Del(ctx, jobs.LeaderKeyScheduler)
	waitForLeaders(t, "a new leader", func() bool { i, n := l.current(); return n == 1 && i != first })
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.most != 1 {
		t.Fatalf("%d replicas led at once", l.most)
	}
}

// A lease taken once is renewed for as long as its work runs, past its TTL, and given up when the
// work is done; while another holds it, the work does not run.
func TestALeaseTakenOnceLastsAsLongAsItsWork(t *testing.T) {
	rds := storetest.NewRedis(t)
	ctx := context.Background()
	const ttl = 600 * time.Millisecond
	lease := &jobs.Leadership{Redis: rds.Client, Key: jobs.LockKeyReconcile, TTL: ttl, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	wait := func(d time.Duration) { // real time for a real Redis, and the same for miniredis's clock
		time.Sleep(d)
		if rds.Mini != nil {
			rds.Mini.FastForward(d)
		}
	}

	var held []string
	ran, err := lease.Once(ctx, func(ctx context.Context) {
		for range 3 { // nine tenths of the TTL each: without renewal it would lapse during the second
			wait(ttl * 9 / 10)
			v, _ := rds.Client.Get(ctx, jobs.LockKeyReconcile).Result()
			held = append(held, v)
		}
	})
	if err != nil || !ran {
		t.Fatalf("the free lease: ran %v, error %v", ran, err)
	}
	for i, v := range held {
		if v != lease.ID() {
			t.Fatalf("after %v of work the lease holds %q, want this one's %q", time.Duration(i+1)*ttl*9/10, v, lease.ID())
		}
	}
	if n, _ := rds.Client.Exists(ctx, jobs.LockKeyReconcile).Result(); n != 0 {
		t.Fatal("the lease outlived its work")
	}

	rds.Client.Set(ctx, jobs.LockKeyReconcile, "another worker", time.Minute)
	ran, err = lease.Once(ctx, func(context.Context) { t.Error("the work ran under another's lease") })
	if err != nil || ran {
		t.Fatalf("a held lease: ran %v, error %v", ran, err)
	}
	if v, _ := rds.Client.Get(ctx, jobs.LockKeyReconcile).Result(); v != "another worker" {
		t.Fatalf("the other's lease: %q", v)
	}
}
