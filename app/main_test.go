package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// env builds a getenv from pairs, with the test backends when CI sets them.
func env(t *testing.T, external bool, kv ...string) func(string) string {
	m := map[string]string{"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn"}
	if external {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			m["DATABASE_URL"] = storetest.URL(t)
		}
		if u := os.Getenv("TEST_REDIS_URL"); u != "" {
			storetest.NewRedis(t) // empties it
			m["REDIS_URL"] = u
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// The whole program, as `go run ./app` starts it, on port 0: it migrates, loads the demo data,
// prints the logins, takes a report over HTTP and stops cleanly when asked to.
func TestWholeProgram(t *testing.T) {
	const metricsToken = "metrics-e2e-0123456789abcdef0123456789"
	getenv := env(t, true, "CAPTCHA", "off", "DEMO_PASSWORD", "demo-e2e-2025", "METRICS_TOKEN", metricsToken)
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "" {
		// The one-command default seeds by itself; a configured database is seeded by command.
		var out bytes.Buffer
		if code := run(context.Background(), []string{"seed", "--demo"}, &out, io.Discard, getenv); code != 0 {
			t.Fatalf("seed: exit %d", code)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- Run(ctx, cfg, &out, newLogger(cfg, io.Discard), models.SystemClock{}, func(a string) { addrc <- a })
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("Run returned before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("not listening after 60 s")
	}

	if cfg.embedded && (!strings.Contains(out.String(), "sc-supervisor") || !strings.Contains(out.String(), "demo-e2e-2025")) {
		t.Fatalf("demo logins not printed:\n%s", out.String())
	}
	resp, err := http.Post(base+"/api/v1/reports", "application/json", strings.NewReader(
		`{"page_url":"https://www.sc.gov.cn/10462/index.shtml","category":"内容不准确","description":"首页“政务服务”栏目的电话号码写错了。"}`))
	if err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 || created["unit"] != "四川省人民政府办公厅" {
		t.Fatalf("report: %d %v", resp.StatusCode, created)
	}
	for _, p := range []string{"/", "/healthz", "/readyz", "/query?ticket_no=" + created["ticket_no"].(string) + "&code=" + created["query_code"].(string)} {
		r, err := http.Get(base + p)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", p, err, r.StatusCode)
		}
		r.Body.Close()
	}
	// /metrics opens to METRICS_TOKEN only, and names no Go version.
	if r, err := http.Get(base + "/metrics"); err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /metrics without the token: %v %v", err, r.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	r, err := http.DefaultClient.Do(req)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics with the token: %v %v", err, r.StatusCode)
	}
	figures, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(figures), "zhaocuo_queue_tasks") || !strings.Contains(string(figures), "process_cpu_seconds_total") ||
		strings.Contains(string(figures), runtime.Version()) {
		t.Fatalf("the figures:\n%.3000s", figures)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no clean shutdown within 60 s")
	}
}

// A second start of the one-command default keeps its data and prints the same logins.
func TestEmbeddedDefaultRestartsWithItsData(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "LOG_LEVEL": "error"}[k]
	}
	var passwords []string
	for i := 0; i < 2; i++ {
		cfg, err := LoadConfig(getenv)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, cfg, &out, newLogger(cfg, io.Discard), models.SystemClock{}, func(string) { cancel() })
		}()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		line := out.String()[strings.Index(out.String(), "(password ")+len("(password "):]
		passwords = append(passwords, line[:strings.Index(line, ")")])
		if i == 0 && !strings.Contains(out.String(), "Demo data loaded") {
			t.Fatalf("first start did not load the demo:\n%s", out.String())
		}
		if i == 1 && strings.Contains(out.String(), "Demo data loaded") {
			t.Fatal("second start loaded the demo again")
		}
	}
	if passwords[0] != passwords[1] || models.ValidatePassword(passwords[0]) != nil {
		t.Fatalf("passwords %q", passwords)
	}
	if _, err := os.Stat(filepath.Join(dir, "zhaocuo.db")); err != nil {
		t.Fatal("no SQLite file under DATA_DIR")
	}
}

func TestBadSettingsStopStartUpNamingTheVariable(t *testing.T) {
	tests := []struct{ name, key, value string }{
		{"database URL", "DATABASE_URL", "postgres://x/y"},
		{"redis URL", "REDIS_URL", "http://localhost"},
		{"role", "ROLE", "both"},
		{"replica without shared services", "ROLE", "web"},
		{"captcha", "CAPTCHA", "maybe"},
		{"rate limit", "RATE_LIMIT", "-1"},
		{"address", "ADDR", "8080"},
		{"reconcile period", "RECONCILE_EVERY", "often"},
		{"short JWT secret", "JWT_SECRET", "short"},
		{"trusted proxy", "TRUSTED_PROXIES", "not-an-ip"},
		{"private ranges fetches may reach", "FETCH_ALLOW_PRIVATE", "127.0.0.0/8,intranet"},
		{"metrics address", "METRICS_ADDR", "9090"},
		{"short metrics token", "METRICS_TOKEN", "short"},
		{"browser that is not there", "INSPECT_BROWSER", "/nonexistent/chromium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), nil, io.Discard, &stderr, env(t, false, tt.key, tt.value))
			if code != 2 || !strings.Contains(stderr.String(), tt.key) {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
		})
	}
}

func TestCalendarImportCommand(t *testing.T) {
	getenv := env(t, true)
	file := filepath.Join(t.TempDir(), "2027.json")
	os.WriteFile(file, []byte(`{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`), 0o600)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"calendar", "import", file}, &out, &errOut, getenv); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "calendar 2027 imported: 1 days") {
		t.Fatalf("output %q", out.String())
	}
	os.WriteFile(file, []byte(`{"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": true}]}`), 0o600)
	errOut.Reset()
	if code := run(context.Background(), []string{"calendar", "import", file}, io.Discard, &errOut, getenv); code != 1 || !strings.Contains(errOut.String(), "2027-02-30") {
		t.Fatalf("bad file: exit %d %q", code, errOut.String())
	}
	if code := run(context.Background(), []string{"calendar", "set", "2027-01-02", "work", "调休"}, &out, io.Discard, getenv); code != 0 {
		t.Fatalf("set: exit %d", code)
	}
	if code := run(context.Background(), []string{"calendar"}, io.Discard, io.Discard, getenv); code != 2 {
		t.Fatalf("no arguments: exit %d", code)
	}
}

// METRICS_ADDR serves the same figures on a listener of its own, without a token: it is meant
// to be private, like DEBUG_ADDR.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector())
	addr, stop, err := serveMetrics("127.0.0.1:0", registry)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %v %v", err, r)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(body), "go_goroutines") || strings.Contains(string(body), "go_info") {
		t.Fatalf("figures:\n%.2000s", body)
	}
	if r, err := http.Get("http://" + addr + "/debug/pprof/"); err != nil || r.StatusCode != http.StatusNotFound {
		t.Fatalf("the metrics listener serves more than /metrics: %v %v", err, r)
	}
	if _, _, err := serveMetrics(addr, registry); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Fatalf("a taken address: %v", err)
	}
}

// A worker's Go memory limit follows its crawl budget, so that the collector keeps the heap near
// what is live rather than at twice it; GOMEMLIMIT, when set, is the runtime's own.
func TestWorkerMemoryLimitFollowsTheCrawlBudget(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want int64
	}{
		{env: nil, want: 1536 << 20},
		{env: []string{"INSPECT_MEMORY_MB", "512"}, want: 768 << 20},
		{env: []string{"INSPECT_MEMORY_MB", "512", "GOMEMLIMIT", "3GiB"}, want: 0},
	} {
		cfg, err := LoadConfig(env(t, false, tt.env...))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.GoMemoryLimit != tt.want {
			t.Errorf("%v: memory limit %d, want %d", tt.env, cfg.GoMemoryLimit, tt.want)
		}
	}
}
