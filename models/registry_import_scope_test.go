package models

import (
	"strings"
	"testing"

	"zhaocuo/models/registrysheet"
)

// An importer whose scope is a region (成都市) keeps to it: a unit, site, account or user of
// another region is a problem of its row, by name; regions and administrators are the
// province's to import. (Only administrators import today, and an administrator's scope is the
// whole registry; the planner holds the rule for any narrower scope an importer may get.)
func TestRegistryImportPlanKeepsToTheImportersRegion(t *testing.T) {
	r := func(id int64, code, path string) *Region { return &Region{ID: id, Code: code, Path: path} }
	sc, cd, zg := r(1, "510000", "/510000/"), r(2, "510100", "/510000/510100/"), r(3, "510300", "/510000/510300/")
	snap := &regSnapshot{regions: map[string]*Region{"510000": sc, "510100": cd, "510300": zg},
		regionByID: map[int64]*Region{1: sc, 2: cd, 3: zg}, units: map[string]*Unit{}, unitByCode: map[string]*Unit{},
		unitByID: map[int64]*Unit{}, sites: map[string]*Website{}, siteByID: map[int64]*Website{}, siteBases: map[int64][]string{},
		baseOwner: map[string]int64{}, accounts: map[string]*MediaAccount{}, users: map[string]*User{}}
	for _, u := range []*Unit{{ID: 10, Name: "成都市教育局", RegionID: 2}, {ID: 11, Name: "自贡市教育局", RegionID: 3}} {
		snap.units[u.Name], snap.unitByID[u.ID] = u, u
	}
	at := func(line int) registrysheet.At { return registrysheet.At{Sheet: "表", Line: line} }
	book := &registrysheet.Book{
		Regions: []registrysheet.RegionRow{{At: at(2), Code: "510104", Name: "锦江区", ParentCode: "510100"}},
		Units: []registrysheet.UnitRow{{At: at(3), Name: "成都市体育局", RegionCode: "510100", Kind: UnitDepartment, Status: UnitActive},
			{At: at(4), Name: "自贡市体育局", RegionCode: "510300", Kind: UnitDepartment, Status: UnitActive}},
		Websites: []registrysheet.WebsiteRow{{At: at(5), Name: "自贡教育", IdentifierCode: "5103000002", HomeURL: "https://edu.zg.gov.cn/",
			Kind: SiteDepartment, Unit: "自贡市教育局", Status: SiteRunning}},
		Accounts: []registrysheet.AccountRow{{At: at(6), Platform: "微信", Name: "自贡教育", Unit: "自贡市教育局", Status: AccountActive},
			{At: at(7), Platform: "微信", Name: "成都教育", Unit: "成都市教育局", Status: AccountActive}},
		Users: []registrysheet.UserRow{{At: at(8), Username: "zg-sup", DisplayName: "甲", Role: RoleSupervisor, RegionCode: "510300"},
			{At: at(9), Username: "cd-admin", DisplayName: "乙", Role: RoleAdmin}},
	}
	ops := planImport(book, snap, Scope{RegionID: 2, RegionPath: "/510000/510100/"})
	var got []string
	for _, p := range ops.problems {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"第2行「行政区划代码」：只有全省的管理员可以导入地区", "第4行「所属地区代码」：该地区不在您的管理范围内",
		"第5行「主办单位」：单位“自贡市教育局”不在您的管理范围内", "第6行「开办主体」：单位“自贡市教育局”不在您的管理范围内",
		"第8行「所属地区代码」：该地区不在您的管理范围内", "第9行「角色」：只有全省的管理员可以导入管理员"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q among\n%s", want, all)
		}
	}
	if strings.Contains(all, "第3行") || strings.Contains(all, "第7行") {
		t.Errorf("a row within the region refused:\n%s", all)
	}
	if c := ops.counts[registrysheet.Units]; c.New != 1 {
		t.Errorf("units %+v", *c)
	}
}
