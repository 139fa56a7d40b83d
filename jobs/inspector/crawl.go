package inspector

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"

	"zhaocuo/models/indicator"
)

// round is the state of one inspection of one site. Every URL gets one visit, made
// once; the visits are queued per host, and each host has its own workers and rate
// limiter, so a slow outside site never holds up the crawl of the site itself.
type round struct {
	in     *Inspector
	ctx    context.Context // clock.ctx: ends when the round's time is up, or with the caller's
	cancel context.CancelFunc
	clock  *roundClock // the round's time limit, which stands still while the memory gate holds it
	site   Site
	home   *url.URL
	local  map[string]bool // host:port of the registered hosts
	starts []*url.URL      // base URLs and configured columns, crawled whatever the limits
	client *http.Client    // the Inspector's, with the round's cookie jar (challenge.go)

	mu      sync.Mutex
	visits  map[string]*visit
	pages   map[string]*pageInfo // by the URL requested
	queues  map[string]*hostQueue
	crawled int    // page visits handed out, against MaxPages
	stopped string // why the crawl was cut short
	pending sync.WaitGroup
	scripts roundScripts // the challenges met and the site's scripts read (challenge.go)

	held  *gatedRound     // the pages it holds, as the Inspector's memory gate counts them (memgate.go)
	start *crawlStart     // the crawl as its worker's pacing counts it, nil for none (slots.go)
	docs  attachmentRound // the site's attachments read for personal data (attachments.go)
	since sinceLast       // an incremental round's state of the last round (incremental.go)
}

// visit is one URL of the round. res is written by the one worker that makes the
// request and read only after the round's WaitGroup says all work is done.
type visit struct {
	url   *url.URL
	depth int
	local bool // on a registered host
	crawl bool // fetched as a page and read, not only checked
	res   fetchResult
	kept  keptVisit // an incremental round's validators and carry-over (incremental.go)
}

type hostQueue struct {
	items   []*visit
	workers int
	limiter *rate.Limiter

	robotsOnce sync.Once
	robots     *robotstxt.Group // nil: everything allowed
}

func (in *Inspector) newRound(ctx context.Context, site Site) (*round, error) {
	r := &round{in: in, site: site, local: map[string]bool{}, visits: map[string]*visit{},
		pages: map[string]*pageInfo{}, queues: map[string]*hostQueue{}, client: in.roundClient()}
	for _, s := range site.BaseURLs {
		if u, ok := parseSiteURL(s); ok {
			if r.home == nil {
				r.home = u
			}
			r.local[hostKey(u)] = true
			r.starts = append(r.starts, u)
		}
	}
	if r.home == nil {
		return nil, ErrNoHomepage
	}
	for _, c := range site.Columns {
		if u, ok := parseSiteURL(c.URL); ok {
			r.local[hostKey(u)] = true
			r.starts = append(r.starts, u)
		}
	}
	var leave func()
	r.clock = newRoundClock(ctx, in.cfg.MaxDuration)
	r.ctx = r.clock.ctx
	r.held, leave = in.mem.join()
	r.start = crawlStarted(ctx)
	r.cancel = func() { r.clock.stop(); leave() } // the round's end
	return r, nil
}

// crawl runs the round to its end: every queued URL visited or skipped.
func (r *round) crawl() {
	for i, u := range r.starts {
		depth := 0
		if i >= len(r.site.BaseURLs) {
			depth = 1 // a configured column sits one click below the homepage
		}
		r.want(u, depth, true)
	}
	r.pending.Wait()
	r.settle()
	if r.ctx.Err() != nil && r.stopped == "" {
		r.stopped = r.clock.stopped()
	}
}

// want queues u unless it was seen this round. force crawls a page past the limits
// (the homepage and configured columns are always read).
func (r *round) want(u *url.URL, depth int, force bool) {
	key := u.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.visits[key]; ok {
		return
	}
	host := hostKey(u)
	v := &visit{url: u, depth: depth, local: r.local[host]}
	if v.local && !looksLikeDocument(u) {
		switch {
		case force:
			v.crawl = true
		case depth > r.in.cfg.MaxDepth:
		case r.crawled >= r.in.cfg.MaxPages:
			r.stopped = indicator.StoppedMaxPages
		default:
			v.crawl = true
		}
		if v.crawl {
			r.crawled++
		}
	}
	r.visits[key] = v
	r.enqueue(v)
}

// enqueue hands a visit to its host's workers; the caller holds r.mu.
func (r *round) enqueue(v *visit) {
	host := hostKey(v.url)
	q := r.queues[host]
	if q == nil {
		limit := rate.Inf
		if r.in.cfg.PerHostRate > 0 {
			limit = rate.Limit(r.in.cfg.PerHostRate)
		}
		q = &hostQueue{limiter: rate.NewLimiter(limit, 1)}
		r.queues[host] = q
	}
	q.items = append(q.items, v)
	r.pending.Add(1)
	if q.workers < r.in.cfg.PerHostConcurrency {
		q.workers++
		go r.work(q)
	}
}

// seen records a URL reached by redirect, so that a later link to it is not fetched
// again; it reports false when the URL already had its own visit.
func (r *round) seen(u *url.URL, v *visit) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.visits[u.String()]; ok {
		return false
	}
	r.visits[u.String()] = v
	return true
}

// work is one of a host's workers: it takes visits until the host's queue is empty.
func (r *round) work(q *hostQueue) {
	for {
		r.mu.Lock()
		if len(q.items) == 0 {
			q.workers--
			r.mu.Unlock()
			return
		}
		v := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		r.mu.Unlock()
		r.visit(q, v)
		r.start.visited()
		r.pending.Done()
	}
}

func (r *round) visit(q *hostQueue, v *visit) {
	if r.ctx.Err() != nil {
		v.res.Skipped = "本轮时间已到"
		return
	}
	if r.deferVisit(v) {
		return
	}
	if v.crawl {
		r.in.mem.wait(r.held, r.clock) // the rounds' memory leaves room for another page
	}
	if v.local {
		q.robotsOnce.Do(func() { r.loadRobots(q, v.url) })
		if q.robots != nil && !q.robots.Test(robotsPath(v.url)) {
			v.res.Skipped = "robots.txt禁止"
			return
		}
	}
	if err := q.limiter.Wait(r.ctx); err != nil {
		v.res.Skipped = "本轮时间已到"
		return
	}
	switch {
	case v.crawl:
		info := r.fetchPage(v)
		if info == nil {
			return
		}
		r.noteChange(v, info)
		r.addPage(v, info)
	case v.local:
		v.res = r.checkDocument(v.url)
	default:
		v.res = r.check(v.url, false)
	}
}

// addPage keeps a page read (or carried over) and queues its links.
func (r *round) addPage(v *visit, info *pageInfo) {
	r.mu.Lock()
	r.pages[v.url.String()] = info
	r.mu.Unlock()
	r.held.hold()
	for _, l := range info.Links {
		if l.Dormant {
			continue
		}
		if u, err := url.Parse(l.Target); err == nil {
			r.want(u, v.depth+1, false)
		}
	}
}

// loadRobots reads the host's robots.txt once. A file that cannot be read allows
// everything (as the major search engines do for 4xx and network errors); a 5xx
// disallows everything, which the parser decides.
func (r *round) loadRobots(q *hostQueue, u *url.URL) {
	robotsURL := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	status, body, err := r.fetchRobots(robotsURL.String())
	if err != nil {
		return
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil || data == nil {
		return
	}
	q.robots = data.FindGroup(r.in.cfg.UserAgent)
	if d := q.robots.CrawlDelay; d > 0 {
		if limit := rate.Every(d); limit < q.limiter.Limit() {
			q.limiter.SetLimit(limit)
		}
	}
}

func robotsPath(u *url.URL) string {
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// checked counts the URLs really requested: a redirect's target shares its visit, and
// a URL skipped for robots.txt or the time limit was not checked.
func (r *round) checked() int {
	seen := map[*visit]bool{}
	for _, v := range r.visits {
		if v.res.Skipped == "" {
			seen[v] = true
		}
	}
	return len(seen)
}
