package migrations_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"zhaocuo/migrations"
	"zhaocuo/models"
)

// schema is what both dialects must agree on: per table, its columns in order with nullability,
// and its secondary indexes with uniqueness and columns.
type schema map[string]table

type table struct {
	Columns []string          // "name NULL" or "name NOT NULL"
	Indexes map[string]string // name → "UNIQUE (a, b)" or "(a, b)"
}

func TestDialectsListTheSameMigrations(t *testing.T) {
	my, err := migrations.List(migrations.MySQL)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := migrations.List(migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(my) != len(lite) {
		t.Fatalf("mysql has %d migrations, sqlite %d", len(my), len(lite))
	}
	for i := range my {
		if my[i].Name != lite[i].Name {
			t.Errorf("migration %d: mysql %q, sqlite %q", i+1, my[i].Name, lite[i].Name)
		}
	}
}

// The MySQL files, read as text, describe the same schema as the SQLite files applied to a real
// SQLite database. This runs everywhere; the test below checks a live MySQL too when there is one.
func TestMySQLFilesMatchSQLiteSchema(t *testing.T) {
	lite := sqliteSchema(t)
	my := parseMySQLFiles(t)
	compare(t, my, lite)
}

func TestLiveMySQLSchemaMatchesSQLite(t *testing.T) {
	db := liveMySQL(t)
	if _, err := migrations.Apply(context.Background(), db, migrations.MySQL); err != nil {
		t.Fatal(err)
	}
	// Applying again changes nothing and fails nothing.
	if again, err := migrations.Apply(context.Background(), db, migrations.MySQL); err != nil || len(again) != 0 {
		t.Fatalf("second apply: %v %v", again, err)
	}
	reapplyEveryFile(t, db, migrations.MySQL)
	compare(t, mysqlSchema(t, db), sqliteSchema(t))
}

// reapplyEveryFile forgets that the migrations ran and applies them again, as after a crash
// between a file's statements and its record: every file must go through a second time.
func reapplyEveryFile(t *testing.T, db *sql.DB, dialect string) {
	t.Helper()
	if _, err := db.Exec("DELETE FROM schema_migrations"); err != nil {
		t.Fatal(err)
	}
	list, _ := migrations.List(dialect)
	again, err := migrations.Apply(context.Background(), db, dialect)
	if err != nil || len(again) != len(list) {
		t.Fatalf("re-applying every file: %v (%d of %d)", err, len(again), len(list))
	}
}

func compare(t *testing.T, my, lite schema) {
	t.Helper()
	var names []string
	for n := range lite {
		names = append(names, n)
	}
	for n := range my {
		if _, ok := lite[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		m, l := my[n], lite[n]
		if !reflect.DeepEqual(m.Columns, l.Columns) {
			t.Errorf("table %s columns differ:\n mysql:  %v\n sqlite: %v", n, m.Columns, l.Columns)
		}
		if !reflect.DeepEqual(m.Indexes, l.Indexes) {
			t.Errorf("table %s indexes differ:\n mysql:  %v\n sqlite: %v", n, m.Indexes, l.Indexes)
		}
	}
}

func sqliteSchema(t *testing.T) schema {
	t.Helper()
	dialect, dsn, _ := models.ParseDatabaseURL("sqlite://" + t.TempDir() + "/schema.db")
	s, err := models.Open(context.Background(), dialect, dsn, models.SystemClock{}, models.Options{Events: models.NoWorker})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.SQLDB()
	if _, err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil {
		t.Fatal(err)
	}
	if again, err := migrations.Apply(context.Background(), db, migrations.SQLite); err != nil || len(again) != 0 {
		t.Fatalf("second apply: %v %v", again, err)
	}
	reapplyEveryFile(t, db, migrations.SQLite)
	out := schema{}
	for _, name := range strings1(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'") {
		tb := table{Indexes: map[string]string{}}
		rows, err := db.Query(fmt.Sprintf("SELECT name, \"notnull\", pk FROM pragma_table_info('%s') ORDER BY cid", name))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var col string
			var notNull, pk int
			rows.Scan(&col, &notNull, &pk)
			tb.Columns = append(tb.Columns, column(col, notNull == 1 || pk > 0))
		}
		rows.Close()
		for _, idx := range strings1(t, db, fmt.Sprintf("SELECT name FROM pragma_index_list('%s') WHERE origin = 'c'", name)) {
			var unique int
			db.QueryRow(fmt.Sprintf("SELECT \"unique\" FROM pragma_index_list('%s') WHERE name = '%s'", name, idx)).Scan(&unique)
			cols := strings1(t, db, fmt.Sprintf("SELECT name FROM pragma_index_info('%s') ORDER BY seqno", idx))
			tb.Indexes[idx] = index(unique == 1, cols)
		}
		out[name] = tb
	}
	return out
}

func mysqlSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	out := schema{}
	for _, name := range strings1(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT IN ('schema_migrations', 'schema_migrations_lock')") {
		tb := table{Indexes: map[string]string{}}
		rows, err := db.Query("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position", name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var col, nullable string
			rows.Scan(&col, &nullable)
			tb.Columns = append(tb.Columns, column(col, nullable == "NO"))
		}
		rows.Close()
		rows, err = db.Query("SELECT index_name, non_unique, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name != 'PRIMARY' ORDER BY index_name, seq_in_index", name)
		if err != nil {
			t.Fatal(err)
		}
		cols := map[string][]string{}
		uniq := map[string]bool{}
		for rows.Next() {
			var idx, col string
			var nonUnique int
			rows.Scan(&idx, &nonUnique, &col)
			cols[idx] = append(cols[idx], col)
			uniq[idx] = nonUnique == 0
		}
		rows.Close()
		for idx, c := range cols {
			tb.Indexes[idx] = index(uniq[idx], c)
		}
		out[name] = tb
	}
	return out
}

var (
	createTable = regexp.MustCompile(`(?s)CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\) ENGINE`)
	columnLine  = regexp.MustCompile(`^\s*(\w+)\s+[A-Z]+`)
	keyLine     = regexp.MustCompile(`^\s*(UNIQUE KEY|KEY) (\w+) \(([^)]*)\)`)
	alterAdd    = regexp.MustCompile(`(?s)ALTER TABLE (\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w+) [^;]*?(NOT NULL|NULL)`)
	createIndex = regexp.MustCompile(`CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+) ON (\w+) \(([^)]*)\)`)
	dropIndex   = regexp.MustCompile(`DROP INDEX (\w+) ON (\w+)`)
)

// parseMySQLFiles reads the schema from the MySQL migrations as written.
func parseMySQLFiles(t *testing.T) schema {
	t.Helper()
	list, err := migrations.List(migrations.MySQL)
	if err != nil {
		t.Fatal(err)
	}
	out := schema{}
	for _, m := range list {
		for _, stmt := range migrations.Statements(m.SQL) {
			if c := createTable.FindStringSubmatch(stmt + "\n"); c != nil {
				tb := table{Indexes: map[string]string{}}
				for _, line := range strings.Split(c[2], "\n") {
					switch {
					case keyLine.MatchString(line):
						k := keyLine.FindStringSubmatch(line)
						tb.Indexes[k[2]] = index(k[1] == "UNIQUE KEY", splitCols(k[3]))
					case strings.HasPrefix(strings.TrimSpace(line), "PRIMARY KEY"):
					case columnLine.MatchString(line):
						col := columnLine.FindStringSubmatch(line)[1]
						tb.Columns = append(tb.Columns, column(col, strings.Contains(line, "NOT NULL")))
					}
				}
				out[c[1]] = tb
			}
			if a := alterAdd.FindStringSubmatch(stmt); a != nil {
				tb := out[a[1]]
				tb.Columns = append(tb.Columns, column(a[2], a[3] == "NOT NULL"))
				out[a[1]] = tb
			}
			if ci := createIndex.FindStringSubmatch(stmt); ci != nil {
				out[ci[3]].Indexes[ci[2]] = index(ci[1] != "", splitCols(ci[4]))
			}
			if di := dropIndex.FindStringSubmatch(stmt); di != nil {
				delete(out[di[2]].Indexes, di[1])
			}
		}
	}
	return out
}

func column(name string, notNull bool) string {
	if notNull {
		return name + " NOT NULL"
	}
	return name + " NULL"
}

func index(unique bool, cols []string) string {
	s := "(" + strings.Join(cols, ", ") + ")"
	if unique {
		return "UNIQUE " + s
	}
	return s
}

func splitCols(s string) []string {
	var cols []string
	for _, c := range strings.Split(s, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}

func strings1(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}
