package jobs

import (
	"context"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// TypeNotices writes the workflow notices of everything that happened since the last pass
// (models.Store.WriteNotices): the database says what happened, the task only when to look.
const TypeNotices = "notify:notices"

// NoticeWindow is how long the notices of a burst wait to be told together: the dispatcher queues
// one task for each window of the clock in which something happened, to run at the window's end,
// so a unit given 200 tickets within it hears of them in one notice.
const NoticeWindow = time.Minute

// noticePasses bounds the passes one task runs: each reads up to a batch of each source.
const noticePasses = 100

// NewNoticesTask is the notices' task of the window now falls in. Its id is the window's: the
// events of one window queue it once; an event that comes while it runs falls in a later window
// and queues the next one, so every event is followed by a pass that starts after its commit.
// (A replica whose clock is behind the worker's by more than the time a pass takes could find
// its window's task already running: the reconciler's pass tells what that one missed.) It
// carries no payload.
func NewNoticesTask(now time.Time) (*asynq.Task, []asynq.Option) {
	window := now.Truncate(NoticeWindow)
	return asynq.NewTask(TypeNotices, nil), []asynq.Option{
		asynq.TaskID("notices:" + strconv.FormatInt(window.Unix(), 10)), asynq.ProcessIn(window.Add(NoticeWindow).Sub(now)),
		asynq.Queue(QueueDeliveries), asynq.MaxRetry(5), asynq.Timeout(5 * time.Minute)}
}

// NewCatchUpNoticesTask is the reconciler's notices task: it runs at once, under an id of its
// own, so that it neither waits for a window nor takes one's. (Two reconciles at once queue it
// once; the pass reads everything committed before it starts.)
func NewCatchUpNoticesTask() (*asynq.Task, []asynq.Option) {
	return asynq.NewTask(TypeNotices, nil), []asynq.Option{asynq.TaskID("notices:catch-up"), asynq.Queue(QueueDeliveries),
		asynq.MaxRetry(5), asynq.Timeout(5 * time.Minute)}
}

// writeNotices runs passes of the notices until one finds nothing more to read, and hands the
// deliveries each wrote to the queue. Run twice, it tells nothing twice: each pass moves the
// cursors in the transaction that writes its notices.
func (h *worker) writeNotices(ctx context.Context, _ *asynq.Task) error {
	for range noticePasses {
		written, more, err := h.Store.WriteNotices(ctx)
		if err != nil {
			return err
		}
		h.events.Dispatch(ctx, *written) // lost, the reconciler queues the deliveries still pending
		if !more {
			return nil
		}
	}
	return nil
}
