package inspector

import (
	"fmt"
	"net/http"
	"strings"

	"zhaocuo/models/indicator"
)

// corpusOutside registers the other hosts the corpus links to: bad sites for the hidden
// links (each answers, so a hidden link is never also a dead one) and the official lottery.
func corpusOutside(f *farm) {
	bad := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><head><title>澳门博彩 真人娱乐</title></head><body>百家乐 时时彩 体育投注</body></html>")
	})
	for _, h := range []string{"www.bocai888.com", "www.ylc-casino.com", "www.xpj-bet.com", "www.av-site.com", "www.old-partner.com"} {
		f.handle(h, bad)
	}
	f.ok("www.seo-spam.com", "www.spam-zw.com", "www.cwl.gov.cn")
}

// add appends an item to the column at path.
func (s *cSite) add(path string, it cItem) { c := s.column(path); c.items = append(c.items, it) }

// extra puts HTML after the body of the item at path.
func (s *cSite) extra(path, html string) {
	for _, c := range s.columns {
		for i := range c.items {
			if c.items[i].path == path {
				c.items[i].extra += html
				return
			}
		}
	}
	panic("corpus: no item " + path)
}

// dates sets the dates of a column's items, newest first.
func (s *cSite) dates(path string, dates ...string) {
	c := s.column(path)
	for i := range c.items {
		c.items[i].date = dates[min(i, len(dates)-1)]
	}
}

// newColumn adds a column of dated items to the navigation.
func (s *cSite) newColumn(path, name string, dates ...string) *cColumn {
	c := &cColumn{path: path, name: name}
	for i, d := range dates {
		c.items = append(c.items, cItem{path: fmt.Sprintf("%si%d.html", path, i+1), title: fmt.Sprintf("%s工作情况（第%d期）", name, i+1), date: d,
			body: "<p>" + prose(s.nextSeed(), 150) + "</p>"})
	}
	s.columns = append(s.columns, c)
	return c
}

// blankPage is a column list page with nothing in it.
func (s *cSite) blankPage(name, note string) string {
	return s.page(name, `<meta name="ColumnName" content="`+name+`">`, `<div class="main"><h2>`+name+`</h2><ul class="list"></ul>`+note+`</div>`)
}

// dropDown is a navigation menu whose second level stays hidden until hovered.
const dropDown = `<ul class="menu"><li><a href="/news/">新闻中心</a><ul class="sub" style="display:none">` +
	`<li><a href="/news/a3.html">植树活动专题</a></li><li><a href="/policy/">政策解读</a></li></ul></li></ul>`

// oldFriend is a friend link to another government site, commented out when the site closed.
const oldFriend = `<!-- 友情链接（已停用）<a href="http://www.oldfriend.gov.cn/">原示范县人民政府</a> -->`

// jsTemplate builds list entries inside script strings: the hrefs are code, not links.
const jsTemplate = `<script>function row(item){return '<li><a href="' + item.url + '">' + item.title + '</a></li>';}` +
	"function card(x){return `<a href=\"${x.url}\" class=\"card\">${x.title}</a>`;}</script>"

func corpusSites() []*cSite {
	var sites []*cSite
	site := func(n int, name string, portal bool, plant func(s *cSite)) {
		s := newCSite(n, name, portal)
		plant(s)
		sites = append(sites, s)
	}

	site(1, "示范市人民政府", true, func(s *cSite) {
		s.home = dropDown + oldFriend + `<p><a href="http://www.cwl.gov.cn/">中国福利彩票发行管理中心</a></p>`
		s.traps = []trap{
			{indicator.TypeHiddenLink, "/news/a3.html", "a drop-down menu hides links to the site itself"},
			{indicator.TypeHiddenLink, "http://www.oldfriend.gov.cn/", "an old friend link in a comment to another .gov.cn site"},
			{indicator.TypeDeadLink, "http://www.oldfriend.gov.cn/", "a commented-out link is never followed"},
			{indicator.TypeHiddenLink, "http://www.cwl.gov.cn/", "彩票 on the official lottery's .gov.cn site"},
		}
	})
	site(2, "示范市交通运输局", false, func(s *cSite) {
		s.home = `<p><a href="/missing.html">办事指南</a> <a href="/files/plan.pdf">规划全文下载</a></p>` + jsTemplate
		s.extra("/news/a1.html", `<p><a href="/files/old-plan.pdf">附件：实施方案.pdf</a></p>`)
		s.extra("/notice/n1.html", `<p><a href="http://www.gone-site.cn/">原合作网站</a></p>`)
		s.extra("/policy/p1.html", `<p><a href="/err/jd.html">政策解读</a></p>`)
		s.pages["/files/plan.pdf"] = stubPDF
		s.wrap = func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/err/") {
					http.Error(w, "服务器内部错误", http.StatusInternalServerError)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
		s.faults = []label{{indicator.TypeDeadLink, "/missing.html"}, {indicator.TypeDeadLink, "/files/old-plan.pdf"},
			{indicator.TypeDeadLink, "http://www.gone-site.cn/"}, {indicator.TypeDeadLink, "/err/jd.html"}}
		s.traps = []trap{{indicator.TypeDeadLink, "", "hrefs built in script strings and template literals are not links"}}
	})
	site(3, "示范区人民政府", true, func(s *cSite) {
		s.dates("/news/", "2025-02-10", "2025-02-03", "2025-01-20")
		s.dates("/notice/", "2025-01-15", "2024-12-20")
		s.dates("/policy/", "2024-12-01")
		s.faults = []label{{indicator.TypeHomepageStale, "/"}, {indicator.TypeStaleColumn, "/news/"}}
	})
	site(4, "示范县人民政府", true, func(s *cSite) {
		s.dates("/notice/", "2024-08-01", "2024-06-12")
		s.newColumn("/xczx/", "乡村振兴", "2023-11-02", "2023-09-15")
		s.newColumn("/yshj/", "营商环境", "2025-03-14", "2025-02-27")
		s.faults = []label{{indicator.TypeStaleColumn, "/notice/"}, {indicator.TypeStaleColumn, "/xczx/"}}
		s.traps = []trap{{indicator.TypeStaleColumn, "/yshj/", "a column with a name no list knows, updated last week"}}
	})
	site(5, "示范市发展和改革委员会", false, func(s *cSite) {
		c := s.newColumn("/ghjh/", "规划计划")
		c.page = s.blankPage("规划计划", "<p>暂无信息</p>")
		s.faults = []label{{indicator.TypeBlankColumn, "/ghjh/"}}
	})
	site(6, "示范市商务局", false, func(s *cSite) {
		c := s.newColumn("/ztzl/", "专题专栏")
		c.page = s.blankPage("专题专栏", "")
		s.newColumn("/yshj/", "营商环境", "2025-03-16", "2025-03-02")
		contact := s.newColumn("/lxwm.html", "联系我们")
		contact.page = s.page("联系我们", "", `<div class="main"><p>地址：示范市人民路1号　邮编：610000　电话：028-12345606</p></div>`)
		s.faults = []label{{indicator.TypeBlankColumn, "/ztzl/"}}
		s.traps = []trap{
			{indicator.TypeStaleColumn, "/yshj/", "a column with a name no list knows, updated this week"},
			{indicator.TypeBlankColumn, "/lxwm.html", "a contact page in the navigation is not a column"},
		}
	})
	site(7, "示范市人民政府", true, func(s *cSite) {
		s.home = dropDown + `<div style="display:none"><a href="http://www.bocai888.com/">澳门博彩</a></div>` +
			`<p><a href="http://www.seo-spam.com/" style="font-size:0">网站优化</a></p>`
		s.faults = []label{{indicator.TypeHiddenLink, "http://www.bocai888.com/"}, {indicator.TypeHiddenLink, "http://www.seo-spam.com/"}}
		s.traps = []trap{{indicator.TypeHiddenLink, "/news/a3.html", "a drop-down menu hides links to the site itself"}}
	})
	site(8, "示范市卫生健康委员会", false, func(s *cSite) {
		s.home = `<div style="position:absolute;left:-9999px"><a href="http://www.ylc-casino.com/">真人娱乐</a></div>` +
			`<script>document.write('<div style="display:none"><a href="http://www.xpj-bet.com/">体育投注</a></div>');</script>` +
			`<p>友情链接：<a href="http://www.spam-zw.com/">` + "\u200b\u200b" + `</a> <a href="http://www.cwl.gov.cn/">中国福利彩票</a></p>`
		s.faults = []label{{indicator.TypeHiddenLink, "http://www.ylc-casino.com/"}, {indicator.TypeHiddenLink, "http://www.xpj-bet.com/"},
			{indicator.TypeHiddenLink, "http://www.spam-zw.com/"}}
		s.traps = []trap{{indicator.TypeHiddenLink, "http://www.cwl.gov.cn/", "彩票 on the official lottery's .gov.cn site"}}
	})
	site(9, "示范市人民政府", true, func(s *cSite) {
		s.extra("/news/a1.html", `<p>各级攻府要切实履行属地管理职责。</p>`)
		s.extra("/notice/n1.html", `<p>请各单位认真布署，抓好落实。</p>`)
		s.extra("/policy/p1.html", `<p>坚持以社会注义核心价值观为引领。</p>`)
		s.faults = []label{{indicator.TypeTypo, "/news/a1.html"}, {indicator.TypeTypo, "/notice/n1.html"}, {indicator.TypeTypo, "/policy/p1.html"}}
	})
	site(10, "示范市财政局", false, func(s *cSite) {
		s.extra("/news/a1.html", `<p>局机关组织机关干部暑期集中轮训。</p>`)
		s.extra("/news/a2.html", `<p>市报社及时发布署名评论文章三篇。</p>`)
		s.extra("/notice/n1.html", `<p>由市财政付清全部拖欠工程款。</p>`)
		s.extra("/policy/p1.html", `<p>国务院副总理出席会议并讲话。</p>`)
		s.traps = []trap{
			{indicator.TypeTypo, "/news/a1.html", "干部暑期 holds 部暑 across two words"},
			{indicator.TypeTypo, "/news/a2.html", "发布署名 holds 布署 across two words"},
			{indicator.TypeTypo, "/notice/n1.html", "财政付清 holds 政付 across two words"},
			{indicator.TypeTypo, "/policy/p1.html", "国务院副总理 is one character off 国务院总理 and correct"},
		}
	})
	site(11, "示范市人民政府", true, func(s *cSite) {
		s.footer = strings.Replace(s.footer, `<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=`+s.code()+`"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>`, "", 1)
		s.faults = []label{{indicator.TypeMissingBadge, "/"}}
	})
	site(12, "示范市水务局", false, func(s *cSite) {
		s.footer = strings.NewReplacer(`<a href="http://beian.miit.gov.cn/">蜀ICP备12012678号-1</a>`, "", "主办单位：", "").Replace(s.footer)
		s.faults = []label{{indicator.TypeMissingFooterMark, "ICP备案号"}, {indicator.TypeMissingFooterMark, "主办单位"}}
	})
	site(13, "示范县人民政府", true, func(s *cSite) {
		s.footer = s.goodFooter(s.code(), "ICP备案", "川公网安备号")
		s.extra("/notice/n2.html", `<p>拟录用人员：张某某，身份证号510104********1230，示范县人。</p>`)
		s.faults = []label{{indicator.TypeMissingFooterMark, "ICP备案号"}, {indicator.TypeMissingFooterMark, "公安机关备案号"}}
		s.traps = []trap{{"", "/notice/n2.html", "a masked ID number in a 公示"}}
	})
	site(14, "示范市统计局", false, func(s *cSite) {
		s.footer = strings.Replace(s.footer, "网站标识码："+s.code(), "网站标识码：", 1)
		s.faults = []label{{indicator.TypeMissingFooterMark, "网站标识码"}}
	})
	site(15, "示范区人民政府", true, func(s *cSite) {
		s.footer = strings.Replace(s.footer, "网站标识码："+s.code(), "网站标识码：5101000099", 1)
		s.faults = []label{{labelWrongMark, labelWrongMarkAt}}
	})
	site(16, "示范市司法局", false, func(s *cSite) {
		s.footer = strings.Replace(s.footer, "site_code="+s.code(), "site_code=5101000001", 1)
		s.faults = []label{{labelBadgeCode, "/"}}
	})
	site(17, "示范市人民政府", true, func(s *cSite) {
		s.add("/news/", cItem{path: "/news/a0.html", title: "我市开展营商环境专项检查", date: "2024-11-12", body: newsBody})
		s.add("/policy/", cItem{path: "/policy/p2.html", title: "关于全市政务服务中心营商环境检查情况的通报", date: "2025-03-12", body: newsBody})
		s.add("/notice/", cItem{path: "/notice/n3.html", title: s.column("/news/").items[1].title, date: "2025-03-13", body: s.column("/news/").items[1].body})
		s.add("/notice/", cItem{path: "/notice/n4.html", title: "市管干部任职前公示", date: "2025-03-10", body: notice("中共示范市委组织部",
			"张建国，男，汉族，1978年5月生，四川成都人，在职研究生学历，中共党员，现任示范市农业农村局副局长，分管乡村振兴和农田建设工作。", "示范市农业农村局局长")})
		s.add("/notice/", cItem{path: "/notice/n5.html", title: "市管干部任职前公示", date: "2025-03-17", body: notice("中共示范市委组织部",
			"李秀英，女，回族，1983年11月生，甘肃临夏人，大学学历，中共党员，曾任东城区教育局办公室主任，现任示范市教育局副局长。", "示范市教育局党组成员、副局长（正职级）")})
		s.add("/notice/", cItem{path: "/notice/n6.html", title: "关于王志强同志拟任职的公示", date: "2025-03-03", body: notice("中共示范市委组织部",
			"王志强，男，汉族，1975年2月生，四川绵阳人，大学学历，中共党员，现任示范市交通运输局总工程师。", "示范市交通运输局副局长")})
		s.add("/policy/", cItem{path: "/policy/s1.html", title: "1月份全市经济运行情况", date: "2025-02-15", body: monthlyReport(1, "5.2", "86.3", "4.1", "3.6")})
		s.add("/policy/", cItem{path: "/policy/s2.html", title: "2月份全市经济运行情况", date: "2025-03-15", body: monthlyReport(2, "5.8", "79.4", "3.7", "4.2")})
		s.faults = []label{{indicator.TypeDuplicatePost, "/news/a0.html /policy/p2.html"}, {indicator.TypeDuplicatePost, "/news/a2.html /notice/n3.html"}}
		s.traps = []trap{
			{indicator.TypeDuplicatePost, "/notice/n4.html", "two 任职前公示 under one headline of one template, different people"},
			{indicator.TypeDuplicatePost, "/notice/n6.html", "a 关于…的公示 of the same template, another person"},
			{indicator.TypeDuplicatePost, "/policy/s1.html", "monthly 经济运行情况 of one template with other figures"},
		}
	})
	site(18, "示范市林业局", false, func(s *cSite) {
		s.baseURL = "http://refused.test/"
		s.faults = []label{{indicator.TypeUnreachable, "/"}, {labelUninspected, "/"}}
	})
	site(19, "示范市人民政府", true, func(s *cSite) {
		// A 412 with a script that sets a cookie and reloads: what WAFs in front of many
		// government sites send a client that runs no JavaScript.
		s.wrap = func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := r.Cookie("__jsl_clearance"); err != nil {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.WriteHeader(http.StatusPreconditionFailed)
					fmt.Fprint(w, `<html><head><meta charset="utf-8"></head><body><script>document.cookie="__jsl_clearance=1733500000.123|0|abc;path=/";location.href=location.pathname+location.search;</script></body></html>`)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
		s.faults = []label{{labelUninspected, "/"}}
		s.traps = []trap{{indicator.TypeUnreachable, "/", "a script challenge answers, with 412, to clients without JavaScript"},
			{indicator.TypeDeadLink, "", "a script challenge is not a dead link"}}
	})
	site(20, "示范县人民政府", true, func(s *cSite) {
		s.noMeta = true
		s.faults = []label{{labelMissingMeta, "/"}}
	})
	site(21, "示范区人民政府", true, func(s *cSite) {
		s.noEmblem = true
		s.faults = []label{{labelMissingEmblem, "/"}}
	})
	site(22, "示范市教育局", false, func(s *cSite) {
		s.home = oldFriend
		s.traps = []trap{{labelMissingEmblem, "/", "a department's site carries no 国徽"}}
	})
	site(23, "示范市人力资源和社会保障局", false, func(s *cSite) {
		c := s.column("/notice/")
		c.page = s.page("通知公告", `<meta name="ColumnName" content="通知公告">`, `<div class="main"><h2>通知公告</h2><ul class="list" id="list"></ul></div>`+
			"<script>fetch('/api/notice.json').then(r => r.json()).then(d => { document.getElementById('list').innerHTML = "+
			"d.map(x => `<li><a href=\"${x.url}\">${x.title}</a><span>${x.date}</span></li>`).join(''); });</script>")
		s.pages["/api/notice.json"] = `[{"url":"/notice/n1.html","title":"关于做好春季森林防火工作的通知","date":"2025-03-10"},` +
			`{"url":"/notice/n2.html","title":"关于春节假期值班安排的通知","date":"2025-01-20"}]`
		s.faults = []label{{indicator.TypeUnjudged, "/notice/"}}
		s.traps = []trap{
			{indicator.TypeBlankColumn, "/notice/", "a fresh column listed by script from JSON"},
			{indicator.TypeStaleColumn, "/notice/", "a fresh column listed by script from JSON"},
			{indicator.TypeDeadLink, "", "hrefs built in a script's template literal are not links"},
		}
	})
	site(24, "示范县农业农村局", false, func(s *cSite) {
		s.home = `<div class="notice-bar">欢迎访问示范县农业农村局网站，县攻府信息公开请点击右侧栏目。</div>`
		s.dates("/news/", "2025-02-20", "2025-02-11", "2025-01-28")
		s.dates("/notice/", "2025-03-15", "2025-02-10")
		s.extra("/policy/p1.html", `<p><a href="/files/missing.docx">附件：申报表.docx</a></p>`)
		s.faults = []label{{indicator.TypeTypo, "/"}, {indicator.TypeStaleColumn, "/news/"}, {indicator.TypeDeadLink, "/files/missing.docx"}}
	})
	site(25, "示范市人民政府", true, func(s *cSite) {
		s.home = `<noscript><a href="http://www.av-site.com/">成人视频</a></noscript>` +
			`<!-- <a href="http://www.bocai-old.com/">博彩娱乐</a> -->` + oldFriend
		s.faults = []label{{indicator.TypeHiddenLink, "http://www.av-site.com/"}, {indicator.TypeHiddenLink, "http://www.bocai-old.com/"}}
		s.traps = []trap{{indicator.TypeHiddenLink, "http://www.oldfriend.gov.cn/", "an old friend link in a comment to another .gov.cn site"}}
	})
	site(26, "示范市民政局", false, func(s *cSite) {
		s.home = `<div class="clock">今天是2025年3月20日 星期四</div>`
		s.dates("/news/", "2025年3月18日", "2025年3月12日", "2025年3月5日")
		s.dates("/notice/", "2025/03/10", "2025/01/20")
		s.traps = []trap{{indicator.TypeHomepageStale, "/", "dates written 2025年3月18日 and 2025/03/10, and a clock widget"}}
	})
	site(27, "示范县人民政府", true, func(s *cSite) {
		s.dates("/policy/", "2024-07-01")
		s.home = dropDown
		s.faults = []label{{indicator.TypeStaleColumn, "/policy/"}}
	})
	site(28, "示范市生态环境局", false, func(s *cSite) {
		// A configured column with a name no list knows.
		c := s.newColumn("/hjzl/", "环境质量", "2024-10-08", "2024-09-08")
		c.offHome = true
		s.configured = []Column{{URL: "http://" + s.host() + "/hjzl/", Name: "环境质量", Type: "news"}}
		s.faults = []label{{indicator.TypeStaleColumn, "/hjzl/"}}
	})
	site(29, "示范市住房和城乡建设局", false, func(s *cSite) {
		// 外链变异: a friend link whose domain now serves a gambling site; an old address that
		// redirects; a video frame that is gone; a picture link that is visible.
		s.home = `<p>友情链接：<a href="http://www.old-partner.com/">示范市建筑业协会</a> <a href="/old/index.html">旧版网站</a></p>` +
			`<iframe src="/video/live.html" width="400" height="300"></iframe>` +
			`<p><a href="http://www.sc.gov.cn/"><img src="/img/banner.png" alt=""></a></p>`
		s.wrap = func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/old/index.html" {
					http.Redirect(w, r, "/news/", http.StatusMovedPermanently)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
		s.faults = []label{{indicator.TypeHiddenLink, "http://www.old-partner.com/"}, {indicator.TypeDeadLink, "/video/live.html"}}
		s.traps = []trap{
			{indicator.TypeDeadLink, "/old/index.html", "an old address that redirects to its new place"},
			{indicator.TypeHiddenLink, "http://www.sc.gov.cn/", "a picture link has no text and is visible"},
		}
	})
	site(30, "示范县人民政府", true, func(s *cSite) {
		// A navigation-only homepage: freshness is judged on the column pages it links to.
		for _, c := range s.columns {
			c.offHome = true
		}
		s.traps = []trap{{indicator.TypeHomepageStale, "/", "a navigation-only homepage whose columns are fresh"}}
	})
	sites = append(sites, corpusPersonalSites()...)
	return append(sites, corpusWordingSites()...)
}
