package inspector

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"zhaocuo/jobs/egress"
)

// A tab's network: every request the page makes is paused by the browser and made here, by the
// crawl's client (browser.go says why).

// interceptClient is the round's client for the browser's requests: the tab keeps the cookies
// (each request carries them from there) and sees every redirect, so that its address and its
// relative links are right.
func interceptClient(c *http.Client) *http.Client {
	ic := *c
	ic.Jar = nil
	ic.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &ic
}

// tabNet makes a tab's requests and knows when its network is quiet.
type tabNet struct {
	client    *http.Client
	userAgent string
	requests  atomic.Int64
	bytes     atomic.Int64

	mu       sync.Mutex
	inFlight int
	lastBusy time.Time
	statuses map[string]int // documents' statuses by URL
}

func (n *tabNet) touch() {
	n.mu.Lock()
	n.lastBusy = time.Now()
	n.mu.Unlock()
}

// quietFor says how long no request has been in flight.
func (n *tabNet) quietFor() time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.inFlight > 0 {
		return 0
	}
	return time.Since(n.lastBusy)
}

func (n *tabNet) status(u string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.statuses[u]; ok {
		return s
	}
	return http.StatusOK
}

// serve answers one paused request of the tab through the crawl's client, or fails it.
func (n *tabNet) serve(tab context.Context, ev fetch.EventRequestPaused) {
	n.mu.Lock()
	n.inFlight++
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		n.inFlight--
		n.lastBusy = time.Now()
		n.mu.Unlock()
	}()
	fail := func(reason network.ErrorReason) {
		chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: reason})
	}
	u, err := url.Parse(ev.Request.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		fail(network.ErrorReasonBlockedByClient)
		return
	case ev.ResourceType == network.ResourceTypeImage || ev.ResourceType == network.ResourceTypeMedia ||
		ev.ResourceType == network.ResourceTypeFont || ev.ResourceType == network.ResourceTypeWebSocket:
		fail(network.ErrorReasonBlockedByClient)
		return
	case n.requests.Add(1) > maxRenderRequests || n.bytes.Load() > maxRenderBytes:
		fail(network.ErrorReasonBlockedByClient)
		return
	}
	var body io.Reader
	if ev.Request.HasPostData {
		var b []byte
		for _, e := range ev.Request.PostDataEntries {
			b = append(b, e.Bytes...)
		}
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(tab, ev.Request.Method, u.String(), body)
	if err != nil {
		fail(network.ErrorReasonFailed)
		return
	}
	for k, v := range ev.Request.Headers {
		switch strings.ToLower(k) {
		case "host", "cookie", "content-length", "accept-encoding", "connection", "user-agent":
			continue
		}
		if s, ok := v.(string); ok {
			req.Header.Set(k, s)
		}
	}
	req.Header.Set("User-Agent", n.userAgent)
	// The paused request does not show its cookies: they are added past this point.
	if got, err := chromedp.Call(tab, network.GetCookies, network.GetCookiesParams{URLs: []string{u.String()}}); err == nil {
		for _, c := range got.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	resp, err := n.client.Do(req)
	if err != nil {
		fail(failReason(err))
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, min(maxPageBytes, max(0, maxRenderBytes-n.bytes.Load()))))
	if err != nil {
		fail(failReason(err))
		return
	}
	n.bytes.Add(int64(len(data)))
	if ev.ResourceType == network.ResourceTypeDocument {
		if k, ok := normalizeURL(nil, u.String()); ok {
			n.mu.Lock()
			n.statuses[k.String()] = resp.StatusCode
			n.mu.Unlock()
		}
	}
	var headers []*fetch.HeaderEntry
	for k, vs := range resp.Header {
		switch strings.ToLower(k) {
		case "content-length", "content-encoding", "transfer-encoding", "connection":
			continue // the body is whole and decoded now
		}
		for _, v := range vs {
			headers = append(headers, &fetch.HeaderEntry{Name: k, Value: v})
		}
	}
	chromedp.Call(tab, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID,
		ResponseCode: int64(resp.StatusCode), ResponseHeaders: headers, Body: data})
}

// failReason tells the page why a request failed, as near as the protocol has words for it.
func failReason(err error) network.ErrorReason {
	var dns *net.DNSError
	switch {
	case errors.Is(err, egress.ErrRefused):
		return network.ErrorReasonAddressUnreachable
	case errors.As(err, &dns):
		return network.ErrorReasonNameNotResolved
	case errors.Is(err, syscall.ECONNREFUSED):
		return network.ErrorReasonConnectionRefused
	case isTimeout(err):
		return network.ErrorReasonTimedOut
	}
	return network.ErrorReasonFailed
}

// httpCookies turns the browser's cookies into the jar's. One the browser holds for its host
// alone (no leading dot) stays host-only.
func httpCookies(in []*network.Cookie) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range in {
		hc := &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HttpOnly: c.HTTPOnly}
		if strings.HasPrefix(c.Domain, ".") {
			hc.Domain = c.Domain
		}
		if !c.Session && c.Expires > 0 {
			hc.Expires = time.Unix(int64(c.Expires), 0)
		}
		out = append(out, hc)
	}
	return out
}
