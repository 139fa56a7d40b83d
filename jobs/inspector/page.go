package inspector

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageLink is one link on a page as a reader would (or would not) see it.
type pageLink struct {
	Target string // absolute and normalised
	Text   string
	Hidden string // why a reader cannot see it; "" when visible
	Script bool   // written by an inline script
	// Dormant: inside an HTML comment, so never rendered; reported when hidden and
	// bad, but neither crawled nor counted as a dead link.
	Dormant bool
}

// datedItem is an entry of a list with its date: the unit of "new information".
type datedItem struct {
	Target string
	Date   time.Time
}

// pageInfo is what a page's analysis keeps; the parsed tree itself is dropped so that
// a round of thousands of pages holds only this much per page.
type pageInfo struct {
	URL, Title string
	Links      []pageLink
	Items      []datedItem
	Typos      []typoHit
	Empty      bool      // says it has no content yet (暂无信息, 建设中)
	Date       time.Time // first date of the content: an article's publishing date
	MarkText   []string  // homepage only: text, img alt and title for the footer marks
	MarkURLs   []string  // homepage only: every href and src
	// Unjudged says why the page as fetched cannot be judged (its list is filled by a script
	// and no browser rendered it, say); a column so marked gets an unjudged note, never a
	// blank or stale finding.
	Unjudged string
	// What tells a column's list page from other pages, read outside the navigation, header
	// and footer (see structure).
	ListEntries int      // entries of the page's longest list: siblings that are each one link with a date
	EmptyList   bool     // a list element with nothing in it (<ul></ul>, <div class="list"></div>)
	Forms       []string // the action of each form that takes typed input: a search, a 留言

	// MarkImages: homepage only, each picture's address, alt and title (the 国徽). MarkURLs
	// also holds the 找错 script's sitecode attribute as "sitecode=…" (marks.go).
	MarkImages []string
	Meta       map[string]string // the required metadata found (SiteName, PubDate, …; meta.go)
	listFill   *scriptList       // an empty list and the scripts that may fill it, until fetchPage has read them (scripted.go)

	// Wording: 禁用词和慎用词 and leaders named with an office; the report judges the
	// leaders against Date.
	Wording  []wordingHit
	Personal *personalScan // personal data in the page's text, masked (personal.go)

	text    *textSig // its content text, outside navigation and links, signed (signature.go)
	carried *carried // known from the last round's state, not read (incremental.go)
	article *article // its 一稿多发 signature, once the findings made it (incremental.go)
}

// Limits that keep a hostile page from costing more than an ordinary one.
const (
	maxStyleRules    = 500
	maxFragmentBytes = 64 << 10
	maxItemText      = 300
)

// emptyWords say a list has nothing in it yet.
var emptyWords = []string{"暂无", "没有相关", "无相关信息", "无数据", "正在建设", "建设中"}

// boilerClass finds navigation, header and footer containers by class or id; their
// text is the same on every page and says nothing about the article.
var boilerClass = regexp.MustCompile(`(?i)nav|menu|footer|header|banner|crumb|copyright|sidebar|daohang|(^|[\s_-])(top|foot|head|bottom|side|dh|position|location|weizhi)([\s_-]|$|[0-9])`)

// hidingScript finds scripts that hide what they write.
var hidingScript = regexp.MustCompile(`(?i)display\s*[:=]\s*["']?\s*none|visibility\s*[:=]\s*["']?\s*hidden|\.hide\(\s*\)|left\s*[:=]\s*["']?-\d{3,}`)

// walkCtx is what a subtree inherits besides its visibility.
type walkCtx struct {
	forced   string // a reason that hides everything below (noscript, a comment)
	inLink   bool
	boiler   bool
	fragment bool // inside HTML written by a script or a comment: no text, no nesting
	script   bool
	hides    bool // the script that wrote this also hides something
	dormant  bool // inside a comment
}

type pageWalk struct {
	w          *words
	base       *url.URL
	now        time.Time
	home       bool
	sheet      []cssRule
	year       int      // the latest year heading above the current point
	blocks     []string // content text, outside navigation and links, for info.text
	blockBytes int      // of blocks, against maxBlockBytes
	text       strings.Builder
	info       *pageInfo
	list       scriptList
	// dated remembers the date read in an element: the walk reads each list entry's date for
	// its link, and the structure pass asks again of the same <li> or <tr>.
	dated map[*html.Node]dateRead
}

type dateRead struct {
	t  time.Time
	ok bool
}

// analyzePage reads a parsed page. Scripting is off in the parse so that <noscript>
// content is a tree to look into, not a string.
func (w *words) analyzePage(doc *html.Node, pageURL *url.URL, home bool, now time.Time) *pageInfo {
	p := &pageWalk{w: w, base: pageURL, now: now, home: home, info: &pageInfo{URL: pageURL.String()}}
	p.text.Grow(16 << 10) // an article's text, without growing it by doubling from nothing
	p.prepare(doc)
	p.walk(doc, visibility{}, walkCtx{})
	p.structure(doc)
	p.judgeList()
	text := p.text.String()
	p.info.Typos = w.findTypos(text)
	p.info.Wording = w.findWording(text)
	p.info.Personal = scanPersonal(text, now)
	p.info.Empty = w.empty.first(text) >= 0
	if home {
		p.info.MarkText = append(p.info.MarkText, text)
	}
	head := p.blocks[:min(len(p.blocks), 40)]
	if d, ok := firstDate(strings.Join(head, " "), 0, now); ok && p.info.Date.IsZero() { // PubDate first
		p.info.Date = d
	}
	p.info.text = signText(p.info.Title, p.blocks)
	return p.info
}

// prepare reads the <base>, <title>, <meta> and <style> elements before the walk needs them.
func (p *pageWalk) prepare(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Base:
			if u, ok := normalizeURL(p.base, attr(n, "href")); ok && p.base.Host == u.Host {
				p.base = u
			}
		case atom.Title:
			if p.info.Title == "" {
				p.info.Title, _ = textOf(n, 500)
			}
		case atom.Meta:
			p.info.readMeta(n)
		case atom.Style:
			if n.FirstChild != nil && len(p.sheet) < maxStyleRules {
				p.sheet = append(p.sheet, parseStyleSheet(n.FirstChild.Data, maxStyleRules-len(p.sheet))...)
			}
			if p.home && n.FirstChild != nil {
				p.info.MarkImages = append(p.info.MarkImages, styleImages(n.FirstChild.Data, 50)...)
			}
			return
		case atom.Script:
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.prepare(c)
	}
}

func (p *pageWalk) walk(n *html.Node, vis visibility, ctx walkCtx) {
	switch n.Type {
	case html.TextNode:
		p.onText(n.Data, vis, ctx)
		return
	case html.CommentNode:
		if !ctx.fragment && containsAnchorTag(n.Data) {
			p.fragment(n.Data, vis, walkCtx{forced: "位于HTML注释中", dormant: true})
		}
		return
	case html.ElementNode:
		if !p.element(n, &vis, &ctx) {
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c, vis, ctx)
	}
}

// element handles an element and reports whether to walk into its children.
func (p *pageWalk) element(n *html.Node, vis *visibility, ctx *walkCtx) bool {
	if p.home && !ctx.fragment {
		p.collectMarks(n)
	}
	switch n.DataAtom {
	case atom.Script:
		p.noteScript(n, *ctx)
		if !ctx.fragment && !hasAttr(n, "src") && n.FirstChild != nil {
			js := n.FirstChild.Data
			if containsAnchorTag(js) || strings.Contains(js, `\x3c`) || strings.Contains(js, `\u003c`) {
				js = jsUnescape(js)
				p.fragment(js, *vis, walkCtx{script: true, hides: hidingScript.MatchString(js)})
			}
		}
		return false
	case atom.Style, atom.Head, atom.Template, atom.Svg, atom.Object:
		return false
	case atom.Noscript:
		if ctx.forced == "" {
			ctx.forced = "位于noscript中"
		}
	case atom.Iframe, atom.Frame:
		p.addLink(n, attr(n, "src"), "[iframe]", false, *vis, *ctx)
		return false
	case atom.Nav, atom.Header, atom.Footer, atom.Aside:
		ctx.boiler = true
	}
	if !ctx.boiler && boilerClass.MatchString(attr(n, "class")+" "+attr(n, "id")) {
		ctx.boiler = true
	}
	p.noteContainer(n, *ctx)
	if hasAttr(n, "hidden") {
		vis.setHidden("hidden属性")
	}
	*vis = vis.apply(styleOf(n, p.sheet))
	if isBlock(n.DataAtom) && !ctx.fragment {
		p.text.WriteByte('\n')
	}
	if (n.DataAtom == atom.A || n.DataAtom == atom.Area) && hasAttr(n, "href") {
		text, hasImage := textOf(n, 500)
		if t := attr(n, "title"); text == "" {
			text = t
		}
		p.addLink(n, attr(n, "href"), text, hasImage, *vis, *ctx)
		ctx.inLink = true
	}
	return true
}

func (p *pageWalk) onText(s string, vis visibility, ctx walkCtx) {
	if ctx.fragment {
		return
	}
	if y := headingYear(s); y > 0 {
		p.year = y
	}
	if ctx.forced != "" || vis.reason(false) != "" {
		return
	}
	p.text.WriteString(s)
	if !ctx.boiler && !ctx.inLink {
		if t := strings.TrimSpace(s); t != "" {
			p.keepBlock(t)
		}
	}
}

// maxBlockBytes bounds the content text a page's signature is made of (for 一稿多发 and the
// column checks; signature.go): 16 KB is some 5,000 Chinese characters, longer than almost any
// article; of a longer page, the beginning is judged.
const maxBlockBytes = 16 << 10

// keepBlock adds a block of content text, within the page's maxBlockBytes.
func (p *pageWalk) keepBlock(t string) {
	if room := maxBlockBytes - p.blockBytes; room > 0 {
		t = cutText(t, room)
		p.blockBytes += len(t)
		p.blocks = append(p.blocks, t)
	}
}

func (p *pageWalk) addLink(n *html.Node, href, text string, hasImage bool, vis visibility, ctx walkCtx) {
	if scriptHref(href, ctx.script) {
		return // a piece of code, not an address: neither crawled nor checked
	}
	u, ok := normalizeURL(p.base, href)
	if !ok {
		return
	}
	reason := ctx.forced
	if reason == "" {
		reason = vis.reason(hasImage)
	}
	if reason == "" && !hasImage && text != "" && strings.ContainsFunc(text, isZeroWidth) {
		if strings.TrimSpace(stripZeroWidth(text)) == "" {
			reason = "链接文字只有零宽字符"
		} else {
			reason = "链接文字夹杂零宽字符"
		}
	}
	if reason != "" && ctx.script {
		reason += "（脚本写入）"
	} else if reason == "" && ctx.hides {
		reason = "脚本写入并隐藏"
	}
	target := u.String()
	p.info.Links = append(p.info.Links, pageLink{Target: target, Text: stripZeroWidth(text), Hidden: reason, Script: ctx.script, Dormant: ctx.dormant})
	if reason == "" && !ctx.fragment && n.DataAtom == atom.A {
		if d, ok := p.itemDate(n); ok {
			p.info.Items = append(p.info.Items, datedItem{Target: target, Date: d})
		}
	}
}

// itemDate finds the date of a list entry: in the largest element around the link
// that holds no other link (the <li> or <tr>), or right after it (<dt>…</dt><dd>date</dd>).
func (p *pageWalk) itemDate(a *html.Node) (time.Time, bool) {
	c := a
	for i := 0; i < 4; i++ {
		parent := c.Parent
		if parent == nil || parent.Type != html.ElementNode || parent.DataAtom == atom.Body || countAnchors(parent, 2) > 1 {
			break
		}
		c = parent
	}
	if t, ok := p.dateIn(c); ok {
		return t, true
	}
	for s := c.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) == "" {
			continue
		}
		if s.Type == html.TextNode || (s.Type == html.ElementNode && countAnchors(s, 1) == 0) {
			return p.dateIn(s)
		}
		break
	}
	return time.Time{}, false
}

// dateIn is the date written in n (an entry of a list, or what follows its link), read once
// per page.
func (p *pageWalk) dateIn(n *html.Node) (time.Time, bool) {
	if d, ok := p.dated[n]; ok {
		return d.t, d.ok
	}
	t, ok := p.readDateIn(n)
	if p.dated == nil {
		p.dated = map[*html.Node]dateRead{}
	}
	p.dated[n] = dateRead{t, ok}
	return t, ok
}

// readDateIn reads the date of dateIn, with the year heading in force where the walk stands.
func (p *pageWalk) readDateIn(n *html.Node) (time.Time, bool) {
	text, _ := textOf(n, maxItemText)
	// "今天是2025年3月20日 星期四" is a clock widget, not news.
	if strings.Contains(text, "星期") || strings.Contains(text, "今天") {
		return time.Time{}, false
	}
	if t, ok := firstDate(text, p.year, p.now); ok {
		return t, true
	}
	// A text of its own holding a date: "03-10" alone in a cell, or "2025-02-14" in a <span>
	// after a headline that ends in a figure (第3号), which the glued text hides.
	for c := range n.Descendants() {
		if c.Type != html.TextNode {
			continue
		}
		if isAloneDate(c.Data) {
			return firstDate(c.Data, p.year, p.now)
		}
		if t, ok := firstDate(c.Data, p.year, p.now); ok {
			return t, true
		}
	}
	if n.Type == html.TextNode && isAloneDate(n.Data) {
		return firstDate(n.Data, p.year, p.now)
	}
	return time.Time{}, false
}

// fragment reads HTML found where a reader does not see it as HTML: inside a comment, or
// in a string an inline script writes into the page.
func (p *pageWalk) fragment(src string, vis visibility, ctx walkCtx) {
	if len(src) > maxFragmentBytes {
		src = src[:maxFragmentBytes]
	}
	ctx.fragment = true
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragmentWithOptions(strings.NewReader(src), body, html.ParseOptionEnableScripting(false))
	if err != nil {
		return
	}
	for _, n := range nodes {
		p.walk(n, vis, ctx)
	}
}

func (p *pageWalk) collectMarks(n *html.Node) {
	for _, a := range n.Attr {
		switch a.Key {
		case "alt", "title":
			p.info.MarkText = append(p.info.MarkText, a.Val)
		case "href", "src":
			p.info.MarkURLs = append(p.info.MarkURLs, a.Val)
		case "sitecode", "site_code":
			// The 找错 entry as the platform's script: <script id="_jiucuo_" sitecode="…">.
			p.info.MarkURLs = append(p.info.MarkURLs, "sitecode="+a.Val)
		}
	}
	p.info.MarkImages = append(p.info.MarkImages, markImages(n)...)
}

func containsAnchorTag(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		if s[i+1] == 'a' || s[i+1] == 'A' {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// jsUnescape undoes the escapes scripts use to keep "<a" out of sight of filters.
func jsUnescape(s string) string {
	return strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\/`, `/`, `\x3c`, `<`, `\x3C`, `<`,
		`\x3e`, `>`, `\x3E`, `>`, `\u003c`, `<`, `\u003C`, `<`, `\u003e`, `>`, `\u003E`, `>`).Replace(s)
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Tr, atom.Td, atom.Th, atom.Br, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Dd, atom.Dt, atom.Ul, atom.Ol, atom.Table, atom.Section,
		atom.Article, atom.Header, atom.Footer, atom.Nav, atom.Form, atom.Hr, atom.Title:
		return true
	}
	return false
}

// emptyListClass names the element a list is written into.
var emptyListClass = regexp.MustCompile(`(?i)list|(^|[\s_-])lb([\s_-]|$)`)

// structure notes the page's list, empty list elements and input forms, outside the
// navigation, header and footer (the site's template says nothing about the page). An
// entry is an element holding exactly one link and a date (the <li>, the <tr>, or the <a>
// itself); a list is the entries among one element's children with the same tag. It
// returns the links in n.
func (p *pageWalk) structure(n *html.Node) (links int) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Head, atom.Template, atom.Noscript, atom.Svg, atom.Object,
			atom.Nav, atom.Header, atom.Footer, atom.Aside:
			return 0
		case atom.A:
			if hasAttr(n, "href") {
				links = 1
			}
		}
		if boilerClass.MatchString(attr(n, "class") + " " + attr(n, "id")) {
			return 0
		}
	}
	entries := map[string]int{}
	children := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		k := p.structure(c)
		links += k
		if c.Type != html.ElementNode {
			continue
		}
		children++
		if k == 1 {
			if _, ok := p.dateIn(c); ok {
				entries[c.Data]++
			}
		}
	}
	for _, e := range entries {
		p.info.ListEntries = max(p.info.ListEntries, e)
	}
	if n.Type != html.ElementNode {
		return links
	}
	switch n.DataAtom {
	case atom.Ul, atom.Ol:
		if children == 0 {
			p.info.EmptyList = true
		}
	case atom.Div, atom.Tbody:
		if children == 0 && emptyListClass.MatchString(attr(n, "class")+" "+attr(n, "id")) {
			if t, _ := textOf(n, 10); strings.TrimSpace(t) == "" {
				p.info.EmptyList = true
			}
		}
	case atom.Form:
		if takesInput(n) {
			action := p.base.String()
			if u, ok := normalizeURL(p.base, attr(n, "action")); ok {
				action = u.String()
			}
			p.info.Forms = append(p.info.Forms, action)
		}
	}
	return links
}

// takesInput: the form has a field a reader types into.
func takesInput(form *html.Node) bool {
	for d := range form.Descendants() {
		if d.Type != html.ElementNode {
			continue
		}
		if d.DataAtom == atom.Textarea {
			return true
		}
		if d.DataAtom == atom.Input {
			switch strings.ToLower(attr(d, "type")) {
			case "", "text", "search":
				return true
			}
		}
	}
	return false
}
