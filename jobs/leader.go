package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leadership elects one worker replica to run the periodic scheduler. Every worker replica runs
// an asynq.Scheduler otherwise, and each enqueues every tick: asynq.Unique keeps two ticks of
// the same second to one task, but releases its lock when the task is done, so replicas whose
// clocks or "@every" offsets differ would run each periodic task once per replica.
//
// The lease is a Redis key set with NX and a TTL, renewed at a third of it by its holder only.
// A replica that cannot renew (Redis away, or the key gone to another) stops leading before its
// lease ends; one that dies leaves the key to expire, and another takes over within TTL.
type Leadership struct {
	Redis  redis.UniversalClient
	Key    string        // e.g. "zc:leader:scheduler"
	TTL    time.Duration // how long a dead leader holds the lease
	Logger *slog.Logger

	once sync.Once
	id   string
}

// LeaderKeyScheduler is the lease of the periodic scheduler.
const LeaderKeyScheduler = "zc:leader:scheduler"

var (
	renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)
	leaveScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
)

// ID is this replica's name in the lease.
func (l *Leadership) ID() string {
	l.once.Do(func() {
		b := make([]byte, 8)
		rand.Read(b)
		l.id = hex.EncodeToString(b)
	})
	return l.id
}

// Run calls lead with a context that ends when this replica stops being the leader, each time it
// becomes one, until ctx ends; then it gives the lease up. It returns when lead has returned.
func (l *Leadership) Run(ctx context.Context, lead func(ctx context.Context)) {
	every := l.TTL / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if l.acquire(ctx) {
			l.Logger.Info("leading", "lease", l.Key)
			l.hold(ctx, every, lead)
			l.Logger.Info("no longer leading", "lease", l.Key)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once runs lead under the lease if it is free, as Run does for as long as it can, and reports
// whether lead ran: the lease is renewed while lead runs (lead's context ends if it is lost) and
// given up when lead returns. A lease held by another is no error: lead does not run.
func (l *Leadership) Once(ctx context.Context, lead func(ctx context.Context)) (bool, error) {
	ok, err := l.Redis.SetNX(ctx, l.Key, l.ID(), l.TTL).Result()
	if err != nil || !ok {
		return false, err
	}
	l.hold(ctx, l.TTL/3, lead)
	return true, nil
}

func (l *Leadership) acquire(ctx context.Context) bool {
	ok, err := l.Redis.SetNX(ctx, l.Key, l.ID(), l.TTL).Result()
	if err != nil && ctx.Err() == nil {
		l.Logger.Warn("leader election: Redis unavailable", "lease", l.Key, "error", err)
	}
	return err == nil && ok
}

// hold runs lead while the lease is renewed; it returns after lead has.
func (l *Leadership) hold(ctx context.Context, every time.Duration, lead func(ctx context.Context)) {
	leadCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lead(leadCtx)
	}()
	defer func() {
		cancel()
		<-done
		// Give the lease up at once, so another replica need not wait for it to expire.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer rcancel()
		leaveScript.Run(rctx, l.Redis, []string{l.Key}, l.ID())
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	lastRenewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-t.C:
		}
		rctx, rcancel := context.WithTimeout(ctx, every)
		n, err := renewScript.Run(rctx, l.Redis, []string{l.Key}, l.ID(), l.TTL.Milliseconds()).Int()
		rcancel()
		switch {
		case err == nil && n == 1:
			lastRenewed = time.Now()
		case err == nil:
			l.Logger.Warn("lease lost: it passed to another replica", "lease", l.Key)
			return
		case time.Since(lastRenewed) > l.TTL-every:
			// Redis has not answered for most of the lease: stop before another may take it.
			l.Logger.Warn("lease lost: Redis did not renew it", "lease", l.Key, "error", err)
			return
		}
	}
}
