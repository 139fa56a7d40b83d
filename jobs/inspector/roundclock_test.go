package inspector

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"zhaocuo/models/indicator"
)

// heldInspector is an Inspector whose memory gate holds every round but the oldest while over is
// set, and an older round that never reads: the round under test waits at the gate from its
// first page until leave is called or over cleared.
func heldInspector(t *testing.T, f *farm, maxDuration time.Duration) (in *Inspector, over *atomic.Bool, leave func()) {
	t.Helper()
	in = f.inspector(Config{MaxDuration: maxDuration, MemoryBudget: 1})
	over = &atomic.Bool{}
	over.Store(true)
	in.mem.live = func() int64 {
		if over.Load() {
			return 1 << 40
		}
		return 0
	}
	_, leave = in.mem.join()
	sharedLexicon() // loaded now: the first page to need it takes seconds of the round's time
	return in, over, leave
}

// A round the memory gate holds for longer than its MaxDuration has not used its time: once let
// through it reads the whole site, and its verdict is not 部分检查.
func TestARoundHeldAtTheMemoryGateKeepsItsReadingTime(t *testing.T) {
	f := newFarm(t)
	site := f.serveSite(goodSite())
	const maxDuration = time.Second
	in, _, leave := heldInspector(t, f, maxDuration)
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := in.Inspect(context.Background(), site)
		done <- outcome{res, err}
	}()
	time.Sleep(3 * maxDuration)
	if n := len(f.allHits()); n != 0 {
		t.Fatalf("the round was not held: %d URLs requested", n)
	}
	start := time.Now()
	leave() // the older round ends: the round under test is the oldest and reads
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	t.Logf("read %d pages in %v after a hold of %v", o.res.Pages, time.Since(start), 3*maxDuration)
	if o.res.Stopped != "" || o.res.Uninspected != "" || o.res.Pages != 10 {
		t.Fatalf("after the hold: stopped %q, uninspected %q, %d pages; want the whole site (10 pages)",
			o.res.Stopped, o.res.Uninspected, o.res.Pages)
	}
}

// A round held for good still ends: at its caller's deadline less WrapUp, with a reason that says
// it waited for memory, and in time for the caller to store it (Inspect returns no error).
func TestARoundHeldForGoodStopsBeforeItsCallersDeadline(t *testing.T) {
	f := newFarm(t)
	site := f.serveSite(goodSite())
	in, _, _ := heldInspector(t, f, 100*time.Millisecond)
	const wait = time.Second // what the caller's deadline leaves past WrapUp
	ctx, cancel := context.WithTimeout(context.Background(), WrapUp+wait)
	defer cancel()
	start := time.Now()
	res, err := in.Inspect(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("stopped after %v", took)
	if res.Stopped != indicator.StoppedMemoryWait || res.Pages != 0 {
		t.Fatalf("stopped %q after %d pages; want %q and none", res.Stopped, res.Pages, indicator.StoppedMemoryWait)
	}
	if took < wait-50*time.Millisecond {
		t.Fatalf("the round stopped after %v, before its caller's deadline less WrapUp (%v)", took, wait)
	}
}

// The round's clock: it rings after MaxDuration of reading, stands still while the round is held,
// stops a held round at its caller's deadline less WrapUp, and never ends a round never held
// before its MaxDuration, whatever that deadline.
func TestRoundClock(t *testing.T) {
	const limit = 300 * time.Millisecond
	// ended waits for the clock's context and says after how long and why.
	ended := func(t *testing.T, c *roundClock) (time.Duration, error) {
		select {
		case <-c.ctx.Done():
			return time.Since(c.start), context.Cause(c.ctx)
		case <-time.After(10 * time.Second):
			t.Fatal("the round's clock never rang")
			return 0, nil
		}
	}
	t.Run("never held", func(t *testing.T) {
		c := newRoundClock(context.Background(), limit)
		defer c.stop()
		c.read() // a page let through with no hold before changes nothing
		took, cause := ended(t, c)
		if took < limit || !errors.Is(cause, errReadingTimeUp) || c.stopped() != indicator.StoppedMaxDuration {
			t.Fatalf("rang after %v: %v (%s); want after %v: %v", took, cause, c.stopped(), limit, errReadingTimeUp)
		}
	})
	t.Run("held, then reads", func(t *testing.T) {
		c := newRoundClock(context.Background(), limit)
		defer c.stop()
		c.hold()
		c.hold() // another fetcher refused during the same hold: one span, not two
		time.Sleep(3 * limit)
		if c.ctx.Err() != nil {
			t.Fatal("the clock rang while the round was held")
		}
		c.read()
		held := time.Since(c.start)
		took, cause := ended(t, c)
		if took < held+limit-50*time.Millisecond || !errors.Is(cause, errReadingTimeUp) {
			t.Fatalf("rang after %v: %v; want after %v held and %v read", took, cause, held, limit)
		}
	})
	t.Run("held for good", func(t *testing.T) {
		const wait = 3 * limit
		parent, cancel := context.WithTimeout(context.Background(), WrapUp+wait)
		defer cancel()
		c := newRoundClock(parent, limit)
		defer c.stop()
		c.hold()
		took, cause := ended(t, c)
		if took < wait-50*time.Millisecond || !errors.Is(cause, errHeldTooLong) || c.stopped() != indicator.StoppedMemoryWait {
			t.Fatalf("rang after %v: %v (%s); want after %v: %v", took, cause, c.stopped(), wait, errHeldTooLong)
		}
	})
	t.Run("a caller's deadline nearer than WrapUp", func(t *testing.T) {
		parent, cancel := context.WithTimeout(context.Background(), WrapUp-time.Minute)
		defer cancel()
		c := newRoundClock(parent, limit)
		defer c.stop()
		c.hold() // a hold, however short, sets the clock again: the cap, long past, must not end the round
		c.read()
		took, cause := ended(t, c)
		if took < limit || !errors.Is(cause, errReadingTimeUp) {
			t.Fatalf("rang after %v: %v; want after %v: %v", took, cause, limit, errReadingTimeUp)
		}
	})
}
