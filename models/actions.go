package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Action kinds: one per thing people do to a ticket.
const (
	ActAccept     = "accept"     // unit staff: 签收
	ActReply      = "reply"      // unit staff: write the reply for review (published at once where the unit does not review)
	ActReturn     = "return"     // unit staff: ask to return a ticket that is not the unit's
	ActExtension  = "extension"  // unit staff: ask for more working days
	ActLink       = "link"       // unit staff (before the deadline) or supervisor: mark as a duplicate (mayDuplicate)
	ActApprove    = "approve"    // unit reviewer (or a supervisor, where the unit has no reviewer): approve the reply; the ticket closes
	ActReject     = "reject"     // unit reviewer: send the reply back
	ActAssign     = "assign"     // supervisor: give the ticket to a unit (分办, or reassign)
	ActInvalidate = "invalidate" // supervisor: close as 无效
	ActDecide     = "decide"     // supervisor: approve or refuse a pending return or extension
	ActUrge       = "urge"       // supervisor: 催办 by hand
	ActReopen     = "reopen"     // supervisor: reopen after a 不满意 rating
	ActUnlink     = "unlink"     // supervisor: a linked duplicate is handled on its own again
)

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

	// PublicDefault: the request did not say whether to publish, and the ticket's default decides
	// (Ticket.PublicByDefault), which only the ticket knows.
	PublicDefault bool

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

// TextRule is what an action's text must be: valid UTF-8 of Min to Max characters once the white
// space around it is trimmed; What names it in a refusal. The ticket's page takes its fields'
// limits from it. An action whose rule is zero reads no text.
type TextRule struct {
	Min, Max int
	What     string
}

// check returns s trimmed, or why it cannot be the text.
func (r TextRule) check(s string) (string, error) {
	if r.Max == 0 {
		return "", nil
	}
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", Invalid("text", r.What+"含有无效的字符编码")
	}
	n := utf8.RuneCountInString(s)
	if n < r.Min {
		return "", Invalid("text", fmt.Sprintf("请填写%s（至少 %d 个字）", r.What, r.Min))
	}
	if n > r.Max {
		return "", Invalid("text", fmt.Sprintf("%s不超过 %d 个字", r.What, r.Max))
	}
	return s, nil
}

// actionRule is one action, stated once: who may do it, what the ticket must be for it then
// (guard: its state, the deadline, the settings), what it carries beyond its text (check), the
// limits of its text, and the change it makes (apply, which cannot fail: everything that can
// refuse is above it). May, Offered and Apply read the table and nothing else, so what a page
// offers is what the ticket accepts.
type actionRule struct {
	kind  string
	done  string // what the page says once it is done
	roles []string
	guard func(t *Ticket, q asking) error
	check func(t *Ticket, a Action, set Settings) error // nil: it carries nothing but its text
	text  TextRule
	apply func(t *Ticket, a Action, do *doing)
}

// asking is what a guard weighs besides the ticket: who asks (their role), when, and the settings.
type asking struct {
	role string
	now  time.Time
	set  Settings
}

// doing is what an action's change has to hand: who does it, when, the settings and calendar,
// and the events it records.
type doing struct {
	t      *Ticket
	actor  *User
	now    time.Time
	set    Settings
	cal    *Calendar
	from   string // the ticket's status before
	key    string // the request's key, kept on the first event
	events []TicketEvent
}

func (d *doing) record(kind, reason string, data map[string]any) {
	ev := d.t.event(d.now, kind, d.from, reason, data)
	ev.ActorID, ev.ActorRole = &d.actor.ID, d.actor.Role
	if d.key != "" && len(d.events) == 0 {
		k := d.key
		ev.RequestKey = &k
	}
	d.events = append(d.events, ev)
}

var (
	staffOnly      = []string{RoleUnitStaff}
	reviewerOnly   = []string{RoleUnitReviewer}
	supervisorOnly = []string{RoleSupervisor}
)

// handling reports whether the ticket's unit works on it: 待签收 or 办理中.
func (t *Ticket) handling() bool { return t.Status == StatusAssigned || t.Status == StatusProcessing }

// optionalNote is a text that may be left out (a link's note, an assignment's, a decision's), of
// a reason's length at most.
func optionalNote(what string) TextRule { return TextRule{0, MaxReason, what} }

// requiredReason is a reason that must be given.
func requiredReason(what string) TextRule { return TextRule{MinReason, MaxReason, what} }

// mayGoTo reports whether the ticket may be given to unit (分办, 改派): not to the unit that has it.
func (t *Ticket) mayGoTo(unit *Unit) error {
	if t.UnitID != nil && *t.UnitID == unit.ID && t.Status != StatusTriage {
		return Invalid("unit", "留言已在该单位办理")
	}
	return nil
}

// assignTo gives the ticket to unit with a fresh reply deadline counted from now, and records it.
func (t *Ticket) assignTo(unit *Unit, note string, do *doing) {
	previous := t.UnitID
	deadline, estimated := do.cal.Deadline(do.now, do.set.ReplyDays)
	t.Status, t.UnitID, t.RegionID = StatusAssigned, &unit.ID, unit.RegionID
	t.AssignedAt, t.Deadline, t.DeadlineEstimated, t.TriageDeadline = &do.now, &deadline, estimated, nil
	t.Pending, t.PendingDays, t.PendingSince, t.ReplyRejected = "", 0, nil, false
	data := map[string]any{"unit": unit.Name}
	if previous != nil {
		data["previous_unit_id"] = *previous
	}
	do.record(EventAssigned, note, data)
}

// actions is the table: one row per action.
var actions = []actionRule{
	{kind: ActAccept, done: "已签收", roles: staffOnly,
		guard: func(t *Ticket, _ asking) error {
			if t.Status != StatusAssigned {
				return Conflict("只有待签收的留言可以签收")
			}
			return nil
		},
		apply: func(t *Ticket, _ Action, do *doing) {
			t.Status = StatusProcessing
			do.record(EventAccepted, "", nil)
		}},

	{kind: ActReply, done: "答复已提交审核", roles: staffOnly, text: TextRule{MinReply, MaxReply, "答复内容"},
		guard: func(t *Ticket, _ asking) error {
			if !t.handling() {
				return Conflict("只有办理中的留言可以拟写答复")
			}
			// A pending extension asks for time the unit may turn out not to need: it may still
			// reply. A pending return says the ticket is not the unit's: it waits for the decision.
			if t.Pending == PendingReturn {
				return Conflict("该留言的退回申请正等待主管单位审核，暂不能答复")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) { t.reply(a, do) }}, // to review, or published where the unit does not review

	{kind: ActReturn, done: "退回申请已提交，等待主管单位审核", roles: staffOnly, text: requiredReason("退回理由"),
		guard: func(t *Ticket, q asking) error {
			switch {
			case !t.handling():
				return Conflict("只有待签收或办理中的留言可以申请退回")
			case t.Pending != "":
				return Conflict("该留言已有待处理的申请")
			case t.PastDeadline(q.now):
				return Conflict("已超过办理期限，不能申请退回")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.Pending, t.PendingSince = PendingReturn, &do.now
			do.record(EventReturnRequested, a.Text, nil)
		}},

	{kind: ActExtension, done: "延期申请已提交，等待主管单位审核", roles: staffOnly, text: requiredReason("延期理由"),
		guard: func(t *Ticket, q asking) error {
			switch {
			case !t.handling():
				return Conflict("只有待签收或办理中的留言可以申请延期")
			case t.Pending != "":
				return Conflict("该留言已有待处理的申请")
			case t.PastDeadline(q.now):
				return Conflict("已超过办理期限，不能再申请延期")
			case t.ExtensionCount >= q.set.ExtensionMaxRequests:
				return Conflict(fmt.Sprintf("每条留言最多申请延期 %d 次", q.set.ExtensionMaxRequests))
			}
			return nil
		},
		check: func(_ *Ticket, a Action, set Settings) error {
			if a.Days < 1 || a.Days > set.ExtensionMaxDays {
				return Invalid("days", fmt.Sprintf("延期天数应为 1–%d 个工作日", set.ExtensionMaxDays))
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.Pending, t.PendingDays, t.PendingSince, t.ExtensionCount = PendingExtension, a.Days, &do.now, t.ExtensionCount+1
			do.record(EventExtensionRequested, a.Text, map[string]any{"days": a.Days})
		}},

	// A duplicate leaves the rates while its primary is handled. Once its own deadline has passed,
	// the unit that let it run late cannot take it out of them: the supervisor may still link it
	// (a late link keeps it in the rates, judged by its own deadline: linkTo).
	{kind: ActLink, done: "已合并为重复留言", roles: []string{RoleUnitStaff, RoleSupervisor}, text: optionalNote("合并说明"),
		guard: func(t *Ticket, q asking) error {
			switch {
			case !t.handling():
				return Conflict("只有待签收或办理中的留言可以合并")
			case q.role == RoleUnitStaff && t.PastDeadline(q.now):
				return Forbidden("该留言已超过答复期限，承办单位不能再将其合并为重复留言；确属重复的，请报主管单位合并")
			}
			return nil
		},
		check: func(t *Ticket, a Action, _ Settings) error {
			if a.Primary == nil {
				return Invalid("primary", "请填写另一条留言的编号")
			}
			return t.mayDuplicate(a.Primary)
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.linkTo(a.Primary, do.now)
			do.record(EventLinked, a.Text, map[string]any{"primary": a.Primary.TicketNo})
		}},

	// A supervisor of the unit's region approves in the reviewer's stead only where the unit has
	// no enabled reviewer (mayApproveFor); the scope of the region is the store's check.
	{kind: ActApprove, done: "审核通过，答复已公开，留言已办结", roles: []string{RoleUnitReviewer, RoleSupervisor}, text: optionalNote("审核意见"),
		guard: func(t *Ticket, q asking) error {
			if t.Status != StatusReviewing || t.Reply == nil {
				return Conflict("只有待审核的答复可以审核通过")
			}
			return t.mayApproveFor(q.role)
		},
		apply: func(t *Ticket, a Action, do *doing) {
			public := a.Public
			if a.PublicDefault {
				public = t.PublicByDefault()
			}
			t.publish(public, approvedBy(do.actor.Role), a.Text, do)
		}},

	{kind: ActReject, done: "答复已退回修改", roles: reviewerOnly, text: requiredReason("退回修改意见"),
		guard: func(t *Ticket, _ asking) error {
			if t.Status != StatusReviewing {
				return Conflict("只有待审核的答复可以退回修改")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.Status, t.ReplyRejected = StatusProcessing, true // the reply stays: the clerk's draft to rework
			do.record(EventReplyRejected, a.Text, nil)
		}},

	{kind: ActAssign, done: "已分办", roles: supervisorOnly, text: optionalNote("分办说明"),
		guard: func(t *Ticket, _ asking) error {
			if t.Status != StatusTriage && !t.WithUnit() {
				return Conflict("只有待分办或办理中的留言可以分办")
			}
			// A return waiting is decided, and the decision recorded, with the ticket given on in the
			// same step (ActDecide's Unit); an assignment would settle it unrecorded.
			if t.Pending == PendingReturn {
				return Conflict("该留言有待审批的退回申请，请在审批时选择改派单位")
			}
			return nil
		},
		check: func(t *Ticket, a Action, _ Settings) error {
			if a.Unit == nil {
				return Invalid("unit", "请选择办理单位")
			}
			return t.mayGoTo(a.Unit)
		},
		apply: func(t *Ticket, a Action, do *doing) { t.assignTo(a.Unit, a.Text, do) }},

	{kind: ActInvalidate, done: "已作无效处理", roles: supervisorOnly, text: requiredReason("无效理由（留言人可见）"),
		guard: func(t *Ticket, _ asking) error {
			if !t.Open() {
				return Conflict("该留言已办结")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.Status, t.ClosedAt, t.ClosingNote, t.Pending, t.PendingDays, t.PendingSince = StatusInvalid, &do.now, &a.Text, "", 0, nil
			do.record(EventInvalidated, a.Text, nil)
		}},

	{kind: ActDecide, done: "已处理申请", roles: supervisorOnly, text: optionalNote("审批意见"),
		guard: func(t *Ticket, _ asking) error {
			if t.Pending != PendingReturn && t.Pending != PendingExtension {
				return Conflict("该留言没有待处理的申请")
			}
			return nil
		},
		// Approving a return may give the ticket to the right unit in the same step (Unit: 改派),
		// as an assignment from triage would; the store checks the unit is in the supervisor's scope.
		check: func(t *Ticket, a Action, _ Settings) error {
			if a.Unit == nil {
				return nil
			}
			if t.Pending != PendingReturn || !a.Approve {
				return Invalid("unit", "只有同意退回时可以改派给其他单位")
			}
			return t.mayGoTo(a.Unit)
		},
		apply: func(t *Ticket, a Action, do *doing) {
			switch {
			case t.Pending == PendingReturn && a.Approve:
				forward, estimated := do.cal.Deadline(do.now, do.set.ForwardDays)
				data := map[string]any{"previous_unit_id": t.UnitID} // the event's unit is the one after: none
				t.Status, t.UnitID, t.RegionID, t.Deadline, t.AssignedAt = StatusTriage, nil, a.TriageRegionID, nil, nil
				t.TriageDeadline, t.DeadlineEstimated = &forward, estimated
				t.Pending, t.PendingSince, t.ReplyRejected = "", nil, false
				do.record(EventReturned, a.Text, data)
				if a.Unit != nil {
					do.from = StatusTriage
					t.assignTo(a.Unit, "", do)
				}
			case t.Pending == PendingReturn:
				t.Pending, t.PendingSince = "", nil
				do.record(EventReturnRefused, a.Text, nil)
			case a.Approve:
				days := t.PendingDays
				day, estimated := do.cal.NthWorkingDayAfter(DateOf(*t.Deadline), days)
				deadline := day.End().UTC()
				t.Deadline, t.DeadlineEstimated = &deadline, t.DeadlineEstimated || estimated
				t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
				do.record(EventExtended, a.Text, map[string]any{"days": days})
			default:
				days := t.PendingDays
				t.Pending, t.PendingDays, t.PendingSince = "", 0, nil
				do.record(EventExtensionRefused, a.Text, map[string]any{"days": days})
			}
		}},

	{kind: ActUrge, done: "已催办", roles: supervisorOnly, text: requiredReason("催办意见"),
		guard: func(t *Ticket, _ asking) error {
			if !t.WithUnit() {
				return Conflict("只能催办单位正在办理的留言")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.UrgeCount++
			do.record(EventUrged, a.Text, map[string]any{"count": t.UrgeCount})
		}},

	{kind: ActReopen, done: "已重新交办", roles: supervisorOnly, text: requiredReason("重新办理的理由"),
		guard: func(t *Ticket, _ asking) error {
			if t.Status != StatusClosed || t.Rating != RatingUnhappy || t.UnitID == nil {
				return Conflict("只有留言人评价为不满意的已办结留言可以重新办理")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			deadline, estimated := do.cal.Deadline(do.now, do.set.ReplyDays)
			t.Status, t.ClosedAt, t.AssignedAt, t.Deadline, t.DeadlineEstimated = StatusAssigned, nil, &do.now, &deadline, estimated
			t.Rating, t.RatedAt, t.FollowedUpAt, t.Public, t.SuperviseLevel, t.HandlingDays = "", nil, nil, false, 0, nil
			t.DuplicateOf, t.LinkedLate = nil, false // a duplicate closed with its primary's reply is now handled on its own
			t.DescriptionPublic = nil
			do.record(EventReopened, a.Text, nil)
		}},

	{kind: ActUnlink, done: "已取消合并，单独办理", roles: supervisorOnly, text: optionalNote("说明"),
		guard: func(t *Ticket, _ asking) error {
			if t.Status != StatusLinked || t.UnitID == nil {
				return Conflict("该留言不是合并的重复留言")
			}
			return nil
		},
		apply: func(t *Ticket, a Action, do *doing) {
			t.handleAlone(do.now, do.set, do.cal)
			do.record(EventUnlinked, a.Text, nil)
		}},
}
