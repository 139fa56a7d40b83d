package inspector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// navLinks adds links to the homepage navigation, after 政策文件.
func navLinks(links string) func(map[string]string) {
	return func(p map[string]string) {
		p["/"] = strings.Replace(p["/"], `<a href="/policy/">政策文件</a>`, `<a href="/policy/">政策文件</a>`+links, 1)
	}
}

// fiveBlank are blank columns whose names columns.txt does not know, each empty in another way.
func fiveBlank(p map[string]string) {
	navLinks(`<a href="/fwzn/">服务指南</a><a href="/sjfb/">数据发布</a><a href="/tjxx/">统计信息</a>` +
		`<a href="/yjsgk/">预决算公开</a><a href="/zdly/">重点领域</a>`)(p)
	p["/fwzn/"] = htmlPage("服务指南", `<h2>服务指南</h2><ul class="list"></ul>`)
	// A sidebar of sub-columns, as empty as the column: no index with content.
	side := `<div class="sub"><a href="/sjfb/nd/">年度数据</a><a href="/sjfb/yd/">月度数据</a></div>`
	p["/sjfb/"] = htmlPage("数据发布", side+`<h2>数据发布</h2><p>暂无信息</p>`)
	p["/sjfb/nd/"] = htmlPage("年度数据", side+`<p>暂无信息</p>`)
	p["/sjfb/yd/"] = htmlPage("月度数据", side+`<ul class="list"></ul>`)
	p["/tjxx/"] = htmlPage("统计信息", ``)
	p["/yjsgk/"] = htmlPage("预决算公开", `<h2>预决算公开</h2><div class="pages">共0条记录 第1/1页</div>`)
	p["/zdly/"] = htmlPage("重点领域", `<table class="list"><tr><th>标题</th><th>发布日期</th></tr></table>`)
}

// lookAlikes are homepage links to pages that are not blank columns.
func lookAlikes(p map[string]string) {
	navLinks(`<a href="/zjsf/">走进示范</a><a href="/gk/">政务公开</a><a href="/search/">站内搜索</a>` +
		`<a href="/ly/">我要留言</a><a href="/jggk.html">机构概况</a><a href="http://www.sc.gov.cn/">省政府</a>` +
		`<a href="/files/nb.pdf">年度报告</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a>` +
		`<a href="/bmfw/">便民服务</a>`)(p)
	// A fresh column with a name the word list does not know.
	p["/zjsf/"] = columnPage("走进示范", "2025-03-15", "2025-02-01")
	// An index of sub-columns: its own links are list pages, and they are fresh. Its own
	// empty list does not make it blank: what it holds is in the sub-columns.
	p["/gk/"] = htmlPage("政务公开", `<ul class="sub"><li><a href="/gk/cz/">财政资金</a></li><li><a href="/gk/ms/">民生实事</a></li></ul><p>暂无信息</p>`)
	p["/gk/cz/"] = htmlPage("财政资金", list(item("/news/a1.html", "财政资金第1条", "2025-03-01"), item("/news/a2.html", "财政资金第2条", "2025-01-01")))
	p["/gk/ms/"] = htmlPage("民生实事", list(item("/news/a3.html", "民生实事第1条", "2025-02-01"), item("/news/a1.html", "民生实事第2条", "2024-12-01")))
	p["/search/"] = htmlPage("站内搜索", `<form action="/search/"><input type="text" name="q"><button>搜索</button></form>`)
	p["/ly/"] = htmlPage("我要留言", `<form method="post" action="/ly/submit"><input name="title"><textarea name="body"></textarea></form>`)
	p["/jggk.html"] = htmlPage("机构概况", `<div class="article"><h1>机构概况</h1><p>`+prose(77, 200)+`</p><ul class="related"></ul></div>`)
	p["/files/nb.pdf"] = stubPDF
	// A list without dates, and an empty pager a script would fill.
	p["/bmfw/"] = htmlPage("便民服务", `<ul class="list"><li><a href="/news/a3.html">办理须知</a></li><li><a href="/notice/n2.html">常见问题</a></li></ul><ul class="pagination"></ul>`)
	// Redirects to another site, by a meta refresh and by a script.
	p["/zwfw/"] = `<html><head><meta http-equiv="refresh" content="0;url=http://www.sc.gov.cn/"></head><body></body></html>`
	p["/hdjl/"] = `<html><head><script>window.location.href="http://www.sc.gov.cn/";</script></head><body></body></html>`
	// An article with a short title whose 相关阅读 list is old.
	onHome(`<a href="/news/a7.html">春季植树活动</a>`)(p)
	p["/news/a7.html"] = articlePage("春季植树活动", "2025-03-05", 7, `<h3>相关阅读</h3>`+
		list(item("/news/a3.html", "往年植树活动", "2023-03-12"), item("/news/a2.html", "往年绿化工作", "2023-03-01")))
}

// staleUnknown links n columns with names columns.txt does not know, last updated 14
// months ago (type 其他: 12 months), and wants them stale, with the veto or not.
func staleUnknown(n int, veto bool) (func(map[string]string), []want) {
	names := []string{"专题专栏", "走进示范", "魅力示范", "营商环境", "乡村振兴", "文明创建", "招商引资", "文化旅游", "社会保障", "教育医疗"}[:n]
	var wants []want
	for i, name := range names {
		wants = append(wants, want{typ: indicator.TypeStaleColumn, page: fmt.Sprintf("/c%d/", i), evidence: "「" + name + "」（其他）", veto: veto})
	}
	return func(p map[string]string) {
		var links strings.Builder
		for i, name := range names {
			path := fmt.Sprintf("/c%d/", i)
			fmt.Fprintf(&links, `<a href="%s">%s</a>`, path, name)
			p[path] = columnPage(name, "2024-01-20", "2023-12-01")
		}
		navLinks(links.String())(p)
	}, wants
}

func TestColumnsByStructure(t *testing.T) {
	type columnCase struct {
		name   string
		plant  func(map[string]string)
		want   []want
		unseen []string // paths judged as columns: these must not be
	}
	tests := []columnCase{
		{name: "five blank columns with unknown names are the veto", plant: fiveBlank,
			want: []want{
				{typ: indicator.TypeBlankColumn, page: "/fwzn/", evidence: "栏目「服务指南」（其他）无内容：列表为空；空白栏目5个，达到单项否决", veto: true},
				{typ: indicator.TypeBlankColumn, page: "/sjfb/", evidence: "“暂无信息”", veto: true},
				{typ: indicator.TypeBlankColumn, page: "/tjxx/", evidence: "除网站导航外无其他内容", veto: true},
				{typ: indicator.TypeBlankColumn, page: "/yjsgk/", evidence: "共0条", veto: true},
				{typ: indicator.TypeBlankColumn, page: "/zdly/", evidence: "除网站导航外无其他内容", veto: true}}},
		{name: "look-alikes are neither blank nor stale", plant: lookAlikes,
			unseen: []string{"/gk/", "/search/", "/ly/", "/jggk.html", "/files/nb.pdf", "/news/a7.html", "/zwfw/", "/hdjl/", "/bmfw/"}},
		{name: "a column with an unknown name stale for 13 months is judged as other",
			plant: func(p map[string]string) {
				navLinks(`<a href="/ztzl/">专题专栏</a>`)(p)
				p["/ztzl/"] = columnPage("专题专栏", "2024-02-15", "2024-01-10")
			},
			want: []want{{typ: indicator.TypeStaleColumn, page: "/ztzl/",
				evidence: "栏目「专题专栏」（其他）最新信息发布于2024-02-15，已399天未更新（时限12个月）", points: 1}}},
		{name: "a blank column listed on the site map only",
			plant: func(p map[string]string) {
				p["/"] = strings.Replace(p["/"], `<div class="footer">`, `<div class="footer"><a href="/wzdt.html">网站地图</a>`, 1)
				p["/wzdt.html"] = htmlPage("网站地图", `<ul><li><a href="/news/">工作动态</a></li><li><a href="/ndbg/">政府信息公开年报</a></li></ul>`)
				p["/ndbg/"] = htmlPage("政府信息公开年报", `<p>暂无信息</p>`)
			},
			want: []want{{typ: indicator.TypeBlankColumn, page: "/ndbg/", evidence: "「政府信息公开年报」（其他）无内容"}}},
		{name: "a list shown in an iframe is named by its page's title",
			plant: func(p map[string]string) {
				onHome(`<iframe src="/zfxxgk/"></iframe>`)(p)
				p["/zfxxgk/"] = htmlPage("政府信息公开_示范市人民政府", `<p>暂无信息</p>`)
			},
			want: []want{{typ: indicator.TypeBlankColumn, page: "/zfxxgk/", evidence: "栏目「政府信息公开」（其他）无内容"}}},
		{name: "a blank sub-column of an index",
			plant: func(p map[string]string) {
				navLinks(`<a href="/gk/">政务公开</a>`)(p)
				p["/gk/"] = htmlPage("政务公开", `<ul class="sub"><li><a href="/gk/cz/">财政资金</a></li><li><a href="/gk/ms/">民生实事</a></li></ul>`)
				p["/gk/cz/"] = htmlPage("财政资金", list(item("/news/a1.html", "财政资金第1条", "2025-03-01"), item("/news/a2.html", "财政资金第2条", "2025-01-01")))
				p["/gk/ms/"] = htmlPage("民生实事", `<ul class="list"></ul>`)
			},
			want:   []want{{typ: indicator.TypeBlankColumn, page: "/gk/ms/", evidence: "「民生实事」（其他）无内容：列表为空"}},
			unseen: []string{"/gk/"}},
	}
	sixStale, sixWants := staleUnknown(6, false)
	tenStale, tenWants := staleUnknown(10, true)
	tests = append(tests,
		columnCase{name: "six stale columns with unknown names raise the warning", plant: sixStale,
			want: append(sixWants, want{typ: indicator.TypeStaleColumn, page: "/", evidence: "预警：6个栏目不更新（否决线10个）", warning: true})},
		columnCase{name: "ten stale columns with unknown names are the veto", plant: tenStale, want: tenWants})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			tt.plant(pages)
			res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
			checkFindings(t, res, tt.want)
			for _, c := range res.Columns {
				if slices.Contains(tt.unseen, strings.TrimPrefix(c.URL, "http://"+siteHost)) {
					t.Errorf("%s (%s) judged as a column", c.URL, c.Name)
				}
			}
		})
	}
}

// TestLookAlikeColumnsAreJudged: the look-alikes' real columns are found and judged fresh,
// not left out: the fresh column with an unknown name and the index's sub-columns.
func TestLookAlikeColumnsAreJudged(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	lookAlikes(pages)
	res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
	var got []string
	for _, c := range res.Columns {
		got = append(got, c.Type+":"+c.Name)
	}
	want := "news:工作动态,notice:通知公告,policy:政策文件,other:走进示范,other:财政资金,other:民生实事"
	if strings.Join(got, ",") != want {
		t.Errorf("columns = %s, want %s", strings.Join(got, ","), want)
	}
}

// TestUnjudgedColumn: a column whose list a script fills, which no browser rendered, gets a
// note and neither a blank nor a stale finding. The script handling sets Unjudged; here the
// test sets it on the page read, as that handling would.
func TestUnjudgedColumn(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	navLinks(`<a href="/bsfw/">办事服务</a>`)(pages)
	pages["/bsfw/"] = htmlPage("办事服务", `<ul id="list"></ul><script src="/js/list.js"></script>`)
	site := f.serveSite(pages)
	in := f.inspector(Config{})
	r, err := in.newRound(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	defer r.cancel()
	r.crawl()
	info := r.pages["http://"+siteHost+"/bsfw/"]
	if info == nil {
		t.Fatal("/bsfw/ not read")
	}
	info.Unjudged = "列表由脚本填写，未经浏览器渲染"
	findings, _ := r.findings()
	checkFindings(t, &Result{Findings: findings}, []want{{typ: indicator.TypeUnjudged, page: "/bsfw/", warning: true,
		evidence: "栏目「办事服务」（其他）是否空白、是否更新无法判断：列表由脚本填写，未经浏览器渲染"}})
}

// TestPageStructure: the list facts page analysis keeps for the column judgement.
func TestPageStructure(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		entries   int
		emptyList bool
		forms     []string
	}{
		{name: "list of dated links", body: list(item("/a.html", "一", "2025-03-01"), item("/b.html", "二", "[03-02]"), item("/c.html", "三", "2025年3月3日")), entries: 3},
		{name: "table rows", body: `<table><tr><td><a href="/a.html">一</a></td><td>2025-03-01</td></tr><tr><td><a href="/b.html">二</a></td><td>03-02</td></tr></table>`, entries: 2},
		{name: "the link holds the date", body: `<div><a href="/a.html">一<span>2025-03-01</span></a><a href="/b.html">二<span>2025-03-02</span></a></div>`, entries: 2},
		{name: "undated links are no list", body: `<ul><li><a href="/a.html">一</a></li><li><a href="/b.html">二</a></li></ul>`},
		{name: "dated links in the navigation are not the page's", body: `<div class="nav">` + list(item("/a.html", "一", "2025-03-01"), item("/b.html", "二", "2025-03-02")) + `</div>`},
		{name: "empty list", body: `<ul class="list">  </ul>`, emptyList: true},
		{name: "empty list container", body: `<div id="list"></div>`, emptyList: true},
		{name: "search form", body: `<form action="/search/"><input name="q"></form>`, forms: []string{"http://www.shifan.gov.cn/search/"}},
		{name: "form in the header is the template's", body: `<div class="header"><form action="/search/"><input name="q"></form></div>`},
		{name: "a form without a field to type in", body: `<form action="/vote"><input type="radio" name="v"></form>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, `<html><body>`+tt.body+`</body></html>`, false)
			if info.ListEntries != tt.entries || info.EmptyList != tt.emptyList || !slices.Equal(info.Forms, tt.forms) {
				t.Errorf("entries %d, empty list %v, forms %v; want %d, %v, %v", info.ListEntries, info.EmptyList, info.Forms, tt.entries, tt.emptyList, tt.forms)
			}
		})
	}
}

func TestColumnNames(t *testing.T) {
	tests := []struct {
		name, title, want string
		plausible         bool
	}{
		{name: "title with the site's name", title: "服务指南_示范市人民政府", want: "服务指南", plausible: true},
		{name: "title with a dash", title: " 统计信息－示范市统计局 ", want: "统计信息", plausible: true},
		{name: "title alone", title: "【预决算公开】", want: "预决算公开", plausible: true},
		{name: "a more link", title: "更多>>", want: "更多"},
		{name: "a footer page", title: "联系我们", want: "联系我们"},
		{name: "an article's title", title: "示范市召开常务会议研究春季农业生产", want: "示范市召开常务会议研究春季农业生产"},
		{name: "nothing", title: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := titleName(tt.title)
			if got != tt.want || plausibleName(got) != tt.plausible {
				t.Errorf("titleName(%q) = %q (plausible %v), want %q (%v)", tt.title, got, plausibleName(got), tt.want, tt.plausible)
			}
		})
	}
}
