package inspector

import (
	"strings"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

// articles are the good site's articles.
var articles = []string{"/news/a1.html", "/news/a2.html", "/news/a3.html", "/notice/n1.html", "/notice/n2.html", "/policy/p1.html"}

// dropMeta renames a tag on the pages, so that they lack it.
func dropMeta(t *testing.T, p map[string]string, tag string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		old := `<meta name="` + tag + `"`
		if !strings.Contains(p[path], old) {
			t.Fatalf("%s has no %s", path, tag)
		}
		p[path] = strings.Replace(p[path], old, `<meta name="Other"`, 1)
	}
}

func setMeta(t *testing.T, p map[string]string, path, tag, content string) {
	t.Helper()
	head, rest, ok := strings.Cut(p[path], `<meta name="`+tag+`" content="`)
	if !ok {
		t.Fatalf("%s has no %s", path, tag)
	}
	_, rest, _ = strings.Cut(rest, `"`)
	p[path] = head + `<meta name="` + tag + `" content="` + content + `"` + rest
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		name       string
		registered string
		plant      func(*testing.T, map[string]string)
		wanted     []want
	}{
		{name: "every page with its metadata", registered: "5101000001"},
		{name: "a template without PubDate is one finding",
			plant: func(t *testing.T, p map[string]string) { dropMeta(t, p, "PubDate", articles...) },
			wanted: []want{{typ: indicator.TypeMissingMeta, page: "/news/a1.html", target: "文章页：缺少PubDate",
				evidence: "6个页面（共检查6个文章页）"}}},
		{name: "one finding per set of missing tags",
			plant: func(t *testing.T, p map[string]string) {
				dropMeta(t, p, "PubDate", "/news/a2.html", "/news/a3.html")
				dropMeta(t, p, "ContentSource", "/news/a3.html", "/notice/n1.html")
			},
			wanted: []want{
				{typ: indicator.TypeMissingMeta, page: "/news/a2.html", target: "文章页：缺少PubDate", evidence: "1个页面（共检查6个文章页）"},
				{typ: indicator.TypeMissingMeta, page: "/news/a3.html", target: "文章页：缺少PubDate、ContentSource", evidence: "1个页面"},
				{typ: indicator.TypeMissingMeta, page: "/notice/n1.html", target: "文章页：缺少ContentSource", evidence: "1个页面"},
			}},
		{name: "column pages without ColumnType",
			plant: func(t *testing.T, p map[string]string) {
				dropMeta(t, p, "ColumnType", "/news/", "/notice/", "/policy/")
			},
			// /policy/ lists one item: not clearly a column page, so not judged.
			wanted: []want{{typ: indicator.TypeMissingMeta, page: "/news/", target: "栏目页：缺少ColumnType", evidence: "2个页面（共检查2个栏目页）"}}},
		{name: "homepage without the site's tags",
			plant: func(t *testing.T, p map[string]string) {
				dropMeta(t, p, "SiteName", "/")
				dropMeta(t, p, "SiteDomain", "/")
			},
			wanted: []want{{typ: indicator.TypeMissingMeta, page: "/", target: "首页：缺少SiteName、SiteDomain"}}},
		{name: "an empty tag is a missing one",
			plant:  func(t *testing.T, p map[string]string) { setMeta(t, p, "/", "SiteName", " ") },
			wanted: []want{{typ: indicator.TypeMissingMeta, target: "首页：缺少SiteName"}}},
		{name: "SiteIDCode of another site", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) { setMeta(t, p, "/", "SiteIDCode", "5101000009") },
			wanted: []want{{typ: indicator.TypeMissingMeta, page: "/", target: "首页：SiteIDCode有误",
				evidence: "SiteIDCode为5101000009，与登记的网站标识码5101000001不符"}}},
		{name: "SiteIDCode disagreeing with the footer, nothing registered",
			plant:  func(t *testing.T, p map[string]string) { setMeta(t, p, "/", "SiteIDCode", "5101000009") },
			wanted: []want{{typ: indicator.TypeMissingMeta, evidence: "与首页网站标识码5101000001不符"}}},
		{name: "SiteDomain of another site",
			plant:  func(t *testing.T, p map[string]string) { setMeta(t, p, "/", "SiteDomain", "www.other.gov.cn") },
			wanted: []want{{typ: indicator.TypeMissingMeta, target: "首页：SiteDomain有误", evidence: "SiteDomain为www.other.gov.cn，不是本网站的域名"}}},
		{name: "SiteDomain as a URL, without www",
			plant: func(t *testing.T, p map[string]string) { setMeta(t, p, "/", "SiteDomain", "http://shifan.gov.cn/") }},
		{name: "PubDate that is no date",
			plant:  func(t *testing.T, p map[string]string) { setMeta(t, p, "/news/a2.html", "PubDate", "昨天") },
			wanted: []want{{typ: indicator.TypeMissingMeta, page: "/news/a2.html", target: "文章页：PubDate有误", evidence: "PubDate为「昨天」，不是日期"}}},
		{name: "tag names in any case",
			plant: func(t *testing.T, p map[string]string) {
				p["/news/a1.html"] = strings.Replace(p["/news/a1.html"], `name="PubDate"`, `name="pubdate"`, 1)
			}},
		{name: "a page of no clear kind needs no metadata",
			plant: func(t *testing.T, p map[string]string) {
				onHome(`<a href="/about.html">网站介绍</a>`)(p)
				p["/about.html"] = metaPage("网站介绍", "", "<p>"+prose(7, 200)+"</p>")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			if tt.plant != nil {
				tt.plant(t, pages)
			}
			site := f.serveSite(pages)
			site.IdentifierCode = tt.registered
			res := inspect(t, f.inspector(Config{}), site)
			checkFindings(t, res, tt.wanted)
			for _, f := range res.Findings {
				if f.Points != 0 {
					t.Errorf("a metadata finding weighs %g points; RULES.md gives it none", f.Points)
				}
			}
		})
	}
}

// The metadata finding of a kind and set keeps its Key when pages come and go.
func TestMetadataKeyIgnoresPages(t *testing.T) {
	keys := map[string]bool{}
	for _, n := range []int{2, 3} {
		f := newFarm(t)
		pages := goodSite()
		dropMeta(t, pages, "PubDate", articles[len(articles)-n:]...)
		res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
		got := findingsOf(res, indicator.TypeMissingMeta)
		if len(got) != 1 {
			t.Fatalf("want one metadata finding:%s", dump(res))
		}
		keys[got[0].Key] = true
	}
	if len(keys) != 1 {
		t.Errorf("the key changed with the pages: %v", keys)
	}
}

func TestPubDateIsTheDate(t *testing.T) {
	page := articlePage("示范市召开常务会议研究春季农业生产", "2025-03-18", 1, "")
	tests := []struct {
		name, pubDate string
		want          time.Time
	}{
		{name: "PubDate with a time", pubDate: "2025-03-10 09:30", want: time.Date(2025, 3, 10, 0, 0, 0, 0, china)},
		{name: "PubDate that is no date: the text's date", pubDate: "待定", want: time.Date(2025, 3, 18, 0, 0, 0, 0, china)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(page, `name="PubDate" content="2025-03-18"`, `name="PubDate" content="`+tt.pubDate+`"`, 1)
			if src == page {
				t.Fatal("nothing planted")
			}
			p := analyze(t, src, false)
			if !p.Date.Equal(tt.want) {
				t.Errorf("Date = %v, want %v", p.Date, tt.want)
			}
			if got := p.Meta["PubDate"]; got != tt.pubDate {
				t.Errorf("Meta[PubDate] = %q, want %q", got, tt.pubDate)
			}
		})
	}
}
