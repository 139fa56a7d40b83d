package inspector

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Columns are found two ways. By name: a homepage link whose text columns.txt knows (通知公告,
// 工作动态) is a column of that type. By structure: a homepage link, or a link of the
// site's column index (网站地图, 栏目导航) or of a sub-column index, that leads to a page of
// the site which lists dated entries, or is empty where a list would be, is a column
// whatever its name, of type 其他 when columns.txt does not know the name. A word list
// alone misses most columns: an outside check found four of five empty columns unseen,
// their names being 服务指南-, 数据-, 统计-, 预决算-like.
//
// Pages that look empty but are not columns must not become blank columns: an article,
// a search or 留言 form, an index of sub-columns (its sub-columns are judged instead), a
// document or another site's page (neither is read), and a list a script fills in that no
// browser ran (pageInfo.Unjudged: a note, never a finding with points).

const (
	maxColumnName = 12 // runes; a longer link text is an article's title, not a column's name
	navOnlyRunes  = 30 // what a page with only the site's navigation still shows: a heading, a breadcrumb
	minNavLinks   = 2  // links a page with the site's navigation has at least
)

// columnIndexWords name the page that lists the site's columns.
var columnIndexWords = []string{"网站地图", "栏目导航", "网站导航", "站点地图", "sitemap"}

// notColumnNames are links every site has that lead to pages, not columns: the homepage, a
// "more" link (its column has its own link), the pages of the footer.
var notColumnNames = map[string]bool{
	"首页": true, "网站首页": true, "返回首页": true, "更多": true, "more": true, "联系我们": true,
	"关于我们": true, "网站声明": true, "免责声明": true, "隐私声明": true, "english": true, "登录": true, "注册": true,
}

// pagerWords are the texts of a list's page links; they are not entries.
var pagerWords = map[string]bool{
	"首页": true, "上一页": true, "下一页": true, "尾页": true, "末页": true, "第一页": true, "最后一页": true,
	"上页": true, "下页": true, "go": true, "跳转": true, "确定": true,
}

// zeroCount is a pager saying the list is empty: 共0条, 共 0 篇.
var zeroCount = regexp.MustCompile(`共\s*0\s*[条篇项个页]`)

// pageShape is what a page is, seen as a possible column.
type pageShape int

const (
	shapeOther    pageShape = iota // not a column page: an article, a form, anything else
	shapeList                      // a list of dated entries
	shapeBlank                     // empty where a list would be
	shapeIndex                     // an index of sub-columns
	shapeUnjudged                  // its list is written by a script that no browser ran
)

// columnFinder holds what every column page is compared with.
type columnFinder struct {
	r    *round
	home *pageInfo
	// nav is the site's navigation: the homepage's links and those on most pages (the
	// template of inner pages); a page that links nowhere else lists nothing.
	nav map[string]bool
}

func (r *round) newColumnFinder(home *pageInfo) *columnFinder {
	nav := map[string]bool{}
	for _, l := range home.Links {
		nav[l.Target] = true
	}
	// A link on at least half of the pages read (and three of them) is the template's.
	count := map[string]int{}
	for _, info := range r.pages {
		seen := map[string]bool{}
		for _, l := range info.Links {
			if !seen[l.Target] {
				seen[l.Target] = true
				count[l.Target]++
			}
		}
	}
	for target, n := range count {
		if n >= 3 && 2*n >= len(r.pages) {
			nav[target] = true
		}
	}
	return &columnFinder{r: r, home: home, nav: nav}
}

// columns lists the columns to judge: the configured ones first, then those the homepage
// links to (named by columns.txt or recognised by their pages), then those of the column
// indexes it links to.
func (r *round) columns(home *pageInfo) []Column {
	cf := r.newColumnFinder(home)
	var cols []Column
	seen := map[string]bool{r.home.String(): true}
	for _, c := range r.site.Columns {
		u, ok := parseSiteURL(c.URL)
		if !ok || seen[u.String()] {
			continue
		}
		seen[u.String()] = true
		if c.Type == "" {
			c.Type = "other"
		}
		c.URL = u.String()
		cols = append(cols, c)
	}
	var indexes []*pageInfo // pages whose own links are columns too
	consider := func(l pageLink, fromHome bool) {
		if seen[l.Target] || !cf.local(l) {
			return
		}
		info := r.pages[l.Target]
		name := columnName(l.Text)
		// A list shown in an iframe (page.go names such links "[iframe]") has its page's
		// title; a link without text is an icon (a badge, a QR code), no column.
		if l.Text == "[iframe]" && info != nil {
			name = titleName(info.Title)
		}
		if fromHome && isColumnIndex(name, l.Target) {
			seen[l.Target] = true
			if info != nil {
				indexes = append(indexes, info)
			}
			return
		}
		typ, named := r.in.words.rules.columnType(name)
		shape := shapeOther
		if info != nil {
			shape, _ = cf.shape(info)
		}
		if shape == shapeIndex && fromHome {
			seen[l.Target] = true
			indexes = append(indexes, info)
		}
		if !named && (shape == shapeOther || shape == shapeIndex || !plausibleName(name)) {
			return
		}
		if !named {
			typ = "other"
		}
		seen[l.Target] = true
		cols = append(cols, Column{URL: l.Target, Name: name, Type: typ})
	}
	for _, l := range home.Links {
		consider(l, true)
	}
	// One level down only: the index's links are columns or pages, never more indexes.
	for _, info := range indexes {
		for _, l := range cf.ownLinks(info) {
			consider(l, false)
		}
	}
	return cols
}

// local: a visible link to a page of the site that the crawler reads (not a document).
func (cf *columnFinder) local(l pageLink) bool {
	if l.Hidden != "" || l.Dormant {
		return false
	}
	u, err := url.Parse(l.Target)
	return err == nil && cf.r.local[hostKey(u)] && !looksLikeDocument(u)
}

// shape tells what a page is as a column, and for a blank one why.
func (cf *columnFinder) shape(info *pageInfo) (pageShape, string) {
	if info.Unjudged != "" {
		return shapeUnjudged, ""
	}
	if isListPage(info) {
		return shapeList, ""
	}
	if cf.hasOwnForm(info) {
		return shapeOther, "" // a search or 留言 page
	}
	facts := info.textFacts()
	runes := facts.Runes
	if isTextPage(info) {
		return shapeOther, "" // an article, or a page of text
	}
	own := cf.ownLinks(info)
	links := cf.sortLinks(own)
	// An empty list says so (共0条, 暂无信息, an empty <ul>) unless the page links to
	// something besides columns: then it lists that (the <ul> is a pager a script fills).
	// Links to other columns are a sidebar of siblings, or sub-columns: when these have
	// content, the page is their index.
	if links.entries == 0 && links.withContent == 0 {
		switch {
		case facts.ZeroCount:
			return shapeBlank, "列表显示共0条"
		case info.Empty:
			return shapeBlank, "页面显示“暂无信息”类提示"
		case info.EmptyList:
			return shapeBlank, "列表为空"
		}
	}
	if links.withContent+links.blank >= 2 {
		return shapeIndex, ""
	}
	// The navigation must be there: a page with no links at all is a redirect (meta
	// refresh, a script setting location) to a page elsewhere, not a column.
	if len(own) == 0 && runes < navOnlyRunes && len(info.Links) >= minNavLinks {
		return shapeBlank, "除网站导航外无其他内容"
	}
	return shapeOther, ""
}

// ownLinks are the page's visible links that are neither the site's navigation, nor the
// page itself, nor its pager.
func (cf *columnFinder) ownLinks(info *pageInfo) []pageLink {
	var own []pageLink
	for _, l := range info.Links {
		if l.Hidden != "" || l.Dormant || cf.nav[l.Target] || l.Target == info.URL || isPagerText(l.Text) {
			continue
		}
		own = append(own, l)
	}
	return own
}

// subLinks sorts a page's own links by where they lead, each target once.
type subLinks struct {
	withContent int // column pages with content: a list, or one a script fills
	blank       int // column pages that look empty
	entries     int // anything else: articles, documents, other sites, pages not read
}

// sortLinks judges each target by its page alone (no further links are followed).
func (cf *columnFinder) sortLinks(own []pageLink) subLinks {
	var s subLinks
	seen := map[string]bool{}
	for _, l := range own {
		if seen[l.Target] {
			continue
		}
		seen[l.Target] = true
		info := cf.r.pages[l.Target]
		switch {
		case info == nil || !cf.local(l):
			s.entries++
		case info.Unjudged != "" || isListPage(info):
			s.withContent++
		case info.Empty || info.EmptyList || info.textFacts().ZeroCount ||
			len(cf.ownLinks(info)) == 0 && info.textFacts().Runes < navOnlyRunes:
			s.blank++
		default:
			s.entries++
		}
	}
	return s
}

// hasOwnForm: the page has a form besides those the homepage has too (the template's
// search box when the header was not recognised as such).
func (cf *columnFinder) hasOwnForm(info *pageInfo) bool {
	onHome := map[string]int{}
	for _, a := range cf.home.Forms {
		onHome[a]++
	}
	for _, a := range info.Forms {
		if onHome[a] == 0 {
			return true
		}
		onHome[a]--
	}
	return false
}

// columnName is a link text as a column's name.
func columnName(text string) string {
	return strings.Trim(text, " \u00a0\u3000\t\r\n>»›·|【】[]")
}

// titleName is the column's name from its page's title, "服务指南_示范市人民政府".
func titleName(title string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(title), "_")
	for _, sep := range []string{"-", "－", "—", "|"} {
		name, _, _ = strings.Cut(name, sep)
	}
	return columnName(name)
}

// plausibleName: short enough for a column's name, and not a link every site has.
func plausibleName(name string) bool {
	n := utf8.RuneCountInString(name)
	return n > 0 && n <= maxColumnName && !notColumnNames[strings.ToLower(name)]
}

func isColumnIndex(name, target string) bool {
	lower := strings.ToLower(name)
	for _, w := range columnIndexWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	u, err := url.Parse(target)
	return err == nil && strings.Contains(strings.ToLower(u.Path), "sitemap")
}

func isPagerText(text string) bool {
	t := strings.ToLower(columnName(text))
	if pagerWords[t] {
		return true
	}
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return t != ""
}
