package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AnnualRecord is one version of a site's work report or a region's supervision report for a
// year. Like a circular: a draft is edited, a published version never changes, and a correction
// is the next version.
type AnnualRecord struct {
	ID          int64
	Kind        string
	SubjectID   int64 // the website (work) or the region (supervision)
	Year        int
	Version     int
	Status      string // CircularDraftStatus or CircularPublishedStatus: the circulars' two states
	UnitID      *int64 // the site's unit, for a work report
	RegionID    int64
	Filled      string
	Figures     string
	CreatedBy   *int64
	PublishedBy *int64
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (AnnualRecord) TableName() string { return "annual_reports" }

// Published reports whether the version is frozen.
func (r *AnnualRecord) Published() bool { return r.Status == CircularPublishedStatus }

// AnnualReport is a report as shown: whose it is, its latest version (Version 0: nothing saved
// yet) and its values, the system's figures and what was filled in together.
type AnnualReport struct {
	AnnualRecord
	Title   string
	Subject string // the site's or the region's name
	Region  Region
	Items   []AnnualItem
	Values  AnnualValues
}

// Value is the item's value as shown.
func (r *AnnualReport) Value(key string) string { return r.Values[key] }

// MayWriteAnnual reports whether the user fills in, publishes and corrects the report: a site's
// work report is its unit's, a region's supervision report its supervisor's (a supervisor above
// it reads it but does not write it). The pages ask it too, so that they offer what the store
// allows.
func MayWriteAnnual(u *User, kind string, unitID *int64, regionID int64) bool {
	if kind == AnnualSupervision {
		return u.Role == RoleSupervisor && u.RegionID != nil && *u.RegionID == regionID
	}
	return (u.Role == RoleUnitStaff || u.Role == RoleUnitReviewer) && u.UnitID != nil && unitID != nil && *u.UnitID == *unitID
}

func mayWriteAnnual(u *User, kind string, unitID *int64, regionID int64) error {
	if MayWriteAnnual(u, kind, unitID, regionID) {
		return nil
	}
	if kind == AnnualSupervision {
		return Forbidden("只有本地区的主管单位可以填报监管年度报表")
	}
	return Forbidden("只有网站的主办单位可以填报本网站的工作年度报表")
}

// annualSubject finds whose the report is, and refuses one outside the scope as not found.
func (s *Store) annualSubject(ctx context.Context, sc Scope, kind string, subjectID int64) (unitID *int64, region Region, name string, err error) {
	db := s.db.WithContext(ctx)
	switch kind {
	case AnnualWork:
		site, err := s.annualSite(ctx, subjectID)
		if err != nil {
			return nil, Region{}, "", err
		}
		unitID, name = &site.UnitID, site.Name
		err = db.Take(&region, site.RegionID).Error
		if err != nil {
			return nil, Region{}, "", translate(err, "annual region")
		}
	case AnnualSupervision:
		if err := db.Where("id = ?", subjectID).Limit(1).Find(&region).Error; err != nil {
			return nil, Region{}, "", translate(err, "annual region")
		}
		if region.ID == 0 {
			return nil, Region{}, "", NotFound("没有该地区")
		}
		name = region.Name
	default:
		return nil, Region{}, "", NotFound("没有这种年度报表")
	}
	inScope := sc.All || (sc.UnitID != 0 && unitID != nil && *unitID == sc.UnitID) ||
		(sc.UnitID == 0 && sc.RegionPath != "" && strings.HasPrefix(region.Path, sc.RegionPath))
	if !inScope {
		return nil, Region{}, "", NotFound("没有该报表，或不在您的管辖范围内")
	}
	return unitID, region, name, nil
}

// writableAnnual is the subject of a report u may write, for a year that may have one: every
// write (save, publish, correct) checks the same.
func (s *Store) writableAnnual(ctx context.Context, u *User, sc Scope, kind string, subjectID int64, year int) (unitID *int64, region Region, err error) {
	if err := validYear(year); err != nil {
		return nil, Region{}, err
	}
	if unitID, region, _, err = s.annualSubject(ctx, sc, kind, subjectID); err != nil {
		return nil, Region{}, err
	}
	return unitID, region, mayWriteAnnual(u, kind, unitID, region.ID)
}

func validYear(year int) error {
	if year < 2018 || year > 2100 {
		return Invalid("year", "年度应为 2018 年以后的年份")
	}
	return nil
}

// AnnualReportOf is the latest version of a report with its values: a draft's figures counted
// now, a published version's as they were published.
func (s *Store) AnnualReportOf(ctx context.Context, sc Scope, src InspectionSource, kind string, subjectID int64, year int) (*AnnualReport, error) {
	if err := validYear(year); err != nil {
		return nil, err
	}
	unitID, region, name, err := s.annualSubject(ctx, sc, kind, subjectID)
	if err != nil {
		return nil, err
	}
	r := &AnnualReport{Title: AnnualTitles[kind], Subject: name, Region: region, Items: AnnualLayout(kind), Values: AnnualValues{},
		AnnualRecord: AnnualRecord{Kind: kind, SubjectID: subjectID, Year: year, Status: CircularDraftStatus, UnitID: unitID, RegionID: region.ID}}
	var recs []AnnualRecord
	if err := s.db.WithContext(ctx).Where("kind = ? AND subject_id = ? AND year = ?", kind, subjectID, year).
		Order("version DESC").Limit(1).Find(&recs).Error; err != nil {
		return nil, translate(err, "annual report")
	}
	figures := AnnualValues{}
	if len(recs) > 0 {
		r.AnnualRecord = recs[0]
		if err := json.Unmarshal([]byte(r.Filled), &r.Values); err != nil {
			return nil, err
		}
	}
	if r.Published() {
		err = json.Unmarshal([]byte(r.Figures), &figures)
	} else {
		figures, err = s.annualFigures(ctx, src, kind, subjectID, region, year)
	}
	if err != nil {
		return nil, err
	}
	for k, v := range figures {
		r.Values[k] = v
	}
	return r, nil
}

func (s *Store) annualFigures(ctx context.Context, src InspectionSource, kind string, subjectID int64, region Region, year int) (AnnualValues, error) {
	if kind == AnnualSupervision {
		return s.SupervisionFigures(ctx, src, region, year)
	}
	return s.WorkFigures(ctx, subjectID, year)
}

// SaveAnnual stores what the unit or office filled in as the report's draft, creating it when
// there is none. A published version is refused: a correction starts a new version.
func (s *Store) SaveAnnual(ctx context.Context, u *User, sc Scope, kind string, subjectID int64, year int, in map[string]string) (*AnnualRecord, error) {
	unitID, region, err := s.writableAnnual(ctx, u, sc, kind, subjectID, year)
	if err != nil {
		return nil, err
	}
	values, err := ValidateAnnual(kind, in)
	if err != nil {
		return nil, err
	}
	filled, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	var rec AnnualRecord
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		latest, err := s.latestAnnual(tx, kind, subjectID, year)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case latest == nil:
			rec = AnnualRecord{Kind: kind, SubjectID: subjectID, Year: year, Version: 1, Status: CircularDraftStatus, UnitID: unitID,
				RegionID: region.ID, Filled: string(filled), Figures: "{}", CreatedBy: &u.ID, CreatedAt: now, UpdatedAt: now}
			return s.createAnnual(tx, &rec)
		case latest.Published():
			return Conflict("该报表已发布，不能再修改；如需更正，请新建更正版本")
		}
		rec = *latest
		rec.Filled, rec.UpdatedAt = string(filled), now
		return translate(tx.Save(&rec).Error, "save annual report")
	})
	return &rec, err
}

// PublishAnnual freezes the report's draft with the figures counted now.
func (s *Store) PublishAnnual(ctx context.Context, u *User, sc Scope, src InspectionSource, kind string, subjectID int64, year int) (*AnnualRecord, error) {
	_, region, err := s.writableAnnual(ctx, u, sc, kind, subjectID, year)
	if err != nil {
		return nil, err
	}
	figures, err := s.annualFigures(ctx, src, kind, subjectID, region, year)
	if err != nil {
		return nil, err
	}
	frozen, err := json.Marshal(figures)
	if err != nil {
		return nil, err
	}
	var rec AnnualRecord
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		latest, err := s.latestAnnual(tx, kind, subjectID, year)
		if err != nil {
			return err
		}
		switch {
		case latest == nil:
			return Conflict("报表尚未填报，请先保存草稿")
		case latest.Published():
			return Conflict("该报表已发布；如需更正，请新建更正版本")
		}
		now := s.now()
		rec = *latest
		rec.Status, rec.Figures, rec.PublishedBy, rec.PublishedAt, rec.UpdatedAt = CircularPublishedStatus, string(frozen), &u.ID, &now, now
		return translate(tx.Save(&rec).Error, "publish annual report")
	})
	return &rec, err
}

// CorrectAnnual starts a correction of the published report: the next version, a draft holding
// what the published one was filled with.
func (s *Store) CorrectAnnual(ctx context.Context, u *User, sc Scope, kind string, subjectID int64, year int) (*AnnualRecord, error) {
	_, _, err := s.writableAnnual(ctx, u, sc, kind, subjectID, year)
	if err != nil {
		return nil, err
	}
	var rec AnnualRecord
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		latest, err := s.latestAnnual(tx, kind, subjectID, year)
		if err != nil {
			return err
		}
		if latest == nil || !latest.Published() {
			return Conflict("只有已发布的报表需要更正；草稿可直接修改")
		}
		now := s.now()
		rec = AnnualRecord{Kind: kind, SubjectID: subjectID, Year: year, Version: latest.Version + 1, Status: CircularDraftStatus,
			UnitID: latest.UnitID, RegionID: latest.RegionID, Filled: latest.Filled, Figures: "{}", CreatedBy: &u.ID, CreatedAt: now, UpdatedAt: now}
		return s.createAnnual(tx, &rec)
	})
	return &rec, err
}

// latestAnnual is the report's newest version, locked; nil when none is stored.
func (s *Store) latestAnnual(tx *gorm.DB, kind string, subjectID int64, year int) (*AnnualRecord, error) {
	var recs []AnnualRecord
	if err := s.forUpdate(tx).Where("kind = ? AND subject_id = ? AND year = ?", kind, subjectID, year).
		Order("version DESC").Limit(1).Find(&recs).Error; err != nil {
		return nil, translate(err, "annual report versions")
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return &recs[0], nil
}

func (s *Store) createAnnual(tx *gorm.DB, rec *AnnualRecord) error {
	if err := tx.Create(rec).Error; err != nil {
		if ErrorKind(translate(err, "")) == KindConflict {
			return Conflict("该报表刚刚被他人修改，请刷新后再试")
		}
		return translate(err, "create annual report")
	}
	return nil
}

// AnnualSiteRow is a running site of a region with the state of its work report for a year.
type AnnualSiteRow struct {
	WebsiteID int64
	Name      string
	UnitID    int64
	Unit      string
	Status    string // "" (nothing saved), draft, published: of the latest version
	Version   int
}

// AnnualSites lists the running sites within the scope with their work report's state, so a
// supervisor sees which are not published and a unit finds its own.
func (s *Store) AnnualSites(ctx context.Context, sc Scope, year int) ([]AnnualSiteRow, error) {
	q := s.db.WithContext(ctx).Table("websites w").
		Select(`w.id AS website_id, w.name, w.unit_id, u.name AS unit, COALESCE(a.status, '') AS status, COALESCE(a.version, 0) AS version`).
		Joins("JOIN units u ON u.id = w.unit_id").Joins("JOIN regions g ON g.id = u.region_id").
		Joins(`LEFT JOIN annual_reports a ON a.kind = ? AND a.subject_id = w.id AND a.year = ? AND a.version =
			(SELECT MAX(b.version) FROM annual_reports b WHERE b.kind = a.kind AND b.subject_id = a.subject_id AND b.year = a.year)`, AnnualWork, year).
		Where("w.status = ?", SiteRunning)
	switch {
	case sc.All:
	case sc.UnitID != 0:
		q = q.Where("w.unit_id = ?", sc.UnitID)
	case sc.RegionPath != "":
		q = q.Where("g.path LIKE ?", sc.RegionPath+"%")
	default:
		q = q.Where("1 = 0")
	}
	var rows []AnnualSiteRow
	err := q.Order("g.path, u.name, w.name, w.id").Scan(&rows).Error
	return rows, translate(err, "annual sites")
}
