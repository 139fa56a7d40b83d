// Package storetest gives tests a real, migrated, empty database: a SQLite file in the test's
// temporary directory, or, when TEST_DATABASE_URL is set (mysql://...), a database of its own on
// that server, dropped when the test ends. It also gives them a clock they can set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"zhaocuo/migrations"
	"zhaocuo/models"
)

// Backend names the database the tests run on, for their logs.
func Backend() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return "mysql (" + redact(u) + ")"
	}
	return "sqlite"
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.Redacted()
}

// URL returns a DATABASE_URL for a fresh, empty database (not yet migrated).
func URL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "mysql" {
		t.Fatalf("TEST_DATABASE_URL must be mysql://user:pass@host:port/db, got %q", redact(raw))
	}
	_, dsn, err := models.ParseDatabaseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "zc_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database (the TEST_DATABASE_URL user needs CREATE and DROP): %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("mysql", dsn)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name)
			db.Close()
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Open returns a store on a fresh, migrated database with the shipped calendars imported. What
// its report writer commits goes to a recording Events of its own.
func Open(t testing.TB, clock models.Clock) *models.Store {
	t.Helper()
	return OpenWith(t, clock, models.Options{})
}

// OpenWith is Open with the options given; without Events, a recording Events of its own.
func OpenWith(t testing.TB, clock models.Clock, opt models.Options) *models.Store {
	t.Helper()
	s := OpenEmptyWith(t, clock, opt)
	if _, err := s.ImportShippedCalendars(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// OpenEmpty returns a store on a fresh, migrated database with nothing imported.
func OpenEmpty(t testing.TB, clock models.Clock) *models.Store {
	t.Helper()
	return OpenEmptyWith(t, clock, models.Options{})
}

// OpenEmptyWith is OpenEmpty with the options given; without Events, a recording Events.
func OpenEmptyWith(t testing.TB, clock models.Clock, opt models.Options) *models.Store {
	t.Helper()
	dialect, dsn, err := models.ParseDatabaseURL(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if clock == nil {
		clock = models.SystemClock{}
	}
	if opt.Events == nil {
		opt.Events = &Events{}
	}
	ctx := context.Background()
	s, err := models.Open(ctx, dialect, dsn, clock, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := migrations.Apply(ctx, s.SQLDB(), dialect); err != nil {
		t.Fatal(err)
	}
	return s
}

// Clock is a clock a test sets by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing the given Asia/Shanghai time, "2006-01-02 15:04:05".
func NewClock(shanghai string) *Clock {
	return &Clock{now: At(shanghai)}
}

// At parses a time in Asia/Shanghai, "2006-01-02 15:04:05" or "2006-01-02 15:04".
func At(shanghai string) time.Time {
	layout := time.DateTime
	if strings.Count(shanghai, ":") == 1 {
		layout = "2006-01-02 15:04"
	}
	t, err := time.ParseInLocation(layout, shanghai, models.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
