package models

import (
	"context"
	"errors"
)

// BackupSQLite writes a consistent copy of an SQLite database to a new file, taken in one read
// transaction while the app writes (VACUUM INTO). A MySQL database is copied by its own dump
// tool (app backup runs it).
func (s *Store) BackupSQLite(ctx context.Context, path string) error {
	if s.dialect != DialectSQLite {
		return errors.New("store: backup: VACUUM INTO copies SQLite databases only")
	}
	return translate(s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error, "backup")
}

// CountTables is how many tables the database holds, ours or not: a restore goes only into an
// empty database.
func (s *Store) CountTables(ctx context.Context) (int64, error) {
	q := "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
	if s.dialect == DialectSQLite {
		q = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
	}
	var n int64
	err := s.db.WithContext(ctx).Raw(q).Scan(&n).Error
	return n, translate(err, "count tables")
}
