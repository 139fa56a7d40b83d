package inspector

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// builtHref finds an href that a script or a template builds rather than an address a reader can
// follow: '<a href="'+it.url+'">' in a script reads, once parsed as HTML, as href="'+it.url+'",
// which is no link of the site (a browser never requests it) and must not be reported as dead.
// Concatenation ('+, "+, + x +), template syntax (${…}, {{…}}, <%…%>) and backticks mark it.
var builtHref = regexp.MustCompile("['\"`]\\s*\\+|\\+\\s*['\"`]|\\s\\+\\s|^\\+|\\+$|\\$\\{|\\{\\{|\\}\\}|<%|%>|`")

// builtHrefChars are the characters of which every alternative of builtHref needs one.
const builtHrefChars = "+${}<%`"

// scriptHref says whether href, found where it stands (in HTML written by a script when inScript),
// is built by code. In a script's string a quote, a brace or a backslash left in the href is a
// piece of the code around it (an unbalanced quote: "<a href='/a/"+id+".html'>"), never part of a
// literal address.
func scriptHref(href string, inScript bool) bool {
	// Every form builtHref knows holds one of these characters; most addresses hold none, and
	// the regexp, run on every link of every page, need not look at them.
	if strings.ContainsAny(href, builtHrefChars) && builtHref.MatchString(href) {
		return true
	}
	return inScript && strings.ContainsAny(href, "'\"{}\\")
}

// A column whose list a script fills from JSON (fetch, XMLHttpRequest, $.ajax, $.getJSON) shows
// an empty container to a plain request: it is not blank, it is unread. Without a browser it is
// left unjudged with the reason; with one, the page is rendered and the rendered list judged.

// listLoader finds a script that asks the server for data.
var listLoader = regexp.MustCompile(`\bfetch\s*\(|XMLHttpRequest|\$\s*\.\s*(ajax|get|getJSON|post)\s*\(|\.ajax\s*\(|\baxios\b|\.load\s*\(\s*["']`)

// listLike finds a container meant for a list by its id or class.
var listLike = regexp.MustCompile(`(?i)list|news|article|item|data|content|xxgk|info|lb|tbody|table`)

// libraryScript finds the files of well-known libraries: they all speak XMLHttpRequest, which
// says nothing about the page.
var libraryScript = regexp.MustCompile(`(?i)jquery|bootstrap|vue|react|layui|swiper|axios|echarts|polyfill`)

// loadingWords are what an empty list may say while it waits for its data.
var loadingWords = regexp.MustCompile(`(?i)^\s*(加载中|正在加载|数据加载中|loading)[.。…]*\s*$`)

// scriptList is what a page's walk notes about script-filled lists.
type scriptList struct {
	container string   // the first empty list container, as a person reads it (ul#list)
	waitID    string   // its id, if any: the browser waits for it to fill
	loader    bool     // an inline script loads data
	srcs      []string // scripts of the site the page links to, to read when no inline one loads
}

const maxListScripts = 3

// noteScript records what a script says about the page's lists.
func (p *pageWalk) noteScript(n *html.Node, ctx walkCtx) {
	if ctx.fragment {
		return
	}
	if src := attr(n, "src"); src != "" {
		u, ok := normalizeURL(p.base, src)
		if ok && u.Host == p.base.Host && !libraryScript.MatchString(u.Path) && len(p.list.srcs) < maxListScripts {
			p.list.srcs = append(p.list.srcs, u.String())
		}
		return
	}
	if n.FirstChild != nil && listLoader.MatchString(n.FirstChild.Data) {
		p.list.loader = true
	}
}

// noteContainer records the first list container with nothing in it, outside navigation,
// header and footer (an empty drop-down menu says nothing of the column).
func (p *pageWalk) noteContainer(n *html.Node, ctx walkCtx) {
	if ctx.fragment || ctx.boiler || ctx.forced != "" || p.list.container != "" {
		return
	}
	id, class := attr(n, "id"), attr(n, "class")
	switch n.DataAtom {
	case atom.Ul, atom.Ol, atom.Tbody, atom.Dl:
	case atom.Div, atom.Section, atom.Table:
		if !listLike.MatchString(id + " " + class) {
			return
		}
	default:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && (strings.TrimSpace(c.Data) == "" || loadingWords.MatchString(c.Data)):
		case c.Type == html.CommentNode:
		case c.Type == html.ElementNode && c.FirstChild == nil && c.DataAtom != atom.A && c.DataAtom != atom.Img:
		case c.Type == html.ElementNode && c.DataAtom == atom.Li && loadingText(c):
		default:
			return
		}
	}
	p.list.container = n.Data
	switch {
	case id != "":
		p.list.container += "#" + id
		p.list.waitID = id
	case class != "":
		p.list.container += "." + strings.Fields(class)[0]
	}
}

func loadingText(n *html.Node) bool {
	t, _ := textOf(n, 50)
	return loadingWords.MatchString(t)
}

// judgeList marks the page unjudged when an empty list waits for a script's data and the page
// shows no dated item of its own.
func (p *pageWalk) judgeList() {
	if p.list.container == "" || len(p.info.Items) > 0 {
		return
	}
	p.info.listFill = &p.list
	if p.list.loader {
		p.info.Unjudged = unjudgedList(p.list.container)
	}
}

func unjudgedList(container string) string {
	return "栏目列表（" + container + "）由脚本从接口加载，未配置浏览器（INSPECT_BROWSER），无法判断更新情况"
}

// scriptList finishes a page whose list may be filled by script: it reads the site's scripts the
// page links to when no inline one loads data, and, with a browser, renders the page and judges
// the rendered list instead.
func (r *round) scriptList(v *visit, page *fetchedPage, info *pageInfo) *pageInfo {
	list := info.listFill
	info.listFill = nil
	if page.rendered && list != nil {
		info.Unjudged = "" // the browser ran the scripts: an empty list is empty
	}
	if list == nil || page.rendered {
		return info
	}
	if !list.loader {
		for _, src := range list.srcs {
			if r.loadsData(src) {
				info.Unjudged = unjudgedList(list.container)
				break
			}
		}
	}
	if info.Unjudged == "" || r.in.browser == nil {
		return info
	}
	rp, err := r.in.browser.render(r.ctx, renderRequest{URL: page.url.String(), Client: r.client,
		UserAgent: r.in.cfg.UserAgent, WaitForID: list.waitID})
	if err != nil {
		info.Unjudged = "栏目列表（" + list.container + "）由脚本从接口加载，浏览器渲染失败：" + err.Error()
		return info
	}
	if !r.local[hostKey(rp.URL)] {
		return info // a script took the browser off the site: the page as fetched is all there is
	}
	doc, err := html.ParseWithOptions(bytes.NewReader(rp.HTML), html.ParseOptionEnableScripting(false))
	if err != nil {
		return info
	}
	rendered := r.in.words.analyzePage(doc, page.url, v.url.String() == r.home.String(), r.in.cfg.Now())
	rendered.Unjudged, rendered.listFill = "", nil
	return rendered
}
