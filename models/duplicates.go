package models

import "time"

// mayDuplicate is the rule for a duplicate, stated once: the automatic merge of a new report and
// a link by hand both ask it. t may be handled as a duplicate of p when p is another ticket a unit
// is handling (not a duplicate itself: no chains), the same unit holds both, and both are about
// the same page (PageURL.Key: the address as routing normalises it) in the same category. Two
// reports that differ in either are two problems, each answered on its own; one that is no
// problem at all is made 无效, with a reason its reporter sees.
func (t *Ticket) mayDuplicate(p *Ticket) error {
	switch {
	case t.ID != 0 && p.ID == t.ID:
		return Invalid("primary", "请填写另一条留言的编号")
	case !p.WithUnit() || p.DuplicateOf != nil:
		return Invalid("primary", "只能合并到单位正在办理的另一条留言（不能合并到待分办、已办结或已合并的留言）")
	case p.UnitID == nil || t.UnitID == nil || *p.UnitID != *t.UnitID:
		return Invalid("primary", "只能合并到本单位正在办理的另一条留言")
	case t.PageKey == "" || p.PageKey != t.PageKey:
		return Invalid("primary", "两条留言的出错页面不同，不能合并：只能合并反映同一页面的留言")
	case p.CategoryID != t.CategoryID:
		return Invalid("primary", "两条留言的问题类型不同，不能合并：只能合并同一问题类型的留言")
	}
	return nil
}

// linkTo makes t a duplicate of p at now. A duplicate linked in time (or at receipt) leaves the
// rates: its primary stands for it. One linked after its own deadline had passed stays in them,
// judged by that deadline (LinkedLate): a link stops no clock that has already run out.
func (t *Ticket) linkTo(p *Ticket, now time.Time) {
	t.Status, t.DuplicateOf, t.LinkedLate = StatusLinked, &p.ID, t.PastDeadline(now)
	t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
}

// lateLink tells from a ticket's event whether it made the ticket a duplicate after its deadline,
// as linkTo judged it then: a report merged at receipt is never late.
func lateLink(e TicketEvent) bool { return e.Kind != EventReceived && pastDeadline(e.Deadline, e.At) }

// handleAlone ends t's being a duplicate: its unit handles it again, with a deadline counted
// from now as at an assignment; but one linked after its own deadline keeps that deadline, as its
// clock never stopped.
func (t *Ticket) handleAlone(now time.Time, set Settings, cal *Calendar) {
	if !t.LinkedLate {
		deadline, estimated := cal.Deadline(now, set.ReplyDays)
		t.AssignedAt, t.Deadline, t.DeadlineEstimated = &now, &deadline, estimated
	}
	t.Status, t.DuplicateOf, t.LinkedLate = StatusAssigned, nil, false
}

// Duplicates follow their primary. While it waits for an answer (in triage, with a unit, under
// review; returned or reassigned, it still will be answered) they wait with it. Once it leaves
// that way they follow it, each reporter getting an answer:
//   - approved: closed with its reply (CloseWithPrimary);
//   - linked to another ticket in turn: linked to that one (next), so there are no chains;
//   - made 无效: released to their own handling (release), since nobody will answer it.
//
// FollowPrimary does that to t, a duplicate of p, and returns the event; false when p still waits.
func (t *Ticket) FollowPrimary(p, next *Ticket, now time.Time, set Settings, cal *Calendar) (TicketEvent, bool) {
	switch {
	case t.Status != StatusLinked || p.Open():
		return TicketEvent{}, false
	case p.Status == StatusClosed && p.ReplyPublic != nil:
		return t.CloseWithPrimary(p, now, cal), true
	case p.Status == StatusLinked && next != nil && next.Open():
		from := t.Status
		t.DuplicateOf = &next.ID
		return t.event(now, EventLinked, from, "所合并的留言 "+p.TicketNo+" 已合并至留言 "+next.TicketNo+"，本留言随之合并至该留言",
			map[string]any{"primary": next.TicketNo, "previous_primary": p.TicketNo}), true
	}
	return t.release(now, set, cal), true
}

// release hands a duplicate whose primary will not be answered back to its unit (handleAlone),
// with a reason its reporter reads on the query page.
func (t *Ticket) release(now time.Time, set Settings, cal *Calendar) TicketEvent {
	from := t.Status
	t.handleAlone(now, set, cal)
	return t.event(now, EventReleased, from, ReleasedReason, nil)
}

// ReleasedReason is what the reporter of a released duplicate reads on the query page.
const ReleasedReason = "您的留言此前与反映同一问题的另一条留言合并办理。该留言已作无效处理，您的留言不再随其答复，现恢复单独办理，由办理单位直接答复您。"

// CloseWithPrimary closes a linked duplicate with the reply of the ticket it duplicates, so its
// reporter gets the same answer.
func (t *Ticket) CloseWithPrimary(primary *Ticket, now time.Time, cal *Calendar) TicketEvent {
	from := t.Status
	days := cal.WorkingDaysBetween(t.ReceivedAt, now)
	t.Status, t.ClosedAt, t.Reply, t.ReplyPublic, t.ReplyConfirmed = StatusClosed, &now, primary.Reply, primary.ReplyPublic, primary.ReplyConfirmed
	t.Public, t.HandlingDays = false, &days // the primary stands for them in 留言选登
	return t.event(now, EventClosedWithPrimary, from, "与留言 "+primary.TicketNo+" 一并答复",
		map[string]any{"handling_days": days, "confirmed": primary.ReplyConfirmed})
}
