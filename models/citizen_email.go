package models

import (
	"fmt"
	"regexp"
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

// confirmationEmail gives the reporter their ticket number and query code. The code is stored
// only as a hash; this e-mail holds it in clear until it has gone or failed for good, when
// forgetQueryCode takes it out (RecordDelivery).
func confirmationEmail(enabled bool, t *Ticket, code, unitName string, now time.Time) *Delivery {
	where := "已转主管单位分办"
	if unitName != "" {
		where = "已转交" + unitName + "办理"
	}
	return citizenEmail(enabled, t, "我为政府网站找错：留言已收到 "+t.TicketNo,
		fmt.Sprintf("感谢您的反馈。您的留言%s。\n\n留言编号：%s\n%s%s", where, t.TicketNo, queryCodeLabel, code), now)
}

// replyEmail tells the reporter the reply is published: in full, as their ticket's page shows it
// (the contact details a unit writes are meant for them; only 留言选登 masks them).
func replyEmail(enabled bool, t *Ticket, now time.Time) *Delivery {
	if t.ReplyPublic == nil || t.Reply == nil {
		return nil
	}
	return citizenEmail(enabled, t, "您的留言已答复："+t.TicketNo, "您反映的问题已有答复：\n\n"+*t.Reply+"\n\n欢迎您对答复作出评价。", now)
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

// queryCodeLabel introduces the query code in the confirmation; forgetQueryCode finds it by it.
const queryCodeLabel = "查询码："

var queryCodeInText = regexp.MustCompile(queryCodeLabel + "[" + queryCodeAlphabet + "]{8}")

// forgetQueryCode takes the query code out of a sent (or failed) confirmation's text.
func forgetQueryCode(body string) string {
	return queryCodeInText.ReplaceAllString(body, queryCodeLabel+"（已随邮件发出，不再保存）")
}
