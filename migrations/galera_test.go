package migrations_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/migrations"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// liveMySQL is a fresh database on TEST_DATABASE_URL's server (a Galera cluster in CI's third
// run), or skips.
func liveMySQL(t *testing.T) *sql.DB {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	_, dsn, err := models.ParseDatabaseURL(storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Galera replicates InnoDB tables only, and a row change of a table without a primary key is
// applied on the other nodes by scanning the table (and may be applied differently there): every
// table of the schema has one, and is InnoDB.
func TestEveryTableHasAPrimaryKeyAndIsInnoDB(t *testing.T) {
	db := liveMySQL(t)
	if _, err := migrations.Apply(context.Background(), db, migrations.MySQL); err != nil {
		t.Fatal(err)
	}
	tables := strings1(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
	if len(tables) < 20 {
		t.Fatalf("only %d tables: the schema was not applied", len(tables))
	}
	for _, name := range strings1(t, db, `SELECT t.table_name FROM information_schema.tables t
		WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND NOT EXISTS (
		SELECT 1 FROM information_schema.table_constraints c
		WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`) {
		t.Errorf("table %s has no primary key", name)
	}
	for _, name := range strings1(t, db, "SELECT CONCAT(table_name, ' ', engine) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND engine != 'InnoDB'") {
		t.Errorf("table %s: Galera replicates InnoDB only", name)
	}
}

// What Galera does not replicate, or refuses, is not used by the program: a named lock (GET_LOCK
// lives on one node), LOCK TABLES, temporary tables (a statement after a failover would not find
// one), XA transactions, tables of another engine.
func TestNoStatementThatGaleraDoesNotReplicate(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)\b(GET_LOCK|RELEASE_LOCK|LOCK\s+TABLES?|CREATE\s+TEMPORARY|XA\s+(START|BEGIN)|ENGINE\s*=\s*(MyISAM|MEMORY|Aria|CSV))\b`)
	var seen int
	err := filepath.Walk("..", func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && (info.Name() == "node_modules" || strings.HasPrefix(info.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		if info.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seen++
		for i, line := range strings.Split(string(body), "\n") {
			if code, _, _ := strings.Cut(line, "//"); forbidden.MatchString(code) && !strings.HasPrefix(strings.TrimSpace(code), "--") {
				t.Errorf("%s:%d: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil || seen < 50 {
		t.Fatalf("read %d files: %v", seen, err)
	}
}

// Replicas starting at once migrate once: the others wait for the lock row and find the work done.
func TestReplicasStartingAtOnceMigrateOnce(t *testing.T) {
	db := liveMySQL(t)
	var wg sync.WaitGroup
	ran := make([][]string, 3)
	errs := make([]error, 3)
	for i := range ran {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ran[i], errs[i] = migrations.Apply(context.Background(), db, migrations.MySQL)
		}(i)
	}
	wg.Wait()
	list, _ := migrations.List(migrations.MySQL)
	total := 0
	for i := range ran {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += len(ran[i])
	}
	if total != len(list) {
		t.Fatalf("%d migrations run by three replicas together, want each of the %d once", total, len(list))
	}
	if n := strings1(t, db, "SELECT COUNT(*) FROM schema_migrations_lock"); n[0] != "0" {
		t.Fatalf("the lock row was left behind: %v", n)
	}
}

// The lock is a row, seen by every node: while another replica holds it, nothing is migrated; a
// lease that its holder stopped renewing long ago (its replica died) is taken over.
func TestTheMigrationLockIsARowAndALease(t *testing.T) {
	db := liveMySQL(t)
	if _, err := db.Exec("CREATE TABLE schema_migrations_lock (id INTEGER NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, renewed_at DATETIME NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_migrations_lock VALUES (1, 'another replica', UTC_TIMESTAMP())"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if ran, err := migrations.Apply(ctx, db, migrations.MySQL); err == nil || len(ran) > 0 {
		t.Fatalf("migrated while another replica held the lock: %v, %v", ran, err)
	}
	if n := strings1(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'"); n[0] != "0" {
		t.Fatal("schema_migrations was made while another replica held the lock")
	}
	if _, err := db.Exec("UPDATE schema_migrations_lock SET renewed_at = UTC_TIMESTAMP() - INTERVAL 1 HOUR"); err != nil {
		t.Fatal(err)
	}
	ran, err := migrations.Apply(context.Background(), db, migrations.MySQL)
	if list, _ := migrations.List(migrations.MySQL); err != nil || len(ran) != len(list) {
		t.Fatalf("a dead replica's lease was not taken over: ran %d, %v", len(ran), err)
	}
}
