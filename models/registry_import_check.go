package models

import (
	"fmt"
	"slices"
	"strings"

	"zhaocuo/models/registrysheet"
)

// unitName is the name of the unit a row names (by name or 统一社会信用代码), as the registry or
// the book will hold it; "" when there is none (unitRef has said why).
func (p *planner) unitName(ref string) string {
	switch {
	case p.snap.units[ref] != nil:
		return ref
	case p.snap.unitByCode[ref] != nil:
		return p.snap.unitByCode[ref].Name
	case p.newUnits[ref] != nil:
		return ref
	case p.newUnitByCode[ref] != nil:
		return p.newUnitByCode[ref].Name
	}
	return ""
}

func (p *planner) unitNameOf(id *int64) string {
	if id == nil {
		return ""
	}
	if u := p.snap.unitByID[*id]; u != nil {
		return u.Name
	}
	return ""
}

// ownedInScope: an existing site, account or user belongs to a unit (or region) in the scope; an
// import may not take over another region's record by naming its key.
func (p *planner) ownedInScope(unitID, regionID *int64) bool {
	if p.scope.All {
		return true
	}
	if unitID != nil {
		if u := p.snap.unitByID[*unitID]; u != nil {
			regionID = &u.RegionID
		}
	}
	if regionID == nil {
		return false
	}
	r := p.snap.regionByID[*regionID]
	return r != nil && p.inScope(r.Path)
}

func (p *planner) planSites(rows []registrysheet.WebsiteRow) {
	claimed := map[string]registrysheet.At{} // a base → the row of the book that routes it
	for _, r := range rows {
		bases, written, ok := p.siteFields(r)
		if _, msg := p.unitRef(r.Unit); msg != "" {
			p.fail(r.At, "主办单位", msg)
			ok = false
		}
		if r.SupervisorUnit != "" {
			if _, msg := p.unitRef(r.SupervisorUnit); msg != "" {
				p.fail(r.At, "主管单位", msg)
				ok = false
			}
		}
		if !ok {
			continue
		}
		r.HomeURL = written[0] // with its scheme, as the form stores it
		existing := p.snap.sites[r.IdentifierCode]
		if existing == nil {
			// A site registered before 标识码 were kept is found by its home page, and takes the code.
			if owner := p.snap.siteByID[p.snap.baseOwner[bases[0].Host+bases[0].PathPrefix]]; owner != nil && owner.IdentifierCode == "" {
				existing = owner
			}
		}
		for i, b := range bases {
			column, raw := "首页网址", written[i]
			if i > 0 {
				column = "其他网址"
			}
			k := b.Host + b.PathPrefix
			if first, dup := claimed[k]; dup {
				p.fail(r.At, column, fmt.Sprintf("网址 %s 与工作表「%s」第%d行的网站相同，一个网址只能属于一个网站", raw, first.Sheet, first.Line))
				ok = false
				continue
			}
			claimed[k] = r.At
			if owner := p.snap.baseOwner[k]; owner != 0 && (existing == nil || owner != existing.ID) {
				w := p.snap.siteByID[owner]
				p.fail(r.At, column, fmt.Sprintf("网址 %s 已属于网站「%s」（标识码 %s），留言按它分办", raw, w.Name, w.IdentifierCode))
				ok = false
			}
		}
		if !ok {
			continue
		}
		if existing == nil {
			p.ops.sites = append(p.ops.sites, siteOp{row: r, bases: bases})
			p.count(registrysheet.Websites, true, nil)
			continue
		}
		if !p.ownedInScope(&existing.UnitID, nil) {
			p.fail(r.At, "网站标识码", "该网站不在您的管理范围内")
			continue
		}
		ch := FieldChanges{}
		ch.Set("name", existing.Name, r.Name)
		ch.Set("identifier_code", existing.IdentifierCode, r.IdentifierCode)
		ch.Set("unit", p.unitNameOf(&existing.UnitID), p.unitName(r.Unit))
		ch.Set("supervisor_unit", p.unitNameOf(existing.SupervisorUnitID), p.unitName(r.SupervisorUnit))
		ch.Set("kind", existing.Kind, r.Kind)
		ch.Set("status", existing.Status, r.Status)
		ch.Set("home_url", existing.HomeURL, r.HomeURL)
		ch.Set("bases", strings.Join(p.snap.siteBases[existing.ID], " "), strings.Join(sortedBases(bases), " "))
		if len(ch) > 0 {
			p.ops.sites = append(p.ops.sites, siteOp{row: r, existing: existing, bases: bases, changes: ch})
		}
		p.count(registrysheet.Websites, false, ch)
	}
}

func sortedBases(bases []WebsiteBase) []string {
	out := make([]string, len(bases))
	for i, b := range bases {
		out[i] = b.Host + b.PathPrefix
	}
	slices.Sort(out)
	return out
}

func (p *planner) planAccounts(rows []registrysheet.AccountRow) {
	taken := map[int64]registrysheet.At{} // an existing account → the row that matched it
	for _, r := range rows {
		if !p.accountFields(r) {
			continue
		}
		if _, msg := p.unitRef(r.Unit); msg != "" {
			p.fail(r.At, "开办主体", msg)
			continue
		}
		existing := p.snap.accounts[registrysheet.AccountKey(r.Platform, r.Account, r.Name)]
		if existing == nil && r.Account != "" {
			// An account kept without its id is found by its name, and takes the id.
			if a := p.snap.accounts[registrysheet.AccountKey(r.Platform, "", r.Name)]; a != nil && a.Account == "" {
				existing = a
			}
		}
		if twin := p.snap.accountFold[fold(registrysheet.AccountKey(r.Platform, r.Account, r.Name))]; existing == nil && twin != nil {
			if twin.Account != "" {
				p.fail(r.At, "账号ID", collationTwin(r.Platform+"账号", twin.Account))
			} else {
				p.fail(r.At, "账号名称", collationTwin(r.Platform+"账号", twin.Name))
			}
			continue
		}
		if existing == nil {
			p.ops.accounts = append(p.ops.accounts, accountOp{row: r})
			p.count(registrysheet.Accounts, true, nil)
			continue
		}
		if first, dup := taken[existing.ID]; dup {
			p.fail(r.At, "账号ID", fmt.Sprintf("与工作表「%s」第%d行指向同一个账号", first.Sheet, first.Line))
			continue
		}
		taken[existing.ID] = r.At
		if !p.ownedInScope(&existing.UnitID, nil) {
			p.fail(r.At, "账号ID", "该账号不在您的管理范围内")
			continue
		}
		ch := FieldChanges{}
		ch.Set("name", existing.Name, r.Name)
		ch.Set("account", existing.Account, r.Account)
		ch.Set("unit", p.unitNameOf(&existing.UnitID), p.unitName(r.Unit))
		ch.Set("status", existing.Status, r.Status)
		ch.Set("opened_on", dayString(existing.OpenedOn), r.OpenedOn)
		ch.Set("changed_on", dayString(existing.ChangedOn), r.ChangedOn)
		ch.Set("suspended_on", dayString(existing.SuspendedOn), r.SuspendedOn)
		ch.Set("cancelled_on", dayString(existing.CancelledOn), r.CancelledOn)
		if len(ch) > 0 {
			p.ops.accounts = append(p.ops.accounts, accountOp{row: r, existing: existing, changes: ch})
		}
		p.count(registrysheet.Accounts, false, ch)
	}
}

func (p *planner) planUsers(rows []registrysheet.UserRow) {
	for _, r := range rows {
		ok := p.userFields(r)
		if r.Unit != "" {
			if _, msg := p.unitRef(r.Unit); msg != "" {
				p.fail(r.At, "所属单位", msg)
				ok = false
			}
		}
		if r.RegionCode != "" {
			if path, found := p.regionPath(r.RegionCode); !found {
				p.fail(r.At, "所属地区代码", fmt.Sprintf("地区“%s”不存在", r.RegionCode))
				ok = false
			} else if !p.inScope(path) {
				p.fail(r.At, "所属地区代码", "该地区不在您的管理范围内")
				ok = false
			}
		}
		if r.Role == RoleAdmin && !p.scope.All {
			p.fail(r.At, "角色", "只有全省的管理员可以导入管理员")
			ok = false
		}
		existing := p.snap.users[r.Username]
		if twin := p.snap.userFold[fold(r.Username)]; existing == nil && twin != nil {
			p.fail(r.At, "用户名", collationTwin("用户名", twin.Username))
			ok = false
		}
		if existing != nil && !p.ownedInScope(existing.UnitID, existing.RegionID) {
			p.fail(r.At, "用户名", "该用户不在您的管理范围内")
			ok = false
		}
		if !ok {
			continue
		}
		if existing == nil {
			p.ops.users = append(p.ops.users, userOp{row: r})
			p.count(registrysheet.Users, true, nil)
			continue
		}
		unit, region := p.userPlace(r)
		ch := FieldChanges{}
		ch.Set("display_name", existing.DisplayName, r.DisplayName)
		ch.Set("role", existing.Role, r.Role)
		ch.Set("unit", p.unitNameOf(existing.UnitID), unit)
		if existing.RegionID != nil {
			ch.Set("region", p.regionCodeOf(*existing.RegionID), region)
		} else {
			ch.Set("region", "", region)
		}
		revoke := len(ch) > 0 && (ch["role"] != [2]string{} || ch["unit"] != [2]string{} || ch["region"] != [2]string{})
		if existing.Phone != r.Phone {
			ch["phone"] = [2]string{maskContact(existing.Phone), maskContact(r.Phone)}
		}
		if existing.Email != r.Email {
			ch["email"] = [2]string{maskContact(existing.Email), maskContact(r.Email)}
		}
		if len(ch) > 0 {
			p.ops.users = append(p.ops.users, userOp{row: r, existing: existing, changes: ch, revoke: revoke})
		}
		p.count(registrysheet.Users, false, ch)
	}
}

// userPlace is the unit (by name) and region (by code) a user row places the user in: a unit's
// staff and reviewers in their unit and its region, a supervisor in a region, an administrator
// in the region the row names, if any.
func (p *planner) userPlace(r registrysheet.UserRow) (unit, region string) {
	switch r.Role {
	case RoleUnitStaff, RoleUnitReviewer:
		unit = p.unitName(r.Unit)
		if u := p.snap.units[unit]; u != nil {
			return unit, p.regionCodeOf(u.RegionID)
		}
		if row := p.newUnits[unit]; row != nil {
			return unit, row.RegionCode
		}
		return unit, ""
	}
	// A supervisor's region is what they supervise; an administrator's is only where they sit.
	return "", r.RegionCode
}

// maskContact shows a phone or e-mail in the audit trail and the plan as enough to tell it
// changed, not to read it: the registry events are kept for years.
func maskContact(s string) string {
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "@"):
		return s[:1] + "***" + s[strings.LastIndex(s, "@"):]
	case len(s) > 4:
		return "***" + s[len(s)-4:]
	}
	return "***"
}
