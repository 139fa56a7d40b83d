package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"zhaocuo/models/indicator"
)

// InspectionTables is the source over the inspector's own tables: the rounds' per-site results
// and the 新媒体 imports, with their findings.
//
// What it counts, and why:
//   - Running is the registry's, as RegistryInspection counts it: websites running, accounts
//     active.
//   - Checked is the running sites with a finished result in the period (a result the inspector
//     could not produce, ResultFailed, is no check), and the active accounts with a result in an
//     import of the period.
//   - Uninspected is the running sites whose every result of the period is ResultFailed (their
//     homepage never opened, say): nobody saw them, so they are neither 合格 nor 不合格 and stay
//     out of 合格率, and the circular says how many they were.
//   - Each site or account is judged on its latest check of the period. A finding of an earlier
//     check that the latest no longer shows has been resolved; one the latest still shows is
//     outstanding at the period's end. (A check after the period does not change the period's
//     figures, so a draft refreshed later still says what the quarter was.)
//   - A finding counts as the inspection code decides (Finding.Counts: confirmed, either by the
//     inspector or by a person; suspected ones wait, dismissed ones never count) and is not an
//     early warning (预警: no points and no veto by the inspector's own scoring).
//   - A site is "with problems" when that latest result's verdict is 不合格, the verdict the
//     inspector gives from the findings that count (and gives again when a person decides): a
//     confirmed 单项否决, or deductions below the pass mark. 合格率 is 合格数 / 检查数 with 合格 as
//     the national check defines it, so a site with a broken link on an inner page is still 合格,
//     as in the published circulars (中山市: 16 sites with stale columns, 合格率 98.9%).
//   - An account is "with problems" when its latest result has a confirmed 单项否决 finding: the
//     national check of 新媒体 is its three veto indicators (安全, 更新, 互动), and its 扣分 items
//     cannot take an account below the pass mark.
//
// Findings names exactly what made each of those fail: the site's vetoes, or, where it failed
// on points, the findings that deducted them; one CircularFinding per site (or account) and kind
// of problem, so forty broken links are one line that says so.
type InspectionTables struct{ Store *Store }

// check is one site's result in a round, or one account's in an import.
type check struct {
	ID       int64 // the result's id
	ObjectID int64 // the website or the account
	BatchID  int64 // the round or the import
	Verdict  string
	Score    float64
	Name     string
	Platform string
	UnitID   int64
	Unit     string
	RegionID int64
	At       time.Time
}

func (t InspectionTables) Websites(ctx context.Context, region Region, p Period) ([]CoverageLine, error) {
	running, err := RegistryInspection(t).Websites(ctx, region, p)
	if err != nil {
		return nil, err
	}
	checks, err := t.siteChecks(ctx, region, p)
	if err != nil {
		return nil, err
	}
	lines := coverage(running, checks, func(c check) bool { return c.Verdict == indicator.Fail })
	failed, err := t.uninspectedSites(ctx, region, p, checks)
	if err != nil {
		return nil, err
	}
	return addUninspected(lines, failed), nil
}

// uninspectedSites returns, by region, how many running sites have results in the period that
// all failed: none in checks, the sites checked in the period.
func (t InspectionTables) uninspectedSites(ctx context.Context, region Region, p Period, checks []check) (map[int64]int64, error) {
	var rows []struct{ WebsiteID, RegionID int64 }
	err := t.Store.db.WithContext(ctx).Table("inspection_results ir").Distinct("ir.website_id, u.region_id").
		Joins("JOIN websites w ON w.id = ir.website_id").Joins("JOIN units u ON u.id = w.unit_id").
		Joins("JOIN regions g ON g.id = u.region_id").
		Where("w.status = ? AND g.path LIKE ? AND ir.status = ? AND ir.finished_at >= ? AND ir.finished_at < ?",
			SiteRunning, region.Path+"%", ResultFailed, p.From.UTC(), p.To.UTC()).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "inspection tables: uninspected sites")
	}
	checked := map[int64]bool{}
	for _, c := range checks {
		checked[c.ObjectID] = true
	}
	out := map[int64]int64{}
	for _, r := range rows {
		if !checked[r.WebsiteID] {
			out[r.RegionID]++
		}
	}
	return out, nil
}

// addUninspected adds the counts of sites not inspected to the lines of their regions.
func addUninspected(lines []CoverageLine, byRegion map[int64]int64) []CoverageLine {
	for i := range lines {
		lines[i].Uninspected = byRegion[lines[i].RegionID]
		delete(byRegion, lines[i].RegionID)
	}
	for id, n := range byRegion { // the registry changed between the reads: keep them anyway
		lines = append(lines, CoverageLine{RegionID: id, Uninspected: n})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].RegionID < lines[j].RegionID })
	return lines
}

func (t InspectionTables) Accounts(ctx context.Context, region Region, p Period) ([]CoverageLine, error) {
	running, err := RegistryInspection(t).Accounts(ctx, region, p)
	if err != nil {
		return nil, err
	}
	checks, err := t.accountChecks(ctx, region, p)
	if err != nil {
		return nil, err
	}
	vetoed, err := t.accountVetoes(ctx, checks)
	if err != nil {
		return nil, err
	}
	return coverage(running, checks, func(c check) bool { return len(vetoed[c.ID]) > 0 }), nil
}

func (t InspectionTables) Findings(ctx context.Context, region Region, p Period) ([]CircularFinding, error) {
	sites, err := t.siteChecks(ctx, region, p)
	if err != nil {
		return nil, err
	}
	out, err := t.siteFindings(ctx, sites)
	if err != nil {
		return nil, err
	}
	accounts, err := t.accountChecks(ctx, region, p)
	if err != nil {
		return nil, err
	}
	vetoed, err := t.accountVetoes(ctx, accounts)
	if err != nil {
		return nil, err
	}
	for _, c := range accounts {
		out = append(out, circularFindings(ObjectAccount, c, vetoed[c.ID])...)
	}
	return out, nil
}

// siteChecks returns each running site's latest finished result of the period, by region and name.
func (t InspectionTables) siteChecks(ctx context.Context, region Region, p Period) ([]check, error) {
	var rows []check
	err := t.Store.db.WithContext(ctx).Table("inspection_results ir").
		Select(`ir.id, ir.website_id AS object_id, ir.round_id AS batch_id, ir.verdict, ir.score, w.name,
			u.id AS unit_id, u.name AS unit, u.region_id, ir.finished_at AS at`).
		Joins("JOIN websites w ON w.id = ir.website_id").Joins("JOIN units u ON u.id = w.unit_id").
		Joins("JOIN regions g ON g.id = u.region_id").
		Where("w.status = ? AND g.path LIKE ? AND ir.status = ? AND ir.finished_at >= ? AND ir.finished_at < ?",
			SiteRunning, region.Path+"%", ResultDone, p.From.UTC(), p.To.UTC()).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "inspection tables: site checks")
	}
	return latest(rows), nil
}

// accountChecks returns each active account's result in the latest import of the period that
// has one, by region and name.
func (t InspectionTables) accountChecks(ctx context.Context, region Region, p Period) ([]check, error) {
	var rows []check
	err := t.Store.db.WithContext(ctx).Table("media_account_results r").
		Select(`r.id, r.account_id AS object_id, r.import_id AS batch_id, a.name, a.platform,
			u.id AS unit_id, u.name AS unit, u.region_id, i.imported_at AS at`).
		Joins("JOIN media_account_imports i ON i.id = r.import_id").Joins("JOIN media_accounts a ON a.id = r.account_id").
		Joins("JOIN units u ON u.id = a.unit_id").Joins("JOIN regions g ON g.id = u.region_id").
		Where("a.status = ? AND g.path LIKE ? AND i.imported_at >= ? AND i.imported_at < ?",
			AccountActive, region.Path+"%", p.From.UTC(), p.To.UTC()).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "inspection tables: account checks")
	}
	return latest(rows), nil
}

// latest keeps each object's latest check (by time, then id), ordered by region, name and object.
func latest(rows []check) []check {
	last := map[int64]check{}
	for _, r := range rows {
		l, ok := last[r.ObjectID]
		if !ok || r.At.After(l.At) || (r.At.Equal(l.At) && r.ID > l.ID) {
			last[r.ObjectID] = r
		}
	}
	out := make([]check, 0, len(last))
	for _, c := range last {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.RegionID != b.RegionID {
			return a.RegionID < b.RegionID
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ObjectID < b.ObjectID
	})
	return out
}

// coverage adds the checked and failing counts to the registry's running lines, per region.
func coverage(running []CoverageLine, checks []check, failing func(check) bool) []CoverageLine {
	byRegion := map[int64]*CoverageLine{}
	for _, l := range running {
		byRegion[l.RegionID] = &l
	}
	for _, c := range checks {
		l := byRegion[c.RegionID]
		if l == nil { // the registry changed between the two reads: keep the check anyway
			l = &CoverageLine{RegionID: c.RegionID}
			byRegion[c.RegionID] = l
		}
		l.Checked++
		if failing(c) {
			l.WithProblems++
		}
	}
	lines := make([]CoverageLine, 0, len(byRegion))
	for _, l := range byRegion {
		lines = append(lines, *l)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].RegionID < lines[j].RegionID })
	return lines
}

// countingFindings reads the findings that count of the given batches and objects, keyed by
// batch and object: confirmed (Finding.Counts) and not an early warning.
func (t InspectionTables) countingFindings(ctx context.Context, batch, object string, checks []check) (map[[2]int64][]Finding, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	batches, objects := map[int64]bool{}, map[int64]bool{}
	var batchIDs, objectIDs []int64
	for _, c := range checks {
		if !batches[c.BatchID] {
			batches[c.BatchID] = true
			batchIDs = append(batchIDs, c.BatchID)
		}
		if !objects[c.ObjectID] {
			objects[c.ObjectID] = true
			objectIDs = append(objectIDs, c.ObjectID)
		}
	}
	var fs []Finding
	err := t.Store.db.WithContext(ctx).Where(batch+" IN ? AND "+object+" IN ? AND status = ? AND warning = ?",
		batchIDs, objectIDs, FindingConfirmed, false).Order("id").Find(&fs).Error
	if err != nil {
		return nil, translate(err, "inspection tables: findings")
	}
	out := map[[2]int64][]Finding{}
	for _, f := range fs {
		var b, o int64
		switch {
		case batch == "round_id" && f.RoundID != nil && f.WebsiteID != nil:
			b, o = *f.RoundID, *f.WebsiteID
		case batch == "import_id" && f.ImportID != nil && f.AccountID != nil:
			b, o = *f.ImportID, *f.AccountID
		default:
			continue
		}
		out[[2]int64{b, o}] = append(out[[2]int64{b, o}], f)
	}
	return out, nil
}

// accountVetoes returns, by result id, the confirmed 单项否决 findings of each account's check.
func (t InspectionTables) accountVetoes(ctx context.Context, checks []check) (map[int64][]Finding, error) {
	counting, err := t.countingFindings(ctx, "import_id", "account_id", checks)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Finding{}
	for _, c := range checks {
		for _, f := range counting[[2]int64{c.BatchID, c.ObjectID}] {
			if f.Veto {
				out[c.ID] = append(out[c.ID], f)
			}
		}
	}
	return out, nil
}

// siteFindings names what made each failing site fail: its vetoes if it has any, else the
// findings that took points off. A failing result whose findings no longer explain it (the
// score table changed) is still named, with its score.
func (t InspectionTables) siteFindings(ctx context.Context, checks []check) ([]CircularFinding, error) {
	var failing []check
	for _, c := range checks {
		if c.Verdict == indicator.Fail {
			failing = append(failing, c)
		}
	}
	counting, err := t.countingFindings(ctx, "round_id", "website_id", failing)
	if err != nil {
		return nil, err
	}
	var out []CircularFinding
	for _, c := range failing {
		var vetoes, deducted []Finding
		for _, f := range counting[[2]int64{c.BatchID, c.ObjectID}] {
			switch {
			case f.Veto:
				vetoes = append(vetoes, f)
			case f.Points > 0:
				deducted = append(deducted, f)
			}
		}
		named := vetoes
		if len(named) == 0 {
			named = deducted
		}
		if len(named) == 0 {
			out = append(out, CircularFinding{Object: ObjectWebsite, Name: c.Name, UnitID: c.UnitID, Unit: c.Unit, RegionID: c.RegionID,
				Indicator: "检查不合格", Problem: fmt.Sprintf("检查得分%g分，不合格", c.Score)})
			continue
		}
		out = append(out, circularFindings(ObjectWebsite, c, named)...)
	}
	return out, nil
}

// circularFindings turns one check's findings into the circular's lines: one per kind of
// problem (type and indicator), in the order first found, counting repeats.
func circularFindings(object string, c check, fs []Finding) []CircularFinding {
	type kind struct{ typ, indicator string }
	var order []kind
	n := map[kind]int{}
	veto := map[kind]bool{}
	for _, f := range fs {
		k := kind{f.Type, f.Indicator}
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
		veto[k] = veto[k] || f.Veto
	}
	out := make([]CircularFinding, 0, len(order))
	for _, k := range order {
		out = append(out, CircularFinding{Object: object, Name: c.Name, Platform: c.Platform, UnitID: c.UnitID, Unit: c.Unit,
			RegionID: c.RegionID, Indicator: k.indicator, Problem: problemText(k.typ, k.indicator, veto[k], n[k]), Veto: veto[k]})
	}
	return out
}

// problemText says a kind of finding as a circular's 附件 does (存在的突出问题), following the
// site's or account's name.
func problemText(typ, ind string, veto bool, n int) string {
	several := func(s, unit string) string {
		if n > 1 {
			return fmt.Sprintf("%s（%d%s）", s, n, unit)
		}
		return s
	}
	switch typ {
	case indicator.TypeHiddenLink:
		if veto {
			return "页面被加挂非法暗链"
		}
		return several("存在隐藏链接", "处")
	case indicator.TypeTypo:
		if veto {
			return "出现严重表述错误"
		}
		return several("存在错敏字", "处")
	case indicator.TypeWording:
		if veto {
			return "出现严重表述错误"
		}
		return several("存在不规范表述", "处")
	case indicator.TypeDuplicatePost:
		return "存在一稿多发的弄虚作假行为"
	case indicator.TypeUnreachable:
		return indicator.Unreachable // the indicator's name says it
	case indicator.TypeHomepageStale:
		return "首页超过2周未更新"
	case indicator.TypeStaleColumn:
		return several("栏目更新不及时", "个")
	case indicator.TypeBlankColumn:
		return several("存在空白栏目", "个")
	case indicator.TypeDeadLink:
		return several(ind, "处")
	case indicator.TypeMissingBadge:
		return "未规范添加“我为政府网站找错”标识"
	case indicator.TypeMissingFooterMark:
		return several("页脚标识不全", "项")
	case indicator.TypeMissingEmblem:
		return "首页未规范展示国徽"
	case indicator.TypeMissingMeta:
		return several("网页元数据不规范", "类")
	case indicator.TypePersonalData:
		return several("存在个人信息泄露", "处")
	case indicator.TypeAccountStale:
		return "超过2周未更新，信息处于停滞状态"
	case indicator.TypeNoInteraction:
		return "互动功能不可用"
	case indicator.TypeDeadMenuLink:
		return several("菜单链接不可用", "处")
	case indicator.TypeLedgerMismatch:
		return indicator.Ledger // the indicator's name says it
	}
	return several(ind, "处")
}
