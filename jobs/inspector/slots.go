package inspector

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// analysisSlots bound the pages parsed and analysed at once across every round of an Inspector
// (and of those WithRules makes of it): a worker crawls many sites at once, since each mostly
// waits on the network, and without a bound their pages' analysis would share the cores among
// them all, every round slowed alike and each page's memory held longer. With one slot per
// core (cores), a page waits for a core, not for time slices of one.
//
// The slots also measure how busy they are, which paces the starts of crawls (StartCrawl).
type analysisSlots struct {
	slots   chan struct{}
	waiting atomic.Int64 // pages read and waiting for a slot

	mu       sync.Mutex
	held     int           // slots taken
	busy     time.Duration // slot time used so far: the integral of held over time
	changed  time.Time     // when held last changed
	samples  []busySample  // of busy, newest last, taken as crawls ask to start
	warming  []*crawlStart // crawls started that have not yet shown their pace
	waiters  atomic.Int64  // crawls waiting in StartCrawl for room
	nowClock func() time.Time
}

type busySample struct {
	at   time.Time
	busy time.Duration
}

func newAnalysisSlots(n int) *analysisSlots {
	if n <= 0 {
		n = cores()
	}
	return &analysisSlots{slots: make(chan struct{}, n), nowClock: time.Now}
}

// hold takes a slot and returns the function that gives it back.
func (s *analysisSlots) hold() func() {
	s.waiting.Add(1)
	s.slots <- struct{}{}
	s.waiting.Add(-1)
	s.account(+1)
	return func() {
		s.account(-1)
		<-s.slots
	}
}

// account moves the count of slots taken, adding the slot time used since the last move.
func (s *analysisSlots) account(d int) {
	s.mu.Lock()
	s.tick(s.nowClock())
	s.held += d
	s.mu.Unlock()
}

// tick brings busy up to now; the caller holds s.mu.
func (s *analysisSlots) tick(now time.Time) {
	if !s.changed.IsZero() {
		s.busy += time.Duration(s.held) * now.Sub(s.changed)
	}
	s.changed = now
}

// Pacing the crawls a worker starts. A crawl's pages arrive at the pace of its site (4 requests
// in flight at 100 ms give some 40 a second), so a core's analysis is fed by several crawls, and
// a worker starts crawls until its cores are busy. But a crawl supplies pages only once it has
// read its robots.txt and homepage: a worker that took every site offered while its cores were
// still idle would take a whole round alone, and a second worker would have nothing to do. So a
// worker has at most one crawl per core warming up at a time: one that has not yet made
// warmVisits visits, run for crawlWarmup or ended. And none starts while the slots were busy
// busyShare of the last busyWindow, or as many pages wait for a slot as there are slots.
const (
	warmVisits  = 8
	crawlWarmup = time.Second
	busyWindow  = time.Second
	busyShare   = 0.85
	// warmingWait and saturatedWait are how long a crawl refused waits before it asks again (the
	// caller adds a random part), after waitHere in StartCrawl: a warm-up takes a few hundred
	// milliseconds, while the crawls that keep the cores busy take seconds (a daily round's) to
	// minutes.
	warmingWait   = 250 * time.Millisecond
	saturatedWait = 5 * time.Second
	waitHere      = 2 * time.Second
	startPoll     = 20 * time.Millisecond // how often a crawl waiting in StartCrawl asks again
)

// crawlStart is a crawl as the pacing counts it while it warms up.
type crawlStart struct {
	at     time.Time
	visits atomic.Int64
	ended  atomic.Bool
}

// visited counts a visit of the crawl (nil: a round no worker paces, such as a test's).
func (c *crawlStart) visited() {
	if c != nil {
		c.visits.Add(1)
	}
}

func (c *crawlStart) warm(now time.Time) bool {
	return c.ended.Load() || c.visits.Load() >= warmVisits || now.Sub(c.at) >= crawlWarmup
}

type crawlStartKey struct{}

// StartCrawl says whether the worker should start another crawl now. If so, the crawl is to run
// under the context returned, by which its round counts its visits, and end is to be called when
// it ends; if not, wait is how long to wait before asking again. A crawl refused waits here first,
// up to waitHere, if fewer crawls than cores wait so: a warm-up takes a few hundred milliseconds
// and a daily round's crawls a few seconds, less than a round trip through the task queue, and
// without a crawl waiting here the cores would stand idle until one came back. A worker that held
// more sites waiting would keep them from the others.
func (in *Inspector) StartCrawl(ctx context.Context) (crawl context.Context, wait time.Duration, ok bool, end func()) {
	s := in.cpu
	c, wait := s.startCrawl(s.nowClock())
	if c == nil {
		if s.waiters.Add(1) <= int64(cap(s.slots)) {
			deadline := time.Now().Add(waitHere)
			for c == nil && time.Now().Before(deadline) && ctx.Err() == nil {
				time.Sleep(startPoll)
				c, wait = s.startCrawl(s.nowClock())
			}
		}
		s.waiters.Add(-1)
	}
	if c == nil {
		return ctx, wait, false, nil
	}
	return context.WithValue(ctx, crawlStartKey{}, c), 0, true, func() { c.ended.Store(true) }
}

// crawlStarted is the crawl the context's round is, as StartCrawl counts it; nil for none.
func crawlStarted(ctx context.Context) *crawlStart {
	c, _ := ctx.Value(crawlStartKey{}).(*crawlStart)
	return c
}

func (s *analysisSlots) startCrawl(now time.Time) (*crawlStart, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warming = slices.DeleteFunc(s.warming, func(c *crawlStart) bool { return c.warm(now) })
	if len(s.warming) >= cap(s.slots) {
		return nil, warmingWait
	}
	if s.saturated(now) {
		return nil, saturatedWait
	}
	c := &crawlStart{at: now}
	s.warming = append(s.warming, c)
	return c, 0
}

// saturated says the analysis is the crawls' bottleneck: as many pages wait for a slot as there
// are slots, or the slots were busy busyShare of the last busyWindow. Another crawl would then
// add only memory, not pages a second. The caller holds s.mu.
func (s *analysisSlots) saturated(now time.Time) bool {
	n := cap(s.slots)
	if s.waiting.Load() >= int64(n) {
		return true
	}
	s.tick(now)
	// The newest sample at least busyWindow old starts the window; older ones are dropped. A
	// sample is kept per quarter window at most.
	from := -1
	for i, p := range s.samples {
		if now.Sub(p.at) >= busyWindow {
			from = i
		}
	}
	if from > 0 {
		s.samples = s.samples[from:]
		from = 0
	}
	if len(s.samples) == 0 || now.Sub(s.samples[len(s.samples)-1].at) >= busyWindow/4 {
		s.samples = append(s.samples, busySample{at: now, busy: s.busy})
	}
	if from < 0 {
		return false // no window measured yet: this worker has just begun
	}
	p := s.samples[0]
	share := float64(s.busy-p.busy) / (float64(now.Sub(p.at)) * float64(n))
	return share >= busyShare
}
