package models

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxURLLength is the longest page URL a report may carry.
const MaxURLLength = 2048

// PageURL is a reported page's address reduced to what routing compares: two spellings of the
// same page (scheme, letter case of the host, a default port, "www.", an IDN in Unicode or
// punycode, a trailing dot) give the same Host, Path and Key.
type PageURL struct {
	Raw  string // as the citizen typed it, trimmed
	Host string // lower-case ASCII, no "www.", no trailing dot, ":port" only when not the default
	Path string // cleaned, at least "/"
	Key  string // SHA-256 of host, path and query: the page's identity for duplicate reports
}

// schemeless matches input typed without a scheme, such as "www.sc.gov.cn/xxgk/": a host
// (letters, digits, dots, hyphens) with an optional port, then a slash or the end.
var schemeless = regexp.MustCompile(`^[\p{L}\p{N}.-]+\.[\p{L}\p{N}-]+\.?(:\d{1,5})?(/|\?|$)`)

// ParsePageURL checks and normalises the address of a reported page. Only http and https pages
// can be reported; input without a scheme is read as http.
func ParsePageURL(raw string) (PageURL, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return PageURL{}, Invalid("page_url", "请填写出错页面的网址")
	case !utf8.ValidString(s):
		return PageURL{}, Invalid("page_url", "网址含有无效字符")
	case len(s) > MaxURLLength:
		return PageURL{}, Invalid("page_url", "网址过长（不超过 2048 个字符）")
	case strings.ContainsAny(s, " \t\r\n\x00"):
		return PageURL{}, Invalid("page_url", "网址中不能有空格或换行")
	}
	if !strings.Contains(s, "://") && schemeless.MatchString(s) {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return PageURL{}, Invalid("page_url", "网址格式不正确")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return PageURL{}, Invalid("page_url", "只能报告以 http:// 或 https:// 开头的网页地址")
	}
	host, err := NormalizeHost(u.Hostname())
	if err != nil {
		return PageURL{}, err
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return PageURL{}, Invalid("page_url", "网址中的端口号不正确")
		}
		if !(scheme == "http" && n == 80) && !(scheme == "https" && n == 443) {
			host = net.JoinHostPort(host, strconv.Itoa(n))
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	} else if strings.Contains(host, ":") { // an IPv6 address, written as in URLs
		host = "[" + host + "]"
	}
	p := CleanPath(u.EscapedPath())
	key := host + p
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	sum := sha256.Sum256([]byte(key))
	return PageURL{Raw: strings.TrimSpace(raw), Host: host, Path: p, Key: hex.EncodeToString(sum[:])}, nil
}

// NormalizeHost reduces a host name to the form the website registry stores: lower-case ASCII
// (punycode for an IDN), without trailing dots and without a leading "www.".
func NormalizeHost(h string) (string, error) {
	h = strings.TrimRight(strings.TrimSpace(h), ".")
	if h == "" {
		return "", Invalid("page_url", "网址缺少网站域名")
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.String(), nil
	}
	ascii, err := idna.Lookup.ToASCII(h)
	if err != nil || ascii == "" {
		return "", Invalid("page_url", "网址中的域名不正确")
	}
	ascii = strings.ToLower(ascii)
	// DNS's limits (a Unicode label can grow past them in punycode).
	if len(ascii) > 253 {
		return "", Invalid("page_url", "网址中的域名过长")
	}
	for _, label := range strings.Split(ascii, ".") {
		if len(label) == 0 || len(label) > 63 {
			return "", Invalid("page_url", "网址中的域名不正确")
		}
	}
	if rest, ok := strings.CutPrefix(ascii, "www."); ok && strings.Contains(rest, ".") {
		ascii = rest
	}
	return ascii, nil
}

// CleanPath resolves dot segments and doubled slashes, keeps a trailing slash, and gives "/" for
// an empty path.
func CleanPath(p string) string {
	if p == "" || p == "/" {
		return "/"
	}
	cleaned := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && cleaned != "/" {
		cleaned += "/"
	}
	return cleaned
}

// NormalizePathPrefix turns a registered base path into the form MatchPrefix compares: "/" or a
// cleaned path without a trailing slash.
func NormalizePathPrefix(p string) string {
	p = CleanPath(p)
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// PrefixMatches reports whether a registered path prefix covers the page path, on whole segments:
// "/gzw" covers "/gzw" and "/gzw/a" but not "/gzwx".
func PrefixMatches(prefix, pagePath string) bool {
	if prefix == "/" {
		return true
	}
	if !strings.HasPrefix(pagePath, prefix) {
		return false
	}
	rest := pagePath[len(prefix):]
	return rest == "" || rest[0] == '/'
}

// LongestPrefix returns the index of the longest prefix in prefixes that covers pagePath, or -1.
func LongestPrefix(prefixes []string, pagePath string) int {
	best := -1
	for i, p := range prefixes {
		if PrefixMatches(p, pagePath) && (best < 0 || len(p) > len(prefixes[best])) {
			best = i
		}
	}
	return best
}
