package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zhaocuo/models/indicator"
)

// Dialects the store runs on; the migrations package has a schema for each.
const (
	DialectMySQL  = "mysql"
	DialectSQLite = "sqlite"
)

// Clock tells the time. Tests drive days and holidays with a clock of their own.
type Clock interface{ Now() time.Time }

// SystemClock is the real time.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// Store is the only way to the database. Every public method takes a context first, and each one
// that writes more than one row does so in one transaction.
type Store struct {
	db      *gorm.DB
	dialect string
	dsn     string
	clock   Clock
	numbers ticketNumbers
	scores  *indicator.ScoreTable // nil: indicator.DefaultScoreTable()
	cache   cache
	writer  *reportWriter

	sessions sessions // the signed-in users a web replica keeps (store_sessions.go)
	opt      Options

	referenceFeed  ReferenceFeed // fixed at Open (store_reference_cache.go)
	referenceCheck time.Duration
}

// Options are what a store is opened with besides its database.
type Options struct {
	// Events receives what the report writer commits: a TicketCreated for each report of a group,
	// together, once the group is committed (the other writes return their events to the
	// caller). The program's dispatcher (jobs.Dispatcher); NoWorker for a command. Required.
	Events Dispatcher
	// Email: SMTP is configured, so the writes that tell people write e-mail deliveries too.
	Email bool
	// SessionTTL is how long a web replica keeps a signed-in user and their scope instead of
	// reading them for every request (0: read every time). UsersFeed, required with it, tells
	// the other replicas when users change (store_sessions.go).
	SessionTTL time.Duration
	UsersFeed  UsersFeed
	// ReferenceFeed tells the other replicas, right after a write commits, that the routing
	// table, settings, calendar or categories changed (store_reference_cache.go); nil for a
	// command with no replica to tell. ReferenceCheck is how often the version row is read when
	// no word came (0: DefaultReferenceCheck).
	ReferenceFeed  ReferenceFeed
	ReferenceCheck time.Duration
}

func (o Options) check() error {
	switch {
	case o.Events == nil:
		return errors.New("store: Options.Events is required (models.NoWorker for a command that runs no worker)")
	case o.SessionTTL > 0 && o.UsersFeed == nil:
		return errors.New("store: Options.UsersFeed is required to keep sessions")
	}
	return nil
}

// ParseDatabaseURL turns DATABASE_URL into a dialect and a driver DSN:
// mysql://user:pass@host:3306/db?params, mysql://user:pass@localhost/db?socket=/path/mysqld.sock
// (the server on this host, through its Unix socket) or sqlite:///path/file.db (also written
// sqlite:////path/file.db, SQLAlchemy's form of an absolute path).
func ParseDatabaseURL(raw string) (dialect, dsn string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("not a URL: %w", err)
	}
	switch u.Scheme {
	case "mysql":
		if u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return "", "", errors.New("expected mysql://user:pass@host:3306/dbname")
		}
		addr := "tcp(" + u.Host + ")"
		if u.Port() == "" {
			addr = "tcp(" + net.JoinHostPort(u.Hostname(), "3306") + ")"
		}
		params := u.Query()
		if socket := params.Get("socket"); socket != "" {
			// Any other parameter is passed to the driver, which sends the ones it does not
			// know to the server as session variables: this one is ours alone.
			if !strings.HasPrefix(socket, "/") || u.Hostname() != "localhost" {
				return "", "", errors.New("expected mysql://user:pass@localhost/dbname?socket=/absolute/path/mysqld.sock")
			}
			addr = "unix(" + socket + ")"
			params.Del("socket")
		}
		// Our parameters first; the URL's own may override them. interpolateParams sends each
		// query with its arguments in one round trip instead of prepare, execute and close
		// (safe with utf8mb4; the driver refuses it for the multibyte charsets where it is not).
		q := url.Values{
			"parseTime": {"true"}, "loc": {"UTC"}, "charset": {"utf8mb4"}, "interpolateParams": {"true"},
			"collation": {"utf8mb4_unicode_ci"}, "timeout": {"5s"}, "readTimeout": {"30s"}, "writeTimeout": {"30s"},
		}
		for k, vs := range params {
			q[k] = vs
		}
		cfg, err := mysqldriver.ParseDSN(addr + "/" + strings.Trim(u.Path, "/") + "?" + q.Encode())
		if err != nil {
			return "", "", err
		}
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
		return DialectMySQL, cfg.FormatDSN(), nil
	case "sqlite":
		p := u.Path
		if u.Host != "" { // sqlite://relative/path.db
			p = u.Host + u.Path
		}
		if p == "" || p == "/" {
			return "", "", errors.New("expected sqlite:///path/to/file.db")
		}
		// SQLAlchemy writes an absolute path with four slashes: "//path" would reach the driver
		// as a URI with a host, which it refuses with "out of memory".
		if strings.HasPrefix(p, "//") {
			p = "/" + strings.TrimLeft(p, "/")
		}
		return DialectSQLite, SQLiteDSN(p), nil
	default:
		return "", "", fmt.Errorf("unsupported scheme %q (mysql:// or sqlite://)", u.Scheme)
	}
}

// SQLiteDSN is the DSN for a SQLite file: WAL so readers do not wait for the writer, a busy timeout
// so writers queue instead of failing, and transactions that take the write lock at BEGIN (a
// transaction that reads first and writes later would otherwise fail at once when another
// connection wrote meanwhile). Times are written in the driver's default, sortable format; its
// _time_format parameter is left out because the driver stops reading parameters after it.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Open connects to the database. It does not migrate: the migrations package does that.
func Open(ctx context.Context, dialect, dsn string, clock Clock, opt Options) (*Store, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	var dialector gorm.Dialector
	switch dialect {
	case DialectMySQL:
		dialector = mysql.New(mysql.Config{DSN: dsn})
	case DialectSQLite:
		if p, ok := strings.CutPrefix(dsn, "file:"); ok {
			path := strings.SplitN(p, "?", 2)[0]
			if dir := filepath.Dir(path); dir != "" {
				if err := os.MkdirAll(dir, 0o750); err != nil {
					return nil, fmt.Errorf("store: cannot create the directory of the SQLite file %s: %w", path, err)
				}
			}
			// The driver reports a file it cannot open as "out of memory": opening it here first
			// gives the reason (a directory, no permission) with the path.
			f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
			if err != nil {
				return nil, fmt.Errorf("store: cannot open the SQLite file %s: %w", path, err)
			}
			f.Close()
		}
		dialector = sqlite.Open(dsn)
	default:
		return nil, fmt.Errorf("store: unknown dialect %q", dialect)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		SkipDefaultTransaction: true,
		// Prepared statements cost MySQL two extra round trips whenever they run inside a
		// transaction (prepared again on its connection, then closed); interpolateParams is used
		// there instead. SQLite is in process, where preparing once pays.
		PrepareStmt: dialect == DialectSQLite,
		Logger:      logger.Discard,
		NowFunc:     func() time.Time { return clock.Now().UTC().Truncate(time.Second) },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	switch dialect {
	case DialectMySQL:
		sqlDB.SetMaxOpenConns(64)
		sqlDB.SetMaxIdleConns(64)
		// Below MySQL's wait_timeout (8 h by default, often lowered by operators to minutes), so
		// the pool never hands out a connection the server has already closed.
		sqlDB.SetConnMaxLifetime(3 * time.Minute)
	case DialectSQLite:
		sqlDB.SetMaxOpenConns(8)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", dialect, err)
	}
	s := &Store{db: db, dialect: dialect, dsn: dsn, clock: clock, opt: opt}
	s.sessions.ttl, s.sessions.feed = opt.SessionTTL, opt.UsersFeed
	s.referenceFeed, s.referenceCheck = opt.ReferenceFeed, opt.ReferenceCheck
	if s.referenceFeed == nil {
		s.referenceFeed = quietReference{}
	}
	if s.referenceCheck <= 0 {
		s.referenceCheck = DefaultReferenceCheck
	}
	if err := s.watchReferenceWrites(db); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: watch reference writes: %w", err)
	}
	if err := s.watchWrites(db); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: watch writes: %w", err)
	}
	// SQLite takes one writer at a time anyway. On MySQL, fewer writers make bigger groups and
	// fewer round trips (measured on two cores, 64 clients: 8 writers 1,770 reports/s, 4: 2,430,
	// 2: 3,140, 1: 3,540); two, so that one slow transaction (a 5 MB screenshot) never holds
	// every report.
	writers := 2
	if dialect == DialectSQLite {
		writers = 1
	}
	s.writer = newReportWriter(s, writers)
	return s, nil
}

// Reopen opens another store on the same database, with its own connections and options:
// another replica.
func (s *Store) Reopen(ctx context.Context, clock Clock, opt Options) (*Store, error) {
	return Open(ctx, s.dialect, s.dsn, clock, opt)
}

// Dialect returns DialectMySQL or DialectSQLite.
func (s *Store) Dialect() string { return s.dialect }

// SQLDB returns the connection pool, for migrations and health checks.
func (s *Store) SQLDB() *sql.DB {
	db, _ := s.db.DB()
	return db
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.SQLDB().PingContext(ctx) }

// Close writes the reports already handed over, then closes the connection pool.
func (s *Store) Close() error {
	s.writer.close()
	return s.SQLDB().Close()
}

// now is the store's current time, in UTC and to the second: the database keeps seconds, and a
// deadline at 23:59:59 must compare the same before and after a round trip.
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// translate turns driver errors into the error kinds callers act on.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound), errors.Is(err, sql.ErrNoRows):
		return &Error{Kind: KindNotFound, Message: "未找到", Err: err}
	case isDuplicate(err):
		return &Error{Kind: KindConflict, Message: "记录已存在", Err: err}
	case isUnavailable(err):
		return &Error{Kind: KindUnavailable, Message: "数据库暂时无法访问，请稍后再试", Err: fmt.Errorf("store: %s: %w", what, err)}
	case isContended(err):
		return &Error{Kind: KindUnavailable, Message: "系统繁忙，请稍后再试", Err: fmt.Errorf("store: %s: %w", what, err)}
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func isDuplicate(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isContended: the transaction lost a deadlock or waited too long for a lock; nothing was
// written, and the same request a moment later succeeds.
func isContended(err error) bool {
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

func isUnavailable(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		// Too many connections (server-wide, per user): the server is there but full. 1047: a
		// Galera node not synced with its cluster refuses work until it is; 1180: it lost the
		// cluster during a commit, which it rolled back.
		return me.Number == 1040 || me.Number == 1203 || me.Number == 1047 || me.Number == 1180
	}
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysqldriver.ErrInvalidConn) ||
		errors.As(err, &oe) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "database is locked")
}

// cache keeps the small tables read on every report (settings, calendar, categories, routes).
// This process's own changes show at once; another replica's at once through the reference feed,
// and, should its word be lost, within ReferenceCheck through the version row
// (store_reference_cache.go). cacheTTL is the last resort, for a change made past the store.
type cache struct {
	mu         sync.Mutex
	settings   *Settings
	calendar   *Calendar
	categories []Category
	routes     map[string][]routeEntry // host → its websites' path prefixes
	loadedAt   time.Time
	version    string    // the reference version the copy was loaded at
	checkedAt  time.Time // when the version was last compared
}

const cacheTTL = 5 * time.Minute

// reference returns the cached settings, calendar and categories, reloading them (and the
// routing table) when stale.
func (s *Store) reference(ctx context.Context) (Settings, *Calendar, []Category, error) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.referenceFresh(ctx) {
		return *s.cache.settings, s.cache.calendar, s.cache.categories, nil
	}
	// The version first: a write that commits while the tables are read leaves the copy at the
	// older version, read again at the next check.
	version, err := s.referenceVersion(ctx)
	if err != nil {
		return Settings{}, nil, nil, err
	}
	routes, err := s.loadRoutes(ctx)
	if err != nil {
		return Settings{}, nil, nil, err
	}
	settings, err := s.loadSettings(ctx)
	if err != nil {
		return Settings{}, nil, nil, err
	}
	cal, err := s.loadCalendar(ctx)
	if err != nil {
		return Settings{}, nil, nil, err
	}
	var cats []Category
	if err := s.db.WithContext(ctx).Order("sort_order, id").Find(&cats).Error; err != nil {
		return Settings{}, nil, nil, translate(err, "load categories")
	}
	s.cache.settings, s.cache.calendar, s.cache.categories, s.cache.routes = &settings, cal, cats, routes
	s.cache.version, s.cache.loadedAt, s.cache.checkedAt = version, time.Now(), time.Now()
	return settings, cal, cats, nil
}
