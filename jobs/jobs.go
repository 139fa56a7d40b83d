// Package jobs is the background work, on asynq: each task type has a name constant, a payload,
// a constructor and a handler, shaped like asynq's README. Every handler re-reads the database and
// is safe to run twice. Register lists them all; schedule.go lists every periodic task.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
)

// Queues and their weights: reminders first, so that slow mail never holds one back.
const (
	QueueReminders  = "default"
	QueueDeliveries = "notify"
)

// Queues is the worker's queue configuration.
var Queues = map[string]int{QueueReminders: 6, QueueDeliveries: 3}

// Enqueuer puts a task on the queue; *asynq.Client is one.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Deps is what the task handlers need.
type Deps struct {
	Store  *models.Store
	Queue  Enqueuer
	Redis  redis.UniversalClient // for the reconciler's check of which tasks exist
	Sender *Sender
	Clock  models.Clock
	Logger *slog.Logger
}

// Register adds every task handler to the worker's mux.
func Register(mux *asynq.ServeMux, d Deps) {
	h := &handlers{Deps: d, sched: &Scheduler{Store: d.Store, Queue: d.Queue, Clock: d.Clock, Logger: d.Logger}}
	mux.HandleFunc(TypeCleanupCaptchas, h.cleanupCaptchas)
	mux.HandleFunc(TypeReminder, h.sendReminder)
	mux.HandleFunc(TypeScheduleTickets, h.scheduleTickets)
	mux.HandleFunc(TypeDelivery, h.deliver)
	mux.HandleFunc(TypeConfirmation, h.confirm)
	mux.HandleFunc(TypeReconcile, h.reconcile)
	mux.HandleFunc(TypeRateRollups, h.rateRollups)
	mux.HandleFunc(TypeRemindRectifications, h.remindRectifications)
}

type handlers struct {
	Deps
	sched *Scheduler
}

// enqueueTimeout bounds an enqueue made on someone's behalf: a slow Redis must not hold up a
// citizen or a handler; whatever is not scheduled now, the reconciler schedules later.
const enqueueTimeout = 300 * time.Millisecond
