package inspector

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The parsers of outside input must never panic and must stay fast whatever a page
// holds: run with go test -fuzz=FuzzAnalyzePage ./jobs/inspector/ and so on.

// fuzzBudget is the time one input may take; an ordinary page takes well under 1 ms,
// the slack is for a busy machine running fuzz workers on every core.
const fuzzBudget = time.Second

func FuzzAnalyzePage(f *testing.F) {
	for _, s := range []string{
		goodSite()["/"], goodSite()["/notice/"], articlePage("标题", "2025-03-01", 1, ""),
		`<style>.a{display:none}#b .c>d{left:-9999px}@media x{.a{}}</style><div class=a><a href="http://x/">博彩</a></div>`,
		`<!-- <a href="http://x/">x</a> --><noscript><a href=http://y/>y</a></noscript>`,
		`<script>document.write("\x3ca href=\"http://z/\"\x3ez\x3c/a\x3e");x.style.display='none'</script>`,
		`<div style="color:#fff;background:rgb(255,255,255)"><a href="/a">中华人民共合国</a></div>`,
		`<li><a href="/x">t</a>[03-05]</li><dt><a href="/y">u</a></dt><dd>2025年3月1日</dd>`,
		`<base href="http://other/"><a href="  ja vascript:alert(1)">x</a><a href="&#8203;">z</a>`,
		strings.Repeat("<div>", 2000) + `<a href="/deep">deep</a>`,
	} {
		f.Add(s)
	}
	w := compileWords(DefaultRules())
	base, _ := url.Parse("http://www.shifan.gov.cn/")
	sharedLexicon() // the statistical 错敏字 lexicon takes seconds once per process: not an input's time
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		// A hang must show up as this input failing, not as a fuzzer that stalls.
		watchdog := time.AfterFunc(10*fuzzBudget, func() { panic("analysis hangs on " + strconv.Quote(src)) })
		defer watchdog.Stop()
		doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
		if err != nil {
			return
		}
		info := w.analyzePage(doc, base, true, testNow)
		for _, l := range info.Links {
			if _, err := url.Parse(l.Target); err != nil || !strings.HasPrefix(l.Target, "http") {
				t.Errorf("bad link target %q", l.Target)
			}
		}
		if took := time.Since(start); took > fuzzBudget {
			t.Errorf("analysis of %d bytes took %v", len(src), took)
		}
	})
}

func FuzzFirstDate(f *testing.F) {
	for _, s := range []string{"2025-03-20", "2025年3月20日", "二〇二五年三月二十日", "[03-20]", "3月20日", " 03-20 ",
		"2025.13.40", "二〇二五年十十十月", "发布日期：2024/2/29", "１２３"} {
		f.Add(s, 0)
		f.Add(s, 2024)
	}
	f.Fuzz(func(t *testing.T, s string, year int) {
		got, ok := firstDate(s, year, testNow)
		if ok && (got.Year() < 1990 || got.Year() > 2100 || got.Location() != china) {
			t.Errorf("firstDate(%q, %d) = %v", s, year, got)
		}
		if !ok && !got.IsZero() {
			t.Errorf("no date but a value %v", got)
		}
	})
}

func FuzzParseStyleSheet(f *testing.F) {
	for _, s := range []string{".a{display:none}", "#x .y > a:hover{left:-9999px}", "@media(x){.a{}}}}{{", "/* a */b{c:d", "a{", "}{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, css string) {
		rules := parseStyleSheet(css, maxStyleRules)
		if len(rules) > maxStyleRules {
			t.Errorf("%d rules past the cap", len(rules))
		}
	})
}
