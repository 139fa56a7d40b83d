package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/jobs"
)

// syncBuffer is a log that a test may read while the scheduler writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The leader's scheduler starts, runs on the replica's Redis client, and stops at shutdown
// without an error in the log, leaving the client open for the rest of the replica.
func TestLeaderSchedulerStopsCleanlyOnTheSharedClient(t *testing.T) {
	e, err := startEmbeddedRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	opt, err := ParseRedisURL("redis://" + e.Addr())
	if err != nil {
		t.Fatal(err)
	}
	rds, err := openRedis(&Config{RedisURL: "redis://" + e.Addr(), redis: opt}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer rds.Close()
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := startPeriodicLeader(context.Background(), &Config{ReconcileEvery: time.Minute}, rds, log)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "Scheduler starting") {
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Shutdown()
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an error logged as the scheduler stopped:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "Scheduler stopped") {
		t.Errorf("the scheduler did not stop:\n%s", logs.String())
	}
	if err := rds.client.Ping(context.Background()).Err(); err != nil {
		t.Errorf("the replica's Redis client after the scheduler stopped: %v", err)
	}
	if n, err := rds.client.Exists(context.Background(), jobs.LeaderKeyScheduler).Result(); err != nil || n != 0 {
		t.Errorf("the lease is still held (%d, %v)", n, err)
	}
}
