package models

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// SaveUnit creates (id 0) or edits a unit. Its region, old and new, must be within the actor's
// scope; a name or 统一社会信用代码 another unit has is a conflict naming the field.
func (s *Store) SaveUnit(ctx context.Context, by RegistryActor, id int64, in UnitInput) (*Unit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	var unit Unit
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		action := RegistryCreated
		if id != 0 {
			action = RegistryUpdated
			u, err := unitInScope(tx, by.Scope, id)
			if err != nil {
				return err
			}
			unit = *u
		} else {
			unit.Status, unit.ReviewRequired, unit.CreatedAt = UnitActive, true, now
		}
		if unit.RegionID != in.RegionID {
			if _, err := regionInScope(tx, by.Scope, "region_id", in.RegionID); err != nil {
				return err
			}
		}
		var taken int64
		if err := tx.Model(&Unit{}).Where("name = ? AND id <> ?", in.Name, id).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return &Error{Kind: KindConflict, Field: "name", Message: "已有同名单位：" + in.Name}
		}
		var code *string
		if in.Code != "" {
			code = &in.Code
			if err := tx.Model(&Unit{}).Where("code = ? AND id <> ?", in.Code, id).Count(&taken).Error; err != nil {
				return err
			}
			if taken > 0 {
				return &Error{Kind: KindConflict, Field: "code", Message: "统一社会信用代码已属于另一个单位"}
			}
		}
		review := unit.ReviewRequired
		if in.ReviewRequired != nil {
			review = *in.ReviewRequired
		}
		changes := FieldChanges{}
		changes.Set("name", unit.Name, in.Name)
		changes.Set("code", derefString(unit.Code), in.Code)
		changes.Set("region_id", strconv.FormatInt(unit.RegionID, 10), strconv.FormatInt(in.RegionID, 10))
		changes.Set("kind", unit.Kind, in.Kind)
		changes.Set("review_required", strconv.FormatBool(unit.ReviewRequired), strconv.FormatBool(review))
		if id != 0 && len(changes) == 0 {
			return nil
		}
		unit.Name, unit.Code, unit.RegionID, unit.Kind, unit.ReviewRequired, unit.UpdatedAt = in.Name, code, in.RegionID, in.Kind, review, &now
		if id == 0 {
			if err := tx.Create(&unit).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&Unit{}).Where("id = ?", id).Updates(map[string]any{
			"name": unit.Name, "code": code, "region_id": unit.RegionID, "kind": unit.Kind,
			"review_required": review, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUnit, unit.ID, unit.Name, action)}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "save unit")
	}
	s.invalidateCache()
	return &unit, nil
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// SetUnitOpen closes a unit (撤销: it keeps its history, gets no new tickets, sites, accounts or
// users, and cannot be picked) or reopens it. A unit that still runs websites or has active
// users is not closed: they would route reports or sign in to a unit nobody may pick.
func (s *Store) SetUnitOpen(ctx context.Context, by RegistryActor, id int64, open bool) error {
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		unit, err := unitInScope(tx, by.Scope, id)
		if err != nil {
			return err
		}
		status, action := UnitClosed, RegistryClosed
		if open {
			status, action = UnitActive, RegistryReopened
		}
		if unit.Status == status {
			return nil
		}
		if !open {
			var sites, users int64
			if err := tx.Model(&Website{}).Where("unit_id = ? AND status = ?", id, SiteRunning).Count(&sites).Error; err != nil {
				return err
			}
			if err := tx.Model(&User{}).Where("unit_id = ? AND disabled = ?", id, false).Count(&users).Error; err != nil {
				return err
			}
			if sites > 0 || users > 0 {
				return Conflict("单位还有 " + strconv.FormatInt(sites, 10) + " 个运行中的网站、" + strconv.FormatInt(users, 10) +
					" 个启用的账号：请先关停网站、停用账号或改到其他单位")
			}
		}
		if err := tx.Model(&Unit{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": now}).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("status", unit.Status, status)
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUnit, id, unit.Name, action)}, []FieldChanges{changes})
	})
	if err != nil {
		return translate(err, "set unit open")
	}
	s.invalidateCache()
	return nil
}

// RegionInput is a region as the API gives it: a 6-digit 行政区划代码 and its parent's id (none for
// a top region, which only an actor who sees everything adds).
type RegionInput struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	ParentID  *int64 `json:"parent_id"`
}

// CreateRegion adds a region below one in the actor's scope.
func (s *Store) CreateRegion(ctx context.Context, by RegistryActor, in RegionInput) (*Region, error) {
	in.Code, in.Name, in.ShortName = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName)
	if err := firstError(checkRegionCode(in.Code), checkRegionName(in.Name), checkShortName(in.ShortName)); err != nil {
		return nil, err
	}
	switch {
	case in.ParentID == nil && !by.Scope.All:
		return nil, Forbidden("只有全省管理员可以添加顶级地区")
	}
	now := s.now()
	r := Region{Code: in.Code, Name: in.Name, ShortName: in.ShortName, Level: LevelProvince, Path: "/" + in.Code + "/", CreatedAt: now}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if in.ParentID != nil {
			parent, err := regionInScope(tx, by.Scope, "parent_id", *in.ParentID)
			if err != nil {
				return err
			}
			r.ParentID, r.Level, r.Path = &parent.ID, parent.Level+1, parent.Path+in.Code+"/"
		}
		var taken int64
		if err := tx.Model(&Region{}).Where("code = ?", in.Code).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return &Error{Kind: KindConflict, Field: "code", Message: "行政区划代码已存在：" + in.Code}
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("name", "", r.Name)
		changes.Set("parent_id", "", idString(r.ParentID))
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryRegion, r.ID, r.Code, RegistryCreated)}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "create region")
	}
	s.invalidateCache()
	return &r, nil
}

// RegionsIn lists the regions in the scope, in tree order.
func (s *Store) RegionsIn(ctx context.Context, sc Scope) ([]Region, error) {
	q := s.db.WithContext(ctx).Order("path")
	switch {
	case sc.All:
	case sc.RegionPath != "" && sc.UnitID == 0:
		q = q.Where("path LIKE ?", sc.RegionPath+"%")
	default:
		return []Region{}, nil
	}
	var rs []Region
	err := q.Find(&rs).Error
	return rs, translate(err, "regions")
}
