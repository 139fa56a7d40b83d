package models

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"time"

	"gorm.io/gorm"
)

// ReferenceFeed carries word between replicas that reference data changed (the routing table,
// settings, calendar, categories), so that each drops its copy at once (jobs.ReferenceFeed sends
// it through Redis and makes the store of each replica that hears it ForgetReference). It is
// given at Open and must be quick: it is called right after the write commits.
type ReferenceFeed interface {
	ReferenceChanged(ctx context.Context)
}

// quietReference is the feed of a store with no other replica to tell (a command: seed,
// backup); the replicas still see its writes through the version row within ReferenceCheck.
type quietReference struct{}

func (quietReference) ReferenceChanged(context.Context) {}

// DefaultReferenceCheck is how often a replica reads the reference version when no word came:
// the bound on how long a lost message (Redis restarting, a publish that timed out, a write by
// another program through the store) leaves a replica routing with an old table.
const DefaultReferenceCheck = 2 * time.Second

// referenceVersionName is the settings row whose value is raised by every write to a reference
// table, in that write's transaction: the version the cache compares its copy with. It lives
// among the settings (one row, no table of its own) and is never read as a setting.
const referenceVersionName = "reference_version"

// referenceTables are the tables the cache is made of (store.go reference, loadRoutes).
var referenceTables = map[string]bool{
	"settings": true, "categories": true, "calendar_days": true, "calendar_years": true,
	"websites": true, "website_bases": true, "units": true, "regions": true,
}

// rawReferenceWrite matches a raw statement that writes one of them.
var rawReferenceWrite = regexp.MustCompile(`(?i)^\s*(insert\s+(ignore\s+)?into|replace\s+into|update|delete\s+from)\s+` + "`?" +
	`(settings|categories|calendar_days|calendar_years|websites|website_bases|units|regions)\b`)

// watchReferenceWrites raises the reference version after every successful write to a
// reference table, on the same connection and so in the same transaction: a replica that
// misses the feed's word still sees the version move once the write commits, and never before.
// The raise goes to the connection itself, past gorm's callbacks, so it does not call itself.
func (s *Store) watchReferenceWrites(db *gorm.DB) error {
	bump := func(tx *gorm.DB) {
		if tx.Error != nil {
			return
		}
		if err := s.bumpReferenceVersion(tx); err != nil {
			tx.AddError(err)
		}
	}
	onWrite := func(tx *gorm.DB) {
		if referenceTables[tx.Statement.Table] {
			bump(tx)
		}
	}
	onRaw := func(tx *gorm.DB) {
		if rawReferenceWrite.MatchString(tx.Statement.SQL.String()) {
			bump(tx)
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("zc:reference", onWrite),
		cb.Update().After("gorm:update").Register("zc:reference", onWrite),
		cb.Delete().After("gorm:delete").Register("zc:reference", onWrite),
		cb.Raw().After("gorm:raw").Register("zc:reference", onRaw),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) bumpReferenceVersion(tx *gorm.DB) error {
	q := `INSERT INTO settings (name, value, updated_at) VALUES (?, '1', ?)
		ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at`
	if s.dialect == DialectMySQL {
		q = `INSERT INTO settings (name, value, updated_at) VALUES (?, '1', ?)
		ON DUPLICATE KEY UPDATE value = CAST(CAST(value AS UNSIGNED) + 1 AS CHAR), updated_at = VALUES(updated_at)`
	}
	_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q, referenceVersionName, s.now())
	return err
}

// referenceVersion reads the version the reference tables are at ("" before the first write).
func (s *Store) referenceVersion(ctx context.Context) (string, error) {
	var v string
	err := s.SQLDB().QueryRowContext(ctx, "SELECT value FROM settings WHERE name = ?", referenceVersionName).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, translate(err, "reference version")
}

// ForgetReference drops this replica's copy of the reference data: another replica said it
// changed. The next report reads it afresh.
func (s *Store) ForgetReference() {
	s.cache.mu.Lock()
	s.cache.settings = nil
	s.cache.mu.Unlock()
}

// invalidateCache is called by every write of reference data once it has committed: this
// replica drops its copy, and the feed tells the others to drop theirs.
func (s *Store) invalidateCache() {
	s.ForgetReference()
	s.referenceFeed.ReferenceChanged(context.Background())
}

// referenceFresh says whether the copy loaded at version v may still serve: it is checked
// against the database at most every ReferenceCheck. Called with s.cache.mu held.
func (s *Store) referenceFresh(ctx context.Context) bool {
	c := &s.cache
	if c.settings == nil || time.Since(c.loadedAt) >= cacheTTL {
		return false
	}
	if time.Since(c.checkedAt) < s.referenceCheck {
		return true
	}
	v, err := s.referenceVersion(ctx)
	if err != nil || v != c.version {
		return false
	}
	c.checkedAt = time.Now()
	return true
}
