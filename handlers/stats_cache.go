package handlers

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"zhaocuo/models"
)

// statsCache keeps computed rate tables and dashboards for a few seconds (STATS_CACHE_TTL), so
// that a room of supervisors refreshing the same dashboard costs the database one computation per
// period, not one per view. Views within the same window of ttl see the same figures; those asking
// while it is computed wait for it. Each caller gets its own copy of the tables (the pages sort
// them). Off (ttl 0) the store is asked every time, as the tests do.
type statsCache struct {
	statsStore
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]*statsEntry
}

type statsEntry struct {
	ready   chan struct{}
	value   any
	err     error
	expires time.Time
	waiting int                // the views waiting for the computation, under the cache's mutex
	cancel  context.CancelFunc // stops the computation: no one waits for it any more
}

func cacheStats(s statsStore, ttl time.Duration) statsStore {
	if ttl <= 0 {
		return s
	}
	return &statsCache{statsStore: s, ttl: ttl, entries: map[string]*statsEntry{}}
}

// queryKey names a query; the as-of time is now for a dashboard, and the window of ttl it falls
// in stands for it.
func (c *statsCache) queryKey(q models.StatsQuery, rootPath string) string {
	return fmt.Sprintf("%+v|%s|%d|%d|%d|%d|%s|%s|%s|%d", q.Scope, q.RegionPath, q.UnitID, q.CategoryID,
		q.Period.From.Unix(), q.Period.To.Unix(), q.Period.Kind, q.GroupBy, rootPath, q.AsOf.Truncate(c.ttl).Unix())
}

func (c *statsCache) CompletionTable(ctx context.Context, q models.StatsQuery, groupBy, rootPath string) (*models.StatsTable, error) {
	v, err := c.get(ctx, "table|"+groupBy+"|"+c.queryKey(q, rootPath), func(ctx context.Context) (any, error) {
		return c.statsStore.CompletionTable(ctx, q, groupBy, rootPath)
	})
	if err != nil {
		return nil, err
	}
	return copyTable(v.(*models.StatsTable)), nil
}

func (c *statsCache) Dashboard(ctx context.Context, q models.StatsQuery, groups []string, rootPath string) (*models.Dashboard, error) {
	v, err := c.get(ctx, "dashboard|"+strings.Join(groups, ",")+"|"+c.queryKey(q, rootPath), func(ctx context.Context) (any, error) {
		return c.statsStore.Dashboard(ctx, q, groups, rootPath)
	})
	if err != nil {
		return nil, err
	}
	d := *v.(*models.Dashboard)
	d.Tables = make([]*models.StatsTable, len(d.Tables))
	for i, t := range v.(*models.Dashboard).Tables {
		d.Tables[i] = copyTable(t)
	}
	return &d, nil
}

// Regions: every rates view reads the region tree (tens of rows) to check the scope and name
// the groups; it is kept as long as the tables, so a new region shows within ttl.
func (c *statsCache) Regions(ctx context.Context) ([]models.Region, error) {
	v, err := c.get(ctx, "regions", func(ctx context.Context) (any, error) {
		return c.statsStore.Regions(ctx)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(v.([]models.Region)), nil
}

// copyTable is a table whose rows the caller may sort.
func copyTable(t *models.StatsTable) *models.StatsTable {
	c := *t
	c.Rows = slices.Clone(t.Rows)
	return &c
}

// get returns the value under key, computing it once for every caller of its window. The
// computation runs for whoever waits for it, not for the caller that started it: one view going
// away does not fail the others. When every view waiting for it has gone (their clients
// disconnected), it is cancelled and forgotten: a request whose client left stops its queries and
// loops instead of building a page no one reads.
func (c *statsCache) get(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
	now := time.Now()
	c.mu.Lock()
	e := c.entries[key]
	if e == nil || (now.After(e.expires) && isClosed(e.ready)) {
		if len(c.entries) > 1000 {
			c.sweep(now)
		}
		run, cancel := context.WithCancel(context.WithoutCancel(ctx))
		e = &statsEntry{ready: make(chan struct{}), expires: now.Add(c.ttl), cancel: cancel}
		c.entries[key] = e
		go c.compute(run, key, e, compute)
	}
	e.waiting++
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.value, e.err
	case <-ctx.Done():
		c.mu.Lock()
		if e.waiting--; e.waiting == 0 && !isClosed(e.ready) {
			e.cancel()
			c.forget(key, e)
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// compute runs one computation of key for e's views. A failure, a panic included, is not kept,
// and those waiting are released either way.
func (c *statsCache) compute(ctx context.Context, key string, e *statsEntry, compute func(context.Context) (any, error)) {
	defer func() {
		if p := recover(); p != nil {
			e.value, e.err = nil, fmt.Errorf("stats %s: computation failed: %v\n%s", key, p, debug.Stack())
		}
		if e.err != nil {
			c.mu.Lock()
			c.forget(key, e)
			c.mu.Unlock()
		}
		e.cancel()
		close(e.ready)
	}()
	e.value, e.err = compute(ctx)
}

// forget drops e, if it is still key's entry, so that the next view computes afresh; under c.mu.
func (c *statsCache) forget(key string, e *statsEntry) {
	if c.entries[key] == e {
		delete(c.entries, key)
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
