package models

import (
	"context"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"
)

// reportWriter commits citizens' reports in groups: reports that arrive while a transaction is
// being written wait and go together into the next one, one multi-row INSERT per table. Each
// caller still returns only after the transaction holding its report has committed, so a ticket
// number is never shown before its ticket is in the database. Under light load a group is one
// report and nothing waits; under heavy load the round trips and log flushes per report fall
// with the group size. This is what a database's own group commit does, one level up.
type reportWriter struct {
	store   *Store
	queue   chan *pendingReport
	stop    chan struct{}
	stopped sync.WaitGroup
}

// pendingReport is one report on its way to the database, and where its outcome goes.
type pendingReport struct {
	ticket       *Ticket
	event        *TicketEvent
	screenshot   *Attachment
	confirmation *Delivery // the e-mail of the number and query code, if the reporter left an address
	follow       string    // the ticket the reporter chose to follow (Report.Follow)
	done         chan error
}

// maxReportGroup bounds a group, so one transaction stays short.
const maxReportGroup = 128

func newReportWriter(s *Store, writers int) *reportWriter {
	w := &reportWriter{store: s, queue: make(chan *pendingReport, maxReportGroup*writers), stop: make(chan struct{})}
	for i := 0; i < writers; i++ {
		w.stopped.Add(1)
		go w.run()
	}
	return w
}

// write hands the report to a writer and waits for its transaction.
func (w *reportWriter) write(ctx context.Context, p *pendingReport) error {
	p.done = make(chan error, 1)
	select {
	case w.queue <- p:
	case <-w.stop:
		return Unavailable("服务正在停止，请稍后再试", errors.New("report writer stopped"))
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the report is written whatever happens to the request: the citizen may
	// never see its number, but nothing half-done is left.
	return <-p.done
}

func (w *reportWriter) close() {
	close(w.stop)
	w.stopped.Wait()
}

func (w *reportWriter) run() {
	defer w.stopped.Done()
	for {
		var first *pendingReport
		select {
		case first = <-w.queue:
		case <-w.stop:
			// Finish what was queued before stopping.
			for {
				select {
				case p := <-w.queue:
					w.commit([]*pendingReport{p})
				default:
					return
				}
			}
		}
		group := []*pendingReport{first}
	gather:
		for len(group) < maxReportGroup {
			select {
			case p := <-w.queue:
				group = append(group, p)
			default:
				break gather
			}
		}
		w.commit(group)
	}
}

// commit writes a group in one transaction. If the group fails, each report is tried alone, so
// one report the database refuses does not take the others with it.
func (w *reportWriter) commit(group []*pendingReport) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := w.store.insertReports(ctx, group)
	if err != nil && len(group) > 1 {
		var committed []*pendingReport
		for _, p := range group {
			err := w.store.insertReports(ctx, []*pendingReport{p})
			if err == nil {
				committed = append(committed, p)
			}
			p.done <- err
		}
		w.after(ctx, committed)
		return
	}
	// The callers are answered first: what follows a commit is not part of it.
	for _, p := range group {
		p.done <- err
	}
	if err == nil {
		w.after(ctx, group)
	}
}

// after hands the committed group's TicketCreated events to the dispatcher, together, so that
// a busy hour of reports costs the queue one call per group. It runs on the writer: the
// dispatcher is quick and may fail (Options.Events).
func (w *reportWriter) after(ctx context.Context, group []*pendingReport) {
	if len(group) == 0 {
		return
	}
	events := make([]Event, len(group))
	for i, p := range group {
		events[i] = p.created()
	}
	w.store.opt.Events.Dispatch(ctx, events...)
}

// created is the event of the report once committed.
func (p *pendingReport) created() TicketCreated {
	e := TicketCreated{TicketID: p.ticket.ID, Source: p.ticket.Source, UnitID: p.ticket.UnitID, RegionID: p.ticket.RegionID}
	if p.confirmation != nil {
		e.Deliveries = []int64{p.confirmation.ID}
	}
	return e
}

// insertReports writes tickets, their first events and their screenshots in one transaction.
// Ticket ids are read back by ticket number rather than inferred from the auto-increment
// counter, which MySQL-compatible databases do not all hand out consecutively.
func (s *Store) insertReports(ctx context.Context, group []*pendingReport) error {
	tickets := make([]*Ticket, len(group))
	byNo := make(map[string]*pendingReport, len(group))
	for i, p := range group {
		tickets[i] = p.ticket
		byNo[p.ticket.TicketNo] = p
	}
	// A group run again after a lost commit (s.transaction) starts from the reports as they came:
	// the duplicates are looked for afresh.
	type asCame struct {
		ticket Ticket
		event  TicketEvent
	}
	came := make([]asCame, len(group))
	for i, p := range group {
		came[i] = asCame{*p.ticket, *p.event}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for i, p := range group {
			*p.ticket, *p.event = came[i].ticket, came[i].event
		}
		if err := linkDuplicates(tx, group); err != nil {
			return err
		}
		if err := tx.Omit("ID").Create(&tickets).Error; err != nil {
			return err
		}
		var ids []struct {
			ID       int64
			TicketNo string
		}
		nos := make([]string, 0, len(group))
		for no := range byNo {
			nos = append(nos, no)
		}
		if err := tx.Model(&Ticket{}).Select("id, ticket_no").Where("ticket_no IN ?", nos).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) != len(group) {
			return errors.New("inserted tickets not found by number")
		}
		events := make([]*TicketEvent, 0, len(group))
		for _, r := range ids {
			p := byNo[r.TicketNo]
			p.ticket.ID, p.event.TicketID = r.ID, r.ID
			events = append(events, p.event)
			if p.screenshot != nil {
				p.screenshot.TicketID = r.ID
				if err := tx.Create(p.screenshot).Error; err != nil {
					return err
				}
			}
			if p.confirmation != nil {
				id := r.ID
				p.confirmation.TicketID = &id
				if err := tx.Create(p.confirmation).Error; err != nil {
					return err
				}
			}
		}
		return tx.Omit("ID").Create(&events).Error
	})
	if err != nil {
		for _, p := range group {
			p.ticket.ID = 0
			if p.confirmation != nil {
				p.confirmation.ID = 0
			}
		}
		return translate(err, "submit report")
	}
	return nil
}

// linkDuplicates links each routed report to an open ticket about the same problem, if there is
// one (Ticket.mayDuplicate, the rule a link by hand follows too): the unit handles that ticket, and
// this one is closed with its reply. Its own deadline stays: should that ticket be made 无效, this
// one is handled on its own. (Reports of the same page within one group are left unlinked; staff
// can link them.)
func linkDuplicates(tx *gorm.DB, group []*pendingReport) error {
	var keys []string
	for _, p := range group {
		if p.ticket.UnitID != nil {
			keys = append(keys, p.ticket.PageKey)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	var open []Ticket
	err := followable(tx.Table("tickets t")).Select("t.id, t.ticket_no, t.status, t.page_key, t.category_id, t.unit_id, t.duplicate_of").
		Where("t.page_key IN ?", keys).Order("t.id").Find(&open).Error
	if err != nil {
		return err
	}
	for _, p := range group {
		t := p.ticket
		if t.Status != StatusAssigned {
			continue
		}
		// The ticket its reporter chose to follow comes first; otherwise the oldest.
		candidates := make([]*Ticket, 0, len(open))
		for i := range open {
			if open[i].TicketNo == p.follow {
				candidates = append([]*Ticket{&open[i]}, candidates...)
			} else {
				candidates = append(candidates, &open[i])
			}
		}
		for _, o := range candidates {
			if t.mayDuplicate(o) == nil {
				t.linkTo(o, t.ReceivedAt)
				p.event.ToStatus = StatusLinked
				p.event.Reason = "与留言 " + o.TicketNo + " 反映的问题相同，合并办理"
				if o.TicketNo == p.follow {
					p.event.Reason = "留言人选择关注留言 " + o.TicketNo + "（反映的问题相同），合并办理"
				}
				break
			}
		}
	}
	return nil
}
