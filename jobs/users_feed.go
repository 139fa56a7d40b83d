package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// usersChannel carries, between web replicas, word that users changed.
const usersChannel = "zhaocuo:sessions"

// usersFeedTimeout bounds a publish: it is made from inside a store's write.
const usersFeedTimeout = 250 * time.Millisecond

// UsersFeed is the Redis side of the signed-in users each web replica's store keeps
// (models.UsersFeed): the store tells it of every write of a user or a region, and it tells the
// other replicas; what they say makes this replica's store forget its own (Listen). The
// composition root gives it to the store at Open and starts and stops its listening.
type UsersFeed struct {
	rdb redis.UniversalClient
	ttl time.Duration
	log *slog.Logger
}

// NewUsersFeed returns the feed over rdb for stores that keep sessions for ttl.
func NewUsersFeed(rdb redis.UniversalClient, ttl time.Duration, log *slog.Logger) *UsersFeed {
	return &UsersFeed{rdb: rdb, ttl: ttl, log: log}
}

// UsersChanged tells the other replicas; when Redis does not answer at once they follow within
// the TTL.
func (f *UsersFeed) UsersChanged(ctx context.Context) {
	err := publishWithin(ctx, f.rdb, usersChannel, usersFeedTimeout)
	if err != nil {
		f.log.Warn("session change not published; other replicas follow within the cache's TTL", "ttl", f.ttl, "error", err)
	}
}

// Forgetter is the store, which forgets the signed-in users it keeps.
type Forgetter interface{ ForgetSessions() }

// Listening is a replica listening to the feed; Stop ends it.
type Listening struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Listen makes store forget the users it keeps whenever another replica says users changed,
// until Stop. Each (re)subscription starts from an empty cache: what was published while the
// connection was down is lost.
func (f *UsersFeed) Listen(store Forgetter) *Listening {
	return listen(f.rdb, usersChannel, store.ForgetSessions)
}

// publishWithin publishes on channel, giving up after timeout: it is called from inside or
// right after a store's write, which must not wait on Redis.
func publishWithin(ctx context.Context, rdb redis.UniversalClient, channel string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rdb.Publish(ctx, channel, "changed").Err() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listen calls forget for every message on channel and at every (re)subscription, until Stop:
// what was published while the connection was down is lost, so a new subscription starts by
// forgetting.
func listen(rdb redis.UniversalClient, channel string, forget func()) *Listening {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Listening{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		ps := rdb.Subscribe(ctx, channel)
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
					forget()
				}
			}
		}
	}()
	return l
}

// Stop ends the listening and waits for it.
func (l *Listening) Stop() {
	l.cancel()
	<-l.done
}
