package handlers

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zhaocuo/models"
)

// statsCache keeps computed rate tables for a few seconds (STATS_CACHE_TTL), so that a room of
// supervisors refreshing the same dashboard costs the database one computation per period, not
// one per view: each table is computed from the events of every ticket in the period. Views
// within the same window of ttl see the same figures; those asking while it is computed wait
// for it. Off (ttl 0) the store is asked every time, as the tests do.
type statsCache struct {
	statsStore
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]*statsEntry
}

type statsEntry struct {
	ready   chan struct{}
	table   *models.StatsTable
	err     error
	expires time.Time
}

func cacheStats(s statsStore, ttl time.Duration) statsStore {
	if ttl <= 0 {
		return s
	}
	return &statsCache{statsStore: s, ttl: ttl, entries: map[string]*statsEntry{}}
}

func (c *statsCache) CompletionTable(ctx context.Context, q models.StatsQuery, groupBy, rootPath string) (*models.StatsTable, error) {
	// The as-of time is now for a dashboard: the window of ttl it falls in stands for it.
	key := fmt.Sprintf("%+v|%s|%d|%d|%d|%d|%s|%s|%s|%s", q.Scope, q.RegionPath, q.UnitID, q.CategoryID,
		q.Period.From.Unix(), q.Period.To.Unix(), q.Period.Kind, q.GroupBy, groupBy, rootPath) +
		fmt.Sprint("|", q.AsOf.Truncate(c.ttl).Unix())
	now := time.Now()
	c.mu.Lock()
	e := c.entries[key]
	if e == nil || (now.After(e.expires) && isClosed(e.ready)) {
		if len(c.entries) > 1000 {
			c.sweep(now)
		}
		e = &statsEntry{ready: make(chan struct{}), expires: now.Add(c.ttl)}
		c.entries[key] = e
		c.mu.Unlock()
		// Computed for whoever asks, not only this request: its own cancellation must not
		// fail the others waiting.
		e.table, e.err = c.statsStore.CompletionTable(context.WithoutCancel(ctx), q, groupBy, rootPath)
		if e.err != nil {
			c.mu.Lock()
			e.expires = time.Time{} // do not keep a failure
			c.mu.Unlock()
		}
		close(e.ready)
		return e.table, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.table, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *statsCache) sweep(now time.Time) {
	for k, e := range c.entries {
		if now.After(e.expires) && isClosed(e.ready) {
			delete(c.entries, k)
		}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
