package inspector

import (
	"testing"
	"time"
)

// The analysis is saturated only when every slot is taken and as many pages again wait: a busy
// core alone does not keep a new crawl out.
func TestAnalysisSaturated(t *testing.T) {
	in := New(Config{Analyses: 2})
	var release []func()
	for range 2 {
		release = append(release, in.cpu.hold())
	}
	if in.Saturated() {
		t.Fatal("saturated with every slot taken but nobody waiting")
	}
	got := make(chan func(), 2)
	for range 2 {
		go func() { got <- in.cpu.hold() }()
	}
	for in.cpu.waiting.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	if !in.Saturated() {
		t.Fatal("not saturated with every slot taken and two pages waiting")
	}
	for _, r := range release {
		r()
	}
	(<-got)()
	(<-got)()
	if in.Saturated() {
		t.Fatal("still saturated once the pages were analysed")
	}
}
