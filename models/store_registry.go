package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// RegistrySpec describes regions, units, websites and accounts by their natural keys (region
// code, unit name, website base URL), so the same spec can be loaded again without duplicates.
type RegistrySpec struct {
	Regions  []RegionSpec
	Units    []UnitSpec
	Websites []WebsiteSpec
	Accounts []AccountSpec
}

type RegionSpec struct{ Code, Name, ShortName, ParentCode string }

type UnitSpec struct{ Name, RegionCode, Kind string }

// WebsiteSpec's Bases are URLs whose host and path prefix route reports to the site; the first is
// the home page.
type WebsiteSpec struct {
	Name, Unit, IdentifierCode, Kind string
	Bases                            []string
}

type AccountSpec struct{ Name, Platform, Account, Unit, Status string }

// RegistryCounts says how many of each a load created.
type RegistryCounts struct{ Regions, Units, Websites, Accounts int }

// LoadRegistry creates what the spec names and the database lacks, in one transaction.
func (s *Store) LoadRegistry(ctx context.Context, spec RegistrySpec) (RegistryCounts, error) {
	var n RegistryCounts
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		n = RegistryCounts{}
		regions := map[string]*Region{}
		for _, r := range spec.Regions {
			var existing Region
			err := tx.Where("code = ?", r.Code).Take(&existing).Error
			if err == nil {
				regions[r.Code] = &existing
				continue
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			reg := &Region{Code: r.Code, Name: r.Name, ShortName: r.ShortName, Level: LevelProvince, Path: "/" + r.Code + "/", CreatedAt: now}
			if r.ParentCode != "" {
				parent := regions[r.ParentCode]
				if parent == nil {
					parent = &Region{}
					if err := tx.Where("code = ?", r.ParentCode).Take(parent).Error; err != nil {
						return Invalid("regions", fmt.Sprintf("地区 %s 的上级 %s 不存在", r.Code, r.ParentCode))
					}
				}
				reg.ParentID, reg.Level, reg.Path = &parent.ID, parent.Level+1, parent.Path+r.Code+"/"
			}
			if err := tx.Create(reg).Error; err != nil {
				return err
			}
			regions[r.Code] = reg
			n.Regions++
		}
		units := map[string]*Unit{}
		unitByName := func(name string) (*Unit, error) {
			if u := units[name]; u != nil {
				return u, nil
			}
			var u Unit
			if err := tx.Where("name = ?", name).Take(&u).Error; err != nil {
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return nil, Invalid("units", "单位不存在："+name)
				}
				return nil, err
			}
			units[name] = &u
			return &u, nil
		}
		for _, u := range spec.Units {
			if _, err := unitByName(u.Name); err == nil {
				continue
			}
			var region Region
			if err := tx.Where("code = ?", u.RegionCode).Take(&region).Error; err != nil {
				return Invalid("units", fmt.Sprintf("单位 %s 的地区 %s 不存在", u.Name, u.RegionCode))
			}
			unit := &Unit{Name: u.Name, RegionID: region.ID, Kind: u.Kind, Status: UnitActive, ReviewRequired: true, CreatedAt: now}
			if err := tx.Create(unit).Error; err != nil {
				return err
			}
			units[u.Name] = unit
			n.Units++
		}
		for _, w := range spec.Websites {
			unit, err := unitByName(w.Unit)
			if err != nil {
				return err
			}
			bases, err := parseBases(w.Bases)
			if err != nil {
				return Invalid("websites", fmt.Sprintf("网站 %s：%v", w.Name, err))
			}
			var count int64
			if err := tx.Model(&WebsiteBase{}).Where("host = ? AND path_prefix = ?", bases[0].Host, bases[0].PathPrefix).Count(&count).Error; err != nil {
				return err
			}
			if count > 0 {
				continue
			}
			site := &Website{Name: w.Name, UnitID: unit.ID, IdentifierCode: w.IdentifierCode, Kind: w.Kind,
				Status: SiteRunning, HomeURL: w.Bases[0], CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(site).Error; err != nil {
				return err
			}
			for i := range bases {
				bases[i].WebsiteID = site.ID
			}
			if err := tx.Create(&bases).Error; err != nil {
				return err
			}
			n.Websites++
		}
		for _, a := range spec.Accounts {
			unit, err := unitByName(a.Unit)
			if err != nil {
				return err
			}
			var count int64
			if err := tx.Model(&MediaAccount{}).Where("platform = ? AND name = ? AND unit_id = ?", a.Platform, a.Name, unit.ID).Count(&count).Error; err != nil {
				return err
			}
			if count > 0 {
				continue
			}
			status := a.Status
			if status == "" {
				status = AccountActive
			}
			acc := &MediaAccount{Name: a.Name, Platform: a.Platform, Account: a.Account, UnitID: unit.ID, Status: status, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(acc).Error; err != nil {
				return err
			}
			n.Accounts++
		}
		return nil
	})
	s.invalidateCache()
	return n, translate(err, "load registry")
}

// parseBases reads a website's base URLs into the host + path prefix routing compares.
func parseBases(raw []string) ([]WebsiteBase, error) {
	if len(raw) == 0 {
		return nil, errors.New("至少需要一个网址")
	}
	bases := make([]WebsiteBase, 0, len(raw))
	for _, r := range raw {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("网址 %q 不是 http(s) 地址", r)
		}
		page, err := ParsePageURL(r)
		if err != nil {
			return nil, fmt.Errorf("网址 %q：%s", r, ErrorMessage(err))
		}
		bases = append(bases, WebsiteBase{Host: page.Host, PathPrefix: NormalizePathPrefix(page.Path)})
	}
	return bases, nil
}

// UserSpec describes a person who signs in; Unit and RegionCode place them.
type UserSpec struct {
	Username, DisplayName, Role, Unit, RegionCode, Email string
}

// HashPassword checks a new password against the rules and returns its bcrypt hash.
func HashPassword(password string) (string, error) {
	if err := ValidatePassword(password); err != nil {
		return "", err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

// EnsureUser creates the user, or updates an existing one's role, place and password (given as a
// HashPassword hash).
func (s *Store) EnsureUser(ctx context.Context, spec UserSpec, hash string) (*User, error) {
	now := s.now()
	var user User
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var unitID, regionID *int64
		if spec.Unit != "" {
			var u Unit
			if err := tx.Where("name = ?", spec.Unit).Take(&u).Error; err != nil {
				return Invalid("unit", "单位不存在："+spec.Unit)
			}
			unitID, regionID = &u.ID, &u.RegionID
		}
		if spec.RegionCode != "" {
			var r Region
			if err := tx.Where("code = ?", spec.RegionCode).Take(&r).Error; err != nil {
				return Invalid("region", "地区不存在："+spec.RegionCode)
			}
			regionID = &r.ID
		}
		err := tx.Where("username = ?", spec.Username).Take(&user).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			user = User{Username: spec.Username, DisplayName: spec.DisplayName, Role: spec.Role, UnitID: unitID,
				RegionID: regionID, Email: spec.Email, PasswordHash: hash, TokenVersion: 1, CreatedAt: now, UpdatedAt: now}
			return tx.Create(&user).Error
		case err != nil:
			return err
		}
		// A changed password or role revokes the tokens issued before it.
		return tx.Model(&user).Updates(map[string]any{
			"display_name": spec.DisplayName, "role": spec.Role, "unit_id": unitID, "region_id": regionID,
			"password_hash": hash, "token_version": gorm.Expr("token_version + 1"), "updated_at": now,
		}).Error
	})
	if err != nil {
		return nil, translate(err, "ensure user "+spec.Username)
	}
	return &user, nil
}

// ValidatePassword sets the floor for passwords: 8 characters, not all of one kind.
func ValidatePassword(p string) error {
	if len(p) < 8 {
		return Invalid("password", "密码至少 8 位")
	}
	if len(p) > 72 { // bcrypt reads no further
		return Invalid("password", "密码不超过 72 个字节")
	}
	kinds := 0
	for _, set := range []string{"0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} {
		if strings.ContainsAny(p, set) {
			kinds++
		}
	}
	if strings.IndexFunc(p, func(r rune) bool {
		return !strings.ContainsRune("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", r)
	}) >= 0 {
		kinds++
	}
	if kinds < 2 {
		return Invalid("password", "密码需包含字母、数字或符号中的至少两类")
	}
	return nil
}

// RegistryIsEmpty reports whether no region has been loaded yet (a fresh database).
func (s *Store) RegistryIsEmpty(ctx context.Context) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Region{}).Count(&n).Error
	return n == 0, translate(err, "count regions")
}
