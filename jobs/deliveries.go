package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/models"
)

// TypeDelivery sends one e-mail or webhook post and records the outcome.
const TypeDelivery = "notify:deliver"

type deliveryPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// deliveryRetries: a channel that is down is tried this many more times, with asynq's growing
// backoff, before the delivery is recorded as failed.
const deliveryRetries = 8

func NewDeliveryTask(id int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(deliveryPayload{DeliveryID: id})
	return asynq.NewTask(TypeDelivery, b), []asynq.Option{
		asynq.TaskID("dlv:" + strconv.FormatInt(id, 10)), asynq.Queue(QueueDeliveries), asynq.MaxRetry(deliveryRetries), asynq.Timeout(time.Minute)}
}

func (h *worker) deliver(ctx context.Context, t *asynq.Task) error {
	var p deliveryPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("delivery payload: %v: %w", err, asynq.SkipRetry)
	}
	d, err := h.Store.Delivery(ctx, p.DeliveryID)
	if err != nil {
		return err
	}
	if d.Status != "pending" {
		return nil // sent (or given up) by an earlier run
	}
	sendErr := redacted(h.Sender.Send(ctx, d.Channel, d.Target, d.Subject, d.Body), d.Target)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	final := sendErr != nil && (!ok || retried >= maxRetry)
	if err := h.Store.RecordDelivery(ctx, d, sendErr, final); err != nil {
		return err
	}
	switch {
	case sendErr == nil:
		return nil
	case final:
		h.Logger.Warn("delivery failed for good", "delivery_id", d.ID, "channel", d.Channel, "attempts", retried+1, "error", sendErr)
		return nil
	}
	return sendErr // asynq tries again later
}

// redacted is a sending error as it may be kept (on the delivery, in asynq's record of the task,
// which the queue's pages show, and in the log): without the address it went to (an e-mail
// address; a robot's URL, whose key is a secret) and with any other personal data it quotes masked.
func redacted(err error, target string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if target != "" {
		msg = strings.ReplaceAll(msg, target, "<收件地址>")
	}
	return errors.New(models.MaskPersonalData(msg))
}
