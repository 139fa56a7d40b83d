package models

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Facts are what the rates need to know of one ticket at one moment, as its events say.
type Facts struct {
	TicketID   int64
	UnitID     *int64
	RegionID   int64
	CategoryID int64
	ReceivedAt time.Time
	Status     string
	Deadline   *time.Time // the unit's reply deadline in force (extended, where granted); nil in triage
	ClosedAt   *time.Time // when it was closed or made invalid, while it stays so
	Duplicate  bool       // a duplicate linked at receipt or in time: answered through another ticket, outside the rates
	Rating     string
	Confirmed  bool // the unit confirmed the problem real (属实)
	Handling   int  // working days from receipt to closing, counted at closing
}

// FactsAsOf replays a ticket's events up to and including at. The events must be the ticket's,
// oldest first; ok is false when the ticket had not been received by then. Each event carries
// the status, unit, region and deadline in force after it, so the last one describes the ticket;
// the closing time, the rating and 属实 come from the events that set them.
func FactsAsOf(events []TicketEvent, at time.Time, categoryID int64) (Facts, bool) {
	f := Facts{CategoryID: categoryID}
	seen := false
	for _, e := range events {
		if e.At.After(at) {
			break
		}
		if !seen {
			f.TicketID, f.ReceivedAt, seen = e.TicketID, e.At, true
		}
		if e.ToStatus != "" {
			f.Status = e.ToStatus
		}
		f.UnitID, f.Deadline = e.UnitID, e.Deadline
		if e.RegionID != nil {
			f.RegionID = *e.RegionID
		}
		switch {
		case e.ToStatus == StatusLinked && e.FromStatus != StatusLinked:
			f.Duplicate = !lateLink(e) // judged when linked; pointed at another primary later, it stays so
		case e.ToStatus == StatusTriage || e.ToStatus == StatusAssigned || e.ToStatus == StatusProcessing || e.ToStatus == StatusReviewing:
			f.Duplicate = false // unlinked, released or reopened: handled on its own
		}
		switch {
		case e.Kind == EventReplied, e.Kind == EventClosedWithPrimary:
			f.Confirmed = eventFlag(e, "confirmed") // a duplicate takes its primary's 属实
		case e.Kind == EventRated:
			f.Rating = eventString(e, "rating")
		case e.Kind == EventReopened:
			f.Rating = ""
		}
		if (e.ToStatus == StatusClosed || e.ToStatus == StatusInvalid) && e.FromStatus != e.ToStatus {
			t := e.At
			f.ClosedAt, f.Handling = &t, eventInt(e, "handling_days")
		}
		if e.ToStatus != "" && e.ToStatus != StatusClosed && e.ToStatus != StatusInvalid {
			f.ClosedAt, f.Handling = nil, 0
		}
	}
	if f.Status == StatusTriage {
		f.Deadline = nil // the event carried the forward deadline, which is not the unit's
	}
	return f, seen
}

func eventFlag(e TicketEvent, key string) bool {
	if e.Data == nil {
		return false
	}
	var m map[string]any
	json.Unmarshal([]byte(*e.Data), &m)
	b, _ := m[key].(bool)
	return b
}

func eventInt(e TicketEvent, key string) int {
	if e.Data == nil {
		return 0
	}
	var m map[string]any
	json.Unmarshal([]byte(*e.Data), &m)
	n, _ := m[key].(float64)
	return int(n)
}

func eventString(e TicketEvent, key string) string {
	if e.Data == nil {
		return ""
	}
	var m map[string]any
	json.Unmarshal([]byte(*e.Data), &m)
	s, _ := m[key].(string)
	return s
}

// FactsOfTicket reads the same facts from a ticket's row, which every action writes in the
// transaction of its events: for a ticket unchanged since a moment, its facts at that moment.
func FactsOfTicket(t *Ticket) Facts {
	f := Facts{TicketID: t.ID, UnitID: t.UnitID, RegionID: t.RegionID, CategoryID: t.CategoryID, ReceivedAt: t.ReceivedAt,
		Status: t.Status, Deadline: t.Deadline, Duplicate: t.DuplicateOf != nil && !t.LinkedLate, Rating: t.Rating, Confirmed: t.ReplyConfirmed}
	if t.Status == StatusClosed || t.Status == StatusInvalid {
		f.ClosedAt = t.ClosedAt
	}
	if t.HandlingDays != nil && t.Status == StatusClosed {
		f.Handling = *t.HandlingDays
	}
	if t.Status == StatusTriage {
		f.Deadline = nil
	}
	return f
}

// Counts are the figures of RULES.md "Ticket rates" for a set of tickets received in a period,
// as of a report time.
type Counts struct {
	Received        int64 // received in the period
	Invalid         int64 // closed as 无效
	Duplicates      int64 // duplicates linked at receipt or before their deadline, answered through another ticket
	Valid           int64 // received − invalid − duplicates (a duplicate linked after its deadline stays valid)
	Closed          int64 // valid and closed by the report time
	Due             int64 // valid and (deadline passed by the report time, or closed)
	OnTime          int64 // closed at or before the deadline in force
	OverdueNow      int64 // open and past the deadline at the report time
	LateClosed      int64 // closed after the deadline
	ClosedOverMonth int64 // closed more than one calendar month after receipt
	OpenOverMonth   int64 // still open more than one calendar month after receipt
	Confirmed       int64 // closed, the problem confirmed real (属实)
	Rated           int64
	Satisfied       int64 // 满意 + 基本满意
	HandlingDays    int64 // working days from receipt to closing, summed over the closed
}

// OneMonthLater is receipt plus one calendar month, in Asia/Shanghai, the day clamped to the end
// of a shorter month (01-31 → 02-28), as MySQL's DATE_ADD counts.
func OneMonthLater(t time.Time) time.Time {
	s := t.In(Shanghai)
	y, m, d := s.Date()
	first := time.Date(y, m+1, 1, 0, 0, 0, 0, Shanghai)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), s.Hour(), s.Minute(), s.Second(), 0, Shanghai)
}

// Add counts one ticket's facts at the report time.
func (c *Counts) Add(f Facts, at time.Time) {
	c.Received++
	switch {
	case f.Status == StatusInvalid:
		c.Invalid++
		return
	case f.Duplicate:
		c.Duplicates++
		return
	}
	c.Valid++
	closed := f.Status == StatusClosed && f.ClosedAt != nil
	if closed {
		c.Closed++
		c.Due++
		if f.Deadline != nil && !f.ClosedAt.After(*f.Deadline) {
			c.OnTime++
		}
		if f.Deadline != nil && f.ClosedAt.After(*f.Deadline) {
			c.LateClosed++
		}
		if f.ClosedAt.After(OneMonthLater(f.ReceivedAt)) {
			c.ClosedOverMonth++
		}
		if f.Confirmed {
			c.Confirmed++
		}
		if f.Rating != "" {
			c.Rated++
			if f.Rating == RatingSatisfied || f.Rating == RatingBasically {
				c.Satisfied++
			}
		}
		c.HandlingDays += int64(f.Handling)
		return
	}
	if f.Deadline != nil && !f.Deadline.After(at) {
		c.Due++
		if f.Deadline.Before(at) {
			c.OverdueNow++
		}
	}
	if at.After(OneMonthLater(f.ReceivedAt)) {
		c.OpenOverMonth++
	}
}

// Plus adds other counts to these.
func (c *Counts) Plus(o Counts) {
	c.Received += o.Received
	c.Invalid += o.Invalid
	c.Duplicates += o.Duplicates
	c.Valid += o.Valid
	c.Closed += o.Closed
	c.Due += o.Due
	c.OnTime += o.OnTime
	c.OverdueNow += o.OverdueNow
	c.LateClosed += o.LateClosed
	c.ClosedOverMonth += o.ClosedOverMonth
	c.OpenOverMonth += o.OpenOverMonth
	c.Confirmed += o.Confirmed
	c.Rated += o.Rated
	c.Satisfied += o.Satisfied
	c.HandlingDays += o.HandlingDays
}

// Rate is a fraction kept as its numerator and denominator: the number shown beside its base.
type Rate struct{ Num, Den int64 }

func (c Counts) CompletionRate() Rate { return Rate{c.Closed, c.Valid} } // 办结率
func (c Counts) OnTimeRate() Rate     { return Rate{c.OnTime, c.Due} }   // 按期办结率
func (c Counts) Satisfaction() Rate   { return Rate{c.Satisfied, c.Rated} }
func (c Counts) ConfirmedRate() Rate  { return Rate{c.Confirmed, c.Closed} } // 属实率

// AvgHandlingDays is the mean working days from receipt to closing, to one decimal; "—" with
// nothing closed.
func (c Counts) AvgHandlingDays() string {
	if c.Closed == 0 {
		return "—"
	}
	return FormatDecimal(c.HandlingDays, c.Closed, 1)
}

// Empty reports a zero denominator: the rate is shown as "—", never 0% or 100%.
func (r Rate) Empty() bool { return r.Den == 0 }

// Value is the rate as a fraction, for sorting and charts; 0 when empty.
func (r Rate) Value() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent formats the rate with the given decimals, rounded half up in exact integer
// arithmetic (RULES.md "Percentages"); "—" when the denominator is zero.
func (r Rate) Percent(decimals int) string {
	if r.Den == 0 {
		return "—"
	}
	return FormatDecimal(r.Num*100, r.Den, decimals) + "%"
}

// RateDecimals is the decimals of every ticket rate the pages, charts, exports and API show: one
// precision, so that two rates side by side compare at a glance. (A circular's 合格率 has the
// issuer's own, RULES.md "Percentages".)
const RateDecimals = 2

// String is the rate with RateDecimals.
func (r Rate) String() string { return r.Percent(RateDecimals) }

// FormatDecimal writes num/den with the given decimals, rounded half up, exactly.
func FormatDecimal(num, den int64, decimals int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	n := new(big.Int).Mul(big.NewInt(num), scale)
	n.Mul(n, big.NewInt(2))
	n.Add(n, big.NewInt(den))
	n.Quo(n, new(big.Int).Mul(big.NewInt(den), big.NewInt(2))) // floor((2·num·10^d + den) / 2·den)
	s := n.String()
	if decimals == 0 {
		return s
	}
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	return s[:len(s)-decimals] + "." + s[len(s)-decimals:]
}

// Period is a span of time [From, To) in Asia/Shanghai.
type Period struct {
	From, To time.Time
	Kind     string // week, month, quarter, year, custom
	Label    string
}

// Previous is the period of the same kind just before.
func (p Period) Previous() Period {
	switch p.Kind {
	case "week":
		return Period{From: p.From.AddDate(0, 0, -7), To: p.From, Kind: p.Kind, Label: "上周"}
	case "month":
		return Period{From: p.From.AddDate(0, -1, 0), To: p.From, Kind: p.Kind, Label: "上月"}
	case "quarter":
		return Period{From: p.From.AddDate(0, -3, 0), To: p.From, Kind: p.Kind, Label: "上一季度"}
	case "year":
		return Period{From: p.From.AddDate(-1, 0, 0), To: p.From, Kind: p.Kind, Label: "上一年"}
	}
	days := DateOf(p.From).daysUntil(DateOf(p.To))
	return Period{From: p.From.AddDate(0, 0, -days), To: p.From, Kind: p.Kind, Label: "上一时段"}
}

func (d Date) daysUntil(o Date) int {
	return int(dateValue(o).Sub(dateValue(d)).Hours() / 24)
}

// The rates answer for periods and report times within bounds, so that one request's work is
// bounded too: a period of 0001-01-01 to 9999-12-31 drew a chart of half a million weeks, a
// page of 117 MB and 700 MB of heap for it.
const (
	// MaxPeriodYears is the longest custom period; named periods (a week to a year) are shorter.
	MaxPeriodYears = 5
	// maxLead is how far after now a period may start: the rates of a future period are empty,
	// but next year's may be set up ahead.
	maxLead = 366 * 24 * time.Hour
	// MaxAsOfLead is how far after now a report time may lie: a client's clock or its end of
	// today, not a forecast.
	MaxAsOfLead = 24 * time.Hour
)

// RatesEpoch is the earliest day the rates count from, and the earliest report time: the
// platform began long after it.
var RatesEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, Shanghai)

// ParsePeriod reads a period: "week", "month", "quarter", "year" (the current one at now),
// "2025Q1", "2025-03", "2025", or a from–to pair of dates (to inclusive). A period starting
// before RatesEpoch or more than a year after now, or a custom one longer than MaxPeriodYears,
// is refused with a message naming the field.
func ParsePeriod(kind, from, to string, now time.Time) (Period, error) {
	p, err := parsePeriod(kind, from, to, now)
	if err != nil {
		return Period{}, err
	}
	field := "period"
	if p.Kind == "custom" {
		field = "from"
	}
	switch {
	case p.From.Before(RatesEpoch):
		return Period{}, Invalid(field, "时段不能早于 "+DateOf(RatesEpoch).String())
	case p.From.After(now.Add(maxLead)):
		return Period{}, Invalid(field, "时段的开始不能晚于一年以后")
	case p.To.After(p.From.AddDate(MaxPeriodYears, 0, 0)):
		return Period{}, Invalid("to", fmt.Sprintf("自定义时段最长 %d 年，请缩短时段", MaxPeriodYears))
	}
	return p, nil
}

// ParseAsOf reads a report time (RFC 3339) for the rates: not before RatesEpoch, and not more
// than MaxAsOfLead after now.
func ParseAsOf(v string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	switch {
	case err != nil:
		return time.Time{}, Invalid("as_of", "as_of 应为 RFC 3339 时间，如 2025-03-31T23:59:59+08:00")
	case t.Before(RatesEpoch):
		return time.Time{}, Invalid("as_of", "as_of 不能早于 "+DateOf(RatesEpoch).String())
	case t.After(now.Add(MaxAsOfLead)):
		return time.Time{}, Invalid("as_of", "as_of 不能晚于当前时间一天以上")
	}
	return t, nil
}

func parsePeriod(kind, from, to string, now time.Time) (Period, error) {
	d := DateOf(now)
	startOf := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, Shanghai) }
	switch {
	case from != "" || to != "":
		f, err := ParseDate(from)
		if err != nil {
			return Period{}, Invalid("from", "开始日期应为 YYYY-MM-DD")
		}
		t, err := ParseDate(to)
		if err != nil {
			return Period{}, Invalid("to", "结束日期应为 YYYY-MM-DD")
		}
		if t.Before(f) {
			return Period{}, Invalid("to", "结束日期不能早于开始日期")
		}
		return Period{From: f.At(0, 0, 0), To: t.AddDays(1).At(0, 0, 0), Kind: "custom", Label: f.String() + " 至 " + t.String()}, nil
	case kind == "" || kind == "quarter":
		q := (int(d.Month) - 1) / 3
		return Period{From: startOf(d.Year, time.Month(q*3+1), 1), To: startOf(d.Year, time.Month(q*3+4), 1), Kind: "quarter", Label: fmt.Sprintf("%d年第%d季度", d.Year, q+1)}, nil
	case kind == "week":
		offset := (int(d.Weekday()) + 6) % 7 // Monday first
		start := d.AddDays(-offset)
		return Period{From: start.At(0, 0, 0), To: start.AddDays(7).At(0, 0, 0), Kind: "week", Label: "本周"}, nil
	case kind == "month":
		return Period{From: startOf(d.Year, d.Month, 1), To: startOf(d.Year, d.Month+1, 1), Kind: "month", Label: fmt.Sprintf("%d年%d月", d.Year, d.Month)}, nil
	case kind == "year":
		return Period{From: startOf(d.Year, 1, 1), To: startOf(d.Year+1, 1, 1), Kind: "year", Label: fmt.Sprintf("%d年", d.Year)}, nil
	}
	var y, n int
	if _, err := fmt.Sscanf(kind, "%dQ%d", &y, &n); err == nil && n >= 1 && n <= 4 && y >= 2000 {
		return Period{From: startOf(y, time.Month(n*3-2), 1), To: startOf(y, time.Month(n*3+1), 1), Kind: "quarter", Label: fmt.Sprintf("%d年第%d季度", y, n)}, nil
	}
	if t, err := time.ParseInLocation("2006-01", kind, Shanghai); err == nil {
		return Period{From: t, To: t.AddDate(0, 1, 0), Kind: "month", Label: fmt.Sprintf("%d年%d月", t.Year(), t.Month())}, nil
	}
	if t, err := time.ParseInLocation("2006", kind, Shanghai); err == nil {
		return Period{From: t, To: t.AddDate(1, 0, 0), Kind: "year", Label: fmt.Sprintf("%d年", t.Year())}, nil
	}
	return Period{}, Invalid("period", "时段应为 week、month、quarter、year、2025Q1、2025-03 或 2025")
}
