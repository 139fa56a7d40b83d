// Command app is 找错: the web server, the worker and the scheduler in one binary, and the
// commands that look after its database.
//
//	go run ./app                     serve (ROLE=all|web|worker)
//	go run ./app migrate             apply the database migrations
//	go run ./app seed --demo         load the demo registry and logins
//	go run ./app calendar import F   import a year's working-day calendar (holiday-cn JSON)
//	go run ./app inspect [--json] URL...  inspect websites now and print the findings
//	go run ./app circular --region R --period 2025Q1 --format html|docx|xlsx|json [--out FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai on hosts and images without a zone database

	"github.com/go-sql-driver/mysql"

	"zhaocuo/app/loadtest"
	"zhaocuo/migrations"
	"zhaocuo/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const usage = `usage: app [command]

commands:
  serve                     run the web server, worker and scheduler (the default; ROLE chooses)
  migrate                   apply the database migrations and exit
  seed --demo               load the demo registry and demo logins (password: DEMO_PASSWORD or random)
  calendar import FILE      import a year's working-day calendar (holiday-cn JSON format)
  calendar set DATE work|off [NAME]
                            make one day a working day or an off day, whatever the notice says
  inspect [--json] [--max-pages N] [--max-time D] [--allow-private CIDR,...] URL...
                            inspect the given websites now (registered or not) and print the
                            findings; --json prints one object per site and line; private
                            addresses are not fetched unless --allow-private names their ranges
` + loadtest.Usage + `  circular --region R --period 2025Q1 [--format html|docx|xlsx|json] [--out FILE]
           [--decimals 2] [--cutoff DATE] [--deadline DATE] [--issue-date DATE] [--doc-number 文号]
                            draft a region's inspection circular (通报) from the data; R is the
                            region's name (四川省) or code (510000)
  backup --out FILE         a consistent copy of the database, taken while the app runs
                            (SQLite: a database file; MySQL: an SQL dump by mariadb-dump or mysqldump)
  restore --in FILE         load a backup into the configured database, which must be empty

settings come from the environment: see README.md.
`

// run is main with its surroundings passed in, so tests can run the program as a user would.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if cmd == "inspect" { // needs no database and no settings
		return inspectCommand(ctx, args, stdout, stderr)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "找错: bad setting: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	// The MySQL driver writes lines of its own (a pooled connection found closed, say): into the
	// same log, as JSON where the log is JSON.
	mysql.SetLogger(slog.NewLogLogger(log.With("component", "mysql").Handler(), slog.LevelWarn))
	switch cmd {
	case "serve":
		err = Run(ctx, cfg, stdout, log, models.SystemClock{}, nil)
	case "migrate":
		err = migrate(ctx, cfg, log, stdout)
	case "seed":
		err = seed(ctx, cfg, log, args, stdout)
	case "calendar":
		err = calendar(ctx, cfg, log, args, stdout)
	case "circular":
		err = circularCommand(ctx, cfg, log, args, stdout)
	case "backup":
		err = backupCommand(ctx, cfg, args, stdout)
	case "restore":
		err = restoreCommand(ctx, cfg, args, stdout)
	case "registry":
		err = registryCommand(ctx, cfg, log, args, stdout)
	case "loadtest":
		err = loadtest.Run(ctx, loadtest.Env{Dialect: cfg.dialect, DemoPassword: cfg.DemoPassword, Log: log,
			OpenStore: func(ctx context.Context) (*models.Store, error) {
				return openStore(ctx, cfg, newLogger(cfg, io.Discard), models.SystemClock{})
			}}, args, stdout)
	default:
		fmt.Fprintf(stderr, "找错: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		var ue usageError
		var lue loadtest.UsageError
		if errors.As(err, &ue) || errors.As(err, &lue) {
			fmt.Fprintf(stderr, "找错: %v\n\n%s", err, usage)
			return 2
		}
		fmt.Fprintf(stderr, "找错: %v\n", err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func migrate(ctx context.Context, cfg *Config, log *slog.Logger, out io.Writer) error {
	store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: models.NoWorker})
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer store.Close()
	applied, err := migrations.Apply(ctx, store.SQLDB(), cfg.dialect)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d migrations applied %v\n", len(applied), applied)
	years, err := store.ImportShippedCalendars(ctx)
	if err != nil {
		return err
	}
	if len(years) > 0 {
		fmt.Fprintf(out, "working-day calendars imported: %v\n", years)
	}
	n, err := store.FillPublishedDescriptions(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(out, "published descriptions masked for 留言选登: %d\n", n)
	}
	return nil
}

func seed(ctx context.Context, cfg *Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.Bool("demo", false, "load the demo registry and logins")
	if err := fs.Parse(args); err != nil || !*demo {
		return usageError{"seed needs --demo"}
	}
	store, err := openStore(ctx, cfg, log, models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	password := cfg.DemoPassword
	if password == "" {
		password = randomPassword()
	}
	counts, err := store.SeedDemo(ctx, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Demo data: %d regions, %d units, %d websites, %d accounts added.\n", counts.Regions, counts.Units, counts.Websites, counts.Accounts)
	printLogins(out, password)
	return nil
}

func calendar(ctx context.Context, cfg *Config, log *slog.Logger, args []string, out io.Writer) error {
	if len(args) < 1 {
		return usageError{"calendar needs import FILE or set DATE work|off"}
	}
	store, err := openStore(ctx, cfg, log, models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	switch {
	case args[0] == "import" && len(args) == 2:
		data, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		year, days, err := store.ImportHolidayNotice(ctx, data)
		if err != nil {
			return fmt.Errorf("%s: %s", args[1], models.ErrorMessage(err))
		}
		fmt.Fprintf(out, "calendar %d imported: %d days\n", year, days)
		return recountDeadlines(ctx, store, out)
	case args[0] == "set" && (len(args) == 3 || len(args) == 4) && (args[2] == "work" || args[2] == "off"):
		day, err := models.ParseDate(args[1])
		if err != nil {
			return usageError{err.Error()}
		}
		name := ""
		if len(args) == 4 {
			name = args[3]
		}
		if err := store.SetCalendarDay(ctx, day, args[2] == "off", name); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s is now a %s day\n", day, map[string]string{"work": "working", "off": "off"}[args[2]])
		return recountDeadlines(ctx, store, out)
	}
	return usageError{"calendar needs import FILE or set DATE work|off [NAME]"}
}

// recountDeadlines recounts the open deadlines the calendar change touched (their reminders
// follow at the worker's next reconcile: this command queues nothing).
func recountDeadlines(ctx context.Context, store *models.Store, out io.Writer) error {
	r, err := store.RecountDeadlines(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "deadlines recounted: %d moved (%d earlier)\n", r.Moved, r.Earlier)
	return nil
}
