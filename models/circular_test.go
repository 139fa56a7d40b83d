package models_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// The circular drafted for 四川省 2025 Q1 says what the real one said (seeds/000): the website and
// 新媒体 figures from the inspection, the 找错 paragraph from 169 tickets filed through the store.
func TestCircularReproducesSichuan2025Q1(t *testing.T) {
	clock := storetest.NewClock("2025-01-02 09:00:00")
	s := storetest.Open(t, clock)
	demoUsers(t, s)
	storetest.SichuanTickets(t, s, clock)
	ctx := context.Background()
	sc, err := s.FindRegion(ctx, "四川省")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.DraftCircular(ctx, storetest.SichuanInspection(t, s), models.CircularRequest{Region: sc, Period: "2025Q1", Cutoff: "2025-03-20"})
	if err != nil {
		t.Fatal(err)
	}

	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Figures struct {
			Websites, Accounts struct {
				Checked      int64    `json:"checked"`
				WithProblems int64    `json:"with_problems"`
				PassRate     string   `json:"pass_rate"`
				AtFull       []string `json:"at_full"`
			}
			Tickets struct {
				Received       int64    `json:"received"`
				OnTimeRate     string   `json:"on_time_rate"`
				MainCategories []string `json:"main_categories"`
			}
			Deadline string `json:"deadline"`
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	f := got.Figures
	if f.Websites.Checked != 735 || f.Websites.WithProblems != 1 || f.Websites.PassRate != "99.86%" || len(f.Websites.AtFull) != 21 {
		t.Errorf("websites: %+v", f.Websites)
	}
	if f.Accounts.Checked != 4133 || f.Accounts.WithProblems != 2 || f.Accounts.PassRate != "99.95%" || len(f.Accounts.AtFull) != 20 {
		t.Errorf("accounts: %+v", f.Accounts)
	}
	if f.Tickets.Received != 169 || f.Tickets.OnTimeRate != "100%" || !reflect.DeepEqual(f.Tickets.MainCategories, []string{"链接不可用", "内容不准确"}) {
		t.Errorf("找错: %+v", f.Tickets)
	}
	if f.Deadline != "2025-04-30" {
		t.Errorf("rectification deadline %s, want the end of the month after the quarter", f.Deadline)
	}

	text := c.Filled()
	for _, want := range []string{
		"全覆盖检查各市（州）、省直部门（单位）在运行的政府网站735个，发现存在突出问题的政府网站1个，合格率99.86%。其中，21个市（州）的政府网站合格率达100%。",
		"全省政府系统政务新媒体4133个，发现存在问题的账号2个，合格率99.95%。",
		"等20个市（州）的政务新媒体合格率达100%。",
		"1月1日至3月20日，共收到网民反馈的“我为政府网站找错”留言169条，主要集中在链接不可用、内容不准确等方面。",
		"按期办结率为100%。",
	} {
		if !strings.Contains(text.Overview, want) {
			t.Errorf("总体情况 lacks %q:\n%s", want, text.Overview)
		}
	}
	if !strings.Contains(text.Title, "关于2025年第一季度全省政府网站与政务新媒体检查情况的通报") || text.Issuer != "四川省人民政府办公厅" {
		t.Errorf("title %q, issuer %q", text.Title, text.Issuer)
	}
	if !strings.Contains(text.Problems, "“四川省政府国有资产监督管理委员会”网站历史页面被加挂非法暗链") || !strings.Contains(text.Problems, "“四川省广播电视局”微信订阅号内容更新不及时") {
		t.Errorf("存在问题 does not name the site and the account:\n%s", text.Problems)
	}
	if strings.Contains(text.Problems, "办件拖沓") {
		t.Errorf("every message was on time, yet:\n%s", text.Problems)
	}
	if !strings.Contains(text.Closing, "4月30日前书面报四川省人民政府办公厅") {
		t.Errorf("closing: %s", text.Closing)
	}
	if len(c.Figures.WebsiteRows) != 1 || len(c.Figures.AccountRows) != 2 || c.Figures.AccountRows[0].Unit != "四川省广播电视局" {
		t.Errorf("attachments: %+v %+v", c.Figures.WebsiteRows, c.Figures.AccountRows)
	}
}

// 中山市 2023 Q2's attachment (seeds/002): three sites, each with its problem, the vetoed first.
func TestCircularAttachmentReproducesZhongshan2023Q2(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2023-07-31 10:00:00"))
	ctx := context.Background()
	if _, err := s.LoadRegistry(ctx, storetest.ZhongshanRegistry()); err != nil {
		t.Fatal(err)
	}
	zs, err := s.FindRegion(ctx, "442000")
	if err != nil {
		t.Fatal(err)
	}
	one := 1
	c, err := s.DraftCircular(ctx, storetest.ZhongshanInspection(t, s), models.CircularRequest{Region: zs, Period: "2023Q2", Decimals: &one})
	if err != nil {
		t.Fatal(err)
	}
	want := []models.AttachmentRow{
		{No: 1, Name: "中山市文化广电旅游局网站", Unit: "中山市文化广电旅游局", Problems: "出现严重表述错误被省府办通报"},
		{No: 2, Name: "石岐街道办事处网站", Unit: "石岐街道办事处", Problems: "单项否决（一稿多发的弄虚作假行为）"},
		{No: 3, Name: "火炬开发区网站", Unit: "火炬开发区管委会", Problems: "整改报告提交不及时、集约化平台信息发布管理不规范"},
	}
	if !reflect.DeepEqual(c.Figures.WebsiteRows, want) {
		t.Errorf("attachment:\n got %+v\nwant %+v", c.Figures.WebsiteRows, want)
	}
	if c.Figures.Websites.PassRate != "94.9%" || len(c.Figures.AccountRows) != 0 {
		t.Errorf("56/59 with one decimal: %s; accounts %+v", c.Figures.Websites.PassRate, c.Figures.AccountRows)
	}
	text := c.Filled()
	if text.Issuer != "中山市人民政府办公室" || !strings.Contains(text.Title, "2023年第二季度全市") {
		t.Errorf("issuer %q, title %q", text.Issuer, text.Title)
	}
	if !strings.Contains(text.Overview, "未收到网民反馈") {
		t.Errorf("no tickets, yet: %s", text.Overview)
	}
}

// Late and overdue tickets are named in 二、存在问题 with their unit, and lower 按期办结率.
func TestCircularNamesUnitsThatHandleTicketsLate(t *testing.T) {
	r := newRates(t, "2025-03-03 10:00:00")
	late := r.report("https://gzw.sc.gov.cn/1.html")
	onTime := r.report("https://gzw.sc.gov.cn/2.html")
	r.close(onTime, true)
	r.at("2025-03-12 10:00") // deadline was Thu 03-06
	r.close(late, true)
	open := r.report("https://www.sc.gov.cn/3.html")
	_ = open // left open: due 03-17, overdue at the cutoff
	r.at("2025-03-25 10:00")
	ctx := context.Background()
	sc, _ := r.s.FindRegion(ctx, "510000")
	c, err := r.s.DraftCircular(ctx, models.RegistryInspection{Store: r.s}, models.CircularRequest{Region: sc, Period: "2025Q1", Cutoff: "2025-03-20"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Figures.Tickets.Received != 3 || c.Figures.Tickets.OnTimeRate != "33.33%" {
		t.Errorf("1 of 3 due on time: %+v", c.Figures.Tickets)
	}
	text := c.Filled()
	for _, want := range []string{"办件拖沓、多次督促后才办结", "四川省政府国有资产监督管理委员会（超期办结1条）", "四川省人民政府办公厅（超期未办结1条）"} {
		if !strings.Contains(text.Problems, want) {
			t.Errorf("存在问题 lacks %q:\n%s", want, text.Problems)
		}
	}
	// The registry alone: websites running, none checked, so no 合格率.
	if c.Figures.Websites.Running == 0 || c.Figures.Websites.Checked != 0 || c.Figures.Websites.PassRate != "—" {
		t.Errorf("registry source: %+v", c.Figures.Websites)
	}
}

func TestCircularRefusesBadRequests(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	if err := migrateAndSeed(ctx, s); err != nil {
		t.Fatal(err)
	}
	sc, _ := s.FindRegion(ctx, "四川省")
	five := 5
	for _, tt := range []struct {
		name  string
		req   models.CircularRequest
		field string
	}{
		{"no period", models.CircularRequest{Region: sc}, "period"},
		{"bad period", models.CircularRequest{Region: sc, Period: "2025Q5"}, "period"},
		{"too many decimals", models.CircularRequest{Region: sc, Period: "2025Q1", Decimals: &five}, "decimals"},
		{"cutoff outside", models.CircularRequest{Region: sc, Period: "2025Q1", Cutoff: "2025-04-02"}, "cutoff"},
		{"bad deadline", models.CircularRequest{Region: sc, Period: "2025Q1", Deadline: "4月30日"}, "deadline"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.DraftCircular(ctx, models.RegistryInspection{Store: s}, tt.req)
			if models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) != tt.field {
				t.Errorf("got %v, want invalid %s", err, tt.field)
			}
		})
	}
	if _, err := s.FindRegion(ctx, "火星"); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("unknown region: %v", err)
	}
}

// Whatever a supervisor types, saving either refuses it with a field or keeps it, and filling the
// placeholders of kept text leaves none that the figures know unfilled and never panics.
func FuzzCircularText(f *testing.F) {
	f.Add("合格率{{网站合格率}}。", "2025-03-25")
	f.Add("{{ 按期办结率 }}{{{{}}}}{{未知}}", "2025-13-01")
	f.Add("{{找错留言数", "")
	figures := &models.CircularFigures{PeriodLabel: "2025年第一季度", From: "2025-01-01", Cutoff: "2025-03-20", Deadline: "2025-04-30",
		Websites: models.Coverage{Checked: 735, WithProblems: 1, PassRate: "99.86%", Subregions: 21, AtFull: []string{"成都"}},
		Tickets:  models.TicketFigures{Received: 169, OnTimeRate: "100%"}}
	f.Fuzz(func(t *testing.T, body, date string) {
		text := models.CircularText{Title: "通报", Issuer: "四川省人民政府办公厅", IssueDate: date, Overview: body}
		if err := text.Validate(); err != nil {
			if models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) == "" {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		filled := models.FillPlaceholders(body, figures)
		for name := range models.Placeholders {
			if strings.Contains(filled, "{{"+name+"}}") {
				t.Fatalf("%q filled as %q keeps {{%s}}", body, filled, name)
			}
		}
	})
}

func FuzzParseCircularID(f *testing.F) {
	for _, s := range []string{"1", "0", "abc", "99999999999999999999", "-1", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := models.ParseCircularID(raw)
		if err == nil && (id <= 0 || strconv.FormatInt(id, 10) != strings.TrimLeft(raw, "0")) {
			t.Fatalf("%q read as %d", raw, id)
		}
	})
}
