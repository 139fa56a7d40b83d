// Package migrations holds the schema as numbered plain SQL files, one directory per dialect,
// embedded in the binary, and the runner that applies the ones a database has not seen yet.
//
// The two dialects must describe the same schema; a test compares them table by table.
// A file interrupted halfway (MySQL commits each DDL statement at once) is simply applied again:
// statements are written to be safe to repeat (IF NOT EXISTS, INSERT IGNORE), and where MySQL has
// no such form (ADD COLUMN, CREATE INDEX, DROP INDEX) the runner skips the "already done" error.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed mysql/*.sql sqlite/*.sql
var files embed.FS

// Dialects the schema is written for.
const (
	MySQL  = "mysql"
	SQLite = "sqlite"
)

// Migration is one numbered file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// List returns the dialect's migrations in order.
func List(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: unknown dialect %q: %w", dialect, err)
	}
	var list []Migration
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migrations: %s/%s is not named NNNN_name.sql", dialect, e.Name())
		}
		body, err := files.ReadFile(path.Join(dialect, e.Name()))
		if err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(m[1])
		list = append(list, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	// Numbers are unique and rise, and may skip one that a branch not yet merged has reserved
	// (Apply runs whatever a database has not recorded, so a number filled in later still runs).
	for i, m := range list {
		if m.Version < 1 || i > 0 && m.Version <= list[i-1].Version {
			return nil, fmt.Errorf("migrations: %s: version %04d is out of order or used twice", dialect, m.Version)
		}
	}
	return list, nil
}

// Apply runs every migration the database has not recorded, in order, and returns the names of
// those it ran. On MySQL a lock row keeps two replicas starting at once from racing (lock.go).
func Apply(ctx context.Context, db *sql.DB, dialect string) ([]string, error) {
	list, err := List(dialect)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: connect: %w", err)
	}
	defer conn.Close()

	if dialect == MySQL {
		release, err := lock(ctx, db, conn)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		name VARCHAR(128) NOT NULL,
		applied_at DATETIME NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	done := map[int]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		done[v] = true
	}
	rows.Close()

	var applied []string
	for _, m := range list {
		if done[m.Version] {
			continue
		}
		for _, stmt := range Statements(m.SQL) {
			if _, err := conn.ExecContext(ctx, stmt); err != nil && !alreadyThere(stmt, err) {
				return applied, fmt.Errorf("migrations: %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.Version, m.Name, time.Now().UTC().Truncate(time.Second)); err != nil {
			return applied, fmt.Errorf("migrations: record %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, fmt.Sprintf("%04d_%s", m.Version, m.Name))
	}
	return applied, nil
}

// alreadyThere recognises the errors of a schema change that an interrupted earlier run made:
// MySQL 1060 (duplicate column), 1061 (duplicate key name) and, for a DROP INDEX only, 1091 (the
// index is gone), SQLite's duplicate column.
func alreadyThere(stmt string, err error) bool {
	msg := err.Error()
	dropIndex := strings.HasPrefix(strings.ToUpper(strings.TrimSpace(stmt)), "DROP INDEX")
	return strings.Contains(msg, "Error 1060") || strings.Contains(msg, "Error 1061") ||
		dropIndex && strings.Contains(msg, "Error 1091") || strings.Contains(msg, "duplicate column name")
}

// Statements splits a file into statements at semicolons that end a line, dropping comment lines.
// The files are ours, so no statement holds such a semicolon inside a string.
func Statements(file string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(file, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}
