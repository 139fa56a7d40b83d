package models

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The rates over whole months read monthly rollups instead of every ticket: a province's year is
// about 500,000 tickets, and the rollups hold a few thousand rows for it. A rollup counts what
// does not move with the clock (everything but what is due, overdue or open over a month at the
// report time) as of one moment, built_at. A rate as of asOf ≥ built_at is then
//
//	the rollups
//	− the settled counts, as of built_at, of the tickets changed since (replayed from events)
//	+ the full counts, as of asOf, of those same tickets (replayed too)
//	+ what is due, overdue and open over a month among the open tickets unchanged since (live)
//
// which is what the tickets themselves give; a test holds the two to each other.

// rollupMargin keeps built_at behind the clock, so that every action stamped before it has
// committed when the rollups are counted (a transaction gives up long before).
const rollupMargin = time.Minute

// rateRollup is a row of rate_rollups: kind u holds units with their region (no category), kind c
// regions with their categories (no unit).
type rateRollup struct {
	Kind, Month                  string
	UnitID, RegionID, CategoryID int64
	Received, Invalid, Duplicates, Valid, Closed, OnTime, LateClosed,
	ClosedOverMonth, Confirmed, Rated, Satisfied, HandlingDays int64
}

func (rateRollup) TableName() string { return "rate_rollups" }

type rateRollupState struct {
	ID      int64
	BuiltAt time.Time
}

func (rateRollupState) TableName() string { return "rate_rollup_state" }

// monthKey is the Asia/Shanghai month of t, as the rollups name it.
func monthKey(t time.Time) string { return t.In(Shanghai).Format("2006-01") }

// monthStart is the first moment of t's month in Asia/Shanghai.
func monthStart(t time.Time) time.Time {
	s := t.In(Shanghai)
	return time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, Shanghai)
}

// ticketSpan is a span of receipt times the rates read from the tickets: inside the period, or
// outside it, read only to be taken away from a whole month the rollups counted.
type ticketSpan struct {
	from, to time.Time
	outside  bool
}

// planRollups chooses the months [a, b) to read from the rollups for the period [from, to), and
// the spans left to the tickets, so that the fewest days are read from the tickets: at each end,
// the part of the edge month inside the period, or the part outside it, whichever is shorter.
// With no month worth reading it returns a == b and the period itself.
func planRollups(from, to time.Time) (a, b time.Time, spans []ticketSpan) {
	best := to.Sub(from) // reading the period from the tickets alone
	a, b, spans = from, from, []ticketSpan{{from, to, false}}
	lower, upper := monthStart(from), monthStart(to)
	startsAt := []time.Time{lower, lower.AddDate(0, 1, 0)}
	endsAt := []time.Time{upper, upper.AddDate(0, 1, 0)}
	for _, ca := range startsAt {
		for _, cb := range endsAt {
			if !ca.Before(cb) {
				continue
			}
			var cost time.Duration
			var sp []ticketSpan
			switch {
			case ca.Before(from):
				cost += from.Sub(ca)
				sp = append(sp, ticketSpan{ca, from, true})
			case ca.After(from):
				cost += ca.Sub(from)
				sp = append(sp, ticketSpan{from, ca, false})
			}
			switch {
			case cb.After(to):
				cost += cb.Sub(to)
				sp = append(sp, ticketSpan{to, cb, true})
			case cb.Before(to):
				cost += to.Sub(cb)
				sp = append(sp, ticketSpan{cb, to, false})
			}
			if cost < best {
				best, a, b, spans = cost, ca.UTC(), cb.UTC(), sp
			}
		}
	}
	return a, b, spans
}

// settled is the part of a ticket's counts that does not move with the clock: what a rollup holds.
func settled(f Facts) Counts {
	var c Counts
	c.Add(f, time.Time{}) // at the beginning of time nothing open is due yet
	return c
}

// Minus takes other counts from these.
func (c *Counts) Minus(o Counts) {
	c.Plus(Counts{
		Received: -o.Received, Invalid: -o.Invalid, Duplicates: -o.Duplicates, Valid: -o.Valid, Closed: -o.Closed,
		Due: -o.Due, OnTime: -o.OnTime, OverdueNow: -o.OverdueNow, LateClosed: -o.LateClosed,
		ClosedOverMonth: -o.ClosedOverMonth, OpenOverMonth: -o.OpenOverMonth, Confirmed: -o.Confirmed,
		Rated: -o.Rated, Satisfied: -o.Satisfied, HandlingDays: -o.HandlingDays,
	})
}

// rollupKind is the rollup that holds what q asks for, or "" when none does: kind u has no
// category, kind c no unit, neither a source nor a site.
func rollupKind(q StatsQuery) string {
	if q.Source != "" || q.WebsiteID != 0 {
		return "" // the rollups count every source together, and hold no sites
	}
	byUnit := q.UnitID != 0 || q.Unassigned || q.Scope.UnitID != 0
	switch q.GroupBy {
	case "unit":
		if q.CategoryID == 0 {
			return "u"
		}
	case "region":
		if !byUnit {
			return "c" // the smaller of the two
		}
		if q.CategoryID == 0 {
			return "u"
		}
	case "category":
		if !byUnit {
			return "c"
		}
	}
	return ""
}

var errNoRollup = errors.New("no rollup answers")

// statsFromRollups counts whole months of [from, to) from the rollups, when they can answer
// (built, as of a moment not after asOf, holding the dimensions asked for), and returns the spans
// left to the tickets (planRollups); the whole period when the rollups cannot answer.
func (s *Store) statsFromRollups(ctx context.Context, sq StatsQuery, asOf, from, to time.Time, cell cellFunc) ([]ticketSpan, error) {
	kind := rollupKind(sq)
	a, b, spans := planRollups(from, to)
	whole := []ticketSpan{{from, to, false}}
	if kind == "" || a.Equal(b) {
		return whole, nil
	}
	var builtAt time.Time
	var rows []StatsCell
	// The state and the rows are read in one read-only transaction, so that a rebuild committing
	// between the two reads cannot pair new rows with the old moment (read-only: on SQLite it
	// takes no write lock, so the dashboards never wait on the report writer).
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var st []rateRollupState
		if err := tx.Where("id = 1").Find(&st).Error; err != nil {
			return err
		}
		if len(st) == 0 || asOf.Before(st[0].BuiltAt) {
			return errNoRollup
		}
		builtAt = st[0].BuiltAt
		dim, sel := groupedBy(sq.GroupBy, "r.unit_id", "r.region_id", "r.category_id")
		for _, c := range []string{"received", "invalid", "duplicates", "valid", "closed", "on_time", "late_closed",
			"closed_over_month", "confirmed", "rated", "satisfied", "handling_days"} {
			sel += ", COALESCE(SUM(r." + c + "), 0) AS " + c
		}
		q := tx.Table("rate_rollups r").Select(sel).Where("r.kind = ? AND r.month >= ? AND r.month < ?", kind, monthKey(a), monthKey(b))
		q = sq.Selection.where(sq.Scope.tickets(q, "r"), "r", false)
		return q.Group(dim).Scan(&rows).Error
	}, &sql.TxOptions{ReadOnly: true})
	if errors.Is(err, errNoRollup) {
		return whole, nil
	}
	if err != nil {
		return nil, translate(err, "stats: rollups")
	}
	for _, r := range rows {
		r.Due = r.Closed // the settled part of what is due: the rest is counted live below
		cell(r.UnitID, r.RegionID, r.CategoryID).Plus(r.Counts)
	}
	db := s.db.WithContext(ctx)
	if err := s.openNow(db, sq, asOf, builtAt, a, b, cell); err != nil {
		return nil, err
	}
	inScope, err := s.factsScope(db, sq)
	if err != nil {
		return nil, err
	}
	err = s.replay(db, sq, a, b, builtAt, asOf, func(events []TicketEvent, category int64) {
		if f, ok := FactsAsOf(events, builtAt, category); ok && inScope(f) {
			f.cell(cell).Minus(settled(f))
		}
		if f, ok := FactsAsOf(events, asOf, category); ok && inScope(f) {
			f.cell(cell).Add(f, asOf)
		}
	})
	return spans, err
}

// groupedBy is the column a query groups by (unit, region or category) and the selection of the
// three a StatsCell scans, the other two as 0.
func groupedBy(groupBy, unit, region, category string) (dim, sel string) {
	cols := map[string]string{"unit": unit, "region": region, "category": category}
	out := []string{"0 AS unit_id", "0 AS region_id", "0 AS category_id"}
	for i, d := range []string{"unit", "region", "category"} {
		if d == groupBy {
			out[i] = cols[d] + " AS " + d + "_id"
		}
	}
	return cols[groupBy], strings.Join(out, ", ")
}

// unsettledStatuses are every status but closed and invalid, named one by one: an IN list lets the
// database range over ix_tickets_open's receipt time within each status, where NOT IN reads
// every open ticket of all time.
var unsettledStatuses = []string{StatusTriage, StatusAssigned, StatusProcessing, StatusReviewing, StatusLinked}

// openNow counts what moves with the clock among the open tickets received in [from, to) and
// unchanged since builtAt: due, overdue and open over a month, at asOf.
func (s *Store) openNow(db *gorm.DB, sq StatsQuery, asOf, builtAt, from, to time.Time, cell cellFunc) error {
	sum := func(cond string) string { return "COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)" }
	dim, sel := groupedBy(sq.GroupBy, "COALESCE(t.unit_id, 0)", "t.region_id", "t.category_id")
	sel += ", " + sum("t.deadline <= ?") + " AS due, " + sum("t.deadline < ?") + " AS overdue_now, " +
		sum("t.month_deadline < ?") + " AS open_over_month"
	q := db.Table("tickets t").Select(sel, asOf, asOf, asOf).
		Where("t.status IN ? AND "+sqlNotDuplicate+" AND t.updated_at <= ?", unsettledStatuses, builtAt)
	var rows []StatsCell
	if err := s.statsFilter(q, sq, from, to).Group(dim).Scan(&rows).Error; err != nil {
		return translate(err, "stats: open tickets")
	}
	for _, r := range rows {
		cell(r.UnitID, r.RegionID, r.CategoryID).Plus(r.Counts)
	}
	return nil
}

// RebuildRateRollups brings the rollups to the moment now − rollupMargin: every month with a
// ticket changed since they were last built (every month, the first time) is counted again from
// the tickets. It all happens in one transaction, so readers see the old rollups or the new.
// It returns how many months it counted.
func (s *Store) RebuildRateRollups(ctx context.Context) (int, error) {
	builtAt := s.now().Add(-rollupMargin)
	months := 0
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		months = 0
		var st []rateRollupState
		if err := tx.Where("id = 1").Find(&st).Error; err != nil {
			return err
		}
		var received []time.Time
		if len(st) == 0 {
			var first, last []time.Time
			if err := tx.Table("tickets").Order("received_at").Limit(1).Pluck("received_at", &first).Error; err != nil {
				return err
			}
			if err := tx.Table("tickets").Order("received_at DESC").Limit(1).Pluck("received_at", &last).Error; err != nil {
				return err
			}
			if len(first) == 1 && len(last) == 1 {
				for m := monthStart(first[0]); !m.After(last[0]); m = m.AddDate(0, 1, 0) {
					received = append(received, m)
				}
			}
		} else {
			if !builtAt.After(st[0].BuiltAt) {
				return nil
			}
			if err := tx.Table("tickets").Where("updated_at > ?", st[0].BuiltAt).Pluck("received_at", &received).Error; err != nil {
				return err
			}
		}
		todo := map[string]time.Time{}
		for _, r := range received {
			if !r.After(builtAt) { // received later: replayed as changed since, until the next build
				todo[monthKey(r)] = monthStart(r)
			}
		}
		keys := make([]string, 0, len(todo))
		for k := range todo {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := s.rebuildMonth(tx, todo[k], builtAt); err != nil {
				return err
			}
			months++
		}
		if err := tx.Where("id = 1").Delete(&rateRollupState{}).Error; err != nil {
			return err
		}
		return tx.Create(&rateRollupState{ID: 1, BuiltAt: builtAt}).Error
	})
	return months, translate(err, "rebuild rate rollups")
}

// rebuildMonth counts one month's tickets as of builtAt into both kinds of rollup.
func (s *Store) rebuildMonth(tx *gorm.DB, month, builtAt time.Time) error {
	cells := map[[3]int64]*Counts{}
	cell := func(unit, region, category int64) *Counts {
		k := [3]int64{unit, region, category}
		if cells[k] == nil {
			cells[k] = &Counts{}
		}
		return cells[k]
	}
	to := month.AddDate(0, 1, 0)
	if end := builtAt.Add(time.Second); end.Before(to) {
		to = end
	}
	if err := s.statsFromTickets(tx, StatsQuery{Scope: Scope{All: true}}, builtAt, month, to, cell); err != nil {
		return err
	}
	byUnit, byCategory := map[[2]int64]*Counts{}, map[[2]int64]*Counts{}
	add := func(m map[[2]int64]*Counts, k [2]int64, c Counts) {
		if m[k] == nil {
			m[k] = &Counts{}
		}
		m[k].Plus(c)
	}
	for k, c := range cells {
		add(byUnit, [2]int64{k[0], k[1]}, *c)
		add(byCategory, [2]int64{k[1], k[2]}, *c)
	}
	key := monthKey(month)
	var rows []rateRollup
	row := func(kind string, unit, region, category int64, c Counts) rateRollup {
		return rateRollup{Kind: kind, Month: key, UnitID: unit, RegionID: region, CategoryID: category,
			Received: c.Received, Invalid: c.Invalid, Duplicates: c.Duplicates, Valid: c.Valid, Closed: c.Closed,
			OnTime: c.OnTime, LateClosed: c.LateClosed, ClosedOverMonth: c.ClosedOverMonth, Confirmed: c.Confirmed,
			Rated: c.Rated, Satisfied: c.Satisfied, HandlingDays: c.HandlingDays}
	}
	for k, c := range byUnit {
		rows = append(rows, row("u", k[0], k[1], 0, *c))
	}
	for k, c := range byCategory {
		rows = append(rows, row("c", 0, k[0], k[1], *c))
	}
	if err := tx.Where("month = ?", key).Delete(&rateRollup{}).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, 500).Error
}
