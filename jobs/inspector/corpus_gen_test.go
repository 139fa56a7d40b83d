package inspector

import (
	"fmt"
	"net/http"
	"strings"
)

// The corpus's sites are built from one model so that a site's file says only what is
// planted in it: a government site with a header (and 国徽 on portals), a navigation of
// columns, the latest items of the first columns on the homepage, column list pages,
// articles, the 国办发〔2017〕47号 meta tags on every page and every footer mark.

// cItem is an article listed in a column.
type cItem struct {
	path, title, date string
	body              string // HTML of the body; "" = prose of the item's seed
	extra             string // HTML after the body
}

// cColumn is a column: its list page, linked from the navigation.
type cColumn struct {
	path, name string
	items      []cItem
	page       string // the list page as served, instead of the generated one
	offHome    bool   // its items are not shown on the homepage
}

// cSite is one site of the corpus with its labels.
type cSite struct {
	n          int // www.cNN.gov.cn, 网站标识码 51010000NN
	name       string
	portal     bool // a 县级以上人民政府 portal: must carry the 国徽
	noEmblem   bool // the portal's header lacks the 国徽
	noMeta     bool // the homepage lacks the 47号 site meta tags
	footer     string
	columns    []*cColumn
	home       string            // HTML added to the homepage's main part
	pages      map[string]string // more pages, and overrides by path
	wrap       func(http.Handler) http.Handler
	baseURL    string // instead of http://host/ (a site that cannot be reached)
	configured []Column
	seed       uint64  // of the next article's prose; distinct across the corpus
	faults     []label // what the inspector must report
	traps      []trap  // look-alikes it must not report
}

func (s *cSite) nextSeed() uint64 { s.seed++; return s.seed }

func (s *cSite) host() string { return fmt.Sprintf("www.c%02d.gov.cn", s.n) }
func (s *cSite) code() string { return fmt.Sprintf("51010000%02d", s.n) }

// column returns the column at path.
func (s *cSite) column(path string) *cColumn {
	for _, c := range s.columns {
		if c.path == path {
			return c
		}
	}
	panic("corpus: no column " + path)
}

// newCSite is a site with nothing wrong: fresh columns of distinct articles and every mark.
func newCSite(n int, name string, portal bool) *cSite {
	s := &cSite{n: n, name: name, portal: portal, pages: map[string]string{}, seed: uint64(n * 100)}
	it := func(path, title, date string) cItem {
		seed := s.nextSeed()
		return cItem{path: path, title: title, date: date, body: "<p>" + prose(seed, 160) + "</p><p>" + prose(seed+50000, 120) + "</p>"}
	}
	s.columns = []*cColumn{
		{path: "/news/", name: "工作动态", items: []cItem{
			it("/news/a1.html", name+"召开常务会议研究春季农业生产", "2025-03-18"),
			it("/news/a2.html", name+"开展营商环境专项检查", "2025-03-12"),
			it("/news/a3.html", name+"举行义务植树活动", "2025-03-05")}},
		{path: "/notice/", name: "通知公告", items: []cItem{
			it("/notice/n1.html", "关于做好春季森林防火工作的通知", "2025-03-10"),
			it("/notice/n2.html", "关于春节假期值班安排的通知", "2025-01-20")}},
		{path: "/policy/", name: "政策文件", items: []cItem{
			it("/policy/p1.html", name+"优化营商环境若干措施", "2025-02-01")}},
	}
	s.footer = s.goodFooter(s.code(), "蜀ICP备120"+fmt.Sprintf("%02d", n)+"678号-1", "川公网安备 510100020000"+fmt.Sprintf("%02d", n)+"号")
	return s
}

func (s *cSite) goodFooter(code, icp, psb string) string {
	return `<div class="footer">
<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=` + code + `"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>
<a href="http://bszs.conac.cn/sitename?method=show&amp;id=` + code + `"><img src="/img/red.png" alt="党政机关"></a>
<p>主办单位：` + s.name + `办公室　联系电话：028-123456` + fmt.Sprintf("%02d", s.n) + `</p>
<p>网站标识码：` + code + `　<a href="http://beian.miit.gov.cn/">` + icp + `</a>　<a href="http://www.beian.gov.cn/portal">` + psb + `</a></p>
</div>`
}

func (s *cSite) siteMeta() string {
	return `<meta name="SiteName" content="` + s.name + `"><meta name="SiteDomain" content="` + s.host() +
		`"><meta name="SiteIDCode" content="` + s.code() + `">`
}

func (s *cSite) nav() string {
	var b strings.Builder
	b.WriteString(`<div class="nav"><a href="/">首页</a>`)
	for _, c := range s.columns {
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, c.path, c.name)
	}
	b.WriteString(`</div>`)
	return b.String()
}

func (s *cSite) header() string {
	emblem := ""
	if s.portal && !s.noEmblem {
		emblem = `<img src="/img/guohui.png" alt="国徽" class="emblem">`
	}
	return `<div class="header">` + emblem + `<span class="sitename">` + s.name + `</span></div>`
}

// page is an inner page: the site's head and navigation around body.
func (s *cSite) page(title, meta, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `_` + s.name + `</title>` + s.siteMeta() + meta +
		`</head><body>` + s.header() + s.nav() + body + `<div class="footer"><p>` + s.name + `办公室主办</p></div></body></html>`
}

func itemHTML(it cItem) string {
	return `<li><a href="` + it.path + `">` + it.title + `</a><span class="date">` + it.date + `</span></li>`
}

func (s *cSite) article(c *cColumn, it cItem) string {
	meta := `<meta name="ColumnName" content="` + c.name + `"><meta name="ArticleTitle" content="` + it.title +
		`"><meta name="PubDate" content="` + it.date + `"><meta name="ContentSource" content="` + s.name + `">`
	return s.page(it.title, meta, `<div class="article"><h1>`+it.title+`</h1><p class="info"><span>发布日期：`+it.date+
		`</span><span>来源：`+s.name+`</span></p>`+it.body+it.extra+`</div>`)
}

func (s *cSite) listPage(c *cColumn) string {
	var items []string
	for _, it := range c.items {
		items = append(items, itemHTML(it))
	}
	return s.page(c.name, `<meta name="ColumnName" content="`+c.name+`"><meta name="ColumnType" content="列表">`,
		`<div class="main"><h2>`+c.name+`</h2><ul class="list">`+strings.Join(items, "")+`</ul></div>`)
}

func (s *cSite) homepage() string {
	meta := s.siteMeta()
	if s.noMeta {
		meta = ""
	}
	var main strings.Builder
	for _, c := range s.columns {
		if c.offHome || len(c.items) == 0 || c.page != "" {
			continue
		}
		fmt.Fprintf(&main, `<div class="box"><h2><a href="%s">%s</a></h2><ul class="list">`, c.path, c.name)
		for _, it := range c.items[:min(2, len(c.items))] {
			main.WriteString(itemHTML(it))
		}
		main.WriteString(`</ul></div>`)
	}
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + s.name + `</title>` + meta + `</head><body>` +
		s.header() + s.nav() + `<div class="main">` + s.home + main.String() + `</div>` + s.footer + `</body></html>`
}

// build renders every page.
func (s *cSite) build() map[string]string {
	out := map[string]string{"/": s.homepage(), "/robots.txt": "User-agent: *\nDisallow: /private/\n"}
	for _, c := range s.columns {
		out[c.path] = c.page
		if c.page == "" {
			out[c.path] = s.listPage(c)
		}
		for _, it := range c.items {
			out[it.path] = s.article(c, it)
		}
	}
	for p, body := range s.pages {
		out[p] = body
	}
	return out
}

// serve registers the site on the farm and returns it as the inspector gets it.
func (s *cSite) serve(f *farm) Site {
	pages := s.build()
	f.static(s.host(), pages)
	if s.wrap != nil {
		f.mu.Lock()
		static := f.hosts[s.host()]
		f.mu.Unlock()
		f.handle(s.host(), s.wrap(static))
	}
	base := s.baseURL
	if base == "" {
		base = "http://" + s.host() + "/"
	}
	return Site{Name: s.name, BaseURLs: []string{base}, Columns: s.configured, IdentifierCode: s.code(), GovPortal: s.portal}
}
