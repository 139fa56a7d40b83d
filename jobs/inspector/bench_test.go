package inspector

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models/indicator"
)

// The speed benchmark: a generated site of 5,000 pages holding 50,000 links (ten on
// every page: five in the navigation, five in the page's list), some of them planted
// broken, served on loopback. The inspector crawls it with every check on; linkinator
// and Debian's linkchecker crawl the same server with the same concurrency when they
// are installed. Run it with testdata/compare.sh, or:
//
//	go test -run '^$' -bench BenchmarkCrawl5000 -benchtime 1x ./jobs/inspector/
const (
	benchPages   = 5000
	benchPerPage = 5 // list links per page, besides the five navigation links
)

// benchSite is the generated site and what was planted in it.
type benchSite struct {
	pages  map[string][]byte
	broken map[string]int // path → status of the planted broken links
	links  int            // link occurrences on all pages
	typos  int            // pages with a planted 错敏字
	dups   int            // pages that copy the one before
}

func benchPath(i int) string {
	if i == 0 {
		return "/"
	}
	return fmt.Sprintf("/p/%d.html", i)
}

// makeBenchSite builds the pages. Page i lists pages 5i+1…5i+5, so every page is
// reachable within six clicks; pages without children (i ≥ 1000) list pseudo-random
// pages instead, and on some of those one entry is a broken link (404 or 500).
func makeBenchSite() *benchSite {
	s := &benchSite{pages: map[string][]byte{}, broken: map[string]int{}}
	const navHTML = `<div class="nav"><a href="/">首页</a><a href="/p/1.html">工作动态</a><a href="/p/2.html">通知公告</a>` +
		`<a href="/p/3.html">政策文件</a><a href="/p/4.html">人事信息</a></div>`
	for i := 0; i < benchPages; i++ {
		var b strings.Builder
		title := fmt.Sprintf("示范市第%d号工作信息", i)
		bodySeed := uint64(i)
		if i%1000 == 999 { // 一稿多发: the same article as the page before
			title, bodySeed = fmt.Sprintf("示范市第%d号工作信息", i-1), uint64(i-1)
			s.dups++
		}
		fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title>`, title)
		b.WriteString(`<style>.list li{line-height:24px}.hide{display:none}.date{color:#999}</style></head><body>`)
		b.WriteString(navHTML)
		b.WriteString(`<div class="main"><ul class="list">`)
		for k := 0; k < benchPerPage; k++ {
			target := 5*i + 1 + k
			if target >= benchPages {
				target = (i*7919 + k*104729) % benchPages
			}
			href := benchPath(target)
			switch {
			case i >= 1000 && i%50 == 0 && k == 4:
				href = fmt.Sprintf("/missing/%d.html", i)
				s.broken[href] = http.StatusNotFound
			case i >= 1000 && i%250 == 125 && k == 3:
				href = fmt.Sprintf("/error/%d.html", i)
				s.broken[href] = http.StatusInternalServerError
			}
			fmt.Fprintf(&b, `<li><a href="%s">示范市第%d号工作信息</a><span class="date">2025-03-%02d</span></li>`, href, target, 10+(i+k)%10)
		}
		b.WriteString(`</ul><div class="hide">提示</div><div class="article"><h1>` + title + `</h1><p>发布日期：2025-03-01</p><p>`)
		b.WriteString(prose(bodySeed, 240))
		if i%700 == 0 {
			b.WriteString("各级攻府要落实责任。")
			s.typos++
		}
		b.WriteString(`</p></div></div><div class="footer"><p>我为政府网站找错　党政机关　主办单位：示范市人民政府办公室　联系电话：028-12345678</p>`)
		b.WriteString(`<p>网站标识码：5101000001　蜀ICP备12345678号-1　川公网安备 51010002000001号</p></div></body></html>`)
		s.pages[benchPath(i)] = []byte(b.String())
		s.links += 5 + benchPerPage
	}
	return s
}

func (s *benchSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// linkchecker waits 0.1–0.6 s between requests to a host (about 3 a second) unless
	// the host sends this header and its configuration allows more; see runLinkchecker.
	w.Header().Set("LinkChecker", "benchmark")
	if status, ok := s.broken[r.URL.Path]; ok {
		http.Error(w, http.StatusText(status), status)
		return
	}
	body, ok := s.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// crawlRun is one tool's run over the benchmark site.
type crawlRun struct {
	tool    string
	urls    int // distinct URLs the tool requested
	broken  map[string]bool
	elapsed time.Duration
	note    string
}

func (c crawlRun) rate() float64 { return float64(c.urls) / c.elapsed.Seconds() }

func benchConcurrency() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_CONCURRENCY")); err == nil && n > 0 {
		return n
	}
	return 10 // linkchecker's default thread count
}

func BenchmarkCrawl5000(b *testing.B) {
	site := makeBenchSite()
	if site.links != 10*benchPages {
		b.Fatalf("site has %d links, want %d", site.links, 10*benchPages)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()
	conc := benchConcurrency()
	runs := map[string]crawlRun{}
	tools := []struct {
		name string
		run  func(b *testing.B, base string, conc int) crawlRun
	}{
		{"inspector", runInspector},
		{"linkinator", runLinkinator},
		{"linkchecker", runLinkchecker},
	}
	for _, tool := range tools {
		b.Run(tool.name, func(b *testing.B) {
			var run crawlRun
			for b.Loop() {
				run = tool.run(b, srv.URL+"/", conc)
			}
			b.ReportMetric(run.rate(), "URLs/s")
			b.ReportMetric(float64(len(run.broken)), "broken")
			if len(run.broken) != len(site.broken) {
				b.Errorf("%s found %d broken links, %d were planted", tool.name, len(run.broken), len(site.broken))
			}
			runs[tool.name] = run
		})
	}
	b.Log(benchSummary(site, conc, runs))
}

func runInspector(b *testing.B, base string, conc int) crawlRun {
	in := New(Config{PerHostConcurrency: conc, MaxDuration: 10 * time.Minute, Egress: egresstest.Loopback,
		Now: func() time.Time { return time.Date(2025, 3, 20, 10, 0, 0, 0, china) }})
	start := time.Now()
	res, err := in.Inspect(context.Background(), Site{Name: "bench", BaseURLs: []string{base}})
	if err != nil {
		b.Fatal(err)
	}
	run := crawlRun{tool: "inspector", urls: res.Links, elapsed: time.Since(start), broken: map[string]bool{}}
	counts := map[string]int{}
	for _, f := range res.Findings {
		counts[f.Type]++
		if f.Type == indicator.TypeDeadLink {
			run.broken[f.Target] = true
		}
	}
	run.note = fmt.Sprintf("pages %d, findings: %v, verdict %s %.1f", res.Pages, counts, res.Verdict, res.Score)
	return run
}

func benchSummary(site *benchSite, conc int, runs map[string]crawlRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nsite: %d pages, %d links, %d planted broken links; concurrency %d\n", len(site.pages), site.links, len(site.broken), conc)
	for _, name := range []string{"inspector", "linkinator", "linkchecker"} {
		r, ok := runs[name]
		if !ok {
			fmt.Fprintf(&b, "%-12s not run\n", name)
			continue
		}
		fmt.Fprintf(&b, "%-12s %6d URLs in %8.2fs = %7.0f URLs/s, %d broken found  %s\n",
			name, r.urls, r.elapsed.Seconds(), r.rate(), len(r.broken), r.note)
	}
	ins, ok := runs["inspector"]
	for _, name := range []string{"linkinator", "linkchecker"} {
		if r, ok2 := runs[name]; ok && ok2 {
			fmt.Fprintf(&b, "inspector / %s = %.2f× (URLs/s)\n", name, ins.rate()/r.rate())
		}
	}
	return b.String()
}
