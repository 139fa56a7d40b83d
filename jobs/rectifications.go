package jobs

import (
	"context"

	"github.com/hibiken/asynq"
)

// TypeRemindRectifications sends the day's rectification reminders (整改 due, overdue, 催办 and
// 督办) through the notifications and deliveries of ticket reminders. The store sends each stage
// once per item and at most one a day, so the hourly tick and a retry are harmless.
const TypeRemindRectifications = "rectifications:remind"

func NewRemindRectificationsTask() *asynq.Task { return asynq.NewTask(TypeRemindRectifications, nil) }

func (h *worker) remindRectifications(ctx context.Context, t *asynq.Task) error {
	n, events, err := h.Store.RemindRectifications(ctx)
	if n > 0 {
		h.Logger.Info("rectification reminders sent", "count", n)
	}
	h.events.Dispatch(ctx, events...) // those of a partial run too: they are committed
	if err != nil {
		return err
	}
	return nil
}
