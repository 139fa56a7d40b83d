package models

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// StatsQuery selects the tickets whose rates are wanted: received in the period, within the
// scope (and optionally one region's subtree, one unit, one category), counted as of a moment.
type StatsQuery struct {
	Scope Scope
	Selection
	Period  Period
	AsOf    time.Time
	GroupBy string // unit, region or category: the one dimension the database groups by; "" for all three
}

// StatsCell is the counts of one unit (or none: triage), region and category.
type StatsCell struct {
	UnitID     int64 // 0: not with a unit
	RegionID   int64
	CategoryID int64
	Counts
}

// cellFunc finds the counts of one unit, region and category.
type cellFunc func(unit, region, category int64) *Counts

// CompletionStats counts the rates' figures per unit, region and category (only the dimension
// asked for, when GroupBy is set). The whole months of the period are read from the monthly
// rollups where they can answer (see store_stats_rollup.go); the rest from the tickets: those unchanged
// since the report time are counted by the database from their rows (which each action writes
// with its events), those changed after it are replayed from their events up to it. All follow
// the same definitions (RULES.md), and tests hold them to each other.
func (s *Store) CompletionStats(ctx context.Context, q StatsQuery) ([]StatsCell, error) {
	asOf := q.AsOf.UTC().Truncate(time.Second)
	to := ceilSecond(q.Period.To)
	if asOf.Before(to) {
		to = asOf.Add(time.Second) // a ticket received at the report time counts
	}
	// Counts per cell: what the period holds, and what is read only to be taken away again (the
	// part of an edge month outside the period, when the rollups cover the whole month).
	cells, outside := map[[3]int64]*Counts{}, map[[3]int64]*Counts{}
	in := func(m map[[3]int64]*Counts) cellFunc {
		return func(unit, region, category int64) *Counts {
			switch q.GroupBy {
			case "unit":
				region, category = 0, 0
			case "region":
				unit, category = 0, 0
			case "category":
				unit, region = 0, 0
			}
			k := [3]int64{unit, region, category}
			if m[k] == nil {
				m[k] = &Counts{}
			}
			return m[k]
		}
	}
	cell := in(cells)
	spans, err := s.statsFromRollups(ctx, q, asOf, ceilSecond(q.Period.From), to, cell)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	for _, sp := range spans {
		target := cell
		if sp.outside {
			target = in(outside)
		}
		if err := s.statsFromTickets(db, q, asOf, sp.from, sp.to, target); err != nil {
			return nil, err
		}
	}
	for k, c := range outside {
		cell(k[0], k[1], k[2]).Minus(*c)
	}
	out := make([]StatsCell, 0, len(cells))
	for k, c := range cells {
		out = append(out, StatsCell{UnitID: k[0], RegionID: k[1], CategoryID: k[2], Counts: *c})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.UnitID < b.UnitID || a.UnitID == b.UnitID && (a.RegionID < b.RegionID || a.RegionID == b.RegionID && a.CategoryID < b.CategoryID)
	})
	return out, nil
}

// ceilSecond is t rounded up to a whole second. Times are stored to the second, so a bound with a
// fraction selects the same tickets rounded up, and a bound with nine fractional digits keeps
// MariaDB from using the index for the range.
func ceilSecond(t time.Time) time.Time {
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}

// statsFromTickets counts the tickets received in [from, to) as of asOf: from their rows where
// unchanged since, from their events where changed after.
func (s *Store) statsFromTickets(db *gorm.DB, sq StatsQuery, asOf, from, to time.Time, cell cellFunc) error {
	if err := s.statsFromRows(db, sq, asOf, from, to, cell); err != nil {
		return err
	}
	inScope, err := s.factsScope(db, sq)
	if err != nil {
		return err
	}
	return s.replay(db, sq, from, to, asOf, asOf, func(events []TicketEvent, category int64) {
		if f, ok := FactsAsOf(events, asOf, category); ok && inScope(f) {
			f.cell(cell).Add(f, asOf)
		}
	})
}

func (s *Store) statsFilter(q *gorm.DB, sq StatsQuery, from, to time.Time) *gorm.DB {
	q = sq.Scope.tickets(q.Where("t.received_at >= ? AND t.received_at < ?", from.UTC(), to.UTC()), "t")
	return sq.Selection.where(q, "t", true)
}

// The sets of tickets the rates count, as SQL over a ticket row t (see Counts.Add and
// FactsOfTicket): a duplicate linked after its own deadline stays valid (Ticket.LinkedLate).
const (
	sqlNotDuplicate = "(t.duplicate_of IS NULL OR t.linked_late)"
	sqlValid        = "t.status <> 'invalid' AND " + sqlNotDuplicate
	sqlClosed       = sqlValid + " AND t.status = 'closed'"
	sqlOpen         = sqlValid + " AND t.status NOT IN ('closed', 'invalid')"
	// Rated 不满意 and not reopened (reopening clears the rating): the supervisor's to decide.
	sqlUnhappy = sqlClosed + " AND t.rating = 'unsatisfied'"
)

func (s *Store) dayOf(col string) string {
	if s.dialect == DialectSQLite {
		return "date(" + col + ", '+8 hours')"
	}
	return "DATE(" + col + " + INTERVAL 8 HOUR)"
}

// Metrics the ticket list can show: the tickets behind each number of the rates, now.
var Metrics = map[string]string{
	"received": "收到", "valid": "有效", "invalid": "无效", "closed": "已办结", "due": "应办结", "on_time": "按期办结",
	"overdue": "当前超期", "late": "超期办结", "over_month": "超一个月办结", "open_over_month": "超一个月未办结",
	"confirmed": "问题属实", "rated": "已评价", "satisfied": "满意和基本满意", "unsatisfied": "不满意",
}

// metricCondition is the WHERE condition of a metric's tickets at now.
func (s *Store) metricCondition(metric string, now time.Time) (string, []any) {
	switch metric {
	case "valid":
		return sqlValid, nil
	case "invalid":
		return "t.status = 'invalid'", nil
	case "closed":
		return sqlClosed, nil
	case "due":
		return "(" + sqlClosed + ") OR (" + sqlOpen + " AND t.deadline <= ?)", []any{now}
	case "on_time":
		return sqlClosed + " AND t.closed_at <= t.deadline", nil
	case "late":
		return sqlClosed + " AND t.closed_at > t.deadline", nil
	case "overdue":
		return sqlOpen + " AND t.deadline < ?", []any{now}
	case "over_month":
		return sqlClosed + " AND t.closed_at > t.month_deadline", nil
	case "open_over_month":
		return sqlOpen + " AND t.month_deadline < ?", []any{now}
	case "confirmed":
		return sqlClosed + " AND t.reply_confirmed", nil
	case "rated":
		return sqlClosed + " AND t.rating <> ''", nil
	case "satisfied":
		return sqlClosed + " AND t.rating IN ('satisfied', 'basically')", nil
	case "unsatisfied":
		return sqlUnhappy, nil
	}
	return "1 = 1", nil // received: every ticket of the period
}

// statsFromRows is the definitions of Counts.Add written as SQL, over tickets unchanged since asOf.
func (s *Store) statsFromRows(db *gorm.DB, sq StatsQuery, asOf, from, to time.Time, cell cellFunc) error {
	const valid, closed, open = sqlValid, sqlClosed, sqlOpen
	sum := func(cond string) string { return "COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)" }
	// Group by the one dimension asked for: a year of a province is ~500,000 rows, and a smaller
	// grouping table is most of the difference.
	unit, region, category := "COALESCE(t.unit_id, 0)", "t.region_id", "t.category_id"
	switch sq.GroupBy {
	case "unit":
		region, category = "0", "0"
	case "region":
		unit, category = "0", "0"
	case "category":
		unit, region = "0", "0"
	}
	var group []string
	for _, g := range []string{unit, region, category} {
		if g != "0" {
			group = append(group, g)
		}
	}
	sel := strings.Join([]string{
		unit + " AS unit_id", region + " AS region_id", category + " AS category_id",
		"COUNT(*) AS received",
		sum("t.status = 'invalid'") + " AS invalid",
		sum("t.status <> 'invalid' AND NOT "+sqlNotDuplicate) + " AS duplicates",
		sum(valid) + " AS valid",
		sum(closed) + " AS closed",
		sum(closed+" OR ("+open+" AND t.deadline <= ?)") + " AS due",
		sum(closed+" AND t.closed_at <= t.deadline") + " AS on_time",
		sum(open+" AND t.deadline < ?") + " AS overdue_now",
		sum(closed+" AND t.closed_at > t.deadline") + " AS late_closed",
		sum(closed+" AND t.closed_at > t.month_deadline") + " AS closed_over_month",
		sum(open+" AND t.month_deadline < ?") + " AS open_over_month",
		sum(closed+" AND t.reply_confirmed") + " AS confirmed",
		sum(closed+" AND t.rating <> ''") + " AS rated",
		sum(closed+" AND t.rating IN ('satisfied', 'basically')") + " AS satisfied",
		"COALESCE(SUM(CASE WHEN " + closed + " THEN t.handling_days ELSE 0 END), 0) AS handling_days",
	}, ", ")
	q := db.Table("tickets t").Select(sel, asOf, asOf, asOf)
	q = s.statsFilter(q, sq, from, to).Where("t.updated_at <= ?", asOf).Group(strings.Join(group, ", "))
	var rows []StatsCell
	if err := q.Scan(&rows).Error; err != nil {
		return translate(err, "stats")
	}
	for _, r := range rows {
		cell(r.UnitID, r.RegionID, r.CategoryID).Plus(r.Counts)
	}
	return nil
}

// factsScope tells whether a ticket's facts (at some moment) put it inside the query's scope.
// Which tickets belonged to it then is known only after a replay, so candidates are selected
// without it.
func (s *Store) factsScope(db *gorm.DB, sq StatsQuery) (func(Facts) bool, error) {
	paths := map[int64]string{}
	var regions []Region
	if err := db.Find(&regions).Error; err != nil {
		return nil, translate(err, "stats: regions")
	}
	for _, r := range regions {
		paths[r.ID] = r.Path
	}
	return func(f Facts) bool {
		path := paths[f.RegionID]
		switch {
		case !sq.regionHolds(path):
			return false
		case sq.UnitID != 0 && (f.UnitID == nil || *f.UnitID != sq.UnitID):
			return false
		case sq.Unassigned && f.UnitID != nil && *f.UnitID != 0:
			return false
		case sq.Scope.All:
			return true
		case sq.Scope.UnitID != 0:
			return f.UnitID != nil && *f.UnitID == sq.Scope.UnitID
		case sq.Scope.RegionPath != "":
			return strings.HasPrefix(path, sq.Scope.RegionPath)
		}
		return false
	}, nil
}

// cell finds the counts of the facts' unit, region and category.
func (f Facts) cell(cell cellFunc) *Counts {
	var unit int64
	if f.UnitID != nil {
		unit = *f.UnitID
	}
	return cell(unit, f.RegionID, f.CategoryID)
}

// replay hands each ticket received in [from, to) and changed after since to each, with its
// events up to asOf, a thousand tickets at a time, until db's context ends.
func (s *Store) replay(db *gorm.DB, sq StatsQuery, from, to, since, asOf time.Time, each func(events []TicketEvent, category int64)) error {
	var cands []struct {
		ID         int64
		CategoryID int64
	}
	q := db.Table("tickets t").Select("t.id, t.category_id").
		Where("t.received_at >= ? AND t.received_at < ? AND t.updated_at > ?", from.UTC(), to.UTC(), since.UTC())
	if sq.CategoryID != 0 {
		q = q.Where("t.category_id = ?", sq.CategoryID)
	}
	if sq.Source != "" {
		q = q.Where("t.source = ?", sq.Source) // a ticket keeps its source: no replay changes it
	}
	if sq.WebsiteID != 0 {
		q = q.Where("t.website_id = ?", sq.WebsiteID)
	}
	if err := q.Order("t.id").Scan(&cands).Error; err != nil {
		return translate(err, "stats: changed tickets")
	}
	for start := 0; start < len(cands); start += 1000 {
		if err := db.Statement.Context.Err(); err != nil {
			return err // the request went away: the rest is not wanted
		}
		batch := cands[start:min(start+1000, len(cands))]
		ids := make([]int64, len(batch))
		category := map[int64]int64{}
		for i, c := range batch {
			ids[i], category[c.ID] = c.ID, c.CategoryID
		}
		var events []TicketEvent
		if err := db.Where("ticket_id IN ? AND at <= ?", ids, asOf).Order("ticket_id, id").Find(&events).Error; err != nil {
			return translate(err, "stats: events")
		}
		for i := 0; i < len(events); {
			j := i
			for j < len(events) && events[j].TicketID == events[i].TicketID {
				j++
			}
			each(events[i:j], category[events[i].TicketID])
			i = j
		}
	}
	return nil
}

// Flow is the tickets received and the closings of a period, per week (Monday first) or, over a
// period of more than flowMaxWeeks weeks, per calendar month: a chart of five years in weeks
// has 261 points, too many to read, and the points would grow with the period.
type Flow struct {
	Monthly  bool
	Starts   []Date  // the first day of each week or month
	Received []int64 // per week or month
	Closed   []int64
}

// flowMaxWeeks is the most weeks a flow counts by the week: a year and a bit.
const flowMaxWeeks = 60

// TicketFlow counts, per week or month of the period (see Flow), the tickets received and the
// closings, from the events alone: each event carries the unit and region in force after it, so
// a ticket counts where it stood when it was received or closed, and two covering indexes answer
// each half without touching the tickets. It stops when ctx ends.
func (s *Store) TicketFlow(ctx context.Context, sq StatsQuery) (*Flow, error) {
	day := s.dayOf("e.at")
	type perDay struct {
		Day string
		N   int64
	}
	count := func(where string, args ...any) ([]perDay, error) {
		var rows []perDay
		q := s.db.WithContext(ctx).Table("ticket_events e").Select(day+" AS day, COUNT(*) AS n").
			Where(where, args...).Where("e.at >= ? AND e.at < ?", ceilSecond(sq.Period.From).UTC(), ceilSecond(sq.Period.To).UTC())
		q = sq.Scope.tickets(q, "e")
		// Events carry the unit and region, not the category or the source: the flow is of
		// every category and source, as its chart says.
		q = Selection{RegionPath: sq.RegionPath, RegionOwn: sq.RegionOwn, UnitID: sq.UnitID, Unassigned: sq.Unassigned}.where(q, "e", false)
		err := q.Group(day).Scan(&rows).Error
		return rows, translate(err, "ticket flow")
	}
	in, err := count("e.kind = ?", EventReceived)
	if err != nil {
		return nil, err
	}
	out, err := count("e.to_status = ? AND e.from_status <> ?", StatusClosed, StatusClosed)
	if err != nil {
		return nil, err
	}
	// The weeks (or months) of the period up to the one of "as of": those still to come have
	// nothing to show, and a line drawn through them at 0 would read as a fall.
	last := sq.Period.To.Add(-time.Second)
	if !sq.AsOf.IsZero() && sq.AsOf.Before(last) && !sq.AsOf.Before(sq.Period.From) {
		last = sq.AsOf
	}
	f := &Flow{}
	first, end := DateOf(sq.Period.From), DateOf(last)
	weekOf := func(d Date) Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }
	monthOf := func(d Date) Date { return Date{d.Year, d.Month, 1} }
	bucket, next := weekOf, func(d Date) Date { return d.AddDays(7) }
	if weekOf(first).daysUntil(end)/7 >= flowMaxWeeks {
		f.Monthly = true
		bucket, next = monthOf, func(d Date) Date { return DateOf(d.At(0, 0, 0).AddDate(0, 1, 0)) }
	}
	index := map[Date]int{}
	for d := bucket(first); !end.Before(d); d = next(d) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		index[d] = len(f.Starts)
		f.Starts = append(f.Starts, d)
	}
	f.Received, f.Closed = make([]int64, len(f.Starts)), make([]int64, len(f.Starts))
	add := func(rows []perDay, into []int64) {
		for _, r := range rows {
			d, err := ParseDate(r.Day[:min(10, len(r.Day))])
			if err != nil {
				continue
			}
			if i, ok := index[bucket(d)]; ok {
				into[i] += r.N
			}
		}
	}
	add(in, f.Received)
	add(out, f.Closed)
	return f, nil
}
