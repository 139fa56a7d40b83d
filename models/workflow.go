package models

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Action kinds: one per thing people do to a ticket.
const (
	ActAccept     = "accept"     // unit staff: 签收
	ActReply      = "reply"      // unit staff: write the reply for review
	ActReturn     = "return"     // unit staff: ask to return a ticket that is not the unit's
	ActExtension  = "extension"  // unit staff: ask for more working days
	ActLink       = "link"       // unit staff (before the deadline) or supervisor: mark as a duplicate (mayDuplicate)
	ActApprove    = "approve"    // unit reviewer: approve the reply; the ticket closes
	ActReject     = "reject"     // unit reviewer: send the reply back
	ActAssign     = "assign"     // supervisor: give the ticket to a unit (分办, or reassign)
	ActInvalidate = "invalidate" // supervisor: close as 无效
	ActDecide     = "decide"     // supervisor: approve or refuse a pending return or extension
	ActUrge       = "urge"       // supervisor: 催办 by hand
	ActReopen     = "reopen"     // supervisor: reopen after a 不满意 rating
	ActUnlink     = "unlink"     // supervisor: a linked duplicate is handled on its own again
)

// actionRoles says who may do what. Everything else is refused before the ticket is looked at.
var actionRoles = map[string][]string{
	ActAccept: {RoleUnitStaff}, ActReply: {RoleUnitStaff}, ActReturn: {RoleUnitStaff}, ActExtension: {RoleUnitStaff},
	ActLink: {RoleUnitStaff, RoleSupervisor}, ActApprove: {RoleUnitReviewer}, ActReject: {RoleUnitReviewer},
	ActAssign: {RoleSupervisor}, ActInvalidate: {RoleSupervisor}, ActDecide: {RoleSupervisor},
	ActUrge: {RoleSupervisor}, ActReopen: {RoleSupervisor}, ActUnlink: {RoleSupervisor},
}

// ActionAllowed reports whether role may ever do the action.
func ActionAllowed(role, action string) bool { return slices.Contains(actionRoles[action], role) }

// Action is one thing done to a ticket, with what it needs. The store resolves Unit, Primary and
// TriageRegionID before the ticket applies it.
type Action struct {
	Kind       string
	Text       string // the reply, or the reason or note
	Confirmed  bool   // reply: the problem was real (属实)
	Days       int    // extension: working days asked for
	Approve    bool   // decide: grant (true) or refuse the pending request
	Public     bool   // approve: show the reply in 留言选登
	RequestKey string // the same key twice is one action (a double click)

	Unit           *Unit   // assign: the unit to give the ticket to
	PrimaryNo      string  // link: the number of the ticket this one duplicates, as typed
	Primary        *Ticket // link: that ticket, found by the store
	TriageRegionID int64   // decide on a return: the region whose supervisors triage
}

// Limits of the texts people write.
const (
	MinReply  = 10
	MaxReply  = 5000
	MinReason = 2
	MaxReason = 1000
)

func checkText(s string, min, max int, what string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", Invalid("text", what+"含有无效的字符编码")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		return "", Invalid("text", fmt.Sprintf("请填写%s（至少 %d 个字）", what, min))
	}
	if n > max {
		return "", Invalid("text", fmt.Sprintf("%s不超过 %d 个字", what, max))
	}
	return s, nil
}

// May tells whether actor may do the action to the ticket as it stands at now: the role, the
// state and the deadline, whatever the action carries. Apply asks it before anything else, and the
// ticket's page asks it (Offers) so that it shows only the forms that can succeed: the two cannot
// disagree. What an action carries (a text, days, a unit, a primary) is Apply's to check.
func (t *Ticket) May(kind string, actor *User, now time.Time, set Settings) error {
	if !ActionAllowed(actor.Role, kind) {
		return Forbidden("您的角色不能进行此操作")
	}
	handling := t.Status == StatusAssigned || t.Status == StatusProcessing // 待签收 or 办理中
	switch kind {
	case ActAccept:
		if t.Status != StatusAssigned {
			return Conflict("只有待签收的留言可以签收")
		}
	case ActReply:
		if !handling {
			return Conflict("只有办理中的留言可以拟写答复")
		}
		if t.Pending != "" {
			return Conflict("该留言有待主管单位处理的申请，暂不能答复")
		}
	case ActReturn:
		switch {
		case !handling:
			return Conflict("只有待签收或办理中的留言可以申请退回")
		case t.Pending != "":
			return Conflict("该留言已有待处理的申请")
		case t.PastDeadline(now):
			return Conflict("已超过办理期限，不能申请退回")
		}
	case ActExtension:
		switch {
		case !handling:
			return Conflict("只有待签收或办理中的留言可以申请延期")
		case t.Pending != "":
			return Conflict("该留言已有待处理的申请")
		case t.PastDeadline(now):
			return Conflict("已超过办理期限，不能再申请延期")
		case t.ExtensionCount >= set.ExtensionMaxRequests:
			return Conflict(fmt.Sprintf("每条留言最多申请延期 %d 次", set.ExtensionMaxRequests))
		}
	case ActLink:
		// A duplicate leaves the rates while its primary is handled. Once its own deadline has
		// passed, the unit that let it run late cannot take it out of them: the supervisor may
		// still link it (a late link keeps it in the rates, judged by its own deadline: linkTo).
		switch {
		case !handling:
			return Conflict("只有待签收或办理中的留言可以合并")
		case actor.Role == RoleUnitStaff && t.PastDeadline(now):
			return Forbidden("该留言已超过答复期限，承办单位不能再将其合并为重复留言；确属重复的，请报主管单位合并")
		}
	case ActApprove:
		if t.Status != StatusReviewing || t.Reply == nil {
			return Conflict("只有待审核的答复可以审核通过")
		}
	case ActReject:
		if t.Status != StatusReviewing {
			return Conflict("只有待审核的答复可以退回修改")
		}
	case ActAssign:
		if t.Status != StatusTriage && !t.WithUnit() {
			return Conflict("只有待分办或办理中的留言可以分办")
		}
	case ActInvalidate:
		if !t.Open() {
			return Conflict("该留言已办结")
		}
	case ActDecide:
		if t.Pending == "" {
			return Conflict("该留言没有待处理的申请")
		}
	case ActUrge:
		if !t.WithUnit() {
			return Conflict("只能催办单位正在办理的留言")
		}
	case ActReopen:
		if t.Status != StatusClosed || t.Rating != RatingUnhappy || t.UnitID == nil {
			return Conflict("只有留言人评价为不满意的已办结留言可以重新办理")
		}
	case ActUnlink:
		if t.Status != StatusLinked || t.UnitID == nil {
			return Conflict("该留言不是合并的重复留言")
		}
	}
	return nil
}

// Offers tells, for every action, whether actor may do it to the ticket at now (May): what the
// ticket's page offers.
func (t *Ticket) Offers(actor *User, now time.Time, set Settings) map[string]bool {
	out := make(map[string]bool, len(actionRoles))
	for kind := range actionRoles {
		out[kind] = t.May(kind, actor, now, set) == nil
	}
	return out
}

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

// Apply checks that the actor may do the action to the ticket now, changes the ticket, and
// returns the events to record. It refuses, changing nothing, whatever the state does not allow.
// Scope (is the ticket the actor's to touch?) is the store's check, done before.
func (t *Ticket) Apply(a Action, actor *User, now time.Time, set Settings, cal *Calendar) ([]TicketEvent, error) {
	if err := t.May(a.Kind, actor, now, set); err != nil {
		return nil, err
	}
	from := t.Status
	events := []TicketEvent{}
	record := func(kind, reason string, data map[string]any) {
		ev := t.event(now, kind, from, reason, data)
		ev.ActorID, ev.ActorRole = &actor.ID, actor.Role
		if a.RequestKey != "" && len(events) == 0 {
			k := a.RequestKey
			ev.RequestKey = &k
		}
		events = append(events, ev)
	}
	giveTo := func(u *Unit) {
		deadline, estimated := cal.Deadline(now, set.ReplyDays)
		t.Status, t.UnitID, t.RegionID = StatusAssigned, &u.ID, u.RegionID
		t.AssignedAt, t.Deadline, t.DeadlineEstimated, t.TriageDeadline = &now, &deadline, estimated, nil
		t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
	}

	switch a.Kind {
	case ActAccept:
		t.Status = StatusProcessing
		record(EventAccepted, "", nil)

	case ActReply:
		text, err := checkText(a.Text, MinReply, MaxReply, "答复内容")
		if err != nil {
			return nil, err
		}
		t.Status, t.Reply, t.ReplyConfirmed, t.RepliedBy = StatusReviewing, &text, a.Confirmed, &actor.ID
		record(EventReplied, "", map[string]any{"confirmed": a.Confirmed})

	case ActReturn:
		reason, err := checkText(a.Text, MinReason, MaxReason, "退回理由")
		if err != nil {
			return nil, err
		}
		t.Pending, t.PendingSince = PendingReturn, &now
		record(EventReturnRequested, reason, nil)

	case ActExtension:
		if a.Days < 1 || a.Days > set.ExtensionMaxDays {
			return nil, Invalid("days", fmt.Sprintf("延期天数应为 1–%d 个工作日", set.ExtensionMaxDays))
		}
		reason, err := checkText(a.Text, MinReason, MaxReason, "延期理由")
		if err != nil {
			return nil, err
		}
		t.Pending, t.PendingDays, t.PendingSince, t.ExtensionCount = PendingExtension, a.Days, &now, t.ExtensionCount+1
		record(EventExtensionRequested, reason, map[string]any{"days": a.Days})

	case ActLink:
		p := a.Primary
		if p == nil {
			return nil, Invalid("primary", "请填写另一条留言的编号")
		}
		if err := t.mayDuplicate(p); err != nil {
			return nil, err
		}
		note, err := checkText(a.Text, 0, MaxReason, "合并说明")
		if err != nil {
			return nil, err
		}
		t.linkTo(p, now)
		record(EventLinked, note, map[string]any{"primary": p.TicketNo})

	case ActApprove:
		public := MaskPersonalData(*t.Reply)
		days := cal.WorkingDaysBetween(t.ReceivedAt, now)
		t.Status, t.ClosedAt, t.ReplyPublic, t.Public, t.HandlingDays = StatusClosed, &now, &public, a.Public, &days
		t.DescriptionPublic = nil
		if a.Public {
			description := MaskPersonalData(t.Description)
			t.DescriptionPublic = &description
		}
		record(EventApproved, strings.TrimSpace(a.Text), map[string]any{"public": a.Public, "handling_days": days})

	case ActReject:
		note, err := checkText(a.Text, MinReason, MaxReason, "退回修改意见")
		if err != nil {
			return nil, err
		}
		t.Status = StatusProcessing
		record(EventReplyRejected, note, nil)

	case ActAssign:
		if a.Unit == nil {
			return nil, Invalid("unit", "请选择办理单位")
		}
		if t.UnitID != nil && *t.UnitID == a.Unit.ID && t.Status != StatusTriage {
			return nil, Invalid("unit", "留言已在该单位办理")
		}
		previous := t.UnitID
		giveTo(a.Unit)
		data := map[string]any{"unit": a.Unit.Name}
		if previous != nil {
			data["previous_unit_id"] = *previous
		}
		record(EventAssigned, strings.TrimSpace(a.Text), data)

	case ActInvalidate:
		reason, err := checkText(a.Text, MinReason, MaxReason, "无效理由（留言人可见）")
		if err != nil {
			return nil, err
		}
		t.Status, t.ClosedAt, t.ClosingNote, t.Pending, t.PendingDays, t.PendingSince = StatusInvalid, &now, &reason, "", 0, nil
		record(EventInvalidated, reason, nil)

	case ActDecide:
		note := strings.TrimSpace(a.Text)
		switch {
		case t.Pending == PendingReturn && a.Approve:
			forward, estimated := cal.Deadline(now, set.ForwardDays)
			t.Status, t.UnitID, t.RegionID, t.Deadline, t.AssignedAt = StatusTriage, nil, a.TriageRegionID, nil, nil
			t.TriageDeadline, t.DeadlineEstimated = &forward, estimated
			t.Pending, t.PendingSince = "", nil
			record(EventReturned, note, nil)
		case t.Pending == PendingReturn:
			t.Pending, t.PendingSince = "", nil
			record(EventReturnRefused, note, nil)
		case t.Pending == PendingExtension && a.Approve:
			days := t.PendingDays
			day, estimated := cal.NthWorkingDayAfter(DateOf(*t.Deadline), days)
			deadline := day.End().UTC()
			t.Deadline, t.DeadlineEstimated = &deadline, t.DeadlineEstimated || estimated
			t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
			record(EventExtended, note, map[string]any{"days": days})
		case t.Pending == PendingExtension:
			days := t.PendingDays
			t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
			record(EventExtensionRefused, note, map[string]any{"days": days})
		default:
			return nil, Conflict("该留言没有待处理的申请")
		}

	case ActUrge:
		note, err := checkText(a.Text, MinReason, MaxReason, "催办意见")
		if err != nil {
			return nil, err
		}
		t.UrgeCount++
		record(EventUrged, note, map[string]any{"count": t.UrgeCount})

	case ActReopen:
		reason, err := checkText(a.Text, MinReason, MaxReason, "重新办理的理由")
		if err != nil {
			return nil, err
		}
		deadline, estimated := cal.Deadline(now, set.ReplyDays)
		t.Status, t.ClosedAt, t.AssignedAt, t.Deadline, t.DeadlineEstimated = StatusAssigned, nil, &now, &deadline, estimated
		t.Rating, t.RatedAt, t.Public, t.SuperviseLevel, t.HandlingDays = "", nil, false, 0, nil
		t.DuplicateOf, t.LinkedLate = nil, false // a duplicate closed with its primary's reply is now handled on its own
		t.DescriptionPublic = nil
		record(EventReopened, reason, nil)

	case ActUnlink:
		t.handleAlone(now, set, cal)
		record(EventUnlinked, strings.TrimSpace(a.Text), nil)

	default:
		return nil, Invalid("action", "未知的操作")
	}
	return events, nil
}

// event is a change to t at now, from the status it had, as the ticket stands after it: its
// unit, region and deadline in force (the forward deadline while in triage). The caller sets who.
func (t *Ticket) event(now time.Time, kind, from, reason string, data map[string]any) TicketEvent {
	region := t.RegionID
	ev := TicketEvent{At: now, ActorRole: ActorSystem, Kind: kind, FromStatus: from, ToStatus: t.Status,
		UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: reason}
	if t.Status == StatusTriage {
		ev.Deadline = t.TriageDeadline
	}
	if len(data) > 0 {
		b, _ := json.Marshal(data)
		d := string(b)
		ev.Data = &d
	}
	return ev
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

// Rate records the citizen's rating of a closed ticket's reply, once.
func (t *Ticket) Rate(rating string, now time.Time) (TicketEvent, error) {
	if _, ok := ratingLabels[rating]; !ok {
		return TicketEvent{}, Invalid("rating", "请选择满意、基本满意或不满意")
	}
	if t.Status != StatusClosed || t.ReplyPublic == nil {
		return TicketEvent{}, Conflict("留言办结并答复后才能评价")
	}
	if t.Rating != "" {
		return TicketEvent{}, Conflict("您已评价过该答复")
	}
	t.Rating, t.RatedAt = rating, &now
	b, _ := json.Marshal(map[string]string{"rating": rating})
	d := string(b)
	region := t.RegionID
	return TicketEvent{At: now, ActorRole: ActorCitizen, Kind: EventRated, FromStatus: t.Status, ToStatus: t.Status,
		UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: RatingLabel(rating), Data: &d}, nil
}
