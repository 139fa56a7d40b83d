package inspector

import (
	"context"
	"testing"
	"time"
)

// slotClock is a clock the test moves by hand.
type slotClock struct{ now time.Time }

func (c *slotClock) Now() time.Time          { return c.now }
func (c *slotClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// try asks the pacing's rule, without StartCrawl's wait.
func try(in *Inspector) (ok bool, wait time.Duration) {
	c, wait := in.cpu.startCrawl(in.cpu.nowClock())
	return c != nil, wait
}

func pacedInspector(slots int) (*Inspector, *slotClock) {
	in := New(Config{Analyses: slots})
	c := &slotClock{now: time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)}
	in.cpu.nowClock = c.Now
	return in, c
}

// A worker whose cores are idle warms up one crawl per core at a time: a worker that took every
// site offered while no page had yet arrived would take a whole round alone, and a second worker
// would stand idle. A crawl is warm once it has made its first visits, or after its warm-up time.
func TestCrawlsWarmUpOnePerCoreAtATime(t *testing.T) {
	in, clock := pacedInspector(2)
	ctx := context.Background()
	first, _, ok, _ := in.StartCrawl(ctx)
	if _, _, ok2, _ := in.StartCrawl(ctx); !ok || !ok2 {
		t.Fatal("an idle worker of two cores refused one of its first two crawls")
	}
	if ok, wait := try(in); ok || wait != warmingWait {
		t.Fatalf("a third crawl while two warm up: ok %v, wait %s", ok, wait)
	}
	r := &round{start: crawlStarted(first)}
	for range warmVisits {
		r.start.visited()
	}
	if _, wait, ok, _ := in.StartCrawl(ctx); !ok {
		t.Fatalf("a crawl refused after the first had made its first %d visits: wait %s", warmVisits, wait)
	}
	if ok, _ := try(in); ok {
		t.Fatal("a fourth crawl started while two warm up")
	}
	clock.advance(crawlWarmup)
	if _, wait, ok, _ := in.StartCrawl(ctx); !ok {
		t.Fatalf("a crawl refused after the others' warm-up time: wait %s", wait)
	}
}

// A crawl that ended within its warm-up (a site that is down, a small one) showed nothing of its
// pace: the next starts at once.
func TestACrawlThatEndedMakesRoomAtOnce(t *testing.T) {
	in, clock := pacedInspector(1)
	ctx := context.Background()
	_, _, _, end := in.StartCrawl(ctx)
	clock.advance(100 * time.Millisecond)
	if ok, _ := try(in); ok {
		t.Fatal("a second crawl started on one core while the first warms up")
	}
	end()
	if _, wait, ok, _ := in.StartCrawl(ctx); !ok {
		t.Fatalf("a crawl refused after the one warming up ended: wait %s", wait)
	}
}

// Once the cores were busy most of the last window, no crawl starts: another would add memory,
// not pages a second. When they have room again, crawls start again.
func TestNoCrawlStartsWhileTheCoresAreBusy(t *testing.T) {
	in, clock := pacedInspector(2)
	ctx := context.Background()
	if _, _, ok, _ := in.StartCrawl(ctx); !ok {
		t.Fatal("the first crawl refused")
	}
	// Both cores busy for the whole window, the pages analysed one after another.
	for range 2 * busyWindow / (100 * time.Millisecond) {
		a, b := in.cpu.hold(), in.cpu.hold()
		clock.advance(100 * time.Millisecond)
		a()
		b()
	}
	ok, wait := try(in)
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
	if _, wait, ok, _ := in.StartCrawl(ctx); !ok {
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
	if ok, _ := try(in); ok {
		t.Fatal("a crawl started with every slot taken and two pages waiting")
	}
	for _, r := range release {
		r()
	}
	(<-got)()
	(<-got)()
	clock.advance(busyWindow) // the slots were busy only at an instant of the window
	if _, wait, ok, _ := in.StartCrawl(context.Background()); !ok {
		t.Fatalf("a crawl refused once the pages were analysed: wait %s", wait)
	}
}

// A crawl that finds no room (here: the others warming up) waits for it in StartCrawl rather than
// go round the task queue, as long as fewer crawls than cores wait so; one more is sent back at
// once.
func TestACrawlWaitsForTheWarmUpOfAnother(t *testing.T) {
	in, _ := pacedInspector(1)
	ctx := context.Background()
	first, _, _, _ := in.StartCrawl(ctx)
	started := make(chan bool)
	go func() {
		_, _, ok, _ := in.StartCrawl(ctx)
		started <- ok
	}()
	for in.cpu.waiters.Load() < 1 {
		select {
		case ok := <-started:
			t.Fatalf("the second crawl did not wait for the first's warm-up: ok %v", ok)
		case <-time.After(time.Millisecond):
		}
	}
	asked := time.Now()
	if _, wait, ok, _ := in.StartCrawl(ctx); ok || wait != warmingWait || time.Since(asked) > waitHere/2 {
		t.Fatalf("a crawl beyond the waiting one: ok %v, wait %s, after %s; want sent back at once", ok, wait, time.Since(asked))
	}
	r := &round{start: crawlStarted(first)}
	for range warmVisits {
		r.start.visited()
	}
	if !<-started {
		t.Fatal("the waiting crawl was sent back, though the first warmed up within its wait")
	}
}
