package inspector

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"zhaocuo/models/indicator"
)

// Filed statuses of a 政务新媒体 account (the ledger, 管理台账).
const (
	AccountActive    = "active"    // 开设, running
	AccountSuspended = "suspended" // 关停
	AccountCancelled = "cancelled" // 注销
)

// accountStaleDays: no update in the 2 weeks before the check point is a veto.
const accountStaleDays = 14

// Account is a 政务新媒体 account as filed and as last seen.
type Account struct {
	Name, Platform, Unit string
	Status               string // active, suspended or cancelled as filed; "" = not filed
	LastPost             time.Time
	InteractionAvailable bool
	MenuLinks            []string
	RecentPosts          []string
	ReportedOnline       bool // seen running (imported, or inferred from a post date)
}

// Ref names the account in findings: platform and name.
func (a Account) Ref() string { return a.Platform + "：" + a.Name }

// CheckAccount judges an account at now: the ledger against what runs, and for a
// running account its updates, its interaction function, its menu links (checked by
// the same link checker as websites, with the same manners) and its recent posts' 错敏字.
func (in *Inspector) CheckAccount(ctx context.Context, acc Account, now time.Time) []Finding {
	ref := acc.Ref()
	var out []Finding
	// ident is the stable part of the evidence for the Key (a typo's snippet).
	add := func(f Finding, ident string) {
		f.URL, f.Page, f.SeenAt = ref, ref, now
		if f.Target == "" {
			f.Target = ref
		}
		if !f.Veto && !f.Warning && f.Points == 0 {
			f.Points = in.scores.Points(f.Indicator)
		}
		f.Key = findingKey(f.Type, f.Page, f.Target, ident)
		out = append(out, f)
	}
	closed := acc.Status == AccountSuspended || acc.Status == AccountCancelled
	switch {
	case closed && acc.ReportedOnline:
		add(Finding{Type: indicator.TypeLedgerMismatch, Indicator: indicator.Ledger,
			Evidence: fmt.Sprintf("台账记为%s，但账号仍在运行", statusName(acc.Status))}, "")
	case acc.Status == "" && acc.ReportedOnline:
		add(Finding{Type: indicator.TypeLedgerMismatch, Indicator: indicator.Ledger, Evidence: "账号在运行，但未报备开设"}, "")
	}
	if closed || (acc.Status == "" && !acc.ReportedOnline) {
		return out // nothing runs that could be judged
	}
	switch days := daysBetween(acc.LastPost, now); {
	case acc.LastPost.IsZero():
		add(Finding{Type: indicator.TypeAccountStale, Veto: true, Indicator: indicator.AccountStale, Evidence: "无发文记录"}, "")
	case days > accountStaleDays:
		add(Finding{Type: indicator.TypeAccountStale, Veto: true, Indicator: indicator.AccountStale,
			Evidence: fmt.Sprintf("最后更新于%s，已%d天未更新", acc.LastPost.In(china).Format(time.DateOnly), days)}, "")
	}
	if !acc.InteractionAvailable {
		add(Finding{Type: indicator.TypeNoInteraction, Veto: true, Indicator: indicator.Interaction, Evidence: "互动功能不可用"}, "")
	}
	for _, l := range in.checkLinks(ctx, acc.MenuLinks) {
		add(Finding{Type: indicator.TypeDeadMenuLink, Target: l.url, Indicator: indicator.AccountFunction,
			Evidence: "菜单链接不可用：" + l.reason}, "")
	}
	for i, post := range acc.RecentPosts {
		for _, h := range in.words.findTypos(post) {
			f := Finding{Type: indicator.TypeTypo, Target: h.Wrong, Suspected: true, Indicator: indicator.Accuracy,
				Evidence: fmt.Sprintf("第%d条近期发文疑似错敏字「%s」，应为「%s」：%s", i+1, h.Wrong, h.Right, h.Snippet)}
			if h.Serious {
				f.Veto, f.Indicator = true, indicator.Security
			}
			add(f, h.Snippet)
		}
	}
	return out
}

func statusName(s string) string {
	switch s {
	case AccountSuspended:
		return "关停"
	case AccountCancelled:
		return "注销"
	}
	return "运行"
}

type brokenLink struct{ url, reason string }

// checkLinks checks links the way a round checks outbound links: once each, per-host
// limits, HEAD-less GET with a small read. Links that are not http(s) are broken.
func (in *Inspector) checkLinks(ctx context.Context, links []string) []brokenLink {
	if len(links) == 0 {
		return nil
	}
	r := &round{in: in, local: map[string]bool{}, visits: map[string]*visit{},
		pages: map[string]*pageInfo{}, queues: map[string]*hostQueue{}, client: in.roundClient()}
	r.ctx, r.cancel = context.WithTimeout(ctx, in.cfg.MaxDuration)
	defer r.cancel()
	var out []brokenLink
	var order []*url.URL
	for _, l := range links {
		u, ok := parseSiteURL(l)
		if !ok {
			out = append(out, brokenLink{l, "不是有效的网址"})
			continue
		}
		order = append(order, u)
		r.want(u, 1, false)
	}
	r.pending.Wait()
	for _, u := range order {
		if v := r.visits[u.String()]; v != nil && v.res.broken() {
			out = append(out, brokenLink{u.String(), v.res.reason()})
			delete(r.visits, u.String()) // the same link twice in a menu is one finding
		}
	}
	return out
}
