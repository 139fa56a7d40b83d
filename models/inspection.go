package models

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"zhaocuo/models/indicator"
)

// Kinds of inspection round.
const (
	RoundScheduled = "scheduled" // the weekly round of every running site
	RoundOnDemand  = "on_demand" // started by a supervisor or an administrator
)

// Round and per-site result statuses.
const (
	RoundRunning  = "running"
	RoundFinished = "finished"

	ResultPending = "pending"
	ResultDone    = "done"
	ResultFailed  = "failed" // the site could not be inspected: no usable address, its homepage not read
)

// InspectionRound is one pass over a set of sites. Its counters follow the site tasks as they
// finish; the results say which sites are done.
type InspectionRound struct {
	ID          int64
	Kind        string
	Mode        string // RoundFull or RoundIncremental
	Status      string
	RegionID    *int64
	StartedBy   *int64
	SitesTotal  int
	SitesDone   int
	SitesFailed int
	CreatedAt   time.Time
	FinishedAt  *time.Time
}

// Finished reports whether every site of the round is done or failed.
func (r *InspectionRound) Finished() bool { return r.SitesDone+r.SitesFailed >= r.SitesTotal }

// InspectionResult is one site in one round.
type InspectionResult struct {
	ID        int64
	RoundID   int64
	WebsiteID int64
	Status    string
	Verdict   string
	Score     float64
	Pages     int
	Links     int
	Stopped   string
	Error     string // why the site could not be inspected (ResultFailed)
	// The IPv6 figure, not an indicator: an AAAA record, the homepage answering over IPv6, and
	// why not. nil when not checked.
	IPv6AAAA   *bool  `gorm:"column:ipv6_aaaa"`
	IPv6OK     *bool  `gorm:"column:ipv6_ok"`
	IPv6Note   string `gorm:"column:ipv6_note"`
	StartedAt  *time.Time
	FinishedAt *time.Time
}

// IPv6Label says the IPv6 figure as the pages show it.
func (r InspectionResult) IPv6Label() string {
	switch {
	case r.IPv6OK == nil || r.IPv6AAAA == nil:
		return "—"
	case *r.IPv6OK:
		return "支持"
	case *r.IPv6AAAA:
		return "有AAAA记录，无法通过IPv6访问"
	}
	return "不支持"
}

// Fails reports whether the site failed its check (不合格).
func (r InspectionResult) Fails() bool { return r.Verdict == indicator.Fail }

// Partial says that the verdict rests on part of the site, a limit having stopped its crawl
// (部分检查, with the pages checked); "" for a whole check.
func (r InspectionResult) Partial() string {
	if r.Status != ResultDone {
		return ""
	}
	return indicator.Partial(r.Stopped, r.Pages)
}

// Finding statuses. A suspected finding counts only once a person confirms it; the others are
// confirmed when found.
const (
	FindingSuspected = "suspected"
	FindingConfirmed = "confirmed"
	FindingDismissed = "dismissed"
)

var findingStatusLabels = map[string]string{FindingSuspected: "待确认", FindingConfirmed: "已确认", FindingDismissed: "已排除",
	FindingReduced: "已核减"}

// FindingStatusLabel returns a finding's status as people read it.
func FindingStatusLabel(s string) string { return findingStatusLabels[s] }

// Finding is one problem the inspector found, with its evidence: of a website in a round, or of
// a 新媒体 account in an import.
type Finding struct {
	ID         int64
	RoundID    *int64
	WebsiteID  *int64
	AccountID  *int64
	ImportID   *int64
	Type       string // one of indicator's Type constants
	Indicator  string // one of indicator's indicators
	URL        string
	Target     string
	Page       string
	Evidence   string
	Veto       bool
	Warning    bool
	Suspected  bool // the inspector was not sure: a person decides
	Points     float64
	FindingKey string // the same problem has the same key in every round
	SeenAt     time.Time
	Status     string
	DecidedBy  *int64
	DecidedAt  *time.Time
	TicketID   *int64
	TicketNo   string `gorm:"-"` // the ticket's number, where the reader loads it
}

func (Finding) TableName() string { return "inspection_findings" }

// mark is what the finding weighs in the score.
func (f *Finding) mark() indicator.Mark {
	return indicator.Mark{Indicator: f.Indicator, Points: f.Points, Veto: f.Veto, Warning: f.Warning}
}

// Counts reports whether the finding counts towards the verdict and score.
func (f *Finding) Counts() bool { return f.Status == FindingConfirmed }

// Decide confirms or dismisses a suspected finding. Only suspected findings wait for a person;
// the rest were confirmed by the inspector itself.
func (f *Finding) Decide(confirm bool, by int64, now time.Time) error {
	if f.Status != FindingSuspected {
		return Conflict("该问题" + FindingStatusLabel(f.Status) + "，无需再处理")
	}
	f.Status = FindingDismissed
	if confirm {
		f.Status = FindingConfirmed
	}
	f.DecidedBy, f.DecidedAt = &by, &now
	return nil
}

// SiteOutcome is what a site task found.
type SiteOutcome struct {
	Pages, Links int
	Stopped      string
	Error        string // set when the site could not be inspected: ResultFailed, with this reason
	Findings     []Finding
	IPv6         *IPv6Figure // nil when not checked
	StartedAt    time.Time
	FinishedAt   time.Time
}

// IPv6Figure is whether a site can be reached over IPv6: its homepage's host has an AAAA record,
// the homepage answered over IPv6, and why not.
type IPv6Figure struct {
	AAAA, OK bool
	Note     string
}

// AvailabilityProbe is one availability probe of a site's homepage.
type AvailabilityProbe struct {
	ID         int64
	WebsiteID  int64
	At         time.Time
	OK         bool
	Status     int
	Error      string
	DurationMS int `gorm:"column:duration_ms"`
}

// 新媒体 account lifecycle events (报备), each filed with its date.
const (
	AccountEventOpen    = "open"    // 开设
	AccountEventChange  = "change"  // 变更
	AccountEventSuspend = "suspend" // 关停
	AccountEventCancel  = "cancel"  // 注销
)

var accountEventLabels = map[string]string{
	AccountEventOpen: "开设", AccountEventChange: "变更", AccountEventSuspend: "关停", AccountEventCancel: "注销",
}

// AccountEventLabel returns an event kind as people read it.
func AccountEventLabel(kind string) string { return accountEventLabels[kind] }

// AccountEventKind accepts an event kind by its code or its Chinese name.
func AccountEventKind(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for k, l := range accountEventLabels {
		if s == k || s == l {
			return k, true
		}
	}
	return "", false
}

// MediaAccountEvent is one filing of an account's lifecycle.
type MediaAccountEvent struct {
	ID        int64
	AccountID int64
	Kind      string
	FiledOn   string // YYYY-MM-DD, the date on the filing
	Note      string
	ActorID   *int64
	CreatedAt time.Time
}

// Validate checks the filing and leaves it trimmed.
func (e *MediaAccountEvent) Validate() error {
	kind, ok := AccountEventKind(e.Kind)
	if !ok {
		return Invalid("kind", "请选择报备类型（开设、变更、关停、注销）")
	}
	e.Kind = kind
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(e.FiledOn))
	if err != nil {
		return Invalid("filed_on", "报备日期格式应为 2025-03-20")
	}
	e.FiledOn = d.Format(time.DateOnly)
	e.Note = strings.TrimSpace(e.Note)
	if !utf8.ValidString(e.Note) || utf8.RuneCountInString(e.Note) > 500 {
		return Invalid("note", "说明不超过 500 个字")
	}
	return nil
}

// statusAfter is the account's filed status once the event is filed.
func (e *MediaAccountEvent) statusAfter(current string) string {
	switch e.Kind {
	case AccountEventOpen:
		return AccountActive
	case AccountEventSuspend:
		return AccountSuspended
	case AccountEventCancel:
		return AccountCancelled
	}
	return current
}

// An account import runs as a job: the web side stores the sheet's rows and answers at once
// (running), a worker checks the accounts and stores the results (done), or gives up with the
// reason people read (failed).
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// ImportGiveUp is how long an import may take once its check has begun. Its task's tries fit
// well within it; an import still running after that has lost its task (the worker died on its
// last try, or Redis lost the queue and the reconciler could not bring it back in time) and is
// failed, so that none shows 进行中 for ever. The time is counted from the first try's start,
// not from the upload: a task that waits long in the queue behind a round of site crawls is
// merely late, and the reconciler keeps it queued until a worker takes it.
const ImportGiveUp = time.Hour

// The reasons of an import given up, as people read them: its task was lost, or it finished
// after the time and its results were not kept.
const (
	importGaveUp  = "检查开始 1 小时后仍未完成（后台任务中断），已停止，请重新导入"
	importTooSlow = "检查开始 1 小时后才完成，已超过时限，结果未保存；请重新导入，账号较多时请分批导入"
)

// ErrImportTooLate is in the error of results that came past ImportGiveUp (see
// FinishAccountImport): the import is failed instead, and another try would change nothing.
var ErrImportTooLate = errors.New("account import finished past its time")

// AccountImport is one sheet of account results imported.
type AccountImport struct {
	ID         int64
	Filename   string
	ImportedBy *int64
	ImportedAt time.Time
	StartedAt  *time.Time // when the first try of its check began; nil while it waits in the queue
	Accounts   int
	Refused    int // rows of accounts outside the importer's scope: listed, not imported
	Findings   int
	Status     string
	Checked    int    // accounts checked so far, while it runs
	Error      string // why it failed, for people
	FinishedAt *time.Time
}

func (AccountImport) TableName() string { return "media_account_imports" }

// settle fails, as it is read, a running import whose check began more than ImportGiveUp ago.
func (imp *AccountImport) settle(now time.Time) {
	if imp.Status == ImportRunning && imp.StartedAt != nil && now.Sub(*imp.StartedAt) > ImportGiveUp {
		imp.Status, imp.Error = ImportFailed, importGaveUp
	}
}

// UploadedAccount is a row of an imported sheet, stored with the import until the worker has
// checked it. The store decides as it stores the row which registered account it is, and
// whether the importer may import it (see importRows).
type UploadedAccount struct {
	ID             int64
	ImportID       int64
	AccountID      *int64 // the registered account; nil for one the registry does not know
	Refused        string // why the row is not imported (outside the importer's scope); "" when it is
	Name           string
	Platform       string
	UnitName       string
	LastPost       *time.Time
	Interaction    bool
	ReportedOnline bool
	MenuLinks      string // one per line
	RecentPosts    string // one per line
}

func (UploadedAccount) TableName() string { return "media_account_uploads" }

// AccountResult is one account as an import saw it, matched to the registry where it could be.
type AccountResult struct {
	ID             int64
	ImportID       int64
	AccountID      *int64
	Name           string
	Platform       string
	UnitName       string
	UnitKey        string // UnitKey(UnitName): the unit the row is shown to when its account is not filed
	FiledStatus    string // the registry's status at import; "" when the account is not filed
	LastPost       *time.Time
	Interaction    bool
	ReportedOnline bool
	MenuLinks      string    // one per line
	RecentPosts    string    // one per line
	Refused        string    // why the row was not imported, as its upload says; a refused row has no account and no findings
	FindingCount   int       `gorm:"column:findings"` // so that a supervisor's list counts those of their accounts
	Findings       []Finding `gorm:"-"`
}

func (AccountResult) TableName() string { return "media_account_results" }
