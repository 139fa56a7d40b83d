package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// periodicLeader is the periodic scheduler of a worker replica: an asynq.Scheduler runs while
// this replica holds the scheduler's lease in Redis, so periodic tasks are enqueued by one
// replica, however many run.
type periodicLeader struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// leaseTTL is how long the scheduler may be without a leader after its leader dies.
const leaseTTL = 15 * time.Second

func startPeriodicLeader(ctx context.Context, cfg *Config, rds *redisConn, log *slog.Logger) *periodicLeader {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &periodicLeader{cancel: cancel, done: make(chan struct{})}
	slog := log.With("component", "scheduler")
	lease := &jobs.Leadership{Redis: rds.client, Key: jobs.LeaderKeyScheduler, TTL: leaseTTL, Logger: slog}
	go func() {
		defer close(s.done)
		lease.Run(ctx, func(ctx context.Context) {
			// On the replica's own Redis client: a scheduler that fails to start is never shut
			// down (asynq ignores Shutdown before Start), so one with a client of its own would
			// leave that connection pool open at every failed turn of the lease.
			periodic := asynq.NewSchedulerFromRedisClient(rds.client, &asynq.SchedulerOpts{Location: models.Shanghai, Logger: schedulerLogger{asynqLogger{slog}}})
			if err := jobs.RegisterPeriodic(periodic, cfg.ReconcileEvery); err != nil {
				slog.Error("periodic tasks not scheduled", "error", err)
				return
			}
			if err := periodic.Start(); err != nil {
				slog.Error("start scheduler", "error", err)
				return
			}
			<-ctx.Done()
			periodic.Shutdown()
		})
	}()
	return s
}

// Shutdown stops the scheduler and gives the lease up.
func (s *periodicLeader) Shutdown() {
	s.cancel()
	<-s.done
}

// schedulerLogger is asynqLogger for a scheduler on a shared Redis client: its Shutdown tries to
// close the client, is refused, as it should be, and says so as an error at every handover.
type schedulerLogger struct{ asynqLogger }

func (l schedulerLogger) Error(args ...any) {
	if msg := fmt.Sprint(args...); strings.Contains(msg, "connection is shared") {
		l.l.Debug(msg)
		return
	}
	l.asynqLogger.Error(args...)
}
