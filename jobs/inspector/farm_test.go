package inspector

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"zhaocuo/jobs/egress/egresstest"
)

// farm serves any number of made-up sites from one httptest server on loopback. Its
// client dials the server for every registered host name, a closed port for
// refused.test, and answers "no such host" for everything else, so a test never sends
// a packet off the machine whatever links its pages hold. It dials through the egress
// guard, allowed loopback: the one place the farm's tests are let reach it.
type farm struct {
	t      *testing.T
	srv    *httptest.Server
	closed string // an address nobody listens on

	mu       sync.Mutex
	hosts    map[string]http.Handler
	hits     map[string]int // "METHOD host/path?query"
	agents   map[string]bool
	inFlight map[string]int
	maxIn    map[string]int
	times    map[string][]time.Time
}

func newFarm(t *testing.T) *farm {
	t.Helper()
	f := &farm{t: t, hosts: map[string]http.Handler{}, hits: map[string]int{}, agents: map[string]bool{},
		inFlight: map[string]int{}, maxIn: map[string]int{}, times: map[string][]time.Time{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.closed = l.Addr().String()
	l.Close()
	return f
}

func (f *farm) serve(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	f.mu.Lock()
	h := f.hosts[host]
	f.hits[r.Method+" "+host+r.URL.RequestURI()]++
	f.agents[r.UserAgent()] = true
	f.inFlight[host]++
	f.maxIn[host] = max(f.maxIn[host], f.inFlight[host])
	f.times[host] = append(f.times[host], time.Now())
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight[host]--
		f.mu.Unlock()
	}()
	if h == nil {
		http.Error(w, "unknown host", http.StatusBadGateway)
		return
	}
	h.ServeHTTP(w, r)
}

func (f *farm) client() *http.Client {
	dialer := egresstest.Loopback.Dialer(time.Second)
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 16,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			f.mu.Lock()
			_, known := f.hosts[host]
			f.mu.Unlock()
			switch {
			case host == "refused.test":
				return dialer.DialContext(ctx, network, f.closed)
			case known:
				return dialer.DialContext(ctx, network, f.srv.Listener.Addr().String())
			}
			return nil, &net.OpError{Op: "dial", Net: network,
				Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}}
}

// handle registers a host.
func (f *farm) handle(host string, h http.Handler) {
	f.mu.Lock()
	f.hosts[host] = h
	f.mu.Unlock()
}

// static registers a host that serves pages by path and 404 for anything else.
func (f *farm) static(host string, pages map[string]string) {
	f.handle(host, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".txt") {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, body)
	}))
}

// ok registers hosts that answer every path with a plain page.
func (f *farm) ok(hosts ...string) {
	for _, h := range hosts {
		f.handle(h, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<html><head><title>外部网站</title></head><body>正常的外部网站</body></html>")
		}))
	}
}

func (f *farm) hitCount(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *farm) allHits() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.hits {
		out[k] = v
	}
	return out
}

// testNow is the check point of every farm test: Thursday 20 March 2025, 10:00 in China.
var testNow = time.Date(2025, 3, 20, 10, 0, 0, 0, china)

func (f *farm) inspector(cfg Config) *Inspector {
	cfg.Client = f.client()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	return New(cfg)
}

// prose is deterministic Chinese text of about n characters, different for every seed:
// sentences of testdata/clean-gov.txt in an order the seed draws. Real sentences rather
// than random characters, because the statistical 错敏字 check reads character soup as a
// string of typos; the corpus is kept free of listed forms and of suspicions.
func prose(seed uint64, n int) string {
	sentences := cleanCorpus()
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(sentences[rng.IntN(len(sentences))])
	}
	return b.String()
}

var cleanCorpus = sync.OnceValue(func() []string {
	data, err := os.ReadFile("testdata/clean-gov.txt")
	if err != nil {
		panic(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
})

// goodFooter carries the 找错 entry and every required footer mark.
const goodFooter = `<div class="footer">
<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5101000001"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>
<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1"><img src="/img/red.png" alt="党政机关"></a>
<p>主办单位：示范市人民政府办公室　联系电话：028-12345678</p>
<p>网站标识码：5101000001　<a href="http://beian.miit.gov.cn/">蜀ICP备12345678号-1</a>　<a href="http://www.beian.gov.cn/portal">川公网安备 51010002000001号</a></p>
</div>`

// footerHosts are the outside hosts the footer links to; farms answer for them.
var footerHosts = []string{"zfwzgl.www.gov.cn", "bszs.conac.cn", "beian.miit.gov.cn", "www.beian.gov.cn", "www.sc.gov.cn"}

const nav = `<div class="nav"><a href="/">首页</a><a href="/news/">工作动态</a><a href="/notice/">通知公告</a><a href="/policy/">政策文件</a></div>`

// htmlPage is a column page, with the column's metadata (国办发〔2017〕47号).
func htmlPage(title, body string) string {
	return metaPage(title, metaTags("ColumnName", title, "ColumnType", title), body)
}

func metaPage(title, meta, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title>` + meta + `</head><body>` +
		nav + body + `<div class="footer"><p>示范市人民政府办公室主办</p></div></body></html>`
}

// siteMeta is the homepage's metadata.
var siteMeta = metaTags("SiteName", "示范市人民政府", "SiteDomain", siteHost, "SiteIDCode", "5101000001")

func metaTags(nameContent ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(nameContent); i += 2 {
		fmt.Fprintf(&b, `<meta name="%s" content="%s">`, nameContent[i], nameContent[i+1])
	}
	return b.String()
}

func homePage(main, footer string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范市人民政府</title>` + siteMeta + `</head><body>` +
		nav + `<div class="main">` + main + `</div>` + footer + `</body></html>`
}

func list(items ...string) string {
	return `<ul class="list">` + strings.Join(items, "") + `</ul>`
}

func item(href, title, date string) string {
	return `<li><a href="` + href + `">` + title + `</a><span class="date">` + date + `</span></li>`
}

func articlePage(title, date string, seed uint64, extra string) string {
	meta := metaTags("ArticleTitle", title, "PubDate", date, "ContentSource", "示范市人民政府办公室")
	return metaPage(title, meta, `<div class="article"><h1>`+title+`</h1><p class="info">发布日期：`+date+`</p><p>`+
		prose(seed, 160)+`</p><p>`+prose(seed+1000, 120)+`</p>`+extra+`</div>`)
}

// goodSite is a site with nothing wrong: fresh homepage and columns, every mark, distinct
// articles, a robots.txt that keeps the crawler out of /private/, and outbound links
// that work. Tests copy it and plant one fault.
func goodSite() map[string]string {
	return map[string]string{
		"/robots.txt": "User-agent: *\nDisallow: /private/\n",
		"/": homePage(`<h2>要闻</h2>`+list(
			item("/news/a1.html", "示范市召开常务会议研究春季农业生产", "2025-03-18"),
			item("/news/a2.html", "示范市开展营商环境专项检查", "2025-03-12"))+
			`<h2>公告</h2>`+list(item("/notice/n1.html", "关于做好春季防火工作的通知", "[03-10]"))+
			`<p><a href="http://www.sc.gov.cn/">四川省人民政府</a> <a href="/private/draft.html">内部草稿</a> <a href="/files/plan.pdf">规划全文下载</a></p>`,
			goodFooter),
		"/news/": htmlPage("工作动态", list(
			item("/news/a1.html", "示范市召开常务会议研究春季农业生产", "2025-03-18"),
			item("/news/a2.html", "示范市开展营商环境专项检查", "2025-03-12"),
			item("/news/a3.html", "示范市举行植树活动", "2025年3月1日"))),
		"/notice/": htmlPage("通知公告", `<div class="year">2025</div>`+list(
			item("/notice/n1.html", "关于做好春季防火工作的通知", "03-10"),
			item("/notice/n2.html", "关于春节假期安排的通知", "01-20"))),
		"/policy/": htmlPage("政策文件", list(
			item("/policy/p1.html", "示范市优化营商环境若干措施", "2025/02/01"))),
		"/news/a1.html":   articlePage("示范市召开常务会议研究春季农业生产", "2025-03-18", 1, ""),
		"/news/a2.html":   articlePage("示范市开展营商环境专项检查", "2025-03-12", 2, ""),
		"/news/a3.html":   articlePage("示范市举行植树活动", "2025-03-01", 3, ""),
		"/notice/n1.html": articlePage("关于做好春季防火工作的通知", "2025-03-10", 4, ""),
		"/notice/n2.html": articlePage("关于春节假期安排的通知", "2025-01-20", 5, ""),
		"/policy/p1.html": articlePage("示范市优化营商环境若干措施", "2025-02-01", 6, `<p><a href="/files/p1.docx">附件下载</a></p>`),
		"/files/plan.pdf": stubPDF,
		"/files/p1.docx":  "docx",
	}
}

const siteHost = "www.shifan.gov.cn"

// serveSite registers a site on the farm with the outside hosts its footer needs.
func (f *farm) serveSite(pages map[string]string) Site {
	f.static(siteHost, pages)
	f.ok(footerHosts...)
	return Site{Name: "示范市人民政府", BaseURLs: []string{"http://" + siteHost + "/"}}
}

func inspect(t *testing.T, in *Inspector, site Site) *Result {
	t.Helper()
	res, err := in.Inspect(context.Background(), site)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return res
}

func findingsOf(res *Result, typ string) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.Type == typ {
			out = append(out, f)
		}
	}
	return out
}

func dump(res *Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "\n  %s page=%s target=%s veto=%v suspected=%v warning=%v points=%g: %s",
			f.Type, f.Page, f.Target, f.Veto, f.Suspected, f.Warning, f.Points, f.Evidence)
	}
	return b.String()
}
