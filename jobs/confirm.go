package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// TypeConfirmation e-mails a citizen their ticket number and query code. The code is stored only
// as a hash, so it travels in the task alone: if Redis loses the task the citizen still has the
// code from the page they saw, and no copy of it waits in the database.
const TypeConfirmation = "report:confirm"

type confirmationPayload struct {
	TicketNo string `json:"ticket_no"`
	Code     string `json:"code"`
	Email    string `json:"email"`
	Unit     string `json:"unit"`
}

func NewConfirmationTask(ticketNo, code, email, unit string) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(confirmationPayload{TicketNo: ticketNo, Code: code, Email: email, Unit: unit})
	return asynq.NewTask(TypeConfirmation, b), []asynq.Option{
		asynq.TaskID("confirm:" + ticketNo), asynq.Queue(QueueDeliveries), asynq.MaxRetry(deliveryRetries), asynq.Timeout(time.Minute)}
}

func (h *handlers) confirm(ctx context.Context, t *asynq.Task) error {
	var p confirmationPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("confirmation payload: %v: %w", err, asynq.SkipRetry)
	}
	where := "已转主管单位分办"
	if p.Unit != "" {
		where = "已转交" + p.Unit + "办理"
	}
	body := fmt.Sprintf("感谢您的反馈。您的留言%s。\n\n留言编号：%s\n查询码：%s\n\n凭编号和查询码查看办理进度和答复：\n/query?ticket_no=%s",
		where, p.TicketNo, p.Code, p.TicketNo)
	if err := h.Sender.Send(ctx, "email", p.Email, "我为政府网站找错：留言已收到 "+p.TicketNo, body); err != nil {
		if n, _ := asynq.GetRetryCount(ctx); n >= deliveryRetries {
			h.Logger.Warn("confirmation e-mail failed for good", "ticket_no", p.TicketNo, "error", err)
		}
		return err
	}
	return nil
}

// Confirm queues the confirmation e-mail of a new ticket.
func (s *Scheduler) Confirm(ctx context.Context, ticketNo, code, email, unit string) {
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	task, opts := NewConfirmationTask(ticketNo, code, email, unit)
	if _, err := s.Queue.EnqueueContext(ctx, task, opts...); err != nil {
		s.Logger.Warn("confirmation e-mail not queued", "ticket_no", ticketNo, "error", err)
	}
}
