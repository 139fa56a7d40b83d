package models_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// SQLAlchemy's sqlite:////abs/path.db names an absolute path, as sqlite:///abs/path.db does: both
// open the same file, and a path that cannot be opened is named with the reason, not "out of memory".
func TestSQLiteURLWithFourSlashesOpensTheAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	clock := storetest.NewClock("2025-03-03 10:00")
	open := func(raw string) error {
		dialect, dsn, err := models.ParseDatabaseURL(raw)
		if err != nil {
			return err
		}
		s, err := models.Open(context.Background(), dialect, dsn, clock, models.Options{Events: models.NoWorker})
		if err == nil {
			s.Close()
		}
		return err
	}
	for _, raw := range []string{"sqlite://" + dir + "/three.db", "sqlite:///" + dir + "/four.db"} {
		if err := open(raw); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	for _, name := range []string{"three.db", "four.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not created in %s: %v", name, dir, err)
		}
	}
	err := open("sqlite:///" + dir) // a directory, not a file
	if err == nil || !strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "out of memory") {
		t.Fatalf("a directory as the database: %v", err)
	}
}
