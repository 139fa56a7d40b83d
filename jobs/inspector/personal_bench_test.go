package inspector

import (
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// personalBenchPage is an article of about 60 KB: prose with dates, 文号, landlines and a
// table of twenty rows of masked IDs and mobiles, the numbers a scan must look at and let go.
func personalBenchPage() string {
	var b strings.Builder
	for i := 0; b.Len() < 50<<10; i++ {
		fmt.Fprintf(&b, "<p>%s依据川府发〔2024〕%d号，咨询电话028-8612%04d，2025-03-%02d。</p>", prose(uint64(i+1), 120), i+1, i, 1+i%28)
	}
	b.WriteString("<table>")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "<tr><td>张%d</td><td>5101**********%04d</td><td>139****%04d</td></tr>", i, 1000+i, 5000+i)
	}
	b.WriteString("</table>")
	return articlePage("关于2025年低保对象的公示", "2025-03-01", 1, b.String())
}

// BenchmarkPersonalScan60KB: the personal data scan of a 60 KB page, beside the page's whole
// analysis (which includes it) in the same run:
// go test -run '^$' -bench BenchmarkPersonalScan60KB -benchmem ./jobs/inspector/
func BenchmarkPersonalScan60KB(b *testing.B) {
	src := personalBenchPage()
	w := compileWords(DefaultRules())
	base, _ := url.Parse("http://www.shifan.gov.cn/notice/n1.html")
	now := time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
	doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	for n := range doc.Descendants() {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
	}
	b.Logf("page %d bytes, text %d bytes", len(src), text.Len())
	sharedLexicon() // the statistical 错敏字 lexicon, loaded once per process, outside the timings
	b.Run("analyzePage", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			w.analyzePage(doc, base, false, now)
		}
	})
	b.Run("scanPersonal", func(b *testing.B) {
		var s *personalScan
		defer cpuPerOp(b)()
		for b.Loop() {
			s = scanPersonal(text.String(), now)
		}
		if s != nil {
			b.Fatalf("a page of masked values gave %v", s.Counts)
		}
	})
}

// cpuPerOp reports the process's CPU time per operation (cpu-ns/op) beside the wall time: on a
// shared machine the wall time counts the waits for a core, the CPU time does not.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
