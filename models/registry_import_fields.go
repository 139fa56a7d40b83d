package models

import (
	"fmt"

	"zhaocuo/models/registrysheet"
	"zhaocuo/models/regkey"
)

// Each row of a sheet is held to the field rules of registry_fields.go, the ones its form and
// the API are held to, and a refused field is reported under the sheet's column: same rule,
// same message, the sheet naming sheet, row and column where the form names its field.

// fieldProblems reports each refused field of a row under its column; ok is false when any was.
func (p *planner) fieldProblems(at registrysheet.At, checks ...fieldCheck) bool {
	ok := true
	for _, c := range checks {
		if c.err != nil {
			p.fail(at, c.column, ErrorMessage(c.err))
			ok = false
		}
	}
	return ok
}

type fieldCheck struct {
	column string
	err    error
}

func (p *planner) regionFields(r registrysheet.RegionRow) bool {
	return p.fieldProblems(r.At, fieldCheck{"行政区划代码", checkRegionCode(r.Code)}, fieldCheck{"地区名称", checkRegionName(r.Name)},
		fieldCheck{"简称", checkShortName(r.ShortName)})
}

func (p *planner) unitFields(r registrysheet.UnitRow) bool {
	return p.fieldProblems(r.At, fieldCheck{"单位名称", checkUnitName(r.Name)}, fieldCheck{"统一社会信用代码", checkCreditCode(r.Code)})
}

// siteFields checks a site's row and reads its bases, the home page first, each once.
func (p *planner) siteFields(r registrysheet.WebsiteRow) ([]WebsiteBase, []string, bool) {
	ok := p.fieldProblems(r.At, fieldCheck{"网站名称", checkSiteName(r.Name)}, fieldCheck{"网站标识码", checkIdentifierCode(r.IdentifierCode)})
	if r.HomeURL == "" {
		p.fail(r.At, "首页网址", "请至少填写一个网址")
		return nil, nil, false
	}
	if len(r.OtherURLs)+1 > maxBases {
		p.fail(r.At, "其他网址", fmt.Sprintf("网址不超过 %d 个", maxBases))
		return nil, nil, false
	}
	var bases []WebsiteBase
	var written []string // each base as the row wrote it, for the messages
	seen := map[string]bool{}
	for i, raw := range append([]string{r.HomeURL}, r.OtherURLs...) {
		column := "首页网址"
		if i > 0 {
			column = "其他网址"
		}
		w, b, err := parseBase(raw)
		if err != nil {
			p.fail(r.At, column, ErrorMessage(err))
			ok = false
			continue
		}
		if k := b.Host + b.PathPrefix; !seen[k] {
			seen[k] = true
			bases, written = append(bases, b), append(written, w)
		}
	}
	return bases, written, ok
}

func (p *planner) accountFields(r registrysheet.AccountRow) bool {
	return p.fieldProblems(r.At, fieldCheck{"平台类型", checkPlatform(r.Platform)}, fieldCheck{"账号名称", checkAccountName(r.Name)},
		fieldCheck{"账号ID", checkAccountID(r.Account)})
}

func (p *planner) userFields(r registrysheet.UserRow) bool {
	var place error
	if r.Role != "" { // an unknown 角色 was reported as the sheet was read
		place = checkUserPlace(r.Role, r.Unit != "", r.RegionCode != "")
	}
	placeColumn := "所属地区代码"
	if ErrorField(place) == "unit_id" {
		placeColumn = "所属单位"
	}
	return p.fieldProblems(r.At, fieldCheck{"用户名", checkUsername(r.Username)}, fieldCheck{"姓名", checkDisplayName(r.DisplayName)},
		fieldCheck{"手机号码", checkPhone(r.Phone)}, fieldCheck{"电子邮箱", checkEmail(r.Email)}, fieldCheck{placeColumn, place})
}

// collationTwin is the message for a row whose key the registry has only in another spelling
// that the database's collation (utf8mb4_unicode_ci) holds equal: case, full or half width.
// Written, it would hit the unique index (or make a second record of one thing).
func collationTwin(what, have string) string {
	return fmt.Sprintf("与已有的%s“%s”只差大小写或全角、半角，数据库视为相同；请沿用“%s”", what, have, have)
}

func fold(s string) string { return regkey.Fold(s) }
