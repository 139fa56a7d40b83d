package models

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// QueryPlan is how the database runs one statement: EXPLAIN on MySQL, EXPLAIN QUERY PLAN on
// SQLite, a row a line.
type QueryPlan struct {
	SQL     string // the statement as sent, its arguments in place
	Columns []string
	Rows    [][]string
}

// ExplainQueries runs do on a view of the store that notes each SELECT it sends, then asks the
// database for the plan of each distinct one, in the order first sent: the plans of the
// statements a method really sends (the load tests print the rates'), never of a copy of them
// that could drift. do must only read.
func (s *Store) ExplainQueries(ctx context.Context, do func(context.Context, *Store) error) ([]QueryPlan, error) {
	log := &statementLog{Interface: logger.Discard, seen: map[string]bool{}}
	view := &Store{db: s.db.Session(&gorm.Session{Logger: log}), dialect: s.dialect, dsn: s.dsn, clock: s.clock, writer: s.writer}
	if err := do(ctx, view); err != nil {
		return nil, err
	}
	explain := "EXPLAIN "
	if s.dialect == DialectSQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	var plans []QueryPlan
	for _, st := range log.statements() {
		p := QueryPlan{SQL: st}
		rows, err := s.db.WithContext(ctx).Raw(explain + st).Rows()
		if err != nil {
			return nil, translate(err, "explain")
		}
		p.Columns, p.Rows, err = readAll(rows)
		if err != nil {
			return nil, translate(err, "explain")
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// readAll reads every row of a result as text, NULL as "".
func readAll(rows *sql.Rows) ([]string, [][]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

// statementLog is a gorm logger that keeps each distinct SELECT sent through it and logs
// nothing. It keeps the text gorm traces, the arguments in place: gorm's Scan traces no other.
type statementLog struct {
	logger.Interface
	mu   sync.Mutex
	seen map[string]bool
	list []string
}

func (l *statementLog) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *statementLog) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	if err != nil {
		return
	}
	sql, _ := fc()
	sql = strings.TrimSpace(sql)
	if !strings.HasPrefix(strings.ToUpper(sql), "SELECT") {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.seen[sql] {
		l.seen[sql] = true
		l.list = append(l.list, sql)
	}
}

func (l *statementLog) statements() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.list
}
