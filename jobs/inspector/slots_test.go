package inspector

import (
	"testing"
	"time"
)

// slotClock is a clock the test moves by hand.
type slotClock struct{ now time.Time }

func (c *slotClock) Now() time.Time          { return c.now }
func (c *slotClock) advance(d time.Duration) { c.now = c.now.Add(d) }

func pacedInspector(slots int) (*Inspector, *slotClock) {
	in := New(Config{Analyses: slots})
	c := &slotClock{now: time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)}
	in.cpu.nowClock = c.Now
	return in, c
}

// A worker whose cores are idle starts crawls one at a time, each once the last has had its
// warm-up to show its pace: a worker that took every site offered while no page had yet arrived
// would take a whole round alone, and a second worker would stand idle.
func TestCrawlsStartOneAtATimeWhileTheCoresAreIdle(t *testing.T) {
	in, clock := pacedInspector(2)
	if _, ok, _ := in.StartCrawl(); !ok {
		t.Fatal("the first crawl of an idle worker refused")
	}
	clock.advance(300 * time.Millisecond)
	wait, ok, _ := in.StartCrawl()
	if ok || wait != crawlWarmup-300*time.Millisecond {
		t.Fatalf("a second crawl 300 ms after the first: ok %v, wait %s; want a wait of the warm-up's rest", ok, wait)
	}
	clock.advance(wait)
	if _, ok, _ := in.StartCrawl(); !ok {
		t.Fatal("the second crawl refused after the first's warm-up")
	}
}

// A crawl that ended within its warm-up (a site that is down, a small one) showed nothing of its
// pace: the next starts at once.
func TestACrawlThatEndedMakesRoomAtOnce(t *testing.T) {
	in, clock := pacedInspector(2)
	_, _, end := in.StartCrawl()
	clock.advance(100 * time.Millisecond)
	end()
	if wait, ok, _ := in.StartCrawl(); !ok {
		t.Fatalf("a crawl refused after the newest ended: wait %s", wait)
	}
}

// Once the cores were busy most of the last window, no crawl starts: another would add memory,
// not pages a second. When they have room again, crawls start again.
func TestNoCrawlStartsWhileTheCoresAreBusy(t *testing.T) {
	in, clock := pacedInspector(2)
	if _, ok, _ := in.StartCrawl(); !ok {
		t.Fatal("the first crawl refused")
	}
	// Both cores busy for the whole window, the pages analysed one after another.
	for range 2 * busyWindow / (100 * time.Millisecond) {
		a, b := in.cpu.hold(), in.cpu.hold()
		clock.advance(100 * time.Millisecond)
		a()
		b()
	}
	wait, ok, _ := in.StartCrawl()
	if ok || wait != saturatedWait {
		t.Fatalf("a crawl asked with both cores busy all the window: ok %v, wait %s", ok, wait)
	}
	// One core busy half the time: a quarter of the slots' time.
	for range 2 * busyWindow / (100 * time.Millisecond) {
		a := in.cpu.hold()
		clock.advance(50 * time.Millisecond)
		a()
		clock.advance(50 * time.Millisecond)
	}
	if wait, ok, _ := in.StartCrawl(); !ok {
		t.Fatalf("a crawl refused with the cores a quarter busy: wait %s", wait)
	}
}

// As many pages waiting for a slot as there are slots is saturation at once, whatever the
// window measured.
func TestPagesWaitingForACoreKeepNewCrawlsOut(t *testing.T) {
	in, clock := pacedInspector(2)
	var release []func()
	for range 2 {
		release = append(release, in.cpu.hold())
	}
	got := make(chan func(), 2)
	for range 2 {
		go func() { got <- in.cpu.hold() }()
	}
	for in.cpu.waiting.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	if _, ok, _ := in.StartCrawl(); ok {
		t.Fatal("a crawl started with every slot taken and two pages waiting")
	}
	for _, r := range release {
		r()
	}
	(<-got)()
	(<-got)()
	clock.advance(busyWindow) // the slots were busy only at an instant of the window
	if wait, ok, _ := in.StartCrawl(); !ok {
		t.Fatalf("a crawl refused once the pages were analysed: wait %s", wait)
	}
}
