package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AppealRow is an appeal as its pages show it: with its site, its unit and the finding contested.
type AppealRow struct {
	FindingAppeal
	WebsiteName   string
	UnitName      string
	ResultID      int64
	Type          string
	Indicator     string
	Target        string
	Page          string
	Evidence      string
	Veto          bool
	Points        float64
	FindingStatus string
	FiledByName   string
	DecidedByName string
}

const appealColumns = `a.id, a.finding_id, a.round_id, a.website_id, a.unit_id, a.region_id, a.status, a.reason,
	a.file_name, a.file_type, a.filed_by, a.filed_at, a.decided_by, a.decided_at, a.decision_note,
	w.name AS website_name, u.name AS unit_name, ir.id AS result_id, f.type, f.indicator, f.target, f.page,
	f.evidence, f.veto, f.points, f.status AS finding_status, fb.display_name AS filed_by_name,
	db.display_name AS decided_by_name`

// appealsInScope is the appeals of units within the scope, aliased a (with their site, unit,
// finding and result joined).
func (s *Store) appealsInScope(tx *gorm.DB, sc Scope) *gorm.DB {
	q := tx.Table("finding_appeals a").Select(appealColumns).
		Joins("JOIN units u ON u.id = a.unit_id").Joins("JOIN websites w ON w.id = a.website_id").
		Joins("JOIN inspection_findings f ON f.id = a.finding_id").
		Joins("LEFT JOIN inspection_results ir ON ir.round_id = a.round_id AND ir.website_id = a.website_id").
		Joins("LEFT JOIN users fb ON fb.id = a.filed_by").Joins("LEFT JOIN users db ON db.id = a.decided_by")
	return sc.units(q, "u")
}

// Appeals returns the appeals within the scope, those waiting first, then the newest; status
// narrows them to one status ("" for all).
func (s *Store) Appeals(ctx context.Context, sc Scope, status string, limit int) ([]AppealRow, error) {
	q := s.appealsInScope(s.db.WithContext(ctx), sc)
	if status != "" {
		q = q.Where("a.status = ?", status)
	}
	var rows []AppealRow
	err := q.Order(fmt.Sprintf("CASE WHEN a.status = '%s' THEN 0 ELSE 1 END, a.filed_at DESC, a.id DESC", AppealFiled)).
		Limit(limit).Scan(&rows).Error
	return rows, translate(err, "appeals")
}

// Appeal returns an appeal within the scope with its steps, oldest first; one outside it is not
// found.
func (s *Store) Appeal(ctx context.Context, sc Scope, id int64) (*AppealRow, []AppealEvent, error) {
	var rows []AppealRow
	if err := s.appealsInScope(s.db.WithContext(ctx), sc).Where("a.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return nil, nil, translate(err, "appeal")
	}
	if len(rows) == 0 {
		return nil, nil, errNotAnAppeal
	}
	var events []AppealEvent
	if err := s.db.WithContext(ctx).Where("appeal_id = ?", id).Order("id").Find(&events).Error; err != nil {
		return nil, nil, translate(err, "appeal events")
	}
	return &rows[0], events, nil
}

var errNotAnAppeal = NotFound("没有该核减申请，或不在您的管辖范围内")

// ResultAppeals returns the appeals of a site's findings in a round, by finding: what the
// result's page shows beside each finding. The caller has read the result within its scope.
func (s *Store) ResultAppeals(ctx context.Context, roundID, websiteID int64) (map[int64]FindingAppeal, error) {
	var rows []FindingAppeal
	err := s.db.WithContext(ctx).Omit("FileData").Where("round_id = ? AND website_id = ?", roundID, websiteID).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "result appeals")
	}
	out := make(map[int64]FindingAppeal, len(rows))
	for _, a := range rows {
		out[a.FindingID] = a
	}
	return out, nil
}

// AppealFile returns the document of an appeal within the scope: the name to serve it under
// (the appeal's number and the checked type's extension), its type and its bytes.
func (s *Store) AppealFile(ctx context.Context, sc Scope, id int64) (name, contentType string, data []byte, err error) {
	row, _, err := s.Appeal(ctx, sc, id)
	if err != nil {
		return "", "", nil, err
	}
	if row.FileName == "" {
		return "", "", nil, NotFound("该申请没有附件")
	}
	var got struct{ FileData []byte }
	if err := s.db.WithContext(ctx).Table("finding_appeals").Select("file_data").Where("id = ?", id).Take(&got).Error; err != nil {
		return "", "", nil, translate(err, "appeal file")
	}
	return fmt.Sprintf("核减申请附件-%d.%s", id, row.FileExt()), row.FileType, got.FileData, nil
}

// FileAppeal records a unit's appeal of a finding of its site, with its first step, in one
// transaction, and returns it with its AppealChanged for the caller to dispatch. Only the staff
// and reviewers of the site's unit file one (a finding of another unit's site is not found), of a
// finding that counts, once.
func (s *Store) FileAppeal(ctx context.Context, u *User, sc Scope, findingID int64, reason string, up *AppealUpload) (*FindingAppeal, []Event, error) {
	if !reportsForAUnit(u) { // refused before the upload is looked at
		return nil, nil, Forbidden("只有网站的主办单位可以申请核减")
	}
	a := &FindingAppeal{Reason: reason, Status: AppealFiled, FiledBy: u.ID, FiledAt: s.now()}
	if err := a.Validate(up); err != nil {
		return nil, nil, err
	}
	if up != nil {
		a.FileName, a.FileType, a.FileData = reportDisplayName(up.Name), up.ContentType, up.Data
		if a.FileName == "" {
			a.FileName = "（未命名）" // file_name is also what says a document came
		}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		f, err := s.findingInScope(tx, sc, findingID)
		if err != nil {
			return err
		}
		if err := f.Appealable(); err != nil {
			return err
		}
		var site struct{ UnitID, RegionID int64 }
		err = tx.Table("websites w").Select("w.unit_id, u.region_id").Joins("JOIN units u ON u.id = w.unit_id").
			Where("w.id = ?", *f.WebsiteID).Take(&site).Error
		if err != nil {
			return err
		}
		if !MayFileAppeal(u, site.UnitID) {
			return Forbidden("只有网站的主办单位可以申请核减")
		}
		a.FindingID, a.RoundID, a.WebsiteID, a.UnitID, a.RegionID = f.ID, *f.RoundID, *f.WebsiteID, site.UnitID, site.RegionID
		if err := tx.Create(a).Error; err != nil {
			if isDuplicate(err) {
				return errAppealedOnce
			}
			return err
		}
		return recordAppeal(tx, a.ID, AppealFiled, &u.ID, a.Reason, a.FiledAt)
	})
	if err != nil {
		return nil, nil, translate(err, "file appeal")
	}
	a.FileData = nil
	return a, []Event{appealChanged(a, u.ID)}, nil
}

var errAppealedOnce = Conflict("该问题已申请过核减：每个问题每轮只能申请一次")

// DecideAppeal accepts or refuses a filed appeal on behalf of a supervisor whose region covers
// the site. Accepting takes the finding off (FindingReduced) and gives the site's result its
// verdict and score again; remember also keeps the finding's key as an exception of the site,
// so that later rounds do not raise it again. All in one transaction; it returns the appeal
// with its AppealChanged for the caller to dispatch.
func (s *Store) DecideAppeal(ctx context.Context, u *User, sc Scope, id int64, accept bool, note string, remember bool) (*FindingAppeal, []Event, error) {
	if !MayDecideAppeals(u) {
		return nil, nil, Forbidden("只有主管单位可以审核核减申请")
	}
	var a FindingAppeal
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var rows []FindingAppeal
		q := tx.Table("finding_appeals a").Select("a.id, a.finding_id, a.round_id, a.website_id, a.unit_id, a.region_id, a.status, a.reason").
			Joins("JOIN units u ON u.id = a.unit_id").Where("a.id = ?", id)
		if err := sc.units(s.forUpdate(q), "u").Limit(1).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return errNotAnAppeal
		}
		a = rows[0]
		now := s.now()
		if err := a.Decide(accept, u.ID, note, now); err != nil {
			return err
		}
		res := tx.Model(&FindingAppeal{}).Where("id = ? AND status = ?", a.ID, AppealFiled).
			Updates(map[string]any{"status": a.Status, "decided_by": a.DecidedBy, "decided_at": a.DecidedAt, "decision_note": a.DecisionNote})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Conflict("该核减申请已被他人审核，请刷新后查看")
		}
		if err := recordAppeal(tx, a.ID, a.Status, &u.ID, a.DecisionNote, now); err != nil {
			return err
		}
		if !accept {
			return nil
		}
		res = tx.Model(&Finding{}).Where("id = ? AND status = ?", a.FindingID, FindingConfirmed).
			Updates(map[string]any{"status": FindingReduced, "decided_by": u.ID, "decided_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Conflict("该问题的状态已改变，无法核减")
		}
		if err := s.rescore(tx, a.RoundID, a.WebsiteID); err != nil {
			return err
		}
		if !remember {
			return nil
		}
		var f Finding
		if err := tx.Take(&f, a.FindingID).Error; err != nil {
			return err
		}
		why := "同意核减：" + a.Reason
		if a.DecisionNote != "" {
			why += "（审核意见：" + a.DecisionNote + "）"
		}
		_, err := s.except(tx, &f, u.ID, truncate(why, maxExceptionReason), &a.ID, now)
		return err
	})
	if err != nil {
		return nil, nil, translate(err, "decide appeal")
	}
	return &a, []Event{appealChanged(&a, u.ID)}, nil
}

func appealChanged(a *FindingAppeal, actorID int64) AppealChanged {
	return AppealChanged{AppealID: a.ID, FindingID: a.FindingID, WebsiteID: a.WebsiteID, UnitID: a.UnitID, RegionID: a.RegionID,
		Status: a.Status, ActorID: actorID}
}

// recordAppeal writes a step of an appeal, within the transaction that makes it.
func recordAppeal(tx *gorm.DB, id int64, status string, actorID *int64, note string, now time.Time) error {
	return tx.Create(&AppealEvent{AppealID: id, At: now, ActorID: actorID, Status: status, Note: note}).Error
}
