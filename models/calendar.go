package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Shanghai is the zone every deadline is computed in. China has kept UTC+8 without daylight
// saving since 1991, so the fixed zone is the fallback when no zone database is present.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// Date is a day of the calendar, with no time of day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day that t falls on in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return Date{y, m, d}
}

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("日期 %q 不是 YYYY-MM-DD 格式", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// At returns the moment hour:min:sec of the day in Asia/Shanghai.
func (d Date) At(hour, min, sec int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, sec, 0, Shanghai)
}

// End returns 23:59:59 of the day, the moment a deadline on this day runs out.
func (d Date) End() time.Time { return d.At(23, 59, 59) }

// AddDays returns the day n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// CalendarDay is an exception to the Monday–Friday rule: a holiday (OffDay) or an adjusted
// working weekend day (调休上班, !OffDay).
type CalendarDay struct {
	Day        Date
	OffDay     bool
	Name       string
	Source     string // "notice" or "manual"
	NoticeYear int    // the year of the notice the day comes from
}

// Calendar sources.
const (
	CalendarNotice = "notice"
	CalendarManual = "manual"
)

// Calendar answers which days are working days. Only exceptions are stored; a year is known once
// its State Council notice has been imported.
type Calendar struct {
	exceptions map[Date]bool   // day → off
	names      map[Date]string // day → the holiday's name, where the notice or the administrator gave one
	known      map[int]bool
}

// NewCalendar builds a calendar from the stored exceptions and the years whose notice is imported.
func NewCalendar(days []CalendarDay, knownYears []int) *Calendar {
	c := &Calendar{exceptions: make(map[Date]bool, len(days)), names: make(map[Date]string, len(days)), known: map[int]bool{}}
	for _, d := range days {
		c.exceptions[d.Day] = d.OffDay
		c.names[d.Day] = d.Name
	}
	for _, y := range knownYears {
		c.known[y] = true
	}
	return c
}

// IsWorkingDay reports whether d is a working day (Calendar.Day says why).
func (c *Calendar) IsWorkingDay(d Date) bool { return c.Day(d).Working }

// Known reports whether the notice for year has been imported.
func (c *Calendar) Known(year int) bool { return c.known[year] }

// KnownYears lists the years with an imported notice, in order.
func (c *Calendar) KnownYears() []int {
	ys := make([]int, 0, len(c.known))
	for y := range c.known {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// NthWorkingDayAfter returns the nth working day strictly after day d (n ≥ 1), and whether a day
// counted on the way lies in a year whose notice is not imported (the result is then a weekend-only
// estimate, to be flagged until the notice arrives). It counts the days Calendar.Explain shows.
func (c *Calendar) NthWorkingDayAfter(d Date, n int) (Date, bool) {
	return c.walk(d, n, nil)
}

// MissingNotices lists, in order, the years deadlines depend on whose notice is not imported.
// Those years are this year; the next from 1 November, because the State Council publishes it in
// late October to December and deadlines counted from then start to run into it; and every year
// up to latest, the last day an open ticket's deadline falls on. A year the calendar touches only
// through a day of another year's notice (the 2023 notice starts its New Year break on 2022-12-31)
// or a day set by hand is none of these: no deadline is counted there any more, so it is not
// missing.
func (c *Calendar) MissingNotices(today, latest Date) []int {
	last := today.Year
	if today.Month >= time.November {
		last++
	}
	last = max(last, latest.Year)
	var missing []int
	for y := today.Year; y <= last; y++ {
		if !c.known[y] {
			missing = append(missing, y)
		}
	}
	return missing
}

// Deadline is "within n working days" of an event at t (RULES.md "Time"): the end, 23:59:59
// Asia/Shanghai, of the nth working day strictly after t's date, given in UTC: the database keeps
// every time in UTC, and SQLite compares times as text.
func (c *Calendar) Deadline(t time.Time, n int) (deadline time.Time, estimated bool) {
	day, estimated := c.NthWorkingDayAfter(DateOf(t), n)
	return day.End().UTC(), estimated // stored as UTC, like every time
}

// WorkingDaysBetween counts the working days after from's date up to and including to's date
// (0 when to is on or before from's date). The time left to a deadline and handling times are
// counted this way.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := DateOf(from), DateOf(to)
	n := 0
	for d := a.AddDays(1); !b.Before(d); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// The years a notice may be for. The current pattern of public holidays with swapped working
// weekends dates from 2000; 2100 is far beyond any deadline the system will count.
const (
	MinNoticeYear = 2000
	MaxNoticeYear = 2100
)

// maxDayName is the longest name of a holiday the calendar keeps (calendar_days.name).
const maxDayName = 32

// HolidayNotice is the import format of a year's calendar (the holiday-cn JSON format): the days
// the State Council notice for Year makes off days or working days.
type HolidayNotice struct {
	Year   int      `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// ParseHolidayNotice reads and checks a year's notice.
func ParseHolidayNotice(data []byte) (*HolidayNotice, []CalendarDay, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // the byte-order mark Windows editors put first
	// The decoder would take bytes that are no UTF-8 as U+FFFD, and store names nobody wrote (a
	// file saved as GBK, say).
	if !utf8.Valid(data) {
		return nil, nil, Invalid("file", "文件不是 UTF-8 编码的文本：请以 UTF-8 编码保存后再导入")
	}
	var n HolidayNotice
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, nil, noticeJSONError(data, err)
	}
	if n.Year == 0 {
		return nil, nil, Invalid("file", "文件不是节假日安排的 JSON 格式：缺少年份（year）")
	}
	if n.Year < MinNoticeYear || n.Year > MaxNoticeYear {
		return nil, nil, Invalid("year", fmt.Sprintf("日历年份 %d 不在 %d–%d 之间", n.Year, MinNoticeYear, MaxNoticeYear))
	}
	// Every notice names at least New Year's Day; a year imported without days would count its
	// holidays as working days.
	if len(n.Days) == 0 {
		return nil, nil, Invalid("file", "文件不是节假日安排的 JSON 格式：没有列出任何日子（days）")
	}
	seen := map[Date]bool{}
	days := make([]CalendarDay, 0, len(n.Days))
	for i, d := range n.Days {
		day, err := ParseDate(d.Date)
		if err != nil {
			return nil, nil, Invalid("days", fmt.Sprintf("第 %d 条：%v", i+1, err))
		}
		// A notice covers its own year and may reach into the days around it (a break from late
		// December, or running into the next January).
		if day.Year < n.Year-1 || day.Year > n.Year+1 {
			return nil, nil, Invalid("days", fmt.Sprintf("第 %d 条：%s 不属于 %d 年的通知", i+1, d.Date, n.Year))
		}
		if d.IsOffDay == nil {
			return nil, nil, Invalid("days", fmt.Sprintf("第 %d 条：缺少 isOffDay", i+1))
		}
		if utf8.RuneCountInString(d.Name) > maxDayName {
			return nil, nil, Invalid("days", fmt.Sprintf("第 %d 条：名称超过 %d 个字", i+1, maxDayName))
		}
		if seen[day] {
			return nil, nil, Invalid("days", fmt.Sprintf("第 %d 条：%s 重复", i+1, d.Date))
		}
		seen[day] = true
		days = append(days, CalendarDay{Day: day, OffDay: *d.IsOffDay, Name: d.Name, Source: CalendarNotice, NoticeYear: n.Year})
	}
	return &n, days, nil
}

// noticeFields says, for each place a value of the wrong kind can stand in a notice, what
// belongs there.
var noticeFields = map[string]string{
	"year":          "年份数字，如 2027",
	"papers":        "通知网址（文字）的列表",
	"days":          `日子的列表，每项形如 {"name": "元旦", "date": "2027-01-01", "isOffDay": true}`,
	"days.name":     "文字，如 \"元旦\"",
	"days.date":     `YYYY-MM-DD 格式的日期文字，如 "2027-01-01"`,
	"days.isOffDay": "true（休息）或 false（调休上班）",
}

// noticeJSONError explains a file that does not decode as a notice in the administrator's words:
// the line, and what belongs there. The decoder's own message names Go types, so it is never shown.
func noticeJSONError(data []byte, err error) error {
	line := func(offset int64) int { return bytes.Count(data[:min(int(offset), len(data))], []byte("\n")) + 1 }
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return Invalid("file", "文件是空的")
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(data)):
		return Invalid("file", fmt.Sprintf("不是有效的 JSON 文件：内容在第 %d 行中断，不完整", line(syntax.Offset)))
	case errors.As(err, &syntax):
		return Invalid("file", fmt.Sprintf("不是有效的 JSON 文件：第 %d 行有格式错误", line(syntax.Offset)))
	case errors.As(err, &wrongType):
		if wrongType.Field == "" {
			return Invalid("file", "文件不是节假日安排的 JSON 格式：整个文件应为一个对象 {…}，含 year、papers、days")
		}
		// The decoder names the place as a path; from Go 1.27 on it counts the list's items too
		// ("days.1.isOffDay"), which the line already tells, so the numbers are left out.
		var path []string
		for _, part := range strings.Split(wrongType.Field, ".") {
			if strings.Trim(part, "0123456789") != "" {
				path = append(path, part)
			}
		}
		field := strings.Join(path, ".")
		if want, ok := noticeFields[field]; ok {
			return Invalid("file", fmt.Sprintf("文件不是节假日安排的 JSON 格式：第 %d 行，%s 应为%s", line(wrongType.Offset), field, want))
		}
		return Invalid("file", fmt.Sprintf("文件不是节假日安排的 JSON 格式：第 %d 行的值类型不对", line(wrongType.Offset)))
	}
	return Invalid("file", "不是有效的 JSON 文件")
}
