package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/indicator"
)

// The data behind the two real circulars of the seeds (../shared/seeds), for the tests that check
// a drafted circular says what the real one said.

// SichuanInspection is the inspection behind 四川省 2025 Q1 over the demo registry (which must be
// loaded): 735 websites of which one with outstanding problems (the 国资委's, a hidden link on a
// history page), all 21 市州 clean; 4133 accounts of which two (the 广播电视局's, not updated, and
// one of 泸州), so 20 市州 clean.
func SichuanInspection(t testing.TB, s *models.Store) models.StaticInspection {
	t.Helper()
	ctx := context.Background()
	regions, err := s.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src := models.StaticInspection{Paths: map[int64]string{}}
	var province, luzhou models.Region
	for _, r := range regions {
		src.Paths[r.ID] = r.Path
		switch {
		case r.Code == "510000":
			province = r
		case r.Code == "510500":
			luzhou = r
		}
		if r.Level == models.LevelCity {
			problems := int64(0)
			if r.ID == luzhou.ID {
				problems = 1
			}
			src.WebsiteLines = append(src.WebsiteLines, models.CoverageLine{RegionID: r.ID, Running: 30, Checked: 30})
			src.AccountLines = append(src.AccountLines, models.CoverageLine{RegionID: r.ID, Running: 190, Checked: 190, WithProblems: problems})
		}
	}
	if province.ID == 0 || luzhou.ID == 0 {
		t.Fatal("the demo registry is not loaded")
	}
	src.WebsiteLines = append(src.WebsiteLines, models.CoverageLine{RegionID: province.ID, Running: 735 - 21*30, Checked: 735 - 21*30, WithProblems: 1})
	src.AccountLines = append(src.AccountLines, models.CoverageLine{RegionID: province.ID, Running: 4133 - 21*190, Checked: 4133 - 21*190, WithProblems: 1})
	src.Found = []models.CircularFinding{
		{Object: models.ObjectWebsite, Name: "四川省政府国有资产监督管理委员会", Unit: "四川省政府国有资产监督管理委员会", RegionID: province.ID,
			Indicator: indicator.Security, Problem: "历史页面被加挂非法暗链", Veto: true},
		{Object: models.ObjectAccount, Name: "四川省广播电视局", Platform: "微信订阅号", Unit: "四川省广播电视局", RegionID: province.ID,
			Indicator: "内容不更新", Problem: "内容更新不及时，信息长期处于停滞状态", Veto: true},
		{Object: models.ObjectAccount, Name: "泸州发布", Platform: "微信", Unit: "泸州市人民政府办公室", RegionID: luzhou.ID,
			Indicator: indicator.Ledger, Problem: "变更未及时报备"},
	}
	return src
}

// SichuanTickets files, through the store, the 找错 messages of 四川省's first quarter of 2025:
// 169 from 1 January to 20 March (mainly 链接不可用 and 内容不准确), each replied and approved the
// day it came, and one more on 21 March, after the circular's cutoff. The demo (with its users,
// password "demo-pass-123") must be loaded; the clock is moved and left at 2025-03-25 10:00.
func SichuanTickets(t testing.TB, s *models.Store, clock *Clock) {
	t.Helper()
	ctx := context.Background()
	users := map[string]*models.User{}
	for _, name := range []string{"gzw-staff", "gzw-reviewer", "scgov-staff", "scgov-reviewer"} {
		u, err := s.Authenticate(ctx, name, "demo-pass-123")
		if err != nil {
			t.Fatal(err)
		}
		users[name] = u
	}
	categories := []struct {
		name string
		n    int
	}{{"链接不可用", 80}, {"内容不准确", 52}, {"内容无法访问", 20}, {"信息不更新", 12}, {"错别字", 5}}
	day := At("2025-01-02 09:30")
	i := 0
	file := func(category string, at time.Time, closeIt bool) {
		clock.Set(at)
		site, staff, reviewer := "https://gzw.sc.gov.cn/", "gzw-staff", "gzw-reviewer"
		if i%2 == 1 {
			site, staff, reviewer = "https://www.sc.gov.cn/", "scgov-staff", "scgov-reviewer"
		}
		sub, err := s.SubmitReport(ctx, models.Report{PageURL: fmt.Sprintf("%sc/%d.html", site, i), Category: category,
			Description: "页面中的链接点击后显示404错误，请核实处理。"})
		if err != nil {
			t.Fatal(err)
		}
		i++
		if !closeIt {
			return
		}
		clock.Set(at.Add(2 * time.Hour))
		if _, err := s.Act(ctx, users[staff], sub.Ticket.TicketNo, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Act(ctx, users[reviewer], sub.Ticket.TicketNo, models.Action{Kind: models.ActApprove}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range categories {
		for range c.n {
			file(c.name, day, true)
			day = day.Add(11 * time.Hour) // 169 messages over 77 days
		}
	}
	if last := At("2025-03-20 23:59"); day.After(last) {
		t.Fatalf("the fixture's last message is at %s, after the cutoff", day)
	}
	file("链接不可用", At("2025-03-21 10:00"), false)
	clock.Set(At("2025-03-25 10:00"))
}

// ZhongshanRegistry is the part of 中山市's registry that its 2023 Q2 circular names.
func ZhongshanRegistry() models.RegistrySpec {
	site := func(name, unit, host string) models.WebsiteSpec {
		return models.WebsiteSpec{Name: name, Unit: unit, Kind: models.SiteDepartment, Bases: []string{"https://" + host + "/"}}
	}
	return models.RegistrySpec{
		Regions: []models.RegionSpec{{Code: "440000", Name: "广东省", ShortName: "广东"}, {Code: "442000", Name: "中山市", ShortName: "中山", ParentCode: "440000"}},
		Units: []models.UnitSpec{
			{Name: "中山市人民政府办公室", RegionCode: "442000", Kind: models.UnitGovernmentOffice},
			{Name: "中山市文化广电旅游局", RegionCode: "442000", Kind: models.UnitDepartment},
			{Name: "石岐街道办事处", RegionCode: "442000", Kind: models.UnitTown},
			{Name: "火炬开发区管委会", RegionCode: "442000", Kind: models.UnitDepartment},
			{Name: "中山市商务局", RegionCode: "442000", Kind: models.UnitDepartment},
		},
		Websites: []models.WebsiteSpec{
			site("中山市人民政府", "中山市人民政府办公室", "www.zs.gov.cn"),
			site("中山市文化广电旅游局网站", "中山市文化广电旅游局", "www.zs.gov.cn/wglj"),
			site("石岐街道办事处网站", "石岐街道办事处", "www.zs.gov.cn/sqjd"),
			site("火炬开发区网站", "火炬开发区管委会", "www.zstorch.gov.cn"),
			site("中山市商务局网站", "中山市商务局", "www.zs.gov.cn/swj"),
		},
	}
}

// ZhongshanInspection is the inspection behind 中山市 2023 Q2: 59 sites monitored, three named in
// the attachment (火炬开发区 for two problems), 171 accounts without problems.
func ZhongshanInspection(t testing.TB, s *models.Store) models.StaticInspection {
	t.Helper()
	zs, err := s.FindRegion(context.Background(), "中山市")
	if err != nil {
		t.Fatal(err)
	}
	src := models.StaticInspection{Paths: map[int64]string{zs.ID: zs.Path},
		WebsiteLines: []models.CoverageLine{{RegionID: zs.ID, Running: 59, Checked: 59, WithProblems: 3}},
		AccountLines: []models.CoverageLine{{RegionID: zs.ID, Running: 171, Checked: 171}},
	}
	finding := func(name, unit, indicator, problem string, veto bool) models.CircularFinding {
		return models.CircularFinding{Object: models.ObjectWebsite, Name: name, Unit: unit, RegionID: zs.ID, Indicator: indicator, Problem: problem, Veto: veto}
	}
	src.Found = []models.CircularFinding{
		finding("火炬开发区网站", "火炬开发区管委会", "整改不到位", "整改报告提交不及时", false),
		finding("中山市文化广电旅游局网站", "中山市文化广电旅游局", indicator.Security, "出现严重表述错误被省府办通报", true),
		finding("石岐街道办事处网站", "石岐街道办事处", indicator.Security, "单项否决（一稿多发的弄虚作假行为）", true),
		finding("火炬开发区网站", "火炬开发区管委会", "信息发布管理不规范", "集约化平台信息发布管理不规范", false),
	}
	return src
}
