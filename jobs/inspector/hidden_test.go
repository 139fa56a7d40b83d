package inspector

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func analyze(t testing.TB, src string, home bool) *pageInfo {
	t.Helper()
	doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://www.shifan.gov.cn/index.html")
	return compileWords(DefaultRules()).analyzePage(doc, u, home, testNow)
}

func TestHiddenLinkWays(t *testing.T) {
	const target = "http://spam.example/"
	tests := []struct {
		name   string
		html   string
		reason string // "" = visible
	}{
		{name: "plain link is visible", html: `<a href="http://spam.example/">x</a>`},
		{name: "display none", html: `<div style="display: none"><a href="http://spam.example/">x</a></div>`, reason: "display:none"},
		{name: "visibility hidden", html: `<span style="VISIBILITY:hidden"><a href="http://spam.example/">x</a></span>`, reason: "visibility:hidden"},
		{name: "visibility restored by child", html: `<div style="visibility:hidden"><p style="visibility:visible"><a href="http://spam.example/">x</a></p></div>`},
		{name: "opacity 0", html: `<a style="opacity:0" href="http://spam.example/">x</a>`, reason: "opacity:0"},
		{name: "font-size 0", html: `<p style="font-size:0px"><a href="http://spam.example/">x</a></p>`, reason: "font-size:0"},
		{name: "font-size 0 reset by child", html: `<ul style="font-size:0"><li style="font-size:14px"><a href="http://spam.example/">x</a></li></ul>`},
		{name: "image link at font-size 0 stays visible", html: `<p style="font-size:0"><a href="http://spam.example/"><img src="a.png"></a></p>`},
		{name: "off-screen left", html: `<div style="position:absolute;left:-9999px"><a href="http://spam.example/">x</a></div>`, reason: "left:-9999px"},
		{name: "off-screen top in em", html: `<div style="position:absolute;top:-100em"><a href="http://spam.example/">x</a></div>`, reason: "top:-100em"},
		{name: "text-indent", html: `<p style="text-indent:-9999px"><a href="http://spam.example/">x</a></p>`, reason: "text-indent"},
		{name: "colour as background", html: `<div style="background:#FFF"><a style="color:white" href="http://spam.example/">x</a></div>`, reason: "文字颜色与背景相同"},
		{name: "colour rgb as background", html: `<div style="background-color:rgb(255, 255, 255)"><a style="color:#ffffff" href="http://spam.example/">x</a></div>`, reason: "文字颜色与背景相同"},
		{name: "different colours", html: `<div style="background:#003366"><a style="color:#fff" href="http://spam.example/">x</a></div>`},
		{name: "transparent text", html: `<a style="color:transparent" href="http://spam.example/">x</a>`, reason: "color:transparent"},
		{name: "tiny box", html: `<div style="width:1px;height:1px;overflow:hidden"><a href="http://spam.example/">x</a></div>`, reason: "overflow:hidden"},
		{name: "height 0 box", html: `<div style="height:0;overflow:hidden"><a href="http://spam.example/">x</a></div>`, reason: "overflow:hidden"},
		{name: "overflow hidden on a normal box", html: `<div style="width:300px;height:200px;overflow:hidden"><a href="http://spam.example/">x</a></div>`},
		{name: "hidden attribute", html: `<div hidden><a href="http://spam.example/">x</a></div>`, reason: "hidden属性"},
		{name: "class in a style block", html: `<style>.fl{display:none}</style><div class="fl"><a href="http://spam.example/">x</a></div>`, reason: "display:none"},
		{name: "id in a style block", html: `<style>/* links */ #yq { position:absolute; left:-8000px }</style><div id="yq"><a href="http://spam.example/">x</a></div>`, reason: "left:-8000px"},
		{name: "descendant selector", html: `<style>div.box a{font-size:0}</style><div class="box"><a href="http://spam.example/">x</a></div>`, reason: "font-size:0"},
		{name: "descendant selector elsewhere does not hide", html: `<style>div.box a{display:none}</style><div class="other"><a href="http://spam.example/">x</a></div>`},
		{name: "media query is not a hiding", html: `<style>@media (max-width:600px){.m{display:none}}</style><div class="m"><a href="http://spam.example/">x</a></div>`},
		{name: "hover rule is not a hiding", html: `<style>a:hover{display:none}</style><a href="http://spam.example/">x</a>`},
		{name: "inline style overrides the sheet", html: `<style>.x{display:none}</style><div class="x" style="display:block"><a href="http://spam.example/">x</a></div>`, reason: "display:none"},
		{name: "noscript", html: `<noscript><a href="http://spam.example/">x</a></noscript>`, reason: "noscript"},
		{name: "comment", html: `<!-- <a href="http://spam.example/">x</a> -->`, reason: "注释"},
		{name: "document.write visible", html: `<script>document.write('<a href="http://spam.example/">x</a>');</script>`},
		{name: "document.write hidden", html: `<script>document.write('<div style="display:none"><a href="http://spam.example/">x</a></div>');</script>`, reason: "display:none（脚本写入）"},
		{name: "escaped innerHTML then hidden", html: `<script>var d=document.getElementById("f");d.innerHTML="\x3ca href=\"http://spam.example/\"\x3ex\x3c/a\x3e";d.style.display="none";</script>`, reason: "脚本写入并隐藏"},
		{name: "zero-width text only", html: `<a href="http://spam.example/">&#8203;&#8203;</a>`, reason: "零宽字符"},
		{name: "zero-width inside words", html: `<a href="http://spam.example/">博&#8203;彩</a>`, reason: "夹杂零宽字符"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, "<html><body>"+tt.html+"</body></html>", false)
			var got *pageLink
			for i := range info.Links {
				if info.Links[i].Target == target {
					got = &info.Links[i]
				}
			}
			if got == nil {
				t.Fatalf("link not found among %+v", info.Links)
			}
			if tt.reason == "" && got.Hidden != "" {
				t.Errorf("want visible, got hidden: %s", got.Hidden)
			}
			if tt.reason != "" && !strings.Contains(got.Hidden, tt.reason) {
				t.Errorf("hidden = %q, want it to say %q", got.Hidden, tt.reason)
			}
		})
	}
}

func TestBadWord(t *testing.T) {
	w := compileWords(DefaultRules())
	tests := []struct {
		name, href, text, want string
	}{
		{name: "word in text", href: "http://a.example/", text: "澳门百家乐", want: "百家乐"},
		{name: "word split by zero-width", href: "http://a.example/", text: "博\u200b彩", want: "博彩"},
		{name: "pinyin in host", href: "http://www.bocai-888.com/", text: "点击", want: "bocai"},
		{name: "Chinese in path", href: "http://a.example/%E5%BD%A9%E7%A5%A8/", text: "", want: "彩票"},
		{name: "ordinary link", href: "http://www.example.com/news", text: "新闻"},
		{name: "gov.cn is exempt", href: "http://www.cwl.gov.cn/", text: "中国福利彩票"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.href)
			if got := w.badWord(u, tt.text); got != tt.want {
				t.Errorf("badWord = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizeColor(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "short hex", in: "#FfF", want: "#ffffff"},
		{name: "long hex", in: "#003366", want: "#003366"},
		{name: "rgb", in: "rgb(0, 51, 102)", want: "#003366"},
		{name: "rgba zero alpha", in: "rgba(0,0,0,0)", want: "transparent"},
		{name: "named", in: "White", want: "#ffffff"},
		{name: "garbage", in: "#zzz", want: ""},
		{name: "out of range", in: "rgb(300,0,0)", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeColor(tt.in); got != tt.want {
				t.Errorf("normalizeColor(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
