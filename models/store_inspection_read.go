package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"zhaocuo/models/indicator"
)

// RoundRow is a round as the list shows it, its progress counted within the reader's scope.
type RoundRow struct {
	InspectionRound
	Total, Done, Failed, Failing int // sites in scope: all, done, not inspectable, 不合格
	IPv6Checked, IPv6OK          int // inspected sites whose IPv6 was checked, and those that answered over it
	Partial                      int // inspected sites whose crawl a limit stopped (部分检查)
}

// IPv6Rate is the round's IPv6 support rate: the inspected sites that answered over IPv6 out of
// those checked for it ("—" when none was).
func (r RoundRow) IPv6Rate() string { return Rate{int64(r.IPv6OK), int64(r.IPv6Checked)}.Percent(1) }

// Progress is the share of the round's sites in scope that are finished, in percent.
func (r RoundRow) Progress() int {
	if r.Total == 0 {
		return 100
	}
	return (r.Done + r.Failed) * 100 / r.Total
}

// resultsInScope is the results of sites within the scope, aliased ir (with w and u joined).
func (s *Store) resultsInScope(ctx context.Context, sc Scope) *gorm.DB {
	q := s.db.WithContext(ctx).Table("inspection_results ir").
		Joins("JOIN websites w ON w.id = ir.website_id").Joins("JOIN units u ON u.id = w.unit_id")
	return sc.units(q, "u")
}

// Rounds returns the latest rounds that touched a site within the scope, newest first.
func (s *Store) Rounds(ctx context.Context, sc Scope, limit int) ([]RoundRow, error) {
	var counts []struct {
		RoundID                      int64
		Total, Done, Failed, Failing int
		IPv6Checked                  int `gorm:"column:ipv6_checked"`
		IPv6OK                       int `gorm:"column:ipv6_ok"`
		Partial                      int
	}
	err := s.resultsInScope(ctx, sc).Select(`ir.round_id, COUNT(*) AS total,
		SUM(CASE WHEN ir.status = ? THEN 1 ELSE 0 END) AS done,
		SUM(CASE WHEN ir.status = ? THEN 1 ELSE 0 END) AS failed,
		SUM(CASE WHEN ir.verdict = ? THEN 1 ELSE 0 END) AS failing,
		SUM(CASE WHEN ir.status = ? AND ir.ipv6_ok IS NOT NULL THEN 1 ELSE 0 END) AS ipv6_checked,
		SUM(CASE WHEN ir.status = ? AND ir.ipv6_ok THEN 1 ELSE 0 END) AS ipv6_ok,
		SUM(CASE WHEN ir.status = ? AND ir.stopped <> '' THEN 1 ELSE 0 END) AS partial`,
		ResultDone, ResultFailed, indicator.Fail, ResultDone, ResultDone, ResultDone).
		Group("ir.round_id").Order("ir.round_id DESC").Limit(limit).Scan(&counts).Error
	if err != nil {
		return nil, translate(err, "rounds")
	}
	if len(counts) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(counts))
	for i, c := range counts {
		ids[i] = c.RoundID
	}
	var rounds []InspectionRound
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rounds).Error; err != nil {
		return nil, translate(err, "rounds")
	}
	byID := map[int64]InspectionRound{}
	for _, r := range rounds {
		byID[r.ID] = r
	}
	rows := make([]RoundRow, 0, len(counts))
	for _, c := range counts {
		rows = append(rows, RoundRow{InspectionRound: byID[c.RoundID], Total: c.Total, Done: c.Done, Failed: c.Failed, Failing: c.Failing,
			IPv6Checked: c.IPv6Checked, IPv6OK: c.IPv6OK, Partial: c.Partial})
	}
	return rows, nil
}

// ResultRow is a site's result in a round, with its site and what was found.
type ResultRow struct {
	InspectionResult
	WebsiteName string
	UnitName    string
	HomeURL     string
	Confirmed   int // findings that count
	Suspected   int // findings waiting for a person
	Vetoes      int // confirmed 单项否决
}

const resultColumns = `ir.*, w.name AS website_name, u.name AS unit_name, w.home_url,
	(SELECT COUNT(*) FROM inspection_findings f WHERE f.round_id = ir.round_id AND f.website_id = ir.website_id AND f.status = 'confirmed') AS confirmed,
	(SELECT COUNT(*) FROM inspection_findings f WHERE f.round_id = ir.round_id AND f.website_id = ir.website_id AND f.status = 'suspected') AS suspected,
	(SELECT COUNT(*) FROM inspection_findings f WHERE f.round_id = ir.round_id AND f.website_id = ir.website_id AND f.status = 'confirmed' AND f.veto) AS vetoes`

// RoundResults returns a round, counted over the sites within the scope as Rounds counts it, and
// their results; a round with none of them is not found.
func (s *Store) RoundResults(ctx context.Context, sc Scope, roundID int64) (*RoundRow, []ResultRow, error) {
	var rows []ResultRow
	err := s.resultsInScope(ctx, sc).Select(resultColumns).Where("ir.round_id = ?", roundID).
		Order("w.id").Scan(&rows).Error
	if err != nil {
		return nil, nil, translate(err, "round results")
	}
	if len(rows) == 0 {
		return nil, nil, NotFound("未找到该轮检查")
	}
	round, err := s.Round(ctx, roundID)
	if err != nil {
		return nil, nil, err
	}
	rr := &RoundRow{InspectionRound: *round, Total: len(rows)}
	for _, r := range rows {
		switch r.Status {
		case ResultDone:
			rr.Done++
			if r.Partial() != "" {
				rr.Partial++
			}
			if r.IPv6OK != nil {
				rr.IPv6Checked++
				if *r.IPv6OK {
					rr.IPv6OK++
				}
			}
		case ResultFailed:
			rr.Failed++
		}
		if r.Fails() {
			rr.Failing++
		}
	}
	return rr, rows, nil
}

// Result returns a site's result with its findings, in order of indicator; out of the scope it
// is not found.
func (s *Store) Result(ctx context.Context, sc Scope, resultID int64) (*ResultRow, []Finding, error) {
	var rows []ResultRow
	if err := s.resultsInScope(ctx, sc).Select(resultColumns).Where("ir.id = ?", resultID).Scan(&rows).Error; err != nil {
		return nil, nil, translate(err, "result")
	}
	if len(rows) == 0 {
		return nil, nil, NotFound("未找到该网站的检查结果")
	}
	var findings []Finding
	err := s.db.WithContext(ctx).Where("round_id = ? AND website_id = ?", rows[0].RoundID, rows[0].WebsiteID).
		Order("indicator, type, id").Find(&findings).Error
	if err != nil {
		return nil, nil, translate(err, "result findings")
	}
	if err := s.ticketNumbers(ctx, findings); err != nil {
		return nil, nil, err
	}
	return &rows[0], findings, nil
}

// findingInScope reads a finding whose site or account belongs to a unit within the scope.
func (s *Store) findingInScope(tx *gorm.DB, sc Scope, id int64) (*Finding, error) {
	q := tx.Table("inspection_findings f").Select("f.*").
		Joins("LEFT JOIN websites w ON w.id = f.website_id").
		Joins("LEFT JOIN media_accounts a ON a.id = f.account_id").
		Joins("JOIN units u ON u.id = COALESCE(w.unit_id, a.unit_id)").Where("f.id = ?", id)
	var rows []Finding
	if err := sc.units(q, "u").Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, NotFound("未找到该问题")
	}
	return &rows[0], nil
}

// Finding returns one finding within the scope.
func (s *Store) Finding(ctx context.Context, sc Scope, id int64) (*Finding, error) {
	f, err := s.findingInScope(s.db.WithContext(ctx), sc, id)
	return f, translate(err, "finding")
}

// DecideFinding confirms or dismisses a suspected finding on behalf of a supervisor or an
// administrator, and scores the site's result again, in one transaction.
func (s *Store) DecideFinding(ctx context.Context, actor *User, sc Scope, id int64, confirm bool) (*Finding, error) {
	if actor.Role != RoleSupervisor && actor.Role != RoleAdmin {
		return nil, Forbidden("只有主管单位和管理员可以确认或排除问题")
	}
	var f *Finding
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var err error
		if f, err = s.findingInScope(tx, sc, id); err != nil {
			return err
		}
		old := f.Status
		if err := f.Decide(confirm, actor.ID, s.now()); err != nil {
			return err
		}
		res := tx.Model(&Finding{}).Where("id = ? AND status = ?", f.ID, old).
			Updates(map[string]any{"status": f.Status, "decided_by": f.DecidedBy, "decided_at": f.DecidedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Conflict("该问题已被他人处理，请刷新后重试")
		}
		if f.RoundID == nil || f.WebsiteID == nil {
			return nil
		}
		return s.rescore(tx, *f.RoundID, *f.WebsiteID)
	})
	if err != nil {
		return nil, translate(err, "decide finding")
	}
	return f, nil
}

// rescore gives a finished site result the verdict and score of the findings that count now.
func (s *Store) rescore(tx *gorm.DB, roundID, websiteID int64) error {
	var counting []Finding
	if err := tx.Where("round_id = ? AND website_id = ? AND status = ?", roundID, websiteID, FindingConfirmed).Find(&counting).Error; err != nil {
		return err
	}
	verdict, points := s.score(counting)
	return tx.Model(&InspectionResult{}).Where("round_id = ? AND website_id = ? AND status = ?", roundID, websiteID, ResultDone).
		Updates(map[string]any{"verdict": verdict, "score": points}).Error
}

// RecordProbe stores one availability probe.
func (s *Store) RecordProbe(ctx context.Context, p AvailabilityProbe) error {
	p.ID = 0
	p.At = p.At.UTC().Truncate(time.Second)
	p.Error = cut(p.Error, 512)
	return translate(s.db.WithContext(ctx).Create(&p).Error, "record probe")
}

// Probes returns a site's probes since a time, oldest first.
func (s *Store) Probes(ctx context.Context, websiteID int64, since time.Time) ([]AvailabilityProbe, error) {
	var ps []AvailabilityProbe
	err := s.db.WithContext(ctx).Where("website_id = ? AND at >= ?", websiteID, since.UTC()).Order("at, id").Find(&ps).Error
	return ps, translate(err, "probes")
}

// ticketNumbers fills in the numbers of the tickets findings were sent as.
func (s *Store) ticketNumbers(ctx context.Context, findings []Finding) error {
	var ids []int64
	for _, f := range findings {
		if f.TicketID != nil {
			ids = append(ids, *f.TicketID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID       int64
		TicketNo string
	}
	if err := s.db.WithContext(ctx).Table("tickets").Select("id, ticket_no").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return translate(err, "finding tickets")
	}
	nos := map[int64]string{}
	for _, r := range rows {
		nos[r.ID] = r.TicketNo
	}
	for i := range findings {
		if findings[i].TicketID != nil {
			findings[i].TicketNo = nos[*findings[i].TicketID]
		}
	}
	return nil
}
