package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
)

// A web replica hears the others through the session feed from the moment it serves, and stops
// listening in its shutdown sequence, before Run returns: the composition root starts and stops
// the subscription, nothing inside the web side does.
func TestRunListensToTheOtherReplicasUntilItStops(t *testing.T) {
	// A Redis of its own: channels are shared by every database of a server, and so by the
	// other tests' replicas.
	mini := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mini.Addr()})
	t.Cleanup(func() { rdb.Close() })
	cfg, err := LoadConfig(env(t, false, "REDIS_URL", "redis://"+mini.Addr(), "DEMO_PASSWORD", "demo-feed-2025"))
	if err != nil {
		t.Fatal(err)
	}
	subscribers := func() int64 {
		n, err := rdb.PubSubNumSub(context.Background(), "zhaocuo:sessions").Result()
		if err != nil {
			t.Fatal(err)
		}
		return n["zhaocuo:sessions"]
	}
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, io.Discard, newLogger(cfg, io.Discard), models.SystemClock{}, func(string) { listening <- struct{}{} })
	}()
	select {
	case <-listening:
	case err := <-done:
		t.Fatalf("Run returned before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("not listening after 60 s")
	}
	deadline := time.Now().Add(5 * time.Second)
	for subscribers() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers to the session feed while serving, want 1", subscribers())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := subscribers(); n != 0 {
		t.Fatalf("%d subscribers after Run returned", n)
	}
}
