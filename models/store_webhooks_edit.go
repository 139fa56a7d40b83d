package models

import (
	"context"
	"net/url"
	"strings"

	"gorm.io/gorm"
)

// UpdateWebhook changes a webhook's address or owner (a unit or a region, exactly one), under
// the rules AddWebhook holds to, and records the change. The address itself is a secret (its key
// posts to the group): the trail says it changed, not what it is.
func (s *Store) UpdateWebhook(ctx context.Context, by RegistryActor, id, unitID, regionID int64, rawURL string) error {
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 512 {
		return Invalid("url", "请填写群机器人的 Webhook 地址（http 或 https）")
	}
	if (unitID == 0) == (regionID == 0) {
		return Invalid("owner", "请选择单位或地区之一")
	}
	now := s.now()
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		var w Webhook
		if err := tx.Take(&w, id).Error; err != nil {
			return NotFound("推送地址不存在")
		}
		var newUnit, newRegion *int64
		if unitID != 0 {
			if _, err := pickUnit(tx, by.Scope, "owner", unitID); err != nil {
				return err
			}
			newUnit = &unitID
		} else {
			if _, err := regionInScope(tx, by.Scope, "owner", regionID); err != nil {
				return err
			}
			newRegion = &regionID
		}
		changes := FieldChanges{}
		changes.Set("unit_id", idString(w.UnitID), idString(newUnit))
		changes.Set("region_id", idString(w.RegionID), idString(newRegion))
		if w.URL != rawURL {
			changes["url"] = [2]string{"…", "…"}
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Model(&Webhook{}).Where("id = ?", id).Updates(map[string]any{"unit_id": newUnit, "region_id": newRegion, "url": rawURL}).Error; err != nil {
			return err
		}
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryWebhook, id, "", RegistryUpdated)}, []FieldChanges{changes})
	})
	return translate(err, "update webhook")
}

// UnitName is the owning unit's name ("" when a region owns it), for the edit form's picker.
func (w WebhookView) UnitName() string {
	if w.UnitID == nil {
		return ""
	}
	return w.OwnerName
}

// RegionValue is the owning region's id (0 when a unit owns it), for the edit form's select.
func (w WebhookView) RegionValue() int64 {
	if w.RegionID == nil {
		return 0
	}
	return *w.RegionID
}
