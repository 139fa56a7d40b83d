package loadtest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// farmSites is a farm of made-up government websites on loopback, for `loadtest farm`: site i
// listens on its own address 127.1.x.y (Linux routes all of 127/8 to lo), every page answers
// after the set latency, and a page's body is made from a seed, so any page can be served again
// the same without being kept. Which pages changed by a day is decided by the seed too: on day
// N, the share -changes of the pages changed on each day from 2 to N, with a new body, ETag and
// Last-Modified; a request with the page's ETag or a later If-Modified-Since gets 304.
type farmSites struct {
	sites, pages int
	fanout       int // links from each page to the pages below it (a tree, so every page is reached)
	pageBytes    int
	latency      time.Duration
	crawlDelay   float64 // robots.txt's Crawl-delay in seconds; 0 = none
	changes      float64 // share of the pages that change each day
	day          int
	seed         uint64
	port         int
}

// farmEpoch is day 1 of the farm: Last-Modified counts days from it.
var farmEpoch = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// siteAddr is site i's address: 127.1.0.1, 127.1.0.2, … 127.1.0.250, 127.1.1.1, …
func (f *farmSites) siteAddr(i int) string {
	return fmt.Sprintf("127.1.%d.%d:%d", i/250, i%250+1, f.port)
}

// serve listens on every site's address until ctx ends.
func (f *farmSites) serve(ctx context.Context) error {
	var servers []*http.Server
	for i := 0; i < f.sites; i++ {
		l, err := net.Listen("tcp", f.siteAddr(i))
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("farm: listen for site %d: %w", i, err)
		}
		site := i
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.handle(site, w, r) }),
			ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Println("farm:", err)
			}
		}()
	}
	go func() {
		<-ctx.Done()
		for _, s := range servers {
			s.Close()
		}
	}()
	return nil
}

func (f *farmSites) handle(site int, w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.latency)
	path := r.URL.Path
	if path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		if f.crawlDelay > 0 {
			fmt.Fprintf(w, "Crawl-delay: %g\n", f.crawlDelay)
		}
		return
	}
	page := -1
	switch {
	case path == "/" || path == "/index.html":
		page = 0
	case strings.HasPrefix(path, "/p/") && strings.HasSuffix(path, ".html"):
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/p/"), ".html")); err == nil && n > 0 && n < f.pages {
			page = n
		}
	}
	if page < 0 {
		http.NotFound(w, r)
		return
	}
	version, changedOn := f.version(site, page)
	etag := fmt.Sprintf(`"%d-%d-%d"`, site, page, version)
	modified := farmEpoch.AddDate(0, 0, changedOn-1)
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if since, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(since) && r.Header.Get("If-None-Match") == "" {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(f.body(site, page, version))
}

// version says how many times the page changed by the farm's day, and the day of the last change
// (1: never).
func (f *farmSites) version(site, page int) (version, day int) {
	day = 1
	for d := 2; d <= f.day; d++ {
		if f.draw(site, page, d) < f.changes {
			version, day = version+1, d
		}
	}
	return version, day
}

// draw is a number in [0, 1) the seed gives to a page and a day.
func (f *farmSites) draw(site, page, day int) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d/%d/%d", f.seed, site, page, day)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// farmWords make the pages' sentences: common words of a government site, in an order the page's
// seed decides, so that no two pages carry the same text (the farm is no test of 一稿多发).
var farmWords = strings.Fields(`我市 全面 推进 政务 公开 工作 会议 要求 各级 部门 进一步 加强 落实 责任
	深化 改革 优化 营商 环境 服务 群众 办事 效率 提升 经济 社会 发展 稳中 向好 项目 建设 加快 乡村 振兴
	生态 保护 安全 生产 检查 督导 整改 问题 清单 民生 实事 教育 医疗 养老 就业 创业 补贴 政策 解读 发布
	通知 公告 意见 办法 方案 规划 年度 季度 统计 数据 显示 同比 增长 下降 完成 目标 任务 情况 报告`)

func (f *farmSites) body(site, page, version int) []byte {
	rng := rand.New(rand.NewPCG(f.seed^uint64(site)<<32^uint64(page), uint64(version)+1))
	var b strings.Builder
	b.Grow(f.pageBytes + 4096)
	title := fmt.Sprintf("第%d号站点 第%d页 %s%s", site, page, farmWords[rng.IntN(len(farmWords))], farmWords[rng.IntN(len(farmWords))])
	fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title>`+
		`<meta name="ArticleTitle" content="%s"><meta name="PubDate" content="2025-02-%02d 09:00"></head><body>`,
		title, title, page%28+1)
	b.WriteString(`<div class="nav"><a href="/">首页</a>`)
	for c := 1; c <= 8 && c < f.pages; c++ {
		fmt.Fprintf(&b, `<a href="/p/%d.html">栏目%d</a>`, c, c)
	}
	b.WriteString(`</div><div class="list"><ul>`)
	for c := page*f.fanout + 1; c <= page*f.fanout+f.fanout && c < f.pages; c++ {
		fmt.Fprintf(&b, `<li><a href="/p/%d.html">文章%d</a><span>2025-02-%02d</span></li>`, c, c, c%28+1)
	}
	if f.pages > 1 { // a link across the tree: the graph has more than one path to a page
		fmt.Fprintf(&b, `<li><a href="/p/%d.html">相关链接</a><span>2025-01-15</span></li>`, 1+rng.IntN(f.pages-1))
	}
	fmt.Fprintf(&b, `</ul></div><div class="content"><h1>%s</h1><p>发布日期：2025-02-%02d</p>`, title, page%28+1)
	for b.Len() < f.pageBytes {
		b.WriteString("<p>")
		for range 40 {
			b.WriteString(farmWords[rng.IntN(len(farmWords))])
		}
		fmt.Fprintf(&b, "，共计%d项。</p>", rng.IntN(100000))
	}
	b.WriteString(`</div><div class="footer">主办单位：某某市人民政府办公室 网站标识码：5101000001 蜀ICP备12345678号</div></body></html>`)
	return []byte(b.String())
}
