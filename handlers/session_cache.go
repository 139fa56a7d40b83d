package handlers

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"zhaocuo/models"
)

// sessionChannel carries, between web replicas, the ids of users whose sessions changed.
const sessionChannel = "zhaocuo:sessions"

// sessionCache keeps, on each web replica, the users that session tokens stand for and their
// scopes for a few seconds (SESSION_CACHE_TTL), so that a staff request does not read its user
// and regions from the database every time. A change to a user made here (sign-out, a password,
// disabling) drops the entry on this replica and, through Redis, on every other one at once; the
// TTL bounds what a lost message (Redis restarting) or a change from outside (the seed command)
// can leave behind. A token newer than the cached user (signed in again elsewhere) reads the
// user afresh. The other methods of the store pass through; off (ttl 0), so do these.
type sessionCache struct {
	*models.Store
	ttl time.Duration
	rdb redis.UniversalClient // nil: this replica alone
	log *slog.Logger

	mu      sync.Mutex
	gen     uint64 // raised by every forgetting: a read begun before it is not kept
	entries map[int64]*sessionEntry
}

type sessionEntry struct {
	user    models.User
	scope   *models.Scope // once asked for
	expires time.Time
}

// newSessionCache starts the cache and its subscription, which ends with ctx.
func newSessionCache(ctx context.Context, store *models.Store, rdb redis.UniversalClient, ttl time.Duration, log *slog.Logger) *sessionCache {
	c := &sessionCache{Store: store, ttl: ttl, rdb: rdb, log: log, entries: map[int64]*sessionEntry{}}
	if ttl > 0 && rdb != nil {
		go c.listen(ctx)
	}
	return c
}

// User returns the user from the cache, or from the store when absent or expired. The cache
// holds one entry per user seen, as many as the users table at most.
func (c *sessionCache) User(ctx context.Context, id int64) (*models.User, error) {
	if c.ttl <= 0 {
		return c.Store.User(ctx, id)
	}
	c.mu.Lock()
	e, gen := c.entries[id], c.gen
	if e != nil && time.Now().Before(e.expires) {
		u := e.user // a copy: a request may not change what others read
		c.mu.Unlock()
		return &u, nil
	}
	c.mu.Unlock()
	u, err := c.Store.User(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.entries[id] = &sessionEntry{user: *u, expires: time.Now().Add(c.ttl)}
	}
	c.mu.Unlock()
	return u, nil
}

// userForToken is User, read afresh when the token is of a later version than the cached user.
func (c *sessionCache) userForToken(ctx context.Context, id int64, version int) (*models.User, error) {
	u, err := c.User(ctx, id)
	if err != nil || u.TokenVersion >= version {
		return u, err
	}
	c.forgetLocal(id)
	return c.User(ctx, id)
}

// ScopeOf returns the scope of a cached user from the cache.
func (c *sessionCache) ScopeOf(ctx context.Context, u *models.User) (models.Scope, error) {
	if c.ttl <= 0 {
		return c.Store.ScopeOf(ctx, u)
	}
	c.mu.Lock()
	e, gen := c.entries[u.ID], c.gen
	if e != nil && e.scope != nil && e.user.TokenVersion == u.TokenVersion && time.Now().Before(e.expires) {
		sc := *e.scope
		c.mu.Unlock()
		return sc, nil
	}
	c.mu.Unlock()
	sc, err := c.Store.ScopeOf(ctx, u)
	if err != nil {
		return sc, err
	}
	c.mu.Lock()
	if e := c.entries[u.ID]; e != nil && c.gen == gen && e.user.TokenVersion == u.TokenVersion {
		e.scope = &sc
	}
	c.mu.Unlock()
	return sc, nil
}

// RevokeTokens, ChangePassword, SetPassword and SetUserDisabled change the user in the store,
// then forget it everywhere.
func (c *sessionCache) RevokeTokens(ctx context.Context, id int64) error {
	return c.changed(ctx, id, c.Store.RevokeTokens(ctx, id))
}

func (c *sessionCache) ChangePassword(ctx context.Context, id int64, old, new string) error {
	return c.changed(ctx, id, c.Store.ChangePassword(ctx, id, old, new))
}

func (c *sessionCache) SetPassword(ctx context.Context, id int64, password string) error {
	return c.changed(ctx, id, c.Store.SetPassword(ctx, id, password))
}

func (c *sessionCache) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	return c.changed(ctx, id, c.Store.SetUserDisabled(ctx, id, disabled))
}

// changed forgets the user here and tells the other replicas, after the store's change (err nil).
func (c *sessionCache) changed(ctx context.Context, id int64, err error) error {
	if err != nil {
		return err
	}
	c.forgetLocal(id)
	if c.ttl > 0 && c.rdb != nil {
		if err := c.rdb.Publish(ctx, sessionChannel, strconv.FormatInt(id, 10)).Err(); err != nil {
			c.log.Warn("session change not published; other replicas follow within the cache's TTL",
				"user_id", id, "ttl", c.ttl, "error", err)
		}
	}
	return nil
}

func (c *sessionCache) forgetLocal(id int64) {
	c.mu.Lock()
	delete(c.entries, id)
	c.gen++
	c.mu.Unlock()
}

func (c *sessionCache) forgetAll() {
	c.mu.Lock()
	clear(c.entries)
	c.gen++
	c.mu.Unlock()
}

// listen drops what other replicas say has changed. Each (re)subscription starts from an empty
// cache: what was published while the connection was down is lost.
func (c *sessionCache) listen(ctx context.Context) {
	ps := c.rdb.Subscribe(ctx, sessionChannel)
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
			switch m := m.(type) {
			case *redis.Subscription:
				c.forgetAll()
			case *redis.Message:
				if id, err := strconv.ParseInt(m.Payload, 10, 64); err == nil {
					c.forgetLocal(id)
				} else {
					c.forgetAll()
				}
			}
		}
	}
}
