package models

import (
	"strings"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// DATABASE_URL is the one setting every deployment writes by hand: each form the README lists
// reaches the driver as meant, and a mistaken one is refused with the form expected.
func TestParseDatabaseURLReadsEveryDocumentedForm(t *testing.T) {
	for _, c := range []struct {
		url, net, addr, user, passwd, db string
	}{
		{"mysql://app:s%40cret@db.internal:3307/zhaocuo", "tcp", "db.internal:3307", "app", "s@cret", "zhaocuo"},
		{"mysql://root@127.0.0.1/test", "tcp", "127.0.0.1:3306", "root", "", "test"},
		{"mysql://app:pw@localhost/zhaocuo?socket=/run/mysqld/mysqld.sock", "unix", "/run/mysqld/mysqld.sock", "app", "pw", "zhaocuo"},
	} {
		dialect, dsn, err := ParseDatabaseURL(c.url)
		if err != nil || dialect != DialectMySQL {
			t.Fatalf("%s: %q, %v", c.url, dialect, err)
		}
		cfg, err := mysqldriver.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("%s: the DSN %q does not parse: %v", c.url, dsn, err)
		}
		if cfg.Net != c.net || cfg.Addr != c.addr || cfg.User != c.user || cfg.Passwd != c.passwd || cfg.DBName != c.db {
			t.Errorf("%s: %s %s user %q password %q database %q", c.url, cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName)
		}
		if !cfg.ParseTime || !cfg.InterpolateParams || cfg.Loc.String() != "UTC" {
			t.Errorf("%s: our defaults lost: parseTime %v interpolateParams %v loc %v", c.url, cfg.ParseTime, cfg.InterpolateParams, cfg.Loc)
		}
		// Unknown parameters go to the server as session variables: "socket" must not.
		if _, ok := cfg.Params["socket"]; ok {
			t.Errorf("%s: socket passed on to the server as a variable", c.url)
		}
	}

	// The URL's own parameters override ours.
	_, dsn, err := ParseDatabaseURL("mysql://root@127.0.0.1/test?timeout=1s&tls=preferred")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := mysqldriver.ParseDSN(dsn); cfg.Timeout.String() != "1s" || cfg.TLSConfig != "preferred" {
		t.Errorf("the URL's parameters not taken: timeout %v tls %q", cfg.Timeout, cfg.TLSConfig)
	}

	if dialect, dsn, err := ParseDatabaseURL("sqlite:///var/lib/zhaocuo/zhaocuo.db"); err != nil || dialect != DialectSQLite ||
		!strings.HasPrefix(dsn, "file:/var/lib/zhaocuo/zhaocuo.db?") {
		t.Errorf("sqlite: %q %q %v", dialect, dsn, err)
	}

	for _, c := range []struct{ url, says string }{
		{"mysql://root@127.0.0.1:3306/", "mysql://user:pass@host:3306/dbname"},
		{"mysql://app@db.internal/zhaocuo?socket=/run/mysqld/mysqld.sock", "localhost/dbname?socket="},
		{"mysql://app@localhost/zhaocuo?socket=mysqld.sock", "/absolute/path"},
		{"postgres://localhost/zhaocuo", "unsupported scheme"},
		{"sqlite://", "sqlite:///path"},
	} {
		if _, _, err := ParseDatabaseURL(c.url); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", c.url, err, c.says)
		}
	}
}

// On a Galera cluster whose balancer spreads reads over the nodes, the README has the URL carry
// wsrep_sync_wait: it reaches the driver as a session variable, set on every connection.
func TestParseDatabaseURLPassesWsrepSyncWaitToEveryConnection(t *testing.T) {
	_, dsn, err := ParseDatabaseURL("mysql://app:pw@127.0.0.1:4306/zhaocuo?wsrep_sync_wait=1")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Params["wsrep_sync_wait"] != "1" {
		t.Fatalf("wsrep_sync_wait not among the session variables: %v", cfg.Params)
	}
}
