package models

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// txAttempts is how many times a transaction is run before its refusal is given to the caller.
const txAttempts = 4

// transaction runs fn in one transaction, and runs it again from its first statement when the
// database threw the whole transaction away for a reason that a second run can get past:
//   - 1213, a deadlock lost to another transaction, which on a Galera cluster is also what a
//     commit answers when certification fails (another node committed a conflicting write first);
//   - 1047, a Galera node that is not synced with the cluster ("WSREP has not yet prepared node
//     for application use"): it refuses every statement until it has caught up, and HAProxy's
//     check moves new connections to a synced node meanwhile;
//   - 1180, an error during COMMIT: a Galera node that lost the cluster while the transaction
//     was being replicated ("not connected to Primary Component") rolls it back.
//
// Either way nothing of the transaction was written, so fn starts again on a clean slate; fn must
// therefore keep what it gathers (events, counts) in variables it sets afresh on each run, never
// add to what an earlier run left. A lock wait timeout (1205) is not run again: it has already
// waited innodb_lock_wait_timeout and is reported at once (503, try again).
//
// Every transaction of the store goes through here (s.db.Transaction is not called elsewhere).
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.db.WithContext(ctx).Transaction(fn, opts...)
		if err == nil || attempt == txAttempts || !retryable(err) {
			return err
		}
		// A short pause that grows and is spread out, so that two transactions that collided do
		// not collide again, and a node that is catching up has a moment.
		pause := time.Duration(attempt*attempt)*10*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// retryable: the database rolled the whole transaction back and running it again may succeed.
func retryable(err error) bool {
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1047 || me.Number == 1180)
}
