package models

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"zhaocuo/models/regkey"
)

// The registry's field rules, each stated once. A form, the API (the Validate methods of
// registry_input.go) and a sheet's rows (the import planner, registry_import_fields.go) call
// the same function and show the same message; the planner names the sheet's column where the
// form names its field. The lengths are the database columns' (migrations 0001, 0002, 0028).

// maxBases bounds a site's bases: a real site has a handful of hosts and prefixes.
const maxBases = 50

func checkText(field, s string, max int, required bool, what string) error {
	if (required && s == "") || utf8.RuneCountInString(s) > max {
		if required {
			return Invalid(field, fmt.Sprintf("请填写%s（不超过 %d 个字）", what, max))
		}
		return Invalid(field, fmt.Sprintf("%s不能超过 %d 个字", what, max))
	}
	return nil
}

// checkRegionCode: a region is named by its 行政区划代码 (GB/T 2260), six digits down to the
// county; a town is a unit of its county, not a region.
func checkRegionCode(s string) error {
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return Invalid("code", "行政区划代码为 6 位数字")
	}
	return nil
}

func checkRegionName(s string) error  { return checkText("name", s, 64, true, "地区名称") }
func checkShortName(s string) error   { return checkText("short_name", s, 32, false, "简称") }
func checkSiteName(s string) error    { return checkText("name", s, 128, true, "网站名称") }
func checkUnitName(s string) error    { return checkText("name", s, 128, true, "单位名称") }
func checkAccountName(s string) error { return checkText("name", s, 128, true, "账号名称") }
func checkAccountID(s string) error   { return checkText("account", s, 128, false, "账号 ID") }
func checkDisplayName(s string) error { return checkText("display_name", s, 64, false, "姓名") }

// checkIdentifierCode: the 网站标识码 the 全国政府网站信息报送系统 assigns is 10 characters, a
// portal's the region's six digits and four more (5100000001), a ministry's two letters and
// eight digits (bm09000001). "" is a site registered before codes were kept.
func checkIdentifierCode(s string) error {
	if s != "" && (len(s) != 10 || strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) >= 0) {
		return Invalid("identifier_code", "网站标识码应为 10 位字母或数字（如 5100000001、bm09000001）")
	}
	return nil
}

// checkCreditCode: the 统一社会信用代码 of GB 32100-2015, upper case, its check character right.
func checkCreditCode(s string) error {
	if s != "" && !regkey.ValidCredit(s) {
		return Invalid("code", "统一社会信用代码应为 18 位（数字和大写字母，不含 I、O、S、V、Z），且校验位正确")
	}
	return nil
}

// checkPhone: a mobile or office number as people write it, (028) 8660-1234 or +86 139…;
// the column holds 20 characters.
func checkPhone(s string) error {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("-+ ()", r):
		default:
			digits = -100
		}
	}
	if s != "" && (len(s) > 20 || digits < 5) {
		return Invalid("phone", "电话应为数字，可含空格、括号、加号和横线，不超过 20 位")
	}
	return nil
}

// checkEmail is the rule a person's own address is held to on /account (validEmail).
func checkEmail(s string) error {
	if s != "" && validEmail(s) != nil {
		return Invalid("email", "电子邮箱格式不正确")
	}
	return nil
}

// checkUsername: what people type to sign in, in lower case so no two differ by case alone.
func checkUsername(s string) error {
	if len(s) < 3 || len(s) > 64 || strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z')
	}) >= 0 {
		return Invalid("username", "用户名为 3–64 位小写字母、数字、点、横线或下划线")
	}
	return nil
}

// checkUserPlace: a unit's staff and reviewers belong to a unit, a supervisor to the region they
// supervise. An administrator sees the whole province whatever their region (scopeOf), which is
// only where they sit, so may have none: the first administrator has none, and an export of the
// users must import back.
func checkUserPlace(role string, hasUnit, hasRegion bool) error {
	switch role {
	case RoleUnitStaff, RoleUnitReviewer:
		if !hasUnit {
			return Invalid("unit_id", "经办人和审核人须填写所属单位")
		}
	case RoleSupervisor:
		if !hasRegion {
			return Invalid("region_id", "主管单位的用户须填写所属地区")
		}
	case RoleAdmin:
	default:
		return Invalid("role", "未知的角色")
	}
	return nil
}

// AccountPlatforms are the 平台类型 an account may be on: the names the national system lists,
// as the registry stores them (a sheet reads the other names clerks write into these).
var AccountPlatforms = []string{"微信", "微博", "抖音", "快手", "今日头条", "视频号", "百家号", "哔哩哔哩", "小程序", "移动客户端", "其他"}

func checkPlatform(s string) error {
	for _, p := range AccountPlatforms {
		if s == p {
			return nil
		}
	}
	return Invalid("platform", fmt.Sprintf("平台“%s”不在可选之列，应为%s之一", truncateRunes(s, 32), strings.Join(AccountPlatforms, "、")))
}

// parseBase reads one base of a site as a form or a sheet writes it: host and path, the scheme
// left out reading as https. It returns the base as written (with its scheme) and as routed.
func parseBase(raw string) (string, WebsiteBase, error) {
	b := strings.TrimSpace(raw)
	if b != "" && !strings.Contains(b, "://") && !strings.Contains(b, ":") {
		b = "https://" + b
	}
	short := truncateRunes(b, 80)
	u, err := url.Parse(b)
	switch {
	case err != nil:
		return "", WebsiteBase{}, Invalid("bases", fmt.Sprintf("“%s”不是有效的网址", short))
	case u.Scheme != "http" && u.Scheme != "https":
		return "", WebsiteBase{}, Invalid("bases", fmt.Sprintf("“%s”不是 http 或 https 网址", short))
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" || u.Host == "":
		// A base is a host and a path prefix: a name and password, a query or a fragment in it
		// is a mistake (or a trick) that routing would silently drop.
		return "", WebsiteBase{}, Invalid("bases", fmt.Sprintf("网址“%s”只应含域名和路径（不含用户名、密码、? 或 #）", short))
	}
	bases, err := parseBases([]string{b})
	if err != nil {
		return "", WebsiteBase{}, Invalid("bases", err.Error())
	}
	if len(bases[0].Host) > 253 || len(bases[0].PathPrefix) > 255 {
		// The routing table's columns: a longer base could not be stored.
		return "", WebsiteBase{}, Invalid("bases", fmt.Sprintf("网址“%s”过长：域名不超过 253 个字符，路径不超过 255 个字符", short))
	}
	return b, bases[0], nil
}
