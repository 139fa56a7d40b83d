package models

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The registry's forms and its JSON API write through these methods: one rule for both. Each
// checks the actor's scope on what it edits and on where it moves it, records a RegistryEvent in
// the same transaction, and, for what routes reports, drops the cached routing table here and
// on every replica once it has committed.

// unitInScope reads a unit the actor may see, or NotFound.
func unitInScope(tx *gorm.DB, sc Scope, id int64) (*Unit, error) {
	var u Unit
	q := sc.units(tx.Table("units u").Select("u.*"), "u").Where("u.id = ?", id)
	if err := q.Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, NotFound("单位不存在")
		}
		return nil, err
	}
	return &u, nil
}

// pickUnit reads a unit chosen for field: it must be in the actor's scope and open.
func pickUnit(tx *gorm.DB, sc Scope, field string, id int64) (*Unit, error) {
	u, err := unitInScope(tx, sc, id)
	if ErrorKind(err) == KindNotFound {
		return nil, Invalid(field, "单位不存在或不在您的管辖范围内")
	}
	if err != nil {
		return nil, err
	}
	if u.Status == UnitClosed {
		return nil, Invalid(field, "单位「"+u.Name+"」已撤销，不能选择")
	}
	return u, nil
}

// regionInScope reads a region the actor may place things in.
func regionInScope(tx *gorm.DB, sc Scope, field string, id int64) (*Region, error) {
	var r Region
	if err := tx.Take(&r, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, Invalid(field, "地区不存在")
		}
		return nil, err
	}
	if !sc.coversRegion(r) {
		return nil, Invalid(field, "地区不在您的管辖范围内")
	}
	return &r, nil
}

// coversRegion: the scope reaches every unit of the region.
func (sc Scope) coversRegion(r Region) bool {
	return sc.All || sc.UnitID == 0 && sc.RegionPath != "" && strings.HasPrefix(r.Path, sc.RegionPath)
}

func idString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// SaveWebsite creates (id 0) or edits a website whole, its bases replaced by the given ones. A
// base already routed to another site is refused with that site's name; the site's units must be
// open and within the actor's scope, the site itself too when it is edited.
func (s *Store) SaveWebsite(ctx context.Context, by RegistryActor, id int64, in WebsiteInput) (*Website, error) {
	bases, err := in.Validate()
	if err != nil {
		return nil, err
	}
	now := s.now()
	var site Website
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		changes, action := FieldChanges{}, RegistryCreated
		var oldBases []string
		if id != 0 {
			action = RegistryUpdated
			if err := tx.Take(&site, id).Error; err != nil {
				return err
			}
			if _, err := unitInScope(tx, by.Scope, site.UnitID); err != nil {
				return NotFound("网站不存在")
			}
			var rows []WebsiteBase
			if err := tx.Where("website_id = ?", id).Order("id").Find(&rows).Error; err != nil {
				return err
			}
			for _, b := range rows {
				oldBases = append(oldBases, b.Host+b.PathPrefix)
			}
		}
		if site.UnitID != in.UnitID {
			if _, err := pickUnit(tx, by.Scope, "unit_id", in.UnitID); err != nil {
				return err
			}
		}
		if in.SupervisorUnitID != nil && !equalID(site.SupervisorUnitID, in.SupervisorUnitID) {
			if _, err := pickUnit(tx, by.Scope, "supervisor_unit_id", *in.SupervisorUnitID); err != nil {
				return err
			}
		}
		for _, b := range bases {
			var owner struct {
				ID   int64
				Name string
			}
			err := tx.Table("website_bases b").Select("w.id, w.name").Joins("JOIN websites w ON w.id = b.website_id").
				Where("b.host = ? AND b.path_prefix = ? AND b.website_id <> ?", b.Host, b.PathPrefix, id).Take(&owner).Error
			if err == nil {
				return &Error{Kind: KindConflict, Field: "bases", Message: "网址 " + b.Host + b.PathPrefix + " 已属于网站「" + owner.Name + "」"}
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		changes.Set("name", site.Name, in.Name)
		changes.Set("identifier_code", site.IdentifierCode, in.IdentifierCode)
		changes.Set("kind", site.Kind, in.Kind)
		changes.Set("unit_id", idString(&site.UnitID), idString(&in.UnitID))
		changes.Set("supervisor_unit_id", idString(site.SupervisorUnitID), idString(in.SupervisorUnitID))
		changes.Set("home_url", site.HomeURL, in.Bases[0])
		newBases := make([]string, len(bases))
		for i, b := range bases {
			newBases[i] = b.Host + b.PathPrefix
		}
		changes.Set("bases", strings.Join(oldBases, " "), strings.Join(newBases, " "))
		if id != 0 && len(changes) == 0 {
			return nil
		}
		site.Name, site.IdentifierCode, site.Kind, site.UnitID = in.Name, in.IdentifierCode, in.Kind, in.UnitID
		site.SupervisorUnitID, site.HomeURL, site.UpdatedAt = in.SupervisorUnitID, in.Bases[0], now
		if id == 0 {
			site.Status, site.CreatedAt = SiteRunning, now
			if err := tx.Create(&site).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&Website{}).Where("id = ?", id).Updates(map[string]any{
			"name": site.Name, "identifier_code": site.IdentifierCode, "kind": site.Kind, "unit_id": site.UnitID,
			"supervisor_unit_id": site.SupervisorUnitID, "home_url": site.HomeURL, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if _, ok := changes["bases"]; ok || id == 0 {
			if err := tx.Where("website_id = ?", site.ID).Delete(&WebsiteBase{}).Error; err != nil {
				return err
			}
			for i := range bases {
				bases[i].WebsiteID = site.ID
			}
			if err := tx.Create(&bases).Error; err != nil {
				return err
			}
		}
		ev := by.event(RegistryWebsite, site.ID, siteKey(site), action)
		return recordRegistryEvents(tx, now, []RegistryEvent{ev}, []FieldChanges{changes})
	})
	if err != nil {
		if ErrorKind(err) == KindNotFound {
			return nil, NotFound("网站不存在")
		}
		return nil, translate(err, "save website")
	}
	s.invalidateCache()
	return &site, nil
}

// siteKey is the key a sheet names a site by: its 标识码, or its name without one.
func siteKey(w Website) string {
	if w.IdentifierCode != "" {
		return w.IdentifierCode
	}
	return w.Name
}

// SetWebsiteOpen closes a website (it routes no more reports; its tickets keep it) or reopens
// it; reopening checks that its bases are still its own and its unit open.
func (s *Store) SetWebsiteOpen(ctx context.Context, by RegistryActor, id int64, open bool) error {
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var site Website
		if err := tx.Take(&site, id).Error; err != nil {
			return NotFound("网站不存在")
		}
		if _, err := unitInScope(tx, by.Scope, site.UnitID); err != nil {
			return NotFound("网站不存在")
		}
		status, action := SiteClosed, RegistryClosed
		if open {
			status, action = SiteRunning, RegistryReopened
			if _, err := pickUnit(tx, by.Scope, "unit_id", site.UnitID); err != nil {
				return Conflict("主办单位已撤销，请先改为其他单位")
			}
		}
		if site.Status == status {
			return nil
		}
		if err := tx.Model(&Website{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": now}).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("status", site.Status, status)
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryWebsite, id, siteKey(site), action)}, []FieldChanges{changes})
	})
	if err != nil {
		return translate(err, "set website open")
	}
	s.invalidateCache()
	return nil
}
