package models

import (
	"fmt"
	"strings"
	"time"
)

// Why a day is or is not a working day.
const (
	DayWorkday   = "workday"   // Monday to Friday
	DayWeekend   = "weekend"   // Saturday or Sunday
	DayHoliday   = "holiday"   // an off day of a notice, or set by the administrator
	DayAdjusted  = "adjusted"  // a weekend day the notice makes a working day (调休上班)
	DayStatutory = "statutory" // a statutory holiday of a year whose notice is not imported (estimated)
)

// CountedDay is one day of a count of working days, and why it counts or not.
type CountedDay struct {
	Day       Date
	Working   bool
	Kind      string // DayWorkday, DayWeekend, ...
	Name      string // the holiday's name, for a holiday or a 调休 day
	Estimated bool   // the day's year has no notice imported: the day is the law's estimate
}

// Day says whether d is a working day, and why. It is the calendar's one rule: every count of
// working days, and every explanation of one, goes through it. A day the notice or the
// administrator lists decides itself; otherwise a year with its notice imported is Monday to
// Friday, and a year without has the statutory holidays off too (StatutoryHolidays).
func (c *Calendar) Day(d Date) CountedDay {
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	out := CountedDay{Day: d, Estimated: !c.known[d.Year]}
	if off, ok := c.exceptions[d]; ok {
		out.Working, out.Name = !off, c.names[d]
		switch {
		case off:
			out.Kind = DayHoliday
		case weekend:
			out.Kind = DayAdjusted
		default:
			out.Kind, out.Name = DayWorkday, ""
		}
		return out
	}
	if out.Estimated {
		if name, ok := StatutoryHolidays(d.Year)[d]; ok {
			out.Kind, out.Name = DayStatutory, name
			return out
		}
	}
	if weekend {
		out.Kind = DayWeekend
		return out
	}
	out.Working, out.Kind = true, DayWorkday
	return out
}

// walk goes through the days strictly after d until the nth working day, handing each to see (when
// given), and returns that day and whether a day on the way was estimated.
func (c *Calendar) walk(d Date, n int, see func(CountedDay)) (Date, bool) {
	estimated := false
	for n > 0 {
		d = d.AddDays(1)
		day := c.Day(d)
		estimated = estimated || day.Estimated
		if see != nil {
			see(day)
		}
		if day.Working {
			n--
		}
	}
	return d, estimated
}

// Explain returns the days NthWorkingDayAfter(from, n) goes through, in order: the working days
// counted and the days skipped, each with its reason.
func (c *Calendar) Explain(from Date, n int) []CountedDay {
	var days []CountedDay
	c.walk(from, n, func(d CountedDay) { days = append(days, d) })
	return days
}

// DeadlineExplanation says in words how a deadline of n working days from the day from was
// counted, e.g. "自 12月30日 起算 3 个工作日：计入 12月31日；跳过 1月1日–1月3日（元旦）；计入
// 1月4日–1月5日。" A run of days of one kind is written as one range.
func (c *Calendar) DeadlineExplanation(from Date, n int) string {
	if n <= 0 {
		return ""
	}
	days := c.Explain(from, n)
	var parts []string
	estimated := false
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Kind == days[i].Kind && days[j+1].Name == days[i].Name {
			j++
		}
		parts = append(parts, explainRun(days[i], days[j], from.Year))
		estimated = estimated || days[i].Estimated
		i = j + 1
	}
	text := fmt.Sprintf("自 %s 起算 %d 个工作日：%s。", shortDate(from, 0), n, strings.Join(parts, "；"))
	if estimated {
		text += "其中尚未导入国务院放假通知的年份，仅按法定节假日和周末估算，不含调休。"
	}
	return text
}

// explainRun writes a run of days of one kind, first to last.
func explainRun(first, last CountedDay, year int) string {
	span := shortDate(first.Day, year)
	if last.Day != first.Day {
		span += "–" + shortDate(last.Day, year)
	}
	switch first.Kind {
	case DayWorkday:
		return "计入 " + span
	case DayAdjusted:
		return fmt.Sprintf("计入 %s（%s调休上班）", span, first.Name)
	case DayWeekend:
		return "跳过 " + span + "（周末）"
	case DayStatutory:
		return fmt.Sprintf("跳过 %s（%s，法定节假日，估算）", span, first.Name)
	}
	if first.Name == "" {
		return "跳过 " + span + "（休息日）"
	}
	return fmt.Sprintf("跳过 %s（%s）", span, first.Name)
}

// shortDate writes a day as 1月4日, with its year when it is not year (0: always with the year).
func shortDate(d Date, year int) string {
	if d.Year == year {
		return fmt.Sprintf("%d月%d日", d.Month, d.Day)
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// DeadlineCounting says how the ticket's reply deadline was counted: from the day of its
// assignment, the working days up to its deadline (the reply days and any extension granted),
// on the calendar in force. "" while it has none (in triage).
func (t *Ticket) DeadlineCounting(cal *Calendar) string {
	if t.AssignedAt == nil || t.Deadline == nil {
		return ""
	}
	return cal.DeadlineExplanation(DateOf(*t.AssignedAt), cal.WorkingDaysBetween(*t.AssignedAt, *t.Deadline))
}
