package jobs

import (
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Periodic is a task the scheduler enqueues on a cron spec (Asia/Shanghai).
type Periodic struct {
	Spec string
	Task *asynq.Task
	Opts []asynq.Option
}

// PeriodicTasks lists every periodic task. Each carries asynq.Unique for most of its period, so that
// when several scheduler replicas enqueue the same tick, one task runs.
func PeriodicTasks(reconcileEvery time.Duration) []Periodic {
	return []Periodic{
		// The inspection: availability probes every half hour (48 a day, the indicator asks for
		// 20), and a round of every running site early on Monday.
		{Spec: "*/30 * * * *", Task: NewProbeSitesTask(), Opts: []asynq.Option{asynq.Unique(ProbeEvery * 9 / 10), asynq.MaxRetry(1), asynq.Timeout(5 * time.Minute)}},
		// The weekly round is full; on the other days an incremental round asks only for what
		// changed.
		{Spec: "0 2 * * 1", Task: scheduledRoundTask(), Opts: []asynq.Option{asynq.Unique(time.Hour), asynq.MaxRetry(10), asynq.Timeout(5 * time.Minute)}},
		{Spec: "0 2 * * 0,2-6", Task: NewDailyRoundTask(), Opts: []asynq.Option{asynq.Unique(time.Hour), asynq.MaxRetry(10), asynq.Timeout(5 * time.Minute)}},
		{Spec: "@every " + reconcileEvery.String(), Task: NewReconcileTask(),
			Opts: []asynq.Option{asynq.Unique(reconcileEvery * 9 / 10), asynq.MaxRetry(0), asynq.Timeout(reconcileEvery)}},
		{Spec: "17 * * * *", Task: NewCleanupCaptchasTask(), Opts: []asynq.Option{asynq.Unique(50 * time.Minute), asynq.MaxRetry(1)}},
		{Spec: "7 * * * *", Task: NewRemindRectificationsTask(), Opts: []asynq.Option{asynq.Unique(50 * time.Minute), asynq.MaxRetry(3)}},
		// January only: the annual reports are due on the 31st.
		{Spec: "37 * * 1 *", Task: NewRemindAnnualReportsTask(), Opts: []asynq.Option{asynq.Unique(50 * time.Minute), asynq.MaxRetry(3)}},
		{Spec: "@every " + RateRollupsEvery.String(), Task: NewRateRollupsTask(),
			Opts: []asynq.Option{asynq.Unique(RateRollupsEvery * 9 / 10), asynq.MaxRetry(0), asynq.Timeout(RateRollupsEvery)}},
	}
}

// RegisterPeriodic adds the periodic tasks to a scheduler.
func RegisterPeriodic(s *asynq.Scheduler, reconcileEvery time.Duration) error {
	for _, p := range PeriodicTasks(reconcileEvery) {
		if _, err := s.Register(p.Spec, p.Task, p.Opts...); err != nil {
			return fmt.Errorf("jobs: schedule %s (%s): %w", p.Task.Type(), p.Spec, err)
		}
	}
	return nil
}

// ReconcileAtStart is the reconcile a process enqueues when it starts; Unique keeps replicas
// starting together to one.
func ReconcileAtStart() (*asynq.Task, []asynq.Option) {
	return NewReconcileTask(), []asynq.Option{asynq.Unique(30 * time.Second), asynq.MaxRetry(3)}
}
