package storetest

import (
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Redis is the Redis a test runs against: TEST_REDIS_URL's server, emptied first, or an
// in-process one of its own. Tests on a shared server must not run in parallel with each other,
// in this package or another (asynq's keys are global): CI runs that pass with go test -p 1.
type Redis struct {
	Opt    asynq.RedisConnOpt
	Client redis.UniversalClient
	Mini   *miniredis.Miniredis // nil on a real server
}

// RedisBackend names the Redis tests run on.
func RedisBackend() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return "redis (" + redact(u) + ")"
	}
	return "miniredis"
}

// NewRedis returns an empty Redis for the test.
func NewRedis(t testing.TB) *Redis {
	t.Helper()
	if raw := os.Getenv("TEST_REDIS_URL"); raw != "" {
		opt, err := asynq.ParseRedisURI(raw)
		if err != nil {
			t.Fatalf("TEST_REDIS_URL: %v", err)
		}
		client := opt.MakeRedisClient().(redis.UniversalClient)
		if err := client.FlushDB(context.Background()).Err(); err != nil {
			t.Fatalf("TEST_REDIS_URL: flush: %v", err)
		}
		t.Cleanup(func() { client.Close() })
		return &Redis{Opt: opt, Client: client}
	}
	m := miniredis.RunT(t)
	opt := asynq.RedisClientOpt{Addr: m.Addr()}
	client := opt.MakeRedisClient().(redis.UniversalClient)
	t.Cleanup(func() { client.Close() })
	return &Redis{Opt: opt, Client: client, Mini: m}
}
