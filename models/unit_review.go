package models

import (
	"encoding/json"

	"gorm.io/gorm"
)

// UnitReview is what a ticket's unit says about reviewing its replies (审核): whether a reply
// waits for the unit's reviewer at all (units.review_required), and how many enabled reviewers
// the unit has. The rules of ActReply and ActApprove read it (actions.go): a unit that turned
// review off publishes its staff's reply at once, and a unit with no reviewer lets a supervisor
// of its region approve a reply left waiting, so that no reply waits for nobody.
type UnitReview struct {
	Required  bool // a staff reply waits for the reviewer before it is published
	Reviewers int  // enabled unit_reviewer users of the unit
}

// How a reply came to be published, as its approval event records it (data "review").
const (
	ReviewByReviewer   = "reviewer"     // the unit's reviewer approved it
	ReviewNotRequired  = "not_required" // the unit does not review: the staff's reply was published as they sent it
	ReviewBySupervisor = "supervisor"   // 上级代为审核: the unit had no reviewer, a supervisor of its region approved it
)

// reviewRequired reports whether a reply to the ticket waits for review. Unknown (the store did
// not read the unit: a replayed history, a test's ticket) is the rule every unit had before it
// could turn review off: it waits.
func (t *Ticket) reviewRequired() bool { return t.UnitReview == nil || t.UnitReview.Required }

// ReplyPublishes reports whether the staff's reply is published as they send it (the unit does
// not review): the reply form says so.
func (t *Ticket) ReplyPublishes() bool { return !t.reviewRequired() }

// mayApproveFor is the approval's guard beyond the ticket's state: a reviewer of the unit
// approves; a supervisor only when the unit has no enabled reviewer (unknown counts as having
// one), since otherwise the reviewer would be bypassed.
func (t *Ticket) mayApproveFor(role string) error {
	if role != RoleSupervisor {
		return nil
	}
	if t.UnitReview == nil || t.UnitReview.Reviewers > 0 {
		return Forbidden("该单位有在岗的审核人，答复应由单位审核人审核；上级只在单位没有审核人时代为审核")
	}
	return nil
}

// approvedBy says how an approval by someone of role came: by the reviewer, or by a supervisor
// in the reviewer's stead.
func approvedBy(role string) string {
	if role == RoleSupervisor {
		return ReviewBySupervisor
	}
	return ReviewByReviewer
}

// publish closes the ticket with its reply published, as an approval does (closing time now,
// handling days counted now), and records the approval with how it came (review) and what
// else the event carries (note: the approver's opinion).
func (t *Ticket) publish(public bool, review, note string, do *doing) {
	masked := MaskPersonalData(*t.Reply)
	days := do.cal.WorkingDaysBetween(t.ReceivedAt, do.now)
	t.Status, t.ClosedAt, t.ReplyPublic, t.Public, t.HandlingDays = StatusClosed, &do.now, &masked, public, &days
	// An extension still asked for (the unit replied while it waited) is moot once the ticket closes.
	t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
	t.DescriptionPublic = nil
	if public {
		description := MaskPersonalData(t.Description)
		t.DescriptionPublic = &description
	}
	data := map[string]any{"public": public, "handling_days": days}
	if review != ReviewByReviewer {
		data["review"] = review // a reviewer's approval reads as it always has
	}
	do.record(EventApproved, note, data)
}

// reply is ActReply's change: the reply waits for review, or, where the unit does not review,
// is published at once as approved by the one who wrote it. Either way the events are the same
// chain (replied, then approved, at the same moment when no review is required), so the rates,
// the circular and the history read a reply published without review exactly as an approval.
func (t *Ticket) reply(a Action, do *doing) {
	t.Status, t.Reply, t.ReplyConfirmed, t.RepliedBy, t.ReplyRejected = StatusReviewing, &a.Text, a.Confirmed, &do.actor.ID, false
	if t.reviewRequired() {
		do.record(EventReplied, "", map[string]any{"confirmed": a.Confirmed})
		return
	}
	do.record(EventReplied, "", map[string]any{"confirmed": a.Confirmed, "review": ReviewNotRequired})
	do.from = StatusReviewing
	t.publish(t.PublicByDefault(), ReviewNotRequired, "", do)
}

// PublishesReply reports whether the events close a ticket with its reply published: the
// reply's e-mail to the reporter goes with them.
func PublishesReply(events []TicketEvent) bool {
	for _, e := range events {
		if e.Kind == EventApproved {
			return true
		}
	}
	return false
}

// Label is the event as people read it: its kind's label, and for an approval how it came.
func (e TicketEvent) Label() string {
	if e.Kind == EventApproved {
		switch eventString(e, "review") {
		case ReviewNotRequired:
			return "答复并公开（本单位无需审核）"
		case ReviewBySupervisor:
			return "上级代为审核并答复（单位无审核人）"
		}
	}
	return EventLabel(e.Kind)
}

// eventReview is how the approval or reply recorded in data came ("" for one before units
// could turn review off: by the reviewer).
func eventReview(data *string) string {
	if data == nil {
		return ""
	}
	var d struct {
		Review string `json:"review"`
	}
	json.Unmarshal([]byte(*data), &d)
	return d.Review
}

// readUnitReview reads what the ticket's unit says about review (nothing for a ticket no unit
// holds) into t.UnitReview.
func readUnitReview(db *gorm.DB, t *Ticket) error {
	t.UnitReview = nil
	if t.UnitID == nil {
		return nil
	}
	var rows []UnitReview
	err := db.Raw(`SELECT u.review_required AS required,
			(SELECT COUNT(*) FROM users r WHERE r.unit_id = u.id AND r.role = ? AND r.disabled = ?) AS reviewers
		FROM units u WHERE u.id = ?`, RoleUnitReviewer, false, *t.UnitID).Scan(&rows).Error
	if err != nil {
		return err
	}
	if len(rows) == 1 {
		t.UnitReview = &rows[0]
	}
	return nil
}

// Done is what the page says once the action is done, as it turned out: a reply its unit does
// not review was published, not sent for review.
func (a *Acted) Done(kind string) string {
	if kind == ActReply && a.Ticket != nil && a.Ticket.Status == StatusClosed {
		return "答复已公开，留言已办结（本单位无需审核）"
	}
	return ActionDone(kind)
}
