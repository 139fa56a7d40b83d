package models

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Commits counts the commits a store asks for and refuses the first few of them as a Galera node
// refuses a transaction that fails certification: the transaction is rolled back and the commit
// answers the server's error.
type Commits struct {
	mu      sync.Mutex
	asked   int
	refuse  int
	refusal uint16
}

// Asked is how many commits were asked for.
func (c *Commits) Asked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asked
}

// RefuseCommits makes the store's next n commits fail with MySQL error number (1213: deadlock or
// failed certification; 1047: node not synced), their transactions rolled back.
func RefuseCommits(s *Store, n int, number uint16) *Commits {
	c := &Commits{refuse: n, refusal: number}
	pool := &refusingPool{ConnPool: s.db.Statement.ConnPool, commits: c}
	s.db.Statement.ConnPool, s.db.Config.ConnPool = pool, pool
	return c
}

type refusingPool struct {
	gorm.ConnPool
	commits *Commits
}

func (p *refusingPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	var tx gorm.ConnPool
	var err error
	switch b := p.ConnPool.(type) {
	case gorm.TxBeginner:
		tx, err = b.BeginTx(ctx, opts)
	case gorm.ConnPoolBeginner:
		tx, err = b.BeginTx(ctx, opts)
	default:
		return nil, errors.New("the pool cannot begin a transaction")
	}
	if err != nil {
		return nil, err
	}
	return &refusingTx{ConnPool: tx, commits: p.commits}, nil
}

func (p *refusingPool) GetDBConn() (*sql.DB, error) {
	switch c := p.ConnPool.(type) {
	case *sql.DB:
		return c, nil
	case gorm.GetDBConnector:
		return c.GetDBConn()
	}
	return nil, errors.New("no *sql.DB under the pool")
}

type refusingTx struct {
	gorm.ConnPool
	commits *Commits
}

func (t *refusingTx) Commit() error {
	c := t.commits
	c.mu.Lock()
	c.asked++
	refuse := c.refuse > 0
	if refuse {
		c.refuse--
	}
	c.mu.Unlock()
	if refuse {
		t.Rollback()
		return &mysqldriver.MySQLError{Number: c.refusal, Message: "Deadlock found when trying to get lock; try restarting transaction"}
	}
	return t.ConnPool.(gorm.TxCommitter).Commit()
}

func (t *refusingTx) Rollback() error { return t.ConnPool.(gorm.TxCommitter).Rollback() }
