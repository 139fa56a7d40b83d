package loadtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// env is the load commands' surroundings on the test's database: each command opens and closes
// a store of its own on it, as `app loadtest` does.
func env(t *testing.T, base *models.Store) Env {
	return Env{Dialect: base.Dialect(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OpenStore: func(ctx context.Context) (*models.Store, error) {
			return base.Reopen(ctx, models.SystemClock{}, models.Options{Events: models.NoWorker})
		}}
}

func TestATargetAndItsFlagsAreNeeded(t *testing.T) {
	for _, args := range [][]string{nil, {"nothing"}, {"generate", "--tickets", "many"}, {"proxy"}, {"mixed", "--rate", "x"}} {
		err := Run(context.Background(), Env{}, args, io.Discard)
		if !errors.As(err, new(UsageError)) {
			t.Errorf("loadtest %q: %v, want a usage error", args, err)
		}
	}
}

// generate writes the history asked for through the store, and the rollups it leaves give what
// the tickets give; stats (MySQL only) times the rates and prints the plans of their statements.
func TestGenerateAndStats(t *testing.T) {
	ctx := context.Background()
	base := storetest.Open(t, models.SystemClock{})
	e := env(t, base)
	var out bytes.Buffer
	if err := Run(ctx, e, []string{"generate", "--tickets", "1500", "--units", "30", "--years", "1"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "generated 1500 tickets across 30 units over 1 years") {
		t.Fatalf("generate said:\n%s", out.String())
	}
	if n, err := base.CountTickets(ctx); err != nil || n != 1500 {
		t.Fatalf("%d tickets in the database (%v), want 1500", n, err)
	}
	now := time.Now()
	p, err := models.ParsePeriod("", models.DateOf(now.AddDate(-1, 0, -1)).String(), models.DateOf(now).String(), now)
	if err != nil {
		t.Fatal(err)
	}
	all := models.Scope{All: true}
	whole, err := base.CompletionStats(ctx, models.StatsQuery{Scope: all, Period: p, AsOf: now})
	if err != nil {
		t.Fatal(err)
	}
	var want models.Counts
	for _, c := range whole {
		want.Plus(c.Counts)
	}
	if want.Received != 1500 || want.Closed == 0 || want.Invalid == 0 || want.Rated == 0 || want.Confirmed == 0 || want.OverdueNow+want.LateClosed == 0 {
		t.Fatalf("the history exercised too little: %+v", want)
	}
	byRegion, err := base.CompletionStats(ctx, models.StatsQuery{Scope: all, Period: p, AsOf: now, GroupBy: "region"})
	if err != nil {
		t.Fatal(err)
	}
	var got models.Counts
	for _, c := range byRegion {
		got.Plus(c.Counts)
	}
	if got != want {
		t.Fatalf("from the rollups %+v\nfrom the tickets %+v", got, want)
	}

	out.Reset()
	err = Run(ctx, e, []string{"stats", "--runs", "1"}, &out)
	if base.Dialect() != models.DialectMySQL {
		if err == nil || !strings.Contains(err.Error(), "MySQL") {
			t.Fatalf("stats on SQLite: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"tickets in the database: 1500", "ratio rates/COUNT(*)",
		"query plan of SELECT … FROM rate_rollups r WHERE", "query plan of SELECT … FROM tickets t WHERE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stats said no %q:\n%s", want, out.String())
		}
	}
}

// The proxy passes over a replica that refuses connections, for any request, and answers 503
// with Retry-After when none is left, as the app does when it cannot serve.
func TestProxyPassesOverARefusingReplica(t *testing.T) {
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+string(body))
	}))
	defer live.Close()
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close() // nothing listens there now: connections are refused
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	run := func(backends string) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, Env{Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
				[]string{"proxy", "--listen", addr, "--backends", backends}, io.Discard)
		}()
		for i := 0; i < 100; i++ {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("proxy: %v", err)
			}
		}
	}
	stop := run(deadAddr + "," + strings.TrimPrefix(live.URL, "http://"))
	for i := 0; i < 4; i++ {
		resp, err := http.Post("http://"+addr+"/api/v1/reports", "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `POST {"n":1}` {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
	}
	stop()

	stop = run(deadAddr)
	defer stop()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("with no replica: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
