package inspector

import (
	"runtime"
	"sync/atomic"
)

// analysisSlots bound the pages parsed and analysed at once across every round of an Inspector
// (and of those WithRules makes of it): a worker crawls many sites at once, since each mostly
// waits on the network, and without a bound their pages' analysis would share the cores among
// them all, every round slowed alike and each page's memory held longer. With one slot per
// core, a page waits for a core, not for time slices of one.
type analysisSlots struct {
	slots   chan struct{}
	waiting atomic.Int64 // pages read and waiting for a slot
}

func newAnalysisSlots(n int) *analysisSlots {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &analysisSlots{slots: make(chan struct{}, n)}
}

// hold takes a slot and returns the function that gives it back.
func (s *analysisSlots) hold() func() {
	s.waiting.Add(1)
	s.slots <- struct{}{}
	s.waiting.Add(-1)
	return func() { <-s.slots }
}

// Saturated says the analysis is the crawls' bottleneck: every slot is taken and as many pages
// again wait for one. Another crawl would then add only memory, not pages a second; the worker
// leaves the site to wait (or to another worker).
func (in *Inspector) Saturated() bool {
	return len(in.cpu.slots) == cap(in.cpu.slots) && in.cpu.waiting.Load() >= int64(cap(in.cpu.slots))
}
