package inspector

import (
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// memoryGate bounds what the rounds of an Inspector hold together. A worker starts crawls while
// the heap has room (jobs), but a crawl that has started grows with every page it reads, and a
// site's size is known only at its end: dozens of large sites crawled at once would outgrow any
// budget. So while the live heap is over Config.MemoryBudget, the rounds share the budget in the
// order they started, by the pages each holds: the oldest keep reading, and the youngest, whose
// share lies past the budget, wait before each page until an older one ends or the heap shrinks.
// The oldest round never waits, so the rounds always move on.
type memoryGate struct {
	budget int64
	live   func() int64 // the live heap, in bytes

	mu     sync.Mutex
	rounds []*gatedRound // running, oldest first
}

// gatedRound is a round as the gate counts it.
type gatedRound struct {
	pages atomic.Int64 // pages read and held
}

// hold counts a page the round holds; a round of link checks alone (account.go) is not counted.
func (r *gatedRound) hold() {
	if r != nil {
		r.pages.Add(1)
	}
}

// memoryPoll is how often a waiting round asks again.
const memoryPoll = 200 * time.Millisecond

func newMemoryGate(budget int64) *memoryGate {
	return &memoryGate{budget: budget, live: LiveHeap}
}

// join counts a round from its start; the function returned ends it.
func (g *memoryGate) join() (*gatedRound, func()) {
	r := &gatedRound{}
	g.mu.Lock()
	g.rounds = append(g.rounds, r)
	g.mu.Unlock()
	return r, func() {
		g.mu.Lock()
		g.rounds = slices.DeleteFunc(g.rounds, func(o *gatedRound) bool { return o == r })
		g.mu.Unlock()
	}
}

// mayGrow says whether the round may read another page now.
func (g *memoryGate) mayGrow(r *gatedRound) bool {
	if g == nil || g.budget <= 0 || r == nil {
		return true
	}
	live := g.live()
	if live <= g.budget {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var total int64
	for _, o := range g.rounds {
		total += o.pages.Load()
	}
	if len(g.rounds) == 0 || g.rounds[0] == r {
		return true
	}
	if total == 0 {
		return false // the heap is over and no page explains it: only the oldest reads
	}
	// The heap is shared out by pages held; what is not pages (the dictionaries, the task
	// servers) counts against the budget too, so the share is on the safe side.
	perPage := float64(live) / float64(total)
	var held float64
	for _, o := range g.rounds {
		held += float64(o.pages.Load()) * perPage
		if o == r {
			return held <= float64(g.budget)
		}
	}
	return true // not counted: not held back
}

// wait holds the round back while it may not grow, or until its time is up. The round's clock
// stands still meanwhile (roundclock.go): the time held is not taken from its reading time.
func (g *memoryGate) wait(r *gatedRound, clock *roundClock) {
	for !g.mayGrow(r) {
		clock.hold()
		select {
		case <-clock.ctx.Done():
			return
		case <-time.After(memoryPoll):
		}
	}
	clock.read()
}

// LiveHeap is the Go heap the last collection found in use, in bytes: what the gate, and the
// worker before it starts a crawl, weigh against the memory budget.
func LiveHeap() int64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}
