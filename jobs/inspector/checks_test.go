package inspector

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhaocuo/models/indicator"
)

// want describes one expected finding; empty fields are not checked.
type want struct {
	typ, page, target, evidence string
	veto, suspected, warning    bool
	points                      float64
}

func (w want) matches(f Finding) bool {
	return f.Type == w.typ &&
		(w.page == "" || f.Page == "http://"+siteHost+w.page) &&
		(w.target == "" || strings.Contains(f.Target, w.target)) &&
		(w.evidence == "" || strings.Contains(f.Evidence, w.evidence)) &&
		f.Veto == w.veto && f.Suspected == w.suspected && f.Warning == w.warning &&
		(w.points == 0 || f.Points == w.points)
}

// onHome adds HTML to the homepage's main part.
func onHome(html string) func(map[string]string) {
	return func(p map[string]string) {
		p["/"] = strings.Replace(p["/"], `<div class="main">`, `<div class="main">`+html, 1)
	}
}

// onPage adds HTML to an article.
func onPage(path, html string) func(map[string]string) {
	return func(p map[string]string) {
		p[path] = strings.Replace(p[path], `</div><div class="footer">`, html+`</div><div class="footer">`, 1)
	}
}

func gambling(f *farm) {
	f.handle("www.bocai888.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><head><title>澳门博彩 真人娱乐</title></head><body>百家乐 时时彩</body></html>")
	}))
	f.ok("www.seo-spam.com")
}

func TestSiteChecks(t *testing.T) {
	tests := []struct {
		name   string
		plant  func(map[string]string)
		setup  func(*farm)
		cfg    Config
		wanted []want
	}{
		{name: "dead link on the homepage", plant: onHome(`<a href="/missing.html">失效链接</a>`),
			wanted: []want{{typ: indicator.TypeDeadLink, page: "/", target: "/missing.html", evidence: "HTTP 404；链接文字「失效链接」", points: 1}}},
		{name: "dead link elsewhere", plant: onPage("/news/a1.html", `<a href="/gone.html">相关阅读</a>`),
			wanted: []want{{typ: indicator.TypeDeadLink, page: "/news/a1.html", target: "/gone.html", evidence: "HTTP 404", points: 0.1}}},
		{name: "server error", plant: onPage("/news/a2.html", `<a href="/err">办事</a>`),
			setup: func(f *farm) {
				pages := goodSite()
				onPage("/news/a2.html", `<a href="/err">办事</a>`)(pages)
				f.handle(siteHost, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/err" {
						http.Error(w, "boom", http.StatusInternalServerError)
						return
					}
					if body, ok := pages[r.URL.Path]; ok {
						fmt.Fprint(w, body)
						return
					}
					http.NotFound(w, r)
				}))
			},
			wanted: []want{{typ: indicator.TypeDeadLink, target: "/err", evidence: "HTTP 500"}}},
		{name: "DNS failure", plant: onHome(`<a href="http://no-such-host.example/">旧网站</a>`),
			wanted: []want{{typ: indicator.TypeDeadLink, target: "no-such-host.example", evidence: "域名解析失败"}}},
		{name: "connection refused", plant: onHome(`<a href="http://refused.test/x">服务大厅</a>`),
			wanted: []want{{typ: indicator.TypeDeadLink, target: "refused.test", evidence: "连接被拒绝"}}},
		{name: "timeout", plant: onHome(`<a href="http://slow.example/">慢网站</a>`),
			setup: func(f *farm) {
				f.handle("slow.example", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(800 * time.Millisecond)
				}))
			},
			cfg:    Config{Timeout: 200 * time.Millisecond},
			wanted: []want{{typ: indicator.TypeDeadLink, target: "slow.example", evidence: "超时"}}},
		{name: "HEAD refused, GET works: not dead", plant: onHome(`<a href="http://headless.example/a.pdf">文件</a>`),
			setup: func(f *farm) {
				f.handle("headless.example", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodHead {
						w.WriteHeader(http.StatusMethodNotAllowed)
					}
				}))
			}},
		{name: "same broken link on many pages is one finding",
			plant: func(p map[string]string) {
				for _, path := range []string{"/news/a1.html", "/news/a2.html", "/news/a3.html"} {
					onPage(path, `<a href="/old.html">旧版</a>`)(p)
				}
			},
			wanted: []want{{typ: indicator.TypeDeadLink, page: "/news/a1.html", target: "/old.html", evidence: "出现在3个页面"}}},

		{name: "missing 找错 entry",
			plant: func(p map[string]string) {
				p["/"] = strings.Replace(p["/"], `<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5101000001"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>`, "", 1)
			},
			wanted: []want{{typ: indicator.TypeMissingBadge, page: "/", points: 2}}},
		{name: "找错 entry as the standard script is present",
			plant: func(p map[string]string) {
				p["/"] = strings.Replace(p["/"], `<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5101000001"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>`,
					`<script id="_jiucuo_" sitecode="5101000001" src="http://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>`, 1)
			}},
		{name: "missing footer marks",
			plant: func(p map[string]string) {
				p["/"] = strings.NewReplacer("网站标识码：5101000001", "", "川公网安备 51010002000001号", "", "http://www.beian.gov.cn/portal", "/beian").Replace(p["/"])
				p["/beian"] = htmlPage("备案", "<p>备案信息</p>")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "网站标识码", points: 1}, {typ: indicator.TypeMissingFooterMark, target: "公安机关备案号", points: 1}}},

		{name: "typo", plant: onPage("/news/a2.html", `<p>各级攻府要落实责任。</p>`),
			wanted: []want{{typ: indicator.TypeTypo, page: "/news/a2.html", target: "攻府", evidence: "应为「政府」：", suspected: true}}},
		{name: "protected name written wrong", plant: onPage("/news/a2.html", `<p>中华人民共合国成立七十五周年。</p>`),
			wanted: []want{{typ: indicator.TypeTypo, target: "中华人民共合国", veto: true, suspected: true}}},
		{name: "protected name one character off", plant: onPage("/news/a3.html", `<p>热烈庆祝中华人民共各国成立。</p>`),
			wanted: []want{{typ: indicator.TypeTypo, target: "中华人民共各国", evidence: "应为「中华人民共和国」", veto: true, suspected: true}}},
		{name: "correct protected names are not typos", plant: onPage("/news/a3.html", `<p>中华人民共和国国务院；国务院副总理；中国共产党员；全国人民代表大会常务委员会。</p>`)},
		{name: "typo split by inline markup", plant: onPage("/news/a3.html", `<p>工作<b>布</b>署</p>`),
			wanted: []want{{typ: indicator.TypeTypo, target: "布署", suspected: true}}},

		{name: "hidden link display:none", setup: gambling, plant: onHome(`<div style="display:none"><a href="http://www.seo-spam.com/">优化</a></div>`),
			wanted: []want{{typ: indicator.TypeHiddenLink, page: "/", target: "seo-spam.com", evidence: "隐藏方式：display:none", suspected: true}}},
		{name: "hidden link to gambling is a veto", setup: gambling,
			plant:  onPage("/news/a1.html", `<div style="visibility:hidden"><a href="http://www.bocai888.com/">澳门博彩</a></div>`),
			wanted: []want{{typ: indicator.TypeHiddenLink, page: "/news/a1.html", target: "bocai888", evidence: "博彩", veto: true}}},
		{name: "visible link to gambling", setup: gambling, plant: onHome(`<a href="http://www.bocai888.com/">真人娱乐</a>`),
			wanted: []want{{typ: indicator.TypeHiddenLink, target: "bocai888", evidence: "可见链接", veto: true, suspected: true}}},
		{name: "外链变异", setup: func(f *farm) {
			f.handle("www.old-partner.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "<html><head><title>欢迎</title></head><body>百家乐 时时彩 真人娱乐 棋牌</body></html>")
			}))
		}, plant: onHome(`<a href="http://www.old-partner.com/">合作单位</a>`),
			wanted: []want{{typ: indicator.TypeHiddenLink, target: "old-partner", evidence: "外链变异", veto: true, suspected: true}}},
		{name: "hidden links to the site itself are menus, not 暗链",
			plant: onHome(`<ul style="display:none"><li><a href="/news/">工作动态</a></li></ul>`)},
		{name: "a link in a comment is neither crawled nor dead", plant: onHome(`<!-- <a href="/removed.html">旧栏目</a> -->`)},
		{name: "hidden link in a comment to a gambling site", setup: gambling, plant: onHome(`<!-- <a href="http://www.bocai888.com/">博彩</a> -->`),
			wanted: []want{{typ: indicator.TypeHiddenLink, target: "bocai888", evidence: "位于HTML注释中", veto: true}}},
		{name: "official lottery is not gambling", plant: onHome(`<a href="http://www.cwl.gov.cn/">中国福利彩票</a>`),
			setup: func(f *farm) { f.ok("www.cwl.gov.cn") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			if tt.plant != nil {
				tt.plant(pages)
			}
			site := f.serveSite(pages)
			if tt.setup != nil {
				tt.setup(f)
			}
			res := inspect(t, f.inspector(tt.cfg), site)
			checkFindings(t, res, tt.wanted)
		})
	}
}

// checkFindings wants exactly the listed findings: a planted fault must be found and
// nothing else reported.
func checkFindings(t *testing.T, res *Result, wanted []want) {
	t.Helper()
	used := make([]bool, len(res.Findings))
	for _, w := range wanted {
		found := false
		for i, f := range res.Findings {
			if !used[i] && w.matches(f) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %+v", w)
		}
	}
	if len(res.Findings) != len(wanted) || t.Failed() {
		t.Errorf("got %d findings, want %d:%s", len(res.Findings), len(wanted), dump(res))
	}
}

func TestGBKPage(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	site := f.serveSite(pages)
	utf := articlePage("示范市开展营商环境专项检查", "2025-03-12", 2, "<p>各级攻府要落实责任。</p>")
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(strings.Replace(utf, `charset="utf-8"`, `charset="gbk"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/news/a2.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html") // the charset only in <meta>
		fmt.Fprint(w, gbk)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if body, ok := pages[r.URL.RequestURI()]; ok {
			fmt.Fprint(w, body)
			return
		}
		http.NotFound(w, r)
	})
	f.handle(siteHost, mux)
	res := inspect(t, f.inspector(Config{}), site)
	checkFindings(t, res, []want{{typ: indicator.TypeTypo, page: "/news/a2.html", target: "攻府", suspected: true}})
}
