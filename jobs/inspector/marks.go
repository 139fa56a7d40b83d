package inspector

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"zhaocuo/models/indicator"
)

// The marks that are not footer marks, by their names in rules/marks.txt.
const (
	badgeMark  = "badge"
	emblemMark = "emblem"
)

// markHit is what the homepage shows of one mark.
type markHit struct {
	values []string // what value and code lines found: the first group, else the whole match
	code   bool     // the values are 网站标识码 that must be the site's own
	label  string   // what a label line found, with the text after it: the mark without its value
	want   string
}

// marks reports the 找错 entry and the footer marks the homepage lacks or shows without
// their value, a 标识码 that is not the site's, a government portal's missing 国徽, and the
// pages whose metadata is missing or wrong.
func (r *round) marks(home *pageInfo) []Finding {
	names, hits := findMarks(r.in.words.rules.Marks, home)
	// The registered code, or on the command line, where none is registered, the code the
	// homepage itself shows: the 找错 entry and the metadata must then agree with it.
	code, codeFrom := r.site.IdentifierCode, "登记的网站标识码"
	if code == "" {
		for _, name := range names {
			if h := hits[name]; h.code && len(h.values) > 0 {
				code, codeFrom = h.values[0], "首页"+markTitle(name)
				break
			}
		}
	}
	var out []Finding
	for _, name := range names {
		h := hits[name]
		if name == emblemMark && !r.site.GovPortal {
			continue // only the portals of 县级以上人民政府 must show it
		}
		f := Finding{Page: home.URL}
		f.Type, f.Indicator, f.Target = markKind(name)
		ident := ""
		switch {
		case len(h.values) == 0 && h.label == "":
			f.Evidence = "首页未找到" + markTitle(name)
			if name == emblemMark {
				// A picture that is not named for it (a 国徽 drawn into the banner) is out of
				// sight of this check: a person confirms.
				f.Suspected = true
				f.Evidence += "（图片的文件名、alt或title均无国徽字样；国徽若画在页头图片中，请人工确认）"
			}
		case len(h.values) == 0:
			f.Evidence = "首页的" + markTitle(name) + "没有有效的值"
			if h.want != "" {
				f.Evidence += "（应为" + h.want + "）"
			}
			f.Evidence += "：「" + h.label + "」"
			ident = "value"
		case h.code && code != "" && !slices.ContainsFunc(h.values, func(v string) bool { return strings.EqualFold(v, code) }):
			f.Evidence = fmt.Sprintf("首页%s为%s，与%s%s不符", codeTitle(name), strings.Join(h.values, "、"), codeFrom, code)
			ident = "code"
		default:
			continue
		}
		f.Key = findingKey(f.Type, f.Page, f.Target, ident)
		out = append(out, f)
	}
	return append(out, r.metadata(code, codeFrom)...)
}

// findMarks matches the mark lines against the homepage, in the order of the file.
func findMarks(rules []Mark, home *pageInfo) ([]string, map[string]*markHit) {
	text := strings.Join(home.MarkText, "\n")
	var names []string
	hits := map[string]*markHit{}
	for _, m := range rules {
		h := hits[m.Name]
		if h == nil {
			h = &markHit{}
			hits[m.Name] = h
			names = append(names, m.Name)
		}
		h.code = h.code || m.Kind == "code"
		if h.want == "" {
			h.want = m.Want
		}
		var in []string
		switch m.Where {
		case "text":
			in = []string{text}
		case "url":
			in = home.MarkURLs
		case "image":
			in = home.MarkImages
		}
		for _, s := range in {
			if m.Kind == "label" {
				if h.label == "" {
					h.label = labelSnippet(m.Pattern, s)
				}
				continue
			}
			for _, sm := range m.Pattern.FindAllStringSubmatch(s, 8) {
				v := sm[0]
				if len(sm) > 1 {
					v = sm[1]
				}
				if v = strings.TrimSpace(v); v != "" && !slices.Contains(h.values, v) {
					h.values = append(h.values, v)
				}
			}
		}
	}
	return names, hits
}

// labelSnippet is the label and what follows it on its line, so that a person sees that
// "网站标识码：" is followed by nothing, or by something that is no code.
func labelSnippet(re *regexp.Regexp, s string) string {
	loc := re.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	rest, _, _ := strings.Cut(s[loc[1]:], "\n")
	rs := []rune(rest)
	return strings.TrimSpace(s[loc[0]:loc[1]] + string(rs[:min(len(rs), 20)]))
}

// markKind gives the finding type, indicator and target of a mark.
func markKind(name string) (typ, ind, target string) {
	switch name {
	case badgeMark:
		return indicator.TypeMissingBadge, indicator.Badge, "我为政府网站找错"
	case emblemMark:
		return indicator.TypeMissingEmblem, indicator.Emblem, "国徽"
	}
	return indicator.TypeMissingFooterMark, indicator.Footer, name
}

// markTitle names a mark in a finding's words.
func markTitle(name string) string {
	switch name {
	case badgeMark:
		return "“我为政府网站找错”入口"
	case emblemMark:
		return "国徽"
	}
	return name
}

// codeTitle names the code a mark carries.
func codeTitle(name string) string {
	if name == badgeMark {
		return markTitle(name) + "的标识码"
	}
	return name
}

// cssURL finds the pictures a style attribute or a <style> sheet draws.
var cssURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)

// markImages describes the pictures an element shows, for the 国徽: an image's address, alt
// and title, or the background images its style attribute names. <style> sheets are read in
// prepare, which sees those of <head> too.
func markImages(n *html.Node) []string {
	var out []string
	if n.DataAtom == atom.Img || n.DataAtom == atom.Input && strings.EqualFold(attr(n, "type"), "image") {
		out = append(out, strings.Join([]string{attr(n, "src"), attr(n, "alt"), attr(n, "title")}, " "))
	}
	if s := attr(n, "style"); s != "" {
		for _, u := range styleImages(s, 5) {
			out = append(out, u+" "+attr(n, "title"))
		}
	}
	return out
}

// styleImages lists the addresses of up to n pictures CSS draws (url(…)).
func styleImages(css string, n int) []string {
	var out []string
	for _, m := range cssURL.FindAllStringSubmatch(css, n) {
		out = append(out, m[1])
	}
	return out
}
