package jobs

import (
	"context"

	"github.com/hibiken/asynq"
)

// TypeCleanupCaptchas removes captchas nobody answered in time.
const TypeCleanupCaptchas = "maintenance:cleanup_captchas"

func NewCleanupCaptchasTask() *asynq.Task { return asynq.NewTask(TypeCleanupCaptchas, nil) }

func (h *worker) cleanupCaptchas(ctx context.Context, t *asynq.Task) error {
	n, err := h.Store.DeleteExpiredCaptchas(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		h.Logger.Info("expired captchas removed", "count", n)
	}
	return nil
}
