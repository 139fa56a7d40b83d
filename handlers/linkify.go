package handlers

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// webAddress finds what may be a web address in a reply: http(s):// and what follows up to a
// space, a quote, an angle bracket or full-width punctuation (Chinese text runs on without spaces).
var webAddress = regexp.MustCompile(`(?i)https?://[^\s<>"'\x{3000}-\x{303F}\x{FF01}-\x{FF0F}\x{FF1A}-\x{FF20}\x{FF3B}-\x{FF40}\x{FF5B}-\x{FF65}]+`)

// linkify makes the web addresses in a text that people wrote (a unit's reply) into links that
// open in a new tab and give the target site neither this page nor a ranking signal; everything
// else, and the address itself, is escaped. Only http and https are links: the pattern admits no
// other scheme, and an address that does not parse stays text.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range webAddress.FindAllStringIndex(s, -1) {
		// Punctuation that ends a sentence is not part of the address.
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,;:!?)]", rune(s[end-1])) {
			end--
		}
		addr := s[m[0]:end]
		u, err := url.Parse(addr)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		b.WriteString(html.EscapeString(s[last:m[0]]))
		b.WriteString(`<a href="` + html.EscapeString(u.String()) + `" target="_blank" rel="noopener noreferrer nofollow">`)
		b.WriteString(html.EscapeString(addr) + "</a>")
		last = end
	}
	b.WriteString(html.EscapeString(s[last:]))
	return template.HTML(b.String())
}
