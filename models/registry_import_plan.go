package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"zhaocuo/models/registrysheet"
)

// regSnapshot is the registry as an import compares against it, read whole (a province's is
// some tens of thousands of rows): every row of a sheet is then matched by map, not by a query.
type regSnapshot struct {
	regions    map[string]*Region // by code
	regionByID map[int64]*Region
	units      map[string]*Unit // by name
	unitByCode map[string]*Unit
	unitByID   map[int64]*Unit
	sites      map[string]*Website // by 标识码
	siteByID   map[int64]*Website
	siteBases  map[int64][]string // site → its bases, host+path, sorted
	baseOwner  map[string]int64   // host+path → site
	accounts   map[string]*MediaAccount
	users      map[string]*User
	// The same by their collation-folded keys (regkey.Fold): the names MySQL holds equal.
	unitFold    map[string]*Unit
	accountFold map[string]*MediaAccount
	userFold    map[string]*User
}

func loadRegSnapshot(ctx context.Context, db *gorm.DB) (*regSnapshot, error) {
	db = db.WithContext(ctx)
	s := &regSnapshot{regions: map[string]*Region{}, regionByID: map[int64]*Region{}, units: map[string]*Unit{},
		unitByCode: map[string]*Unit{}, unitByID: map[int64]*Unit{}, sites: map[string]*Website{}, siteByID: map[int64]*Website{},
		siteBases: map[int64][]string{}, baseOwner: map[string]int64{}, accounts: map[string]*MediaAccount{}, users: map[string]*User{},
		unitFold: map[string]*Unit{}, accountFold: map[string]*MediaAccount{}, userFold: map[string]*User{}}
	var regions []Region
	var units []Unit
	var sites []Website
	var bases []WebsiteBase
	var accounts []MediaAccount
	var users []User
	for _, q := range []struct {
		dest any
		what string
		q    *gorm.DB
	}{
		{&regions, "regions", db.Model(&Region{})},
		{&units, "units", db.Model(&Unit{})},
		{&sites, "websites", db.Model(&Website{})},
		{&bases, "website bases", db.Model(&WebsiteBase{})},
		{&accounts, "accounts", db.Model(&MediaAccount{})},
		// Never the password hashes: an import does not need them.
		{&users, "users", db.Model(&User{}).Omit("password_hash")},
	} {
		if err := q.q.Order("id").Find(q.dest).Error; err != nil {
			return nil, translate(err, "registry snapshot "+q.what)
		}
	}
	for i := range regions {
		s.regions[regions[i].Code], s.regionByID[regions[i].ID] = &regions[i], &regions[i]
	}
	for i := range units {
		u := &units[i]
		s.units[u.Name], s.unitByID[u.ID], s.unitFold[fold(u.Name)] = u, u, u
		if u.Code != nil {
			s.unitByCode[*u.Code] = u
		}
	}
	for i := range sites {
		w := &sites[i]
		s.siteByID[w.ID] = w
		if w.IdentifierCode != "" {
			s.sites[w.IdentifierCode] = w
		}
	}
	for _, b := range bases {
		k := b.Host + b.PathPrefix
		s.baseOwner[k] = b.WebsiteID
		s.siteBases[b.WebsiteID] = append(s.siteBases[b.WebsiteID], k)
	}
	for id := range s.siteBases {
		slices.Sort(s.siteBases[id])
	}
	for i := range accounts {
		a := &accounts[i]
		k := registrysheet.AccountKey(a.Platform, a.Account, a.Name)
		s.accounts[k], s.accountFold[fold(k)] = a, a
	}
	for i := range users {
		s.users[users[i].Username], s.userFold[fold(users[i].Username)] = &users[i], &users[i]
	}
	return s, nil
}

// The operations a checked import makes: a row new to the registry (existing nil) or one that
// changes it (changes not empty). Rows that change nothing make none.
type (
	regionOp struct {
		row      registrysheet.RegionRow
		existing *Region
		changes  FieldChanges
	}
	unitOp struct {
		row      registrysheet.UnitRow
		existing *Unit
		changes  FieldChanges
	}
	siteOp struct {
		row      registrysheet.WebsiteRow
		existing *Website
		bases    []WebsiteBase
		changes  FieldChanges
	}
	accountOp struct {
		row      registrysheet.AccountRow
		existing *MediaAccount
		changes  FieldChanges
	}
	userOp struct {
		row      registrysheet.UserRow
		existing *User
		changes  FieldChanges
		revoke   bool // role or place changed: the user's tokens stop working
	}
)

type importOps struct {
	regions  []regionOp
	units    []unitOp
	sites    []siteOp
	accounts []accountOp
	users    []userOp
	counts   map[registrysheet.Kind]*ImportCount
	problems []registrysheet.Problem
}

// planner checks a book against the registry and works out its operations. The names a row
// refers to (a unit's region, a site's units, a user's unit) are found among the registry and
// the book's own rows, so one workbook can bring a region, its units and their sites at once.
type planner struct {
	snap  *regSnapshot
	scope Scope
	ops   *importOps
	// What the book adds, by the keys rows refer to it.
	newRegionPath map[string]string // region code → its path to be
	newUnits      map[string]*registrysheet.UnitRow
	newUnitByCode map[string]*registrysheet.UnitRow
}

func planImport(book *registrysheet.Book, snap *regSnapshot, scope Scope) *importOps {
	p := &planner{snap: snap, scope: scope, ops: &importOps{counts: map[registrysheet.Kind]*ImportCount{}},
		newRegionPath: map[string]string{}, newUnits: map[string]*registrysheet.UnitRow{}, newUnitByCode: map[string]*registrysheet.UnitRow{}}
	for _, k := range registrysheet.Kinds {
		p.ops.counts[k] = &ImportCount{}
	}
	p.planRegions(book.Regions)
	p.planUnits(book.Units)
	p.planSites(book.Websites)
	p.planAccounts(book.Accounts)
	p.planUsers(book.Users)
	return p.ops
}

func (p *planner) fail(at registrysheet.At, column, msg string) {
	p.ops.problems = append(p.ops.problems, registrysheet.Problem{Sheet: at.Sheet, Row: at.Line, Column: column, Message: msg})
}

func (p *planner) count(k registrysheet.Kind, isNew bool, changes FieldChanges) {
	c := p.ops.counts[k]
	switch {
	case isNew:
		c.New++
	case len(changes) > 0:
		c.Changed++
	default:
		c.Unchanged++
	}
}

// regionPath is the path of a region the registry has or the book adds.
func (p *planner) regionPath(code string) (string, bool) {
	if r := p.snap.regions[code]; r != nil {
		return r.Path, true
	}
	path, ok := p.newRegionPath[code]
	return path, ok
}

// inScope: the importer's scope covers a region (by path).
func (p *planner) inScope(path string) bool {
	return p.scope.All || (p.scope.RegionPath != "" && strings.HasPrefix(path, p.scope.RegionPath))
}

func (p *planner) planRegions(rows []registrysheet.RegionRow) {
	// A region's parent may come later in the sheet: place them level by level.
	pending := slices.Clone(rows)
	for len(pending) > 0 {
		var next []registrysheet.RegionRow
		for _, r := range pending {
			if _, ok := p.regionPath(r.ParentCode); r.ParentCode != "" && !ok && p.inBook(rows, r.ParentCode) {
				next = append(next, r)
				continue
			}
			p.planRegion(r)
		}
		if len(next) == len(pending) { // a cycle: each waits for another
			for _, r := range next {
				p.fail(r.At, "上级区划代码", "上级地区与其他行互为上级，无法确定层级")
			}
			return
		}
		pending = next
	}
}

func (p *planner) inBook(rows []registrysheet.RegionRow, code string) bool {
	return slices.ContainsFunc(rows, func(r registrysheet.RegionRow) bool { return r.Code == code })
}

func (p *planner) planRegion(r registrysheet.RegionRow) {
	if !p.regionFields(r) {
		return
	}
	if !p.scope.All {
		p.fail(r.At, "行政区划代码", "只有全省的管理员可以导入地区")
		return
	}
	parentPath := "/"
	if r.ParentCode != "" {
		path, ok := p.regionPath(r.ParentCode)
		if !ok {
			p.fail(r.At, "上级区划代码", fmt.Sprintf("上级地区“%s”不存在", r.ParentCode))
			return
		}
		parentPath = path
	}
	existing := p.snap.regions[r.Code]
	if existing == nil {
		p.newRegionPath[r.Code] = parentPath + r.Code + "/"
		p.ops.regions = append(p.ops.regions, regionOp{row: r})
		p.count(registrysheet.Regions, true, nil)
		return
	}
	if existing.Path != parentPath+r.Code+"/" {
		p.fail(r.At, "上级区划代码", "不能通过导入改变地区的上级（地区之下的单位和留言都按层级统计）")
		return
	}
	ch := FieldChanges{}
	ch.Set("name", existing.Name, r.Name)
	ch.Set("short_name", existing.ShortName, r.ShortName)
	if len(ch) > 0 {
		p.ops.regions = append(p.ops.regions, regionOp{row: r, existing: existing, changes: ch})
	}
	p.count(registrysheet.Regions, false, ch)
}

func (p *planner) planUnits(rows []registrysheet.UnitRow) {
	for i := range rows {
		r := rows[i]
		if !p.unitFields(r) {
			continue
		}
		path, ok := p.regionPath(r.RegionCode)
		if !ok {
			p.fail(r.At, "所属地区代码", fmt.Sprintf("地区“%s”不存在", r.RegionCode))
			continue
		}
		if !p.inScope(path) {
			p.fail(r.At, "所属地区代码", "该地区不在您的管理范围内")
			continue
		}
		// The key: the 统一社会信用代码 when the row has one and the registry knows it, else the name.
		var existing *Unit
		if r.Code != "" {
			existing = p.snap.unitByCode[r.Code]
		}
		if existing == nil {
			existing = p.snap.units[r.Name]
			if existing != nil && existing.Code != nil && r.Code != "" && *existing.Code != r.Code {
				p.fail(r.At, "单位名称", fmt.Sprintf("已有同名单位，其统一社会信用代码为 %s", *existing.Code))
				continue
			}
		} else if other := p.snap.unitFold[fold(r.Name)]; other != nil && other.ID != existing.ID {
			p.fail(r.At, "单位名称", "已有另一个单位使用这个名称")
			continue
		}
		if twin := p.snap.unitFold[fold(r.Name)]; existing == nil && twin != nil {
			p.fail(r.At, "单位名称", collationTwin("单位", twin.Name))
			continue
		}
		if existing == nil {
			p.newUnits[r.Name] = &rows[i]
			if r.Code != "" {
				p.newUnitByCode[r.Code] = &rows[i]
			}
			p.ops.units = append(p.ops.units, unitOp{row: r})
			p.count(registrysheet.Units, true, nil)
			continue
		}
		if old := p.snap.regionByID[existing.RegionID]; old != nil && !p.inScope(old.Path) {
			p.fail(r.At, "单位名称", "该单位不在您的管理范围内")
			continue
		}
		ch := FieldChanges{}
		ch.Set("name", existing.Name, r.Name)
		if r.Code != "" {
			ch.Set("code", deref(existing.Code), r.Code)
		}
		ch.Set("region", p.regionCodeOf(existing.RegionID), r.RegionCode)
		ch.Set("kind", existing.Kind, r.Kind)
		ch.Set("status", existing.Status, r.Status)
		if len(ch) > 0 {
			p.ops.units = append(p.ops.units, unitOp{row: r, existing: existing, changes: ch})
		}
		p.count(registrysheet.Units, false, ch)
	}
}

func (p *planner) regionCodeOf(id int64) string {
	if r := p.snap.regionByID[id]; r != nil {
		return r.Code
	}
	return ""
}

// unitRef finds a unit a row names, by name or 统一社会信用代码, in the registry or the book, and
// the path of its region; ok is false, with the message, when there is none or it is out of scope.
func (p *planner) unitRef(name string) (path string, msg string) {
	if u := p.snap.units[name]; u != nil {
		if r := p.snap.regionByID[u.RegionID]; r != nil {
			path = r.Path
		}
	} else if u := p.snap.unitByCode[name]; u != nil {
		if r := p.snap.regionByID[u.RegionID]; r != nil {
			path = r.Path
		}
	} else if row := p.newUnits[name]; row != nil {
		path, _ = p.regionPath(row.RegionCode)
	} else if row := p.newUnitByCode[name]; row != nil {
		path, _ = p.regionPath(row.RegionCode)
	} else {
		return "", fmt.Sprintf("单位“%s”不存在（请先在单位表中列出）", name)
	}
	if !p.inScope(path) {
		return "", fmt.Sprintf("单位“%s”不在您的管理范围内", name)
	}
	return path, ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
