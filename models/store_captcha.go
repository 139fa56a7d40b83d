package models

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"
)

// CaptchaTTL is how long a captcha may be answered.
const CaptchaTTL = 10 * time.Minute

type captchaRow struct {
	ID        string `gorm:"primaryKey"`
	Answer    string
	ExpiresAt time.Time
}

func (captchaRow) TableName() string { return "captchas" }

// PutCaptcha keeps a captcha's answer until it is checked or expires.
func (s *Store) PutCaptcha(ctx context.Context, id, answer string) error {
	err := s.db.WithContext(ctx).Create(&captchaRow{ID: id, Answer: answer, ExpiresAt: s.now().Add(CaptchaTTL)}).Error
	return translate(err, "put captcha")
}

// CheckCaptcha uses up the captcha and reports whether answer was right. A captcha can be
// checked once: of two requests racing with the same id, only the one whose delete removes the
// row may pass.
func (s *Store) CheckCaptcha(ctx context.Context, id, answer string) (bool, error) {
	if id == "" || answer == "" || len(id) > 32 {
		return false, nil
	}
	var rows []captchaRow
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return false, translate(err, "read captcha")
	}
	if len(rows) == 0 {
		return false, nil
	}
	res := db.Where("id = ?", id).Delete(&captchaRow{})
	if res.Error != nil {
		return false, translate(res.Error, "use captcha")
	}
	if res.RowsAffected != 1 || s.now().After(rows[0].ExpiresAt) {
		return false, nil
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(answer)), []byte(rows[0].Answer)) == 1, nil
}

// DeleteExpiredCaptchas removes captchas nobody answered in time.
func (s *Store) DeleteExpiredCaptchas(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at < ?", s.now()).Delete(&captchaRow{})
	return res.RowsAffected, translate(res.Error, "delete expired captchas")
}
