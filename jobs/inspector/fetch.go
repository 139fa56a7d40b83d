package inspector

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhaocuo/jobs/egress"
)

// Body limits: a page is read whole up to 5 MiB; an outbound page only far enough to
// see what site it now is.
const (
	maxPageBytes     = 5 << 20
	maxOutboundBytes = 128 << 10
)

// fetchResult is what one visit learnt.
type fetchResult struct {
	Status  int
	Err     string   // why the request failed, in words a person reads
	Skipped string   // not checked: robots.txt, the round's time was up
	Bad     []string // gambling or porn words an outbound page shows (外链变异)
}

// broken: the link does not work for a reader. Skipped links are not judged.
func (f fetchResult) broken() bool { return f.Skipped == "" && (f.Err != "" || f.Status >= 400) }

func (f fetchResult) reason() string {
	if f.Err != "" {
		return f.Err
	}
	return fmt.Sprintf("HTTP %d", f.Status)
}

// request sends one request within the per-request timeout; the caller reads the body
// and calls done.
func (in *Inspector) request(ctx context.Context, client *http.Client, method, target string) (resp *http.Response, done func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, in.cfg.Timeout)
	req, err := newRequest(ctx, method, target, in.cfg.UserAgent)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	resp, err = client.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return resp, func() { resp.Body.Close(); cancel() }, nil
}

// request sends one request of the round, with its cookies.
func (r *round) request(method, target string) (*http.Response, func(), error) {
	return r.in.request(r.ctx, r.client, method, target)
}

// newRequest asks the way a reader's browser does, under a name a site's operators can look up:
// some government sites answer a bare client with an error page or nothing at all.
func newRequest(ctx context.Context, method, target, userAgent string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	return req, nil
}

// Get opens one page outside a crawl (a page a citizen reported, say) with the crawler's
// manners, and reads at most limit bytes of it. An error with status 0 means no answer came
// (ErrInvalidURL when target cannot be asked for at all); an error with a status means the
// body broke off, and body holds what arrived. The caller bounds the time, through ctx or the
// client: there is no politeness here, because one page is not a crawl.
func Get(ctx context.Context, client *http.Client, target string, limit int64) (status int, body []byte, err error) {
	req, err := newRequest(ctx, http.MethodGet, target, DefaultUserAgent)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit))
	return resp.StatusCode, body, err
}

// fetchSmall reads a small resource such as robots.txt.
func (r *round) fetchSmall(target string, limit int64) (int, []byte, error) {
	resp, done, err := r.request(http.MethodGet, target)
	if err != nil {
		return 0, nil, err
	}
	defer done()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	return resp.StatusCode, body, err
}

// fetchedPage is a page of the site as read, before its analysis.
type fetchedPage struct {
	url      *url.URL // where it ended, after redirects
	body     []byte   // UTF-8
	rendered bool     // by the browser: its scripts have run
}

// fetchPage reads a page of the site and returns its analysis, or nil when it is
// broken, not HTML, left the site by redirect (then it was checked as a link), or
// stands behind a script challenge no browser passed (then it is skipped).
func (r *round) fetchPage(v *visit) *pageInfo {
	page, why := r.getPage(v)
	if v.kept.notModified {
		return r.carriedPage(v)
	}
	if why != "" {
		page = r.passChallenge(v, why)
	}
	if page == nil {
		return nil
	}
	release := r.in.cpu.hold() // the CPU's share of a page: its parse and analysis (slots.go)
	doc, err := html.ParseWithOptions(bytes.NewReader(page.body), html.ParseOptionEnableScripting(false))
	if err != nil {
		release()
		return nil
	}
	info := r.in.words.analyzePage(doc, page.url, v.url.String() == r.home.String(), r.in.cfg.Now())
	release()
	return r.scriptList(v, page, info)
}

// getPage requests a page; it returns the page, or nil with v.res saying why not, or
// the name of the script challenge that answered instead.
func (r *round) getPage(v *visit) (*fetchedPage, string) {
	resp, done, err := r.pageRequest(v)
	if err != nil {
		v.res = r.failure(err)
		return nil, ""
	}
	defer done()
	v.res = fetchResult{Status: resp.StatusCode}
	if r.notModified(v, resp) {
		return nil, ""
	}
	if resp.StatusCode >= 400 {
		return nil, readChallenge(resp)
	}
	final, ok := normalizeURL(nil, resp.Request.URL.String())
	if ok && final.String() != v.url.String() {
		r.seen(final, v)
	}
	if !ok || !r.local[hostKey(final)] {
		v.res.Bad = r.outboundContent(resp)
		return nil, ""
	}
	if !isHTML(resp) {
		return nil, ""
	}
	body, err := readText(resp, maxPageBytes)
	if err != nil {
		v.res = r.failure(err)
		return nil, ""
	}
	if why := challengeOf(resp.StatusCode, body); why != "" {
		return nil, why
	}
	return &fetchedPage{url: final, body: body}, ""
}

// check tells whether a link works. A link on the site itself gets HEAD (it is a page
// past the crawl's limits or a document: no need to download it), then GET when the
// server refuses HEAD; an outbound link gets GET with a small read, because 外链变异
// can only be seen in what the page now shows.
func (r *round) check(u *url.URL, local bool) fetchResult {
	if local {
		res, retry := r.head(u)
		if !retry {
			return res
		}
	}
	resp, done, err := r.request(http.MethodGet, u.String())
	if err != nil {
		return r.failure(err)
	}
	defer done()
	res := fetchResult{Status: resp.StatusCode}
	if !local && resp.StatusCode < 400 {
		res.Bad = r.outboundContent(resp)
	}
	if resp.StatusCode >= 400 {
		// A challenged link opens for a reader: it is skipped, not broken.
		if why := readChallenge(resp); why != "" {
			res.Skipped = r.challengeSkip(why)
		}
	}
	return res
}

// head sends HEAD and says whether GET should be tried: servers that do not implement
// HEAD answer 405 or 501, some answer 400, 403 or 5xx, and a few close the connection.
// 404 and 410 are definite; so are failures to resolve, connect or answer in time.
func (r *round) head(u *url.URL) (fetchResult, bool) {
	resp, done, err := r.request(http.MethodHead, u.String())
	if err != nil {
		res := r.failure(err)
		return res, res.Skipped == "" && !definiteFailure(err)
	}
	done()
	res := fetchResult{Status: resp.StatusCode}
	return res, resp.StatusCode >= 400 && resp.StatusCode != 404 && resp.StatusCode != 410
}

// outboundContent reads the start of a page off the site and returns the bad words it
// shows, if enough of them to call the site a gambling or porn site.
func (r *round) outboundContent(resp *http.Response) []string {
	if !isHTML(resp) {
		return nil
	}
	body, err := readText(resp, maxOutboundBytes)
	if err != nil {
		return nil
	}
	title, text := plainText(body)
	return r.in.words.badContent(title, text)
}

// failure turns a request error into a result. When the round itself ran out of time
// the link was not really checked, so it is skipped rather than called broken.
func (r *round) failure(err error) fetchResult {
	if r.ctx.Err() != nil {
		return fetchResult{Skipped: "本轮时间已到"}
	}
	return fetchResult{Err: DescribeError(err)}
}

func definiteFailure(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED) || isTimeout(err) || errors.Is(err, egress.ErrRefused)
}

func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err)
}

// ErrInvalidURL is Get's error for an address that cannot be asked for at all.
var ErrInvalidURL = errors.New("invalid URL")

// DescribeError names a failed fetch the way the circulars do. Every check that shows staff
// why a page did not open (crawl, availability probe, a citizen's reported page, an account's
// menu link, a webhook post) uses it, so the same failure never reads two ways. An address the
// egress guard refused reads the same whatever its port, since nothing was connected to.
func DescribeError(err error) string {
	var dns *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	switch {
	case errors.Is(err, egress.ErrRefused):
		return "不检查内网地址"
	case errors.Is(err, ErrInvalidURL):
		return "地址无效"
	case errors.As(err, &dns):
		return "域名解析失败"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "连接被拒绝"
	case isTimeout(err):
		return "超时"
	case errors.Is(err, syscall.ECONNRESET):
		return "连接被重置"
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr):
		return "证书错误"
	}
	return "无法访问"
}

func isHTML(resp *http.Response) bool {
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	return ct == "" || strings.Contains(ct, "html")
}

// readText reads a body up to limit and converts it to UTF-8: many government sites
// still serve GBK or GB2312, declared in the header or a <meta> tag.
func readText(resp *http.Response, limit int64) ([]byte, error) {
	// Read into a buffer of the announced size (io.ReadAll would grow one by doubling, and
	// copy the page over each time); a length that lies costs only a regrowth.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(resp.ContentLength, 0), limit)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, limit)); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	enc, name, certain := charset.DetermineEncoding(body, resp.Header.Get("Content-Type"))
	if name == "utf-8" || isASCII(body) {
		return body, nil
	}
	if name == "windows-1252" && !certain {
		// Nothing declared and not UTF-8: on a Chinese site that is GBK, not Latin-1.
		enc = simplifiedchinese.GB18030
	}
	if out, err := enc.NewDecoder().Bytes(body); err == nil {
		return out, nil
	}
	return body, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// plainText returns the title and text of a page with a tokenizer: an outbound page
// only needs its words, not a tree.
func plainText(body []byte) (title, text string) {
	z := html.NewTokenizer(bytes.NewReader(body))
	var b strings.Builder
	skip, inTitle := 0, false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return title, b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "title":
				inTitle = true
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = max(0, skip-1)
			case "title":
				inTitle = false
			}
		case html.TextToken:
			if skip == 0 {
				t := string(z.Text())
				if inTitle {
					title += t
				}
				b.WriteString(t)
			}
		}
	}
}
