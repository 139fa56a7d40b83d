package inspector

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

func TestChallengeOf(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{name: "412 loading its script from a file", status: 412,
			body: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" content="q0Fmr3kBFbN"><script type="text/javascript" r="m">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=41542;</script><script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r="m"></script></head><body></body></html>`,
			want: "HTTP 412"},
		{name: "521 setting a cookie", status: 521,
			body: `<script>document.cookie=('_')+('_')+('jsl_clearance')+('=')+(1733500000)+('|0|')+'abc'+(';Max-age=3600; path = /');location.href=location.pathname+location.search</script>`,
			want: "HTTP 521"},
		{name: "200 that sets a cookie and reloads", status: 200,
			body: `<!DOCTYPE html><html><head><title>安全验证</title></head><body><p>正在进行安全检测，请稍候……</p><script>var v=(7*6).toString();document.cookie="waf_token="+v+"; path=/";location.reload();</script></body></html>`,
			want: "HTTP 200"},
		{name: "503 that redirects with location.replace", status: 503,
			body: `<html><body><script>document['cookie']="sec="+btoa("x");window.location.replace("/")</script></body></html>`,
			want: "HTTP 503"},
		{name: "a 404 page with scripts is a 404", status: 404,
			body: `<html><body><h1>页面不存在</h1><script>document.cookie="a=1";location.href="/"</script></body></html>`},
		{name: "a 403 page without a cookie script", status: 403,
			body: `<html><body><h1>403 Forbidden</h1><script src="/stat.js"></script></body></html>`},
		{name: "a page that sets a cookie but has content", status: 200,
			body: `<html><body>` + strings.Repeat(`<p>示范市政府网站新闻内容。</p>`, 40) + `<script>document.cookie="visited=1";if(!x)location.reload()</script></body></html>`},
		{name: "a 412 page with links of its own", status: 412,
			body: `<html><body><a href="/a">一</a><a href="/b">二</a><a href="/c">三</a><script>var x=1</script></body></html>`},
		{name: "412 without any script", status: 412, body: `<html><body>Precondition Failed</body></html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := challengeOf(tt.status, []byte(tt.body)); got != tt.want {
				t.Errorf("challengeOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// challengePage is what the farm's firewall answers a request without its cookie: a script
// computes the token, so only a browser that runs it gets through.
const challengePage = `<html><head><meta charset="utf-8"><script>var v=(6*7).toString();document.cookie="waf_token="+v+"; path=/";location.reload();</script></head><body></body></html>`

// firewall stands in front of h like the ones in front of many government sites: HTTP 412 and
// the challenge until the request carries the cookie the challenge's script sets.
type firewall struct {
	h http.Handler
	// token is the value the script must set; "" = the script's own, "42". Another value makes a
	// challenge no browser passes (one that wants a captcha, say).
	token string
	// session: the challenge also sets a cookie of its own (Set-Cookie), which must come back
	// with the script's, as some firewalls do.
	session    bool
	mu         sync.Mutex
	challenged int
	browsed    map[string]bool // paths a browser asked for (it sends Upgrade-Insecure-Requests)
}

func (fw *firewall) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("waf_token")
	passed := err == nil && c.Value == cmp.Or(fw.token, "42")
	if s, err := r.Cookie("waf_sid"); fw.session && (err != nil || s.Value != "s1") {
		passed = false
	}
	if !passed {
		fw.mu.Lock()
		fw.challenged++
		if r.Header.Get("Upgrade-Insecure-Requests") != "" {
			if fw.browsed == nil {
				fw.browsed = map[string]bool{}
			}
			fw.browsed[r.URL.Path] = true
		}
		fw.mu.Unlock()
		if fw.session {
			http.SetCookie(w, &http.Cookie{Name: "waf_sid", Value: "s1", Path: "/", HttpOnly: true})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusPreconditionFailed)
		fmt.Fprint(w, challengePage)
		return
	}
	fw.h.ServeHTTP(w, r)
}

func (fw *firewall) count() int {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.challenged
}

// behindFirewall serves the good site behind the firewall.
func behindFirewall(f *farm, session bool) (*firewall, Site) {
	site := f.serveSite(goodSite())
	fw := &firewall{h: f.hosts[siteHost], session: session}
	f.handle(siteHost, fw)
	return fw, site
}

// crawlOnly runs a round without judging it, for tests that look at its pages and visits.
func crawlOnly(t *testing.T, in *Inspector, site Site) *round {
	t.Helper()
	r, err := in.newRound(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.cancel)
	r.crawl()
	return r
}

// Without a browser, a site behind a challenge cannot be inspected: its homepage is skipped with
// the reason, and nothing of it is a dead link.
func TestChallengedSiteWithoutBrowser(t *testing.T) {
	f := newFarm(t)
	_, site := behindFirewall(f, false)
	in := f.inspector(Config{})

	r := crawlOnly(t, in, site)
	home := r.visits[site.BaseURLs[0]]
	const want = "站点启用了脚本验证（HTTP 412），未配置浏览器（INSPECT_BROWSER）"
	if home == nil || home.res.Skipped != want || home.res.broken() {
		t.Fatalf("homepage visit = %+v, want skipped: %s", home, want)
	}

	res := inspect(t, in, site)
	if dead := findingsOf(res, indicator.TypeDeadLink); len(dead) > 0 {
		t.Fatalf("dead links behind a challenge:%s", dump(res))
	}
	if res.Uninspected != want || res.Verdict != "" {
		t.Fatalf("uninspected %q, verdict %q, want not inspected for: %s", res.Uninspected, res.Verdict, want)
	}
	if len(res.Findings) > 0 {
		t.Fatalf("a site that answers, behind a challenge, has findings:%s", dump(res))
	}
}

// A challenged page or link inside a site that opens is skipped, not dead.
func TestChallengedLinksAreNotDead(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	pages["/"] = strings.Replace(pages["/"], `<h2>公告</h2>`,
		`<p><a href="http://www.waf.gov.cn/">省政务服务网</a> <a href="/zwgk/">政务公开</a></p><h2>公告</h2>`, 1)
	site := f.serveSite(pages)
	f.handle("www.waf.gov.cn", &firewall{h: http.NotFoundHandler()})
	origin := f.hosts[siteHost]
	zwgk := &firewall{h: http.NotFoundHandler()}
	f.handle(siteHost, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/zwgk/") {
			zwgk.ServeHTTP(w, r)
			return
		}
		origin.ServeHTTP(w, r)
	}))

	res := inspect(t, f.inspector(Config{}), site)
	if dead := findingsOf(res, indicator.TypeDeadLink); len(dead) > 0 {
		t.Fatalf("challenged links reported dead:%s", dump(res))
	}
	if res.Pages < 5 || zwgk.count() == 0 || f.hitCount("GET www.waf.gov.cn/") == 0 {
		t.Fatalf("pages %d, challenges %d, outbound %d: the links were not tried", res.Pages, zwgk.count(), f.hitCount("GET www.waf.gov.cn/"))
	}
}

// testBrowser finds Chromium as the app's browser tests do: INSPECT_BROWSER, else chromium on the
// PATH (.ci/run installs Debian's); the test says so when there is none.
func testBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INSPECT_BROWSER"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it): browser tests not run")
	}
	return p
}

// With a browser, the challenge is passed once and the site crawled as any other, with plain
// requests carrying the cookie the browser earned, all under the crawler's name.
func TestChallengedSiteWithBrowser(t *testing.T) {
	browser := testBrowser(t)
	for _, session := range []bool{false, true} {
		t.Run(fmt.Sprintf("session=%v", session), func(t *testing.T) {
			challengedSiteWithBrowser(t, browser, session)
		})
	}
}

func challengedSiteWithBrowser(t *testing.T, browser string, session bool) {
	f := newFarm(t)
	fw, site := behindFirewall(f, session)
	in := f.inspector(Config{Browser: browser})
	t.Cleanup(in.Close)

	res := inspect(t, in, site)
	if len(res.Findings) > 0 {
		t.Fatalf("the good site behind a challenge has findings:%s", dump(res))
	}
	open := newFarm(t)
	plain := inspect(t, open.inspector(Config{}), open.serveSite(goodSite()))
	if res.Pages != plain.Pages || res.Links != plain.Links || len(res.Columns) != len(plain.Columns) {
		t.Fatalf("behind the challenge %d pages, %d links, %d columns; without it %d, %d, %d",
			res.Pages, res.Links, len(res.Columns), plain.Pages, plain.Links, len(plain.Columns))
	}
	// robots.txt, then the browser's first look: the rest went through with the cookie.
	t.Logf("challenged %d times, %d pages", fw.count(), res.Pages)
	if n := fw.count(); n > 2 {
		t.Fatalf("challenged %d times: the browser's cookie did not reach the crawl", n)
	}
	for ua := range f.agents {
		if ua != DefaultUserAgent {
			t.Fatalf("a request under another name: %q", ua)
		}
	}
}

// challengeOf reads what any server answers: it must never panic, and it names a challenge only
// as "HTTP <status>".
func FuzzChallengeOf(f *testing.F) {
	f.Add(412, challengePage)
	f.Add(521, `<script>document.cookie=('__jsl')+'=1';location.href=location.pathname</script>`)
	f.Add(200, `<meta http-equiv="refresh" content="0"><script>document['cookie']='a=b'</script>`)
	f.Add(200, goodSite()["/"])
	f.Fuzz(func(t *testing.T, status int, body string) {
		got := challengeOf(status, []byte(body))
		if got != "" && got != fmt.Sprintf("HTTP %d", status) {
			t.Fatalf("challengeOf(%d) = %q", status, got)
		}
	})
}

// A challenge the browser cannot pass leaves the site skipped with the reason, tried once a round
// for all its pages, and still no dead link.
func TestChallengeTheBrowserCannotPass(t *testing.T) {
	browser := testBrowser(t)
	f := newFarm(t)
	fw, site := behindFirewall(f, false)
	fw.token = "captcha"
	site.Columns = []Column{{URL: "http://" + siteHost + "/news/", Name: "工作动态"}, {URL: "http://" + siteHost + "/notice/", Name: "通知公告"}}
	in := f.inspector(Config{Browser: browser})
	in.browser.timeout = 3 * time.Second
	t.Cleanup(in.Close)

	r := crawlOnly(t, in, site)
	const want = "站点启用了脚本验证（HTTP 412），浏览器未能通过：3秒内未通过验证"
	for _, u := range []string{site.BaseURLs[0], site.Columns[0].URL, site.Columns[1].URL} {
		if v := r.visits[u]; v == nil || v.res.Skipped != want {
			t.Fatalf("%s: visit %+v, want skipped: %s", u, v, want)
		}
	}
	// The browser tried one address (robots.txt, the first asked for), reloading as the
	// challenge's script asks until its time was up; not one more for every page.
	fw.mu.Lock()
	browsed := fw.browsed
	fw.mu.Unlock()
	if len(browsed) != 1 || !browsed["/robots.txt"] {
		t.Fatalf("the browser tried %v, want robots.txt alone", browsed)
	}
	if dead := findingsOf(inspect(t, f.inspector(Config{}), site), indicator.TypeDeadLink); len(dead) > 0 {
		t.Fatalf("dead links: %+v", dead)
	}
}
