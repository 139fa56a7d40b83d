package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// TypeRateRollups brings the rates' monthly rollups up to date (models.RebuildRateRollups): the
// dashboards read whole months from them, and what changed since from the tickets.
const TypeRateRollups = "maintenance:rate_rollups"

// RateRollupsEvery is how often the rollups are brought up to date: the tickets changed since are
// replayed on every dashboard view, so the period bounds that work, not the figures' freshness.
const RateRollupsEvery = 5 * time.Minute

func NewRateRollupsTask() *asynq.Task { return asynq.NewTask(TypeRateRollups, nil) }

func (h *worker) rateRollups(ctx context.Context, t *asynq.Task) error {
	start := h.Clock.Now()
	months, err := h.Store.RebuildRateRollups(ctx)
	if err != nil {
		return err
	}
	if months > 0 {
		h.Logger.Info("rate rollups rebuilt", "months", months, "took", h.Clock.Now().Sub(start).Round(time.Millisecond))
	}
	return nil
}
