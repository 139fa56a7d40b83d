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
	"duplicate_of", "reply", "reply_public", "reply_confirmed", "replied_by", "closing_note", "public", "description_public", "rating", "rated_at", "supervise_level", "handling_days",
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

// Act does one thing to a ticket on behalf of actor, in one transaction: the ticket must be in
// the actor's scope (or it is not found), the rules on Ticket.Apply must allow it, and the change
// and its events are written together. An action carrying a RequestKey already recorded for the
// ticket is not done again: the ticket is returned as it is.
func (s *Store) Act(ctx context.Context, actor *User, ticketNo string, a Action) (*Ticket, error) {
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
		var units []Unit
		q := s.db.WithContext(ctx).Table("units u").Select("u.*").Where("u.id = ?", a.Unit.ID)
		if err := sc.units(q, "u").Find(&units).Error; err != nil {
			return nil, translate(err, "assign: unit")
		}
		if len(units) == 0 {
			return nil, Invalid("unit", "只能分办给本地区的单位")
		}
		a.Unit = &units[0]
	case ActDecide:
		if a.TriageRegionID, err = s.triageRegion(ctx, set); err != nil {
			return nil, err
		}
	}
	now := s.now()
	var result *Ticket
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.lockTicket(tx, sc, "t.ticket_no = ?", strings.ToUpper(strings.TrimSpace(ticketNo)))
		if err != nil {
			return err
		}
		result = t
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
		if a.Kind == ActApprove {
			closed, err := closeDuplicates(tx, t, cal)
			if err != nil {
				return err
			}
			if s.EmailEnabled {
				return replyEmails(tx, append(closed, t), now)
			}
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "act "+a.Kind)
	}
	return result, nil
}

// closeDuplicates closes the tickets linked to t with t's reply: every reporter gets the answer.
func closeDuplicates(tx *gorm.DB, t *Ticket, cal *Calendar) ([]*Ticket, error) {
	var dups []Ticket
	if err := tx.Where("duplicate_of = ? AND status = ?", t.ID, StatusLinked).Find(&dups).Error; err != nil {
		return nil, err
	}
	closed := make([]*Ticket, len(dups))
	for i := range dups {
		ev := dups[i].CloseWithPrimary(t, *t.ClosedAt, cal)
		dups[i].UpdatedAt = *t.ClosedAt
		if err := saveTicket(tx, &dups[i], []TicketEvent{ev}); err != nil {
			return nil, err
		}
		closed[i] = &dups[i]
	}
	return closed, nil
}

// replyEmails tells each reporter who left an e-mail address that the reply is published.
func replyEmails(tx *gorm.DB, tickets []*Ticket, now time.Time) error {
	for _, t := range tickets {
		if t.ContactEmail == "" || t.ReplyPublic == nil {
			continue
		}
		tid := t.ID
		d := Delivery{TicketID: &tid, Channel: ChannelEmail, Target: t.ContactEmail, Status: DeliveryPending,
			Subject: "您的留言已答复：" + t.TicketNo, CreatedAt: now, UpdatedAt: now,
			Body: "您反映的问题已有答复：\n\n" + *t.ReplyPublic + "\n\n请凭留言编号和查询码查看并评价：\n/query?ticket_no=" + t.TicketNo}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
	}
	return nil
}

// PendingDeliveries returns the pending deliveries of a ticket, to hand to the queue at once.
func (s *Store) PendingDeliveries(ctx context.Context, ticketID int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Delivery{}).Where("ticket_id = ? AND status = ?", ticketID, DeliveryPending).Pluck("id", &ids).Error
	return ids, translate(err, "pending deliveries")
}

// RateReport records the citizen's rating, for whoever holds the query code.
func (s *Store) RateReport(ctx context.Context, ticketNo, code, rating string) error {
	report, err := s.FindReport(ctx, ticketNo, code)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.lockTicket(tx, Scope{All: true}, "t.ticket_no = ?", report.TicketNo)
		if err != nil {
			return err
		}
		ev, err := t.Rate(rating, now)
		if err != nil {
			return err
		}
		t.UpdatedAt = now
		return saveTicket(tx, t, []TicketEvent{ev})
	})
	return translate(err, "rate")
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
