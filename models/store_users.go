package models

import (
	"context"
	"errors"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// ErrBadCredentials is the one answer to an unknown username, a wrong password and a disabled
// account.
var ErrBadCredentials = &Error{Kind: KindInvalid, Field: "password", Message: "用户名或密码错误"}

// dummyHash is compared against when the username is unknown, so that a wrong username takes as
// long as a wrong password and the timing does not tell which names exist.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password-0"), bcrypt.DefaultCost)
	return h
})

// Authenticate checks a username and password. The username compares as stored, byte for byte,
// whatever the database's collation holds equal (MySQL's utf8mb4_unicode_ci finds "admin" for
// "ádmin", "ADMIN", "ａｄｍｉｎ" or "admin\x00"): a name that differs is unknown, so no spelling
// of a name reaches its account past the wrong-password count kept for the name. An unknown
// name, a wrong password and a disabled account get the same answer after the same bcrypt work;
// when ctx ends before the comparison, no password is compared.
func (s *Store) Authenticate(ctx context.Context, username, password string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, translate(err, "authenticate")
	}
	if cerr := ctx.Err(); cerr != nil {
		return nil, &Error{Kind: KindUnavailable, Message: "登录超时，请重试", Err: cerr}
	}
	if err != nil || u.Username != username || username == "" {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return nil, ErrBadCredentials
	}
	return &u, nil
}

// User returns a user by id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

// RevokeTokens raises the user's token version: every token issued before stops working at once
// (sign-out, password change, disabling).
func (s *Store) RevokeTokens(ctx context.Context, id int64) error {
	err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", id).
		Updates(map[string]any{"token_version": gorm.Expr("token_version + 1"), "updated_at": s.now()}).Error
	return translate(err, "revoke tokens")
}

// ChangePassword sets a new password after checking the old one, and revokes the old tokens.
func (s *Store) ChangePassword(ctx context.Context, id int64, old, new string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(old)) != nil {
		return Invalid("old_password", "原密码不正确")
	}
	if old == new {
		return Invalid("new_password", "新密码不能与原密码相同")
	}
	return s.SetPassword(ctx, id, new)
}

// SetPassword sets a password (an administrator's reset) and revokes the old tokens.
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		if ErrorField(err) == "password" {
			err = Invalid("new_password", ErrorMessage(err))
		}
		return err
	}
	// A password set here is known to its owner: an initial password's duty to change it ends.
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", id).Updates(map[string]any{
		"password_hash": hash, "token_version": gorm.Expr("token_version + 1"), "must_change_password": false, "updated_at": s.now()})
	if res.Error == nil && res.RowsAffected == 0 {
		return NotFound("用户不存在")
	}
	return translate(res.Error, "set password")
}

// UserPlace returns the names of the user's unit and region, for page headers.
func (s *Store) UserPlace(ctx context.Context, u *User) (unit, region string, err error) {
	if u.UnitID != nil {
		s.db.WithContext(ctx).Table("units").Where("id = ?", *u.UnitID).Pluck("name", &unit)
	}
	if u.RegionID != nil {
		var names []string
		s.db.WithContext(ctx).Table("regions").Where("id = ?", *u.RegionID).Pluck("name", &names)
		if len(names) > 0 {
			region = names[0]
		}
	}
	return unit, region, nil
}

// ValidateUserSpec checks a new user's fields.
func ValidateUserSpec(spec UserSpec) error {
	if err := firstError(checkUsername(spec.Username), checkDisplayName(spec.DisplayName), checkEmail(spec.Email)); err != nil {
		return err
	}
	if err := checkUserPlace(spec.Role, spec.Unit != "", spec.RegionCode != ""); err != nil {
		// This form names the unit and region by name and code, not by id.
		e := err.(*Error)
		return Invalid(strings.TrimSuffix(e.Field, "_id"), e.Message)
	}
	return nil
}

// CreateUser adds a user; a taken username is a conflict.
func (s *Store) CreateUser(ctx context.Context, spec UserSpec, password string) (*User, error) {
	if err := ValidateUserSpec(spec); err != nil {
		return nil, err
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&User{}).Where("username = ?", spec.Username).Count(&n).Error; err != nil {
		return nil, translate(err, "create user")
	}
	if n > 0 {
		return nil, &Error{Kind: KindConflict, Field: "username", Message: "用户名已存在"}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	return s.EnsureUser(ctx, spec, hash)
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
