package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// Whatever a reply holds, linkify gives back its text unchanged to the reader, with no element
// but links, each to an http(s) address, opened in a new tab without referrer or opener.
func FuzzLinkify(f *testing.F) {
	for _, s := range []string{
		"详见https://gzw.sc.gov.cn/guide?id=1&lang=zh。请致电028-86602345",
		`"><script>alert(1)</script> https://a.cn/"onmouseover="x`,
		"javascript:alert(1) http://x.cn/a?b=<c> HTTPS://A.CN/x)。 ftp://a.cn data:text/html,1",
		"http://", "https://[::1", "http://a.cn/%zz https://a.cn/ok.", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\x0c") {
			t.Skip("the HTML parser rewrites NUL, CR and form feed: the text could not be compared")
		}
		out := string(linkify(s))
		d, err := goquery.NewDocumentFromReader(strings.NewReader("<p>" + out + "</p>"))
		if err != nil {
			t.Fatal(err)
		}
		p := d.Find("body > p")
		if got := p.Text(); got != s {
			t.Fatalf("the text changed:\n in %q\nout %q", s, got)
		}
		if n := p.Find("*").Not("a").Length(); n != 0 {
			t.Fatalf("%d elements other than links in %q", n, out)
		}
		p.Find("a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			rel, _ := a.Attr("rel")
			target, _ := a.Attr("target")
			lower := strings.ToLower(href)
			if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") || rel != "noopener noreferrer nofollow" || target != "_blank" {
				t.Fatalf("link %q rel %q target %q in %q", href, rel, target, out)
			}
		})
	})
}
