package inspector

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"
)

// Many firewalls in front of government sites answer a first request with a small page whose
// script sets a cookie and reloads (HTTP 412 or 521 most often, sometimes 200, 403 or 503). A
// reader's browser passes it unseen; a plain request sees only the challenge. Such an answer is
// no dead link: with a browser configured the crawler lets it pass the challenge and carries its
// cookies on; without one the page is skipped with the reason.

// maxChallengeBytes: a challenge page is small; a larger answer is a page, whatever its scripts.
const maxChallengeBytes = 64 << 10

var (
	// setsCookie and reloads find the two halves of a cookie challenge in a script.
	setsCookie = regexp.MustCompile(`(?i)document\s*\.\s*cookie\s*=|document\[\s*["']cookie["']\s*\]\s*=`)
	reloads    = regexp.MustCompile(`(?i)location\s*\.\s*(reload|replace|assign|href\s*=)|location\s*=|location\s*\[\s*["'](reload|replace|href)["']\s*\]|http-equiv\s*=\s*["']?refresh`)
)

// challengeStatus says whether a status is one that firewalls answer a challenge with.
func challengeStatus(status int) bool {
	switch status {
	case http.StatusOK, http.StatusAccepted, http.StatusForbidden, http.StatusPreconditionFailed,
		http.StatusTooManyRequests, http.StatusServiceUnavailable, 521:
		return true
	}
	return false
}

// challengeOf tells whether a response is a script challenge rather than a page, and names it
// ("HTTP 412") for the reader of the skip reason; "" when it is not one. The page must have no
// content of its own (little text, no more than a link or two) and a script: for 412 and 521,
// which no ordinary page answers a GET with, any script (some challenges load theirs from a
// file); for the other statuses, an inline script that sets a cookie and reloads or redirects.
func challengeOf(status int, body []byte) string {
	if !challengeStatus(status) || len(body) > maxChallengeBytes {
		return ""
	}
	var scripts, inline strings.Builder
	z := html.NewTokenizer(bytes.NewReader(body))
	text, links, hasScript, inScript, skip := 0, 0, false, false, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "script":
				hasScript, inScript = true, tt == html.StartTagToken
				skip++
			case "style", "noscript":
				skip++
			case "a":
				links++
			case "meta":
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "http-equiv" {
						scripts.WriteString(` http-equiv="` + string(v) + `" `)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript":
				skip, inScript = max(0, skip-1), false
			}
		case html.TextToken:
			switch {
			case inScript:
				inline.Write(z.Text())
			case skip == 0:
				text += utf8.RuneCount(bytes.TrimSpace(z.Text()))
			}
		}
	}
	if !hasScript || text > 200 || links > 2 {
		return ""
	}
	why := fmt.Sprintf("HTTP %d", status)
	if status == http.StatusPreconditionFailed || status == 521 {
		return why
	}
	js := inline.String() + scripts.String()
	if setsCookie.MatchString(js) && reloads.MatchString(js) {
		return why
	}
	return ""
}

// readChallenge reads the body of an answer that may be a challenge, far enough to tell.
func readChallenge(resp *http.Response) string {
	if !challengeStatus(resp.StatusCode) || !isHTML(resp) {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxChallengeBytes+1))
	if err != nil {
		return ""
	}
	return challengeOf(resp.StatusCode, body)
}

// challengeSkip is the skip reason of a challenged page or link.
func (r *round) challengeSkip(why string) string {
	if r.in.browser == nil {
		return "站点启用了脚本验证（" + why + "），未配置浏览器（INSPECT_BROWSER）"
	}
	return "站点启用了脚本验证（" + why + "）"
}

// roundClient is the Inspector's client with a cookie jar of the round's own: the cookies a
// browser earned by passing a host's challenge go into it, so that the rest of the crawl goes
// through with plain requests, and no round sees another's.
func (in *Inspector) roundClient() *http.Client {
	c := *in.cfg.Client
	if c.Jar == nil {
		c.Jar, _ = cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	}
	return &c
}

// hostGate lets one page of a host at a time through the browser: the first passes the challenge
// and leaves its cookies; the ones waiting behind it then try a plain request first.
type hostGate struct {
	mu     sync.Mutex
	passed bool
	failed string // why the browser could not pass: the host's other pages are not tried again
}

// roundScripts is what a round learnt of the site's scripts: each host's challenge, and which
// of the scripts its pages link to load list data (read once a round, not once a page).
type roundScripts struct {
	mu      sync.Mutex
	gates   map[string]*hostGate
	loaders map[string]bool // script URL: it loads data
}

func (r *round) gate(host string) *hostGate {
	s := &r.scripts
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gates == nil {
		s.gates = map[string]*hostGate{}
	}
	g := s.gates[host]
	if g == nil {
		g = &hostGate{}
		s.gates[host] = g
	}
	return g
}

// loadsData says whether a script of the site asks the server for data; a script that cannot be
// read does not.
func (r *round) loadsData(src string) bool {
	s := &r.scripts
	s.mu.Lock()
	loads, ok := s.loaders[src]
	s.mu.Unlock()
	if ok {
		return loads
	}
	status, body, err := r.fetchSmall(src, 512<<10)
	loads = err == nil && status < 300 && listLoader.Match(body)
	s.mu.Lock()
	if s.loaders == nil {
		s.loaders = map[string]bool{}
	}
	s.loaders[src] = loads
	s.mu.Unlock()
	return loads
}

// passChallenge renders a challenged page in the browser and takes the cookies it earned into
// the round's jar. It returns the page as the browser shows it, or nil with v skipped.
func (r *round) passChallenge(v *visit, why string) *fetchedPage {
	status := v.res.Status
	if r.in.browser == nil {
		v.res = fetchResult{Status: status, Skipped: r.challengeSkip(why)}
		return nil
	}
	g := r.gate(hostKey(v.url))
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.passed {
		if page, again := r.getPage(v); again == "" {
			return page
		}
	}
	if g.failed != "" {
		v.res = fetchResult{Status: status, Skipped: r.challengeSkip(why) + "，浏览器未能通过：" + g.failed}
		return nil
	}
	rp, err := r.in.browser.render(r.ctx, renderRequest{URL: v.url.String(), Client: r.client,
		UserAgent: r.in.cfg.UserAgent, Challenge: true})
	if err != nil {
		if r.ctx.Err() == nil {
			g.failed = err.Error()
		}
		v.res = fetchResult{Status: status, Skipped: r.challengeSkip(why) + "，浏览器未能通过：" + err.Error()}
		return nil
	}
	r.keepCookies(rp.URL, rp.Cookies)
	g.passed = true
	v.res = fetchResult{Status: rp.Status}
	if !r.local[hostKey(rp.URL)] {
		return nil // the challenge led off the site: checked as a link, not read as its page
	}
	return &fetchedPage{url: rp.URL, body: rp.HTML, rendered: true}
}

// fetchRobots reads robots.txt. Behind a challenge it lets the browser pass it first: the file
// must be read with the cookie, or the crawl would go where the site asks it not to.
func (r *round) fetchRobots(target string) (int, []byte, error) {
	const limit = 512 << 10
	status, body, err := r.fetchSmall(target, limit)
	if err != nil || r.in.browser == nil || challengeOf(status, body) == "" {
		return status, body, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return status, body, nil
	}
	g := r.gate(hostKey(u))
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.passed && g.failed == "" {
		rp, err := r.in.browser.render(r.ctx, renderRequest{URL: target, Client: r.client,
			UserAgent: r.in.cfg.UserAgent, Challenge: true})
		if err != nil {
			if r.ctx.Err() == nil {
				g.failed = err.Error()
			}
			return status, body, nil
		}
		r.keepCookies(rp.URL, rp.Cookies)
		g.passed = true
	}
	return r.fetchSmall(target, limit)
}

// keepCookies puts a browser's cookies into the round's jar.
func (r *round) keepCookies(u *url.URL, cookies []*http.Cookie) {
	if r.client.Jar == nil || len(cookies) == 0 {
		return
	}
	r.client.Jar.SetCookies(u, cookies)
}
