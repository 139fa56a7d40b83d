package inspector

import (
	"net"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// maxURLLength: longer hrefs are data or garbage, not links a reader follows.
const maxURLLength = 2048

// normalizeURL resolves href against base and returns the form used as the round's
// identity of a URL: scheme and host lower-cased, default port and fragment dropped,
// empty path as "/". Only http and https links are links to check.
func normalizeURL(base *url.URL, href string) (*url.URL, bool) {
	href = strings.TrimFunc(href, func(r rune) bool {
		return r <= ' ' || r == '\u00a0' || isZeroWidth(r)
	})
	if href == "" || href[0] == '#' || len(href) > maxURLLength {
		return nil, false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return nil, false
	}
	u := ref
	if base != nil {
		u = base.ResolveReference(ref)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, false
	}
	u.Host = strings.ToLower(u.Host)
	if p := u.Port(); (p == "80" && u.Scheme == "http") || (p == "443" && u.Scheme == "https") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal loses its brackets in Hostname
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	return u, true
}

// parseSiteURL reads a configured base or column URL; "example.gov.cn" means http.
func parseSiteURL(s string) (*url.URL, bool) {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") {
		s = "http://" + s
	}
	return normalizeURL(nil, s)
}

// CheckableLink reports whether the link checker takes s for a link it can check: an http(s)
// address with a host ("example.gov.cn" is read as http). The account sheet accepts the menu
// links it does.
func CheckableLink(s string) bool {
	_, ok := parseSiteURL(s)
	return ok
}

// hostKey is the host with its port: the unit of politeness and of "our site".
func hostKey(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// documentExts are files a link points to that are checked but never parsed.
var documentExts = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true,
	".pptx": true, ".wps": true, ".et": true, ".zip": true, ".rar": true, ".7z": true,
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true, ".mp4": true,
	".mp3": true, ".avi": true, ".flv": true, ".swf": true, ".txt": true, ".ofd": true,
	".exe": true, ".apk": true, ".csv": true, ".tif": true,
}

// looksLikeDocument: a file that is not a page, judged by its extension before fetching
// so that a 50 MB PDF is checked with HEAD and never downloaded.
func looksLikeDocument(u *url.URL) bool {
	return documentExts[strings.ToLower(path.Ext(u.Path))]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// textOf collects the text of n's subtree (and image alt texts) up to limit bytes.
func textOf(n *html.Node, limit int) (text string, hasImage bool) {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if b.Len() >= limit {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			switch n.Data {
			case "script", "style":
				return
			case "img":
				hasImage = true
				b.WriteString(attr(n, "alt"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " "), hasImage
}

// countAnchors counts <a> elements in n's subtree, stopping at stop.
func countAnchors(n *html.Node, stop int) int {
	count := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n; c != nil && count < stop; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "a" {
				count++
			}
			if c.FirstChild != nil {
				walk(c.FirstChild)
			}
		}
	}
	if n.Type == html.ElementNode && n.Data == "a" {
		count++
	}
	if n.FirstChild != nil {
		walk(n.FirstChild)
	}
	return count
}
