package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AnnualPeriod is a report's calendar year in Asia/Shanghai.
func AnnualPeriod(year int) Period {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, Shanghai)
	return Period{From: from, To: from.AddDate(1, 0, 0), Kind: "year", Label: fmt.Sprintf("%d年", year)}
}

// annualAsOf is the moment a year's figures are counted at: the year's end, or now while it runs.
func (s *Store) annualAsOf(p Period) time.Time {
	if now := s.clock.Now(); now.Before(p.To) {
		return now
	}
	return p.To.Add(-time.Second)
}

// annualSite is a website with what its report's heading names.
type annualSite struct {
	Website
	UnitName string
	RegionID int64
}

func (s *Store) annualSite(ctx context.Context, id int64) (*annualSite, error) {
	var rows []annualSite
	err := s.db.WithContext(ctx).Table("websites w").Select("w.*, u.name AS unit_name, u.region_id").
		Joins("JOIN units u ON u.id = w.unit_id").Where("w.id = ?", id).Limit(1).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "annual site")
	}
	if len(rows) == 0 {
		return nil, NotFound("没有该网站")
	}
	return &rows[0], nil
}

// SiteKindNames are the 网站类型 as the reports write them.
var SiteKindNames = map[string]string{SitePortal: "政府门户网站", SiteDepartment: "部门网站"}

// WorkFigures are the items of a site's work report that the system fills, for the year: the
// registry's entry, the 找错 rates of the tickets about the site, the inspection of the site and
// the unit's 新媒体 accounts (docs/annual-reports-layout.md says which item is which).
func (s *Store) WorkFigures(ctx context.Context, websiteID int64, year int) (AnnualValues, error) {
	site, err := s.annualSite(ctx, websiteID)
	if err != nil {
		return nil, err
	}
	p := AnnualPeriod(year)
	v := AnnualValues{"unit": site.UnitName, "site_name": site.Name, "home_url": site.HomeURL, "host_unit": site.UnitName,
		"site_kind": SiteKindNames[site.Kind], "site_code": site.IdentifierCode}

	// 留言办理 is of citizens' messages (CitizenMessages): an inspection ticket is none.
	cells, err := s.CompletionStats(ctx, StatsQuery{Scope: Scope{All: true}, Selection: Selection{WebsiteID: websiteID, Source: SourceCitizen}, Period: p, AsOf: s.annualAsOf(p), GroupBy: "unit"})
	if err != nil {
		return nil, err
	}
	var c Counts
	for _, cell := range cells {
		c.Plus(cell.Counts)
	}
	v["msg_received"], v["msg_closed"], v["msg_avg_days"] = itoa(c.Received), itoa(c.Closed), c.AvgHandlingDays()
	db := s.db.WithContext(ctx)
	var public int64
	// 公开答复: the tickets of the year whose reply the reviewer published in 留言选登.
	err = db.Table("tickets t").Where("t.website_id = ? AND t.received_at >= ? AND t.received_at < ? AND t.public = ? AND t.status = ?",
		websiteID, p.From.UTC(), p.To.UTC(), true, StatusClosed).Count(&public).Error
	if err != nil {
		return nil, translate(err, "annual public replies")
	}
	v["msg_public"] = itoa(public)

	// 安全检测评估: the inspection's finished checks of the site in the year; 发现问题, the distinct
	// problems a person or the inspector confirmed; 问题整改, those whose ticket the unit closed.
	var checks int64
	if err := db.Table("inspection_results").Where("website_id = ? AND status <> ? AND finished_at >= ? AND finished_at < ?",
		websiteID, ResultFailed, p.From.UTC(), p.To.UTC()).Count(&checks).Error; err != nil {
		return nil, translate(err, "annual checks")
	}
	var problems []struct {
		FindingKey string
		Closed     bool
	}
	err = db.Table("inspection_findings f").Select("f.finding_key, MAX(CASE WHEN t.status = ? THEN 1 ELSE 0 END) = 1 AS closed", StatusClosed).
		Joins("LEFT JOIN tickets t ON t.id = f.ticket_id").
		Where("f.website_id = ? AND f.status = ? AND f.seen_at >= ? AND f.seen_at < ?", websiteID, FindingConfirmed, p.From.UTC(), p.To.UTC()).
		Group("f.finding_key").Scan(&problems).Error
	if err != nil {
		return nil, translate(err, "annual findings")
	}
	var fixed int64
	for _, pr := range problems {
		if pr.Closed {
			fixed++
		}
	}
	v["sec_checks"], v["sec_problems"], v["sec_fixed"] = itoa(checks), strconv.Itoa(len(problems)), itoa(fixed)

	var accounts []MediaAccount
	if err := db.Where("unit_id = ? AND status = ?", site.UnitID, AccountActive).Order("platform, name, id").Find(&accounts).Error; err != nil {
		return nil, translate(err, "annual accounts")
	}
	var weibo, wechat, other []string
	for _, a := range accounts {
		switch {
		case strings.HasPrefix(a.Platform, "微博"):
			weibo = append(weibo, a.Name)
		case strings.HasPrefix(a.Platform, "微信"):
			wechat = append(wechat, a.Name)
		default:
			other = append(other, a.Name+"（"+a.Platform+"）")
		}
	}
	v["media_has"] = yesNo(len(accounts) > 0)
	v["weibo_name"], v["wechat_name"], v["media_other"] = strings.Join(weibo, "、"), strings.Join(wechat, "、"), strings.Join(other, "、")
	return v, nil
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// SupervisionFigures are the items of a region's supervision report that the system fills: the
// region's running sites by kind, the inspection per quarter and for the year as the circulars
// count it (合格率, 不合格 = with problems), the region's 找错 rates as the circulars' paragraph
// counts them, and the 新媒体 coverage.
func (s *Store) SupervisionFigures(ctx context.Context, src InspectionSource, region Region, year int) (AnnualValues, error) {
	office, err := s.Issuer(ctx, region)
	if err != nil {
		return nil, err
	}
	v := AnnualValues{"office": office}
	db := s.db.WithContext(ctx)
	var kinds []struct {
		Kind string
		N    int64
	}
	err = db.Table("websites w").Select("w.kind, COUNT(*) AS n").Joins("JOIN units u ON u.id = w.unit_id").
		Joins("JOIN regions g ON g.id = u.region_id").Where("w.status = ? AND g.path LIKE ?", SiteRunning, region.Path+"%").
		Group("w.kind").Scan(&kinds).Error
	if err != nil {
		return nil, translate(err, "annual sites by kind")
	}
	var running, portal, department int64
	for _, k := range kinds {
		running += k.N
		switch k.Kind {
		case SitePortal:
			portal = k.N
		case SiteDepartment:
			department = k.N
		}
	}
	v["sites_running"], v["sites_portal"], v["sites_department"] = itoa(running), itoa(portal), itoa(department)

	regions, err := s.Regions(ctx)
	if err != nil {
		return nil, err
	}
	year0 := AnnualPeriod(year)
	coverage := func(p Period) (Coverage, error) {
		lines, err := src.Websites(ctx, region, p)
		return rollUp(lines, region, regions, DefaultDecimals), err
	}
	for q := 1; q <= 4; q++ {
		from := year0.From.AddDate(0, 3*(q-1), 0)
		c, err := coverage(Period{From: from, To: from.AddDate(0, 3, 0), Kind: "quarter"})
		if err != nil {
			return nil, err
		}
		v[fmt.Sprintf("pass_q%d", q)], v[fmt.Sprintf("fail_q%d", q)] = circularPercent(Rate{c.Qualified, c.Checked}, DefaultDecimals), itoa(c.WithProblems)
	}
	c, err := coverage(year0)
	if err != nil {
		return nil, err
	}
	v["checked"], v["pass_year"], v["fail_year"] = itoa(c.Checked), circularPercent(Rate{c.Qualified, c.Checked}, DefaultDecimals), itoa(c.WithProblems)
	var rounds int64
	err = db.Table("inspection_results ir").Joins("JOIN websites w ON w.id = ir.website_id").Joins("JOIN units u ON u.id = w.unit_id").
		Joins("JOIN regions g ON g.id = u.region_id").
		Where("g.path LIKE ? AND ir.finished_at >= ? AND ir.finished_at < ?", region.Path+"%", year0.From.UTC(), year0.To.UTC()).
		Distinct("ir.round_id").Count(&rounds).Error
	if err != nil {
		return nil, translate(err, "annual rounds")
	}
	v["rounds"] = itoa(rounds)

	// The region's 找错 handling is of citizens' messages (CitizenMessages), as in the circulars.
	cells, err := s.CompletionStats(ctx, StatsQuery{Scope: Scope{All: true}, Selection: Selection{RegionPath: region.Path, Source: SourceCitizen}, Period: year0, AsOf: s.annualAsOf(year0), GroupBy: "region"})
	if err != nil {
		return nil, err
	}
	var t Counts
	for _, cell := range cells {
		t.Plus(cell.Counts)
	}
	v["zc_received"], v["zc_closed"], v["zc_on_time"] = itoa(t.Received), itoa(t.Closed), circularPercent(t.OnTimeRate(), DefaultDecimals)

	acc, err := src.Accounts(ctx, region, year0)
	if err != nil {
		return nil, err
	}
	a := rollUp(acc, region, regions, DefaultDecimals)
	v["media_running"], v["media_checked"], v["media_pass_rate"] = itoa(a.Running), itoa(a.Checked), a.PassRate
	return v, nil
}
