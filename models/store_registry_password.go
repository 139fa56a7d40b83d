package models

import (
	"context"

	"gorm.io/gorm"
)

// ResetUserPassword is an administrator setting a user's password: the user must change it at
// the next sign-in (the administrator knows it), their sign-ins end, and the trail records that
// it was reset, never the password or its hash.
func (s *Store) ResetUserPassword(ctx context.Context, by RegistryActor, id int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		u, err := userInScope(tx, by.Scope, id)
		if err != nil {
			return err
		}
		if u.Role == RoleAdmin && !by.Scope.All {
			return NotFound("用户不存在")
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "token_version": gorm.Expr("token_version + 1"), "must_change_password": true, "updated_at": now}).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("password", "…", "（已重置）")
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUser, id, u.Username, RegistryUpdated)}, []FieldChanges{changes})
	})
	return translate(err, "reset password")
}
