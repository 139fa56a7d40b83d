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
