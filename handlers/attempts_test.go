package handlers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// within answers with f's result whenever f returns in time, and gives up at the deadline when
// f does not.
func TestWithinKeepsToItsDeadline(t *testing.T) {
	// Many at once, as under load: the answer is there however the goroutines are scheduled.
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if v, err := within(context.Background(), time.Second, func(context.Context) (int, error) { return i, nil }); err != nil || v != i {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of 10000 calls that returned at once were answered as given up", n)
	}
	start := time.Now()
	_, err := within(context.Background(), 50*time.Millisecond, func(context.Context) (int, error) {
		time.Sleep(time.Second) // a client that does not keep to the context's deadline
		return 1, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("a call that hangs: %v after %v", err, time.Since(start))
	}
}
