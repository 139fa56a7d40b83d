package models

import (
	"context"
	"fmt"
)

// The demo registry: 四川省 with its 21 市州, the provincial portal and departments, a portal and
// a 发布 account per 市州. Website hosts are the real ones as far as known; identifier codes are
// made up.
var demoCities = []struct{ Code, Name, Short, Host, Account string }{
	{"510100", "成都市", "成都", "www.chengdu.gov.cn", "成都发布"},
	{"510300", "自贡市", "自贡", "www.zg.gov.cn", "自贡发布"},
	{"510400", "攀枝花市", "攀枝花", "www.panzhihua.gov.cn", "攀枝花发布"},
	{"510500", "泸州市", "泸州", "www.luzhou.gov.cn", "泸州发布"},
	{"510600", "德阳市", "德阳", "www.deyang.gov.cn", "德阳发布"},
	{"510700", "绵阳市", "绵阳", "www.my.gov.cn", "绵阳发布"},
	{"510800", "广元市", "广元", "www.cngy.gov.cn", "广元发布"},
	{"510900", "遂宁市", "遂宁", "www.suining.gov.cn", "遂宁发布"},
	{"511000", "内江市", "内江", "www.neijiang.gov.cn", "内江发布"},
	{"511100", "乐山市", "乐山", "www.leshan.gov.cn", "乐山发布"},
	{"511300", "南充市", "南充", "www.nanchong.gov.cn", "南充发布"},
	{"511400", "眉山市", "眉山", "www.ms.gov.cn", "眉山发布"},
	{"511500", "宜宾市", "宜宾", "www.yibin.gov.cn", "宜宾发布"},
	{"511600", "广安市", "广安", "www.guang-an.gov.cn", "广安发布"},
	{"511700", "达州市", "达州", "www.dazhou.gov.cn", "达州发布"},
	{"511800", "雅安市", "雅安", "www.yaan.gov.cn", "雅安发布"},
	{"511900", "巴中市", "巴中", "www.cnbz.gov.cn", "巴中发布"},
	{"512000", "资阳市", "资阳", "www.ziyang.gov.cn", "资阳发布"},
	{"513200", "阿坝藏族羌族自治州", "阿坝", "www.abazhou.gov.cn", "阿坝发布"},
	{"513300", "甘孜藏族自治州", "甘孜", "www.gzz.gov.cn", "甘孜发布"},
	{"513400", "凉山彝族自治州", "凉山", "www.lsz.gov.cn", "凉山发布"},
}

// Provincial units with their sites (the first two are the ones the issue names).
var demoProvincialUnits = []struct{ Unit, Site, Host, Account string }{
	{"四川省人民政府办公厅", "四川省人民政府", "www.sc.gov.cn", "四川发布"},
	{"四川省政府国有资产监督管理委员会", "四川省政府国有资产监督管理委员会", "gzw.sc.gov.cn", "四川国资"},
	{"四川省广播电视局", "四川省广播电视局", "gdj.sc.gov.cn", "四川省广播电视局"},
	{"四川省教育厅", "四川省教育厅", "edu.sc.gov.cn", "四川教育发布"},
	{"四川省交通运输厅", "四川省交通运输厅", "jtt.sc.gov.cn", "四川交通"},
	{"四川省卫生健康委员会", "四川省卫生健康委员会", "wsjkw.sc.gov.cn", "健康四川官微"},
}

// DemoRegistry returns the demo registry.
func DemoRegistry() RegistrySpec {
	spec := RegistrySpec{Regions: []RegionSpec{{Code: "510000", Name: "四川省", ShortName: "四川"}}}
	for i, p := range demoProvincialUnits {
		kind, siteKind := UnitDepartment, SiteDepartment
		if i == 0 {
			kind, siteKind = UnitGovernmentOffice, SitePortal
		}
		spec.Units = append(spec.Units, UnitSpec{Name: p.Unit, RegionCode: "510000", Kind: kind})
		spec.Websites = append(spec.Websites, WebsiteSpec{Name: p.Site, Unit: p.Unit, Kind: siteKind,
			IdentifierCode: fmt.Sprintf("51000000%02d", i+1), Bases: []string{"https://" + p.Host + "/"}})
		spec.Accounts = append(spec.Accounts, AccountSpec{Name: p.Account, Platform: "微信", Unit: p.Unit})
	}
	spec.Accounts = append(spec.Accounts, AccountSpec{Name: "四川发布", Platform: "微博", Unit: "四川省人民政府办公厅"})
	for _, c := range demoCities {
		unit := c.Name + "人民政府办公室"
		spec.Regions = append(spec.Regions, RegionSpec{Code: c.Code, Name: c.Name, ShortName: c.Short, ParentCode: "510000"})
		spec.Units = append(spec.Units, UnitSpec{Name: unit, RegionCode: c.Code, Kind: UnitGovernmentOffice})
		spec.Websites = append(spec.Websites, WebsiteSpec{Name: c.Name + "人民政府", Unit: unit, Kind: SitePortal,
			IdentifierCode: c.Code[:4] + "000001", Bases: []string{"https://" + c.Host + "/"}})
		spec.Accounts = append(spec.Accounts, AccountSpec{Name: c.Account, Platform: "微信", Unit: unit})
	}
	// A department of 成都 whose site sits under a path of the city portal, so that routing by
	// longest path prefix can be seen at work.
	spec.Units = append(spec.Units, UnitSpec{Name: "成都市教育局", RegionCode: "510100", Kind: UnitDepartment})
	spec.Websites = append(spec.Websites, WebsiteSpec{Name: "成都市教育局", Unit: "成都市教育局", Kind: SiteDepartment,
		IdentifierCode: "5101000002", Bases: []string{"https://www.chengdu.gov.cn/cdsjyj/", "https://edu.chengdu.gov.cn/"}})
	return spec
}

// DemoUsers are the demo logins; they all get the demo password.
func DemoUsers() []UserSpec {
	return []UserSpec{
		{Username: "admin", DisplayName: "平台管理员", Role: RoleAdmin, RegionCode: "510000"},
		{Username: "sc-supervisor", DisplayName: "省政府办公厅监管员", Role: RoleSupervisor, RegionCode: "510000"},
		{Username: "cd-supervisor", DisplayName: "成都市政府办公室监管员", Role: RoleSupervisor, RegionCode: "510100"},
		{Username: "scgov-staff", DisplayName: "省政府办公厅经办人", Role: RoleUnitStaff, Unit: "四川省人民政府办公厅"},
		{Username: "scgov-reviewer", DisplayName: "省政府办公厅审核人", Role: RoleUnitReviewer, Unit: "四川省人民政府办公厅"},
		{Username: "gzw-staff", DisplayName: "省国资委经办人", Role: RoleUnitStaff, Unit: "四川省政府国有资产监督管理委员会"},
		{Username: "gzw-reviewer", DisplayName: "省国资委审核人", Role: RoleUnitReviewer, Unit: "四川省政府国有资产监督管理委员会"},
	}
}

// SeedDemo loads the demo registry and (re)sets the demo logins to password.
func (s *Store) SeedDemo(ctx context.Context, password string) (RegistryCounts, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return RegistryCounts{}, err
	}
	counts, err := s.LoadRegistry(ctx, DemoRegistry())
	if err != nil {
		return counts, err
	}
	for _, u := range DemoUsers() {
		if _, err := s.EnsureUser(ctx, u, hash); err != nil {
			return counts, err
		}
	}
	return counts, nil
}
