package models

import (
	"context"
	"net/url"
	"strings"
)

// WebhookView is a webhook with the name of its unit or region.
type WebhookView struct {
	Webhook
	OwnerName string
}

// Webhooks lists the configured webhooks.
func (s *Store) Webhooks(ctx context.Context) ([]WebhookView, error) {
	var ws []WebhookView
	err := s.db.WithContext(ctx).Table("webhooks w").Select("w.*, COALESCE(u.name, r.name, '') AS owner_name").
		Joins("LEFT JOIN units u ON u.id = w.unit_id").Joins("LEFT JOIN regions r ON r.id = w.region_id").
		Order("w.id").Scan(&ws).Error
	return ws, translate(err, "webhooks")
}

// AddWebhook registers a group robot's address for a unit or a region (exactly one of them).
func (s *Store) AddWebhook(ctx context.Context, unitID, regionID int64, rawURL string) error {
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 512 {
		return Invalid("url", "请填写群机器人的 Webhook 地址（http 或 https）")
	}
	if (unitID == 0) == (regionID == 0) {
		return Invalid("owner", "请选择单位或地区之一")
	}
	w := Webhook{URL: rawURL, CreatedAt: s.now()}
	if unitID != 0 {
		w.UnitID = &unitID
	} else {
		w.RegionID = &regionID
	}
	return translate(s.db.WithContext(ctx).Create(&w).Error, "add webhook")
}

// DeleteWebhook removes a webhook.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	return translate(s.db.WithContext(ctx).Delete(&Webhook{}, id).Error, "delete webhook")
}
