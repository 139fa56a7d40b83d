package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Rectification statuses.
const (
	RectifyOpen      = "open"      // 待提交
	RectifySubmitted = "submitted" // 待审核
	RectifyAccepted  = "accepted"  // 已通过
	RectifyReturned  = "returned"  // 已退回，待重新提交
)

// RectifyStatusLabel names a status in Chinese.
func RectifyStatusLabel(s string) string {
	return map[string]string{RectifyOpen: "待提交", RectifySubmitted: "待审核", RectifyAccepted: "已通过", RectifyReturned: "已退回"}[s]
}

// MaxRectificationReport is the largest report a unit may upload.
const MaxRectificationReport = 10 << 20

// Rectification is a unit's 整改 after a circular named it.
type Rectification struct {
	ID          int64
	CircularID  int64
	RegionID    int64
	UnitID      int64
	Kind        string // ObjectWebsite or ObjectAccount: what the circular named first
	Subject     string // the sites and accounts named, joined with 、
	Problems    string
	DueOn       string
	DueAt       time.Time
	Status      string
	ReportName  string
	ReportType  string
	ReportData  []byte `gorm:"->:false;<-"` // written, read only by RectificationReport
	SubmittedAt *time.Time
	SubmittedBy *int64
	DecidedAt   *time.Time
	DecidedBy   *int64
	Note        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AwaitsReport reports whether the unit is to report: the item is open, or its report was sent
// back.
func (r *Rectification) AwaitsReport() bool {
	return r.Status == RectifyOpen || r.Status == RectifyReturned
}

// MayReportRectification reports whether the user reports the rectification: a staff member or
// reviewer of the unit the circular named. The pages ask it too, so that they offer what the
// store allows.
func MayReportRectification(u *User, r *Rectification) bool {
	return reportsForAUnit(u) && *u.UnitID == r.UnitID
}

// reportsForAUnit: only a unit's staff and reviewers report rectifications, their own unit's.
func reportsForAUnit(u *User) bool {
	return (u.Role == RoleUnitStaff || u.Role == RoleUnitReviewer) && u.UnitID != nil
}

// MayDecideRectification reports whether the user accepts or sends back the rectification's
// report: a supervisor of the region whose circular named the unit, who issues its circulars.
func MayDecideRectification(u *User, r *Rectification) bool { return MayIssueCircular(u, r.RegionID) }

// Late reports whether the report came (or has not come) after the deadline, at now.
func (r *Rectification) Late(now time.Time) bool {
	if r.SubmittedAt != nil {
		return r.SubmittedAt.After(r.DueAt)
	}
	return now.After(r.DueAt)
}

// errNotARectification answers for a rectification that is not there, or not in the caller's
// scope, and for a bad id in a URL, which never reaches the database.
var errNotARectification = NotFound("没有该整改事项，或不在您的管辖范围内")

// ParseRectificationID reads a rectification's id from a URL.
func ParseRectificationID(raw string) (int64, error) { return parseURLID(raw, errNotARectification) }

// RectificationRow is a rectification as lists show it.
type RectificationRow struct {
	Rectification
	UnitName      string
	RegionName    string
	CircularTitle string
}

// openRectifications opens, inside the publishing transaction, an item for every unit the
// circular's attachment names, due at the end of its deadline, and sends the unit the 整改通知
// the way its later reminders go: in-app, by e-mail and to the unit's webhook. The deliveries are
// written in the same transaction, so a process that dies after the commit loses none (the
// reconciler queues what is still pending); it returns a RectificationChanged for each item
// opened, with its deliveries.
func (s *Store) openRectifications(tx *gorm.DB, rec *CircularRecord, f *CircularFigures) ([]Event, error) {
	due, err := ParseDate(rec.Deadline)
	if err != nil {
		return nil, Invalid("deadline", "整改期限应为 YYYY-MM-DD")
	}
	type item struct {
		kind             string
		subject, problem []string
	}
	var order []string
	items := map[string]*item{}
	for _, rows := range []struct {
		kind string
		rows []AttachmentRow
	}{{ObjectWebsite, f.WebsiteRows}, {ObjectAccount, f.AccountRows}} {
		for _, r := range rows.rows {
			it := items[r.Unit]
			if it == nil {
				it = &item{kind: rows.kind}
				items[r.Unit] = it
				order = append(order, r.Unit)
			}
			it.subject = append(it.subject, r.Name)
			it.problem = append(it.problem, r.Name+"："+r.Problems)
		}
	}
	now := s.now()
	var events []Event
	for _, name := range order {
		var unit Unit
		if err := tx.Where("name = ?", name).Take(&unit).Error; err != nil {
			if ErrorKind(translate(err, "")) == KindNotFound {
				continue // a unit outside the registry has no one to report back
			}
			return nil, translate(err, "rectification unit")
		}
		it := items[name]
		r := &Rectification{CircularID: rec.ID, RegionID: rec.RegionID, UnitID: unit.ID, Kind: it.kind,
			Subject: listNames(it.subject, maxSubject), Problems: strings.Join(it.problem, "；"), DueOn: due.String(),
			DueAt: due.End().UTC(), Status: RectifyOpen, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit("ReportData").Create(r).Error; err != nil {
			return nil, translate(err, "open rectification")
		}
		if err := recordRectification(tx, r.ID, RectifyOpen, rec.PublishedBy, rec.Title, now); err != nil {
			return nil, translate(err, "open rectification")
		}
		w := &notifier{tx: tx, unitID: &r.UnitID, regionID: unit.RegionID, now: now, email: s.opt.Email}
		if err := w.toUnit(rectificationNotice(rec.Issuer, r)); err != nil {
			return nil, translate(err, "rectification notice")
		}
		events = append(events, RectificationChanged{RectificationID: r.ID, CircularID: rec.ID, UnitID: r.UnitID, RegionID: r.RegionID,
			Status: r.Status, ActorID: *rec.PublishedBy, Deliveries: w.deliveries})
	}
	return events, nil
}

// maxSubject is the length of rectifications.subject, in characters.
const maxSubject = 512

// listNames joins names with 、 within n characters: as many as fit, then how many more there
// are (the problems list names them all).
func listNames(names []string, n int) string {
	all := strings.Join(names, "、")
	if utf8.RuneCountInString(all) <= n {
		return all
	}
	more := fmt.Sprintf("等%d个", len(names))
	room := n - utf8.RuneCountInString(more)
	if first := utf8.RuneCountInString(names[0]); first > room { // one name longer than the whole
		return ellipsis(names[0], room) + more
	}
	var b strings.Builder
	used := 0
	for i, name := range names {
		sep := ""
		if i > 0 {
			sep = "、"
		}
		if used += utf8.RuneCountInString(sep + name); used > room {
			break
		}
		b.WriteString(sep + name)
	}
	return b.String() + more
}

// rectificationScope restricts rectifications (alias x, region alias g) to the scope: a unit's
// own, a region subtree's circulars, or all.
func rectificationScope(q *gorm.DB, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case sc.UnitID != 0:
		return q.Where("x.unit_id = ?", sc.UnitID)
	case sc.RegionPath != "":
		return q.Where("g.path LIKE ?", sc.RegionPath+"%")
	}
	return q.Where("1 = 0")
}

func (s *Store) rectificationQuery(ctx context.Context, sc Scope) *gorm.DB {
	return rectificationRows(s.db.WithContext(ctx), sc)
}

// rectificationRows is rectificationQuery on db, a transaction say.
func rectificationRows(db *gorm.DB, sc Scope) *gorm.DB {
	q := db.Table("rectifications x").
		Select("x.id, x.circular_id, x.region_id, x.unit_id, x.kind, x.subject, x.problems, x.due_on, x.due_at, x.status, x.report_name, x.report_type, x.submitted_at, x.submitted_by, x.decided_at, x.decided_by, x.note, x.created_at, x.updated_at, u.name AS unit_name, g.name AS region_name, c.title AS circular_title").
		Joins("JOIN units u ON u.id = x.unit_id").Joins("JOIN regions g ON g.id = x.region_id").Joins("JOIN circulars c ON c.id = x.circular_id")
	return rectificationScope(q, sc)
}

// Rectifications lists the rectifications within the scope, soonest due first.
func (s *Store) Rectifications(ctx context.Context, sc Scope) ([]RectificationRow, error) {
	var rows []RectificationRow
	err := s.rectificationQuery(ctx, sc).Order("x.due_on, x.id").Scan(&rows).Error
	return rows, translate(err, "rectifications")
}

// RectificationByID returns one rectification within the scope.
func (s *Store) RectificationByID(ctx context.Context, sc Scope, id int64) (*RectificationRow, error) {
	var rows []RectificationRow
	if err := s.rectificationQuery(ctx, sc).Where("x.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, translate(err, "rectification")
	}
	if len(rows) == 0 {
		return nil, errNotARectification
	}
	return &rows[0], nil
}

// reportFileTypes are the report files a unit may upload, by the content type their bytes were
// checked as (never the name or the declared type), with the extension they are served under.
var reportFileTypes = map[string]string{
	"application/pdf": "pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
	"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp",
}

// ErrReportFileType refuses a report whose content is none of reportFileTypes.
var ErrReportFileType = Invalid("report", "整改报告只能是 PDF、Word（DOCX）文档或 PNG、JPEG、WebP 图片")

// ReportFileName is the name the report is stored and served under: the item's number and the
// checked type's extension, never the uploader's name, whose extension could make a program of it
// (.hta, .exe, .lnk). ReportName, the uploader's, is text to read.
func (r *Rectification) ReportFileName() string {
	ext, ok := reportFileTypes[r.ReportType]
	if !ok {
		ext = "bin"
	}
	return fmt.Sprintf("整改报告-%d.%s", r.ID, ext)
}

// ReportContentType is the type the report was checked as, or a type no browser opens.
func (r *Rectification) ReportContentType() string {
	if _, ok := reportFileTypes[r.ReportType]; ok {
		return r.ReportType
	}
	return "application/octet-stream"
}

// reportDisplayName is the uploader's file name as text to show: without the folders a browser
// may send, without control and format characters (U+202E would show "整改atp.hta" as
// "整改ath.pdf"), at most 120 characters, the end kept.
func reportDisplayName(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name))
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	return name
}

// RectificationReport returns the uploaded report of a rectification within the scope: the name
// and type to serve it under (ReportFileName, ReportContentType) and its bytes.
func (s *Store) RectificationReport(ctx context.Context, sc Scope, id int64) (name, contentType string, data []byte, err error) {
	row, err := s.RectificationByID(ctx, sc, id)
	if err != nil {
		return "", "", nil, err
	}
	if row.ReportName == "" {
		return "", "", nil, NotFound("尚未提交整改报告")
	}
	var got struct{ ReportData []byte }
	if err := s.db.WithContext(ctx).Table("rectifications").Select("report_data").Where("id = ?", id).Take(&got).Error; err != nil {
		return "", "", nil, translate(err, "rectification report")
	}
	return row.ReportFileName(), row.ReportContentType(), got.ReportData, nil
}

// RectificationUpload is a unit's report, its type already checked by content.
type RectificationUpload struct {
	Name        string
	ContentType string
	Data        []byte
}

var errMayNotReport = Forbidden("只有被通报单位可以提交整改报告")

// SubmitRectification stores the unit's report; a returned item may be submitted again. It
// returns the item's RectificationChanged for the caller to dispatch.
func (s *Store) SubmitRectification(ctx context.Context, u *User, sc Scope, id int64, up RectificationUpload) ([]Event, error) {
	if !reportsForAUnit(u) { // refused before the upload is looked at
		return nil, errMayNotReport
	}
	if len(up.Data) == 0 {
		return nil, Invalid("report", "请选择整改报告文件")
	}
	if len(up.Data) > MaxRectificationReport {
		return nil, Invalid("report", "整改报告不能超过 10 MB")
	}
	if _, ok := reportFileTypes[up.ContentType]; !ok {
		return nil, ErrReportFileType
	}
	name := reportDisplayName(up.Name)
	if name == "" {
		name = "（未命名）" // report_name is also what says a report came
	}
	var changed RectificationChanged
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		r, err := s.lockRectification(tx, sc, id)
		if err != nil {
			return err
		}
		if !MayReportRectification(u, r) {
			return errMayNotReport
		}
		if !r.AwaitsReport() {
			return Conflict("整改报告已提交，" + RectifyStatusLabel(r.Status))
		}
		now := s.now()
		changed = rectificationChanged(r, RectifySubmitted, u.ID)
		err = tx.Table("rectifications").Where("id = ?", id).Updates(map[string]any{
			"status": RectifySubmitted, "report_name": name, "report_type": up.ContentType, "report_data": up.Data,
			"submitted_at": now, "submitted_by": u.ID, "updated_at": now}).Error
		if err == nil {
			err = recordRectification(tx, id, RectifySubmitted, &u.ID, name, now)
		}
		return translate(err, "submit rectification")
	})
	if err != nil {
		return nil, err
	}
	return []Event{changed}, nil
}

// rectificationChanged is the event of r, as locked, changed to status by actor.
func rectificationChanged(r *Rectification, status string, actorID int64) RectificationChanged {
	return RectificationChanged{RectificationID: r.ID, CircularID: r.CircularID, UnitID: r.UnitID, RegionID: r.RegionID,
		Status: status, ActorID: actorID}
}

// DecideRectification accepts a submitted report or sends it back with a reason; only the
// supervisor of the circular's region decides. It returns the item's RectificationChanged for the
// caller to dispatch.
func (s *Store) DecideRectification(ctx context.Context, u *User, sc Scope, id int64, accept bool, note string) ([]Event, error) {
	note = strings.TrimSpace(note)
	if !accept && len([]rune(note)) < 2 {
		return nil, Invalid("note", "退回时请说明原因")
	}
	if len([]rune(note)) > 500 {
		return nil, Invalid("note", "说明不能超过500个字")
	}
	var changed RectificationChanged
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		r, err := s.lockRectification(tx, sc, id)
		if err != nil {
			return err
		}
		if !MayDecideRectification(u, r) {
			return Forbidden("只有发布通报的主管单位可以审核整改报告")
		}
		if r.Status != RectifySubmitted {
			return Conflict("该整改事项当前" + RectifyStatusLabel(r.Status) + "，无需审核")
		}
		status := RectifyAccepted
		if !accept {
			status = RectifyReturned
		}
		now := s.now()
		changed = rectificationChanged(r, status, u.ID)
		err = tx.Table("rectifications").Where("id = ?", id).Updates(map[string]any{
			"status": status, "note": note, "decided_at": now, "decided_by": u.ID, "updated_at": now}).Error
		if err == nil {
			err = recordRectification(tx, id, status, &u.ID, note, now)
		}
		return translate(err, "decide rectification")
	})
	if err != nil {
		return nil, err
	}
	return []Event{changed}, nil
}

// RectificationEvent is one change of a rectification: who, when, the status it left, and its
// note (the decision's reason, the report's file name, the circular that opened it).
type RectificationEvent struct {
	ID              int64
	RectificationID int64
	At              time.Time
	ActorID         *int64
	Status          string
	Note            string
}

// recordRectification writes a change of a rectification, within the transaction that makes it.
func recordRectification(tx *gorm.DB, id int64, status string, actorID *int64, note string, now time.Time) error {
	return tx.Create(&RectificationEvent{RectificationID: id, At: now, ActorID: actorID, Status: status, Note: note}).Error
}

func (s *Store) lockRectification(tx *gorm.DB, sc Scope, id int64) (*Rectification, error) {
	var rows []Rectification
	q := s.forUpdate(tx.Table("rectifications x").Select("x.id, x.circular_id, x.region_id, x.unit_id, x.status").
		Joins("JOIN regions g ON g.id = x.region_id").Where("x.id = ?", id))
	if err := rectificationScope(q, sc).Limit(1).Scan(&rows).Error; err != nil {
		return nil, translate(err, "rectification")
	}
	if len(rows) == 0 {
		return nil, errNotARectification
	}
	return &rows[0], nil
}

// lateRectifications are the findings a circular adds for rectifications of the region's subtree
// due from first to cutoff whose report came late or not at all by asOf: "整改报告提交不及时".
func (s *Store) lateRectifications(ctx context.Context, region Region, first, cutoff Date, asOf time.Time) ([]CircularFinding, RectificationCounts, error) {
	var rows []RectificationRow
	err := s.rectificationQuery(ctx, Scope{RegionPath: region.Path}).
		Where("x.due_on >= ? AND x.due_on <= ?", first.String(), cutoff.String()).Order("x.due_on, x.id").Scan(&rows).Error
	if err != nil {
		return nil, RectificationCounts{}, translate(err, "late rectifications")
	}
	var out []CircularFinding
	var n RectificationCounts
	for _, r := range rows {
		n.Due++
		if r.Status == RectifyAccepted {
			n.Accepted++
		}
		if !r.Late(asOf) {
			n.OnTime++
			continue
		}
		n.Late++
		out = append(out, CircularFinding{Object: r.Kind, Name: r.Subject, UnitID: r.UnitID, Unit: r.UnitName, RegionID: r.RegionID,
			Indicator: "整改不到位", Problem: "整改报告提交不及时"})
	}
	return out, n, nil
}

// RectificationCounts are the rectifications due in a circular's period: how many, how many
// reported on time, late (or not at all), and accepted.
type RectificationCounts struct {
	Due      int64 `json:"due"`
	OnTime   int64 `json:"on_time"`
	Late     int64 `json:"late"`
	Accepted int64 `json:"accepted"`
}

// CircularOfRectification is the published circular that opened a rectification within the
// scope: a unit the circular names reads it from its rectification item, though it may not open
// the circulars (those are the supervisors'). Only a published circular, and only one that names
// the reader's unit (the rectification is its), is shown.
func (s *Store) CircularOfRectification(ctx context.Context, sc Scope, id int64) (*CircularRow, error) {
	r, err := s.RectificationByID(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	row, err := s.CircularByID(ctx, Scope{All: true}, r.CircularID)
	if err != nil {
		return nil, err
	}
	if !row.Published() {
		return nil, NotFound("该通报尚未发布")
	}
	return row, nil
}
