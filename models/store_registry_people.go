package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
)

func dayValue(d *Date) *time.Time {
	if d == nil {
		return nil
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return &t
}

func dayString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// SaveAccount creates (id 0) or edits a 政务新媒体 account. Its status follows its lifecycle
// dates (注销 over 关停 over 正常); platform + account id is its key, and one held by another
// account is a conflict.
func (s *Store) SaveAccount(ctx context.Context, by RegistryActor, id int64, in AccountInput) (*MediaAccount, error) {
	dates, err := in.Validate()
	if err != nil {
		return nil, err
	}
	now := s.now()
	var acc MediaAccount
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		action := RegistryCreated
		if id != 0 {
			action = RegistryUpdated
			if err := tx.Take(&acc, id).Error; err != nil {
				return NotFound("账号不存在")
			}
			if _, err := unitInScope(tx, by.Scope, acc.UnitID); err != nil {
				return NotFound("账号不存在")
			}
		}
		if acc.UnitID != in.UnitID {
			if _, err := pickUnit(tx, by.Scope, "unit_id", in.UnitID); err != nil {
				return err
			}
		}
		if in.Account != "" {
			var taken int64
			if err := tx.Model(&MediaAccount{}).Where("platform = ? AND account = ? AND id <> ?", in.Platform, in.Account, id).Count(&taken).Error; err != nil {
				return err
			}
			if taken > 0 {
				return &Error{Kind: KindConflict, Field: "account", Message: in.Platform + " 账号 " + in.Account + " 已登记"}
			}
		}
		status := accountStatusOf(dates)
		changes := FieldChanges{}
		changes.Set("name", acc.Name, in.Name)
		changes.Set("platform", acc.Platform, in.Platform)
		changes.Set("account", acc.Account, in.Account)
		changes.Set("unit_id", strconv.FormatInt(acc.UnitID, 10), strconv.FormatInt(in.UnitID, 10))
		changes.Set("status", acc.Status, status)
		changes.Set("opened_on", dayString(acc.OpenedOn), dayString(dayValue(dates[0])))
		changes.Set("changed_on", dayString(acc.ChangedOn), dayString(dayValue(dates[1])))
		changes.Set("suspended_on", dayString(acc.SuspendedOn), dayString(dayValue(dates[2])))
		changes.Set("cancelled_on", dayString(acc.CancelledOn), dayString(dayValue(dates[3])))
		if id != 0 && len(changes) == 0 {
			return nil
		}
		if _, ok := changes["status"]; ok && id != 0 {
			switch status {
			case AccountActive:
				action = RegistryReopened
			default:
				action = RegistryClosed
			}
		}
		acc.Name, acc.Platform, acc.Account, acc.UnitID, acc.Status, acc.UpdatedAt = in.Name, in.Platform, in.Account, in.UnitID, status, now
		acc.OpenedOn, acc.ChangedOn, acc.SuspendedOn, acc.CancelledOn = dayValue(dates[0]), dayValue(dates[1]), dayValue(dates[2]), dayValue(dates[3])
		if id == 0 {
			acc.CreatedAt = now
			if err := tx.Create(&acc).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&MediaAccount{}).Where("id = ?", id).Updates(map[string]any{
			"name": acc.Name, "platform": acc.Platform, "account": acc.Account, "unit_id": acc.UnitID, "status": status,
			"opened_on": acc.OpenedOn, "changed_on": acc.ChangedOn, "suspended_on": acc.SuspendedOn, "cancelled_on": acc.CancelledOn,
			"updated_at": now,
		}).Error; err != nil {
			return err
		}
		ev := by.event(RegistryAccount, acc.ID, acc.Platform+":"+acc.Account, action)
		return recordRegistryEvents(tx, now, []RegistryEvent{ev}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "save account")
	}
	return &acc, nil
}

// userInScope reads a user whose place (unit, or region for a supervisor or admin) the actor's
// scope covers, or NotFound.
func userInScope(tx *gorm.DB, sc Scope, id int64) (*User, error) {
	var u User
	if err := tx.Take(&u, id).Error; err != nil {
		return nil, NotFound("用户不存在")
	}
	if sc.All {
		return &u, nil
	}
	if u.UnitID != nil {
		if _, err := unitInScope(tx, sc, *u.UnitID); err != nil {
			return nil, NotFound("用户不存在")
		}
		return &u, nil
	}
	if u.RegionID != nil {
		var r Region
		if err := tx.Take(&r, *u.RegionID).Error; err == nil && sc.coversRegion(r) {
			return &u, nil
		}
	}
	return nil, NotFound("用户不存在")
}

// placeUser checks the unit or region a user is given against the actor's scope; only an actor
// who sees everything makes administrators.
func placeUser(tx *gorm.DB, sc Scope, in UserInput) error {
	if in.Role == RoleAdmin && !sc.All {
		return Forbidden("只有全省管理员可以设置管理员")
	}
	if in.UnitID != nil {
		_, err := pickUnit(tx, sc, "unit_id", *in.UnitID)
		return err
	}
	if in.RegionID == nil {
		return nil // an administrator without a region (checkUserPlace)
	}
	_, err := regionInScope(tx, sc, "region_id", *in.RegionID)
	return err
}

// CreateRegistryUser adds a user with an initial password they must change at first sign-in.
func (s *Store) CreateRegistryUser(ctx context.Context, by RegistryActor, username, password string, in UserInput) (*User, error) {
	if err := ValidateUserSpec(UserSpec{Username: username, DisplayName: in.DisplayName, Role: in.Role, Unit: "-", RegionCode: "-"}); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	user := User{Username: username, DisplayName: in.DisplayName, PasswordHash: hash, Role: in.Role, UnitID: in.UnitID,
		RegionID: in.RegionID, Email: in.Email, Phone: in.Phone, TokenVersion: 1, MustChangePassword: true, CreatedAt: now, UpdatedAt: now}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if err := placeUser(tx, by.Scope, in); err != nil {
			return err
		}
		var taken int64
		if err := tx.Model(&User{}).Where("username = ?", username).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return &Error{Kind: KindConflict, Field: "username", Message: "用户名已存在"}
		}
		if err := tx.Create(&user).Error; err != nil {
			return err
		}
		changes := FieldChanges{}
		changes.Set("role", "", in.Role)
		changes.Set("unit_id", "", idString(in.UnitID))
		changes.Set("region_id", "", idString(in.RegionID))
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUser, user.ID, username, RegistryCreated)}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "create user")
	}
	return &user, nil
}

// UpdateUser edits a user's name, role, place and contacts. A change of role or place revokes
// the tokens issued before it: what the person may see changed.
func (s *Store) UpdateUser(ctx context.Context, by RegistryActor, id int64, in UserInput) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	var user User
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		u, err := userInScope(tx, by.Scope, id)
		if err != nil {
			return err
		}
		user = *u
		if u.Role == RoleAdmin && !by.Scope.All {
			return NotFound("用户不存在")
		}
		changes := FieldChanges{}
		changes.Set("display_name", u.DisplayName, in.DisplayName)
		changes.Set("role", u.Role, in.Role)
		changes.Set("unit_id", idString(u.UnitID), idString(in.UnitID))
		changes.Set("region_id", idString(u.RegionID), idString(in.RegionID))
		changes.Set("email", u.Email, in.Email)
		changes.Set("phone", u.Phone, in.Phone)
		if len(changes) == 0 {
			return nil
		}
		_, role := changes["role"]
		_, unit := changes["unit_id"]
		_, region := changes["region_id"]
		if role || unit || region {
			if err := placeUser(tx, by.Scope, in); err != nil {
				return err
			}
		}
		set := map[string]any{"display_name": in.DisplayName, "role": in.Role, "unit_id": in.UnitID, "region_id": in.RegionID,
			"email": in.Email, "phone": in.Phone, "updated_at": now}
		if role || unit || region {
			set["token_version"] = gorm.Expr("token_version + 1")
			user.TokenVersion++
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return err
		}
		user.DisplayName, user.Role, user.UnitID, user.RegionID, user.Email, user.Phone = in.DisplayName, in.Role, in.UnitID, in.RegionID, in.Email, in.Phone
		// Contacts are personal data: the trail says they changed, not what they are.
		for _, f := range []string{"email", "phone"} {
			if _, ok := changes[f]; ok {
				changes[f] = [2]string{"…", "…"}
			}
		}
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUser, id, u.Username, RegistryUpdated)}, []FieldChanges{changes})
	})
	if err != nil {
		return nil, translate(err, "update user")
	}
	return &user, nil
}

// SetUserEnabled disables (revoking the user's tokens) or enables a user within the actor's scope.
func (s *Store) SetUserEnabled(ctx context.Context, by RegistryActor, id int64, enabled bool) error {
	if !enabled && id == by.UserID {
		// An administrator who disabled their own account would lock themselves out.
		return Invalid("", "不能停用自己的账号")
	}
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		u, err := userInScope(tx, by.Scope, id)
		if err != nil {
			return err
		}
		if u.Disabled == !enabled {
			return nil
		}
		if !by.Scope.All && u.Role == RoleAdmin {
			return NotFound("用户不存在")
		}
		if enabled && u.UnitID != nil {
			if _, err := pickUnit(tx, by.Scope, "unit_id", *u.UnitID); err != nil {
				return Conflict("所属单位已撤销，请先改到其他单位")
			}
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"disabled": !enabled, "token_version": gorm.Expr("token_version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		changes, action := FieldChanges{}, RegistryClosed
		if enabled {
			action = RegistryReopened
		}
		changes.Set("disabled", strconv.FormatBool(u.Disabled), strconv.FormatBool(!enabled))
		return recordRegistryEvents(tx, now, []RegistryEvent{by.event(RegistryUser, id, u.Username, action)}, []FieldChanges{changes})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return NotFound("用户不存在")
	}
	return translate(err, "set user enabled")
}
