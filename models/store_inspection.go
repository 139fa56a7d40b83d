package models

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"zhaocuo/models/indicator"
)

// InspectionSite is a running website as the inspector needs it: its homepage first, then the
// other addresses that belong to it.
type InspectionSite struct {
	ID             int64
	Name           string
	UnitID         int64
	UnitName       string
	UnitKind       string
	Kind           string // SitePortal or SiteDepartment
	IdentifierCode string // 网站标识码, as registered
	HomeURL        string
	BaseURLs       []string `gorm:"-"`
}

// GovPortal: the site is the portal of a government office (政府办公厅（室）), i.e. a 县级以上人民政府
// portal, which must carry the 国徽.
func (s InspectionSite) GovPortal() bool {
	return s.Kind == SitePortal && s.UnitKind == UnitGovernmentOffice
}

// InspectionSites returns the running websites within the scope, with their addresses.
func (s *Store) InspectionSites(ctx context.Context, sc Scope) ([]InspectionSite, error) {
	return s.inspectionSites(ctx, sc, 0)
}

// inspectionSites reads the running sites in the scope, or the one site id names.
func (s *Store) inspectionSites(ctx context.Context, sc Scope, websiteID int64) ([]InspectionSite, error) {
	var sites []InspectionSite
	q := s.db.WithContext(ctx).Table("websites w").Select("w.id, w.name, w.unit_id, u.name AS unit_name, u.kind AS unit_kind, w.kind, w.identifier_code, w.home_url").
		Joins("JOIN units u ON u.id = w.unit_id").Where("w.status = ?", SiteRunning)
	if websiteID != 0 {
		q = q.Where("w.id = ?", websiteID)
	}
	if err := sc.units(q, "u").Order("w.id").Scan(&sites).Error; err != nil {
		return nil, translate(err, "inspection sites")
	}
	if len(sites) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(sites))
	for i := range sites {
		ids[i] = sites[i].ID
	}
	var bases []WebsiteBase
	if err := s.db.WithContext(ctx).Where("website_id IN ?", ids).Order("id").Find(&bases).Error; err != nil {
		return nil, translate(err, "inspection sites")
	}
	byID := map[int64]*InspectionSite{}
	for i := range sites {
		sites[i].BaseURLs = []string{sites[i].HomeURL}
		byID[sites[i].ID] = &sites[i]
	}
	for _, b := range bases {
		site := byID[b.WebsiteID]
		scheme := "https"
		if u, err := url.Parse(site.HomeURL); err == nil && u.Scheme != "" {
			scheme = u.Scheme
		}
		prefix := b.PathPrefix
		if !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		base := scheme + "://" + b.Host + prefix
		if base != site.HomeURL {
			site.BaseURLs = append(site.BaseURLs, base)
		}
	}
	return sites, nil
}

// InspectionSite returns one running website, whatever the scope: the site task's view.
func (s *Store) InspectionSite(ctx context.Context, websiteID int64) (*InspectionSite, error) {
	sites, err := s.inspectionSites(ctx, Scope{All: true}, websiteID)
	if err != nil {
		return nil, err
	}
	if len(sites) == 0 {
		return nil, NotFound("网站不存在或已关闭")
	}
	return &sites[0], nil
}

// StartRound opens a round over the running sites within the scope, with a pending result for
// each, in one transaction. It returns the round's RoundStarted for the caller to dispatch: the
// round's task queues one task per site (PendingSites).
func (s *Store) StartRound(ctx context.Context, kind string, sc Scope, by *int64) (*InspectionRound, []Event, error) {
	return s.StartRoundMode(ctx, kind, RoundFull, sc, by)
}

// StartRoundMode is StartRound for a round of the mode: full, or incremental (a daily round).
func (s *Store) StartRoundMode(ctx context.Context, kind, mode string, sc Scope, by *int64) (*InspectionRound, []Event, error) {
	if kind != RoundScheduled && kind != RoundOnDemand {
		return nil, nil, Invalid("kind", "未知的检查类型")
	}
	if mode != RoundFull && mode != RoundIncremental {
		return nil, nil, Invalid("mode", "未知的检查方式（全量或增量）")
	}
	sites, err := s.InspectionSites(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	if len(sites) == 0 {
		return nil, nil, Invalid("round", "范围内没有运行中的网站")
	}
	now := s.now()
	round := &InspectionRound{Kind: kind, Mode: mode, Status: RoundRunning, StartedBy: by, SitesTotal: len(sites), CreatedAt: now}
	if !sc.All && sc.RegionID != 0 {
		round.RegionID = &sc.RegionID
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(round).Error; err != nil {
			return err
		}
		results := make([]InspectionResult, len(sites))
		for i, site := range sites {
			results[i] = InspectionResult{RoundID: round.ID, WebsiteID: site.ID, Status: ResultPending}
		}
		return tx.CreateInBatches(results, 200).Error
	})
	if err != nil {
		return nil, nil, translate(err, "start round")
	}
	return round, []Event{RoundStarted{RoundID: round.ID, ActorID: by, RegionID: round.RegionID}}, nil
}

// Round returns a round by id, whatever the scope: the site task's view.
func (s *Store) Round(ctx context.Context, id int64) (*InspectionRound, error) {
	var r InspectionRound
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, translate(err, "round")
	}
	return &r, nil
}

// SiteResult returns the result of a site in a round, whatever the scope: the site task's view.
func (s *Store) SiteResult(ctx context.Context, roundID, websiteID int64) (*InspectionResult, error) {
	var r InspectionResult
	err := s.db.WithContext(ctx).Where("round_id = ? AND website_id = ?", roundID, websiteID).Take(&r).Error
	if err != nil {
		return nil, translate(err, "site result")
	}
	return &r, nil
}

// FinishSite stores what a site task found, in one transaction: the findings (with the decisions
// people made on the same findings in earlier rounds carried over), the site's verdict and score
// from the findings that count, and the round's progress. A result already finished is left as
// it is, so a task that runs twice counts once.
func (s *Store) FinishSite(ctx context.Context, roundID, websiteID int64, out SiteOutcome) error {
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		findings, err := carryOver(tx, "website_id", websiteID, out.Findings)
		if err != nil {
			return err
		}
		// The site's exceptions in force are not raised again (finding_exceptions.go).
		if findings, err = withoutExceptions(tx, websiteID, findings); err != nil {
			return err
		}
		round, site := roundID, websiteID
		var counting []Finding
		for i := range findings {
			findings[i].RoundID, findings[i].WebsiteID = &round, &site
			if findings[i].Counts() {
				counting = append(counting, findings[i])
			}
		}
		status, verdict, points := ResultDone, "", 0.0
		if out.Error != "" {
			status = ResultFailed
		} else {
			verdict, points = s.score(counting)
		}
		started, finished := out.StartedAt.UTC().Truncate(time.Second), out.FinishedAt.UTC().Truncate(time.Second)
		if out.StartedAt.IsZero() {
			started = now
		}
		if out.FinishedAt.IsZero() {
			finished = now
		}
		update := map[string]any{"status": status, "verdict": verdict, "score": points, "pages": out.Pages, "links": out.Links,
			"stopped": cut(out.Stopped, 64), "error": cut(out.Error, 512), "started_at": started, "finished_at": finished}
		if v6 := out.IPv6; v6 != nil {
			update["ipv6_aaaa"], update["ipv6_ok"], update["ipv6_note"] = v6.AAAA, v6.OK, cut(v6.Note, 255)
		}
		res := tx.Model(&InspectionResult{}).Where("round_id = ? AND website_id = ? AND status = ?", roundID, websiteID, ResultPending).
			Updates(update)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // finished before: nothing to do
		}
		if len(findings) > 0 {
			if err := tx.CreateInBatches(findings, 200).Error; err != nil {
				return err
			}
		}
		counter := "sites_done"
		if status == ResultFailed {
			counter = "sites_failed"
		}
		if err := tx.Exec("UPDATE inspection_rounds SET "+counter+" = "+counter+" + 1 WHERE id = ?", roundID).Error; err != nil {
			return err
		}
		return tx.Exec("UPDATE inspection_rounds SET status = ?, finished_at = ? WHERE id = ? AND status = ? AND sites_done + sites_failed >= sites_total",
			RoundFinished, now, roundID, RoundRunning).Error
	})
	return translate(err, "finish site")
}

// score gives the verdict and score of a site from the findings that count, by the 扣分 table
// (indicator.DefaultScoreTable unless a test set another).
func (s *Store) score(counting []Finding) (verdict string, points float64) {
	table := indicator.DefaultScoreTable()
	if s.scores != nil {
		table = *s.scores
	}
	marks := make([]indicator.Mark, len(counting))
	for i := range counting {
		marks[i] = counting[i].mark()
	}
	return table.Score(marks)
}

// carryOver sets each new finding's status: a suspected one takes the last decision a person
// made on a finding with the same key of the same site (or account); the others are confirmed.
func carryOver(tx *gorm.DB, column string, id int64, in []Finding) ([]Finding, error) {
	out := make([]Finding, len(in))
	copy(out, in)
	var keys []string
	for i := range out {
		out[i].ID = 0
		out[i].Status = FindingConfirmed
		out[i].SeenAt = out[i].SeenAt.UTC().Truncate(time.Second)
		out[i].Type, out[i].Indicator = cut(out[i].Type, 32), cut(out[i].Indicator, 64)
		out[i].URL, out[i].Target, out[i].Page = cut(out[i].URL, 2048), cut(out[i].Target, 2048), cut(out[i].Page, 2048)
		out[i].Evidence = cut(out[i].Evidence, 4000)
		if out[i].Suspected {
			out[i].Status = FindingSuspected
			keys = append(keys, out[i].FindingKey)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	var decided []Finding
	err := tx.Where(column+" = ? AND finding_key IN ? AND decided_at IS NOT NULL", id, keys).Order("decided_at, id").Find(&decided).Error
	if err != nil {
		return nil, err
	}
	last := map[string]Finding{}
	for _, d := range decided {
		last[d.FindingKey] = d
	}
	for i := range out {
		if d, ok := last[out[i].FindingKey]; ok && out[i].Suspected {
			out[i].Status, out[i].DecidedBy, out[i].DecidedAt = d.Status, d.DecidedBy, d.DecidedAt
		}
	}
	return out, nil
}

// cut shortens s to at most n bytes (so at most n characters too), at a character boundary,
// for columns of a fixed size.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// PendingSites returns the sites of a round whose tasks have not finished.
func (s *Store) PendingSites(ctx context.Context, roundID int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&InspectionResult{}).Where("round_id = ? AND status = ?", roundID, ResultPending).
		Order("website_id").Pluck("website_id", &ids).Error
	return ids, translate(err, "pending sites")
}

// LatestRound returns the latest round of the kind opened at or after since, or nil.
func (s *Store) LatestRound(ctx context.Context, kind string, since time.Time) (*InspectionRound, error) {
	var rounds []InspectionRound
	err := s.db.WithContext(ctx).Where("kind = ? AND created_at >= ?", kind, since.UTC()).Order("id DESC").Limit(1).Find(&rounds).Error
	if err != nil || len(rounds) == 0 {
		return nil, translate(err, "latest round")
	}
	return &rounds[0], nil
}

// RunningRounds returns the ids of the rounds that have not finished, however old.
func (s *Store) RunningRounds(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&InspectionRound{}).Where("status = ?", RoundRunning).
		Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "running rounds")
}
