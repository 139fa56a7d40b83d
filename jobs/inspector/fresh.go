package inspector

import (
	"fmt"
	"time"

	"zhaocuo/models/indicator"
)

// The lines of the indicators (RULES.md 首页不更新, 栏目不更新, early warnings).
const (
	homepageStaleDays   = 14
	homepageWarningDays = 10
	vetoNewsNotice      = 5  // 动态要闻 stale 2 weeks + 通知公告/政策文件 stale 6 months
	vetoStale           = 10 // columns that should be updated and are not
	vetoBlank           = 5
	warnStale           = 6
	warnBlank           = 2
)

// newest returns the latest item date, counting each article once: later copies of a
// duplicated article do not make a column fresh (一稿多发 pads updates). Dates after
// tomorrow are typing errors or announced events, not publications.
func newest(items []datedItem, copies map[string]bool, now time.Time) time.Time {
	var t time.Time
	limit := now.AddDate(0, 0, 1)
	for _, it := range items {
		if copies[it.Target] || it.Date.After(limit) {
			continue
		}
		if it.Date.After(t) {
			t = it.Date
		}
	}
	return t
}

func (r *round) freshness(home *pageInfo, cols []Column, copies map[string]bool) []Finding {
	now := r.in.cfg.Now()
	out := r.homepageFreshness(home, copies, now)

	cf := r.newColumnFinder(home)
	var stale, blank []int // indexes into out
	newsNotice := 0
	for _, c := range cols {
		info := r.pages[c.URL]
		if info == nil {
			continue // not read: a dead link, robots.txt or the limits; said elsewhere
		}
		rule := r.in.words.rules.column(c.Type)
		f := Finding{Page: c.URL, Target: c.URL}
		last := newest(info.Items, copies, now)
		limit := dateOf(rule.Limit.Since(now))
		shape, why := cf.shape(info)
		switch {
		case shape == shapeUnjudged:
			// What was not seen is not judged: a note with the reason, no points, no veto.
			f.Type, f.Indicator, f.Warning = indicator.TypeUnjudged, indicator.ColumnStale, true
			f.Evidence = fmt.Sprintf("栏目「%s」（%s）是否空白、是否更新无法判断：%s", c.Name, rule.Name, info.Unjudged)
		case last.IsZero() && shape == shapeBlank:
			f.Type, f.Indicator = indicator.TypeBlankColumn, indicator.BlankColumn
			f.Evidence = fmt.Sprintf("栏目「%s」（%s）无内容：%s", c.Name, rule.Name, why)
			blank = append(blank, len(out))
		case last.IsZero() && (shape == shapeIndex || len(cf.ownLinks(info)) == 0):
			continue // an index of sub-columns (they are judged), an article, a form
		case last.IsZero():
			f.Type, f.Indicator = indicator.TypeStaleColumn, indicator.ColumnStale
			f.Evidence = fmt.Sprintf("栏目「%s」（%s）的信息均无发布日期，视为未更新", c.Name, rule.Name)
		case last.Before(limit):
			f.Type, f.Indicator = indicator.TypeStaleColumn, indicator.ColumnStale
			f.Evidence = fmt.Sprintf("栏目「%s」（%s）最新信息发布于%s，已%d天未更新（时限%s）",
				c.Name, rule.Name, last.Format(time.DateOnly), daysBetween(last, now), rule.Limit)
		default:
			continue
		}
		if f.Type == indicator.TypeStaleColumn {
			stale = append(stale, len(out))
			if rule.Type == "news" || rule.Type == "notice" || rule.Type == "policy" {
				newsNotice++
			}
		}
		f.Key = findingKey(f.Type, f.Page, f.Target, "")
		out = append(out, f)
	}
	if newsNotice >= vetoNewsNotice || len(stale) >= vetoStale {
		for _, i := range stale {
			out[i].Veto = true
			out[i].Evidence += fmt.Sprintf("；不更新栏目%d个（动态要闻、通知公告、政策文件%d个），达到单项否决", len(stale), newsNotice)
		}
	} else if len(stale) >= warnStale {
		out = append(out, r.warning(indicator.TypeStaleColumn, indicator.ColumnStale, fmt.Sprintf("预警：%d个栏目不更新（否决线%d个）", len(stale), vetoStale)))
	}
	if len(blank) >= vetoBlank {
		for _, i := range blank {
			out[i].Veto = true
			out[i].Evidence += fmt.Sprintf("；空白栏目%d个，达到单项否决", len(blank))
		}
	} else if len(blank) >= warnBlank {
		out = append(out, r.warning(indicator.TypeBlankColumn, indicator.BlankColumn, fmt.Sprintf("预警：%d个空白栏目（否决线%d个）", len(blank), vetoBlank)))
	}
	return out
}

func (r *round) warning(typ, ind, evidence string) Finding {
	home := r.home.String()
	return Finding{Type: typ, Page: home, Target: home, Warning: true, Indicator: ind,
		Evidence: evidence, Key: findingKey(typ, home, home, "warning")}
}

// homepageFreshness: no new information on the homepage for two weeks is a veto, ten
// days a warning. A navigation-only homepage (no dated items of its own) is judged by
// its second-level pages; no dated item anywhere counts as not updated.
func (r *round) homepageFreshness(home *pageInfo, copies map[string]bool, now time.Time) []Finding {
	last, where := newest(home.Items, copies, now), "首页"
	if last.IsZero() && !hasDates(home) {
		where = "首页无带日期的信息，二级页面"
		for u, info := range r.pages {
			if v := r.visits[u]; v != nil && v.depth == 1 {
				if t := newest(info.Items, copies, now); t.After(last) {
					last = t
				}
			}
		}
	}
	f := Finding{Type: indicator.TypeHomepageStale, Page: home.URL, Target: home.URL, Indicator: indicator.HomepageStale,
		Key: findingKey(indicator.TypeHomepageStale, home.URL, home.URL, "")}
	days := daysBetween(last, now)
	switch {
	case last.IsZero():
		f.Veto = true
		f.Evidence = "首页（及二级页面）无带发布日期的信息，视为不更新"
	case days > homepageStaleDays:
		f.Veto = true
		f.Evidence = fmt.Sprintf("%s最新信息发布于%s，已%d天未更新", where, last.Format(time.DateOnly), days)
	case days >= homepageWarningDays:
		f.Warning = true
		f.Evidence = fmt.Sprintf("预警：%s最新信息发布于%s，已%d天未更新", where, last.Format(time.DateOnly), days)
	default:
		return nil
	}
	return []Finding{f}
}

func hasDates(p *pageInfo) bool { return len(p.Items) > 0 }

func dateOf(t time.Time) time.Time {
	t = t.In(china)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, china)
}
