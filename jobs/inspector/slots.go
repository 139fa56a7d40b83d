package inspector

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// analysisSlots bound the pages parsed and analysed at once across every round of an Inspector
// (and of those WithRules makes of it): a worker crawls many sites at once, since each mostly
// waits on the network, and without a bound their pages' analysis would share the cores among
// them all, every round slowed alike and each page's memory held longer. With one slot per
// core, a page waits for a core, not for time slices of one.
//
// The slots also measure how busy they are, which paces the start of new crawls (StartCrawl).
type analysisSlots struct {
	slots   chan struct{}
	waiting atomic.Int64 // pages read and waiting for a slot

	mu       sync.Mutex
	held     int           // slots taken
	busy     time.Duration // slot time used so far: the integral of held over time
	changed  time.Time     // when held last changed
	samples  []busySample  // of busy, newest last, taken as crawls ask to start
	crawls   uint64        // crawls started
	newest   uint64        // the newest crawl while it runs, 0 once it has ended
	started  time.Time     // and its start
	nowClock func() time.Time
}

type busySample struct {
	at   time.Time
	busy time.Duration
}

func newAnalysisSlots(n int) *analysisSlots {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
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
// worker starts one crawl at a time, each once the last has had crawlWarmup to show its pace in
// the slots' use, and none while the slots were busy busyShare of the last busyWindow.
const (
	crawlWarmup = time.Second
	busyWindow  = 2 * time.Second
	busyShare   = 0.85
	// saturatedWait is how long a crawl refused for busy cores waits (with a random part added
	// by the caller): longer than a warm-up, since the crawls running take minutes.
	saturatedWait = 5 * time.Second
)

// StartCrawl says whether the worker should start another crawl now, and if so counts it as
// the newest, until the function returned, called at the crawl's end. When it should not, it
// says how long to wait before asking again.
func (in *Inspector) StartCrawl() (wait time.Duration, ok bool, end func()) {
	return in.cpu.startCrawl(in.cpu.nowClock())
}

func (s *analysisSlots) startCrawl(now time.Time) (time.Duration, bool, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.newest != 0 {
		if warm := s.started.Add(crawlWarmup); now.Before(warm) {
			return warm.Sub(now), false, nil
		}
	}
	if s.saturated(now) {
		return saturatedWait, false, nil
	}
	s.crawls++
	crawl := s.crawls
	s.started, s.newest = now, crawl
	return 0, true, func() {
		s.mu.Lock()
		if s.newest == crawl {
			s.newest = 0 // a crawl that ended early showed nothing of its pace: the next may start
		}
		s.mu.Unlock()
	}
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
