package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// Scope is the part of the tickets a person may see: a unit's, a region subtree's, or all.
type Scope struct {
	All        bool   // admin, or the supervisor of the one top region
	UnitID     int64  // unit_staff, unit_reviewer
	RegionID   int64  // supervisor: the region...
	RegionPath string // ...and everything below it
}

// scopeOf returns what the user may see. A user the registry does not place sees nothing.
// (ScopeOf is this, kept with a signed-in user: store_sessions.go.)
func (s *Store) scopeOf(ctx context.Context, u *User) (Scope, error) {
	switch u.Role {
	case RoleAdmin:
		return Scope{All: true}, nil
	case RoleUnitStaff, RoleUnitReviewer:
		if u.UnitID == nil {
			return Scope{}, Forbidden("账号未关联单位")
		}
		return Scope{UnitID: *u.UnitID}, nil
	case RoleSupervisor:
		if u.RegionID == nil {
			return Scope{}, Forbidden("账号未关联地区")
		}
		var r Region
		if err := s.db.WithContext(ctx).Take(&r, *u.RegionID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Scope{}, Forbidden("账号关联的地区不存在")
			}
			return Scope{}, translate(err, "scope")
		}
		// The supervisor of the only top region sees every ticket: say so, and spare the
		// database a region filter on every query (it keeps the rates on their covering index).
		if r.ParentID == nil {
			var roots int64
			if err := s.db.WithContext(ctx).Model(&Region{}).Where("parent_id IS NULL").Count(&roots).Error; err != nil {
				return Scope{}, translate(err, "scope")
			}
			if roots == 1 {
				return Scope{All: true, RegionID: r.ID, RegionPath: r.Path}, nil
			}
		}
		return Scope{RegionID: r.ID, RegionPath: r.Path}, nil
	}
	return Scope{}, Forbidden("未知的角色")
}

// tickets restricts a query on tickets (under alias) to the scope.
func (sc Scope) tickets(q *gorm.DB, alias string) *gorm.DB {
	return sc.restrict(q, alias+".unit_id", alias+".region_id")
}

// units restricts a query on units (under alias) to the scope.
func (sc Scope) units(q *gorm.DB, alias string) *gorm.DB {
	return sc.restrict(q, alias+".id", alias+".region_id")
}

// restrict keeps the rows whose unit (unitColumn) or region (regionColumn) the scope covers.
func (sc Scope) restrict(q *gorm.DB, unitColumn, regionColumn string) *gorm.DB {
	switch {
	case sc.All:
		return q
	case sc.UnitID != 0:
		return q.Where(unitColumn+" = ?", sc.UnitID)
	case sc.RegionPath != "":
		return q.Where(regionColumn+" IN (SELECT id FROM regions WHERE path LIKE ?)", sc.RegionPath+"%")
	}
	return q.Where("1 = 0")
}

// Units returns the units within the scope, by region and name: the choices a supervisor
// assigns tickets to.
func (s *Store) Units(ctx context.Context, sc Scope) ([]UnitOption, error) {
	var units []UnitOption
	q := s.db.WithContext(ctx).Table("units u").Select("u.id, u.name, r.name AS region_name, r.path AS region_path").
		Joins("JOIN regions r ON r.id = u.region_id")
	err := sc.units(q, "u").Order("r.path, u.kind, u.name").Scan(&units).Error
	return units, translate(err, "units")
}

// UnitOption is a unit as lists show it.
type UnitOption struct {
	ID         int64
	Name       string
	RegionName string
	RegionPath string
}
