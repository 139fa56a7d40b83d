package models

import (
	"context"
	"net/url"
	"strings"

	"gorm.io/gorm"
)

// UnreadNotifications counts a person's unread notifications, for the bell.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, translate(err, "unread notifications")
}

// Notifications returns a page of a person's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool, page, perPage int) ([]Notification, int64, error) {
	if page < 1 {
		page = 1
	}
	q := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ?", userID)
		if unreadOnly {
			q = q.Where("read_at IS NULL")
		}
		return q
	}
	var total int64
	if err := q().Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count notifications")
	}
	var ns []Notification
	err := q().Order("id DESC").Limit(perPage).Offset((page - 1) * perPage).Find(&ns).Error
	return ns, total, translate(err, "notifications")
}

// MarkNotificationsRead marks the given notifications of the person read, or all when ids is empty.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) error {
	q := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	return translate(q.Update("read_at", s.now()).Error, "mark notifications read")
}

// OpenNotification marks one of the person's notifications read and returns where it leads.
func (s *Store) OpenNotification(ctx context.Context, userID, id int64) (string, error) {
	var n Notification
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&n).Error; err != nil {
		return "", translate(err, "notification")
	}
	if err := s.MarkNotificationsRead(ctx, userID, []int64{id}); err != nil {
		return "", err
	}
	return n.Link, nil
}

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

// SetEmail sets the address a person's reminders are e-mailed to ("" for none).
func (s *Store) SetEmail(ctx context.Context, userID int64, email string) error {
	email = strings.TrimSpace(email)
	if email != "" {
		if err := validEmail(email); err != nil {
			return Invalid("email", "电子邮箱格式不正确")
		}
	}
	err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"email": email, "updated_at": s.now()}).Error
	return translate(err, "set email")
}
