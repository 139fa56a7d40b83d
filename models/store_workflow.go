package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// mutableTicketColumns are the columns an action may change; the rest are fixed at submission.
var mutableTicketColumns = []string{
	"status", "website_id", "unit_id", "region_id", "triage_deadline", "assigned_at", "deadline", "deadline_estimated",
	"closed_at", "version", "updated_at", "pending", "pending_days", "pending_since", "extension_count", "urge_count",
	"duplicate_of", "linked_late", "reply", "reply_public", "reply_confirmed", "reply_rejected", "replied_by", "closing_note", "public", "description_public", "rating", "rated_at", "followed_up_at", "supervise_level", "handling_days",
}

// lockTicket reads a ticket for update within the scope. On MySQL the row is locked until the
// transaction ends; SQLite's write transactions lock the whole database from their start.
func (s *Store) lockTicket(tx *gorm.DB, sc Scope, where string, args ...any) (*Ticket, error) {
	q := tx.Table("tickets t").Select("t.*").Where(where, args...)
	if s.dialect == DialectMySQL {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []Ticket
	if err := sc.tickets(q, "t").Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, NotFound("未找到该留言")
	}
	return &rows[0], nil
}

// saveTicket writes an action's changes, refusing if someone changed the ticket meanwhile.
func saveTicket(tx *gorm.DB, t *Ticket, events []TicketEvent) error {
	old := t.Version
	t.Version++
	res := tx.Model(&Ticket{}).Where("id = ? AND version = ?", t.ID, old).Select(mutableTicketColumns).Updates(t)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return Conflict("留言已被他人更新，请刷新后重试")
	}
	for i := range events {
		events[i].TicketID = t.ID
	}
	if len(events) == 0 {
		return nil
	}
	return tx.Create(&events).Error
}

// Acted is what an action committed: the ticket as the action left it, the other tickets it
// changed (its duplicates, which follow it: Ticket.FollowPrimary), and a TicketChanged for each,
// with the deliveries written for it (the reporters' e-mails), for the caller to dispatch.
type Acted struct {
	Ticket *Ticket
	Others []*Ticket
	Events []Event
}

// Deliveries are the deliveries written for all the tickets the action changed.
func (a *Acted) Deliveries() []int64 {
	var ids []int64
	for _, e := range a.Events {
		if c, ok := e.(TicketChanged); ok {
			ids = append(ids, c.Deliveries...)
		}
	}
	return ids
}

// ticketChanged is the event of a change to t, as saved with its audit rows.
func ticketChanged(t *Ticket, action string, actorID *int64, audit []TicketEvent) TicketChanged {
	e := TicketChanged{TicketID: t.ID, Action: action, ActorID: actorID, Source: t.Source, Status: t.Status,
		Version: t.Version, UnitID: t.UnitID, RegionID: t.RegionID}
	for _, a := range audit {
		e.AuditIDs = append(e.AuditIDs, a.ID)
	}
	return e
}

// Act is Perform for a caller that schedules nothing (tools, tests): the ticket as committed.
func (s *Store) Act(ctx context.Context, actor *User, ticketNo string, a Action) (*Ticket, error) {
	r, err := s.Perform(ctx, actor, ticketNo, a)
	if err != nil {
		return nil, err
	}
	return r.Ticket, nil
}

// Perform does one thing to a ticket on behalf of actor, in one transaction: the ticket must be
// in the actor's scope (or it is not found), the rules on Ticket.Apply must allow it, and the
// change, its events, what it causes to the ticket's duplicates and the e-mails to their reporters
// are written together. An action carrying a RequestKey already recorded for the ticket is not
// done again: the ticket is returned as it is.
func (s *Store) Perform(ctx context.Context, actor *User, ticketNo string, a Action) (*Acted, error) {
	if !ActionAllowed(actor.Role, a.Kind) {
		return nil, Forbidden("您的角色不能进行此操作")
	}
	sc, err := s.ScopeOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	set, cal, _, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	if len(a.RequestKey) > 64 {
		return nil, Invalid("request_key", "请求标识过长")
	}
	switch a.Kind {
	case ActAssign:
		if a.Unit == nil || a.Unit.ID == 0 {
			return nil, Invalid("unit", "请选择办理单位")
		}
		if a.Unit, err = s.unitToAssign(ctx, sc, a.Unit.ID); err != nil {
			return nil, err
		}
	case ActDecide:
		if a.TriageRegionID, err = s.triageRegion(ctx, set); err != nil {
			return nil, err
		}
		if a.Unit != nil { // a return approved and given to another unit at once
			if a.Unit, err = s.unitToAssign(ctx, sc, a.Unit.ID); err != nil {
				return nil, err
			}
		}
	}
	now := s.now()
	var result *Acted
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		t, err := s.lockTicket(tx, sc, "t.ticket_no = ?", strings.ToUpper(strings.TrimSpace(ticketNo)))
		if err != nil {
			return err
		}
		result = &Acted{Ticket: t}
		if err := readUnitReview(tx, t); err != nil { // the reply's and the approval's rules weigh it
			return err
		}
		if a.RequestKey != "" {
			var seen int64
			if err := tx.Model(&TicketEvent{}).Where("ticket_id = ? AND request_key = ?", t.ID, a.RequestKey).Count(&seen).Error; err != nil {
				return err
			}
			if seen > 0 {
				return nil // the same action again: done already
			}
		}
		if a.Kind == ActLink {
			// Whether this ticket may be linked at all is known before its primary is looked for.
			if err := t.May(a.Kind, actor.Role, now, set); err != nil {
				return err
			}
			primaryNo := strings.ToUpper(strings.TrimSpace(a.PrimaryNo))
			if i := strings.IndexAny(primaryNo, " ,，;；"); i > 0 {
				primaryNo = primaryNo[:i]
			}
			p, err := s.lockTicket(tx, sc, "t.ticket_no = ?", primaryNo)
			if err != nil {
				return Invalid("primary", "未找到本单位的留言 "+primaryNo)
			}
			a.Primary = p
		}
		events, err := t.Apply(a, actor, now, set, cal)
		if err != nil {
			return err
		}
		t.UpdatedAt = now
		if err := saveTicket(tx, t, events); err != nil {
			return err
		}
		actorID := actor.ID
		changed := ticketChanged(t, a.Kind, &actorID, events)
		if PublishesReply(events) { // an approval, or a reply its unit does not review
			if changed.Deliveries, err = writeDelivery(tx, replyEmail(s.opt.Email, t, now)); err != nil {
				return err
			}
		}
		result.Events = append(result.Events, changed)
		return s.followPrimary(tx, t, a.Primary, now, set, cal, result)
	})
	if err != nil {
		return nil, translate(err, "act "+a.Kind)
	}
	return result, nil
}

// unitToAssign is the unit of id as the supervisor's scope has it, open: the unit a ticket may
// be given to (分办, 改派). The scope is checked here, on the write, whatever the page offered.
func (s *Store) unitToAssign(ctx context.Context, sc Scope, id int64) (*Unit, error) {
	var units []Unit
	q := s.db.WithContext(ctx).Table("units u").Select("u.*").Where("u.id = ?", id)
	if err := sc.units(q, "u").Find(&units).Error; err != nil {
		return nil, translate(err, "assign: unit")
	}
	if len(units) == 0 {
		return nil, Invalid("unit", "只能分办给本地区的单位")
	}
	if units[0].Status == UnitClosed {
		return nil, Invalid("unit", "单位「"+units[0].Name+"」已撤销，不能分办")
	}
	return &units[0], nil
}

// followPrimary settles p's linked duplicates once p no longer waits for an answer
// (Ticket.FollowPrimary; root is the ticket p was linked to, if it was), with their reporters'
// e-mails, and adds them and their events to what was done.
func (s *Store) followPrimary(tx *gorm.DB, p, root *Ticket, now time.Time, set Settings, cal *Calendar, done *Acted) error {
	if p.Open() {
		return nil
	}
	var dups []Ticket
	if err := tx.Where("duplicate_of = ? AND status = ?", p.ID, StatusLinked).Order("id").Find(&dups).Error; err != nil {
		return err
	}
	for i := range dups {
		d := &dups[i]
		ev, ok := d.FollowPrimary(p, root, now, set, cal)
		if !ok {
			continue
		}
		d.UpdatedAt = now
		audit := []TicketEvent{ev}
		if err := saveTicket(tx, d, audit); err != nil {
			return err
		}
		done.Others = append(done.Others, d)
		var mail *Delivery
		switch ev.Kind {
		case EventClosedWithPrimary:
			mail = replyEmail(s.opt.Email, d, now)
		case EventReleased:
			var unit []string
			if err := tx.Table("units").Where("id = ?", d.UnitID).Pluck("name", &unit).Error; err != nil {
				return err
			}
			mail = releaseEmail(s.opt.Email, d, strings.Join(unit, ""), now)
		}
		changed := ticketChanged(d, ChangeFollowed, nil, audit)
		ids, err := writeDelivery(tx, mail)
		if err != nil {
			return err
		}
		changed.Deliveries = ids
		done.Events = append(done.Events, changed)
	}
	return nil
}

// writeDelivery stores a delivery, if there is one, and returns its id.
func writeDelivery(tx *gorm.DB, d *Delivery) ([]int64, error) {
	if d == nil {
		return nil, nil
	}
	if err := tx.Create(d).Error; err != nil {
		return nil, err
	}
	return []int64{d.ID}, nil
}

// SettleDuplicates settles the duplicates still linked to a ticket that no longer waits for an
// answer, left so by versions before duplicates followed their primary (the primary made 无效, or
// linked in turn while its own duplicates stayed behind): each as Perform settles them now. The
// reconciler runs it; run again, it finds nothing.
func (s *Store) SettleDuplicates(ctx context.Context) (*Acted, error) {
	done := &Acted{}
	set, cal, _, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	var primaries []int64
	err = s.db.WithContext(ctx).Table("tickets d").Joins("JOIN tickets p ON p.id = d.duplicate_of").
		Where("d.status = ? AND p.status NOT IN ?", StatusLinked, openStatuses).
		Distinct().Order("d.duplicate_of").Pluck("d.duplicate_of", &primaries).Error
	if err != nil {
		return nil, translate(err, "settle duplicates")
	}
	all := Scope{All: true}
	for _, id := range primaries {
		now := s.now()
		one := &Acted{} // what this transaction does, added to done once it commits
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			*one = Acted{}
			p, err := s.lockTicket(tx, all, "t.id = ?", id)
			if err != nil {
				return err
			}
			// The end of p's links: the ticket that answers for p, if p is a duplicate itself.
			var root *Ticket
			for next, hops := p.DuplicateOf, 0; next != nil && hops < 10; hops++ {
				if root, err = s.lockTicket(tx, all, "t.id = ?", *next); err != nil {
					return err
				}
				next = root.DuplicateOf
			}
			return s.followPrimary(tx, p, root, now, set, cal, one)
		})
		if err != nil {
			return done, translate(err, "settle duplicates")
		}
		done.Others, done.Events = append(done.Others, one.Others...), append(done.Events, one.Events...)
	}
	return done, nil
}

// Ticket returns one ticket within the scope, or not-found (also when it exists elsewhere).
func (s *Store) Ticket(ctx context.Context, sc Scope, ticketNo string) (*Ticket, error) {
	var rows []Ticket
	q := s.db.WithContext(ctx).Table("tickets t").Select("t.*").Where("t.ticket_no = ?", strings.ToUpper(strings.TrimSpace(ticketNo)))
	if err := sc.tickets(q, "t").Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err, "ticket")
	}
	if len(rows) == 0 {
		return nil, NotFound("未找到该留言")
	}
	return &rows[0], nil
}
