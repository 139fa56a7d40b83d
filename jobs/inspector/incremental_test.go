package inspector

import (
	"flag"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// changingSite is a site of incrementalColumns columns of incrementalArticles articles each,
// served with ETags (a 304 for a page that has not changed), whose pages a test edits between
// rounds.
type changingSite struct {
	mu      sync.Mutex
	pages   map[string]string
	latency time.Duration // the server's time to answer
}

// incrementalLatency is the changing site's time to answer; -incremental.latency=100ms is the
// issue's model of a government site.
var incrementalLatency = flag.Duration("incremental.latency", 10*time.Millisecond, "the changing site's latency")

const (
	incrementalColumns  = 8
	incrementalArticles = 60
)

var incrementalColumnPaths = []string{"news", "notice", "policy", "work", "open", "gk", "zc", "bs"}

func (s *changingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	body, ok := s.pages[r.URL.RequestURI()]
	s.mu.Unlock()
	time.Sleep(s.latency)
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := fnv.New64a()
	h.Write([]byte(body))
	etag := fmt.Sprintf(`"%x"`, h.Sum64())
	w.Header().Set("ETag", etag)
	if strings.HasSuffix(r.URL.Path, ".txt") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprint(w, body)
}

func (s *changingSite) edit(f func(p map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.pages)
}

func incrementalArticleTitle(c, j int) string {
	return fmt.Sprintf("示范市%s栏目第%d期工作信息", incrementalColumnPaths[c], j)
}

func incrementalArticlePath(c, j int) string {
	return fmt.Sprintf("/%s/a%d.html", incrementalColumnPaths[c], j)
}

// incrementalPages builds the site: every article links to the next one in its column (相关阅读),
// some to a document; one carries a typo, one a dead link, two are copies of each other.
func incrementalPages() map[string]string {
	pages := map[string]string{"/robots.txt": "User-agent: *\nDisallow: /private/\n", "/files/guide.docx": "docx"}
	var home []string
	for c, col := range incrementalColumnPaths {
		var items []string
		for j := 0; j < incrementalArticles; j++ {
			date := testNow.AddDate(0, 0, -j).Format(time.DateOnly)
			title := incrementalArticleTitle(c, j)
			items = append(items, item(incrementalArticlePath(c, j), title, date))
			extra := ""
			if j+1 < incrementalArticles {
				extra += `<p>相关阅读：<a href="` + incrementalArticlePath(c, j+1) + `">` + incrementalArticleTitle(c, j+1) + `</a></p>`
			}
			if j%20 == 7 {
				extra += `<p><a href="/files/guide.docx">办事指南下载</a></p>`
			}
			seed := uint64(100 + c*incrementalArticles + j)
			switch {
			case c == 0 && j == 5:
				extra += `<p>各级攻府要落实责任。</p>`
			case c == 1 && j == 7:
				extra += `<p><a href="/gone.html">旧版入口</a></p>`
			case c == 3 && j == 21:
				seed = uint64(100 + c*incrementalArticles + 20) // a copy of a20
			}
			pages[incrementalArticlePath(c, j)] = articlePage(title, date, seed, extra)
		}
		pages["/"+col+"/"] = htmlPage(col+"栏目", list(items...))
		home = append(home, `<h2><a href="/`+col+`/">`+col+`栏目</a></h2>`+list(items[:3]...))
	}
	pages["/"] = homePage(strings.Join(home, "")+`<p><a href="http://www.sc.gov.cn/">四川省人民政府</a></p>`, goodFooter)
	return pages
}

// changeDay edits about 2% of the site the way a CMS does: a new article on top of its column
// (with a typo), an article taken down (another still links to it), an article corrected with a
// new typo (its list entry shows the new date) and one given a dead link (its list headline
// changed).
func changeDay(p map[string]string) {
	newPath, newTitle := "/news/a60.html", "示范市部署春季森林防火工作"
	date := testNow.Format(time.DateOnly)
	p[newPath] = articlePage(newTitle, date, 9001, `<p>要认真做好工作布署。</p>`)
	p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+item(newPath, newTitle, date), 1)
	p["/"] = strings.Replace(p["/"], `<ul class="list">`, `<ul class="list">`+item(newPath, newTitle, date), 1)

	removed := incrementalArticlePath(1, 30)
	delete(p, removed)
	p["/notice/"] = strings.Replace(p["/notice/"], item(removed, incrementalArticleTitle(1, 30), testNow.AddDate(0, 0, -30).Format(time.DateOnly)), "", 1)

	edited, old := incrementalArticlePath(2, 12), testNow.AddDate(0, 0, -12).Format(time.DateOnly)
	p[edited] = strings.Replace(p[edited], `</div><div class="footer">`, `<p>各级攻府要落实责任。</p></div><div class="footer">`, 1)
	p["/policy/"] = strings.Replace(p["/policy/"], item(edited, incrementalArticleTitle(2, 12), old), item(edited, incrementalArticleTitle(2, 12), date), 1)

	linked, title := incrementalArticlePath(3, 40), incrementalArticleTitle(3, 40)
	p[linked] = strings.Replace(p[linked], `</div><div class="footer">`, `<p><a href="/nowhere.html">新版入口</a></p></div><div class="footer">`, 1)
	p["/work/"] = strings.Replace(p["/work/"], `>`+title+`<`, `>`+title+`（更新）<`, 1)
}

func hitTotal(f *farm) int {
	n := 0
	for _, v := range f.allHits() {
		n += v
	}
	return n
}

// findingLines is every finding as one line, with everything a person or the score reads.
func findingLines(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|veto=%v|suspected=%v|warning=%v|%g|%s|%s",
			f.Type, f.Indicator, f.Page, f.Target, f.Evidence, f.Veto, f.Suspected, f.Warning, f.Points, f.Key, f.URL))
	}
	return out
}

func sameFindings(t *testing.T, name string, got, want *Result) {
	t.Helper()
	g, w := findingLines(got), findingLines(want)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s findings differ from the full round's:\n got:%s\nwant:%s", name, dump(got), dump(want))
	}
	if got.Verdict != want.Verdict || got.Score != want.Score || got.Pages != want.Pages {
		t.Errorf("%s: verdict %s score %g pages %d, full round %s %g %d", name, got.Verdict, got.Score, got.Pages, want.Verdict, want.Score, want.Pages)
	}
}

// newChangingSite serves the incremental tests' site on a farm, answering after latency, and
// an inspector whose clock later moves on.
func newChangingSite(t *testing.T, latency time.Duration) (f *farm, s *changingSite, site Site, in *Inspector, later func(time.Duration)) {
	f = newFarm(t)
	s = &changingSite{pages: incrementalPages(), latency: latency}
	f.handle(siteHost, s)
	f.ok(footerHosts...)
	var clock sync.Mutex
	now := testNow
	in = f.inspector(Config{Now: func() time.Time { clock.Lock(); defer clock.Unlock(); return now }})
	later = func(d time.Duration) { clock.Lock(); defer clock.Unlock(); now = now.Add(d) }
	return f, s, Site{Name: "示范市人民政府", BaseURLs: []string{"http://" + siteHost + "/"}}, in, later
}

// A daily round of a site where 2% of the pages changed asks for under 10% of what a full
// round asks for, and finds what a full round of the changed site finds: the new article's
// typo, the corrected article's typo, the new dead link, and the taken-down article as the
// dead link of the unchanged page that still links to it.
func TestIncrementalRoundFindsWhatAFullRoundFinds(t *testing.T) {
	// The server's latency makes the round's time mostly waiting on the network, as with a real
	// site, so that the share of time means something; it is logged, never asserted.
	f, s, site, in, later := newChangingSite(t, *incrementalLatency)

	first := inspect(t, in, site)
	if len(first.States) < incrementalColumns*incrementalArticles {
		t.Fatalf("the full round kept %d states for %d pages", len(first.States), first.Pages)
	}
	for _, st := range first.States {
		if strings.Contains(string(st.Record), "工作信息。") || strings.Contains(string(st.Record), prose(105, 20)) {
			t.Fatalf("a state holds page text: %s", st.URL)
		}
	}

	s.edit(changeDay)
	later(time.Hour)

	before := hitTotal(f)
	started := time.Now()
	incr, err := in.InspectIncremental(t.Context(), site, first.States)
	if err != nil {
		t.Fatal(err)
	}
	incrTime, incrHits := time.Since(started), hitTotal(f)-before

	before = hitTotal(f)
	started = time.Now()
	full := inspect(t, in, site)
	fullTime, fullHits := time.Since(started), hitTotal(f)-before

	if !incr.Incremental || full.Incremental {
		t.Fatalf("incremental %v, full %v", incr.Incremental, full.Incremental)
	}
	sameFindings(t, "incremental round", incr, full)
	for _, want := range []struct{ typ, page, target string }{
		{"typo", "http://" + siteHost + "/news/a60.html", "布署"},
		{"typo", "http://" + siteHost + "/news/a5.html", "攻府"}, // and now on /policy/a12.html too
		{"dead_link", "http://" + siteHost + "/work/a40.html", "http://" + siteHost + "/nowhere.html"},
		{"dead_link", "http://" + siteHost + "/notice/a29.html", "http://" + siteHost + "/notice/a30.html"},
	} {
		found := false
		for _, f := range incr.Findings {
			found = found || f.Type == want.typ && f.Page == want.page && f.Target == want.target
		}
		if !found {
			t.Errorf("the incremental round misses %v:%s", want, dump(incr))
		}
	}
	share := float64(incrHits) / float64(fullHits)
	t.Logf("requests: incremental %d, full %d (%.1f%%); time: incremental %v, full %v (%.1f%%); pages %d",
		incrHits, fullHits, 100*share, incrTime, fullTime, 100*float64(incrTime)/float64(fullTime), full.Pages)
	if share >= 0.10 {
		t.Errorf("the incremental round made %d requests, %.1f%% of the full round's %d", incrHits, 100*share, fullHits)
	}

	// The next day nothing changed: a round from the incremental round's states still finds
	// the same, so what it carried over it keeps.
	again, err := in.InspectIncremental(t.Context(), site, incr.States)
	if err != nil {
		t.Fatal(err)
	}
	sameFindings(t, "second incremental round", again, full)
	changed := 0
	for _, st := range incr.States {
		if st.ChangedAt.Equal(incr.Finished) {
			changed++
		}
	}
	if changed == 0 || changed > len(incr.States)/10 {
		t.Errorf("%d of %d states changed in the incremental round", changed, len(incr.States))
	}
}

// A daily round asks only for what may have changed. Two kinds of page it used to ask for with
// nothing to learn: an article whose text says 建设中 (taken for a blank column that may fill),
// and an old article a new one links to (a new page's links are no news of their targets). Both
// are unchanged here; the findings are still the full round's. A blank column (a short page
// that says 暂无信息) is still asked for, and found filled (the round judged it a column, which
// alone keeps it asked for).
func TestIncrementalRoundLeavesUnchangedArticlesAlone(t *testing.T) {
	f := newFarm(t)
	pages := incrementalPages()
	saysEmpty, linked := incrementalArticlePath(4, 10), incrementalArticlePath(6, 50)
	pages[saysEmpty] = strings.Replace(pages[saysEmpty], `</div><div class="footer">`, `<p>示范市综合服务中心项目正在建设中。</p></div><div class="footer">`, 1)
	// A short page that says 暂无信息 is a blank column, still asked for: it fills in place.
	pages["/kong/"] = htmlPage("公示公告栏目", `<p>暂无信息</p>`)
	pages["/"] = strings.Replace(pages["/"], `<p><a href="http://www.sc.gov.cn/">`, `<p><a href="/kong/">公示公告</a></p><p><a href="http://www.sc.gov.cn/">`, 1)
	s := &changingSite{pages: pages}
	f.handle(siteHost, s)
	f.ok(footerHosts...)
	site := Site{Name: "示范市人民政府", BaseURLs: []string{"http://" + siteHost + "/"}}
	in := f.inspector(Config{Now: func() time.Time { return testNow }})

	first := inspect(t, in, site)
	s.edit(func(p map[string]string) {
		p["/kong/"] = htmlPage("公示公告栏目", list(item(incrementalArticlePath(5, 3), incrementalArticleTitle(5, 3), testNow.AddDate(0, 0, -3).Format(time.DateOnly)),
			item(incrementalArticlePath(5, 4), incrementalArticleTitle(5, 4), testNow.AddDate(0, 0, -4).Format(time.DateOnly))))
		newPath, newTitle, date := "/news/a60.html", "示范市部署春季森林防火工作", testNow.Format(time.DateOnly)
		p[newPath] = articlePage(newTitle, date, 9001, `<p>相关阅读：<a href="`+linked+`">`+incrementalArticleTitle(6, 50)+`</a></p>`)
		p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+item(newPath, newTitle, date), 1)
	})

	before := f.allHits()
	incr, err := in.InspectIncremental(t.Context(), site, first.States)
	if err != nil {
		t.Fatal(err)
	}
	after := f.allHits()
	for _, path := range []string{saysEmpty, linked} {
		key := "GET " + siteHost + path
		if n := after[key] - before[key]; n != 0 {
			t.Errorf("the daily round asked for %s %d times; it has not changed", path, n)
		}
	}
	for _, path := range []string{"/news/a60.html", "/kong/"} {
		if key := "GET " + siteHost + path; after[key] == before[key] {
			t.Errorf("the daily round did not ask for %s", path)
		}
	}
	sameFindings(t, "incremental round", incr, inspect(t, in, site))
}

// A daily round tells the store which states it carried over as they were, so that only the
// rest is written: run at the instant of the round before on a site where nothing changed,
// every state; an hour later with one article corrected (its list entry shows the new date),
// all but those it asked for again (the homepage, the columns, the corrected article, which
// changed).
func TestDailyRoundMarksTheStatesItDidNotChange(t *testing.T) {
	_, s, site, in, later := newChangingSite(t, 0)

	first := inspect(t, in, site)
	same, err := in.InspectIncremental(t.Context(), site, first.States)
	if err != nil {
		t.Fatal(err)
	}
	if len(same.States) != len(first.States) {
		t.Fatalf("%d states, the round before %d", len(same.States), len(first.States))
	}
	for _, st := range same.States {
		if !st.Unchanged {
			t.Errorf("nothing changed, yet the state of %s did", st.URL)
		}
	}

	edited, old := incrementalArticlePath(2, 12), testNow.AddDate(0, 0, -12).Format(time.DateOnly)
	s.edit(func(p map[string]string) {
		p[edited] = strings.Replace(p[edited], `</div><div class="footer">`, `<p>各级攻府要落实责任。</p></div><div class="footer">`, 1)
		p["/policy/"] = strings.Replace(p["/policy/"], item(edited, incrementalArticleTitle(2, 12), old),
			item(edited, incrementalArticleTitle(2, 12), testNow.Format(time.DateOnly)), 1)
	})
	later(time.Hour)
	next, err := in.InspectIncremental(t.Context(), site, same.States)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := 0
	for _, st := range next.States {
		switch {
		case st.URL == "http://"+siteHost+edited:
			if st.Unchanged || !st.ChangedAt.Equal(next.Finished) {
				t.Errorf("the corrected article's state: unchanged %v, changed at %v", st.Unchanged, st.ChangedAt)
			}
		case st.Unchanged:
			unchanged++
		case !st.FetchedAt.Equal(next.Finished):
			t.Errorf("the state of %s changed, yet the round did not ask for it", st.URL)
		}
	}
	if unchanged < len(next.States)*9/10 {
		t.Errorf("%d of %d states unchanged", unchanged, len(next.States))
	}
}
