package models_test

import (
	"context"
	"path/filepath"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A restore goes only into an empty database: CountTables sees every table, none in a new one.
func TestCountTables(t *testing.T) {
	ctx := context.Background()
	dialect, dsn, err := models.ParseDatabaseURL(storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := models.Open(ctx, dialect, dsn, models.SystemClock{}, models.Options{Events: models.NoWorker})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if n, err := empty.CountTables(ctx); err != nil || n != 0 {
		t.Fatalf("a new database: %d tables (%v)", n, err)
	}
	s := storetest.Open(t, models.SystemClock{})
	if n, err := s.CountTables(ctx); err != nil || n < 20 {
		t.Fatalf("a migrated database: %d tables (%v)", n, err)
	}
}

// The SQLite copy is a database with the same tickets; MySQL's backups are its dump tool's.
func TestBackupSQLite(t *testing.T) {
	ctx := context.Background()
	r := newRates(t, "2025-03-25 10:00:00")
	r.report("https://gzw.sc.gov.cn/backup.html")
	file := filepath.Join(t.TempDir(), "copy.db")
	err := r.s.BackupSQLite(ctx, file)
	if r.s.Dialect() != models.DialectSQLite {
		if err == nil {
			t.Fatal("VACUUM INTO on MySQL")
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	c, err := models.Open(ctx, models.DialectSQLite, models.SQLiteDSN(file), models.SystemClock{}, models.Options{Events: models.NoWorker})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, err := c.CountTickets(ctx); err != nil || n != 1 {
		t.Fatalf("the copy holds %d tickets (%v)", n, err)
	}
}
