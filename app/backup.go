package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"

	"zhaocuo/models"
)

// backupCommand writes a consistent copy of the database to a file:
//
//	go run ./app backup --out FILE
//
// SQLite: VACUUM INTO, a database file taken in one read transaction while the app runs.
// MySQL/MariaDB: the server's own dump tool (mariadb-dump, or mysqldump) with
// --single-transaction, an SQL file, also taken while the app runs.
func backupCommand(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("out", "", "")
	if err := fs.Parse(args); err != nil {
		return usageError{"backup: " + err.Error()}
	}
	if *file == "" {
		return usageError{"backup needs --out FILE"}
	}
	if _, err := os.Stat(*file); err == nil {
		return usageError{"backup: " + *file + " exists; choose a new file"}
	}
	if cfg.dialect == models.DialectSQLite {
		store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: models.NoWorker})
		if err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
		defer store.Close()
		if err := store.BackupSQLite(ctx, *file); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	} else {
		c, err := mysqlClient(cfg.dsn, "mariadb-dump", "mysqldump")
		if err != nil {
			return err
		}
		f, err := os.Create(*file)
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		err = c.run(ctx, nil, f, "--single-transaction", "--quick", "--hex-blob", "--routines",
			"--default-character-set=utf8mb4", "--no-tablespaces", c.db)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*file)
			return fmt.Errorf("backup: %w", err)
		}
	}
	fmt.Fprintf(out, "backup written to %s\n", *file)
	return nil
}

// restoreCommand loads a backup into the configured database, which must be empty (a database
// with tables is never overwritten):
//
//	go run ./app restore --in FILE
func restoreCommand(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("in", "", "")
	if err := fs.Parse(args); err != nil {
		return usageError{"restore: " + err.Error()}
	}
	if *file == "" {
		return usageError{"restore needs --in FILE"}
	}
	// The backup is streamed, never held in memory (a province's dump runs to gigabytes), and
	// may come down a pipe (--in /dev/stdin): its kind is told from a peek, not a seek.
	f, err := os.Open(*file)
	if err != nil {
		return usageError{"restore: " + err.Error()}
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 1<<20)
	header, _ := in.Peek(len(sqliteHeader))
	isSQLite := string(header) == sqliteHeader
	if cfg.dialect == models.DialectSQLite {
		if !isSQLite {
			return usageError{"restore: " + *file + " is not an SQLite backup"}
		}
		path := sqlitePath(cfg.dsn)
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return usageError{"restore: " + path + " exists; restore into a new file (stop the app, move it away)"}
		}
		if err := copyInto(path, in); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	} else {
		if isSQLite {
			return usageError{"restore: " + *file + " is an SQLite backup; DATABASE_URL is MySQL"}
		}
		store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: models.NoWorker})
		if err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
		tables, err := store.CountTables(ctx)
		store.Close()
		if err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
		if tables > 0 {
			return usageError{fmt.Sprintf("restore: the database already has %d tables; restore into an empty one", tables)}
		}
		c, err := mysqlClient(cfg.dsn, "mariadb", "mysql")
		if err != nil {
			return err
		}
		if err := c.run(ctx, in, nil, "--default-character-set=utf8mb4", c.db); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	fmt.Fprintf(out, "restored from %s\n", *file)
	return nil
}

// sqliteHeader begins every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// copyInto writes r to path by way of a temporary file beside it, so that a restore cut short
// leaves no half-written database where the app would open it.
func copyInto(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone by then if renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// sqlitePath is the file of an SQLite DSN (file:/path?pragmas).
func sqlitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// mysqlTool runs one of MySQL's command-line tools against the configured server.
type mysqlTool struct {
	bin, db string
	args    []string // connection arguments
	env     []string // the password, kept out of the process list
}

// mysqlClient finds the first of the named tools on PATH and prepares its connection arguments.
func mysqlClient(dsn string, names ...string) (*mysqlTool, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	t := &mysqlTool{db: cfg.DBName, env: append(os.Environ(), "MYSQL_PWD="+cfg.Passwd)}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			t.bin = p
			break
		}
	}
	if t.bin == "" {
		return nil, fmt.Errorf("neither %s is installed (the MariaDB or MySQL client package)", strings.Join(names, " nor "))
	}
	t.args = []string{"--user=" + cfg.User}
	if cfg.Net == "unix" {
		t.args = append(t.args, "--socket="+cfg.Addr)
	} else {
		host, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			host, port = cfg.Addr, "3306"
		}
		t.args = append(t.args, "--protocol=tcp", "--host="+host, "--port="+port)
	}
	return t, nil
}

func (t *mysqlTool) run(ctx context.Context, stdin io.Reader, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, t.bin, append(append([]string{}, t.args...), args...)...)
	cmd.Env, cmd.Stdin, cmd.Stdout = t.env, stdin, stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("%s: %s", t.bin, strings.TrimSpace(stderr.String()))
		}
		return err
	}
	return nil
}
