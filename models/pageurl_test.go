package models_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"zhaocuo/models"
)

func TestParsePageURLNormalises(t *testing.T) {
	tests := []struct {
		name, raw, host, path string
	}{
		{"plain", "https://www.sc.gov.cn/10462/index.shtml", "sc.gov.cn", "/10462/index.shtml"},
		{"scheme and host case", "HTTPS://WWW.SC.GOV.CN/a", "sc.gov.cn", "/a"},
		{"default http port", "http://www.sc.gov.cn:80/a", "sc.gov.cn", "/a"},
		{"default https port", "https://www.sc.gov.cn:443/a", "sc.gov.cn", "/a"},
		{"other port kept", "https://www.sc.gov.cn:8443/a", "sc.gov.cn:8443", "/a"},
		{"trailing dot", "https://gzw.sc.gov.cn./x", "gzw.sc.gov.cn", "/x"},
		{"empty path", "https://gzw.sc.gov.cn", "gzw.sc.gov.cn", "/"},
		{"dot segments", "https://sc.gov.cn/a/./b/../c", "sc.gov.cn", "/a/c"},
		{"doubled slashes", "https://sc.gov.cn//a//b/", "sc.gov.cn", "/a/b/"},
		{"no scheme", "www.sc.gov.cn/xxgk/", "sc.gov.cn", "/xxgk/"},
		{"IDN in Unicode", "http://四川.政务.cn/a", "xn--wbsy6n.xn--zfr164b.cn", "/a"},
		{"IDN in punycode", "http://XN--WBSY6N.xn--zfr164b.cn/a", "xn--wbsy6n.xn--zfr164b.cn", "/a"},
		{"IPv6 with default port", "http://[::1]:80/a", "[::1]", "/a"},
		{"IPv6 with other port", "http://[::1]:8080/a", "[::1]:8080", "/a"},
		{"userinfo is not the host", "http://www.sc.gov.cn@evil.com/", "evil.com", "/"},
		{"query does not move the host", "http://evil.com/?www.sc.gov.cn", "evil.com", "/"},
		{"www alone stays", "http://www.com/", "www.com", "/"},
		{"surrounding spaces", "  https://sc.gov.cn/a  ", "sc.gov.cn", "/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := models.ParsePageURL(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if p.Host != tt.host || p.Path != tt.path {
				t.Fatalf("got host %q path %q, want %q %q", p.Host, p.Path, tt.host, tt.path)
			}
		})
	}
}

func TestSamePageSameKey(t *testing.T) {
	a, _ := models.ParsePageURL("https://www.sc.gov.cn/a?id=1#top")
	b, _ := models.ParsePageURL("http://SC.GOV.CN./a?id=1")
	c, _ := models.ParsePageURL("http://sc.gov.cn/a?id=2")
	if a.Key != b.Key {
		t.Fatal("two spellings of one page have different keys")
	}
	if a.Key == c.Key {
		t.Fatal("pages with different queries share a key")
	}
}

func TestParsePageURLRejects(t *testing.T) {
	tests := []struct{ name, raw string }{
		{"empty", "   "},
		{"javascript", "javascript:alert(1)"},
		{"file", "file:///etc/passwd"},
		{"ftp", "ftp://sc.gov.cn/a"},
		{"data", "data:text/html,<script>alert(1)</script>"},
		{"no host", "http:///a"},
		{"too long", "https://sc.gov.cn/" + strings.Repeat("a", 2048)},
		{"bad port", "https://sc.gov.cn:99999/"},
		{"spaces inside", "https://sc.gov.cn/a b"},
		{"invalid UTF-8", "https://sc.gov.cn/\xff"},
		{"bad IDN", "http://xn--a.com/"},
		{"just words", "四川省政府网站"},
		{"a label over 63 characters", "http://" + strings.Repeat("a", 64) + ".cn/"},
		{"an IDN label over 63 in punycode", "http://" + strings.Repeat("四川省人民政府办公厅国资委", 4) + ".cn/"},
		{"an empty label", "http://a..cn/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.ParsePageURL(tt.raw)
			if models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) != "page_url" {
				t.Fatalf("got %v, want an invalid page_url", err)
			}
		})
	}
}

func TestLongestPrefix(t *testing.T) {
	prefixes := []string{"/", "/cdsjyj", "/cdsjyj/xxgk"}
	tests := []struct {
		path string
		want int
	}{
		{"/", 0},
		{"/index.html", 0},
		{"/cdsjyj", 1},
		{"/cdsjyj/", 1},
		{"/cdsjyj/a.html", 1},
		{"/cdsjyjx/a.html", 0},
		{"/cdsjyj/xxgk/1.html", 2},
	}
	for _, tt := range tests {
		if got := models.LongestPrefix(prefixes, tt.path); got != tt.want {
			t.Errorf("LongestPrefix(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
	if got := models.LongestPrefix([]string{"/a"}, "/b"); got != -1 {
		t.Errorf("no cover: got %d, want -1", got)
	}
}

func FuzzParsePageURL(f *testing.F) {
	for _, s := range []string{"https://www.sc.gov.cn/a", "http://四川.政务.cn/", "javascript:x", "www.sc.gov.cn:8080/a?b#c", "http://[::1]:80/", "http://a.b./..//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := models.ParsePageURL(raw)
		if err != nil {
			if models.ErrorKind(err) != models.KindInvalid {
				t.Fatalf("error of kind %v: %v", models.ErrorKind(err), err)
			}
			return
		}
		if p.Host == "" || !strings.HasPrefix(p.Path, "/") || len(p.Key) != 64 || !utf8.ValidString(p.Host) {
			t.Fatalf("accepted %q as host %q path %q", raw, p.Host, p.Path)
		}
		if strings.HasPrefix(p.Host, "www.") && strings.Count(p.Host, ".") > 1 {
			t.Fatalf("host %q kept its www.", p.Host)
		}
		// Normalising twice changes nothing.
		again, err := models.ParsePageURL("http://" + p.Host + p.Path)
		if err != nil || again.Host != p.Host {
			t.Fatalf("normalised host %q does not parse to itself: %v %q", p.Host, err, again.Host)
		}
	})
}
