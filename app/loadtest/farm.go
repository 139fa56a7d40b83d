package loadtest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// farmSites is a farm of made-up government websites on loopback, for `loadtest farm`: site i
// listens on its own address 127.1.x.y (Linux routes all of 127/8 to lo), every page answers
// after the set latency, and a page's body is made from a seed, so any page can be served again
// the same without being kept.
//
// The farm has days, and what changes by a day is decided by the seed too, as on a government
// site: on each day from 2 to the farm's day, the share -changes of the pages is updated (a new
// text and date, and the entry that links to it on its parent's list shows the new date), the
// share -new of new pages appears at the top of a column's list with the day's date, and the
// share -edits of the pages is edited in place (a new text; its list entry stays as it was). The
// share -typos of these new texts carries a typo (部暑 for 部署), so that a daily round that
// misses a changed page misses a finding the full round has. A
// page whose text or list changed gets a new ETag and Last-Modified; a request with the page's
// ETag, or with a later If-Modified-Since and no ETag, gets 304.
type farmSites struct {
	sites, pages int
	fanout       int // links from each page to the pages below it (a tree, so every page is reached)
	pageBytes    int
	latency      time.Duration
	crawlDelay   float64 // robots.txt's Crawl-delay in seconds; 0 = none
	changes      float64 // share of the pages updated each day, their list entries with them
	newPages     float64 // pages that appear each day, as a share of -pages
	edits        float64 // share of the pages edited in place each day, their list entries unchanged
	typos        float64 // share of the texts of days 2.. with a typo: a daily round that misses one misses a finding
	seed         uint64
	port         int

	day         atomic.Int64 // the farm's day: 1 until changed
	requests    atomic.Int64 // answered, robots.txt included
	notModified atomic.Int64 // of which 304
}

// farmEpoch is day 1 of the farm: Last-Modified counts days from it.
var farmEpoch = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// siteAddr is site i's address: 127.1.0.1, 127.1.0.2, … 127.1.0.250, 127.1.1.1, …
func (f *farmSites) siteAddr(i int) string {
	return fmt.Sprintf("127.1.%d.%d:%d", i/250, i%250+1, f.port)
}

// serve listens on every site's address until ctx ends.
func (f *farmSites) serve(ctx context.Context) error {
	var servers []*http.Server
	for i := 0; i < f.sites; i++ {
		l, err := net.Listen("tcp", f.siteAddr(i))
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("farm: listen for site %d: %w", i, err)
		}
		site := i
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.handle(site, w, r) }),
			ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Println("farm:", err)
			}
		}()
	}
	go func() {
		<-ctx.Done()
		for _, s := range servers {
			s.Close()
		}
	}()
	return nil
}

func (f *farmSites) handle(site int, w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.latency)
	f.requests.Add(1)
	path := r.URL.Path
	if path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		if f.crawlDelay > 0 {
			fmt.Fprintf(w, "Crawl-delay: %g\n", f.crawlDelay)
		}
		return
	}
	page := -1
	switch {
	case path == "/" || path == "/index.html":
		page = 0
	case strings.HasPrefix(path, "/p/") && strings.HasSuffix(path, ".html"):
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/p/"), ".html")); err == nil && n > 0 && n < f.total() {
			page = n
		}
	}
	if page < 0 {
		http.NotFound(w, r)
		return
	}
	h := f.history(site, page)
	modified := f.modified(site, page, h)
	etag := fmt.Sprintf(`"%d-%d-%d-%d"`, site, page, h.version, modified)
	lastModified := dayTime(modified)
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", lastModified.Format(http.TimeFormat))
	if r.Header.Get("If-None-Match") == etag {
		f.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if since, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !lastModified.After(since) && r.Header.Get("If-None-Match") == "" {
		f.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(f.body(site, page, h))
}

// dayTime is when the farm's day d began (day 1: farmEpoch).
func dayTime(d int) time.Time { return farmEpoch.AddDate(0, 0, d-1) }

// perDay is how many new pages each site gets a day.
func (f *farmSites) perDay() int { return int(math.Round(float64(f.pages) * f.newPages)) }

// total is how many pages each site has on the farm's day: the first -pages, then the new ones
// of days 2, 3, … numbered on.
func (f *farmSites) total() int { return f.pages + int(f.day.Load()-1)*f.perDay() }

// born is the day a page appeared.
func (f *farmSites) born(page int) int {
	if page < f.pages {
		return 1
	}
	return 2 + (page-f.pages)/f.perDay()
}

// parent is the page whose list links to the page: its parent in the tree, or for a new page
// one of the columns of the navigation.
func (f *farmSites) parent(site, page int) int {
	switch {
	case page == 0:
		return -1
	case page < f.pages:
		return (page - 1) / f.fanout
	case f.pages == 1:
		return 0
	}
	return 1 + int(f.draw(site, page, 0, "column")*float64(min(8, f.pages-1)))
}

// pageHistory is what happened to a page by the farm's day.
type pageHistory struct {
	version int // times its text changed
	listed  int // the day its list entry shows (0: its first date, in February 2025)
	changed int // the day its text last changed (or it appeared)
}

func (f *farmSites) history(site, page int) pageHistory {
	born := f.born(page)
	h := pageHistory{changed: born}
	if born > 1 {
		h.listed = born
	}
	for d := born + 1; d <= int(f.day.Load()); d++ {
		switch {
		case f.draw(site, page, d, "update") < f.changes:
			h.version, h.listed, h.changed = h.version+1, d, d
		case f.draw(site, page, d, "edit") < f.edits:
			h.version, h.changed = h.version+1, d
		}
	}
	return h
}

// children are the pages a page's list links to: the new ones first, newest on top, then those
// below it in the tree.
func (f *farmSites) children(site, page int) []int {
	var out []int
	if page >= 1 && page <= 8 || page == 0 && f.pages == 1 {
		for c := f.total() - 1; c >= f.pages; c-- {
			if f.parent(site, c) == page {
				out = append(out, c)
			}
		}
	}
	for c := page*f.fanout + 1; c <= page*f.fanout+f.fanout && c < f.pages; c++ {
		out = append(out, c)
	}
	return out
}

// modified is the day a page's body last changed: its text, or an entry of its list.
func (f *farmSites) modified(site, page int, h pageHistory) int {
	m := h.changed
	if page >= f.pages {
		return m // an article: no list
	}
	for _, c := range f.children(site, page) {
		m = max(m, f.history(site, c).listed)
	}
	return m
}

// entryDate is the date a page's list entry and its own 发布日期 show.
func entryDate(page int, h pageHistory) string {
	if h.listed > 0 {
		return dayTime(h.listed).Format(time.DateOnly)
	}
	return fmt.Sprintf("2025-02-%02d", page%28+1)
}

// draw is a number in [0, 1) the seed gives to a page, a day and what is drawn.
func (f *farmSites) draw(site, page, day int, what string) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d/%d/%d/%s", f.seed, site, page, day, what)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// title is a page's headline, the same in every version of it: on its list, an updated page
// changes its date, not its headline. (A list entry's text must not end in a figure either: the
// inspector reads "文章97" and "2025-02-14" in the same <li> as one run, "文章972025-02-14", and
// finds no date in it, so the farm's lists, then of "文章N", were no lists to it.)
func (f *farmSites) title(site, page int) string {
	return newFarmText(rand.New(rand.NewPCG(f.seed^uint64(site)<<32^uint64(page), 1<<62)), nil).title()
}

// body is a page's HTML: a navigation of the columns, a list of the pages below it with their
// dates and one related link, the text, and the footer. The text follows the page's version, the
// list the farm's day; the related link is the page's own, whatever its version.
func (f *farmSites) body(site, page int, h pageHistory) []byte {
	rng := rand.New(rand.NewPCG(f.seed^uint64(site)<<32^uint64(page), uint64(h.version)+1))
	var b strings.Builder
	b.Grow(f.pageBytes + 4096)
	text := newFarmText(rng, &b)
	title := f.title(site, page)
	date := entryDate(page, h)
	fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title>`+
		`<meta name="ArticleTitle" content="%s"><meta name="PubDate" content="%s 09:00"></head><body>`,
		title, title, date)
	b.WriteString(`<div class="nav"><a href="/">首页</a>`)
	for c := 1; c <= 8 && c < f.pages; c++ {
		fmt.Fprintf(&b, `<a href="/p/%d.html">栏目%d</a>`, c, c)
	}
	b.WriteString(`</div><div class="list"><ul>`)
	if page < f.pages {
		for _, c := range f.children(site, page) {
			fmt.Fprintf(&b, `<li><a href="/p/%d.html">%s</a><span>%s</span></li>`, c, f.title(site, c), entryDate(c, f.history(site, c)))
		}
	}
	if f.pages > 1 { // a link across the tree: the graph has more than one path to a page
		related := rand.New(rand.NewPCG(f.seed^uint64(site)<<32^uint64(page), 0))
		fmt.Fprintf(&b, `<li><a href="/p/%d.html">相关链接</a><span>2025-01-15</span></li>`, 1+related.IntN(f.pages-1))
	}
	fmt.Fprintf(&b, `</ul></div><div class="content"><h1>%s</h1><p>发布日期：%s</p>`, title, date)
	if h.changed > 1 && f.draw(site, page, h.changed, "misspelt") < f.typos {
		// 部暑 for 部署; the figure makes each page's snippet, and so its finding, its own.
		fmt.Fprintf(&b, "<p>会议要求，各地要按照部暑要求，抓好列入清单的%d个项目。</p>", page+7)
	}
	for b.Len() < f.pageBytes {
		b.WriteString("<p>")
		text.paragraph()
		b.WriteString("</p>")
	}
	b.WriteString(`</div><div class="footer">主办单位：某某市人民政府办公室 网站标识码：5101000001 蜀ICP备12345678号</div></body></html>`)
	return []byte(b.String())
}
