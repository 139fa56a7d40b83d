package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"zhaocuo/handlers"
	"zhaocuo/jobs"
	"zhaocuo/migrations"
	"zhaocuo/models"
	"zhaocuo/static"
	"zhaocuo/templates"
)

// Run is the composition root: it builds the store, Redis, the queue client, worker, scheduler and
// web server the role asks for, starts them, and blocks until ctx ends; then it stops them in
// order. onListen, when given, learns the web server's address (tests listen on :0).
func Run(ctx context.Context, cfg *Config, out io.Writer, log *slog.Logger, clock models.Clock, onListen func(addr string)) error {
	if err := cfg.ensureSecret(); err != nil {
		return err
	}
	// Redis and the queue client first: the store is given, at Open, the dispatcher that queues
	// what its writes commit and the feed that tells the other web replicas when users change.
	rds, err := openRedis(cfg, log)
	if err != nil {
		return err
	}
	defer rds.Close()
	queue := asynq.NewClient(rds.opt)
	defer queue.Close()
	web := cfg.Role == RoleAll || cfg.Role == RoleWeb
	events := jobs.NewDispatcher(queue, log.With("component", "jobs"))
	// Every replica, web or worker, keeps the routing table and the calendar, and hears of
	// changes to them through the reference feed.
	reference := jobs.NewReferenceFeed(rds.client, log)
	opt := models.Options{Events: events, Email: cfg.smtp != nil, ReferenceFeed: reference}
	var users *jobs.UsersFeed // a web replica keeps signed-in users, and hears of changes through it
	if web && cfg.SessionCacheTTL > 0 {
		users = jobs.NewUsersFeed(rds.client, cfg.SessionCacheTTL, log)
		opt.SessionTTL, opt.UsersFeed = cfg.SessionCacheTTL, users
	}
	store, err := openStoreWith(ctx, cfg, log, clock, opt)
	if err != nil {
		return err
	}
	// The database closes before the queue client and Redis: closing the store finishes the
	// report writer, whose last groups' events still go to the queue.
	defer store.Close()
	referenceListening := reference.Listen(store)
	defer referenceListening.Stop()

	if cfg.embedded {
		if err := seedEmbedded(ctx, cfg, store, out); err != nil {
			return err
		}
	}

	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	inspector := asynq.NewInspector(rds.opt)
	defer inspector.Close()
	registry.MustRegister(newQueueCollector(inspector))
	if cfg.MetricsAddr != "" {
		addr, stopMetrics, err := serveMetrics(cfg.MetricsAddr, registry)
		if err != nil {
			return err
		}
		defer stopMetrics()
		log.Info("metrics listening", "addr", addr)
	}
	if allowed := cfg.Egress.String(); allowed != "" {
		log.Info("fetches may reach these ranges of the server's own network", "FETCH_ALLOW_PRIVATE", allowed)
	}

	jobDeps := jobs.Deps{Store: store, Queue: queue, Redis: rds.client, Clock: clock, Logger: log.With("component", "jobs"),
		Sender: &jobs.Sender{SMTP: cfg.smtp, PublicURL: cfg.PublicURL, Egress: cfg.Egress},
		Egress: cfg.Egress, Browser: cfg.Browser, FigureKey: cfg.figureKey(), PageChecks: true}

	// The worker and the scheduler.
	var worker, crawler *asynq.Server
	var periodic *periodicLeader
	if cfg.Role == RoleAll || cfg.Role == RoleWorker {
		// Two servers over one mux: the crawls have slots of their own (jobs.CrawlServer), so a
		// round that fills them all leaves every slot of reminders, deliveries and imports free.
		jobDeps.MaxCrawls, jobDeps.CrawlMemory = cfg.MaxCrawls, int64(cfg.CrawlMemoryMB)<<20
		if cfg.GoMemoryLimit > 0 {
			debug.SetMemoryLimit(cfg.GoMemoryLimit)
		}
		mux := asynq.NewServeMux()
		jobs.Register(mux, jobDeps)
		worker = asynq.NewServer(rds.opt, workerConfig(jobs.WorkerServer(cfg.WorkerConcurrency), log))
		if err := worker.Start(mux); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		crawler = asynq.NewServer(rds.opt, workerConfig(jobs.CrawlServer(cfg.MaxCrawls), log))
		if err := crawler.Start(mux); err != nil {
			return fmt.Errorf("start crawler: %w", err)
		}
		// One worker replica at a time runs the periodic scheduler (jobs/leader.go).
		periodic = startPeriodicLeader(ctx, cfg, rds, log)
		// Rebuild the reminder schedule from the database at start: Redis may be new.
		task, opts := jobs.ReconcileAtStart()
		if _, err := queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrDuplicateTask) {
			log.Warn("start-up reconcile not queued; the periodic one will run", "error", err)
		}
	}

	// The web server.
	var srv *http.Server
	var sessions *jobs.Listening
	serveErr := make(chan error, 1)
	if web {
		assets, err := static.Load()
		if err != nil {
			return err
		}
		tmpl, err := templates.New(handlers.TemplateFuncs(assets))
		if err != nil {
			return err
		}
		if users != nil {
			sessions = users.Listen(store) // another replica's word makes this one's store forget
		}
		h, err := handlers.New(handlers.Deps{
			Store: store, Templates: tmpl, Assets: assets, Events: events, Redis: rds.client, Registry: registry,
			QueueInspector: rds.opt, Logger: log, Secret: cfg.JWTSecret, Captcha: cfg.Captcha, RateLimit: cfg.RateLimit,
			TrustedProxies: cfg.TrustedProxies, Clock: clock, Inspection: inspectionSource(store),
			Ready: func(ctx context.Context) error {
				if err := store.Ping(ctx); err != nil {
					return fmt.Errorf("database: %w", err)
				}
				if err := rds.client.Ping(ctx).Err(); err != nil {
					return fmt.Errorf("redis: %w", err)
				}
				return nil
			},
			StatsCacheTTL: cfg.StatsCacheTTL, MetricsToken: cfg.MetricsToken,
		})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("ADDR: %w", err)
		}
		srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
			WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		go func() { serveErr <- srv.Serve(ln) }()
		addr := ln.Addr().String()
		log.Info("listening", "addr", addr, "role", cfg.Role, "database", cfg.dialect, "redis", rds.describe())
		if onListen != nil {
			onListen(addr)
		}
		if cfg.embedded {
			fmt.Fprintf(out, "\n找错 is running: %s  (citizens' page; staff sign in at /login)\n", localURL(addr))
		}
	} else {
		log.Info("worker running", "role", cfg.Role, "database", cfg.dialect, "redis", rds.describe())
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("web server stopped", "error", err)
		}
	}

	// Shutdown, in order: stop taking requests and listening to the other replicas, stop
	// enqueuing periodic work, let running tasks finish; the database, the queue client and Redis
	// close through the defers above.
	log.Info("shutting down")
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("web server shutdown", "error", err)
		}
		cancel()
	}
	if sessions != nil {
		sessions.Stop()
	}
	if periodic != nil {
		periodic.Shutdown()
	}
	if crawler != nil {
		crawler.Shutdown() // a crawl cut short goes back to its queue, for another worker
	}
	if worker != nil {
		worker.Shutdown()
	}
	return nil
}

// workerConfig completes a worker server's configuration with the program's logging.
func workerConfig(c asynq.Config, log *slog.Logger) asynq.Config {
	c.Logger = asynqLogger{log.With("component", "worker")}
	c.ShutdownTimeout = 20 * time.Second
	c.ErrorHandler = asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
		if jobs.IsFailure(err) {
			log.Warn("task failed", "type", t.Type(), "error", err)
		}
	})
	return c
}

// openStore is openStoreWith for a command that runs no worker (models.NoWorker).
func openStore(ctx context.Context, cfg *Config, log *slog.Logger, clock models.Clock) (*models.Store, error) {
	return openStoreWith(ctx, cfg, log, clock, models.Options{Events: models.NoWorker})
}

// openStoreWith connects, applies the migrations and imports the shipped calendars.
func openStoreWith(ctx context.Context, cfg *Config, log *slog.Logger, clock models.Clock, opt models.Options) (*models.Store, error) {
	store, err := models.Open(ctx, cfg.dialect, cfg.dsn, clock, opt)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if cfg.dialect == models.DialectMySQL {
		// Every replica opens up to this many: together they must stay under max_connections.
		store.SQLDB().SetMaxOpenConns(cfg.DBMaxConns)
		store.SQLDB().SetMaxIdleConns(cfg.DBMaxConns)
	}
	applied, err := migrations.Apply(ctx, store.SQLDB(), cfg.dialect)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "migrations", applied)
	}
	years, err := store.ImportShippedCalendars(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(years) > 0 {
		log.Info("working-day calendars imported", "years", years)
	}
	if n, err := store.FillPublishedDescriptions(ctx); err != nil {
		store.Close()
		return nil, err
	} else if n > 0 {
		log.Info("published descriptions masked for 留言选登", "tickets", n)
	}
	warnMissingCalendar(ctx, store, log, clock)
	return store, nil
}

// warnMissingCalendar: deadlines reaching into a year without its notice are estimates, so say
// so from November on, when the State Council's notice for next year is due.
func warnMissingCalendar(ctx context.Context, store *models.Store, log *slog.Logger, clock models.Clock) {
	cal, err := store.Calendar(ctx)
	if err != nil {
		return
	}
	now := models.DateOf(clock.Now())
	for _, y := range []int{now.Year, now.Year + 1} {
		if y == now.Year+1 && now.Month < 11 {
			continue
		}
		if !cal.Known(y) {
			log.Warn("no working-day calendar for this year: deadlines into it count weekends only and are flagged; import the State Council notice (go run ./app calendar import FILE)", "year", y)
		}
	}
}

// serveDebug serves the Go profiler on its own listener, never on the public one.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("DEBUG_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("profiler listening", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}

// serveMetrics serves /metrics on its own listener, for a scraper on a private network: the
// public listener serves it only with METRICS_TOKEN. It runs in every role, so workers are
// scraped too.
func serveMetrics(addr string, registry *prometheus.Registry) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", handlers.MetricsHandler(registry))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}

func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// queueCollector reports the size of every asynq queue by state, at scrape time.
type queueCollector struct {
	inspector *asynq.Inspector
	size      *prometheus.Desc
}

func newQueueCollector(in *asynq.Inspector) *queueCollector {
	return &queueCollector{inspector: in, size: prometheus.NewDesc("zhaocuo_queue_tasks",
		"Tasks in each asynq queue by state.", []string{"queue", "state"}, nil)}
}

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- q.size }

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	queues, err := q.inspector.Queues()
	if err != nil {
		return
	}
	for _, name := range queues {
		info, err := q.inspector.GetQueueInfo(name)
		if err != nil {
			continue
		}
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived, "completed": info.Completed} {
			ch <- prometheus.MustNewConstMetric(q.size, prometheus.GaugeValue, float64(n), name, state)
		}
	}
}

// redisConn is the Redis the process uses: the configured one, or an in-process one.
type redisConn struct {
	opt      asynq.RedisConnOpt
	client   redis.UniversalClient
	embedded *embeddedRedis
}

func (r *redisConn) describe() string {
	switch o := r.opt.(type) {
	case asynq.RedisFailoverClientOpt:
		return fmt.Sprintf("sentinel (master %s, %d sentinels)", o.MasterName, len(o.SentinelAddrs))
	case asynq.RedisClusterClientOpt:
		return fmt.Sprintf("cluster (%d seed nodes)", len(o.Addrs))
	}
	if r.embedded != nil {
		return "in-process"
	}
	return "external"
}

func (r *redisConn) Close() {
	r.client.Close()
	if r.embedded != nil {
		r.embedded.Close()
	}
}

func openRedis(cfg *Config, log *slog.Logger) (*redisConn, error) {
	if cfg.RedisURL == "" {
		e, err := startEmbeddedRedis()
		if err != nil {
			return nil, err
		}
		opt := asynq.RedisClientOpt{Addr: e.Addr()}
		return &redisConn{opt: opt, client: opt.MakeRedisClient().(redis.UniversalClient), embedded: e}, nil
	}
	opt := cfg.redis
	client, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, errors.New("REDIS_URL: unsupported connection type")
	}
	return &redisConn{opt: opt, client: client}, nil
}

// asynqLogger hands asynq's log lines to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
