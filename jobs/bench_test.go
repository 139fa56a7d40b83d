package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// insertOpenTickets writes n open tickets of the 国资委 straight into the database (the
// benchmark is about the schedule, not about submitting), assigned at assigned.
func insertOpenTickets(b *testing.B, s *models.Store, n int, assigned time.Time, cal *models.Calendar) {
	b.Helper()
	var unit, region int64
	s.SQLDB().QueryRow("SELECT id, region_id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&unit, &region)
	deadline, _ := cal.Deadline(assigned, 3)
	at, dl := assigned.UTC().Format(time.DateTime), deadline.UTC().Format(time.DateTime)
	const batch = 2000
	for start := 0; start < n; start += batch {
		var rows []string
		for i := start; i < min(start+batch, n); i++ {
			rows = append(rows, fmt.Sprintf("('ZCB%09d','x','citizen','assigned','https://gzw.sc.gov.cn/%d','k%d',1,'压测留言',%d,%d,'%s','%s','%s','%s')",
				i, i, i, unit, region, at, at, dl, at))
		}
		_, err := s.SQLDB().Exec(`INSERT INTO tickets (ticket_no, query_code_hash, source, status, page_url, page_key, category_id,
			description, unit_id, region_id, received_at, assigned_at, deadline, updated_at) VALUES ` + strings.Join(rows, ","))
		if err != nil {
			b.Fatal(err)
		}
	}
}

func usedMemory(b *testing.B, rdb redis.UniversalClient) int64 {
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no used_memory in INFO")
	return 0
}

func benchDeps(b *testing.B, clock models.Clock) (jobs.Deps, *storetest.Redis) {
	if os.Getenv("TEST_DATABASE_URL") == "" || os.Getenv("TEST_REDIS_URL") == "" {
		b.Skip("the reminder benchmarks run on MariaDB + Redis: set TEST_DATABASE_URL and TEST_REDIS_URL (docs/bench/reminders.sh)")
	}
	store := storetest.Open(b, clock)
	if _, err := store.SeedDemo(context.Background(), "demo-pass-123"); err != nil {
		b.Fatal(err)
	}
	r := storetest.NewRedis(b)
	client := asynq.NewClient(r.Opt)
	b.Cleanup(func() { client.Close() })
	return jobs.Deps{Store: store, Queue: client, Redis: r.Client, Clock: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Sender: &jobs.Sender{}}, r
}

// BenchmarkReconcile100k: the reconciler's worst case, 100,000 open tickets and an empty Redis.
// Each ticket has a deadline ahead, so two stages (due-soon and overdue) are scheduled for each.
func BenchmarkReconcile100k(b *testing.B) {
	clock := storetest.NewClock(time.Now().In(models.Shanghai).Format(time.DateTime))
	deps, r := benchDeps(b, clock)
	_, cal, _ := deps.Store.ReminderRules(context.Background())
	const n = 100_000
	t0 := time.Now()
	insertOpenTickets(b, deps.Store, n, clock.Now(), cal)
	b.Logf("inserted %d open tickets in %s", n, time.Since(t0).Round(time.Millisecond))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r.Client.FlushDB(context.Background())
		before := usedMemory(b, r.Client)
		b.StartTimer()
		start := time.Now()
		rep, err := jobs.Reconcile(context.Background(), deps)
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Tickets != n || rep.Enqueued != 2*n {
			b.Fatalf("reconciled %+v", rep)
		}
		mem := usedMemory(b, r.Client) - before
		again := time.Now()
		rep2, err := jobs.Reconcile(context.Background(), deps)
		if err != nil || rep2.Enqueued != 0 {
			b.Fatalf("second pass: %+v %v", rep2, err)
		}
		b.ReportMetric(took.Seconds(), "s/full-reconcile")
		b.ReportMetric(float64(mem)/(1<<20), "MB-redis")
		b.ReportMetric(time.Since(again).Seconds(), "s/noop-reconcile")
		b.Logf("full reconcile: %d tasks in %s, Redis +%.1f MB (%d bytes/task); a pass with nothing missing: %s",
			rep.Enqueued, took.Round(time.Millisecond), float64(mem)/(1<<20), mem/int64(rep.Enqueued), time.Since(again).Round(time.Millisecond))
		b.StartTimer()
	}
}

// BenchmarkRemindersPerWorker: how many reminders one worker (concurrency 10) sends a second,
// each a transaction with its notifications, for tickets already overdue.
func BenchmarkRemindersPerWorker(b *testing.B) {
	clock := storetest.NewClock(time.Now().In(models.Shanghai).AddDate(0, 0, -10).Format(time.DateTime))
	deps, r := benchDeps(b, clock)
	_, cal, _ := deps.Store.ReminderRules(context.Background())
	const n = 5000
	insertOpenTickets(b, deps.Store, n, clock.Now(), cal)
	clock.Set(time.Now())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv := asynq.NewServer(r.Opt, asynq.Config{Concurrency: 10, Queues: jobs.Queues, Logger: quietLogger{},
			TaskCheckInterval: 50 * time.Millisecond, DelayedTaskCheckInterval: 50 * time.Millisecond})
		mux := asynq.NewServeMux()
		jobs.Register(mux, deps)
		if _, err := jobs.Reconcile(context.Background(), deps); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := srv.Start(mux); err != nil {
			b.Fatal(err)
		}
		var sent int
		for {
			deps.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM reminders").Scan(&sent)
			if sent >= 2*n { // overdue and 催办 1 for each
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		srv.Shutdown()
		b.ReportMetric(float64(sent)/took.Seconds(), "reminders/s")
		b.Logf("one worker sent %d reminders in %s: %.0f/s", sent, took.Round(time.Millisecond), float64(sent)/took.Seconds())
	}
}
