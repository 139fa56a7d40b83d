package models

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
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

// maxBases bounds a site's bases: a real site has a handful of hosts and prefixes.
const maxBases = 50

// Validate checks the fields alone (the store checks them against the registry) and returns
// the parsed bases.
func (in *WebsiteInput) Validate() ([]WebsiteBase, error) {
	in.Name, in.IdentifierCode = strings.TrimSpace(in.Name), strings.TrimSpace(in.IdentifierCode)
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 128:
		return nil, Invalid("name", "请填写网站名称（不超过 128 个字）")
	case len(in.IdentifierCode) > 32 || strings.IndexFunc(in.IdentifierCode, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) >= 0:
		return nil, Invalid("identifier_code", "网站标识码为字母和数字，不超过 32 位")
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
	for _, b := range in.Bases {
		// A base as the lists show it (host and path, the scheme left out) reads as https.
		if b = strings.TrimSpace(b); b != "" && !strings.Contains(b, "://") && !strings.Contains(b, ":") {
			b = "https://" + b
		}
		if b == "" {
			continue
		}
		// A base is a host and a path prefix: a name and password, a query or a fragment in it
		// is a mistake (or a trick) that routing would silently drop.
		if u, err := url.Parse(b); err == nil && (u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "") {
			return nil, Invalid("bases", "网址 "+b+" 只应含域名和路径（不含用户名、密码、? 或 #）")
		}
		raw = append(raw, b)
	}
	if len(raw) == 0 {
		return nil, Invalid("bases", "请至少填写一个网址")
	}
	bases, err := parseBases(raw)
	if err != nil {
		return nil, Invalid("bases", err.Error())
	}
	seen := map[string]bool{}
	for _, b := range bases {
		if seen[b.Host+b.PathPrefix] {
			return nil, Invalid("bases", "网址重复："+b.Host+b.PathPrefix)
		}
		seen[b.Host+b.PathPrefix] = true
	}
	in.Bases = raw
	return bases, nil
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
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 64:
		return Invalid("name", "请填写单位名称（不超过 64 个字）")
	case in.Code != "" && !validCreditCode(in.Code):
		return Invalid("code", "统一社会信用代码应为 18 位数字或大写字母")
	case in.RegionID <= 0:
		return Invalid("region_id", "请选择地区")
	}
	switch in.Kind {
	case UnitGovernmentOffice, UnitDepartment, UnitTown:
	default:
		return Invalid("kind", "请选择单位类型")
	}
	return nil
}

// validCreditCode: 18 characters of digits and the capitals the code uses (no I, O, S, V, Z).
func validCreditCode(c string) bool {
	if len(c) != 18 {
		return false
	}
	return strings.IndexFunc(c, func(r rune) bool { return !strings.ContainsRune("0123456789ABCDEFGHJKLMNPQRTUWXY", r) }) < 0
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
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 128:
		return dates, Invalid("name", "请填写账号名称（不超过 128 个字）")
	case in.Platform == "" || utf8.RuneCountInString(in.Platform) > 32:
		return dates, Invalid("platform", "请填写平台（不超过 32 个字）")
	case utf8.RuneCountInString(in.Account) > 128:
		return dates, Invalid("account", "账号 ID 不超过 128 个字")
	case in.UnitID <= 0:
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
	switch {
	case utf8.RuneCountInString(in.DisplayName) > 64:
		return Invalid("display_name", "姓名不能超过 64 个字")
	case in.Email != "" && validEmail(in.Email) != nil:
		return Invalid("email", "电子邮箱格式不正确")
	case len(in.Phone) > 32 || strings.IndexFunc(in.Phone, func(r rune) bool { return !strings.ContainsRune("0123456789-+ ()", r) }) >= 0:
		return Invalid("phone", "电话只能包含数字、空格、括号、加号和横线")
	}
	switch in.Role {
	case RoleUnitStaff, RoleUnitReviewer:
		if in.UnitID == nil || *in.UnitID <= 0 {
			return Invalid("unit_id", "单位用户需要选择所属单位")
		}
		in.RegionID = nil
	case RoleSupervisor, RoleAdmin:
		if in.RegionID == nil || *in.RegionID <= 0 {
			return Invalid("region_id", "请选择所属地区")
		}
		in.UnitID = nil
	default:
		return Invalid("role", "未知的角色")
	}
	return nil
}
