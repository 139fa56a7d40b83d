package inspector

import (
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// govPage60KB builds a realistic article page of a government site, about 60 KB of HTML:
// head with styles and scripts, a navigation of 40 links, the article (the clean corpus
// with two planted typos), a list of related articles, and the footer marks.
func govPage60KB(t testing.TB) string {
	sentences := readLines(t, "testdata/clean-gov.txt")
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于做好2025年春季森林防火工作的通知_示范市人民政府</title>
<link rel="stylesheet" href="/css/common.css"><style>.nav a{margin:0 8px}.hidden{display:none}.list li{line-height:2}</style>
<script src="/js/jquery.min.js"></script><script>var siteId="3301000001";function share(){return false}</script></head><body>
<div class="top"><a href="/">示范市人民政府</a> <a href="/en/">English</a> <a href="/wza/">无障碍</a></div><div class="nav">`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, `<a href="/col/col%d/index.html">%s</a>`, i, []string{"首页", "政务公开", "政务服务", "互动交流", "走进示范", "工作动态", "通知公告", "政策文件", "政策解读", "人事信息"}[i%10])
	}
	b.WriteString(`</div><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col5/index.html">通知公告</a></div>
<div class="article"><h1>关于做好2025年春季森林防火工作的通知</h1><div class="info">发布时间：2025-03-01 来源：市政府办公室 浏览次数：1024</div><div class="content">`)
	i := 0
	for b.Len() < 48*1024 {
		s := sentences[i%len(sentences)]
		if i == 37 {
			s = "会议要求，各地要按照部暑要求，抓好森林防火各项工作。"
		}
		if i == 91 {
			s = "县卫健局组织医务人员深入农村开展义诊活懂。"
		}
		fmt.Fprintf(&b, "<p style=\"text-indent:2em\">%s</p>\n", s)
		i++
	}
	b.WriteString(`</div></div><div class="related"><h3>相关文章</h3><ul class="list">`)
	for k := 0; b.Len() < 58*1024; k++ {
		s := []rune(sentences[(k*7)%len(sentences)])
		fmt.Fprintf(&b, `<li><a href="/art/2025/3/%d/art_%d.html">%s</a><span>2025-03-%02d</span></li>`, k%28+1, 1000+k, string(s[:min(len(s), 24)]), k%28+1)
	}
	b.WriteString(`</ul></div><div class="footer"><a href="/zhaocuo/"><img src="/img/zhaocuo.png" alt="我为政府网站找错"></a>
<p>主办单位：示范市人民政府办公室 联系电话：0571-12345678</p><p>网站标识码：3301000001 <a href="https://beian.miit.gov.cn/">浙ICP备12345678号</a> 浙公网安备 33010002000001号</p>
<img src="/img/dzjg.png" alt="党政机关"></div></body></html>`)
	return b.String()
}

// BenchmarkAnalyzePage60KB is the cost of the content checks on one page: the whole
// analyzePage (visibility, links, dates, marks, the 错敏字 list) with and without the
// statistical check. Run with:
//
//	go test -run '^$' -bench BenchmarkAnalyzePage60KB -benchmem ./jobs/inspector/
func BenchmarkAnalyzePage60KB(b *testing.B) {
	page := govPage60KB(b)
	doc, err := html.ParseWithOptions(strings.NewReader(page), html.ParseOptionEnableScripting(false))
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse("https://www.example.gov.cn/art/2025/3/1/art_1.html")
	now := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	w := compileWords(DefaultRules())
	sharedLexicon() // loaded once per process, outside the timings
	runtime.GC()    // and its garbage collected before them
	b.Logf("statistical lexicon: %d words, %d variants in the Bloom filter, loaded in %v; heap %.0f MB with gse's segmenter, %.0f MB kept",
		lexiconStats.Words, lexiconStats.Variants, lexiconStats.Load.Round(time.Millisecond), lexiconStats.HeapAfterLoadMB, lexiconStats.HeapKeptMB)
	for _, stat := range []bool{false, true} {
		name := "list"
		if stat {
			name = "list+statistical"
		}
		b.Run(name, func(b *testing.B) {
			w.statistical = stat
			b.SetBytes(int64(len(page)))
			var typos int
			cpu := processCPU()
			for b.Loop() {
				typos = len(w.analyzePage(doc, u, false, now).Typos)
			}
			// The machine may be shared: CPU time is what a page costs, wall time is not.
			b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(typos), "typos/page")
		})
	}
}

// The benchmark's page must be what it claims: about 60 KB, and the planted typos found.
func TestGovPage60KB(t *testing.T) {
	page := govPage60KB(t)
	if n := len(page); n < 58*1024 || n > 62*1024 {
		t.Errorf("page is %d bytes, want about 60 KB", n)
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://www.example.gov.cn/art/2025/3/1/art_1.html")
	var got []string
	for _, h := range compileWords(DefaultRules()).analyzePage(doc, u, false, time.Now()).Typos {
		got = append(got, h.Wrong+"→"+h.Right)
	}
	if strings.Join(got, " ") != "部暑→部署 活懂→活动" {
		t.Errorf("typos on the page: %v", got)
	}
}

// processCPU is the user and system CPU time the process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
