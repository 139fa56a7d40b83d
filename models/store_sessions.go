package models

import (
	"context"
	"regexp"
	"sync"
	"time"

	"gorm.io/gorm"
)

// UsersFeed carries word between replicas that users or regions changed, so that each forgets
// the signed-in users it keeps (jobs.UsersFeed sends it through Redis, and makes the store of
// each replica that hears it ForgetSessions). It is given at Open, with the TTL
// (Options.SessionTTL). It must be quick: it is called from inside the store's write.
type UsersFeed interface {
	UsersChanged(ctx context.Context)
}

// sessions keeps, on a web replica, the users that session tokens stand for and their scopes
// for a few seconds (SESSION_CACHE_TTL), so that a staff request reads neither from the database.
//
// It sits beside the writes it must see: every write this store makes to the users or regions
// table (an e-mail, a password, a sign-out, disabling, a role or place, a new region) forgets
// every kept user, here at once and on the other replicas through the feed. The forgetting hangs
// on gorm's own create, update, delete and raw-statement callbacks (watchWrites), not on each
// method, so no method can write a user and leave a stale copy behind. Writes are rare (a
// sign-out is the commonest), and forgetting all costs each signed-in user one read, what the
// TTL costs anyway. The TTL bounds the rest: a message lost while Redis restarts, a change from
// another program (the seed command), and a write inside a transaction, which is forgotten when
// made, before its commit, so that a read in between may keep the old row.
type sessions struct {
	ttl  time.Duration // fixed at Open
	feed UsersFeed     // fixed at Open; never nil while ttl > 0 (Options.check)

	mu      sync.Mutex
	gen     uint64 // raised by every forgetting: a read begun before it is not kept
	entries map[int64]*sessionEntry
}

type sessionEntry struct {
	user    User
	scope   *Scope // once asked for
	expires time.Time
}

// DefaultSessionTTL is SESSION_CACHE_TTL's default, here once: the configuration reads the
// environment over it and the tests run with it.
const DefaultSessionTTL = 5 * time.Second

// ForgetSessions drops every kept user: another replica said something changed.
func (s *Store) ForgetSessions() { s.sessions.forget() }

// SessionUser returns the user a session token of the given version stands for: kept, or read
// when absent, expired, or older than the token (the user signed in again elsewhere).
func (s *Store) SessionUser(ctx context.Context, id int64, version int) (*User, error) {
	c := &s.sessions
	c.mu.Lock()
	e, gen, ttl := c.entries[id], c.gen, c.ttl
	if e != nil && time.Now().Before(e.expires) && e.user.TokenVersion >= version {
		u := e.user // a copy: a request may not change what others read
		c.mu.Unlock()
		return &u, nil
	}
	c.mu.Unlock()
	u, err := s.User(ctx, id)
	if err != nil || ttl <= 0 {
		return u, err
	}
	c.mu.Lock()
	if c.gen == gen && c.ttl > 0 {
		if c.entries == nil {
			c.entries = map[int64]*sessionEntry{}
		}
		c.entries[id] = &sessionEntry{user: *u, expires: time.Now().Add(c.ttl)}
	}
	c.mu.Unlock()
	return u, nil
}

// ScopeOf returns what the user may see, kept with the user when the user is kept as it is.
func (s *Store) ScopeOf(ctx context.Context, u *User) (Scope, error) {
	c := &s.sessions
	c.mu.Lock()
	e, gen := c.entries[u.ID], c.gen
	if e != nil && e.scope != nil && e.user.sameScopeAs(u) && time.Now().Before(e.expires) {
		sc := *e.scope
		c.mu.Unlock()
		return sc, nil
	}
	c.mu.Unlock()
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return sc, err
	}
	c.mu.Lock()
	if e := c.entries[u.ID]; e != nil && c.gen == gen && e.user.sameScopeAs(u) {
		e.scope = &sc
	}
	c.mu.Unlock()
	return sc, nil
}

// sameScopeAs: what the scope is made of is the same in both.
func (u User) sameScopeAs(v *User) bool {
	return u.ID == v.ID && u.TokenVersion == v.TokenVersion && u.Role == v.Role &&
		equalID(u.UnitID, v.UnitID) && equalID(u.RegionID, v.RegionID)
}

func equalID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func (c *sessions) forget() {
	c.mu.Lock()
	clear(c.entries)
	c.gen++
	c.mu.Unlock()
}

// changed forgets every kept user here and tells the other replicas.
func (c *sessions) changed(ctx context.Context) {
	c.forget()
	if c.ttl > 0 {
		c.feed.UsersChanged(context.WithoutCancel(ctx))
	}
}

// sessionTables are the tables what sessions keep is read from.
var sessionTables = map[string]bool{"users": true, "regions": true}

// rawSessionWrite matches a raw statement that writes one of them.
var rawSessionWrite = regexp.MustCompile(`(?i)^\s*(insert\s+(ignore\s+)?into|replace\s+into|update|delete\s+from)\s+` + "`?" + `(users|regions)\b`)

// watchWrites makes every successful write to users or regions forget the kept sessions.
func (s *Store) watchWrites(db *gorm.DB) error {
	onWrite := func(tx *gorm.DB) {
		if tx.Error == nil && sessionTables[tx.Statement.Table] {
			s.sessions.changed(tx.Statement.Context)
		}
	}
	onRaw := func(tx *gorm.DB) {
		if tx.Error == nil && rawSessionWrite.MatchString(tx.Statement.SQL.String()) {
			s.sessions.changed(tx.Statement.Context)
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("zc:sessions", onWrite),
		cb.Update().After("gorm:update").Register("zc:sessions", onWrite),
		cb.Delete().After("gorm:delete").Register("zc:sessions", onWrite),
		cb.Raw().After("gorm:raw").Register("zc:sessions", onRaw),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
