package inspector

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// decl is one CSS declaration, property and value lower-cased, !important dropped.
type decl struct{ prop, value string }

// hidingProps are the properties that can take a link out of a reader's sight; rules
// without any of them are dropped when a style sheet is read.
var hidingProps = map[string]bool{
	"display": true, "visibility": true, "opacity": true, "font-size": true,
	"width": true, "height": true, "max-height": true, "max-width": true, "overflow": true,
	"left": true, "top": true, "margin-left": true, "margin-top": true, "text-indent": true,
	"color": true, "background": true, "background-color": true,
}

func parseDecls(s string) []decl {
	var out []decl
	for _, part := range strings.Split(s, ";") {
		p, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		p = strings.ToLower(strings.TrimSpace(p))
		v = strings.ToLower(strings.TrimSpace(v))
		v = strings.TrimSpace(strings.TrimSuffix(v, "!important"))
		if hidingProps[p] && v != "" {
			out = append(out, decl{p, v})
		}
	}
	return out
}

// cssRule is a rule of a <style> block that sets a hiding property.
type cssRule struct {
	sel   cascadia.SelectorGroup
	decls []decl
}

// parseStyleSheet reads the plain rules of a <style> block. At-rules are skipped whole:
// @media blocks hide menus on small screens, which says nothing about what a reader of
// the page sees. Selectors cascadia cannot parse (pseudo-classes such as :hover) are
// skipped too; a link hidden until hovered is not hidden.
func parseStyleSheet(css string, max int) []cssRule {
	var rules []cssRule
	css = stripCSSComments(css)
	for len(css) > 0 && len(rules) < max {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			break
		}
		head := strings.TrimSpace(css[:open])
		end := matchingBrace(css, open)
		body := css[open+1 : end]
		if end < len(css) {
			end++
		}
		css = css[end:]
		if strings.HasPrefix(head, "@") || strings.Contains(body, "{") {
			continue
		}
		// Drop the text before a stray "}" that closed an earlier block.
		if i := strings.LastIndexByte(head, '}'); i >= 0 {
			head = strings.TrimSpace(head[i+1:])
		}
		decls := parseDecls(body)
		if len(decls) == 0 || head == "" {
			continue
		}
		sel, err := cascadia.ParseGroup(head)
		if err != nil {
			continue
		}
		rules = append(rules, cssRule{sel: sel, decls: decls})
	}
	return rules
}

func stripCSSComments(s string) string {
	if !strings.Contains(s, "/*") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		s = s[i+2+j+2:]
	}
}

// matchingBrace returns the index of the "}" closing the "{" at open, or len(s).
func matchingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// visibility is what an element inherits about being seen.
type visibility struct {
	hidden    string // a reason that no descendant can undo (display:none, off-screen…)
	invisible bool   // visibility:hidden, which a descendant may set back to visible
	fontZero  bool   // font-size:0, undone by a descendant's real size
	indentOff bool   // text-indent far off the box
	color, bg string // normalised colours; bg from the nearest element that sets one
}

// apply computes an element's visibility from its parent's and its declarations.
func (v visibility) apply(decls []decl) visibility {
	var width, height, maxHeight float64 = -1, -1, -1
	overflowHidden := false
	for _, d := range decls {
		switch d.prop {
		case "display":
			if d.value == "none" {
				v.setHidden("display:none")
			}
		case "visibility":
			v.invisible = d.value == "hidden" || d.value == "collapse"
		case "opacity":
			if f, err := strconv.ParseFloat(d.value, 64); err == nil && f <= 0.01 {
				v.setHidden("opacity:" + d.value)
			}
		case "font-size":
			if n, unit, ok := parseLength(d.value); ok {
				if n <= 0 || (unit == "px" && n <= 1) {
					v.fontZero = true
				} else if unit == "px" || unit == "pt" {
					v.fontZero = false
				}
			}
		case "text-indent":
			if n, unit, ok := parseLength(d.value); ok && offScreen(n, unit) {
				v.indentOff = true
			}
		case "left", "top", "margin-left", "margin-top":
			if n, unit, ok := parseLength(d.value); ok && n < 0 && offScreen(n, unit) {
				v.setHidden(d.prop + ":" + d.value)
			}
		case "width", "max-width":
			width = lengthOr(d.value, width)
		case "height":
			height = lengthOr(d.value, height)
		case "max-height":
			maxHeight = lengthOr(d.value, maxHeight)
		case "overflow":
			overflowHidden = d.value == "hidden" || d.value == "clip"
		case "color":
			v.color = normalizeColor(d.value)
		case "background-color", "background":
			if c := normalizeColor(firstColorWord(d.value)); c != "" {
				v.bg = c
			}
		}
	}
	tiny := func(x float64) bool { return x >= 0 && x <= 2 }
	if overflowHidden && (tiny(width) || tiny(height) || tiny(maxHeight)) {
		v.setHidden(fmt.Sprintf("overflow:hidden且尺寸极小(%gx%g)", width, height))
	}
	return v
}

func (v *visibility) setHidden(reason string) {
	if v.hidden == "" {
		v.hidden = reason
	}
}

// reason says why an element's text cannot be seen, or "" when it can. hasImage: an
// image inside a link stays visible at font-size 0 and in any text colour.
func (v visibility) reason(hasImage bool) string {
	switch {
	case v.hidden != "":
		return v.hidden
	case v.invisible:
		return "visibility:hidden"
	case v.indentOff:
		return "text-indent移出可视区"
	case hasImage:
		return ""
	case v.fontZero:
		return "font-size:0"
	case v.color == "transparent":
		return "color:transparent"
	case v.color != "" && v.color == v.bg:
		return "文字颜色与背景相同(" + v.color + ")"
	}
	return ""
}

// offScreen: a shift of 500 px or 50 em (either way) leaves any real screen.
func offScreen(n float64, unit string) bool {
	if n < 0 {
		n = -n
	}
	switch unit {
	case "px", "pt", "":
		return n >= 500
	case "em", "rem":
		return n >= 50
	}
	return false
}

func lengthOr(v string, def float64) float64 {
	if n, unit, ok := parseLength(v); ok && (unit == "px" || unit == "") {
		return n
	}
	return def
}

// parseLength reads "-9999px", "0", "1.5em".
func parseLength(v string) (float64, string, bool) {
	i := 0
	for i < len(v) && (v[i] == '-' || v[i] == '+' || v[i] == '.' || isDigit(v[i])) {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil {
		return 0, "", false
	}
	unit := strings.TrimSpace(v[i:])
	return n, unit, unit == "" || unit == "px" || unit == "pt" || unit == "em" || unit == "rem" || unit == "%"
}

func firstColorWord(v string) string {
	if i := strings.Index(v, "rgb"); i >= 0 {
		if j := strings.IndexByte(v[i:], ')'); j >= 0 {
			return v[i : i+j+1] // rgb(255, 255, 255) holds spaces
		}
	}
	for _, w := range strings.Fields(v) {
		if strings.HasPrefix(w, "#") || strings.HasPrefix(w, "rgb") || namedColors[w] != "" {
			return w
		}
	}
	return ""
}

var namedColors = map[string]string{
	"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
	"blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
	"silver": "#c0c0c0", "transparent": "transparent",
}

// normalizeColor turns #fff, #FFFFFF, rgb(255,255,255) and white into one spelling,
// so that text and background can be compared; anything else gives "".
func normalizeColor(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if c, ok := namedColors[v]; ok {
		return c
	}
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) == 6 {
			if _, err := strconv.ParseUint(h, 16, 32); err == nil {
				return "#" + h
			}
		}
		return ""
	}
	if strings.HasPrefix(v, "rgb") {
		open, end := strings.IndexByte(v, '('), strings.IndexByte(v, ')')
		if open < 0 || end < open {
			return ""
		}
		parts := strings.Split(v[open+1:end], ",")
		if len(parts) == 4 {
			if a, err := strconv.ParseFloat(strings.TrimSpace(parts[3]), 64); err == nil && a == 0 {
				return "transparent"
			}
		}
		if len(parts) < 3 {
			return ""
		}
		var rgb [3]int
		for i := 0; i < 3; i++ {
			n, err := strconv.Atoi(strings.TrimSpace(parts[i]))
			if err != nil || n < 0 || n > 255 {
				return ""
			}
			rgb[i] = n
		}
		return fmt.Sprintf("#%02x%02x%02x", rgb[0], rgb[1], rgb[2])
	}
	return ""
}

// styleOf returns the declarations for an element: matching <style> rules in order,
// then its style attribute, so that the inline value of a property comes last and wins.
// Specificity is not weighed; for the hiding properties the order is what matters.
func styleOf(n *html.Node, sheet []cssRule) []decl {
	var out []decl
	for i := range sheet {
		if sheet[i].sel.Match(n) {
			out = append(out, sheet[i].decls...)
		}
	}
	for _, a := range n.Attr {
		if a.Key == "style" {
			out = append(out, parseDecls(a.Val)...)
		}
	}
	return out
}
