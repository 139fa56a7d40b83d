package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CannedReply is one of a unit's 常用语: a text its clerks insert into a reply and edit there.
type CannedReply struct {
	ID        int64
	UnitID    int64
	Text      string
	CreatedBy int64
	UpdatedAt time.Time
}

func (CannedReply) TableName() string { return "canned_replies" }

// A unit's list is short by design (a handful of openings and closings, not a library of
// replies), and each text is shorter than a reply.
const (
	MaxCannedReplies = 20
	MaxCannedReply   = 300
)

// CannedReplyText is what a 常用语 must be.
var CannedReplyText = TextRule{MinReason, MaxCannedReply, "常用语"}

// cannedUnit is the unit whose list the actor keeps: a clerk's own. Everyone else is refused,
// whatever they name.
func cannedUnit(actor *User) (int64, error) {
	if actor.Role != RoleUnitStaff || actor.UnitID == nil {
		return 0, Forbidden("只有单位经办人可以维护本单位的常用语")
	}
	return *actor.UnitID, nil
}

// CannedReplies returns the unit's 常用语, oldest first (the order the clerks built them in).
func (s *Store) CannedReplies(ctx context.Context, unitID int64) ([]CannedReply, error) {
	var rows []CannedReply
	err := s.db.WithContext(ctx).Where("unit_id = ?", unitID).Order("id").Limit(MaxCannedReplies).Find(&rows).Error
	return rows, translate(err, "canned replies")
}

// SaveCannedReply adds a 常用语 to the actor's unit (id 0) or changes one of it; another unit's
// is not found. The count is checked in the transaction that adds, so two clerks adding at once
// cannot pass it.
func (s *Store) SaveCannedReply(ctx context.Context, actor *User, id int64, text string) (*CannedReply, error) {
	unit, err := cannedUnit(actor)
	if err != nil {
		return nil, err
	}
	if text, err = CannedReplyText.check(text); err != nil {
		return nil, err
	}
	now := s.now()
	var saved CannedReply
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if id == 0 {
			var n int64
			// Lock the unit's row, so that two adds at once are counted one after the other.
			if err := lockUnit(tx, s.dialect, unit); err != nil {
				return err
			}
			if err := tx.Model(&CannedReply{}).Where("unit_id = ?", unit).Count(&n).Error; err != nil {
				return err
			}
			if n >= MaxCannedReplies {
				return Conflict(fmt.Sprintf("每个单位最多保存 %d 条常用语，请先删除不用的", MaxCannedReplies))
			}
			saved = CannedReply{UnitID: unit, Text: text, CreatedBy: actor.ID, UpdatedAt: now}
			return tx.Create(&saved).Error
		}
		res := tx.Model(&CannedReply{}).Where("id = ? AND unit_id = ?", id, unit).Updates(map[string]any{"text": text, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return NotFound("未找到该常用语")
		}
		saved = CannedReply{ID: id, UnitID: unit, Text: text, UpdatedAt: now}
		return nil
	})
	if err != nil {
		return nil, translate(err, "save canned reply")
	}
	return &saved, nil
}

// DeleteCannedReply removes one of the actor's unit's 常用语; another unit's is not found.
func (s *Store) DeleteCannedReply(ctx context.Context, actor *User, id int64) error {
	unit, err := cannedUnit(actor)
	if err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Where("id = ? AND unit_id = ?", id, unit).Delete(&CannedReply{})
	if res.Error != nil {
		return translate(res.Error, "delete canned reply")
	}
	if res.RowsAffected == 0 {
		return NotFound("未找到该常用语")
	}
	return nil
}

// lockUnit holds the unit's row until the transaction ends (MySQL; SQLite's write transactions
// lock the whole database already).
func lockUnit(tx *gorm.DB, dialect string, id int64) error {
	if dialect != DialectMySQL {
		return nil
	}
	var got []int64
	return tx.Raw("SELECT id FROM units WHERE id = ? FOR UPDATE", id).Scan(&got).Error
}
