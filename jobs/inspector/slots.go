package inspector

import "runtime"

// analysisSlots bound the pages parsed and analysed at once across every round of an Inspector:
// a worker crawls many sites at once, since each mostly waits on the network, and without a
// bound their pages' analysis would share the cores among them all, every round slowed alike and
// each page's memory held longer. With one slot per core, a page waits for a core, not for time
// slices of one.
type analysisSlots chan struct{}

func newAnalysisSlots(n int) analysisSlots {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return make(analysisSlots, n)
}

// hold takes a slot and returns the function that gives it back.
func (s analysisSlots) hold() func() {
	s <- struct{}{}
	return func() { <-s }
}
