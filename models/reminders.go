package models

import (
	"fmt"
	"time"
)

// Reminder stages.
const (
	StageDueSoon = "due_soon" // the morning of the deadline's day, to the unit
	StageOverdue = "overdue"  // at the deadline, to the unit and its supervisor
	StageUrge    = "urge"     // 催办: each working morning after the deadline while open; 督办 after enough
	StageTriage  = "triage"   // a report waiting in triage past its forward deadline, to the supervisor
	StageRequest = "request"  // a return or extension request waiting past its deadline, to the supervisor
)

var stageLabels = map[string]string{
	StageDueSoon: "到期提醒", StageOverdue: "超期提醒", StageUrge: "催办", StageTriage: "分办提醒", StageRequest: "审批提醒",
}

// StageLabel names a stage as people read it.
func StageLabel(s string) string { return stageLabels[s] }

// Stage is one reminder a ticket is due: which, about which version of the deadline (its Unix
// second, so that an extension or a reassignment makes new stages and retires the old), and when.
type Stage struct {
	TicketID int64
	Kind     string
	N        int   // the nth of its kind for this version (催办 1, 2, ...); 1 for the others
	Version  int64 // the deadline, triage deadline or request time it is about, in Unix seconds
	At       time.Time
}

// Key identifies the stage among the ticket's; TaskID among all tasks. Enqueuing the same stage
// twice is harmless because of it.
func (s Stage) Key() string    { return fmt.Sprintf("%s:%d:%d", s.Kind, s.N, s.Version) }
func (s Stage) TaskID() string { return fmt.Sprintf("rem:%d:%s", s.TicketID, s.Key()) }

// SentReminder is a stage that went out.
type SentReminder struct {
	Kind    string `gorm:"column:stage"`
	N       int
	Version int64
	SentAt  time.Time
}

// RequestDeadline is when a supervisor should have decided a return or extension request made at
// since: the same working days as forwarding a report.
func RequestDeadline(since time.Time, set Settings, cal *Calendar) time.Time {
	d, _ := cal.Deadline(since, set.ForwardDays)
	return d
}

// NextStages returns the reminders the ticket should have scheduled now: for its current deadline
// (or triage deadline, or pending request), each stage not yet sent whose turn has come. The
// due-soon and overdue stages come together as soon as there is a deadline; each 催办 comes once
// the stage before it went out, for 09:00 of the next working day. A stage of a closed, extended
// or returned ticket is simply no longer among them.
func NextStages(t *Ticket, sent []SentReminder, now time.Time, set Settings, cal *Calendar) []Stage {
	var stages []Stage
	add := func(kind string, n int, version int64, at time.Time) {
		stages = append(stages, Stage{TicketID: t.ID, Kind: kind, N: n, Version: version, At: at})
	}
	// chain adds the first stage of a daily series at first, or the next one after the last sent.
	chain := func(kind string, version int64, first time.Time) {
		n, last := 0, time.Time{}
		for _, s := range sent {
			if s.Kind == kind && s.Version == version && s.N > n {
				n, last = s.N, s.SentAt
			}
		}
		if n == 0 {
			add(kind, 1, version, first)
			return
		}
		next, _ := cal.NthWorkingDayAfter(DateOf(last), 1)
		add(kind, n+1, version, next.At(set.ReminderHour, 0, 0))
	}
	wasSent := func(kind string, version int64) bool {
		for _, s := range sent {
			if s.Kind == kind && s.Version == version {
				return true
			}
		}
		return false
	}

	switch {
	case t.WithUnit() && t.Deadline != nil:
		v := t.Deadline.Unix()
		if !wasSent(StageDueSoon, v) && !now.After(*t.Deadline) {
			add(StageDueSoon, 1, v, DateOf(*t.Deadline).At(set.ReminderHour, 0, 0))
		}
		if !wasSent(StageOverdue, v) {
			add(StageOverdue, 1, v, t.Deadline.Add(time.Second))
		} else {
			first, _ := cal.NthWorkingDayAfter(DateOf(*t.Deadline), 1)
			chain(StageUrge, v, first.At(set.ReminderHour, 0, 0))
		}
	case t.Status == StatusTriage && t.TriageDeadline != nil:
		chain(StageTriage, t.TriageDeadline.Unix(), t.TriageDeadline.Add(time.Second))
	}
	if t.Pending != "" && t.PendingSince != nil && t.Open() {
		chain(StageRequest, t.PendingSince.Unix(), RequestDeadline(*t.PendingSince, set, cal).Add(time.Second))
	}
	return stages
}

// ReminderMessage is what a stage says, to whom it is addressed.
type ReminderMessage struct {
	Kind  string
	Title string
	Body  string
	Link  string
}

// reminderText writes a stage's message.
func reminderText(st Stage, t *Ticket, unitName, category string, daysLate int) ReminderMessage {
	m := ReminderMessage{Kind: st.Kind, Link: "/staff/tickets/" + t.TicketNo}
	deadline, hour := "", ""
	if t.Deadline != nil {
		deadline, hour = t.Deadline.In(Shanghai).Format("2006-01-02 15:04"), t.Deadline.In(Shanghai).Format("15:04")
	}
	switch st.Kind {
	case StageDueSoon:
		m.Title = "留言今日到期：" + t.TicketNo
		m.Body = fmt.Sprintf("%s 的留言 %s（%s）答复期限为今天 %s，请及时办理。", unitName, t.TicketNo, category, hour)
	case StageOverdue:
		m.Title = "留言已超期：" + t.TicketNo
		m.Body = fmt.Sprintf("%s 的留言 %s（%s）已超过答复期限 %s，尚未办结。", unitName, t.TicketNo, category, deadline)
	case StageUrge:
		m.Title = fmt.Sprintf("催办（第 %d 次）：%s", st.N, t.TicketNo)
		m.Body = fmt.Sprintf("%s 的留言 %s（%s）已超期 %d 个工作日，请立即办理并答复。", unitName, t.TicketNo, category, daysLate)
	case StageTriage:
		m.Title = "待分办留言已超期：" + t.TicketNo
		m.Body = fmt.Sprintf("留言 %s（%s）未匹配到办理单位，已超过分办期限，请尽快分办或作无效处理。", t.TicketNo, category)
	case StageRequest:
		what := "延期"
		if t.Pending == PendingReturn {
			what = "退回"
		}
		m.Title = what + "申请待审批：" + t.TicketNo
		m.Body = fmt.Sprintf("%s 就留言 %s 提出的%s申请已超过审批期限，请尽快处理。", unitName, t.TicketNo, what)
	}
	return m
}

// superviseText writes the 督办 message for the supervisors at a level.
func superviseText(t *Ticket, unitName string, urges int) ReminderMessage {
	return ReminderMessage{Kind: "supervise", Link: "/staff/tickets/" + t.TicketNo,
		Title: "督办：" + t.TicketNo,
		Body:  fmt.Sprintf("%s 的留言 %s 已催办 %d 次仍未办结，请督促办理。", unitName, t.TicketNo, urges)}
}
