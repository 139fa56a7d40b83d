package models_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/indicator"
	"zhaocuo/models/storetest"
)

// nationalRule is the national rule without the 扣分 table's caps: any veto fails, and so does
// a score below 60 after the points the findings carry.
var nationalRule = indicator.ScoreTable{Full: 100, PassMark: 60}

// guangdong is a small registry of three regions, with what its inspection of 2025 Q1 found.
type guangdong struct {
	s                    *models.Store
	clock                *storetest.Clock
	province, zs, zh     models.Region
	sites                map[string]int64 // by name
	accounts             map[string]int64 // by name
	admin                *models.User
	confirmed, dismissed int64 // finding ids
	suspected            int64
}

// newGuangdong loads the registry and records, through the store, what the inspector found in
// 2025 Q1 and just after it:
//   - 广东省人民政府: a suspected 暗链 (a veto), confirmed by a person: fails;
//   - 中山市人民政府: a serious typo (a veto), dismissed; an early warning: passes;
//   - 石岐街道办事处网站: a suspected 一稿多发 (a veto) nobody decided: passes;
//   - 珠海市人民政府: a stale homepage (a veto) in February, gone in March: resolved, passes;
//   - 中山市商务局网站: not inspectable in February; 41 broken homepage links in March (below the
//     pass mark); a veto in April, after the quarter;
//   - accounts: 广东发布 not updated (a veto) in the March import; 中山发布 with a broken menu link
//     (points only); 珠海发布 without interaction in February, fixed in March; 石岐发布, suspended
//     but still online (not running, so not counted).
func newGuangdong(t *testing.T) *guangdong {
	t.Helper()
	ctx := context.Background()
	g := &guangdong{clock: storetest.NewClock("2025-02-10 09:00:00"), sites: map[string]int64{}, accounts: map[string]int64{}}
	g.s = storetest.Open(t, g.clock)
	g.s.SetScoreTable(nationalRule)
	s := g.s
	site := func(name, unit, host string) models.WebsiteSpec {
		return models.WebsiteSpec{Name: name, Unit: unit, Kind: models.SiteDepartment, Bases: []string{"https://" + host + "/"}}
	}
	_, err := s.LoadRegistry(ctx, models.RegistrySpec{
		Regions: []models.RegionSpec{{Code: "440000", Name: "广东省", ShortName: "广东"},
			{Code: "442000", Name: "中山市", ShortName: "中山", ParentCode: "440000"},
			{Code: "440400", Name: "珠海市", ShortName: "珠海", ParentCode: "440000"}},
		Units: []models.UnitSpec{
			{Name: "广东省人民政府办公厅", RegionCode: "440000", Kind: models.UnitGovernmentOffice},
			{Name: "中山市人民政府办公室", RegionCode: "442000", Kind: models.UnitGovernmentOffice},
			{Name: "石岐街道办事处", RegionCode: "442000", Kind: models.UnitTown},
			{Name: "中山市商务局", RegionCode: "442000", Kind: models.UnitDepartment},
			{Name: "珠海市人民政府办公室", RegionCode: "440400", Kind: models.UnitGovernmentOffice},
		},
		Websites: []models.WebsiteSpec{
			site("广东省人民政府", "广东省人民政府办公厅", "www.gd.gov.cn"),
			site("中山市人民政府", "中山市人民政府办公室", "www.zs.gov.cn"),
			site("石岐街道办事处网站", "石岐街道办事处", "www.zs.gov.cn/sqjd"),
			site("中山市商务局网站", "中山市商务局", "www.zs.gov.cn/swj"),
			site("珠海市人民政府", "珠海市人民政府办公室", "www.zhuhai.gov.cn"),
		},
		Accounts: []models.AccountSpec{
			{Name: "广东发布", Platform: "微信", Account: "gdfb", Unit: "广东省人民政府办公厅"},
			{Name: "中山发布", Platform: "微博", Account: "zsfb", Unit: "中山市人民政府办公室"},
			{Name: "石岐发布", Platform: "微信", Account: "sqfb", Unit: "石岐街道办事处", Status: models.AccountSuspended},
			{Name: "珠海发布", Platform: "微信", Account: "zhfb", Unit: "珠海市人民政府办公室"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for code, r := range map[string]*models.Region{"440000": &g.province, "442000": &g.zs, "440400": &g.zh} {
		if *r, err = s.FindRegion(ctx, code); err != nil {
			t.Fatal(err)
		}
	}
	all := models.Scope{All: true}
	sites, err := s.InspectionSites(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range sites {
		g.sites[x.Name] = x.ID
	}
	accounts, err := s.Accounts(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		g.accounts[a.Name] = a.ID
	}
	g.admin = &models.User{ID: 1, Role: models.RoleAdmin}

	found := func(typ, indicator, key string, veto, suspected, warning bool, points float64) models.Finding {
		return models.Finding{Type: typ, Indicator: indicator, URL: "https://example.gov.cn/", Page: "https://example.gov.cn/",
			Target: key, Evidence: key, Veto: veto, Suspected: suspected, Warning: warning, Points: points, FindingKey: key, SeenAt: g.clock.Now()}
	}
	round := func(at string, outcomes map[string]models.SiteOutcome) int64 {
		t.Helper()
		g.clock.Set(storetest.At(at))
		r, _, err := s.StartRound(ctx, models.RoundScheduled, all, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, out := range outcomes {
			out.StartedAt, out.FinishedAt = g.clock.Now(), g.clock.Now().Add(time.Hour)
			if err := s.FinishSite(ctx, r.ID, g.sites[name], out); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	first := round("2025-02-10 09:00", map[string]models.SiteOutcome{
		"广东省人民政府": {Findings: []models.Finding{found("hidden_link", "安全、泄密事故等严重问题", "hidden:1", true, true, false, 0)}},
		"中山市人民政府": {Findings: []models.Finding{found("typo", "安全、泄密事故等严重问题", "typo:1", true, true, false, 0),
			found("homepage_stale", "首页不更新", "warn:1", false, false, true, 0)}},
		"石岐街道办事处网站": {Findings: []models.Finding{found("duplicate_post", "一稿多发", "dup:1", true, true, false, 0)}},
		"珠海市人民政府":   {Findings: []models.Finding{found("homepage_stale", "首页不更新", "stale:1", true, false, false, 0)}},
		"中山市商务局网站":  {Error: "网站没有可用的首页地址"},
	})
	findingOf := func(roundID int64, name string) int64 {
		t.Helper()
		res, err := s.SiteResult(ctx, roundID, g.sites[name])
		if err != nil {
			t.Fatal(err)
		}
		_, fs, err := s.Result(ctx, all, res.ID)
		if err != nil || len(fs) == 0 {
			t.Fatalf("%s's findings: %v %v", name, fs, err)
		}
		for _, f := range fs {
			if f.Suspected {
				return f.ID
			}
		}
		t.Fatalf("%s has no suspected finding", name)
		return 0
	}
	g.confirmed, g.dismissed, g.suspected = findingOf(first, "广东省人民政府"), findingOf(first, "中山市人民政府"), findingOf(first, "石岐街道办事处网站")
	g.clock.Set(storetest.At("2025-02-12 10:00"))
	if _, err := s.DecideFinding(ctx, g.admin, all, g.confirmed, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideFinding(ctx, g.admin, all, g.dismissed, false); err != nil {
		t.Fatal(err)
	}

	var links []models.Finding
	for i := range 41 {
		links = append(links, found("dead_link", "首页链接不可用", fmt.Sprintf("link:%d", i), false, false, false, 1))
	}
	round("2025-03-10 09:00", map[string]models.SiteOutcome{
		"珠海市人民政府":  {Findings: []models.Finding{found("dead_link", "其他页面链接不可用", "link:zh", false, false, false, 0.1)}},
		"中山市商务局网站": {Findings: links},
	})
	round("2025-04-10 09:00", map[string]models.SiteOutcome{
		"中山市商务局网站": {Findings: []models.Finding{found("homepage_stale", "首页不更新", "stale:swj", true, false, false, 0)}},
	})

	importAt := func(at string, results []models.AccountResult) {
		t.Helper()
		g.clock.Set(storetest.At(at))
		for i := range results {
			id := g.accounts[results[i].Name]
			results[i].AccountID = &id
		}
		if _, err := storetest.SaveAccountImport(ctx, s, g.admin, "accounts.xlsx", results); err != nil {
			t.Fatal(err)
		}
	}
	result := func(name, platform string, fs ...models.Finding) models.AccountResult {
		return models.AccountResult{Name: name, Platform: platform, FiledStatus: models.AccountActive, ReportedOnline: true, Findings: fs}
	}
	importAt("2025-02-15 09:00", []models.AccountResult{
		result("广东发布", "微信"),
		result("珠海发布", "微信", found("no_interaction", "政务新媒体互动功能", "nointer:zh", true, false, false, 0)),
	})
	importAt("2025-03-15 09:00", []models.AccountResult{
		result("广东发布", "微信", found("account_stale", "政务新媒体更新不及时", "stale:gd", true, false, false, 0)),
		result("中山发布", "微博", found("dead_menu_link", "政务新媒体功能可用性", "menu:zs", false, false, false, 1)),
		result("珠海发布", "微信"),
		result("石岐发布", "微信", found("ledger_mismatch", "管理台账与实际运行情况不符", "ledger:sq", false, false, false, 0)),
	})
	g.clock.Set(storetest.At("2025-04-20 10:00"))
	return g
}

func quarter(t *testing.T) models.Period {
	t.Helper()
	return models.Period{From: storetest.At("2025-01-01 00:00"), To: storetest.At("2025-04-01 00:00"), Kind: "quarter"}
}

func TestInspectionTablesCountTheLatestCheckOfThePeriod(t *testing.T) {
	g := newGuangdong(t)
	ctx := context.Background()
	src := models.InspectionTables{Store: g.s}
	p := quarter(t)

	sites, err := src.Websites(ctx, g.province, p)
	if err != nil {
		t.Fatal(err)
	}
	// 中山市: three running; 石岐 (a suspected veto, undecided) and 中山市人民政府 (a dismissed veto
	// and a warning) pass; 商务局 failed in February and fell below the pass mark in March; its
	// April veto is after the quarter. 珠海市: the February veto is gone in March.
	want := []models.CoverageLine{
		{RegionID: g.province.ID, Running: 1, Checked: 1, WithProblems: 1},
		{RegionID: g.zs.ID, Running: 3, Checked: 3, WithProblems: 1},
		{RegionID: g.zh.ID, Running: 1, Checked: 1, WithProblems: 0},
	}
	if !reflect.DeepEqual(byRegion(sites), byRegion(want)) {
		t.Errorf("website lines:\n got %+v\nwant %+v", sites, want)
	}

	accounts, err := src.Accounts(ctx, g.province, p)
	if err != nil {
		t.Fatal(err)
	}
	// 石岐发布 is suspended, so neither running nor checked; 中山发布's broken menu link is points
	// only; 珠海发布's February veto is gone in March.
	want = []models.CoverageLine{
		{RegionID: g.province.ID, Running: 1, Checked: 1, WithProblems: 1},
		{RegionID: g.zs.ID, Running: 1, Checked: 1, WithProblems: 0},
		{RegionID: g.zh.ID, Running: 1, Checked: 1, WithProblems: 0},
	}
	if !reflect.DeepEqual(byRegion(accounts), byRegion(want)) {
		t.Errorf("account lines:\n got %+v\nwant %+v", accounts, want)
	}

	findings, err := src.Findings(ctx, g.province, p)
	if err != nil {
		t.Fatal(err)
	}
	type named struct{ Object, Name, Unit, Indicator, Problem string }
	got := map[named]bool{}
	for _, f := range findings {
		got[named{f.Object, f.Name, f.Unit, f.Indicator, f.Problem}] = f.Veto
	}
	wantFound := map[named]bool{
		{models.ObjectWebsite, "广东省人民政府", "广东省人民政府办公厅", "安全、泄密事故等严重问题", "页面被加挂非法暗链"}:   true,
		{models.ObjectWebsite, "中山市商务局网站", "中山市商务局", "首页链接不可用", "首页链接不可用（41处）"}:        false,
		{models.ObjectAccount, "广东发布", "广东省人民政府办公厅", "政务新媒体更新不及时", "超过2周未更新，信息处于停滞状态"}: true,
	}
	if len(findings) != len(wantFound) || !reflect.DeepEqual(got, wantFound) {
		t.Errorf("findings:\n got %+v\nwant %+v", findings, wantFound)
	}
	for _, f := range findings {
		if f.Object == models.ObjectAccount && f.Platform != "微信" {
			t.Errorf("%s's platform: %q", f.Name, f.Platform)
		}
	}

	// Asked for 中山市 alone: its own line and finding, nothing of the province's or 珠海's.
	zsSites, err := src.Websites(ctx, g.zs, p)
	if err != nil || len(zsSites) != 1 || zsSites[0].RegionID != g.zs.ID {
		t.Errorf("中山市's lines: %+v %v", zsSites, err)
	}
	zsFound, err := src.Findings(ctx, g.zs, p)
	if err != nil || len(zsFound) != 1 || zsFound[0].Name != "中山市商务局网站" {
		t.Errorf("中山市's findings: %+v %v", zsFound, err)
	}

	// The second quarter sees the April veto of 商务局 and nothing of the first.
	q2 := models.Period{From: p.To, To: storetest.At("2025-07-01 00:00"), Kind: "quarter"}
	q2Found, err := src.Findings(ctx, g.province, q2)
	if err != nil || len(q2Found) != 1 || q2Found[0].Name != "中山市商务局网站" || !q2Found[0].Veto || q2Found[0].Problem != "首页超过2周未更新" {
		t.Errorf("Q2 findings: %+v %v", q2Found, err)
	}
}

// A person's decision moves the figures: the undecided 一稿多发 of 石岐, once confirmed, fails the
// site and names it.
func TestInspectionTablesFollowDecisions(t *testing.T) {
	g := newGuangdong(t)
	ctx := context.Background()
	src := models.InspectionTables{Store: g.s}
	p := quarter(t)
	if _, err := g.s.DecideFinding(ctx, g.admin, models.Scope{All: true}, g.suspected, true); err != nil {
		t.Fatal(err)
	}
	lines, err := src.Websites(ctx, g.zs, p)
	if err != nil || len(lines) != 1 || lines[0].Checked != 3 || lines[0].WithProblems != 2 {
		t.Fatalf("中山市 after confirming 石岐's 一稿多发: %+v %v", lines, err)
	}
	found, err := src.Findings(ctx, g.zs, p)
	if err != nil {
		t.Fatal(err)
	}
	var named bool
	for _, f := range found {
		if f.Name == "石岐街道办事处网站" && f.Veto && f.Problem == "存在一稿多发的弄虚作假行为" && f.Indicator == "一稿多发" {
			named = true
		}
	}
	if !named {
		t.Errorf("石岐 not named: %+v", found)
	}
}

// A circular drafted with the real source names the confirmed site in its 附件 and counts it in
// 合格率.
func TestCircularDraftedFromTheInspectionTables(t *testing.T) {
	g := newGuangdong(t)
	ctx := context.Background()
	c, err := g.s.DraftCircular(ctx, models.InspectionTables{Store: g.s}, models.CircularRequest{Region: g.province, Period: "2025Q1"})
	if err != nil {
		t.Fatal(err)
	}
	w := c.Figures.Websites
	// Five sites checked, two failing (广东省人民政府's confirmed 暗链, 商务局's score): 3/5.
	if w.Running != 5 || w.Checked != 5 || w.WithProblems != 2 || w.Qualified != 3 || w.PassRate != "60.00%" {
		t.Errorf("websites: %+v", w)
	}
	if len(w.AtFull) != 1 || w.AtFull[0] != "珠海" {
		t.Errorf("subregions at 100%%: %v", w.AtFull)
	}
	a := c.Figures.Accounts
	if a.Running != 3 || a.Checked != 3 || a.WithProblems != 1 || a.PassRate != "66.67%" {
		t.Errorf("accounts: %+v", a)
	}
	rows := map[string]models.AttachmentRow{}
	for _, r := range c.Figures.WebsiteRows {
		rows[r.Name] = r
	}
	if r := rows["广东省人民政府"]; r.No != 1 || r.Unit != "广东省人民政府办公厅" || r.Problems != "页面被加挂非法暗链" {
		t.Errorf("the confirmed site's row: %+v (rows %+v)", r, c.Figures.WebsiteRows)
	}
	if len(rows) != 2 {
		t.Errorf("website rows: %+v", c.Figures.WebsiteRows)
	}
	if len(c.Figures.AccountRows) != 1 || c.Figures.AccountRows[0].Name != "广东发布（微信）" {
		t.Errorf("account rows: %+v", c.Figures.AccountRows)
	}
}

func byRegion(lines []models.CoverageLine) map[int64]models.CoverageLine {
	out := map[int64]models.CoverageLine{}
	for _, l := range lines {
		out[l.RegionID] = l
	}
	return out
}

// A site whose every check of the quarter failed (its homepage never opened) was not inspected:
// not in 检查数 nor 合格率, counted apart, and said so in the circular; a region of such sites is
// not at 100%, and a circular where nobody could be inspected claims no 合格率 at all.
func TestSitesNobodyCouldInspectStayOutOfThePassRate(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock("2025-02-10 09:00:00")
	s := storetest.Open(t, clock)
	site := func(name, unit, host string) models.WebsiteSpec {
		return models.WebsiteSpec{Name: name, Unit: unit, Kind: models.SiteDepartment, Bases: []string{"https://" + host + "/"}}
	}
	_, err := s.LoadRegistry(ctx, models.RegistrySpec{
		Regions: []models.RegionSpec{{Code: "440000", Name: "广东省", ShortName: "广东"},
			{Code: "442000", Name: "中山市", ShortName: "中山", ParentCode: "440000"},
			{Code: "440400", Name: "珠海市", ShortName: "珠海", ParentCode: "440000"}},
		Units: []models.UnitSpec{
			{Name: "中山市人民政府办公室", RegionCode: "442000", Kind: models.UnitGovernmentOffice},
			{Name: "珠海市人民政府办公室", RegionCode: "440400", Kind: models.UnitGovernmentOffice},
		},
		Websites: []models.WebsiteSpec{
			site("中山市人民政府", "中山市人民政府办公室", "www.zs.gov.cn"),
			site("中山市商务局网站", "中山市人民政府办公室", "swj.zs.gov.cn"),
			site("中山市文化局网站", "中山市人民政府办公室", "wgl.zs.gov.cn"),
			site("珠海市人民政府", "珠海市人民政府办公室", "www.zhuhai.gov.cn"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	all := models.Scope{All: true}
	sites, err := s.InspectionSites(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, x := range sites {
		ids[x.Name] = x.ID
	}
	unread := models.SiteOutcome{Error: "首页无法打开：连接被拒绝"}
	round := func(at string, outcomes map[string]models.SiteOutcome) {
		t.Helper()
		clock.Set(storetest.At(at))
		r, _, err := s.StartRound(ctx, models.RoundScheduled, all, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, out := range outcomes {
			if err := s.FinishSite(ctx, r.ID, ids[name], out); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 中山市人民政府 inspected, nothing found; 商务局 never opened; 文化局 did not open in February
	// but did in March; 珠海市人民政府 never opened.
	round("2025-02-10 09:00", map[string]models.SiteOutcome{"中山市人民政府": {}, "中山市商务局网站": unread,
		"中山市文化局网站": unread, "珠海市人民政府": unread})
	round("2025-03-10 09:00", map[string]models.SiteOutcome{"中山市商务局网站": unread, "中山市文化局网站": {},
		"珠海市人民政府": unread})
	clock.Set(storetest.At("2025-04-20 10:00"))

	zs, err := s.FindRegion(ctx, "442000")
	if err != nil {
		t.Fatal(err)
	}
	zh, err := s.FindRegion(ctx, "440400")
	if err != nil {
		t.Fatal(err)
	}
	province, err := s.FindRegion(ctx, "440000")
	if err != nil {
		t.Fatal(err)
	}
	src := models.InspectionTables{Store: s}
	lines, err := src.Websites(ctx, province, quarter(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []models.CoverageLine{
		{RegionID: zs.ID, Running: 3, Checked: 2, Uninspected: 1},
		{RegionID: zh.ID, Running: 1, Checked: 0, Uninspected: 1},
	}
	if !reflect.DeepEqual(byRegion(lines), byRegion(want)) {
		t.Errorf("website lines:\n got %+v\nwant %+v", lines, want)
	}

	c, err := s.DraftCircular(ctx, src, models.CircularRequest{Region: province, Period: "2025Q1"})
	if err != nil {
		t.Fatal(err)
	}
	w := c.Figures.Websites
	if w.Running != 4 || w.Checked != 2 || w.Uninspected != 2 || w.PassRate != "100%" || len(w.AtFull) != 0 {
		t.Errorf("province's websites: %+v (no region is at 100%% with a site nobody could inspect)", w)
	}
	text := c.Filled().Overview
	if !strings.Contains(text, "检查2个，") || !strings.Contains(text, "另有2个网站因首页无法打开等原因未能检查，未计入合格率。") {
		t.Errorf("总体情况 does not say the sites nobody could inspect:\n%s", text)
	}

	// 珠海市 alone: its one site never opened, so nothing was checked and nothing is 合格.
	c, err = s.DraftCircular(ctx, src, models.CircularRequest{Region: zh, Period: "2025Q1"})
	if err != nil {
		t.Fatal(err)
	}
	w = c.Figures.Websites
	if w.Checked != 0 || w.Uninspected != 1 || w.PassRate != "—" {
		t.Errorf("珠海市's websites: %+v", w)
	}
	text = c.Filled().Overview
	first, _, _ := strings.Cut(text, "\n")
	if strings.Contains(first, "100%") || !strings.Contains(first, "本期尚无检查结果，其中1个因首页无法打开等原因未能检查。") {
		t.Errorf("a circular of sites nobody could inspect:\n%s", first)
	}
}
