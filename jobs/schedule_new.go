package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/models"
)

// TypeScheduleTickets schedules the first reminders of a group of new tickets. The report writer
// enqueues one per committed group, so a busy hour of reports costs Redis one call per group on
// the way in, not two per report; the worker then puts each ticket's due-soon and overdue tasks
// on the queue together, moments after the commit.
const TypeScheduleTickets = "reminder:schedule"

type scheduleTicketsPayload struct {
	TicketIDs []int64 `json:"ticket_ids"`
}

func NewScheduleTicketsTask(ids []int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(scheduleTicketsPayload{TicketIDs: ids})
	return asynq.NewTask(TypeScheduleTickets, b), []asynq.Option{asynq.Queue(QueueReminders), asynq.MaxRetry(5), asynq.Timeout(time.Minute)}
}

func (h *handlers) scheduleTickets(ctx context.Context, t *asynq.Task) error {
	var p scheduleTicketsPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("schedule payload: %v: %w", err, asynq.SkipRetry)
	}
	tickets, sent, err := h.Store.TicketsForReminders(ctx, p.TicketIDs)
	if err != nil {
		return err
	}
	set, cal, err := h.Store.ReminderRules(ctx)
	if err != nil {
		return err
	}
	var stages []models.Stage
	for i := range tickets {
		stages = append(stages, models.NextStages(&tickets[i], sent[tickets[i].ID], h.Clock.Now(), set, cal)...)
	}
	if _, err = enqueueAll(ctx, h.Queue, stages); err != nil {
		return err
	}
	return h.checkNewPages(ctx, tickets)
}

// AfterReports is the store's hook for committed groups of reports: one task per group.
func (s *Scheduler) AfterReports(ctx context.Context, ids []int64) {
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	task, opts := NewScheduleTicketsTask(ids)
	if _, err := s.Queue.EnqueueContext(ctx, task, opts...); err != nil {
		s.Logger.Warn("new tickets' reminders not scheduled; the reconciler will", "tickets", len(ids), "error", err)
	}
}
