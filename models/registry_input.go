package models

import (
	"fmt"
	"strings"
)

// RegistryActor is who changes the registry and how: the scope their writes are checked
// against, their user id for the audit trail, and the source (RegistryByForm, RegistryByAPI).
type RegistryActor struct {
	Scope  Scope
	UserID int64
	Source string
}

func (a RegistryActor) event(entity string, id int64, key, action string) RegistryEvent {
	ev := RegistryEvent{Entity: entity, EntityID: id, EntityKey: key, Action: action, Source: a.Source}
	if a.UserID != 0 {
		uid := a.UserID
		ev.ActorID = &uid
	}
	return ev
}

// WebsiteInput is a website as a form or the API gives it, created or edited whole.
type WebsiteInput struct {
	Name             string   `json:"name"`
	IdentifierCode   string   `json:"identifier_code"`
	Kind             string   `json:"kind"`
	UnitID           int64    `json:"unit_id"`
	SupervisorUnitID *int64   `json:"supervisor_unit_id"`
	Bases            []string `json:"bases"` // the first is the home page
}

// Validate checks the fields alone (the store checks them against the registry) and returns
// the parsed bases.
func (in *WebsiteInput) Validate() ([]WebsiteBase, error) {
	in.Name, in.IdentifierCode = strings.TrimSpace(in.Name), strings.TrimSpace(in.IdentifierCode)
	if err := firstError(checkSiteName(in.Name), checkIdentifierCode(in.IdentifierCode)); err != nil {
		return nil, err
	}
	switch {
	case in.Kind != SitePortal && in.Kind != SiteDepartment:
		return nil, Invalid("kind", "请选择网站类型（门户或部门）")
	case in.UnitID <= 0:
		return nil, Invalid("unit_id", "请选择主办单位")
	case in.SupervisorUnitID != nil && *in.SupervisorUnitID <= 0:
		return nil, Invalid("supervisor_unit_id", "主管单位不存在")
	case len(in.Bases) > maxBases:
		return nil, Invalid("bases", fmt.Sprintf("网址不超过 %d 个", maxBases))
	}
	var raw []string
	var bases []WebsiteBase
	seen := map[string]bool{}
	for _, b := range in.Bases {
		if strings.TrimSpace(b) == "" {
			continue
		}
		written, base, err := parseBase(b)
		if err != nil {
			return nil, err
		}
		if seen[base.Host+base.PathPrefix] {
			return nil, Invalid("bases", "网址重复："+base.Host+base.PathPrefix)
		}
		seen[base.Host+base.PathPrefix] = true
		raw, bases = append(raw, written), append(bases, base)
	}
	if len(raw) == 0 {
		return nil, Invalid("bases", "请至少填写一个网址")
	}
	in.Bases = raw
	return bases, nil
}

// firstError is the first of the checks that failed, as a form shows one at a time.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// UnitInput is a unit as a form or the API gives it.
type UnitInput struct {
	Name           string `json:"name"`
	Code           string `json:"code"` // 统一社会信用代码; "" when unknown
	RegionID       int64  `json:"region_id"`
	Kind           string `json:"kind"`
	ReviewRequired *bool  `json:"review_required"` // nil: on for a new unit, unchanged for an edit
}

// Validate checks the fields alone.
func (in *UnitInput) Validate() error {
	in.Name, in.Code = strings.TrimSpace(in.Name), strings.ToUpper(strings.TrimSpace(in.Code))
	if err := firstError(checkUnitName(in.Name), checkCreditCode(in.Code)); err != nil {
		return err
	}
	if in.RegionID <= 0 {
		return Invalid("region_id", "请选择地区")
	}
	switch in.Kind {
	case UnitGovernmentOffice, UnitDepartment, UnitTown:
	default:
		return Invalid("kind", "请选择单位类型")
	}
	return nil
}

// AccountInput is a 政务新媒体 account as a form or the API gives it.
type AccountInput struct {
	Name        string `json:"name"`
	Platform    string `json:"platform"`
	Account     string `json:"account"`
	UnitID      int64  `json:"unit_id"`
	OpenedOn    string `json:"opened_on"` // YYYY-MM-DD or ""
	ChangedOn   string `json:"changed_on"`
	SuspendedOn string `json:"suspended_on"`
	CancelledOn string `json:"cancelled_on"`
}

// Validate checks the fields alone and returns the dates.
func (in *AccountInput) Validate() ([4]*Date, error) {
	var dates [4]*Date
	in.Name, in.Platform, in.Account = strings.TrimSpace(in.Name), strings.TrimSpace(in.Platform), strings.TrimSpace(in.Account)
	if err := firstError(checkAccountName(in.Name), checkPlatform(in.Platform), checkAccountID(in.Account)); err != nil {
		return dates, err
	}
	if in.UnitID <= 0 {
		return dates, Invalid("unit_id", "请选择开设单位")
	}
	for i, f := range []struct{ name, value string }{{"opened_on", in.OpenedOn}, {"changed_on", in.ChangedOn},
		{"suspended_on", in.SuspendedOn}, {"cancelled_on", in.CancelledOn}} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		d, err := ParseDate(strings.TrimSpace(f.value))
		if err != nil {
			return dates, Invalid(f.name, "日期格式应为 2026-01-31")
		}
		dates[i] = &d
	}
	return dates, nil
}

// status is what the lifecycle dates say: 注销 over 关停 over 正常.
func accountStatusOf(dates [4]*Date) string {
	switch {
	case dates[3] != nil:
		return AccountCancelled
	case dates[2] != nil:
		return AccountSuspended
	}
	return AccountActive
}

// UserInput is a user's editable fields as a form or the API gives them.
type UserInput struct {
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	UnitID      *int64 `json:"unit_id"`
	RegionID    *int64 `json:"region_id"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
}

// Validate checks the fields alone: a unit role needs a unit, a supervisor or admin a region.
func (in *UserInput) Validate() error {
	in.DisplayName, in.Email, in.Phone = strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Email), strings.TrimSpace(in.Phone)
	hasUnit, hasRegion := in.UnitID != nil && *in.UnitID > 0, in.RegionID != nil && *in.RegionID > 0
	if err := firstError(checkDisplayName(in.DisplayName), checkEmail(in.Email), checkPhone(in.Phone),
		checkUserPlace(in.Role, hasUnit, hasRegion)); err != nil {
		return err
	}
	switch in.Role {
	case RoleUnitStaff, RoleUnitReviewer:
		in.RegionID = nil
	default:
		in.UnitID = nil
	}
	return nil
}
