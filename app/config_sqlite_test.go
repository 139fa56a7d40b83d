package main

import (
	"strings"
	"testing"
)

// DATABASE_URL in SQLAlchemy's form for an absolute path (four slashes) reaches the driver as
// that absolute path, not as a URI with a host the driver refuses with "out of memory".
func TestDatabaseURLWithFourSlashesIsTheAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "DATABASE_URL": "sqlite:///" + dir + "/zhaocuo.db", "JWT_SECRET": strings.Repeat("s", 40)}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.dsn, "file:"+dir+"/zhaocuo.db?") {
		t.Fatalf("DSN %q: want the file %s/zhaocuo.db", cfg.dsn, dir)
	}
}
