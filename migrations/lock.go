package migrations

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// The migration lock on MySQL is a row, not GET_LOCK: a named lock lives in one server's memory,
// and on a Galera cluster two replicas whose connections reach different nodes would both get
// it. A row is replicated like any write: of two replicas inserting it at once on different
// nodes, one commit fails certification (or meets the other's row) and that replica waits.
//
// The row is a lease: the holder renews it while it migrates, and one whose replica died (no
// disconnect frees a row) is taken over once it has not been renewed for lockStale.
const (
	lockWait  = 2 * time.Minute  // how long a replica waits for another's migrations
	lockStale = 90 * time.Second // a lease not renewed for this long belongs to a dead replica
	lockRenew = 20 * time.Second
)

// lock takes the migration lease on conn's database, and returns the function that gives it back.
func lock(ctx context.Context, db *sql.DB, conn *sql.Conn) (release func(), err error) {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations_lock (
		id INTEGER NOT NULL PRIMARY KEY,
		holder VARCHAR(64) NOT NULL,
		renewed_at DATETIME NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations_lock: %w", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	holder := hex.EncodeToString(b)
	deadline := time.Now().Add(lockWait)
	for {
		// The database's clock, not the replicas': they may differ.
		_, err := conn.ExecContext(ctx, "INSERT INTO schema_migrations_lock (id, holder, renewed_at) VALUES (1, ?, UTC_TIMESTAMP())", holder)
		if err == nil {
			break
		}
		if !taken(err) {
			return nil, fmt.Errorf("migrations: take the migration lock: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM schema_migrations_lock WHERE id = 1 AND renewed_at < UTC_TIMESTAMP() - INTERVAL ? SECOND",
			int(lockStale/time.Second)); err != nil {
			return nil, fmt.Errorf("migrations: free a stale migration lock: %w", err)
		}
		if time.Now().After(deadline) {
			return nil, errors.New("migrations: could not take the migration lock: another replica holds it (schema_migrations_lock)")
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("migrations: waiting for the migration lock (held by another replica): %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	// Renewed on a connection of its own: conn is busy with the migrations' statements.
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lockRenew)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				db.ExecContext(ctx, "UPDATE schema_migrations_lock SET renewed_at = UTC_TIMESTAMP() WHERE id = 1 AND holder = ?", holder)
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		conn.ExecContext(context.WithoutCancel(ctx), "DELETE FROM schema_migrations_lock WHERE id = 1 AND holder = ?", holder)
	}, nil
}

// taken: another replica's row is there (1062), or its insert on another node won the
// certification (1213).
func taken(err error) bool {
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && (me.Number == 1062 || me.Number == 1213) || strings.Contains(err.Error(), "Duplicate entry")
}
