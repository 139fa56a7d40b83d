package inspector

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"zhaocuo/models/indicator"
)

// Pages carry the metadata of 国办发〔2017〕47号 (政府网站发展指引, 网页元数据) as
// <meta name="…" content="…"> in their <head>, so that the national platform and search
// engines read a page without guessing: the site's on the homepage, the column's on column
// pages, the article's on articles. The 指引 lists more (ColumnDescription, Keywords, Author,
// …); these are the ones every page of its kind must have.
var requiredMeta = []struct {
	kind string
	tags []string
}{
	{kindHome, []string{"SiteName", "SiteDomain", "SiteIDCode"}},
	{kindColumn, []string{"ColumnName", "ColumnType"}},
	{kindArticle, []string{"ArticleTitle", "PubDate", "ContentSource"}},
}

// The kinds of page, in a finding's words.
const (
	kindHome    = "首页"
	kindColumn  = "栏目页"
	kindArticle = "文章页"
)

// metaNames maps a tag's name, lower-cased (pages write siteidcode too), to its spelling.
var metaNames = func() map[string]string {
	m := map[string]string{}
	for _, k := range requiredMeta {
		for _, t := range k.tags {
			m[strings.ToLower(t)] = t
		}
	}
	return m
}()

// maxMetaContent bounds what a page keeps of one tag's content.
const maxMetaContent = 200

// readMeta keeps the first content of each required tag. A PubDate that reads as a date is
// the page's publishing date: the page states it for machines, where the date in the text
// may be a heading's or a clock's.
func (p *pageInfo) readMeta(n *html.Node) {
	name, ok := metaNames[strings.ToLower(strings.TrimSpace(attr(n, "name")))]
	if !ok {
		return
	}
	if _, seen := p.Meta[name]; seen {
		return
	}
	content := strings.TrimSpace(attr(n, "content"))
	if utf8.RuneCountInString(content) > maxMetaContent {
		content = string([]rune(content)[:maxMetaContent])
	}
	if p.Meta == nil {
		p.Meta = map[string]string{}
	}
	p.Meta[name] = content
	if name == "PubDate" {
		if d, ok := WrittenDate(content); ok {
			p.Date = d
		}
	}
}

// pageKind tells the homepage, a column page and an article apart, or says "" for a page
// that is none of them clearly: no metadata finding stands on a page whose kind is guessed.
func pageKind(p *pageInfo, home bool) string {
	if home {
		return kindHome
	}
	if p.Unjudged != "" || p.Empty {
		return ""
	}
	switch {
	case isListPage(p):
		return kindColumn
	case p.Title != "" && !p.Date.IsZero() && isTextPage(p) && len(p.Items) < minListEntries:
		// At most one dated item: an article's attachment link reads as one.
		return kindArticle
	}
	return ""
}

// metadata reports the pages whose required tags are missing or wrong: one finding per
// kind of page and set of tags, since a template that lacks PubDate lacks it on every
// article. code is the 标识码 SiteIDCode must carry ("" when none is known), codeFrom says
// where it comes from.
func (r *round) metadata(code, codeFrom string) []Finding {
	homeURL := r.home.String()
	urls := make([]string, 0, len(r.pages))
	for u := range r.pages {
		urls = append(urls, u)
	}
	slices.SortFunc(urls, func(a, b string) int {
		return cmp.Or(cmp.Compare(boolRank(a == homeURL), boolRank(b == homeURL)), cmp.Compare(a, b))
	})
	type group struct {
		kind, target string
		pages        []string
		wrong        []string // the first page's wrong values, with why
	}
	var order []*group
	groups := map[string]*group{}
	kindPages := map[string]int{}
	for _, u := range urls {
		p := r.pages[u]
		kind := pageKind(p, u == homeURL)
		if kind == "" {
			continue
		}
		kindPages[kind]++
		missing, wrongTags, wrong := r.metaProblems(p, kind, code, codeFrom)
		if len(missing) == 0 && len(wrong) == 0 {
			continue
		}
		var target []string
		if len(missing) > 0 {
			target = append(target, "缺少"+strings.Join(missing, "、"))
		}
		if len(wrongTags) > 0 {
			target = append(target, strings.Join(wrongTags, "、")+"有误")
		}
		key := kind + "：" + strings.Join(target, "；")
		g := groups[key]
		if g == nil {
			g = &group{kind: kind, target: key, wrong: wrong}
			groups[key] = g
			order = append(order, g)
		}
		g.pages = append(g.pages, u)
	}
	var out []Finding
	for _, g := range order {
		ev := g.target
		if len(g.wrong) > 0 {
			ev += "（" + strings.Join(g.wrong, "；") + "）"
		}
		if g.kind != kindHome {
			ev += fmt.Sprintf("；%d个页面（共检查%d个%s）", len(g.pages), kindPages[g.kind], g.kind)
		}
		out = append(out, Finding{Type: indicator.TypeMissingMeta, Target: g.target, Page: g.pages[0],
			Indicator: indicator.Metadata, Evidence: "网页元数据不规范：" + ev,
			// The first page and the count change from round to round; the kind and the tags
			// are the finding.
			Key: findingKey(indicator.TypeMissingMeta, homeURL, g.target, "")})
	}
	return out
}

// metaProblems lists the required tags of a page of the kind that are missing (or empty),
// and those whose content is wrong, with why.
func (r *round) metaProblems(p *pageInfo, kind, code, codeFrom string) (missing, wrongTags, wrong []string) {
	for _, k := range requiredMeta {
		if k.kind != kind {
			continue
		}
		for _, tag := range k.tags {
			v := p.Meta[tag]
			why := ""
			switch {
			case v == "":
				missing = append(missing, tag)
				continue
			case tag == "SiteIDCode" && code != "" && !strings.EqualFold(v, code):
				why = fmt.Sprintf("SiteIDCode为%s，与%s%s不符", v, codeFrom, code)
			case tag == "SiteDomain" && !r.ownDomain(v):
				why = fmt.Sprintf("SiteDomain为%s，不是本网站的域名", v)
			case tag == "PubDate":
				if _, ok := WrittenDate(v); !ok {
					why = fmt.Sprintf("PubDate为「%s」，不是日期", v)
				}
			}
			if why != "" {
				wrongTags, wrong = append(wrongTags, tag), append(wrong, why)
			}
		}
	}
	return missing, wrongTags, wrong
}

// ownDomain says whether a SiteDomain names one of the site's hosts; with or without
// "www." and a scheme, as pages write it.
func (r *round) ownDomain(v string) bool {
	u, ok := parseSiteURL(v)
	if !ok {
		return false
	}
	want := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	for k := range r.local {
		host, _, err := net.SplitHostPort(k)
		if err == nil && strings.TrimPrefix(strings.ToLower(host), "www.") == want {
			return true
		}
	}
	return false
}
