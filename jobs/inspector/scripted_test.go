package inspector

import (
	"slices"
	"testing"
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
