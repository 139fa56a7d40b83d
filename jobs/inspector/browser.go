package inspector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser renders what a plain request cannot read: a page behind a script challenge, a
// column whose list a script fills. It is a headless Chromium, started on first need, once per
// process (a worker's Inspector is one per process), and stopped after a while without use.
//
// It never reaches the network itself. Every request of its tabs is paused (Fetch domain) and
// made by the crawl's own client, which dials through the egress guard: the same address rules,
// the same limits, private addresses refused where the socket is made. Images, media and fonts
// are refused outright, and so is any scheme but http(s). In case a request escaped the
// interception, the browser resolves no name and sends everything else to a proxy that does not
// exist, loopback included.

// Limits of the browser.
const (
	maxTabs           = 3                // pages rendered at once, whatever the rounds
	renderTimeout     = 20 * time.Second // one page, challenge and reload included
	browserIdle       = 5 * time.Minute  // stopped after this long unused
	maxRenderRequests = 300              // requests of one page
	maxRenderBytes    = 20 << 20         // bytes of all its responses
	networkQuiet      = 500 * time.Millisecond
	listWait          = 3 * time.Second // after the network is quiet, how long a list may take to fill
)

// browser is the process's Chromium; nil when none is configured.
type browser struct {
	path    string
	tabs    chan struct{}
	timeout time.Duration // renderTimeout; shorter in tests of a challenge never passed

	mu    sync.Mutex
	root  context.Context // the running browser, nil when stopped
	stop  func()
	users int
	idle  *time.Timer
}

func newBrowser(path string) *browser {
	if path == "" {
		return nil
	}
	return &browser{path: path, tabs: make(chan struct{}, maxTabs), timeout: renderTimeout}
}

// acquire starts the browser if it is not running and holds it until release.
func (b *browser) acquire() (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.idle != nil {
		b.idle.Stop()
		b.idle = nil
	}
	if b.root == nil {
		dir, err := os.MkdirTemp("", "zhaocuo-browser-")
		if err != nil {
			return nil, err
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(b.path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
			// Out-of-process frames would make requests outside the tab's interception.
			chromedp.Flag("disable-features", "IsolateOrigins,site-per-process,Translate"),
			chromedp.Flag("disable-site-isolation-trials", true),
			// Should a request escape the interception, it finds no name and no way out.
			chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
			chromedp.ProxyServer("http://proxy.invalid:9"), chromedp.Flag("proxy-bypass-list", "<-loopback>"),
			chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"))
		// chromedp's own complaints are about pages that change under it (a reload while it
		// looks); what matters reaches render's caller as an error.
		root, cancelRoot := chromedp.NewContext(alloc, chromedp.WithErrorf(func(string, ...any) {}))
		if err := chromedp.Do(root); err != nil {
			cancelRoot()
			cancelAlloc()
			os.RemoveAll(dir)
			return nil, err
		}
		b.root = root
		b.stop = func() { cancelRoot(); cancelAlloc(); os.RemoveAll(dir) }
	}
	b.users++
	return b.root, nil
}

// release lets the browser go; the last user starts its idle timer.
func (b *browser) release(broken bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.users--
	if broken && b.users == 0 {
		b.shutdown()
		return
	}
	if b.users == 0 && b.root != nil {
		var t *time.Timer
		t = time.AfterFunc(browserIdle, func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if b.idle == t && b.users == 0 {
				b.shutdown()
			}
		})
		b.idle = t
	}
}

func (b *browser) shutdown() {
	if b.idle != nil {
		b.idle.Stop()
		b.idle = nil
	}
	if b.root != nil {
		b.stop()
		b.root, b.stop = nil, nil
	}
}

// Close stops the browser if it runs; a later need starts it again.
func (b *browser) Close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.shutdown()
}

// renderRequest is one page to render.
type renderRequest struct {
	URL       string
	Client    *http.Client // the round's: it makes every request, and its jar's cookies seed the tab
	UserAgent string
	Challenge bool   // the page answered with a challenge: wait until it is one no more
	WaitForID string // the id of a list a script fills: wait for it to fill, within listWait
}

// renderedPage is a page as the browser shows it once its scripts have run.
type renderedPage struct {
	URL     *url.URL
	Status  int
	HTML    []byte
	Cookies []*http.Cookie // the tab's cookies for URL, for the round's jar
}

// tabState is what the page says of itself between two looks.
type tabState struct {
	Ready  string `json:"ready"`
	Href   string `json:"href"`
	Filled bool   `json:"filled"`
	HTML   string `json:"html"`
}

// render opens the page in a fresh browser context (no cookies but those given), lets its scripts
// run until the network is quiet (and the challenge is passed, or the list filled), and returns
// the rendered document. Its errors are in words a person reads: they end up in skip reasons.
func (b *browser) render(ctx context.Context, req renderRequest) (*renderedPage, error) {
	select {
	case b.tabs <- struct{}{}:
	case <-ctx.Done():
		return nil, errors.New("本轮时间已到")
	}
	defer func() { <-b.tabs }()
	root, err := b.acquire()
	if err != nil {
		return nil, fmt.Errorf("浏览器无法启动（%v）", err)
	}
	broken := false
	defer func() { b.release(broken) }()

	tab, cancelTab := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancelTab()
	tab, cancel := context.WithTimeout(tab, b.timeout)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()

	n := &tabNet{client: interceptClient(req.Client), userAgent: req.UserAgent, statuses: map[string]int{}}
	n.touch()
	paused := chromedp.Events(tab, fetch.RequestPaused)
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		broken = ctx.Err() == nil
		return nil, fmt.Errorf("浏览器无法打开页面（%v）", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // before wg.Wait: the requests in flight end with the tab
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev, err := range paused {
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				n.serve(tab, ev)
			}()
		}
	}()
	if _, err := chromedp.Call(tab, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: req.UserAgent, AcceptLanguage: "zh-CN,zh"}); err != nil {
		return nil, fmt.Errorf("浏览器无法打开页面（%v）", err)
	}
	if u, err := url.Parse(req.URL); err == nil && req.Client.Jar != nil {
		var params []*network.CookieParam
		for _, c := range req.Client.Jar.Cookies(u) {
			params = append(params, &network.CookieParam{Name: c.Name, Value: c.Value, URL: req.URL})
		}
		if len(params) > 0 {
			chromedp.Call(tab, network.SetCookies, network.SetCookiesParams{Cookies: params})
		}
	}
	if _, err := chromedp.Call(tab, page.Navigate, page.NavigateParams{URL: req.URL}); err != nil {
		return nil, fmt.Errorf("浏览器无法打开页面（%v）", err)
	}

	id, _ := json.Marshal(req.WaitForID)
	look := chromedp.Evaluate[tabState](`(() => { const id = ` + string(id) + `; const e = id ? document.getElementById(id) : null;
		const ready = document.readyState;
		return {ready: ready, href: location.href, filled: !id || (!!e && e.children.length > 0),
			html: ready === "complete" ? document.documentElement.outerHTML : ""}; })()`)
	for {
		select {
		case <-tab.Done():
			if ctx.Err() != nil {
				return nil, errors.New("本轮时间已到")
			}
			if req.Challenge {
				return nil, fmt.Errorf("%d秒内未通过验证", int(b.timeout/time.Second))
			}
			return nil, fmt.Errorf("%d秒内未渲染完成", int(b.timeout/time.Second))
		case <-time.After(200 * time.Millisecond):
		}
		quiet := n.quietFor()
		if quiet < networkQuiet {
			continue
		}
		st, err := chromedp.Run(tab, look)
		if err != nil || st.HTML == "" {
			continue // between two documents, or still loading
		}
		u, ok := normalizeURL(nil, st.Href)
		if !ok {
			continue
		}
		status := n.status(u.String())
		if req.Challenge && challengeOf(status, []byte(st.HTML)) != "" {
			continue // its script has yet to set the cookie and reload
		}
		if !st.Filled && quiet < networkQuiet+listWait {
			continue
		}
		res := &renderedPage{URL: u, Status: status, HTML: []byte(st.HTML)}
		if len(res.HTML) > maxPageBytes {
			res.HTML = res.HTML[:maxPageBytes]
		}
		if got, err := chromedp.Call(tab, network.GetCookies, network.GetCookiesParams{URLs: []string{u.String()}}); err == nil {
			res.Cookies = httpCookies(got.Cookies)
		}
		return res, nil
	}
}
