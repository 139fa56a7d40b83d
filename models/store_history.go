package models

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// A history is years of reports written at once, for the load tests (app/loadtest) and the
// benchmarks that need a province's past in minutes rather than a year. Each ticket is made as
// SubmitReport makes a routed report and moved on by Ticket.Apply and Ticket.Rate, as the unit,
// the supervisor and the citizen would have moved it, at the times given: its row and its events
// are those the workflow writes (store_history_test.go files the same tickets through the
// workflow and compares). Only the writing is in bulk.

// PastTicket is one report of a history and how it ended.
type PastTicket struct {
	PageURL     string // a page of a registered running website: the ticket goes to its unit
	Category    string // a category's name or id, as in a report
	Description string
	ReceivedAt  time.Time
	Outcome     string    // StatusAssigned: still waiting for the unit; StatusClosed: replied and approved; StatusInvalid: made 无效 by a supervisor
	ClosedAt    time.Time // when it was closed or made invalid
	Confirmed   bool      // closed: the unit confirmed the problem real (属实)
	Rating      string    // closed: the citizen's rating, given at RatedAt; "" none
	RatedAt     time.Time
}

// What the people of a history wrote: every closed ticket has the same reply, every invalid one
// the same reason.
const (
	historyReply  = "经核实，该问题已整改完毕，感谢您的留言。"
	historyReason = "经核实，反映的问题不属实。"
)

// WriteHistory writes past tickets and their events, a batch of historyBatch tickets per
// transaction, several batches at once on MySQL. The tickets take the ids after the highest in
// the table (and the numbers ZCG + id): write a history into a database where nobody reports at
// the same time, a benchmark's. A ticket that is not a valid report of a registered running site,
// or whose times run backwards, refuses the whole call before anything is written; a database
// error stops it, the batches committed before staying. A history has
// no duplicates: give each ticket a page of its own (SubmitReport would link a second report of
// an open ticket's page to it). People are not named: the events have roles but no actor. It
// returns the tickets' numbers, in the order given.
func (s *Store) WriteHistory(ctx context.Context, past []PastTicket) ([]string, error) {
	set, cal, _, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	var maxID int64
	if err := s.db.WithContext(ctx).Model(&Ticket{}).Select("COALESCE(MAX(id), 0)").Scan(&maxID).Error; err != nil {
		return nil, translate(err, "history: ticket ids")
	}
	numbers := make([]string, len(past))
	tickets := make([]Ticket, len(past))
	events := make([][]TicketEvent, len(past))
	for i, p := range past {
		t, evs, err := s.pastTicket(ctx, p, set, cal)
		if err != nil {
			return nil, fmt.Errorf("past ticket %d: %w", i, err)
		}
		t.ID = maxID + int64(i) + 1
		t.TicketNo = fmt.Sprintf("ZCG%010d", t.ID)
		t.QueryCodeHash = hashQueryCode(t.TicketNo, newQueryCode()) // a code nobody was told
		for j := range evs {
			evs[j].TicketID = t.ID
		}
		tickets[i], events[i], numbers[i] = *t, evs, t.TicketNo
	}
	// SQLite writes one transaction at a time anyway.
	writers := 4
	if s.dialect == DialectSQLite {
		writers = 1
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range work {
				to := min(from+historyBatch, len(past))
				if err := s.writeHistoryBatch(ctx, tickets[from:to], events[from:to]); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for from := 0; from < len(past); from += historyBatch {
		if ctx.Err() != nil {
			break
		}
		work <- from
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, translate(firstErr, "history")
	}
	return numbers, nil
}

// historyBatch is the tickets of one transaction of WriteHistory.
const historyBatch = 1000

// pastTicket makes one ticket of a history and its events, as the workflow would have.
func (s *Store) pastTicket(ctx context.Context, p PastTicket, set Settings, cal *Calendar) (*Ticket, []TicketEvent, error) {
	r := Report{PageURL: p.PageURL, Category: p.Category, Description: p.Description}
	page, cat, err := s.checkReport(ctx, &r)
	if err != nil {
		return nil, nil, err
	}
	route, err := s.Route(ctx, page)
	if err != nil {
		return nil, nil, err
	}
	if route == nil {
		return nil, nil, Invalid("page_url", "网址不属于任何在运行的已登记网站："+p.PageURL)
	}
	received := p.ReceivedAt.UTC().Truncate(time.Second)
	closed := p.ClosedAt.UTC().Truncate(time.Second)
	rated := p.RatedAt.UTC().Truncate(time.Second)
	switch {
	case p.Outcome != StatusAssigned && p.Outcome != StatusClosed && p.Outcome != StatusInvalid:
		return nil, nil, Invalid("outcome", "历史留言的结果应为 assigned、closed 或 invalid")
	case p.Outcome != StatusAssigned && closed.Before(received):
		return nil, nil, Invalid("closed_at", "办结时间早于收到时间")
	case p.Rating != "" && (p.Outcome != StatusClosed || rated.Before(closed)):
		return nil, nil, Invalid("rated_at", "只有已办结的留言可以评价，且评价在办结之后")
	}
	t := receivedTicket(r, page, cat, received)
	first := TicketEvent{At: received, ActorRole: ActorCitizen, Kind: EventReceived}
	t.routeTo(route, &first, received, set, cal)
	events := []TicketEvent{first}
	act := func(role string, a Action, at time.Time) error {
		evs, err := t.Apply(a, &User{Role: role}, at, set, cal)
		if err != nil {
			return err
		}
		t.Version++
		t.UpdatedAt = at
		events = append(events, evs...)
		return nil
	}
	switch p.Outcome {
	case StatusClosed:
		if err := act(RoleUnitStaff, Action{Kind: ActReply, Text: historyReply, Confirmed: p.Confirmed}, closed); err != nil {
			return nil, nil, err
		}
		if err := act(RoleUnitReviewer, Action{Kind: ActApprove}, closed); err != nil {
			return nil, nil, err
		}
		if p.Rating != "" {
			ev, err := t.Rate(CitizenRating{Rating: p.Rating}, rated)
			if err != nil {
				return nil, nil, err
			}
			t.Version++
			t.UpdatedAt = rated
			events = append(events, ev)
		}
	case StatusInvalid:
		if err := act(RoleSupervisor, Action{Kind: ActInvalidate, Text: historyReason}, closed); err != nil {
			return nil, nil, err
		}
	}
	t.RepliedBy = nil
	for i := range events {
		events[i].ActorID = nil
	}
	return t, events, nil
}

// writeHistoryBatch writes tickets and their events in one transaction.
func (s *Store) writeHistoryBatch(ctx context.Context, tickets []Ticket, events [][]TicketEvent) error {
	var all []TicketEvent
	for _, evs := range events {
		all = append(all, evs...)
	}
	// Rows a statement: SQLite's driver binds each argument in a time that grows with their
	// number (a ticket has some forty columns), so short statements; MySQL's interpolates them.
	rows := 500
	if s.dialect == DialectSQLite {
		rows = 25
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.CreateInBatches(tickets, rows).Error; err != nil {
			return err
		}
		return tx.Omit("ID").CreateInBatches(all, 3*rows).Error
	})
}

// CountReceived is how many tickets were received in [from, to): the plainest count over the
// rows a rate of the period reads, the yardstick the load tests time the rates against.
func (s *Store) CountReceived(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Ticket{}).Where("received_at >= ? AND received_at < ?", from.UTC(), to.UTC()).Count(&n).Error
	return n, translate(err, "count received")
}

// RecountRateRollups counts every month's rollups again from the tickets, as the first build
// does: the worst case of the worker's rollup task. It returns how many months it counted.
func (s *Store) RecountRateRollups(ctx context.Context) (int, error) {
	// Without its state the next build counts every month. Should it fail, the build after it
	// does so.
	if err := s.db.WithContext(ctx).Where("id = 1").Delete(&rateRollupState{}).Error; err != nil {
		return 0, translate(err, "recount rate rollups")
	}
	return s.RebuildRateRollups(ctx)
}
