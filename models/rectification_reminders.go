package models

import (
	"fmt"
	"time"
)

// StageSupervise is a rectification's 督办, recorded with its level as n so that each level goes
// out once. (A ticket's 督办 is counted on the ticket instead.)
const StageSupervise = "supervise"

// RectificationStage is a reminder a rectification is due: the kind and the nth of it.
type RectificationStage struct {
	Kind string
	N    int
}

// NextRectificationStage returns the reminder a rectification still waiting for its report is due
// at now, if any. Reminders go out on working days from the reminder hour, at most one a day: on
// the last working day up to the deadline, to the unit (到期提醒); on the first working day after
// it, to the unit and its supervisors (超期提醒); then each working day a 催办, which brings 督办
// after the configured number, as for tickets.
func NextRectificationStage(r *Rectification, sent []SentReminder, now time.Time, set Settings, cal *Calendar) (RectificationStage, bool) {
	if !r.AwaitsReport() {
		return RectificationStage{}, false
	}
	today := DateOf(now)
	if !cal.IsWorkingDay(today) || now.In(Shanghai).Hour() < set.ReminderHour {
		return RectificationStage{}, false
	}
	due, err := ParseDate(r.DueOn)
	if err != nil {
		return RectificationStage{}, false
	}
	urges, dueSoon, overdue := 0, false, false
	for _, s := range sent {
		if DateOf(s.SentAt) == today {
			return RectificationStage{}, false
		}
		switch s.Kind {
		case StageDueSoon:
			dueSoon = true
		case StageOverdue:
			overdue = true
		case StageUrge:
			urges = max(urges, s.N)
		}
	}
	if !due.Before(today) {
		last := due
		for i := 0; i < 30 && !cal.IsWorkingDay(last); i++ {
			last = last.AddDays(-1)
		}
		if last == today && !dueSoon {
			return RectificationStage{Kind: StageDueSoon, N: 1}, true
		}
		return RectificationStage{}, false
	}
	if !overdue {
		return RectificationStage{Kind: StageOverdue, N: 1}, true
	}
	return RectificationStage{Kind: StageUrge, N: urges + 1}, true
}

// SuperviseLevel is the 督办 level a 催办 brings, or 0: the unit's region's supervisors after the
// configured number of 催办, the region above after twice as many.
func SuperviseLevel(urge int, set Settings) int {
	if level := urge / set.UrgesBeforeSupervise; urge%set.UrgesBeforeSupervise == 0 && level >= 1 && level <= 2 {
		return level
	}
	return 0
}

// rectificationNotice writes the 整改通知 a unit gets when a circular that names it is published.
func rectificationNotice(issuer string, r *Rectification) ReminderMessage {
	return ReminderMessage{Kind: "rectification", Link: fmt.Sprintf("/staff/rectifications/%d", r.ID),
		Title: "整改通知：" + r.Subject,
		Body:  fmt.Sprintf("%s 通报了贵单位的问题（%s），请于 %s 前提交整改报告。", issuer, r.Problems, ChineseDate(r.DueOn))}
}

// rectificationText writes a rectification reminder's message.
func rectificationText(st RectificationStage, r *RectificationRow, workingDaysLate int) ReminderMessage {
	m := ReminderMessage{Kind: "rectification", Link: fmt.Sprintf("/staff/rectifications/%d", r.ID)}
	due := ChineseDate(r.DueOn)
	switch st.Kind {
	case StageDueSoon:
		m.Title = "整改报告即将到期：" + r.Subject
		m.Body = fmt.Sprintf("%s 的整改报告（%s）应于 %s 前提交，请抓紧上传。", r.UnitName, r.CircularTitle, due)
	case StageOverdue:
		m.Title = "整改报告逾期未交：" + r.Subject
		m.Body = fmt.Sprintf("%s 的整改报告已超过期限 %s，尚未提交（或退回后未重新提交）。", r.UnitName, due)
	case StageUrge:
		m.Title = fmt.Sprintf("整改催办（第 %d 次）：%s", st.N, r.Subject)
		m.Body = fmt.Sprintf("%s 的整改报告已超过期限 %s %d 个工作日，请立即提交。", r.UnitName, due, workingDaysLate)
	case StageSupervise:
		m.Title = "整改督办：" + r.Subject
		m.Body = fmt.Sprintf("%s 的整改报告已催办 %d 次仍未提交，请督促整改。", r.UnitName, st.N)
	}
	return m
}
