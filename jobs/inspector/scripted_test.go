package inspector

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// TestScriptBuiltLinks: a link whose href a script or a template builds is not a link; a literal
// link a script writes still is (the hidden-link check reads those).
func TestScriptBuiltLinks(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string // link targets, in order
	}{
		{name: "concatenation in single quotes",
			html: `<ul id="l"></ul><script>var h="";for(var i=0;i<d.length;i++){var it=d[i];h+='<li><a href="'+it.url+'">'+it.title+'</a></li>';}</script>`},
		{name: "concatenation in double quotes",
			html: `<script>h += "<a href='" + it.url + "' target='_blank'>" + it.title + "</a>";</script>`},
		{name: "concatenation with spaces inside the quotes",
			html: `<script>h += '<a href="' + item.link + '">' + item.name + '</a>';</script>`},
		{name: "unbalanced quote from a path built around an id",
			html: `<script>document.write("<a href='/list/"+id+".html'>更多</a>");</script>`},
		{name: "template literal",
			html: "<script>el.innerHTML = `<li><a href=\"${it.url}\">${it.title}</a></li>`;</script>"},
		{name: "art-template in a text/html script",
			html: `<script type="text/html" id="tpl">{{each list as it}}<li><a href="{{it.url}}">{{it.title}}</a></li>{{/each}}</script>`},
		{name: "ejs template",
			html: `<script type="text/template"><a href="<%= url %>"><%= title %></a></script>`},
		{name: "moustache in the page itself",
			html: `<div id="app"><a v-for="n in news" href="{{n.url}}">{{n.title}}</a></div>`},
		{name: "document.write of a literal link",
			html: `<script>document.write('<a href="http://spam.example/">x</a>');</script>`, want: []string{"http://spam.example/"}},
		{name: "literal relative link in a script",
			html: `<script>$("#more").html('<a href="/news/index.html">更多</a>');</script>`, want: []string{"http://www.shifan.gov.cn/news/index.html"}},
		{name: "plus in a real query",
			html: `<a href="/search?q=a+b">搜索</a>`, want: []string{"http://www.shifan.gov.cn/search?q=a+b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, "<html><body>"+tt.html+"</body></html>", false)
			var got []string
			for _, l := range info.Links {
				got = append(got, l.Target)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("links = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBuiltHrefChars: scriptHref asks builtHref only of an href holding one of builtHrefChars,
// which is right only while every alternative of the regexp needs one of them: read from the
// regexp itself, so that a form added to it without its character fails here.
func TestBuiltHrefChars(t *testing.T) {
	re, err := syntax.Parse(builtHref.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	// needs reports whether every string re matches holds one of the characters.
	var needs func(re *syntax.Regexp) bool
	needs = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpLiteral:
			return strings.ContainsAny(string(re.Rune), builtHrefChars)
		case syntax.OpCharClass: // every character of the class is one of them
			for i := 0; i < len(re.Rune); i += 2 {
				for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
					if !strings.ContainsRune(builtHrefChars, r) {
						return false
					}
				}
			}
			return len(re.Rune) > 0
		case syntax.OpConcat:
			return slices.ContainsFunc(re.Sub, needs)
		case syntax.OpAlternate:
			for _, sub := range re.Sub {
				if !needs(sub) {
					return false
				}
			}
			return true
		case syntax.OpCapture, syntax.OpPlus:
			return needs(re.Sub[0])
		case syntax.OpRepeat:
			return re.Min > 0 && needs(re.Sub[0])
		}
		return false
	}
	if !needs(re) {
		t.Errorf("builtHref %q matches some href without any of %q", builtHref, builtHrefChars)
	}
	for _, href := range []string{"'+it.url+'", "${u}", "{{n.url}}", "<%= url %>", "`x`", "a + b"} {
		if !scriptHref(href, false) {
			t.Errorf("scriptHref(%q) = false", href)
		}
	}
}

func TestScriptFilledListDetection(t *testing.T) {
	tests := []struct {
		name     string
		html     string
		unjudged bool // Unjudged set by the page alone
		pending  bool // the page's linked scripts are still to read
	}{
		{name: "empty list filled by fetch", unjudged: true,
			html: `<ul id="list"></ul><script>fetch("/api/list.json").then(r=>r.json()).then(d=>{})</script>`},
		{name: "loading placeholder filled by $.getJSON", unjudged: true,
			html: `<div class="news-list"><li>加载中...</li></div><script>$.getJSON("/api/list", function(d){})</script>`},
		{name: "empty table body filled by XMLHttpRequest", unjudged: true,
			html: `<table><tbody id="rows"></tbody></table><script>var x=new XMLHttpRequest();x.open("GET","/api");x.send()</script>`},
		{name: "a list with dated items is read as it stands",
			html: `<ul class="list"><li><a href="/a.html">示范市召开会议</a><span>2025-03-18</span></li></ul><ul id="more"></ul><script>$.ajax({url:"/search"})</script>`},
		{name: "an empty menu in the navigation says nothing of the column",
			html: `<div class="nav"><ul id="menu"></ul></div><script>$.ajax({url:"/menu"})</script>`},
		{name: "an empty list and no script: blank, not unjudged",
			html: `<ul id="list"></ul>`},
		{name: "an empty list and a script of the site to read", pending: true,
			html: `<ul id="list"></ul><script src="/js/list.js"></script><script src="/js/jquery.min.js"></script>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, "<html><body>"+tt.html+"</body></html>", false)
			if got := info.Unjudged != ""; got != tt.unjudged {
				t.Errorf("unjudged = %q, want set: %v", info.Unjudged, tt.unjudged)
			}
			if tt.unjudged && !strings.Contains(info.Unjudged, "INSPECT_BROWSER") {
				t.Errorf("unjudged = %q, want the setting named", info.Unjudged)
			}
			pending := info.listFill != nil && !info.listFill.loader && len(info.listFill.srcs) > 0
			if pending != tt.pending {
				t.Errorf("scripts to read: %+v, want some: %v", info.listFill, tt.pending)
			}
			if tt.pending && (len(info.listFill.srcs) != 1 || info.listFill.srcs[0] != "http://www.shifan.gov.cn/js/list.js") {
				t.Errorf("scripts to read: %q, want the site's own, not the library", info.listFill.srcs)
			}
		})
	}
}

// newsByScript is the good site with its 工作动态 list filled from JSON by a script, inline or
// in a file of the site.
func newsByScript(linked bool) map[string]string {
	pages := goodSite()
	loader := `fetch("/api/news.json").then(function(r){return r.json()}).then(function(d){var h="";` +
		`for(var i=0;i<d.length;i++){var it=d[i];h+='<li><a href="'+it.url+'">'+it.title+'</a><span class="date">'+it.date+'</span></li>';}` +
		`document.getElementById("list").innerHTML=h;});`
	script := `<script>` + loader + `</script>`
	if linked {
		pages["/js/list.js"] = loader
		script = `<script src="/js/list.js"></script>`
	}
	pages["/news/"] = htmlPage("工作动态", `<div class="main"><ul id="list"></ul></div>`+script)
	pages["/api/news.json"] = `[{"url":"/news/a1.html","title":"示范市召开常务会议研究春季农业生产","date":"2025-03-18"},` +
		`{"url":"/news/a2.html","title":"示范市开展营商环境专项检查","date":"2025-03-12"},` +
		`{"url":"/news/a3.html","title":"示范市举行植树活动","date":"2025-03-01"}]`
	return pages
}

const newsURL = "http://" + siteHost + "/news/"

func TestScriptFilledColumnWithoutBrowser(t *testing.T) {
	for _, linked := range []bool{false, true} {
		t.Run(fmt.Sprintf("linked=%v", linked), func(t *testing.T) {
			f := newFarm(t)
			site := f.serveSite(newsByScript(linked))
			in := f.inspector(Config{})
			r := crawlOnly(t, in, site)
			news := r.pages[newsURL]
			if news == nil || !strings.Contains(news.Unjudged, "ul#list") || !strings.Contains(news.Unjudged, "INSPECT_BROWSER") {
				t.Fatalf("news column = %+v, want unjudged for its script-filled list", news)
			}
			if dead := findingsOf(inspect(t, in, site), indicator.TypeDeadLink); len(dead) > 0 {
				t.Fatalf("dead links from the script: %+v", dead)
			}
		})
	}
}

func TestScriptFilledColumnWithBrowser(t *testing.T) {
	browser := testBrowser(t)
	for _, linked := range []bool{false, true} {
		t.Run(fmt.Sprintf("linked=%v", linked), func(t *testing.T) {
			f := newFarm(t)
			site := f.serveSite(newsByScript(linked))
			in := f.inspector(Config{Browser: browser})
			t.Cleanup(in.Close)
			r := crawlOnly(t, in, site)
			news := r.pages[newsURL]
			if news == nil || news.Unjudged != "" {
				t.Fatalf("news column = %+v, want judged from the rendered list", news)
			}
			var dates []string
			for _, it := range news.Items {
				dates = append(dates, it.Target+" "+it.Date.Format("2006-01-02"))
			}
			want := []string{newsURL + "a1.html 2025-03-18", newsURL + "a2.html 2025-03-12", newsURL + "a3.html 2025-03-01"}
			if !slices.Equal(dates, want) {
				t.Fatalf("items = %q, want %q", dates, want)
			}
			if r.pages[newsURL+"a3.html"] == nil {
				t.Fatal("the article only the rendered list links to was not crawled")
			}
		})
	}
}
