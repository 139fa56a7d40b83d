package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// translate decides what a failure of the database looks like to the user: the faults benchmark
// (docs/bench/faults.sh) restarts MariaDB under load and counts on every failure of the server
// becoming a 503 with Retry-After, never a 500; so do lost deadlocks under load.
func TestTranslateSortsDatabaseFailures(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connect: connection refused", Addr: "127.0.0.1:3306"}}
	for _, c := range []struct {
		name string
		err  error
		want Kind
	}{
		{"server gone mid-statement", mysqldriver.ErrInvalidConn, KindUnavailable},
		{"pooled connection closed by a restart", fmt.Errorf("begin: %w", driver.ErrBadConn), KindUnavailable},
		{"connection refused while it starts", refused, KindUnavailable},
		{"reset by the server", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, KindUnavailable},
		{"too many connections", &mysqldriver.MySQLError{Number: 1040, Message: "Too many connections"}, KindUnavailable},
		{"too many connections for the user", &mysqldriver.MySQLError{Number: 1203, Message: "User has exceeded"}, KindUnavailable},
		{"a request's deadline passed waiting", context.DeadlineExceeded, KindUnavailable},
		{"SQLite busy", errors.New("database is locked (5) (SQLITE_BUSY)"), KindUnavailable},
		{"lost a deadlock", &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found"}, KindUnavailable},
		{"lock wait timeout", &mysqldriver.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}, KindUnavailable},
		{"a Galera node not synced", &mysqldriver.MySQLError{Number: 1047, Message: "WSREP has not yet prepared node for application use"}, KindUnavailable},
		{"a Galera node cut off during a commit", &mysqldriver.MySQLError{Number: 1180, Message: "Error while appending streaming replication fragment(provider status: Not connected to Primary Component)"}, KindUnavailable},
		{"duplicate key", &mysqldriver.MySQLError{Number: 1062, Message: "Duplicate entry"}, KindConflict},
		{"no row", gorm.ErrRecordNotFound, KindNotFound},
		{"no row (database/sql)", sql.ErrNoRows, KindNotFound},
		{"a bug: bad SQL", &mysqldriver.MySQLError{Number: 1064, Message: "You have an error in your SQL syntax"}, KindInternal},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := translate(c.err, "test")
			if k := ErrorKind(got); k != c.want {
				t.Fatalf("%v: kind %v, want %v", c.err, k, c.want)
			}
			if !errors.Is(got, c.err) {
				t.Fatalf("the cause is lost: %v", got)
			}
		})
	}
	if translate(nil, "test") != nil {
		t.Fatal("nil is not an error")
	}
}
