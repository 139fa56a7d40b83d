package inspector

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"zhaocuo/models/indicator"
)

// unread says why the round could not read the homepage (refused, timed out, HTTP 4xx/5xx, not
// HTML, robots.txt), or "" when it did. A site whose homepage was not read was not inspected:
// nothing was seen, so it is neither 合格 nor 不合格.
func (r *round) unread() string {
	homeURL := r.home.String()
	if r.pages[homeURL] != nil {
		return ""
	}
	v := r.visits[homeURL]
	switch {
	case v != nil && v.res.Skipped != "":
		return v.res.Skipped
	case v != nil && v.res.broken():
		return v.res.reason()
	}
	return "不是可读的HTML页面"
}

// findings turns the round's visits and page analyses into findings. It runs after
// every worker has finished, so it reads the round without locking.
func (r *round) findings() ([]Finding, []Column) {
	homeURL := r.home.String()
	home := r.pages[homeURL]
	if home == nil {
		// One failed round is not the indicator: that takes a week of probes
		// (Availability). A homepage that failed to answer is a warning; one the round did
		// not request (robots.txt, a script challenge with no browser) or that answered with
		// something other than a page is none, as the site answers. Either way the round has
		// no evidence for a verdict (unread says why).
		if v := r.visits[homeURL]; v == nil || !v.res.broken() {
			return nil, nil
		}
		return []Finding{{Type: indicator.TypeUnreachable, Target: homeURL, Page: homeURL, Warning: true,
			Indicator: indicator.Unreachable, Evidence: "本轮检查首页无法打开：" + r.unread(),
			Key: findingKey(indicator.TypeUnreachable, homeURL, homeURL, "")}}, nil
	}
	urls := make([]string, 0, len(r.pages))
	for u := range r.pages {
		urls = append(urls, u)
	}
	// Sorted, with the homepage first: the page named in a finding that stands on many
	// pages is then the same in every round, and so is its Key.
	slices.SortFunc(urls, func(a, b string) int {
		return cmp.Or(cmp.Compare(boolRank(a == homeURL), boolRank(b == homeURL)), cmp.Compare(a, b))
	})
	var out []Finding
	out = append(out, r.deadLinks(urls)...)
	out = append(out, r.badLinks(urls)...)
	out = append(out, r.typos(urls)...)
	out = append(out, r.wordingFindings(urls)...)
	out = append(out, r.personalData(urls)...)
	out = append(out, r.marks(home)...)
	dups, copies := r.duplicates(urls)
	out = append(out, dups...)
	cols := r.columns(home)
	out = append(out, r.freshness(home, cols, copies)...)
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Page, b.Page), cmp.Compare(a.Target, b.Target))
	})
	return out, cols
}

// linkUse gathers the places a link stands.
type linkUse struct {
	pages  []string
	text   string
	hidden string
	onHome bool
	bad    string
}

func (u *linkUse) add(page, text string, home bool) {
	if len(u.pages) == 0 || u.pages[len(u.pages)-1] != page {
		u.pages = append(u.pages, page)
	}
	if u.text == "" {
		u.text = text
	}
	u.onHome = u.onHome || home
}

func (u *linkUse) where() string {
	if len(u.pages) == 1 {
		return ""
	}
	return fmt.Sprintf("；出现在%d个页面", len(u.pages))
}

// deadLinks reports each broken URL once, on the homepage if it stands there (the two
// places are different indicators), with the first page it stands on and its text.
func (r *round) deadLinks(urls []string) []Finding {
	uses := map[string]*linkUse{}
	var order []string
	for _, page := range urls {
		for _, l := range r.pages[page].Links {
			v := r.visits[l.Target]
			if l.Dormant || v == nil || !v.res.broken() {
				continue
			}
			u := uses[l.Target]
			if u == nil {
				u = &linkUse{}
				uses[l.Target] = u
				order = append(order, l.Target)
			}
			u.add(page, l.Text, page == urls[0])
		}
	}
	var out []Finding
	for _, target := range order {
		u := uses[target]
		f := Finding{Type: indicator.TypeDeadLink, Target: target, Page: u.pages[0], Indicator: indicator.OtherLinks,
			Evidence: fmt.Sprintf("%s；链接文字「%s」%s", r.visits[target].res.reason(), u.text, u.where())}
		if u.onHome {
			f.Page, f.Indicator = urls[0], indicator.HomepageLinks
		}
		f.Key = findingKey(f.Type, f.Page, f.Target, "")
		out = append(out, f)
	}
	return out
}

// badLinks reports hidden links and links to gambling or porn sites. A hidden link to
// the site itself is left alone: drop-down menus and tabs hide their links until used;
// so is one to another government site (old friend links left in a comment), as 暗链
// are planted to lend a government site's rank to someone else.
func (r *round) badLinks(urls []string) []Finding {
	uses := map[string]*linkUse{}
	var order []string
	for _, page := range urls {
		for _, l := range r.pages[page].Links {
			u, err := url.Parse(l.Target)
			if err != nil {
				continue
			}
			bad := r.in.words.badWord(u, l.Text)
			v := r.visits[l.Target]
			outbound := !r.local[hostKey(u)]
			content := v != nil && len(v.res.Bad) > 0
			if bad == "" && !content && (l.Hidden == "" || !outbound || isGovHost(u.Hostname())) {
				continue
			}
			use := uses[l.Target]
			if use == nil {
				use = &linkUse{}
				uses[l.Target] = use
				order = append(order, l.Target)
			}
			use.add(page, l.Text, page == urls[0])
			if use.hidden == "" {
				use.hidden = l.Hidden
			}
			if use.bad == "" {
				use.bad = bad
			}
		}
	}
	var out []Finding
	for _, target := range order {
		use := uses[target]
		f := Finding{Type: indicator.TypeHiddenLink, Target: target, Page: use.pages[0], Indicator: indicator.Security}
		var content []string
		if v := r.visits[target]; v != nil {
			content = v.res.Bad
		}
		why := []string{}
		if use.hidden != "" {
			why = append(why, "隐藏方式："+use.hidden)
		}
		why = append(why, fmt.Sprintf("链接文字「%s」", use.text))
		switch {
		case use.hidden != "" && (use.bad != "" || len(content) > 0):
			// A hidden link to such a site is the 暗链 the veto is about.
			f.Veto = true
			why = append(why, "指向疑似博彩或色情网站（"+strings.Join(append([]string{use.bad}, content...), "、")+"）")
		case use.bad != "":
			f.Veto, f.Suspected = true, true
			why = append(why, "可见链接指向疑似博彩或色情网站（"+use.bad+"）")
		case len(content) > 0:
			f.Veto, f.Suspected = true, true
			why = append(why, "外链变异：目标页面现显示"+strings.Join(content, "、"))
		default:
			f.Suspected = true
		}
		f.Evidence = strings.Join(why, "；") + use.where()
		f.Key = findingKey(f.Type, f.Page, f.Target, "")
		out = append(out, f)
	}
	return out
}

// spread is one hit as the pages hold it: the first of its kind and every page it stands on,
// in the order of the round's urls.
type spread[H any] struct {
	hit   H
	pages []string
}

// gather groups the hits of the pages by key, in the order first seen, so that a hit in the
// site's template (a typo, a wording, the webmaster's mobile) is one finding that says on how
// many pages, not one finding per page.
func gather[H any](urls []string, hits func(page string) []H, key func(H) string) []*spread[H] {
	byKey := map[string]*spread[H]{}
	var out []*spread[H]
	for _, page := range urls {
		for _, h := range hits(page) {
			k := key(h)
			s := byKey[k]
			if s == nil {
				s = &spread[H]{hit: h}
				byKey[k] = s
				out = append(out, s)
			}
			if len(s.pages) == 0 || s.pages[len(s.pages)-1] != page {
				s.pages = append(s.pages, page)
			}
		}
	}
	return out
}

// onPages is the evidence's note of how many pages a hit stands on; "" for one.
func onPages(pages []string) string {
	if len(pages) < 2 {
		return ""
	}
	return fmt.Sprintf("（出现在%d个页面）", len(pages))
}

// typos reports each suspected 错敏字 once per snippet: a typo in the page template
// would otherwise be one finding per page.
func (r *round) typos(urls []string) []Finding {
	var out []Finding
	for _, u := range gather(urls, func(page string) []typoHit { return r.pages[page].Typos },
		func(h typoHit) string { return h.Wrong + "\x00" + h.Snippet }) {
		f := Finding{Type: indicator.TypeTypo, Target: u.hit.Wrong, Page: u.pages[0], Suspected: true, Indicator: indicator.Accuracy,
			Evidence: fmt.Sprintf("疑似错敏字「%s」，应为「%s」：%s", u.hit.Wrong, u.hit.Right, u.hit.Snippet)}
		if u.hit.Serious {
			// A protected name written wrong is a serious wrong expression: a veto
			// once a person confirms it.
			f.Veto, f.Indicator = true, indicator.Security
		}
		f.Evidence += onPages(u.pages)
		f.Key = findingKey(f.Type, f.Page, f.Target, u.hit.Snippet)
		out = append(out, f)
	}
	return out
}

// boolRank sorts true before false.
func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}
