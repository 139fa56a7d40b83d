package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"zhaocuo/models"
)

// Events is the Dispatcher of the tests: it records every event handed to it, in order, and hands
// them on to Then when set (a jobs.Dispatcher over a test queue, say). With Fail set, Dispatch
// records the events and answers Fail, as a dispatcher whose queue is away does.
type Events struct {
	Then models.Dispatcher
	Fail error

	mu     sync.Mutex
	events []models.Event
	added  chan struct{} // closed and replaced at every Dispatch, for Wait
}

// Dispatch hands the events on, then records them: once Wait has seen an event, the work it
// was handed on to is queued.
func (e *Events) Dispatch(ctx context.Context, events ...models.Event) error {
	e.mu.Lock()
	then, fail := e.Then, e.Fail
	e.mu.Unlock()
	var err error
	if then != nil {
		err = then.Dispatch(ctx, events...)
	}
	e.mu.Lock()
	e.events = append(e.events, events...)
	if e.added != nil {
		close(e.added)
		e.added = nil
	}
	e.mu.Unlock()
	if err != nil {
		return err
	}
	return fail
}

// All returns the events recorded so far.
func (e *Events) All() []models.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]models.Event(nil), e.events...)
}

// Take returns the events recorded so far and forgets them.
func (e *Events) Take() []models.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	all := e.events
	e.events = nil
	return all
}

// Names returns the names of the events recorded so far, in order.
func (e *Events) Names() []string {
	var names []string
	for _, ev := range e.All() {
		names = append(names, ev.Name())
	}
	return names
}

// Wait waits until an event that match accepts has been recorded, and returns it; the test
// fails after ten seconds. (The report writer dispatches a group's events after it has answered
// the callers.)
func (e *Events) Wait(t testing.TB, match func(models.Event) bool) models.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		e.mu.Lock()
		for _, ev := range e.events {
			if match(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		if e.added == nil {
			e.added = make(chan struct{})
		}
		added := e.added
		e.mu.Unlock()
		select {
		case <-added:
		case <-deadline:
			t.Fatalf("no such event was dispatched; dispatched: %v", e.Names())
			return nil
		}
	}
}

// Created matches the TicketCreated of the ticket.
func Created(ticketID int64) func(models.Event) bool {
	return func(ev models.Event) bool {
		c, ok := ev.(models.TicketCreated)
		return ok && c.TicketID == ticketID
	}
}
