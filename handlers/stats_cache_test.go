package handlers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhaocuo/models"
)

type countingStats struct {
	statsStore
	calls   atomic.Int32
	release chan struct{}
	err     error
}

func (s *countingStats) CompletionTable(ctx context.Context, q models.StatsQuery, groupBy, rootPath string) (*models.StatsTable, error) {
	s.calls.Add(1)
	if s.release != nil {
		<-s.release
	}
	return &models.StatsTable{GroupBy: groupBy}, s.err
}

// Views of the same table in the same window share one computation, even when they arrive
// while it runs; another table, or another person's scope, is computed on its own.
func TestStatsCacheSharesOneComputation(t *testing.T) {
	store := &countingStats{release: make(chan struct{})}
	cache := cacheStats(store, time.Hour)
	asOf := time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC)
	q := models.StatsQuery{Scope: models.Scope{All: true}, AsOf: asOf}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tab, err := cache.CompletionTable(context.Background(), q, "unit", "/51/"); err != nil || tab.GroupBy != "unit" {
				t.Errorf("%v %v", tab, err)
			}
		}()
	}
	for store.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(store.release)
	wg.Wait()
	if n := store.calls.Load(); n != 1 {
		t.Fatalf("20 views computed the table %d times", n)
	}
	cache.CompletionTable(context.Background(), q, "region", "/51/")
	other := q
	other.Scope = models.Scope{UnitID: 7}
	cache.CompletionTable(context.Background(), other, "unit", "/51/")
	if n := store.calls.Load(); n != 3 {
		t.Fatalf("other tables: %d computations, want 3", n)
	}
}

func TestStatsCacheKeepsNoFailureAndIsOffAtZero(t *testing.T) {
	store := &countingStats{err: errors.New("database away")}
	cache := cacheStats(store, time.Hour)
	q := models.StatsQuery{AsOf: time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC)}
	for i := 0; i < 2; i++ {
		if _, err := cache.CompletionTable(context.Background(), q, "unit", ""); err == nil {
			t.Fatal("the failure was not passed on")
		}
	}
	if n := store.calls.Load(); n != 2 {
		t.Fatalf("a failure was kept: %d computations for 2 views", n)
	}
	if cacheStats(store, 0) != statsStore(store) {
		t.Fatal("STATS_CACHE_TTL=0 still caches")
	}
}

type dashboardStats struct {
	statsStore
	calls atomic.Int32
}

func (s *dashboardStats) Dashboard(ctx context.Context, q models.StatsQuery, groups []string, rootPath string) (*models.Dashboard, error) {
	s.calls.Add(1)
	t := &models.StatsTable{GroupBy: "unit", Rows: []models.StatsRow{{Key: "1", Name: "甲"}, {Key: "2", Name: "乙"}}}
	return &models.Dashboard{Tables: []*models.StatsTable{t}}, nil
}

// The dashboard page is cached like the tables, and each view gets rows of its own to sort.
func TestStatsCacheSharesDashboardsAndCopiesTheirRows(t *testing.T) {
	store := &dashboardStats{}
	cache := cacheStats(store, time.Hour)
	q := models.StatsQuery{Scope: models.Scope{All: true}, AsOf: time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC)}
	first, err := cache.Dashboard(context.Background(), q, []string{"unit"}, "/51/")
	if err != nil {
		t.Fatal(err)
	}
	first.Tables[0].Rows[0], first.Tables[0].Rows[1] = first.Tables[0].Rows[1], first.Tables[0].Rows[0]
	second, _ := cache.Dashboard(context.Background(), q, []string{"unit"}, "/51/")
	if n := store.calls.Load(); n != 1 {
		t.Fatalf("two views computed the dashboard %d times", n)
	}
	if second.Tables[0].Rows[0].Key != "1" {
		t.Fatalf("one view's sorting reached another's rows: %+v", second.Tables[0].Rows)
	}
	cache.Dashboard(context.Background(), q, []string{"region", "unit"}, "/51/")
	if n := store.calls.Load(); n != 2 {
		t.Fatalf("other groupings: %d computations, want 2", n)
	}
}

type countingRegions struct {
	statsStore
	calls atomic.Int32
}

func (s *countingRegions) Regions(context.Context) ([]models.Region, error) {
	s.calls.Add(1)
	return []models.Region{{ID: 1, Name: "四川省", Path: "/1/"}, {ID: 2, Name: "成都市", Path: "/1/2/"}}, nil
}

// The region tree every rates view reads is shared like the tables, each caller with its own copy.
func TestStatsCacheSharesTheRegions(t *testing.T) {
	store := &countingRegions{}
	cache := cacheStats(store, time.Hour)
	first, err := cache.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first[0].Name = "changed by a caller"
	again, _ := cache.Regions(context.Background())
	if n := store.calls.Load(); n != 1 || len(again) != 2 || again[0].Name != "四川省" {
		t.Fatalf("%d reads, then %+v", n, again)
	}
}

type panickingStats struct {
	statsStore
	calls atomic.Int32
}

func (s *panickingStats) Regions(context.Context) ([]models.Region, error) {
	if s.calls.Add(1) == 1 {
		panic("a bug in the computation")
	}
	return []models.Region{{ID: 1}}, nil
}

// A computation that panics releases whoever waits for it and is not kept: the next view computes
// again instead of waiting for ever.
func TestStatsCacheKeepsNoPanic(t *testing.T) {
	store := &panickingStats{}
	cache := cacheStats(store, time.Hour)
	func() {
		defer func() { recover() }()
		cache.Regions(context.Background())
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if rs, err := cache.Regions(ctx); err != nil || len(rs) != 1 {
		t.Fatalf("after a panic: %v %v", rs, err)
	}
}

// blockingStats computes a table until its context ends, and says when it ended.
type blockingStats struct {
	statsStore
	started chan struct{}
	ended   chan error
	release chan struct{}
}

func (s *blockingStats) CompletionTable(ctx context.Context, q models.StatsQuery, groupBy, rootPath string) (*models.StatsTable, error) {
	s.started <- struct{}{}
	select {
	case <-ctx.Done():
		s.ended <- ctx.Err()
		return nil, ctx.Err()
	case <-s.release:
		s.ended <- nil
		return &models.StatsTable{GroupBy: groupBy}, nil
	}
}

// A computation runs while someone waits for it: one view of two going away leaves it running
// for the other; when the last one goes (its client disconnected), it is cancelled, and the
// next view computes afresh instead of joining the cancelled one.
func TestStatsCacheCancelsWhatNoOneWaitsFor(t *testing.T) {
	store := &blockingStats{started: make(chan struct{}, 2), ended: make(chan error, 2), release: make(chan struct{})}
	cache := cacheStats(store, time.Hour)
	q := models.StatsQuery{Scope: models.Scope{All: true}, AsOf: time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC)}
	leaving, leave := context.WithCancel(context.Background())
	staying := make(chan error, 1)
	go func() {
		_, err := cache.CompletionTable(leaving, q, "unit", "/51/")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the view that went away: %v", err)
		}
		leave()
	}()
	<-store.started
	go func() {
		_, err := cache.CompletionTable(context.Background(), q, "unit", "/51/")
		staying <- err
	}()
	time.Sleep(20 * time.Millisecond) // the second view joins the computation
	leave()
	select {
	case err := <-store.ended:
		t.Fatalf("the computation ended (%v) while a view still waited for it", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(store.release)
	if err := <-staying; err != nil || <-store.ended != nil {
		t.Fatalf("the view that stayed: %v", err)
	}

	// Alone, a view that goes away takes the computation with it.
	store.release = make(chan struct{})
	other := q
	other.GroupBy = "region"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cache.CompletionTable(ctx, other, "region", "/51/")
		done <- err
	}()
	<-store.started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the view: %v", err)
		}
	case <-time.After(5 * time.Second):
		close(store.release)
		t.Fatal("the view waited for the computation after its client went away")
	}
	select {
	case err := <-store.ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the computation ended with %v, want cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the computation ran on after its only view went away")
	}
	go func() {
		_, err := cache.CompletionTable(context.Background(), other, "region", "/51/")
		done <- err
	}()
	<-store.started
	close(store.release)
	if err := <-done; err != nil {
		t.Fatalf("the next view joined the cancelled computation: %v", err)
	}
}
