package models

import (
	"fmt"
	"time"
)

// The e-mails a reporter who left an address gets, each a delivery written in the transaction of
// what it tells and sent by the worker through the same path as every delivery (a task that
// carries only the delivery's id: nothing personal sits in the queue).

// citizenEmail is an e-mail to the reporter of t, or nil when they left no address or e-mail is
// not configured.
func citizenEmail(enabled bool, t *Ticket, subject, body string, now time.Time) *Delivery {
	if !enabled || t.ContactEmail == "" {
		return nil
	}
	id := t.ID
	return &Delivery{TicketID: &id, Channel: ChannelEmail, Target: t.ContactEmail, Status: DeliveryPending,
		Subject: subject, Body: body + "\n\n" + queryLink(t.TicketNo), CreatedAt: now, UpdatedAt: now}
}

func queryLink(ticketNo string) string {
	return "凭留言编号和查询码查看办理进度和答复：\n/query?ticket_no=" + ticketNo
}

// replyEmail tells the reporter the reply is published.
func replyEmail(enabled bool, t *Ticket, now time.Time) *Delivery {
	if t.ReplyPublic == nil {
		return nil
	}
	return citizenEmail(enabled, t, "您的留言已答复："+t.TicketNo, "您反映的问题已有答复：\n\n"+*t.ReplyPublic+"\n\n欢迎您对答复作出评价。", now)
}

// releaseEmail tells the reporter of a released duplicate that it is handled on its own now, by
// whom and by when.
func releaseEmail(enabled bool, t *Ticket, unitName string, now time.Time) *Delivery {
	body := ReleasedReason
	if t.Deadline != nil {
		due := t.Deadline.In(Shanghai).Format("2006-01-02 15:04")
		if t.PastDeadline(now) {
			body += fmt.Sprintf("\n\n办理单位：%s\n答复期限：%s（已超期）", unitName, due)
		} else {
			body += fmt.Sprintf("\n\n办理单位：%s\n答复期限：%s", unitName, due)
		}
	}
	return citizenEmail(enabled, t, "您的留言恢复单独办理："+t.TicketNo, body, now)
}
