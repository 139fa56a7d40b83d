package models

import (
	"slices"
	"time"
)

// Ticket statuses.
const (
	StatusTriage     = "triage"     // 待分办: no unit yet; the supervisor forwards it
	StatusAssigned   = "assigned"   // 待签收: a unit has it and its deadline runs
	StatusProcessing = "processing" // 办理中: the unit accepted it
	StatusReviewing  = "reviewing"  // 待审核: a reply waits for the reviewer
	StatusClosed     = "closed"     // 已办结: the reply is approved and published
	StatusInvalid    = "invalid"    // 无效: spam, not a government site, duplicate
	StatusLinked     = "linked"     // 已合并: a duplicate of an open ticket; closed with its reply
)

var statusLabels = map[string]string{
	StatusTriage:     "待分办",
	StatusAssigned:   "待签收",
	StatusProcessing: "办理中",
	StatusReviewing:  "待审核",
	StatusClosed:     "已办结",
	StatusInvalid:    "无效",
	StatusLinked:     "已合并",
}

// StatusLabel returns the status as people read it.
func StatusLabel(status string) string {
	if l, ok := statusLabels[status]; ok {
		return l
	}
	return status
}

// Ticket sources.
const (
	SourceCitizen    = "citizen"
	SourceInspection = "inspection"
)

// Ticket is a report and everything done about it. Its row is the current state; TicketEvents
// record how it got there.
type Ticket struct {
	ID                int64
	TicketNo          string
	QueryCodeHash     string
	Source            string
	Status            string
	PageURL           string
	PageKey           string
	CategoryID        int64
	Description       string
	ContactPhone      string
	ContactEmail      string
	ClientIP          string
	WebsiteID         *int64
	UnitID            *int64
	RegionID          int64
	ReceivedAt        time.Time
	TriageDeadline    *time.Time // while in triage: when the supervisor should have forwarded it
	AssignedAt        *time.Time
	Deadline          *time.Time // the unit's reply deadline (extended, where granted)
	DeadlineEstimated bool       // the deadline runs into a year whose calendar is not imported
	ClosedAt          *time.Time
	Version           int
	UpdatedAt         time.Time

	Pending        string     // "", PendingReturn or PendingExtension: a request waiting for the supervisor
	PendingDays    int        // working days an extension request asks for
	PendingSince   *time.Time // when the request was made
	ExtensionCount int        // extension requests made so far
	UrgeCount      int        // 催办 so far
	DuplicateOf    *int64     // the ticket this one is a duplicate of
	LinkedLate     bool       // linked after its own deadline had passed: the rates still judge it by that deadline
	Reply          *string    // the unit's reply as written (a draft until approved)
	ReplyPublic    *string    // the reply as published, personal data masked
	ReplyConfirmed bool       // the unit confirms the problem was real (属实)
	ReplyRejected  bool       // 被退回: the reviewer sent Reply back; it is the clerk's draft to rework
	RepliedBy      *int64
	ClosingNote    *string // why it was closed as invalid, shown to the citizen
	Public         bool    // shown in 留言选登 (PublicByDefault)
	Rating         string  // the citizen's rating, once
	RatedAt        *time.Time
	FollowedUpAt   *time.Time // when the reporter asked their one follow-up question (追问)
	SuperviseLevel int        // 督办: 0 none, 1 the unit's region's supervisors, 2 the region above
	MonthDeadline  *time.Time // one calendar month after receipt: the annual assessment counts past it
	HandlingDays   *int       // working days from receipt to closing, counted at closing

	// DescriptionPublic is the description as 留言选登 shows it, personal data masked: written
	// when the reviewer publishes the reply, and the only description the page's search reads.
	DescriptionPublic *string

	// UnitReview is what the ticket's unit says about review, read by the store with the ticket
	// where an action or the ticket's page needs it (readUnitReview); nil: not read.
	UnitReview *UnitReview `gorm:"-"`
}

// Pending requests.
const (
	PendingReturn    = "return"
	PendingExtension = "extension"
)

// Ratings a citizen can give.
const (
	RatingSatisfied = "satisfied"   // 满意
	RatingBasically = "basically"   // 基本满意
	RatingUnhappy   = "unsatisfied" // 不满意
)

var ratingLabels = map[string]string{RatingSatisfied: "满意", RatingBasically: "基本满意", RatingUnhappy: "不满意"}

// RatingLabel returns a rating as people read it.
func RatingLabel(r string) string { return ratingLabels[r] }

// Open reports whether the ticket still waits for someone.
func (t *Ticket) Open() bool { return isOpen(t.Status) }

// isOpen reports whether a ticket of the status waits for someone (openStatuses, as the lists
// select them).
func isOpen(status string) bool { return slices.Contains(openStatuses, status) }

// PastDeadline reports whether the unit's reply deadline had passed at now (a deadline is kept to
// its last second: 23:59:59 is still in time).
func (t *Ticket) PastDeadline(now time.Time) bool { return pastDeadline(t.Deadline, now) }

func pastDeadline(deadline *time.Time, at time.Time) bool {
	return deadline != nil && at.After(*deadline)
}

// DueAt is the deadline the ticket is held to now: the unit's, or the supervisor's while in triage.
func (t *Ticket) DueAt() *time.Time { return dueAt(t.Status, t.Deadline, t.TriageDeadline) }

func dueAt(status string, deadline, triageDeadline *time.Time) *time.Time {
	if status == StatusTriage {
		return triageDeadline
	}
	return deadline
}

// WithUnit reports whether a unit holds the ticket and its reply deadline runs.
func (t *Ticket) WithUnit() bool {
	return t.Status == StatusAssigned || t.Status == StatusProcessing || t.Status == StatusReviewing
}

// Event kinds.
const (
	EventReceived           = "received"            // a report arrived; routed to a unit or to triage
	EventAssigned           = "assigned"            // the supervisor gave it to a unit (or another unit)
	EventAccepted           = "accepted"            // the unit took it on (签收)
	EventReplied            = "replied"             // the unit wrote a reply for review
	EventApproved           = "approved"            // the reviewer approved the reply: closed and published
	EventReplyRejected      = "reply_rejected"      // the reviewer sent the reply back
	EventReturnRequested    = "return_requested"    // the unit says the ticket is not its own
	EventReturned           = "returned"            // the supervisor agreed: back to triage
	EventReturnRefused      = "return_refused"      // the supervisor did not agree
	EventExtensionRequested = "extension_requested" // the unit asked for more working days
	EventExtended           = "extended"            // the supervisor granted them: the deadline moved
	EventExtensionRefused   = "extension_refused"   // the supervisor did not grant them
	EventInvalidated        = "invalidated"         // closed as 无效, with a reason the citizen sees
	EventUrged              = "urged"               // 催办
	EventSupervised         = "supervised"          // 督办
	EventReopened           = "reopened"            // reopened after a 不满意 rating
	EventLinked             = "linked"              // made a duplicate of another ticket
	EventUnlinked           = "unlinked"            // no longer a duplicate: handled on its own
	EventClosedWithPrimary  = "closed_with_primary" // a duplicate closed with the reply of its ticket
	EventReleased           = "released"            // its ticket was made 无效: the duplicate is handled on its own
	EventRated              = "rated"               // the citizen rated the reply
	EventFollowedUp         = "followed_up"         // the reporter asked a follow-up question after 不满意
)

var eventLabels = map[string]string{
	EventReceived: "提交留言", EventAssigned: "分办", EventAccepted: "签收", EventReplied: "拟写答复",
	EventApproved: "审核通过并答复", EventReplyRejected: "审核退回", EventReturnRequested: "申请退回",
	EventReturned: "同意退回", EventReturnRefused: "不同意退回", EventExtensionRequested: "申请延期",
	EventExtended: "同意延期", EventExtensionRefused: "不同意延期", EventInvalidated: "作无效处理",
	EventUrged: "催办", EventSupervised: "督办", EventReopened: "重新办理", EventLinked: "合并为重复留言",
	EventUnlinked: "取消合并", EventClosedWithPrimary: "随主留言答复办结", EventReleased: "恢复单独办理", EventRated: "评价", EventFollowedUp: "留言人追问",
	EventDeadlineRecounted: "节假日调整，答复期限重算",
}

// EventLabel returns an event kind as people read it.
func EventLabel(kind string) string {
	if l, ok := eventLabels[kind]; ok {
		return l
	}
	return kind
}

// Actor roles for events not done by a signed-in person.
const (
	ActorCitizen = "citizen"
	ActorSystem  = "system"
)

// TicketEvent is one change to a ticket: who, when, from which status to which, and why. The
// unit and deadline are those in force after the change.
type TicketEvent struct {
	ID         int64
	TicketID   int64
	At         time.Time
	ActorID    *int64
	ActorRole  string
	Kind       string
	FromStatus string
	ToStatus   string
	UnitID     *int64
	RegionID   *int64
	Deadline   *time.Time
	Reason     string
	RequestKey *string // the client's key for the action: the same key twice is one action
	Data       *string // JSON details (extension days, rating, the unit before a reassignment)
}

// Attachment is a file that came with a ticket, such as the citizen's screenshot.
type Attachment struct {
	ID          int64
	TicketID    int64
	Purpose     string
	ContentType string
	Size        int
	SHA256      string `gorm:"column:sha256"`
	Data        []byte
	CreatedAt   time.Time
}

// PurposeScreenshot marks the citizen's screenshot.
const PurposeScreenshot = "screenshot"

// PublicByDefault is whether an approved reply is shown in 留言选登 unless the reviewer says
// otherwise: a citizen's message is; a ticket the inspector opened is no citizen's message
// (CitizenMessages), and is shown only when the reviewer ticks the box. The page's box starts so
// and sends false when unticked; a request that leaves it out gets this default.
func (t *Ticket) PublicByDefault() bool { return t.Source == SourceCitizen }
