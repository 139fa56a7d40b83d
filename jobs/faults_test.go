package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// liveWorld is a store and real asynq workers on Redis (TEST_REDIS_URL's, or one in process).
// Tickets are created ten days back, so their first stages are due now in real time.
type liveWorld struct {
	*world
	opt    asynq.RedisConnOpt
	client *asynq.Client
	rdb    redis.UniversalClient
	gate   *noticesGate // what the world queues goes through it
}

func newLiveWorld(t *testing.T, opt asynq.RedisConnOpt, opts ...worldOption) *liveWorld {
	t.Helper()
	if opt == nil {
		r := storetest.NewRedis(t)
		opt = r.Opt
	}
	w := newWorld(t, time.Now().In(models.Shanghai).AddDate(0, 0, -10).Format(time.DateTime), opts...)
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	rdb := opt.MakeRedisClient().(redis.UniversalClient)
	t.Cleanup(func() { rdb.Close() })
	gate := &noticesGate{Enqueuer: client}
	w.deps.Queue, w.deps.Redis = gate, rdb
	w.useQueue(gate)
	w.queue = nil // the real queue from here on
	return &liveWorld{world: w, opt: opt, client: client, rdb: rdb, gate: gate}
}

// noticesGate is a real queue that takes the workflow notices' task only when open: the tests
// of other work run without it (see fakeQueue.notices).
type noticesGate struct {
	jobs.Enqueuer
	open bool
}

func (q *noticesGate) EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	if t.Type() == jobs.TypeNotices && !q.open {
		return &asynq.TaskInfo{}, nil
	}
	return q.Enqueuer.EnqueueContext(ctx, t, opts...)
}

// now moves the test clock to the real time.
func (w *liveWorld) now() { w.clock.Set(time.Now()) }

// schedule brings the reminders of the ticket up to date as of now, through the worker.
func (w *liveWorld) schedule(t *testing.T, ticketID int64) {
	t.Helper()
	task, opts := jobs.NewScheduleTicketsTask(nil, []int64{ticketID})
	if _, err := w.client.Enqueue(task, opts...); err != nil {
		t.Fatal(err)
	}
}

// worker starts an asynq server with the real handlers (and extra middleware), retrying fast.
func (w *liveWorld) worker(t *testing.T, mw ...asynq.MiddlewareFunc) *asynq.Server {
	t.Helper()
	srv := asynq.NewServer(w.opt, asynq.Config{
		Concurrency: 4, Queues: jobs.Queues, ShutdownTimeout: time.Second, DelayedTaskCheckInterval: 50 * time.Millisecond,
		TaskCheckInterval: 50 * time.Millisecond,
		Logger:            quietLogger{},
		RetryDelayFunc:    func(int, error, *asynq.Task) time.Duration { return 20 * time.Millisecond },
	})
	mux := asynq.NewServeMux()
	mux.Use(mw...)
	jobs.Register(mux, w.deps)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	return srv
}

func (w *liveWorld) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type quietLogger struct{}

func (quietLogger) Debug(...any) {}
func (quietLogger) Info(...any)  {}
func (quietLogger) Warn(...any)  {}
func (quietLogger) Error(...any) {}
func (quietLogger) Fatal(...any) {}

// SMTP and the webhook down: each delivery is tried again and again, then recorded as failed; the
// in-app notification is there all along, and one failing channel holds up no other.
func TestFailingChannelsAreRetriedThenRecorded(t *testing.T) {
	t.Logf("backends: %s, %s", storetest.Backend(), storetest.RedisBackend())
	w := newLiveWorld(t, nil, withEmail)
	var webhookCalls atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		webhookCalls.Add(1)
		http.Error(rw, "robot unavailable", http.StatusBadGateway)
	}))
	defer down.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0") // a port where no SMTP server answers
	smtpAddr := ln.Addr().String()
	ln.Close()
	cfg, _ := jobs.ParseSMTPURL("smtp://" + smtpAddr + "?from=noreply@zc.example.cn")
	w.deps.Sender.SMTP = cfg
	w.store.SetEmail(context.Background(), w.users["gzw-staff"].ID, "gzw-staff@example.cn")
	var gzw int64
	w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&gzw)
	w.store.AddWebhook(context.Background(), gzw, 0, down.URL)

	w.submit("https://gzw.sc.gov.cn/a.html")
	w.now()
	srv := w.worker(t)
	defer srv.Shutdown()
	w.schedule(t, 1)
	// Overdue and 催办 1 are due (ten days late): 2 stages × (e-mail + webhook).
	defer func() {
		if !t.Failed() {
			return
		}
		rows, _ := w.store.SQLDB().Query("SELECT id, channel, status, attempts, COALESCE(last_error,'') FROM deliveries")
		for rows.Next() {
			var id, att int
			var ch, st, le string
			rows.Scan(&id, &ch, &st, &att, &le)
			t.Logf("delivery %d %s %s %d %s", id, ch, st, att, le)
		}
	}()
	w.waitFor(t, "the deliveries to fail for good", func() bool {
		return w.count("SELECT COUNT(*) FROM deliveries WHERE status = 'failed'") == 4
	})
	if n := w.count("SELECT MIN(attempts) FROM deliveries"); n != 9 {
		t.Fatalf("each delivery was tried %d times, want 1 + 8 retries", n)
	}
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE last_error IS NULL OR last_error = ''"); n != 0 {
		t.Fatal("a failed delivery carries no error")
	}
	if got := w.inbox("gzw-staff"); len(got) != 2 {
		t.Fatalf("in-app notifications: %v", got)
	}
	if c := webhookCalls.Load(); c != 18 {
		t.Fatalf("webhook called %d times", c)
	}
}

// A worker killed in the middle of a task (here: after the work, before asynq hears it is
// done): the task runs again on another worker, and nothing is sent twice.
func TestWorkerKilledMidTaskSendsOnce(t *testing.T) {
	w := newLiveWorld(t, nil)
	w.submit("https://gzw.sc.gov.cn/a.html")
	w.now()
	var started atomic.Int32
	hang := func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			err := next.ProcessTask(ctx, t)
			if t.Type() == jobs.TypeReminder {
				started.Add(1)
				<-ctx.Done() // never acknowledged: the worker dies here
				return ctx.Err()
			}
			return err
		})
	}
	first := w.worker(t, hang)
	w.schedule(t, 1)
	w.waitFor(t, "the first worker to do the work", func() bool { return started.Load() > 0 })
	first.Shutdown() // gives up after ShutdownTimeout; asynq puts the task back
	second := w.worker(t)
	defer second.Shutdown()
	w.waitFor(t, "overdue and 催办 1", func() bool { return w.count("SELECT COUNT(*) FROM reminders") == 2 })
	time.Sleep(300 * time.Millisecond)
	if got := w.inbox("gzw-staff"); len(got) != 2 {
		t.Fatalf("notifications: %v", got)
	}
}

// Two workers on one Redis: each reminder once.
func TestTwoWorkersSendEachReminderOnce(t *testing.T) {
	w := newLiveWorld(t, nil)
	const tickets = 30
	for i := 0; i < tickets; i++ {
		w.submit(fmt.Sprintf("https://gzw.sc.gov.cn/p%d.html", i))
	}
	w.now()
	// A second process: its own connections to the database and to Redis.
	other := newLiveWorldOn(t, w)
	a, b := w.worker(t), other.worker(t)
	defer a.Shutdown()
	defer b.Shutdown()
	if _, err := jobs.Reconcile(context.Background(), w.deps); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Reconcile(context.Background(), other.deps); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "every overdue and 催办 1", func() bool { return w.count("SELECT COUNT(*) FROM reminders") == 2*tickets })
	time.Sleep(500 * time.Millisecond)
	if n := w.count("SELECT COUNT(*) FROM reminders"); n != 2*tickets {
		t.Fatalf("%d reminders", n)
	}
	if got := w.inbox("gzw-staff"); len(got) != 2*tickets {
		t.Fatalf("gzw-staff has %d notifications, want %d", len(got), 2*tickets)
	}
}

func newLiveWorldOn(t *testing.T, w *liveWorld) *liveWorld {
	t.Helper()
	// The same database through a second pool stands for another process.
	events := &storetest.Events{}
	store2, err := w.store.Reopen(context.Background(), w.clock, models.Options{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store2.Close() })
	client := asynq.NewClient(w.opt)
	t.Cleanup(func() { client.Close() })
	rdb := w.opt.MakeRedisClient().(redis.UniversalClient)
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := &noticesGate{Enqueuer: client}
	deps := jobs.Deps{Store: store2, Queue: queue, Redis: rdb, Clock: w.clock, Logger: log, Egress: egresstest.Loopback,
		Sender: &jobs.Sender{Egress: egresstest.Loopback}}
	other := &world{t: t, store: store2, clock: w.clock, deps: deps, users: w.users, events: events}
	other.useQueue(queue)
	return &liveWorld{world: other, opt: w.opt, client: client, rdb: rdb, gate: queue}
}

// Redis stopped while reports arrive and are handled: the reports are taken, and their
// reminders go out once Redis is back and the reconciler has run.
func TestRedisStoppedWhileReportsArrive(t *testing.T) {
	opt, stop, start := privateRedis(t)
	w := newLiveWorld(t, opt)
	stop()
	for i := 0; i < 5; i++ {
		w.submit(fmt.Sprintf("https://gzw.sc.gov.cn/down%d.html", i)) // scheduling fails, quietly
	}
	if n := w.count("SELECT COUNT(*) FROM tickets"); n != 5 {
		t.Fatalf("%d tickets taken while Redis was down", n)
	}
	start()
	w.now()
	srv := w.worker(t)
	defer srv.Shutdown()
	if _, err := jobs.Reconcile(context.Background(), w.deps); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "the reminders after Redis came back", func() bool { return w.count("SELECT COUNT(*) FROM reminders") == 10 })
}

// privateRedis starts a redis-server of the test's own, which the test may stop and start
// (the shared one must stay up for the other tests), or an in-process one when the binary is
// not installed.
func privateRedis(t *testing.T) (asynq.RedisConnOpt, func(), func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		r := storetest.NewRedis(t)
		if r.Mini == nil {
			t.Skip("redis-server is not installed and the shared Redis cannot be stopped")
		}
		t.Log("redis-server not installed: stopping the in-process Redis instead")
		return r.Opt, func() { r.Mini.Close() }, func() {
			if err := r.Mini.Restart(); err != nil {
				t.Fatal(err)
			}
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	var cmd *exec.Cmd
	start := func() {
		cmd = exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 100; i++ {
			if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
				c.Close()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("redis-server did not start")
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	start()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			stop()
		}
	})
	t.Log("private redis-server on port " + port)
	return asynq.RedisClientOpt{Addr: "127.0.0.1:" + port}, stop, start
}
