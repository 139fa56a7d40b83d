package inspector

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// While the heap is over the budget, the rounds share it in the order they started, by the pages
// each holds: the oldest always reads on, the youngest whose share lies past the budget waits;
// under the budget everyone reads, and a round that ends leaves its share to the others.
func TestMemoryGateSharesTheBudgetOldestFirst(t *testing.T) {
	var live atomic.Int64
	g := &memoryGate{budget: 1000, live: live.Load}
	a, leaveA := g.join()
	b, _ := g.join()
	c, _ := g.join()
	a.pages.Store(60)
	b.pages.Store(30)
	c.pages.Store(30)
	live.Store(900)
	if !g.mayGrow(a) || !g.mayGrow(b) || !g.mayGrow(c) {
		t.Fatal("a round held back under the budget")
	}
	live.Store(1200) // 10 bytes a page: a holds 600, b 300 more (900), c 300 more (1,200)
	if !g.mayGrow(a) || !g.mayGrow(b) {
		t.Fatal("a round within the budget held back")
	}
	if g.mayGrow(c) {
		t.Fatal("the youngest round read on past the budget")
	}
	a.pages.Store(150) // the oldest reads on even past the budget alone
	live.Store(2100)
	if !g.mayGrow(a) || g.mayGrow(b) {
		t.Fatal("the oldest round must read on and the next wait")
	}
	leaveA() // its site ended: b is the oldest now
	live.Store(1200)
	if !g.mayGrow(b) {
		t.Fatal("the oldest round left held back")
	}
	if g.mayGrow(c) {
		t.Fatal("c read on though b and c hold 1,200 bytes against 1,000")
	}
}

// Two sites crawled at once over the memory budget: the younger reads no page while the older
// runs, and then reads all of its own; without a budget both read side by side.
func TestTheYoungerRoundWaitsForTheOlderOverTheBudget(t *testing.T) {
	for _, gated := range []bool{false, true} {
		f := newFarm(t)
		slow := func(pages map[string]string) http.Handler {
			h := http.NewServeMux()
			h.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(20 * time.Millisecond)
				body, ok := pages[r.URL.RequestURI()]
				if !ok {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(body))
			})
			return h
		}
		pages := goodSite()
		f.handle("old.example.gov.cn", slow(pages))
		f.handle("young.example.gov.cn", slow(pages))
		f.ok(footerHosts...)
		var budget int64
		if gated {
			budget = 1
		}
		in := f.inspector(Config{MemoryBudget: budget})
		in.mem.live = func() int64 { return 1 << 40 } // always over the budget
		done := make(chan time.Time, 1)
		go func() {
			inspect(t, in, Site{Name: "旧", BaseURLs: []string{"http://old.example.gov.cn/"}})
			done <- time.Now()
		}()
		for f.hitCount("GET old.example.gov.cn/") == 0 { // the older has started
			time.Sleep(time.Millisecond)
		}
		res, err := in.Inspect(context.Background(), Site{Name: "新", BaseURLs: []string{"http://young.example.gov.cn/"}})
		if err != nil {
			t.Fatal(err)
		}
		oldEnd := <-done
		f.mu.Lock()
		young := f.times["young.example.gov.cn"]
		f.mu.Unlock()
		if res.Pages != len(findPages(pages)) {
			t.Fatalf("gated=%v: the younger round read %d pages, want %d", gated, res.Pages, len(findPages(pages)))
		}
		before := 0
		for _, at := range young {
			if at.Before(oldEnd) {
				before++
			}
		}
		t.Logf("gated=%v: %d of the younger's %d requests before the older ended", gated, before, len(young))
		if gated && before > 0 {
			t.Fatalf("the younger round made %d requests while the older ran over the budget", before)
		}
		if !gated && before == 0 {
			t.Fatal("without a budget the younger round waited for the older: the test proves nothing")
		}
	}
}

// findPages are the HTML pages of a site's map.
func findPages(pages map[string]string) []string {
	var out []string
	for p := range pages {
		if p != "/robots.txt" && p != "/files/plan.pdf" && p != "/files/p1.docx" {
			out = append(out, p)
		}
	}
	return out
}
