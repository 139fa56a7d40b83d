package models

import (
	"encoding/json"
	"fmt"
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
	ActLink       = "link"       // unit staff: mark as a duplicate of another of the unit's tickets
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
var actionRoles = map[string]string{
	ActAccept: RoleUnitStaff, ActReply: RoleUnitStaff, ActReturn: RoleUnitStaff, ActExtension: RoleUnitStaff,
	ActLink: RoleUnitStaff, ActApprove: RoleUnitReviewer, ActReject: RoleUnitReviewer,
	ActAssign: RoleSupervisor, ActInvalidate: RoleSupervisor, ActDecide: RoleSupervisor,
	ActUrge: RoleSupervisor, ActReopen: RoleSupervisor, ActUnlink: RoleSupervisor,
}

// ActionAllowed reports whether role may ever do the action.
func ActionAllowed(role, action string) bool { return actionRoles[action] == role }

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

// Apply checks that the actor may do the action to the ticket now, changes the ticket, and
// returns the events to record. It refuses, changing nothing, whatever the state does not allow.
// Scope (is the ticket the actor's to touch?) is the store's check, done before.
func (t *Ticket) Apply(a Action, actor *User, now time.Time, set Settings, cal *Calendar) ([]TicketEvent, error) {
	if !ActionAllowed(actor.Role, a.Kind) {
		return nil, Forbidden("您的角色不能进行此操作")
	}
	from := t.Status
	events := []TicketEvent{}
	record := func(kind, reason string, data map[string]any) {
		region := t.RegionID
		ev := TicketEvent{At: now, ActorID: &actor.ID, ActorRole: actor.Role, Kind: kind, FromStatus: from,
			ToStatus: t.Status, UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: reason}
		if t.Status == StatusTriage {
			ev.Deadline = t.TriageDeadline
		}
		if len(data) > 0 {
			b, _ := json.Marshal(data)
			d := string(b)
			ev.Data = &d
		}
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
	conflict := func(msg string) ([]TicketEvent, error) { return nil, Conflict(msg) }

	switch a.Kind {
	case ActAccept:
		if t.Status != StatusAssigned {
			return conflict("只有待签收的留言可以签收")
		}
		t.Status = StatusProcessing
		record(EventAccepted, "", nil)

	case ActReply:
		if t.Status != StatusAssigned && t.Status != StatusProcessing {
			return conflict("只有办理中的留言可以拟写答复")
		}
		if t.Pending != "" {
			return conflict("该留言有待主管单位处理的申请，暂不能答复")
		}
		text, err := checkText(a.Text, MinReply, MaxReply, "答复内容")
		if err != nil {
			return nil, err
		}
		t.Status, t.Reply, t.ReplyConfirmed, t.RepliedBy = StatusReviewing, &text, a.Confirmed, &actor.ID
		record(EventReplied, "", map[string]any{"confirmed": a.Confirmed})

	case ActReturn:
		if !t.WithUnit() || t.Status == StatusReviewing {
			return conflict("只有待签收或办理中的留言可以申请退回")
		}
		if t.Pending != "" {
			return conflict("该留言已有待处理的申请")
		}
		if t.Deadline != nil && now.After(*t.Deadline) {
			return conflict("已超过办理期限，不能申请退回")
		}
		reason, err := checkText(a.Text, MinReason, MaxReason, "退回理由")
		if err != nil {
			return nil, err
		}
		t.Pending, t.PendingSince = PendingReturn, &now
		record(EventReturnRequested, reason, nil)

	case ActExtension:
		if !t.WithUnit() || t.Status == StatusReviewing {
			return conflict("只有待签收或办理中的留言可以申请延期")
		}
		if t.Pending != "" {
			return conflict("该留言已有待处理的申请")
		}
		if t.Deadline != nil && now.After(*t.Deadline) {
			return conflict("已超过办理期限，不能再申请延期")
		}
		if t.ExtensionCount >= set.ExtensionMaxRequests {
			return conflict(fmt.Sprintf("每条留言最多申请延期 %d 次", set.ExtensionMaxRequests))
		}
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
		switch {
		case !t.WithUnit() || t.Status == StatusReviewing:
			return conflict("只有待签收或办理中的留言可以合并")
		case p == nil || p.ID == t.ID:
			return nil, Invalid("primary", "请填写另一条留言的编号")
		case !p.WithUnit() || p.DuplicateOf != nil || p.UnitID == nil || t.UnitID == nil || *p.UnitID != *t.UnitID:
			return nil, Invalid("primary", "只能合并到本单位正在办理的另一条留言")
		}
		note, err := checkText(a.Text, 0, MaxReason, "合并说明")
		if err != nil {
			return nil, err
		}
		t.Status, t.DuplicateOf, t.Pending = StatusLinked, &p.ID, ""
		record(EventLinked, note, map[string]any{"primary": p.TicketNo})

	case ActApprove:
		if t.Status != StatusReviewing || t.Reply == nil {
			return conflict("只有待审核的答复可以审核通过")
		}
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
		if t.Status != StatusReviewing {
			return conflict("只有待审核的答复可以退回修改")
		}
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
		if t.Status != StatusTriage && !t.WithUnit() {
			return conflict("只有待分办或办理中的留言可以分办")
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
		if !t.Open() {
			return conflict("该留言已办结")
		}
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
			return conflict("该留言没有待处理的申请")
		}

	case ActUrge:
		if !t.WithUnit() {
			return conflict("只能催办单位正在办理的留言")
		}
		note, err := checkText(a.Text, MinReason, MaxReason, "催办意见")
		if err != nil {
			return nil, err
		}
		t.UrgeCount++
		record(EventUrged, note, map[string]any{"count": t.UrgeCount})

	case ActReopen:
		if t.Status != StatusClosed || t.Rating != RatingUnhappy || t.UnitID == nil {
			return conflict("只有留言人评价为不满意的已办结留言可以重新办理")
		}
		reason, err := checkText(a.Text, MinReason, MaxReason, "重新办理的理由")
		if err != nil {
			return nil, err
		}
		deadline, estimated := cal.Deadline(now, set.ReplyDays)
		t.Status, t.ClosedAt, t.AssignedAt, t.Deadline, t.DeadlineEstimated = StatusAssigned, nil, &now, &deadline, estimated
		t.Rating, t.RatedAt, t.Public, t.SuperviseLevel, t.HandlingDays = "", nil, false, 0, nil
		t.DescriptionPublic = nil
		record(EventReopened, reason, nil)

	case ActUnlink:
		if t.Status != StatusLinked || t.UnitID == nil {
			return conflict("该留言不是合并的重复留言")
		}
		deadline, estimated := cal.Deadline(now, set.ReplyDays)
		t.Status, t.DuplicateOf, t.AssignedAt, t.Deadline, t.DeadlineEstimated = StatusAssigned, nil, &now, &deadline, estimated
		record(EventUnlinked, strings.TrimSpace(a.Text), nil)

	default:
		return nil, Invalid("action", "未知的操作")
	}
	return events, nil
}

// CloseWithPrimary closes a linked duplicate with the reply of the ticket it duplicates, so its
// reporter gets the same answer.
func (t *Ticket) CloseWithPrimary(primary *Ticket, now time.Time, cal *Calendar) TicketEvent {
	from := t.Status
	days := cal.WorkingDaysBetween(t.ReceivedAt, now)
	t.Status, t.ClosedAt, t.Reply, t.ReplyPublic, t.ReplyConfirmed = StatusClosed, &now, primary.Reply, primary.ReplyPublic, primary.ReplyConfirmed
	t.Public, t.HandlingDays = false, &days // the primary stands for them in 留言选登
	region := t.RegionID
	data := fmt.Sprintf(`{"handling_days":%d}`, days)
	return TicketEvent{At: now, ActorRole: ActorSystem, Kind: EventClosedWithPrimary, FromStatus: from,
		ToStatus: StatusClosed, UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: "与留言 " + primary.TicketNo + " 一并答复", Data: &data}
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
