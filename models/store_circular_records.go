package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Circular statuses: a draft is edited and refreshed; a published circular never changes again.
const (
	CircularDraftStatus     = "draft"
	CircularPublishedStatus = "published"
)

// CircularRecord is a stored circular: one version of a region's circular for a period.
type CircularRecord struct {
	ID           int64      `json:"id"`
	RegionID     int64      `json:"region_id"`
	Period       string     `json:"period"`
	Version      int        `json:"version"`
	Status       string     `json:"status"`
	Decimals     int        `json:"decimals"`
	Cutoff       string     `json:"cutoff"`
	Deadline     string     `json:"deadline"`
	Title        string     `json:"-"`
	DocNumber    string     `json:"-"`
	Issuer       string     `json:"-"`
	Recipients   string     `json:"-"`
	Intro        string     `json:"-"`
	Overview     string     `json:"-"`
	Problems     string     `json:"-"`
	Requirements string     `json:"-"`
	Closing      string     `json:"-"`
	IssueDate    string     `json:"-"`
	CC           string     `json:"-"`
	PrintOffice  string     `json:"-"`
	PrintDate    string     `json:"-"`
	NoDocNumber  bool       `json:"-"`
	Figures      string     `json:"-"`
	CreatedBy    *int64     `json:"-"`
	PublishedBy  *int64     `json:"-"`
	PublishedAt  *time.Time `json:"published_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

func (CircularRecord) TableName() string { return "circulars" }

// Published reports whether the circular is frozen.
func (r *CircularRecord) Published() bool { return r.Status == CircularPublishedStatus }

// Text is the record's editable text.
func (r *CircularRecord) Text() CircularText {
	return CircularText{Title: r.Title, DocNumber: r.DocNumber, Issuer: r.Issuer, Recipients: r.Recipients, Intro: r.Intro,
		Overview: r.Overview, Problems: r.Problems, Requirements: r.Requirements, Closing: r.Closing, IssueDate: r.IssueDate,
		CC: r.CC, PrintOffice: r.PrintOffice, PrintDate: r.PrintDate, NoDocNumber: r.NoDocNumber}
}

func (r *CircularRecord) setText(t CircularText) {
	r.Title, r.DocNumber, r.Issuer, r.Recipients, r.Intro = t.Title, t.DocNumber, t.Issuer, t.Recipients, t.Intro
	r.Overview, r.Problems, r.Requirements, r.Closing, r.IssueDate = t.Overview, t.Problems, t.Requirements, t.Closing, t.IssueDate
	r.CC, r.PrintOffice, r.PrintDate, r.NoDocNumber = t.CC, t.PrintOffice, t.PrintDate, t.NoDocNumber
}

// Circular is the record as a circular: its figures and text.
func (r *CircularRecord) Circular() (*Circular, error) {
	c := &Circular{Text: r.Text()}
	if err := json.Unmarshal([]byte(r.Figures), &c.Figures); err != nil {
		return nil, err
	}
	return c, nil
}

// CircularRow is a circular as the list shows it.
type CircularRow struct {
	CircularRecord
	RegionName string
}

// MayIssueCircular reports whether the user issues circulars for the region: a supervisor of that
// region itself. Supervisors above it see its circulars but do not write them. The pages ask it
// too, so that they offer what the store allows.
func MayIssueCircular(u *User, regionID int64) bool {
	return u.Role == RoleSupervisor && u.RegionID != nil && *u.RegionID == regionID
}

// mayIssue is MayIssueCircular as the store's refusal.
func mayIssue(u *User, regionID int64) error {
	if !MayIssueCircular(u, regionID) {
		return Forbidden("只有本地区的主管单位可以起草、修改和发布通报")
	}
	return nil
}

// Circulars lists the circulars of the regions within the scope, newest first.
func (s *Store) Circulars(ctx context.Context, sc Scope) ([]CircularRow, error) {
	var rows []CircularRow
	q := s.db.WithContext(ctx).Table("circulars c").Select("c.*, r.name AS region_name").Joins("JOIN regions r ON r.id = c.region_id")
	err := circularScope(q, sc).Order("c.period DESC, r.path, c.version DESC").Scan(&rows).Error
	return rows, translate(err, "circulars")
}

func circularScope(q *gorm.DB, sc Scope) *gorm.DB {
	switch {
	case sc.All:
		return q
	case sc.RegionPath != "" && sc.UnitID == 0:
		return q.Where("r.path LIKE ?", sc.RegionPath+"%")
	}
	return q.Where("1 = 0")
}

// CircularByID returns a circular within the scope; one outside it is not found.
func (s *Store) CircularByID(ctx context.Context, sc Scope, id int64) (*CircularRow, error) {
	var rows []CircularRow
	q := s.db.WithContext(ctx).Table("circulars c").Select("c.*, r.name AS region_name").Joins("JOIN regions r ON r.id = c.region_id")
	if err := circularScope(q, sc).Where("c.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, translate(err, "circular")
	}
	if len(rows) == 0 {
		return nil, NotFound("没有该通报，或不在您的管辖范围内")
	}
	return &rows[0], nil
}

// CreateCircular drafts the user's region's circular for a period and stores it as the next
// version. While a draft of the same region and period exists, that draft is the one to edit.
func (s *Store) CreateCircular(ctx context.Context, u *User, src InspectionSource, req CircularRequest) (*CircularRecord, error) {
	if u.RegionID == nil {
		return nil, Forbidden("只有本地区的主管单位可以起草、修改和发布通报")
	}
	var region Region
	if err := s.db.WithContext(ctx).Take(&region, *u.RegionID).Error; err != nil {
		return nil, translate(err, "circular region")
	}
	req.Region = region
	if err := mayIssue(u, region.ID); err != nil {
		return nil, err
	}
	c, err := s.DraftCircular(ctx, src, req)
	if err != nil {
		return nil, err
	}
	figures, err := json.Marshal(c.Figures)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := &CircularRecord{RegionID: region.ID, Period: req.Period, Status: CircularDraftStatus, Decimals: c.Figures.Decimals,
		Cutoff: c.Figures.Cutoff, Deadline: c.Figures.Deadline, Figures: string(figures), CreatedBy: &u.ID, CreatedAt: now, UpdatedAt: now}
	rec.setText(c.Text)
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		return s.insertVersion(tx, rec)
	})
	return rec, err
}

// insertVersion stores rec as the next version of its region and period, refusing a second draft.
func (s *Store) insertVersion(tx *gorm.DB, rec *CircularRecord) error {
	var versions []CircularRecord
	if err := s.forUpdate(tx).Select("id, version, status").
		Where("region_id = ? AND period = ?", rec.RegionID, rec.Period).Order("version").Find(&versions).Error; err != nil {
		return translate(err, "circular versions")
	}
	rec.Version = 1
	for _, v := range versions {
		if v.Status == CircularDraftStatus {
			return Conflict("该时段已有一份草稿，请在草稿上修改")
		}
		rec.Version = v.Version + 1
	}
	if err := tx.Create(rec).Error; err != nil {
		if ErrorKind(translate(err, "")) == KindConflict {
			return Conflict("该时段的通报刚刚被他人起草，请刷新后再试")
		}
		return translate(err, "create circular")
	}
	return nil
}

// editDraft loads a draft the user may write, locked, and saves what change does to it.
func (s *Store) editDraft(ctx context.Context, u *User, sc Scope, id int64, change func(tx *gorm.DB, rec *CircularRecord) error) (*CircularRecord, error) {
	if _, err := s.CircularByID(ctx, sc, id); err != nil {
		return nil, err
	}
	var rec CircularRecord
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.forUpdate(tx).Take(&rec, id).Error; err != nil {
			return translate(err, "circular")
		}
		if err := mayIssue(u, rec.RegionID); err != nil {
			return err
		}
		if rec.Published() {
			return Conflict("通报已发布，不能再修改；如需更正，请发布新版本")
		}
		if err := change(tx, &rec); err != nil {
			return err
		}
		rec.UpdatedAt = s.now()
		return translate(tx.Save(&rec).Error, "save circular")
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// SaveCircularText stores a draft's edited text.
func (s *Store) SaveCircularText(ctx context.Context, u *User, sc Scope, id int64, t CircularText) (*CircularRecord, error) {
	for _, p := range []*string{&t.Title, &t.DocNumber, &t.Issuer, &t.Recipients, &t.IssueDate, &t.CC, &t.PrintOffice, &t.PrintDate} {
		*p = strings.TrimSpace(*p)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return s.editDraft(ctx, u, sc, id, func(_ *gorm.DB, rec *CircularRecord) error {
		rec.setText(t)
		return nil
	})
}

// RefreshCircular gathers a draft's figures again from the data; its text, with its
// placeholders, shows the new figures.
func (s *Store) RefreshCircular(ctx context.Context, u *User, sc Scope, src InspectionSource, id int64) (*CircularRecord, error) {
	row, err := s.CircularByID(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	var region Region
	if err := s.db.WithContext(ctx).Take(&region, row.RegionID).Error; err != nil {
		return nil, translate(err, "circular region")
	}
	decimals := row.Decimals
	f, err := s.CircularFigures(ctx, src, CircularRequest{Region: region, Period: row.Period, Decimals: &decimals, Cutoff: row.Cutoff, Deadline: row.Deadline})
	if err != nil {
		return nil, err
	}
	figures, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return s.editDraft(ctx, u, sc, id, func(_ *gorm.DB, rec *CircularRecord) error {
		rec.Figures = string(figures)
		return nil
	})
}

// PublishCircular freezes a draft: its placeholders are filled for good, and neither figures nor
// text change afterwards. Every unit its attachment names gets a rectification item and its
// 整改通知, in the same transaction. It returns its CircularPublished and a RectificationChanged
// for each item opened, with the notice's deliveries (e-mails, webhook posts), for the caller to
// dispatch.
func (s *Store) PublishCircular(ctx context.Context, u *User, sc Scope, id int64) (*CircularRecord, []Event, error) {
	var events []Event
	rec, err := s.editDraft(ctx, u, sc, id, func(tx *gorm.DB, rec *CircularRecord) error {
		c, err := rec.Circular()
		if err != nil {
			return err
		}
		t := c.Filled()
		if err := t.ValidateForPublishing(); err != nil {
			return err
		}
		now := s.now()
		rec.setText(t)
		rec.Status, rec.PublishedBy, rec.PublishedAt = CircularPublishedStatus, &u.ID, &now
		opened, err := s.openRectifications(tx, rec, &c.Figures)
		events = append([]Event{CircularPublished{CircularID: rec.ID, RegionID: rec.RegionID, ActorID: u.ID}}, opened...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return rec, events, nil
}

// CorrectCircular starts a correction of a published circular: a new draft version with the
// same figures and text, to edit and publish in its place.
func (s *Store) CorrectCircular(ctx context.Context, u *User, sc Scope, id int64) (*CircularRecord, error) {
	row, err := s.CircularByID(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	if err := mayIssue(u, row.RegionID); err != nil {
		return nil, err
	}
	if !row.Published() {
		return nil, Conflict("草稿可以直接修改，无需更正")
	}
	now := s.now()
	rec := row.CircularRecord
	rec.ID, rec.Status, rec.PublishedBy, rec.PublishedAt, rec.CreatedBy, rec.CreatedAt, rec.UpdatedAt = 0, CircularDraftStatus, nil, nil, &u.ID, now, now
	err = s.transaction(ctx, func(tx *gorm.DB) error { return s.insertVersion(tx, &rec) })
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// errNotACircular keeps a bad id in a URL from reaching the database.
var errNotACircular = NotFound("没有该通报，或不在您的管辖范围内")

// ParseCircularID reads a circular's id from a URL.
func ParseCircularID(raw string) (int64, error) { return parseURLID(raw, errNotACircular) }

// parseURLID reads a positive id of digits only from a URL; anything else is notFound, worded for
// what the URL names.
func parseURLID(raw string, notFound error) (int64, error) {
	var id int64
	for _, r := range raw {
		if r < '0' || r > '9' || id > 1e15 {
			return 0, notFound
		}
		id = id*10 + int64(r-'0')
	}
	if id == 0 {
		return 0, notFound
	}
	return id, nil
}

// forUpdate locks the rows a query reads until the transaction ends, on MySQL; SQLite's write
// transactions hold the whole database from their start.
func (s *Store) forUpdate(tx *gorm.DB) *gorm.DB {
	if s.dialect == DialectMySQL {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}
