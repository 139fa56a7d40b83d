package handlers

import (
	"context"
	"fmt"
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

// get returns the value under key, computing it once for every caller of its window.
func (c *statsCache) get(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
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
		// fail the others waiting. A failure, a panic included, is not kept, and those waiting
		// are released either way.
		defer func() {
			p := recover()
			if p != nil {
				e.err = fmt.Errorf("stats %s: computation failed: %v", key, p)
			}
			if e.err != nil {
				c.mu.Lock()
				e.expires = time.Time{}
				c.mu.Unlock()
			}
			close(e.ready)
			if p != nil {
				panic(p) // this request's: the recoverer answers it
			}
		}()
		e.value, e.err = compute(context.WithoutCancel(ctx))
		return e.value, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.value, e.err
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
