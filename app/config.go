package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/handlers"
	"zhaocuo/jobs"
	"zhaocuo/jobs/egress"
	"zhaocuo/models"
)

// Config is every setting, read once from the environment at start-up and passed down.
// A secret NAME may also come from the file NAME_FILE names (Docker and Kubernetes secrets).
type Config struct {
	Addr              string        // ADDR: where the web server listens
	SMTPURL           string        // SMTP_URL: smtp://user:pass@host:587?from=addr; e-mail is off when unset
	DebugAddr         string        // DEBUG_ADDR: where net/http/pprof listens, if anywhere (keep it private)
	Role              string        // ROLE: all (web + worker + scheduler), web, or worker
	DataDir           string        // DATA_DIR: the embedded default's files (SQLite, secrets)
	DatabaseURL       string        // DATABASE_URL: mysql://… or sqlite:///…; empty = SQLite under DataDir
	RedisURL          string        // REDIS_URL: redis://, redis-sentinel://, redis-cluster:// (redisurl.go); empty = an in-process Redis
	JWTSecret         []byte        // JWT_SECRET: generated and kept under DataDir when not given
	Captcha           bool          // CAPTCHA: on (default) or off, for scripted use
	RateLimit         int           // RATE_LIMIT: reports per client per hour; 0 turns the limits off
	DemoPassword      string        // DEMO_PASSWORD: the demo logins' password; random when unset
	TrustedProxies    []string      // TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed
	PublicURL         string        // PUBLIC_URL: the address citizens use, for links in e-mails
	LogLevel          string        // LOG_LEVEL: debug, info, warn, error
	LogFormat         string        // LOG_FORMAT: text or json
	ReconcileEvery    time.Duration // RECONCILE_EVERY: how often the reminder schedule is rebuilt from the database
	WorkerConcurrency int           // WORKER_CONCURRENCY: tasks one worker runs at once, crawls aside
	MaxCrawls         int           // INSPECT_MAX_CRAWLS: site crawls one worker runs at most at once
	CrawlMemoryMB     int           // INSPECT_MEMORY_MB: a worker starts no new crawl while its heap is above this
	// GoMemoryLimit is a worker's soft memory limit for the Go runtime, 3/2 of INSPECT_MEMORY_MB:
	// the collector works harder as the heap nears it, rather than let it grow to twice what is
	// live. 0 when GOMEMLIMIT is set, which the runtime reads itself.
	GoMemoryLimit   int64
	StatsCacheTTL   time.Duration // STATS_CACHE_TTL: how long a computed rates table serves other views of it (0: off)
	SessionCacheTTL time.Duration // SESSION_CACHE_TTL: how long a web replica keeps a signed-in user and scope (0: off)
	DBMaxConns      int           // DATABASE_MAX_CONNS: connections one process opens to MySQL (replicas × this < max_connections)
	MetricsAddr     string        // METRICS_ADDR: where /metrics listens on its own, if anywhere (keep it private)
	MetricsToken    string        // METRICS_TOKEN: a Bearer token that opens /metrics on ADDR; without it /metrics is not served there
	Egress          egress.Guard  // FETCH_ALLOW_PRIVATE: ranges of the server's own network that fetches may reach (intranet sites)
	Browser         string        // INSPECT_BROWSER: Chromium for the crawler's script pages (workers only); "" = none

	// Derived.
	smtp         *jobs.SMTPConfig
	redis        asynq.RedisConnOpt // from REDIS_URL
	dialect, dsn string
	embedded     bool // no DATABASE_URL: the one-command default with demo data
}

// Roles a process can run as.
const (
	RoleAll    = "all"
	RoleWeb    = "web"
	RoleWorker = "worker"
)

// LoadConfig reads the configuration. Every error names the variable at fault.
func LoadConfig(getenv func(string) string) (*Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	secret := func(name string) (string, error) {
		if v := getenv(name); v != "" {
			return v, nil
		}
		if f := getenv(name + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
		return "", nil
	}
	cfg := &Config{
		Addr:        env("ADDR", ":8080"),
		DebugAddr:   env("DEBUG_ADDR", ""),
		MetricsAddr: env("METRICS_ADDR", ""),
		Role:        env("ROLE", RoleAll),
		DataDir:     env("DATA_DIR", "data"),
		PublicURL:   env("PUBLIC_URL", ""),
		LogLevel:    env("LOG_LEVEL", "info"),
		LogFormat:   env("LOG_FORMAT", "text"),
	}
	var err error
	if cfg.DatabaseURL, err = secret("DATABASE_URL"); err != nil {
		return nil, err
	}
	if cfg.RedisURL, err = secret("REDIS_URL"); err != nil {
		return nil, err
	}
	if cfg.SMTPURL, err = secret("SMTP_URL"); err != nil {
		return nil, err
	}
	if cfg.DemoPassword, err = secret("DEMO_PASSWORD"); err != nil {
		return nil, err
	}
	jwt, err := secret("JWT_SECRET")
	if err != nil {
		return nil, err
	}
	if cfg.MetricsToken, err = secret("METRICS_TOKEN"); err != nil {
		return nil, err
	}

	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("ADDR: %q is not host:port (e.g. :8080): %v", cfg.Addr, err)
	}
	if cfg.DebugAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.DebugAddr); err != nil {
			return nil, fmt.Errorf("DEBUG_ADDR: %q is not host:port (e.g. 127.0.0.1:6060): %v", cfg.DebugAddr, err)
		}
	}
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return nil, fmt.Errorf("METRICS_ADDR: %q is not host:port (e.g. 127.0.0.1:9090): %v", cfg.MetricsAddr, err)
		}
	}
	if cfg.MetricsToken != "" && len(cfg.MetricsToken) < 32 {
		return nil, errors.New("METRICS_TOKEN: at least 32 characters (e.g. openssl rand -hex 16)")
	}
	if cfg.Egress, err = egress.ParseAllow(env("FETCH_ALLOW_PRIVATE", "")); err != nil {
		return nil, fmt.Errorf("FETCH_ALLOW_PRIVATE: %v", err)
	}
	switch cfg.Role {
	case RoleAll, RoleWeb, RoleWorker:
	default:
		return nil, fmt.Errorf("ROLE: %q is not one of all, web, worker", cfg.Role)
	}
	// Only a worker crawls, so only a worker needs the browser: a web replica's image may lack it.
	if b := env("INSPECT_BROWSER", ""); b != "" && cfg.Role != RoleWeb {
		if cfg.Browser, err = exec.LookPath(b); err != nil {
			return nil, fmt.Errorf("INSPECT_BROWSER: %q is not an executable browser (e.g. /usr/bin/chromium): %v", b, err)
		}
	}
	if cfg.DatabaseURL == "" {
		cfg.embedded = true
		cfg.dialect, cfg.dsn = models.DialectSQLite, models.SQLiteDSN(filepath.Join(cfg.DataDir, "zhaocuo.db"))
	} else if cfg.dialect, cfg.dsn, err = models.ParseDatabaseURL(cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %v", err)
	}
	if cfg.SMTPURL != "" {
		if cfg.smtp, err = jobs.ParseSMTPURL(cfg.SMTPURL); err != nil {
			return nil, fmt.Errorf("SMTP_URL: %v", err)
		}
	}
	if cfg.RedisURL != "" {
		if cfg.redis, err = ParseRedisURL(cfg.RedisURL); err != nil {
			return nil, fmt.Errorf("REDIS_URL: %v", err)
		}
	}
	if cfg.Role != RoleAll && (cfg.DatabaseURL == "" || cfg.RedisURL == "") {
		return nil, fmt.Errorf("ROLE: %s replicas share work through the database and Redis: set DATABASE_URL and REDIS_URL", cfg.Role)
	}
	switch v := strings.ToLower(env("CAPTCHA", "on")); v {
	case "on", "true", "1":
		cfg.Captcha = true
	case "off", "false", "0":
		cfg.Captcha = false
	default:
		return nil, fmt.Errorf("CAPTCHA: %q is neither on nor off", v)
	}
	if cfg.RateLimit, err = strconv.Atoi(env("RATE_LIMIT", "20")); err != nil || cfg.RateLimit < 0 {
		return nil, fmt.Errorf("RATE_LIMIT: %q is not a number of reports per hour (0 turns the limit off)", env("RATE_LIMIT", ""))
	}
	if cfg.WorkerConcurrency, err = strconv.Atoi(env("WORKER_CONCURRENCY", "10")); err != nil || cfg.WorkerConcurrency < 1 {
		return nil, fmt.Errorf("WORKER_CONCURRENCY: %q is not a positive number", env("WORKER_CONCURRENCY", ""))
	}
	if cfg.MaxCrawls, err = strconv.Atoi(env("INSPECT_MAX_CRAWLS", strconv.Itoa(jobs.DefaultMaxCrawls))); err != nil || cfg.MaxCrawls < 1 {
		return nil, fmt.Errorf("INSPECT_MAX_CRAWLS: %q is not a positive number of site crawls", env("INSPECT_MAX_CRAWLS", ""))
	}
	if cfg.CrawlMemoryMB, err = strconv.Atoi(env("INSPECT_MEMORY_MB", strconv.Itoa(jobs.DefaultCrawlMemory>>20))); err != nil || cfg.CrawlMemoryMB < 64 {
		return nil, fmt.Errorf("INSPECT_MEMORY_MB: %q is not a number of megabytes of at least 64", env("INSPECT_MEMORY_MB", ""))
	}
	if getenv("GOMEMLIMIT") == "" {
		cfg.GoMemoryLimit = int64(cfg.CrawlMemoryMB) << 20 * 3 / 2
	}
	if cfg.DBMaxConns, err = strconv.Atoi(env("DATABASE_MAX_CONNS", "64")); err != nil || cfg.DBMaxConns < 2 {
		return nil, fmt.Errorf("DATABASE_MAX_CONNS: %q is not a number of connections of at least 2", env("DATABASE_MAX_CONNS", ""))
	}
	if cfg.StatsCacheTTL, err = time.ParseDuration(env("STATS_CACHE_TTL", handlers.DefaultStatsCacheTTL.String())); err != nil || cfg.StatsCacheTTL < 0 || cfg.StatsCacheTTL > time.Hour {
		return nil, fmt.Errorf("STATS_CACHE_TTL: %q is not a duration from 0s to 1h (e.g. 10s)", env("STATS_CACHE_TTL", ""))
	}
	if cfg.SessionCacheTTL, err = time.ParseDuration(env("SESSION_CACHE_TTL", models.DefaultSessionTTL.String())); err != nil || cfg.SessionCacheTTL < 0 || cfg.SessionCacheTTL > time.Minute {
		return nil, fmt.Errorf("SESSION_CACHE_TTL: %q is not a duration from 0s to 1m (e.g. 5s)", env("SESSION_CACHE_TTL", ""))
	}
	if cfg.ReconcileEvery, err = time.ParseDuration(env("RECONCILE_EVERY", "5m")); err != nil || cfg.ReconcileEvery < 10*time.Second {
		return nil, fmt.Errorf("RECONCILE_EVERY: %q is not a duration of at least 10s (e.g. 5m)", env("RECONCILE_EVERY", ""))
	}
	for _, p := range strings.Split(env("TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p)
			}
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	if cfg.PublicURL != "" {
		if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("PUBLIC_URL: %q is not an http(s) address", cfg.PublicURL)
		}
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", cfg.LogLevel)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return nil, fmt.Errorf("LOG_FORMAT: %q is neither text nor json", cfg.LogFormat)
	}
	if jwt != "" {
		if len(jwt) < 32 {
			return nil, errors.New("JWT_SECRET: at least 32 characters")
		}
		cfg.JWTSecret = []byte(jwt)
	}
	return cfg, nil
}

// ensureSecret returns the JWT secret, generating one under DataDir on first start when none was
// configured. Replicas must share a secret: they are given JWT_SECRET (LoadConfig insists on
// DATABASE_URL and REDIS_URL for them, and the README on JWT_SECRET).
func (cfg *Config) ensureSecret() error {
	if cfg.JWTSecret != nil {
		return nil
	}
	path := filepath.Join(cfg.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		cfg.JWTSecret = []byte(strings.TrimSpace(string(b)))
		return nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("DATA_DIR: %w", err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	secret := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("DATA_DIR: keep the generated JWT secret: %w", err)
	}
	cfg.JWTSecret = []byte(secret)
	return nil
}

// figureKey keys the figures the inspector keeps in page states (inspector.Config.FigureKey):
// derived from the JWT secret, which every replica shares, and apart from it, so that neither
// tells of the other. A new JWT_SECRET leaves the figures of the pages carried over unlike
// every fresh page's until they are read again (the weekly full round): until then a fresh copy
// of one of them with figures is not found (sameFigures sees none alike).
func (cfg *Config) figureKey() []byte {
	mac := hmac.New(sha256.New, cfg.JWTSecret)
	mac.Write([]byte("inspector figures"))
	return mac.Sum(nil)
}
