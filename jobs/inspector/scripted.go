package inspector

import (
	"regexp"
	"strings"
)

// builtHref finds an href that a script or a template builds rather than an address a reader can
// follow: '<a href="'+it.url+'">' in a script reads, once parsed as HTML, as href="'+it.url+'",
// which is no link of the site (a browser never requests it) and must not be reported as dead.
// Concatenation ('+, "+, + x +), template syntax (${…}, {{…}}, <%…%>) and backticks mark it.
var builtHref = regexp.MustCompile("['\"`]\\s*\\+|\\+\\s*['\"`]|\\s\\+\\s|^\\+|\\+$|\\$\\{|\\{\\{|\\}\\}|<%|%>|`")

// scriptHref says whether href, found where it stands (in HTML written by a script when inScript),
// is built by code. In a script's string a quote, a brace or a backslash left in the href is a
// piece of the code around it (an unbalanced quote: "<a href='/a/"+id+".html'>"), never part of a
// literal address.
func scriptHref(href string, inScript bool) bool {
	if builtHref.MatchString(href) {
		return true
	}
	return inScript && strings.ContainsAny(href, "'\"{}\\")
}
