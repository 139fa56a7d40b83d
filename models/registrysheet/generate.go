package registrysheet

import (
	"fmt"

	"zhaocuo/models/regkey"
)

// ProvinceSize is the registry of a large province, as issue 18 sizes it (四川: 735 sites and
// 4,133 accounts; the largest provinces up to 1,100 and 5,700).
var ProvinceSize = Size{Websites: 1100, Accounts: 5000, Units: 5000, Users: 6000}

// Size is how many records of each kind Generate makes.
type Size struct{ Websites, Accounts, Units, Users int }

var departments = []string{"发展和改革委员会", "教育局", "科学技术局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
	"自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局", "文化广电旅游局", "卫生健康委员会",
	"退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局", "体育局", "信访局", "数据局",
	"行政审批局", "经济和信息化局", "国有资产监督管理委员会", "民族宗教事务局", "乡村振兴局", "粮食和物资储备局", "机关事务管理局"}

var genPlatforms = []string{"微信", "微博", "抖音", "今日头条", "快手", "视频号"}

// Generate makes a province's registry for the benchmarks (code 520000, hosts under
// gz-bench.gov.cn, so it sits beside the demo registry): 21 cities of 9 counties each, a
// 政府办公室 in every region and departments up to size.Units, a portal per region and department
// sites up to size.Websites, accounts and users (a staff member for every unit, then reviewers,
// a supervisor per region). changed in [0,1] alters that share of each kind's rows (every
// 1/changed-th row: a site's name, an account's status, a unit's kind, a user's name), as a
// re-import of a registry that moved on.
func Generate(size Size, changed float64) *Book {
	b := &Book{}
	every := 0
	if changed > 0 {
		every = int(1 / changed)
	}
	touch := func(i int) bool { return every > 0 && i%every == every/2 }
	type region struct{ code, name string }
	regions := []region{{"520000", "基准省"}}
	b.Regions = append(b.Regions, RegionRow{Code: "520000", Name: "基准省", ShortName: "基准"})
	for c := 1; c <= 21; c++ {
		city := region{fmt.Sprintf("52%02d00", c), fmt.Sprintf("基准省第%02d市", c)}
		regions = append(regions, city)
		b.Regions = append(b.Regions, RegionRow{Code: city.code, Name: city.name, ParentCode: "520000"})
		for k := 1; k <= 9; k++ {
			county := region{fmt.Sprintf("52%02d%02d", c, k), fmt.Sprintf("%s第%d县", city.name, k)}
			regions = append(regions, county)
			b.Regions = append(b.Regions, RegionRow{Code: county.code, Name: county.name, ParentCode: city.code})
		}
	}
	office := func(r region) string { return r.name + "人民政府办公室" }
	for i := 0; len(b.Units) < size.Units; i++ {
		r := regions[i%len(regions)]
		round := i / len(regions)
		name, kind := office(r), "gov_office"
		if round > 0 {
			name, kind = r.name+departments[(round-1)%len(departments)], "department"
			if round > len(departments) {
				name += fmt.Sprintf("第%d分局", round)
			}
		}
		if touch(i) {
			kind = map[string]string{"gov_office": "department", "department": "town"}[kind]
		}
		code := fmt.Sprintf("11%s%09d", r.code, i)
		code += string(regkey.CreditCheck(code)) // a code the models accept, check character and all
		b.Units = append(b.Units, UnitRow{Name: name, Code: code, RegionCode: r.code, Kind: kind, Status: "active"})
	}
	for i := 0; i < size.Websites && i < len(b.Units); i++ {
		u := b.Units[i]
		kind, site := "department", u.Name
		if u.Kind == "gov_office" || (i < len(regions)) {
			kind, site = "portal", regions[i%len(regions)].name+"人民政府"
		}
		if touch(i) {
			site += "门户"
		}
		host := fmt.Sprintf("s%d.r%s.gz-bench.gov.cn", i, u.RegionCode)
		b.Websites = append(b.Websites, WebsiteRow{Name: site, IdentifierCode: fmt.Sprintf("%s%04d", u.RegionCode, i), HomeURL: "https://" + host + "/",
			OtherURLs: []string{"http://" + host + "/old/"}, Kind: kind, Unit: u.Name, SupervisorUnit: office(regions[i%len(regions)]), Status: "running"})
	}
	for i := 0; i < size.Accounts; i++ {
		u := b.Units[i%len(b.Units)]
		platform := genPlatforms[(i/len(b.Units))%len(genPlatforms)]
		status := "active"
		if touch(i) {
			status = "suspended"
		}
		b.Accounts = append(b.Accounts, AccountRow{Platform: platform, Name: u.Name + platform, Account: fmt.Sprintf("gzb%06d", i), Unit: u.Name,
			Status: status, OpenedOn: fmt.Sprintf("20%02d-%02d-%02d", 15+i%10, 1+i%12, 1+i%28)})
	}
	for i := 0; i < size.Users; i++ {
		var row UserRow
		switch {
		case i < len(regions):
			row = UserRow{Username: fmt.Sprintf("gzb-sup-%s", regions[i].code), DisplayName: regions[i].name + "监管员", Role: "supervisor", RegionCode: regions[i].code}
		case i-len(regions) < len(b.Units):
			u := b.Units[i-len(regions)]
			row = UserRow{Username: fmt.Sprintf("gzb-staff-%05d", i), DisplayName: u.Name + "经办人", Role: "unit_staff", Unit: u.Name}
		default:
			u := b.Units[(i-len(regions))%len(b.Units)]
			row = UserRow{Username: fmt.Sprintf("gzb-rev-%05d", i), DisplayName: u.Name + "审核人", Role: "unit_reviewer", Unit: u.Name}
		}
		row.Phone, row.Email = fmt.Sprintf("139%08d", i), fmt.Sprintf("u%d@gz-bench.gov.cn", i)
		if touch(i) {
			row.DisplayName += "（调整）"
		}
		b.Users = append(b.Users, row)
	}
	return b
}
