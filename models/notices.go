package models

import (
	"fmt"
	"slices"
	"strings"
)

// Workflow notices: what people are told of the work that reaches them, besides the reminders
// (reminders.go) and the 整改通知 of a published circular. Each kind is stated once below: who
// gets it, what it is called where people choose how they get it, and the channels it takes
// unless they chose otherwise. Notices are derived from what the database records already
// (ticket events, rectification events, finished account imports) by a pass that reads past a
// cursor (store_notices.go): nothing is told twice, nothing is lost with a task.

// Kinds of workflow notice.
const (
	NoticeTicketNew      = "ticket_new"       // a ticket in the unit's inbox: new, assigned, back to it
	NoticeReplyReview    = "reply_review"     // a reply waits for the unit's reviewer
	NoticeReplyReturned  = "reply_returned"   // the reviewer sent the reply back to whoever wrote it
	NoticeUrged          = "ticket_urged"     // 催办/督办 by a supervisor (the reminders' own 催办 are reminders)
	NoticeRequest        = "request_made"     // a unit asks to return a ticket or for more days
	NoticeRequestDecided = "request_decided"  // the supervisor decided the request
	NoticeRectifyReport  = "rectify_report"   // a unit's rectification report waits for the supervisor
	NoticeRectifyDecided = "rectify_decided"  // the supervisor accepted the report or sent it back
	NoticeUnhappy        = "rating_unhappy"   // a citizen rated the reply 不满意
	NoticeFollowUp       = "follow_up"        // the reporter asked a follow-up question after 不满意 (追问)
	NoticeImportFinished = "import_finished"  // an account import's check ended, done or failed
	NoticeDeadlineEarly  = "deadline_earlier" // a change of the calendar moved a reply deadline earlier
	NoticeAppealFiled    = "appeal_filed"     // a unit contests a finding of its site (核减)
	NoticeAppealDecided  = "appeal_decided"   // the supervisor accepted or refused the appeal
)

// NoticeKind is one kind of workflow notice: who gets it and how, unless they choose otherwise.
type NoticeKind struct {
	Kind  string
	Label string   // what the account page calls it
	To    string   // who gets it, as the account page says
	Roles []string // the roles among whom its recipients are: the account page offers it to them
	// The channels besides in-app (always) a recipient gets it on until they choose: e-mail on
	// for what asks them to act, the unit's group robot for what concerns the whole unit.
	Email, Webhook bool
	batch          string // a batch's title, with its count
	list           string // a batch's link: the list the things are in
}

var (
	unitStaff     = []string{RoleUnitStaff}
	unitReviewers = []string{RoleUnitReviewer}
	wholeUnit     = []string{RoleUnitStaff, RoleUnitReviewer}
	supervisors   = []string{RoleSupervisor}
	importers     = []string{RoleSupervisor, RoleAdmin}
)

// noticeKinds is the table of the kinds, in the order the account page lists them.
var noticeKinds = []NoticeKind{
	{Kind: NoticeTicketNew, Label: "新留言", To: "本单位经办人", Roles: unitStaff, Email: true, Webhook: true,
		batch: "收到 %d 条新留言", list: "/staff/tickets?status=assigned"},
	{Kind: NoticeReplyReview, Label: "答复待审核", To: "本单位审核人", Roles: unitReviewers, Email: true,
		batch: "%d 条答复待审核", list: "/staff/tickets?status=reviewing"},
	{Kind: NoticeReplyReturned, Label: "答复被退回修改", To: "拟写答复的经办人", Roles: unitStaff, Email: true,
		batch: "%d 条答复被退回修改", list: "/staff/tickets?status=processing"},
	{Kind: NoticeUrged, Label: "主管单位催办、督办", To: "本单位经办人和审核人", Roles: wholeUnit, Email: true, Webhook: true,
		batch: "主管单位催办 %d 条留言", list: "/staff/tickets?status=open"},
	{Kind: NoticeRequest, Label: "退回、延期申请待审批", To: "留言所在地区最近一级的主管单位", Roles: supervisors, Email: true,
		batch: "%d 条退回、延期申请待审批", list: "/staff/tickets?pending=1&status=open"},
	{Kind: NoticeRequestDecided, Label: "退回、延期申请的审批结果", To: "提出申请的单位", Roles: wholeUnit,
		batch: "%d 条退回、延期申请已审批", list: "/staff/tickets?status=open"},
	{Kind: NoticeRectifyReport, Label: "整改报告待审核", To: "发布通报的主管单位", Roles: supervisors, Email: true,
		batch: "%d 份整改报告待审核", list: "/staff/rectifications"},
	{Kind: NoticeRectifyDecided, Label: "整改报告的审核结果", To: "被通报的单位", Roles: wholeUnit,
		batch: "%d 份整改报告已审核", list: "/staff/rectifications"},
	{Kind: NoticeUnhappy, Label: "留言人评价不满意", To: "留言所在地区最近一级的主管单位", Roles: supervisors,
		batch: "%d 条答复被评价为不满意", list: UnhappyList},
	{Kind: NoticeFollowUp, Label: "留言人追问", To: "本单位经办人和审核人", Roles: wholeUnit, Email: true, Webhook: true,
		batch: "%d 条留言有留言人追问", list: UnhappyList},
	{Kind: NoticeDeadlineEarly, Label: "答复期限因节假日调整提前", To: "本单位经办人和审核人", Roles: wholeUnit, Email: true, Webhook: true,
		batch: "%d 条留言的答复期限因节假日调整提前", list: "/staff/tickets?status=open"},
	{Kind: NoticeAppealFiled, Label: "核减申请待审核", To: "网站所在地区最近一级的主管单位", Roles: supervisors, Email: true,
		batch: "%d 条核减申请待审核", list: "/staff/inspection/appeals"},
	{Kind: NoticeAppealDecided, Label: "核减申请的审核结果", To: "申请核减的单位", Roles: wholeUnit,
		batch: "%d 条核减申请已审核", list: "/staff/inspection/appeals"},
	{Kind: NoticeImportFinished, Label: "新媒体账号导入结束", To: "导入的人", Roles: importers,
		batch: "%d 次新媒体账号导入已结束", list: "/staff/inspection/accounts"},
}

// NoticeKinds lists every kind of workflow notice, in the account page's order.
func NoticeKinds() []NoticeKind { return slices.Clone(noticeKinds) }

// NoticeKindsFor lists the kinds someone of role can get: those the account page offers them.
func NoticeKindsFor(role string) []NoticeKind {
	var out []NoticeKind
	for _, k := range noticeKinds {
		if slices.Contains(k.Roles, role) {
			out = append(out, k)
		}
	}
	return out
}

func noticeKindOf(kind string) (NoticeKind, bool) {
	i := slices.IndexFunc(noticeKinds, func(k NoticeKind) bool { return k.Kind == kind })
	if i < 0 {
		return NoticeKind{}, false
	}
	return noticeKinds[i], true
}

// noticeActions are the ticket actions and changes whose events the notices read: an event
// (TicketChanged.Notifies) of one of them makes the dispatcher queue the notices' pass.
var noticeActions = []string{ActReply, ActReject, ActUrge, ActReturn, ActExtension, ActDecide, ActAssign, ActReopen, ActUnlink,
	ChangeRated, ChangeFollowed, ChangeFollowUp}

// NoticeChoice is how someone gets one kind of notice: in-app always, and by e-mail and to the
// group robot of their unit (or region) as they choose; the kind's defaults until they do.
type NoticeChoice struct {
	Kind    string `json:"kind"`
	Email   bool   `json:"email"`
	Webhook bool   `json:"webhook"`
}

// noticeAbout is one thing a notice tells of (a ticket's change, a rectification's, an import
// that ended), and to whom.
type noticeAbout struct {
	kind     string
	ticketID *int64 // the ticket it is about, if one
	title    string // the notice's title when it is alone
	line     string // what it says: the whole body when alone, a line of a batch's
	link     string // the thing's page
	actorID  *int64 // who did it: never told of their own doing
	to       noticeAudience
}

// noticeAudience is who hears of a thing: the members of a unit in some roles, one person, the
// supervisors nearest above a region (as the reminders find them: supervisorLadder), or the
// supervisors of exactly one region.
type noticeAudience struct {
	unitID     int64
	roles      []string
	userID     int64
	nearRegion int64
	ofRegion   int64
}

// noticeMessage is what a person (or a group robot) is told of things of one kind: the thing's
// own notice when there is one, a batch's with the count and the list otherwise.
func noticeMessage(kind NoticeKind, things []*noticeAbout) (ReminderMessage, *int64) {
	if len(things) == 1 {
		t := things[0]
		return ReminderMessage{Kind: kind.Kind, Title: ellipsis(t.title, maxTitle), Body: t.line, Link: t.link}, t.ticketID
	}
	const shown = 20
	var b strings.Builder
	for i, t := range things {
		if i == shown {
			fmt.Fprintf(&b, "……等 %d 条", len(things))
			break
		}
		b.WriteString(t.line)
		b.WriteByte('\n')
	}
	return ReminderMessage{Kind: kind.Kind, Title: fmt.Sprintf(kind.batch, len(things)), Body: strings.TrimSuffix(b.String(), "\n"),
		Link: kind.list}, nil
}
