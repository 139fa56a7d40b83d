package inspector

import (
	"fmt"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// columnPage is a list page whose items carry the given dates.
func columnPage(name string, dates ...string) string {
	var items []string
	for i, d := range dates {
		items = append(items, item(fmt.Sprintf("/news/a%d.html", i%3+1), fmt.Sprintf("%s第%d条", name, i+1), d))
	}
	return htmlPage(name, list(items...))
}

// withColumns adds column links to the homepage navigation and their pages.
func withColumns(cols map[string]string) func(map[string]string) {
	return func(p map[string]string) {
		var links strings.Builder
		for path, body := range cols {
			_, rest, _ := strings.Cut(body, "<title>")
			name, _, _ := strings.Cut(rest, "</title>")
			fmt.Fprintf(&links, `<a href="%s">%s</a>`, path, name)
			p[path] = body
		}
		p["/"] = strings.Replace(p["/"], `<a href="/policy/">政策文件</a>`, `<a href="/policy/">政策文件</a>`+links.String(), 1)
	}
}

func TestFreshness(t *testing.T) {
	tests := []struct {
		name   string
		plant  func(map[string]string)
		site   func(*Site)
		wanted []want
	}{
		{name: "homepage not updated for two weeks",
			plant: func(p map[string]string) {
				p["/"] = strings.NewReplacer("2025-03-18", "2025-03-01", "2025-03-12", "2025-02-20", "[03-10]", "[02-10]").Replace(p["/"])
			},
			wanted: []want{{typ: indicator.TypeHomepageStale, page: "/", evidence: "首页最新信息发布于2025-03-01，已19天未更新", veto: true}}},
		{name: "homepage early warning at ten days",
			plant: func(p map[string]string) {
				p["/"] = strings.NewReplacer("2025-03-18", "2025-03-09", "2025-03-12", "2025-03-08", "[03-10]", "[03-01]").Replace(p["/"])
			},
			wanted: []want{{typ: indicator.TypeHomepageStale, evidence: "预警：首页最新信息发布于2025-03-09，已11天未更新", warning: true}}},
		{name: "homepage items without dates count as not updated",
			plant: func(p map[string]string) {
				p["/"] = strings.NewReplacer("2025-03-18", "", "2025-03-12", "", "[03-10]", "").Replace(p["/"])
			},
			// The second-level pages are dated: a navigation-only homepage is judged by them.
			wanted: nil},
		{name: "nothing dated anywhere",
			plant: func(p map[string]string) {
				r := strings.NewReplacer("2025-03-18", "", "2025-03-12", "", "[03-10]", "", "2025年3月1日", "", "03-10", "", "01-20", "", "2025/02/01", "")
				for _, path := range []string{"/", "/news/", "/notice/", "/policy/"} {
					p[path] = r.Replace(p[path])
				}
			},
			wanted: []want{{typ: indicator.TypeHomepageStale, evidence: "无带发布日期的信息", veto: true},
				{typ: indicator.TypeStaleColumn, target: "/news/", evidence: "均无发布日期"},
				{typ: indicator.TypeStaleColumn, target: "/notice/", evidence: "均无发布日期"},
				{typ: indicator.TypeStaleColumn, target: "/policy/", evidence: "均无发布日期"}}},
		{name: "news column stale after two weeks",
			plant: func(p map[string]string) {
				p["/news/"] = columnPage("工作动态", "2025-03-04", "2025-02-01")
			},
			wanted: []want{{typ: indicator.TypeStaleColumn, page: "/news/", evidence: "最新信息发布于2025-03-04，已16天未更新（时限14天）", points: 1}}},
		{name: "policy column stale after six months",
			plant: func(p map[string]string) {
				p["/policy/"] = columnPage("政策文件", "2024-09-19")
			},
			wanted: []want{{typ: indicator.TypeStaleColumn, page: "/policy/", evidence: "时限6个月"}}},
		{name: "policy column fresh within six months",
			plant: func(p map[string]string) {
				p["/policy/"] = columnPage("政策文件", "2024-09-20")
			}},
		{name: "blank column",
			plant:  withColumns(map[string]string{"/plan/": htmlPage("规划计划", `<ul class="list"></ul><p>暂无信息</p>`)}),
			wanted: []want{{typ: indicator.TypeBlankColumn, page: "/plan/", evidence: "「规划计划」（规划计划）无内容", points: 1}}},
		{name: "two blank columns raise a warning",
			plant: withColumns(map[string]string{
				"/plan/": htmlPage("规划计划", `<p>暂无信息</p>`),
				"/rs/":   htmlPage("人事信息", ``),
			}),
			wanted: []want{{typ: indicator.TypeBlankColumn, page: "/plan/"}, {typ: indicator.TypeBlankColumn, page: "/rs/"},
				{typ: indicator.TypeBlankColumn, page: "/", evidence: "预警：2个空白栏目", warning: true}}},
		{name: "five stale news and notice columns are a veto",
			plant: withColumns(map[string]string{
				"/c1/": columnPage("部门动态", "2025-01-01"),
				"/c2/": columnPage("乡镇动态", "2025-01-01"),
				"/c3/": columnPage("图片新闻", "2025-02-01"),
				"/c4/": columnPage("公示公告", "2024-08-01"),
				"/c5/": columnPage("规范性文件", "2024-01-01"),
			}),
			wanted: []want{
				{typ: indicator.TypeStaleColumn, page: "/c1/", evidence: "达到单项否决", veto: true},
				{typ: indicator.TypeStaleColumn, page: "/c2/", veto: true}, {typ: indicator.TypeStaleColumn, page: "/c3/", veto: true},
				{typ: indicator.TypeStaleColumn, page: "/c4/", veto: true}, {typ: indicator.TypeStaleColumn, page: "/c5/", veto: true}}},
		{name: "configured column with its type",
			site: func(s *Site) {
				s.Columns = []Column{{URL: "http://" + siteHost + "/zdly/", Name: "重点领域", Type: "news"}}
			},
			plant: func(p map[string]string) {
				p["/zdly/"] = columnPage("重点领域", "2025-02-01")
			},
			wanted: []want{{typ: indicator.TypeStaleColumn, page: "/zdly/", evidence: "（动态要闻）"}}},
		{name: "a copy does not make a column fresh",
			plant: func(p map[string]string) {
				// The newest news item republishes an old article.
				p["/news/a1.html"] = articlePage("示范市召开常务会议研究春季农业生产", "2025-03-18", 9, "")
				p["/news/a9.html"] = articlePage("示范市召开常务会议研究春季农业生产", "2025-01-10", 9, "")
				p["/news/"] = htmlPage("工作动态", list(
					item("/news/a1.html", "示范市召开常务会议研究春季农业生产", "2025-03-18"),
					item("/news/a9.html", "示范市召开常务会议研究春季农业生产", "2025-01-10")))
				p["/"] = strings.Replace(p["/"], `<a href="/news/a2.html">`, `<a href="/news/a9.html">旧文</a><a href="/news/a2.html">`, 1)
			},
			wanted: []want{
				{typ: indicator.TypeDuplicatePost, page: "/news/a9.html", target: "/news/a1.html", evidence: "相同或近似的文章2篇", suspected: true},
				{typ: indicator.TypeStaleColumn, page: "/news/", evidence: "最新信息发布于2025-01-10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			if tt.plant != nil {
				tt.plant(pages)
			}
			site := f.serveSite(pages)
			if tt.site != nil {
				tt.site(&site)
			}
			res := inspect(t, f.inspector(Config{}), site)
			checkFindings(t, res, tt.wanted)
		})
	}
}

func TestDuplicatePosts(t *testing.T) {
	tests := []struct {
		name   string
		plant  func(map[string]string)
		wanted []want
	}{
		{name: "same article in two columns",
			plant: func(p map[string]string) {
				p["/notice/n3.html"] = articlePage("示范市开展营商环境专项检查", "2025-03-13", 2, "")
				p["/notice/"] = strings.Replace(p["/notice/"], `<ul class="list">`, `<ul class="list">`+item("/notice/n3.html", "示范市开展营商环境专项检查", "03-13"), 1)
			},
			wanted: []want{{typ: indicator.TypeDuplicatePost, page: "/news/a2.html", target: "/notice/n3.html", suspected: true,
				evidence: "「示范市开展营商环境专项检查」相同或近似的文章2篇"}}},
		{name: "nearly the same article, one sentence changed",
			plant: func(p map[string]string) {
				near := strings.Replace(p["/news/a2.html"], "</p><p>", "</p><p>本次检查由市政府办公室牵头组织。", 1)
				p["/news/a4.html"] = strings.Replace(near, "2025-03-12", "2025-03-14", 1)
				p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+item("/news/a4.html", "示范市开展营商环境专项检查", "2025-03-14"), 1)
			},
			wanted: []want{{typ: indicator.TypeDuplicatePost, page: "/news/a2.html", target: "/news/a4.html", suspected: true}}},
		{name: "same title, different text is not a copy",
			plant: func(p map[string]string) {
				p["/news/a4.html"] = articlePage("示范市开展营商环境专项检查", "2025-03-14", 44, "")
				p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+item("/news/a4.html", "示范市开展营商环境专项检查", "2025-03-14"), 1)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			tt.plant(pages)
			res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
			checkFindings(t, res, tt.wanted)
		})
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		name string
		a, b []uint32
		want float64
	}{
		{name: "same", a: []uint32{1, 2, 3}, b: []uint32{1, 2, 3}, want: 1},
		{name: "half", a: []uint32{1, 2, 3}, b: []uint32{2, 3, 4}, want: 0.5},
		{name: "disjoint", a: []uint32{1}, b: []uint32{2}, want: 0},
		{name: "empty", a: nil, b: []uint32{2}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jaccard(tt.a, tt.b); got != tt.want {
				t.Errorf("jaccard = %g, want %g", got, tt.want)
			}
		})
	}
}
