package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CircularRequest is what a circular is drafted for: a region, a period, and the issuer's choices.
// Empty dates take their defaults: the cutoff is the period's last day (or today, inside the
// period), the rectification deadline the last day of the month after the period, the issue date
// today.
type CircularRequest struct {
	Region    Region
	Period    string // 2025Q1, 2025-03, 2025
	Decimals  *int   // of 合格率; nil: 2
	Cutoff    string // YYYY-MM-DD
	Deadline  string // YYYY-MM-DD
	IssueDate string // YYYY-MM-DD
	DocNumber string // 文号, when known already; else filled in later, or declared absent
}

// DefaultDecimals is the 合格率 precision unless the issuer sets another (RULES.md "Percentages").
const DefaultDecimals = 2

// FindRegion finds a region by its code or its name (四川省, 510000).
func (s *Store) FindRegion(ctx context.Context, nameOrCode string) (Region, error) {
	var r Region
	err := s.db.WithContext(ctx).Where("code = ? OR name = ?", nameOrCode, nameOrCode).Order("level, id").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Region{}, NotFound("没有名称或代码为“" + nameOrCode + "”的地区")
	}
	return r, translate(err, "find region")
}

// Issuer is the office that issues a region's circulars: its 政府办公厅（室）, or the region's
// name with 人民政府办公厅 when the registry has none.
func (s *Store) Issuer(ctx context.Context, region Region) (string, error) {
	var names []string
	err := s.db.WithContext(ctx).Table("units").Where("region_id = ? AND kind = ?", region.ID, UnitGovernmentOffice).
		Order("id").Limit(1).Pluck("name", &names).Error
	if err != nil {
		return "", translate(err, "issuer")
	}
	if len(names) > 0 {
		return names[0], nil
	}
	return region.Name + "人民政府办公厅", nil
}

// DraftCircular gathers a circular's figures and writes its first text.
func (s *Store) DraftCircular(ctx context.Context, src InspectionSource, req CircularRequest) (*Circular, error) {
	f, err := s.CircularFigures(ctx, src, req)
	if err != nil {
		return nil, err
	}
	issuer, err := s.Issuer(ctx, req.Region)
	if err != nil {
		return nil, err
	}
	issue := req.IssueDate
	if issue == "" {
		issue = DateOf(s.clock.Now()).String()
	} else if _, err := ParseDate(issue); err != nil {
		return nil, Invalid("issue_date", "成文日期应为 YYYY-MM-DD")
	}
	// 下步要求 from the region's template, else as edited in its last published circular, else
	// DefaultRequirements.
	template, err := s.RequirementsTemplateOf(ctx, req.Region.ID)
	if err != nil {
		return nil, err
	}
	text := DraftText(f, req.Region, issuer, issue, template.Text)
	text.DocNumber = strings.TrimSpace(req.DocNumber)
	if err := text.Validate(); err != nil {
		return nil, err
	}
	return &Circular{Figures: *f, Text: text}, nil
}

// CircularFigures gathers a circular's figures from the inspection source and the rates.
func (s *Store) CircularFigures(ctx context.Context, src InspectionSource, req CircularRequest) (*CircularFigures, error) {
	now := s.clock.Now()
	p, err := ParsePeriod(req.Period, "", "", now)
	if err != nil || req.Period == "" {
		return nil, Invalid("period", "时段应为 2025Q1、2025-03 或 2025 的形式")
	}
	decimals := DefaultDecimals
	if req.Decimals != nil {
		decimals = *req.Decimals
	}
	if decimals < 0 || decimals > 4 {
		return nil, Invalid("decimals", "合格率的小数位数应为 0 到 4")
	}
	first, last := DateOf(p.From), DateOf(p.To.Add(-time.Second))
	today := DateOf(now)
	cutoff := last
	if today.Before(last) {
		cutoff = today
	}
	if req.Cutoff != "" {
		if cutoff, err = ParseDate(req.Cutoff); err != nil {
			return nil, Invalid("cutoff", "统计截止日期应为 YYYY-MM-DD")
		}
	}
	if cutoff.Before(first) || last.Before(cutoff) {
		return nil, Invalid("cutoff", "统计截止日期应在所选时段之内")
	}
	deadline := Date{Year: last.Year, Month: last.Month + 2, Day: 1}.normalize().AddDays(-1)
	if req.Deadline != "" {
		if deadline, err = ParseDate(req.Deadline); err != nil {
			return nil, Invalid("deadline", "整改期限应为 YYYY-MM-DD")
		}
	}

	regions, err := s.Regions(ctx)
	if err != nil {
		return nil, err
	}
	f := &CircularFigures{
		RegionID: req.Region.ID, RegionCode: req.Region.Code, RegionName: req.Region.Name,
		Period: req.Period, PeriodLabel: periodLabel(p), From: first.String(), To: last.String(),
		Cutoff: cutoff.String(), Deadline: deadline.String(), Decimals: decimals,
		SubregionLabel: subregionLabel(req.Region.Level), RefreshedAt: now.UTC().Truncate(time.Second),
	}
	web, err := src.Websites(ctx, req.Region, p)
	if err != nil {
		return nil, err
	}
	acc, err := src.Accounts(ctx, req.Region, p)
	if err != nil {
		return nil, err
	}
	f.Websites = rollUp(web, req.Region, regions, decimals)
	f.Accounts = rollUp(acc, req.Region, regions, decimals)
	if f.Findings, err = src.Findings(ctx, req.Region, p); err != nil {
		return nil, err
	}
	asOf := cutoff.End()
	if now.Before(asOf) {
		asOf = now
	}
	late, counts, err := s.lateRectifications(ctx, req.Region, first, cutoff, asOf)
	if err != nil {
		return nil, err
	}
	f.Findings, f.Rectifications = append(f.Findings, late...), counts
	f.WebsiteRows = attachmentRows(f.Findings, ObjectWebsite)
	f.AccountRows = attachmentRows(f.Findings, ObjectAccount)
	seen := map[string]bool{}
	for _, r := range append(append([]AttachmentRow{}, f.WebsiteRows...), f.AccountRows...) {
		if !seen[r.Unit] {
			seen[r.Unit] = true
			f.RectifyingUnits = append(f.RectifyingUnits, r.Unit)
		}
	}
	if f.Tickets, err = s.circularTickets(ctx, req.Region, first, cutoff, now, decimals); err != nil {
		return nil, err
	}
	// Lists are [] in JSON, never null, so readers need not tell "none" from "missing".
	for _, l := range []*[]string{&f.Websites.AtFull, &f.Websites.AtFullCodes, &f.Accounts.AtFull, &f.Accounts.AtFullCodes,
		&f.RectifyingUnits, &f.Tickets.MainCategories} {
		if *l == nil {
			*l = []string{}
		}
	}
	if f.Findings == nil {
		f.Findings = []CircularFinding{}
	}
	if f.Tickets.Slow == nil {
		f.Tickets.Slow = []SlowUnit{}
	}
	if f.Tickets.Categories == nil {
		f.Tickets.Categories = []NamedCount{}
	}
	return f, nil
}

// circularTickets counts the 找错 messages received from the period's first day to the cutoff,
// with the rates as of the cutoff's end (or now, if earlier).
func (s *Store) circularTickets(ctx context.Context, region Region, first, cutoff Date, now time.Time, decimals int) (TicketFigures, error) {
	asOf := cutoff.End()
	if now.Before(asOf) {
		asOf = now
	}
	// The 找错 paragraph speaks of citizens' messages: every figure in it counts those alone.
	sel := CitizenMessages
	sel.RegionPath = region.Path
	q := StatsQuery{Scope: Scope{All: true}, Selection: sel, AsOf: asOf,
		Period: Period{From: first.At(0, 0, 0), To: cutoff.AddDays(1).At(0, 0, 0), Kind: "custom"}}
	cats, err := s.CompletionTable(ctx, q, "category", region.Path)
	if err != nil {
		return TicketFigures{}, err
	}
	units, err := s.CompletionTable(ctx, q, "unit", region.Path)
	if err != nil {
		return TicketFigures{}, err
	}
	t := cats.Total
	tf := TicketFigures{Received: t.Received, Valid: t.Valid, Due: t.Due, OnTime: t.OnTime, AsOf: asOf.UTC(),
		OnTimeRate: circularPercent(t.OnTimeRate(), decimals), CompletionRate: circularPercent(t.CompletionRate(), decimals)}
	rows := append([]StatsRow{}, cats.Rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Received != rows[j].Received {
			return rows[i].Received > rows[j].Received
		}
		return rows[i].Key < rows[j].Key
	})
	for _, r := range rows {
		if r.Received > 0 {
			tf.Categories = append(tf.Categories, NamedCount{Name: r.Name, Count: r.Received})
			if len(tf.MainCategories) < 2 && r.Name != "其他" {
				tf.MainCategories = append(tf.MainCategories, r.Name)
			}
		}
	}
	for _, r := range units.Rows {
		if r.Key != "" && (r.LateClosed > 0 || r.OverdueNow > 0) {
			tf.Slow = append(tf.Slow, SlowUnit{Unit: r.Name, LateClosed: r.LateClosed, OverdueNow: r.OverdueNow})
		}
	}
	sort.SliceStable(tf.Slow, func(i, j int) bool {
		a, b := tf.Slow[i], tf.Slow[j]
		return a.LateClosed+a.OverdueNow > b.LateClosed+b.OverdueNow
	})
	return tf, nil
}

// rollUp sums coverage lines over the region's subtree, and finds the regions directly below it
// whose checked sites (or accounts) are all without problems.
func rollUp(lines []CoverageLine, root Region, regions []Region, decimals int) Coverage {
	byID := map[int64]Region{}
	var children []Region
	for _, r := range regions {
		byID[r.ID] = r
		if r.ParentID != nil && *r.ParentID == root.ID {
			children = append(children, r)
		}
	}
	sort.Slice(children, func(i, j int) bool { return children[i].Code < children[j].Code })
	var c Coverage
	per := map[int64]*CoverageLine{}
	for _, l := range lines {
		path := byID[l.RegionID].Path
		if !strings.HasPrefix(path, root.Path) {
			continue
		}
		c.Running += l.Running
		c.Checked += l.Checked
		c.WithProblems += l.WithProblems
		c.Uninspected += l.Uninspected
		for _, ch := range children {
			if strings.HasPrefix(path, ch.Path) {
				if per[ch.ID] == nil {
					per[ch.ID] = &CoverageLine{RegionID: ch.ID}
				}
				per[ch.ID].Checked += l.Checked
				per[ch.ID].WithProblems += l.WithProblems
				per[ch.ID].Uninspected += l.Uninspected
			}
		}
	}
	c.Qualified = c.Checked - c.WithProblems
	c.PassRate = circularPercent(Rate{c.Qualified, c.Checked}, decimals)
	c.Subregions = len(children)
	for _, ch := range children {
		// A region with a site nobody could inspect is not said to be at 100%.
		if l := per[ch.ID]; l != nil && l.Checked > 0 && l.WithProblems == 0 && l.Uninspected == 0 {
			name := ch.ShortName
			if name == "" {
				name = ch.Name
			}
			c.AtFull = append(c.AtFull, name)
			c.AtFullCodes = append(c.AtFullCodes, ch.Code)
		}
	}
	return c
}

func subregionLabel(level int) string {
	switch level {
	case LevelProvince:
		return "市（州）"
	case LevelCity:
		return "县（市、区）"
	}
	return "乡镇（街道）"
}

// periodLabel writes a quarter as 2025年第一季度, as circulars do; other periods as ParsePeriod does.
func periodLabel(p Period) string {
	if p.Kind == "quarter" {
		return fmt.Sprintf("%d年第%s季度", p.From.In(Shanghai).Year(), ordinal((int(p.From.In(Shanghai).Month())-1)/3))
	}
	return p.Label
}

// normalize carries a month past December into the next year.
func (d Date) normalize() Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, Shanghai))
}

// circularPercent is a rate as circulars write it: with the issuer's decimals, except a whole
// 100%, which they write without any ("合格率99.86%" beside "按期办结率为100%").
func circularPercent(r Rate, decimals int) string {
	if r.Den > 0 && r.Num == r.Den {
		return "100%"
	}
	return r.Percent(decimals)
}
