package inspector

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

func TestCleanSiteHasNoFinding(t *testing.T) {
	f := newFarm(t)
	site := f.serveSite(goodSite())
	res := inspect(t, f.inspector(Config{}), site)
	if len(res.Findings) != 0 {
		t.Fatalf("clean site: want no finding, got %d:%s", len(res.Findings), dump(res))
	}
	if res.Verdict != indicator.Pass || res.Score != 100 {
		t.Errorf("verdict %s score %g, want 合格 100", res.Verdict, res.Score)
	}
	if res.Pages != 10 {
		t.Errorf("pages = %d, want 10 (every page but robots-disallowed and documents)", res.Pages)
	}
	// 10 pages, 2 documents and 5 outbound links; /private/ is left out for robots.txt.
	if res.Links != 17 {
		t.Errorf("links = %d, want 17", res.Links)
	}
	var cols []string
	for _, c := range res.Columns {
		cols = append(cols, c.Type+":"+c.Name)
	}
	if got := strings.Join(cols, ","); got != "news:工作动态,notice:通知公告,policy:政策文件" {
		t.Errorf("columns = %s", got)
	}
}

func TestCrawlerManners(t *testing.T) {
	f := newFarm(t)
	site := f.serveSite(goodSite())
	inspect(t, f.inspector(Config{UserAgent: "zhaocuo-test/1"}), site)
	for key, n := range f.allHits() {
		if n != 1 {
			t.Errorf("%s requested %d times, want once", key, n)
		}
		if strings.Contains(key, "/private/") {
			t.Errorf("robots.txt disallows %s, yet it was requested", key)
		}
	}
	if f.hitCount("GET "+siteHost+"/robots.txt") != 1 {
		t.Error("robots.txt not read")
	}
	// An attachment of the site is downloaded once to be read for personal data, with no HEAD
	// before; other documents are checked with HEAD, never downloaded.
	if f.hitCount("HEAD "+siteHost+"/files/plan.pdf") != 0 || f.hitCount("GET "+siteHost+"/files/plan.pdf") != 1 {
		t.Errorf("plan.pdf: want one GET and no HEAD, hits %v", f.allHits())
	}
	if len(f.agents) != 1 || !f.agents["zhaocuo-test/1"] {
		t.Errorf("user agents seen: %v", f.agents)
	}
}

func TestCrawlerStaysOnTheSite(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	pages["/"] = strings.Replace(pages["/"], "</div>", `<a href="http://other.example/start.html">外站</a></div>`, 1)
	site := f.serveSite(pages)
	f.static("other.example", map[string]string{
		"/start.html":  `<html><body><a href="/deeper.html">deeper</a></body></html>`,
		"/deeper.html": "deeper",
	})
	inspect(t, f.inspector(Config{}), site)
	if n := f.hitCount("GET other.example/start.html"); n != 1 {
		t.Errorf("outbound link checked %d times, want 1", n)
	}
	if n := f.hitCount("GET other.example/deeper.html"); n != 0 {
		t.Error("crawler followed a link on an outside site")
	}
	if n := f.hitCount("GET other.example/robots.txt"); n != 0 {
		t.Error("crawler read an outside site's robots.txt: it only checks outbound links")
	}
}

// chain serves /p0.html → /p1.html → … each linking to the next.
func chain(n int) map[string]string {
	pages := map[string]string{}
	for i := 0; i < n; i++ {
		pages[fmt.Sprintf("/p%d.html", i)] = fmt.Sprintf(`<html><body><a href="/p%d.html">next</a></body></html>`, i+1)
	}
	pages["/"] = pages["/p0.html"]
	return pages
}

func TestCrawlerLimits(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantPages int
		stopped   string
	}{
		{name: "MaxPages", cfg: Config{MaxPages: 10}, wantPages: 10, stopped: "MaxPages"},
		{name: "MaxDepth", cfg: Config{MaxDepth: 3}, wantPages: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			f.static("chain.test", chain(40))
			res := inspect(t, f.inspector(tt.cfg), Site{BaseURLs: []string{"http://chain.test/"}})
			if res.Pages != tt.wantPages || res.Stopped != tt.stopped {
				t.Errorf("pages %d stopped %q, want %d %q", res.Pages, res.Stopped, tt.wantPages, tt.stopped)
			}
			// The link past the limit is still checked, with HEAD.
			heads := 0
			for k := range f.allHits() {
				if strings.HasPrefix(k, "HEAD ") {
					heads++
				}
			}
			if heads != 1 {
				t.Errorf("HEAD requests = %d, want 1 (the first link past the limit)", heads)
			}
		})
	}
}

// A round stops at its MaxDuration, with or without a memory gate that never holds it back (the
// gate's holds alone push the round's end: roundclock.go).
func TestCrawlerMaxDuration(t *testing.T) {
	for _, gated := range []bool{false, true} {
		f := newFarm(t)
		pages := chain(100)
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(50 * time.Millisecond)
			body, ok := pages[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, body)
		})
		f.handle("slow.test", slow)
		cfg := Config{MaxDuration: 400 * time.Millisecond}
		if gated {
			cfg.MemoryBudget = 1
		}
		in := f.inspector(cfg)
		in.mem.live = func() int64 { return 0 }
		sharedLexicon() // loaded before the clock starts: the first page to need it takes seconds
		start := time.Now()
		res := inspect(t, in, Site{BaseURLs: []string{"http://slow.test/"}})
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("gated=%v: round took %v with MaxDuration 400ms", gated, took)
		}
		if res.Stopped != "MaxDuration" || res.Pages >= 100 {
			t.Errorf("gated=%v: stopped %q after %d pages", gated, res.Stopped, res.Pages)
		}
		if len(findingsOf(res, indicator.TypeDeadLink)) != 0 {
			t.Errorf("gated=%v: links cut off by the time limit must not be called dead:%s", gated, dump(res))
		}
	}
}

func TestCrawlerPoliteness(t *testing.T) {
	f := newFarm(t)
	pages := map[string]string{}
	var links strings.Builder
	for i := 0; i < 24; i++ {
		fmt.Fprintf(&links, `<a href="/p%d.html">p%d</a>`, i, i)
		pages[fmt.Sprintf("/p%d.html", i)] = "<html><body>page</body></html>"
	}
	pages["/"] = "<html><body>" + links.String() + "</body></html>"
	f.handle("polite.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
		if body, ok := pages[r.URL.Path]; ok {
			fmt.Fprint(w, body)
			return
		}
		http.NotFound(w, r)
	}))
	start := time.Now()
	inspect(t, f.inspector(Config{PerHostConcurrency: 2, PerHostRate: 50}), Site{BaseURLs: []string{"http://polite.test/"}})
	took := time.Since(start)
	if f.maxIn["polite.test"] > 2 {
		t.Errorf("max requests in flight = %d, want ≤ 2", f.maxIn["polite.test"])
	}
	// 26 requests (robots, home, 24 pages) at 50/s take at least 0.5 s.
	if took < 450*time.Millisecond {
		t.Errorf("26 requests at 50/s took only %v", took)
	}
}

func TestRobotsCrawlDelay(t *testing.T) {
	f := newFarm(t)
	pages := chain(5)
	pages["/robots.txt"] = "User-agent: *\nCrawl-delay: 0.2\n"
	f.static("delay.test", pages)
	start := time.Now()
	inspect(t, f.inspector(Config{}), Site{BaseURLs: []string{"http://delay.test/"}})
	// robots.txt, then 7 requests 0.2 s apart.
	if took := time.Since(start); took < time.Second {
		t.Errorf("Crawl-delay 0.2 ignored: 7 requests in %v", took)
	}
}

func TestInspectBadInput(t *testing.T) {
	in := New(Config{})
	if _, err := in.Inspect(context.Background(), Site{BaseURLs: []string{"ftp://x", ""}}); err != ErrNoHomepage {
		t.Errorf("err = %v, want ErrNoHomepage", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := newFarm(t)
	site := f.serveSite(goodSite())
	if _, err := f.inspector(Config{}).Inspect(ctx, site); err == nil {
		t.Error("cancelled context: want an error")
	}
}

func TestUnreachableHomepage(t *testing.T) {
	f := newFarm(t)
	res := inspect(t, f.inspector(Config{}), Site{BaseURLs: []string{"http://refused.test/"}})
	got := findingsOf(res, indicator.TypeUnreachable)
	if len(got) != 1 || !got[0].Warning || got[0].Veto || !strings.Contains(got[0].Evidence, "连接被拒绝") {
		t.Fatalf("want one unreachable warning (not a veto: that takes a week of probes):%s", dump(res))
	}
}

func TestKeysStableAcrossRounds(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	pages["/"] = strings.Replace(pages["/"], "</div>", `<a href="/gone.html">旧链接</a><p>攻府工作</p></div>`, 1)
	site := f.serveSite(pages)
	in := f.inspector(Config{})
	a, b := inspect(t, in, site), inspect(t, in, site)
	if len(a.Findings) == 0 || len(a.Findings) != len(b.Findings) {
		t.Fatalf("rounds differ:%s\nvs%s", dump(a), dump(b))
	}
	for i := range a.Findings {
		if a.Findings[i].Key != b.Findings[i].Key || a.Findings[i].Key == "" {
			t.Errorf("key of %s changed: %q vs %q", a.Findings[i].Type, a.Findings[i].Key, b.Findings[i].Key)
		}
	}
}
