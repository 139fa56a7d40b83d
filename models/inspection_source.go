package models

import (
	"context"
	"strings"
)

// InspectionSource is what the quarterly circular needs from the inspection of websites and
// 政务新媒体: how many were running, checked and left with outstanding problems, and the confirmed
// findings that name them. The circular never reads inspection tables itself; it asks a source.
//
// Every method answers for the region's whole subtree and the period. Coverage lines are per
// region of the owning unit (at any depth, no roll-up: the circular rolls them up into the
// subregions it reports), and a region with nothing registered may be left out. A site or account
// counts in WithProblems when confirmed findings of the period still outstanding for it make it
// fail the check (不合格, so 合格率 is the national one); Findings names those findings, so every
// one counted is also named.
//
// InspectionTables reads the inspector's rounds, imports and findings (the default);
// RegistryInspection reads the registry alone (nothing checked, nothing found); StaticInspection
// serves tests and figures imported from elsewhere.
type InspectionSource interface {
	Websites(ctx context.Context, region Region, p Period) ([]CoverageLine, error)
	Accounts(ctx context.Context, region Region, p Period) ([]CoverageLine, error)
	Findings(ctx context.Context, region Region, p Period) ([]CircularFinding, error)
}

// CoverageLine counts the websites (or accounts) of the units of one region.
type CoverageLine struct {
	RegionID     int64 `json:"region_id"`
	Running      int64 `json:"running"`       // registered and open during the period
	Checked      int64 `json:"checked"`       // inspected in the period
	WithProblems int64 `json:"with_problems"` // checked, with a confirmed finding still outstanding
	Uninspected  int64 `json:"uninspected"`   // running, but every check of the period failed (homepage not read): not in Checked
}

// Objects a finding is about.
const (
	ObjectWebsite = "website"
	ObjectAccount = "account"
)

// CircularFinding is one confirmed, outstanding problem of a site or account, as a circular names it.
type CircularFinding struct {
	Object    string `json:"object"`   // ObjectWebsite or ObjectAccount
	Name      string `json:"name"`     // the site's name, or the account's (with its platform, e.g. "四川省广播电视局"微信订阅号)
	Platform  string `json:"platform"` // for accounts: 微信, 微博, …
	UnitID    int64  `json:"unit_id"`
	Unit      string `json:"unit"`      // 主办单位
	RegionID  int64  `json:"region_id"` // the unit's region
	Indicator string `json:"indicator"` // the national indicator, e.g. 栏目不更新, 安全、泄密事故等严重问题
	Problem   string `json:"problem"`   // what the attachment says, e.g. 单项否决（一稿多发的弄虚作假行为）
	Veto      bool   `json:"veto"`      // a 单项否决 finding
}

// RegistryInspection is the source before any inspection data exists: the registry's running
// websites and active accounts, none of them checked, no findings.
type RegistryInspection struct{ Store *Store }

func (r RegistryInspection) Websites(ctx context.Context, region Region, _ Period) ([]CoverageLine, error) {
	return r.count(ctx, "websites", SiteRunning, region)
}

func (r RegistryInspection) Accounts(ctx context.Context, region Region, _ Period) ([]CoverageLine, error) {
	return r.count(ctx, "media_accounts", AccountActive, region)
}

func (r RegistryInspection) Findings(context.Context, Region, Period) ([]CircularFinding, error) {
	return nil, nil
}

func (r RegistryInspection) count(ctx context.Context, table, status string, region Region) ([]CoverageLine, error) {
	var lines []CoverageLine
	err := r.Store.db.WithContext(ctx).Table(table+" x").Select("u.region_id, COUNT(*) AS running").
		Joins("JOIN units u ON u.id = x.unit_id").Joins("JOIN regions g ON g.id = u.region_id").
		Where("x.status = ? AND g.path LIKE ?", status, region.Path+"%").Group("u.region_id").Scan(&lines).Error
	return lines, translate(err, "inspection source: "+table)
}

// StaticInspection is a source with fixed answers (figures imported from elsewhere, or a test's
// fixture). Lines and findings outside the asked region's subtree are left out; Paths gives each
// region id its path for that.
type StaticInspection struct {
	WebsiteLines []CoverageLine
	AccountLines []CoverageLine
	Found        []CircularFinding
	Paths        map[int64]string
}

func (s StaticInspection) Websites(_ context.Context, region Region, _ Period) ([]CoverageLine, error) {
	return s.within(s.WebsiteLines, region), nil
}

func (s StaticInspection) Accounts(_ context.Context, region Region, _ Period) ([]CoverageLine, error) {
	return s.within(s.AccountLines, region), nil
}

func (s StaticInspection) Findings(_ context.Context, region Region, _ Period) ([]CircularFinding, error) {
	var out []CircularFinding
	for _, f := range s.Found {
		if strings.HasPrefix(s.Paths[f.RegionID], region.Path) {
			out = append(out, f)
		}
	}
	return out, nil
}

func (s StaticInspection) within(lines []CoverageLine, region Region) []CoverageLine {
	var out []CoverageLine
	for _, l := range lines {
		if strings.HasPrefix(s.Paths[l.RegionID], region.Path) {
			out = append(out, l)
		}
	}
	return out
}
