package jobs

import (
	"context"

	"github.com/hibiken/asynq"
)

// TypeRemindRectifications writes the day's rectification reminders (整改 due today, overdue).
// The store writes at most one a day per item, so the hourly tick and a retry are harmless.
const TypeRemindRectifications = "rectifications:remind"

func NewRemindRectificationsTask() *asynq.Task { return asynq.NewTask(TypeRemindRectifications, nil) }

func (h *handlers) remindRectifications(ctx context.Context, t *asynq.Task) error {
	n, err := h.Store.RemindRectifications(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		h.Logger.Info("rectification reminders written", "count", n)
	}
	return nil
}
