package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// 核减 (appeals): the unit that runs a site contests a finding that counts against it, with a
// reason and, if it has one, a document (a screenshot, a letter); a supervisor whose region
// covers the site accepts it (the finding stops counting, and the site's verdict and score are
// given again from the findings that still count) or refuses it with a reason. Each finding is
// contested at most once (a finding belongs to one round, so once per round), and a decided
// appeal is final.
//
// What a published circular said does not move: its figures were frozen when it was published
// (CircularRecord.Figures); an accepted appeal changes the site's result, so a draft refreshed
// afterwards, or the next circular, counts without the finding.

// Appeal statuses.
const (
	AppealFiled    = "filed"    // 待审核
	AppealAccepted = "accepted" // 同意核减
	AppealRefused  = "refused"  // 不予核减
)

var appealStatusLabels = map[string]string{AppealFiled: "待审核", AppealAccepted: "同意核减", AppealRefused: "不予核减"}

// AppealStatusLabel returns an appeal's status as people read it.
func AppealStatusLabel(s string) string { return appealStatusLabels[s] }

// FindingReduced is the status of a finding whose appeal was accepted (核减): like a dismissed one
// it no longer counts (Finding.Counts), but the record says who took it off and why.
const FindingReduced = "reduced"

// MaxAppealFile is the largest document an appeal may carry: a rectification report's bound,
// and the same types (PDF, DOCX, PNG, JPEG, WebP), checked by content.
const MaxAppealFile = MaxRectificationReport

// Bounds of the texts of an appeal.
const (
	minAppealReason = 5
	maxAppealReason = 1000
	maxAppealNote   = 500
)

// FindingAppeal is a unit's appeal of one finding of its site.
type FindingAppeal struct {
	ID           int64
	FindingID    int64
	RoundID      int64
	WebsiteID    int64
	UnitID       int64 // the site's unit when filed: who filed it, and who hears of the decision
	RegionID     int64 // that unit's region: whose supervisors hear of it
	Status       string
	Reason       string
	FileName     string // the uploader's file name, as text to show; "" when none came
	FileType     string // the type its bytes were checked as
	FileData     []byte `gorm:"->:false;<-"` // written, read only by AppealFile
	FiledBy      int64
	FiledAt      time.Time
	DecidedBy    *int64
	DecidedAt    *time.Time
	DecisionNote string
}

func (FindingAppeal) TableName() string { return "finding_appeals" }

// AppealEvent is one step of an appeal: filed, accepted or refused, with who, when and why.
type AppealEvent struct {
	ID       int64
	AppealID int64
	At       time.Time
	ActorID  *int64
	Status   string
	Note     string
}

func (AppealEvent) TableName() string { return "appeal_events" }

// AppealUpload is the document of an appeal, its type already checked by content.
type AppealUpload = RectificationUpload

// MayFileAppeal reports whether the user may contest the findings of the unit's sites: its staff
// and reviewers. The pages ask it too, so that they offer what the store allows.
func MayFileAppeal(u *User, unitID int64) bool { return reportsForAUnit(u) && *u.UnitID == unitID }

// MayDecideAppeals reports whether the user decides appeals: a supervisor (the store reads the
// appeal within the supervisor's region subtree, so one elsewhere is not found).
func MayDecideAppeals(u *User) bool { return u.Role == RoleSupervisor && u.RegionID != nil }

// Appealable says why the finding cannot be contested, or nil: only a website's finding that
// counts is contested (one waiting for confirmation does not count yet; one dismissed no longer
// does).
func (f *Finding) Appealable() error {
	switch {
	case f.WebsiteID == nil || f.RoundID == nil:
		return Conflict("新媒体账号的问题请在账号台账中处理")
	case f.Status == FindingSuspected:
		return Conflict("该问题尚待主管单位确认，确认计入后才能申请核减")
	case f.Status != FindingConfirmed:
		return Conflict("该问题" + FindingStatusLabel(f.Status) + "，不计入结论，无需申请核减")
	}
	return nil
}

// Validate checks the reason and the document of a new appeal, and leaves the reason trimmed.
func (a *FindingAppeal) Validate(up *AppealUpload) error {
	a.Reason = strings.TrimSpace(a.Reason)
	n := utf8.RuneCountInString(a.Reason)
	if !utf8.ValidString(a.Reason) || n < minAppealReason {
		return Invalid("reason", "请说明申请核减的理由（至少 5 个字）")
	}
	if n > maxAppealReason {
		return Invalid("reason", "理由不超过 1000 个字")
	}
	if up == nil {
		return nil
	}
	if len(up.Data) == 0 {
		return Invalid("file", "附件是空文件")
	}
	if len(up.Data) > MaxAppealFile {
		return Invalid("file", "附件不能超过 10 MB")
	}
	if _, ok := reportFileTypes[up.ContentType]; !ok {
		return ErrAppealFileType
	}
	return nil
}

// ErrAppealFileType refuses a document whose content is none of the report types.
var ErrAppealFileType = Invalid("file", "附件只能是 PDF、Word（DOCX）文档或 PNG、JPEG、WebP 图片")

// Decide accepts or refuses a filed appeal; refusing needs a reason. A decided appeal is final.
func (a *FindingAppeal) Decide(accept bool, by int64, note string, now time.Time) error {
	if a.Status != AppealFiled {
		return Conflict("该核减申请已审核（" + AppealStatusLabel(a.Status) + "），不能再次审核")
	}
	note = strings.TrimSpace(note)
	if !accept && utf8.RuneCountInString(note) < 2 {
		return Invalid("note", "不予核减时请说明理由")
	}
	if utf8.RuneCountInString(note) > maxAppealNote {
		return Invalid("note", "审核意见不超过 500 个字")
	}
	a.Status = AppealRefused
	if accept {
		a.Status = AppealAccepted
	}
	a.DecidedBy, a.DecidedAt, a.DecisionNote = &by, &now, note
	return nil
}

// FileExt is the extension the document is served under: of its checked type, never the
// uploader's name.
func (a *FindingAppeal) FileExt() string {
	if ext, ok := reportFileTypes[a.FileType]; ok {
		return ext
	}
	return "bin"
}

// AppealChanged: a unit filed an appeal (AppealFiled), or a supervisor decided it.
//
// Its work: the workflow notices (the supervisors of the unit's region hear of one filed, the
// unit of the decision). Lost, the reconciler runs the notices' pass, which reads every appeal
// event past its cursor.
type AppealChanged struct {
	AppealID  int64
	FindingID int64
	WebsiteID int64
	UnitID    int64
	RegionID  int64
	Status    string // as the change left it
	ActorID   int64
}

func (AppealChanged) Name() string { return "appeal_changed" }

// Notifies: every step is told to someone.
func (AppealChanged) Notifies() bool { return true }
