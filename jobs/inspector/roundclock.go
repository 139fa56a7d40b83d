package inspector

import (
	"context"
	"errors"
	"sync"
	"time"

	"zhaocuo/models/indicator"
)

// WrapUp is what a round leaves of its caller's deadline (the site task's, jobs) when waiting
// for memory has pushed its end back: time to judge the pages read and to store the findings.
const WrapUp = 10 * time.Minute

// roundClock is a round's time limit, Config.MaxDuration of reading. Like a chess clock it stands
// still while the round is held at the memory gate (memgate.go): a worker short of memory for a
// while holds the younger crawls back, and they would otherwise spend their limit waiting and end
// 部分检查 for a limit they never used. The gate's decision is per round, so a hold is one span of
// wall-clock time, from the first page the gate refused the round to the next it let through,
// however many of the round's fetchers wait meanwhile. (Only pages wait: the checks of links and
// documents the pages read have queued go on during a hold, and that time is not counted.)
//
// A hold pushes the round's end back by as long as it lasted, but never past its caller's
// deadline less WrapUp, so a round held for good still ends, and in time to be stored. That cap
// never brings a round's end forward: one never held ends at MaxDuration, or at its caller's own
// deadline, as before there was a gate. (With no caller's deadline there is no cap; a hold still
// ends, as the oldest round never waits and each ends within its MaxDuration.)
// The clock owns the round's context: besides the caller's, only its ring and stop end it.
type roundClock struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	start  time.Time
	limit  time.Duration // of reading: Config.MaxDuration
	cap    time.Time     // the caller's deadline less WrapUp; zero: the caller has none

	mu        sync.Mutex
	timer     *time.Timer
	held      time.Duration // the holds that have ended
	heldSince time.Time     // the start of the hold going on; zero: the round reads
	over      bool          // rung, or the round ended
}

// Why a round's context ended, as its clock says (context.Cause).
var (
	errReadingTimeUp = errors.New("inspector: the round's reading time is up")
	errHeldTooLong   = errors.New("inspector: the round waited for memory until its caller's deadline")
)

func newRoundClock(parent context.Context, limit time.Duration) *roundClock {
	c := &roundClock{start: time.Now(), limit: limit}
	if d, ok := parent.Deadline(); ok {
		c.cap = d.Add(-WrapUp)
	}
	c.ctx, c.cancel = context.WithCancelCause(parent)
	c.mu.Lock() // ring may run before the timer is stored
	c.timer = time.AfterFunc(limit, c.ring)
	c.mu.Unlock()
	return c
}

// end is when the round's time is up as things stand; false while a hold that only the cap ends
// goes on. Reading time stands still during a hold, so then only the cap can end the round.
func (c *roundClock) end() (time.Time, bool) {
	read := c.start.Add(c.limit)
	if c.heldSince.IsZero() {
		e := read.Add(c.held)
		if !c.cap.IsZero() && e.After(c.cap) {
			e = later(read, c.cap) // a hold never ends the round before a round never held would
		}
		return e, true
	}
	if c.cap.IsZero() {
		return time.Time{}, false
	}
	return later(read, c.cap), true
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ring ends the round if its time is up, or sets the timer again: a hold or its end since the
// timer was set may have moved the round's end, and the clock does not chase each of them.
func (c *roundClock) ring() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return
	}
	e, ok := c.end()
	if !ok {
		return // held with no cap: the hold's end sets the timer again
	}
	now := time.Now()
	if now.Before(e) {
		c.timer.Reset(e.Sub(now))
		return
	}
	c.over = true
	read := now.Sub(c.start) - c.held
	if !c.heldSince.IsZero() {
		read -= now.Sub(c.heldSince)
	}
	cause := errReadingTimeUp
	if read < c.limit {
		cause = errHeldTooLong // stopped by the cap before it had read for its limit
	}
	c.cancel(cause)
}

// hold starts a hold at the memory gate, if none goes on; the gate calls it at each refusal.
func (c *roundClock) hold() {
	c.mu.Lock()
	if c.heldSince.IsZero() {
		c.heldSince = time.Now()
	}
	c.mu.Unlock()
}

// read ends the hold going on, if any, and pushes the round's end back by its length; the gate
// calls it each time it lets the round read a page.
func (c *roundClock) read() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.heldSince.IsZero() || c.over {
		return
	}
	now := time.Now()
	c.held += now.Sub(c.heldSince)
	c.heldSince = time.Time{}
	e, _ := c.end()
	c.timer.Reset(e.Sub(now))
}

// stopped says why the round's context ended: the indicator's reason for a round that ran out of
// time. (A round whose caller gave up returns an error instead: Inspect.)
func (c *roundClock) stopped() string {
	if errors.Is(context.Cause(c.ctx), errHeldTooLong) {
		return indicator.StoppedMemoryWait
	}
	return indicator.StoppedMaxDuration
}

// stop ends the round's context and its timer: the round's end.
func (c *roundClock) stop() {
	c.mu.Lock()
	c.over = true
	c.timer.Stop()
	c.mu.Unlock()
	c.cancel(context.Canceled)
}
