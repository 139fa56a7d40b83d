package jobs

import (
	"context"

	"github.com/hibiken/asynq"
)

// TypeRemindAnnualReports sends January's reminders of unpublished annual work reports (国办函
// 〔2018〕12号, due 31 January). The store sends each unit's reminder once, so the hourly tick and a
// retry are harmless.
const TypeRemindAnnualReports = "annual:remind"

func NewRemindAnnualReportsTask() *asynq.Task { return asynq.NewTask(TypeRemindAnnualReports, nil) }

func (h *worker) remindAnnualReports(ctx context.Context, t *asynq.Task) error {
	n, events, err := h.Store.RemindAnnualReports(ctx)
	if n > 0 {
		h.Logger.Info("annual report reminders sent", "count", n)
	}
	h.events.Dispatch(ctx, events...) // those of a partial run too: they are committed
	return err
}
