package models

import (
	"context"

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
