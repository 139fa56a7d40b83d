package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"
)

// TypeConfirmation is the task by which versions before this one e-mailed a citizen their ticket
// number and query code, carrying both and the address in its payload, where the queue's pages
// show them. The confirmation is now a delivery written with the ticket and sent by TypeDelivery,
// whose task carries only the delivery's id. This handler only drains what an earlier version left
// in a queue (unhandled, such a task would sit in the archive, code and address in view): nothing
// enqueues it any more, and it can go once no queue holds one.
const TypeConfirmation = "report:confirm"

type legacyConfirmation struct {
	TicketNo string `json:"ticket_no"`
	Code     string `json:"code"`
	Email    string `json:"email"`
	Unit     string `json:"unit"`
}

func (h *worker) confirm(ctx context.Context, t *asynq.Task) error {
	var p legacyConfirmation
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
		// Tried once and dropped: a retry, or the archive, would keep the payload in view (the
		// citizen saw the code when reporting).
		h.Logger.Warn("confirmation e-mail of an earlier version not sent", "ticket_no", p.TicketNo, "error", redacted(err, p.Email))
	}
	return nil
}
