package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// Where a region's 三、下步要求 for a new draft comes from.
const (
	RequirementsFromTemplate  = "template"  // the region's template, as its supervisor edited it
	RequirementsFromPublished = "published" // the region's last published circular
	RequirementsFromDefault   = "default"   // DefaultRequirements
)

// RequirementsTemplate is the 三、下步要求 a region's next draft starts from.
type RequirementsTemplate struct {
	RegionID  int64
	Text      string
	Source    string
	UpdatedAt *time.Time
}

type circularTemplateRow struct {
	RegionID     int64 `gorm:"primaryKey"`
	Requirements string
	UpdatedBy    *int64
	UpdatedAt    time.Time
}

func (circularTemplateRow) TableName() string { return "circular_templates" }

// RequirementsTemplateOf returns the 下步要求 a new draft of the region starts from: the region's
// template; without one, the text of its last published circular; and then DefaultRequirements.
func (s *Store) RequirementsTemplateOf(ctx context.Context, regionID int64) (*RequirementsTemplate, error) {
	db := s.db.WithContext(ctx)
	var rows []circularTemplateRow
	if err := db.Where("region_id = ?", regionID).Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err, "requirements template")
	}
	if len(rows) > 0 {
		return &RequirementsTemplate{RegionID: regionID, Text: rows[0].Requirements, Source: RequirementsFromTemplate, UpdatedAt: &rows[0].UpdatedAt}, nil
	}
	var last []string
	err := db.Table("circulars").Where("region_id = ? AND status = ?", regionID, CircularPublishedStatus).
		Order("published_at DESC, id DESC").Limit(1).Pluck("requirements", &last).Error
	if err != nil {
		return nil, translate(err, "last circular")
	}
	if len(last) > 0 && strings.TrimSpace(last[0]) != "" {
		return &RequirementsTemplate{RegionID: regionID, Text: last[0], Source: RequirementsFromPublished}, nil
	}
	return &RequirementsTemplate{RegionID: regionID, Text: DefaultRequirements, Source: RequirementsFromDefault}, nil
}

// ValidateRequirements checks a 下步要求 template: not empty, not too long, and every
// placeholder one the figures can fill.
func ValidateRequirements(text string) error {
	if strings.TrimSpace(text) == "" {
		return Invalid("requirements", "请填写下步要求")
	}
	if len([]rune(text)) > 20000 {
		return Invalid("requirements", "下步要求不能超过20000个字")
	}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if _, ok := Placeholders[m[1]]; !ok {
			return Invalid("requirements", fmt.Sprintf("下步要求中的占位符{{%s}}不存在", m[1]))
		}
	}
	return nil
}

// SaveRequirementsTemplate stores the 下步要求 template of a region (by code; "" for the user's
// own): its supervisor edits their own region's, an administrator any region's.
func (s *Store) SaveRequirementsTemplate(ctx context.Context, u *User, regionCode, text string) (*RequirementsTemplate, error) {
	if u.Role != RoleSupervisor && u.Role != RoleAdmin {
		return nil, Forbidden("只有主管单位或管理员可以修改下步要求模板")
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if err := ValidateRequirements(text); err != nil {
		return nil, err
	}
	var region Region
	q := s.db.WithContext(ctx)
	switch regionCode = strings.TrimSpace(regionCode); {
	case regionCode != "":
		q = q.Where("code = ?", regionCode)
	case u.RegionID != nil:
		q = q.Where("id = ?", *u.RegionID)
	default:
		return nil, Invalid("region", "请选择地区")
	}
	if err := q.Take(&region).Error; err != nil {
		if ErrorKind(translate(err, "")) == KindNotFound {
			return nil, Invalid("region", "没有该地区")
		}
		return nil, translate(err, "template region")
	}
	if u.Role != RoleAdmin && (u.RegionID == nil || *u.RegionID != region.ID) {
		return nil, Forbidden("只能修改本地区的下步要求模板")
	}
	now := s.now()
	row := circularTemplateRow{RegionID: region.ID, Requirements: text, UpdatedBy: &u.ID, UpdatedAt: now}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "region_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"requirements", "updated_by", "updated_at"})}).Create(&row).Error
	if err != nil {
		return nil, translate(err, "save requirements template")
	}
	return &RequirementsTemplate{RegionID: region.ID, Text: text, Source: RequirementsFromTemplate, UpdatedAt: &now}, nil
}
