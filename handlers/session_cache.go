package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
)

// sessionChannel carries, between web replicas, word that users changed.
const sessionChannel = "zhaocuo:sessions"

// sessionFeed is the Redis side of the signed-in users the store keeps (models.Store.KeepSessions):
// the store tells it of every write of a user, it tells the other replicas, and what they say
// makes this replica's store forget its own.
type sessionFeed struct {
	rdb redis.UniversalClient
	ttl time.Duration
	log *slog.Logger
}

// keepSessions turns on the store's kept sessions for ttl and, with Redis, the feed and its
// subscription, which ends with ctx.
func keepSessions(ctx context.Context, store *models.Store, rdb redis.UniversalClient, ttl time.Duration, log *slog.Logger) {
	if ttl <= 0 || rdb == nil {
		store.KeepSessions(ttl, nil)
		return
	}
	f := &sessionFeed{rdb: rdb, ttl: ttl, log: log}
	store.KeepSessions(ttl, f)
	go f.listen(ctx, store)
}

// UsersChanged tells the other replicas; when Redis does not answer at once they follow within
// the TTL.
func (f *sessionFeed) UsersChanged(ctx context.Context) {
	_, err := within(ctx, limiterTimeout, func(ctx context.Context) (int64, error) {
		return f.rdb.Publish(ctx, sessionChannel, "users").Result()
	})
	if err != nil {
		f.log.Warn("session change not published; other replicas follow within the cache's TTL", "ttl", f.ttl, "error", err)
	}
}

// listen makes the store forget when another replica says so. Each (re)subscription starts from
// an empty cache: what was published while the connection was down is lost.
func (f *sessionFeed) listen(ctx context.Context, store *models.Store) {
	ps := f.rdb.Subscribe(ctx, sessionChannel)
	defer ps.Close()
	ch := ps.ChannelWithSubscriptions()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			switch m.(type) {
			case *redis.Subscription, *redis.Message:
				store.ForgetSessions()
			}
		}
	}
}
