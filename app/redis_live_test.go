package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// The whole program on a Sentinel-watched Redis: real redis-server processes (a master and a
// sentinel, Debian's redis-server runs as either) on free loopback ports, the app given only the
// sentinel's address. Reports, the shared rate limit and the worker all go through it.
func TestSentinelURLRunsTheApp(t *testing.T) {
	bin := redisServer(t)
	dir := t.TempDir()
	master := startRedis(t, bin, dir, "master")
	sentinelPort := freePort(t)
	conf := filepath.Join(dir, "sentinel.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor zc 127.0.0.1 %d 1\n", sentinelPort, dir, master)), 0o600)
	startProcess(t, bin, sentinelPort, conf, "--sentinel")

	url := fmt.Sprintf("redis-sentinel://127.0.0.1:%d/zc/10", sentinelPort)
	exerciseApp(t, url)

	// What the app wrote is on the master, in the db the URL named.
	direct := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", master), DB: 10})
	defer direct.Close()
	if keys, err := direct.Keys(context.Background(), "asynq:*").Result(); err != nil || len(keys) == 0 {
		t.Fatalf("the master's db 10 holds no asynq keys (%v): the app did not go through the sentinel", err)
	}
}

// The whole program on a Redis Cluster of three masters made by redis-cli --cluster create.
func TestClusterURLRunsTheApp(t *testing.T) {
	bin := redisServer(t)
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli is not installed (Debian's redis-tools): the cluster test needs it to join the nodes")
	}
	dir := t.TempDir()
	var nodes []string
	for i := 0; i < 3; i++ {
		port := startRedis(t, bin, dir, fmt.Sprintf("node%d", i), "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", i)))
		nodes = append(nodes, fmt.Sprintf("127.0.0.1:%d", port))
	}
	args := append([]string{"--cluster", "create"}, nodes...)
	if out, err := exec.Command(cli, append(args, "--cluster-replicas", "0", "--cluster-yes")...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	waitFor(t, "the cluster to be ok", func() bool {
		for _, n := range nodes {
			c := redis.NewClient(&redis.Options{Addr: n})
			info, err := c.ClusterInfo(context.Background()).Result()
			c.Close()
			if err != nil || !strings.Contains(info, "cluster_state:ok") {
				return false
			}
		}
		return true
	})
	exerciseApp(t, "redis-cluster://"+strings.Join(nodes, ","))
}

// exerciseApp runs the program (SQLite, web + worker) on the Redis of redisURL: a report is
// taken, the worker schedules its reminders, and the rate limit counted in that Redis refuses
// the report over it.
func exerciseApp(t *testing.T, redisURL string) {
	t.Helper()
	cfg, err := LoadConfig(env(t, false, "REDIS_URL", redisURL, "CAPTCHA", "off", "RATE_LIMIT", "1", "LOG_LEVEL", "error"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, io.Discard, newLogger(cfg, io.Discard), models.SystemClock{}, func(a string) { addrc <- a })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("Run returned before listening: %v", err)
	}

	report := `{"page_url":"https://www.sc.gov.cn/10462/index.shtml","category":"内容不准确","description":"首页“政务服务”栏目的电话号码写错了。"}`
	for i, want := range []int{http.StatusCreated, http.StatusTooManyRequests} {
		resp, err := http.Post(base+"/api/v1/reports", "application/json", strings.NewReader(report))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("report %d: %d %s, want %d", i+1, resp.StatusCode, body, want)
		}
	}
	if resp, err := http.Get(base + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", err, resp)
	}

	inspector := asynq.NewInspector(cfg.redis)
	defer inspector.Close()
	waitFor(t, "the worker to schedule the ticket's reminders", func() bool {
		info, err := inspector.GetQueueInfo(jobs.QueueReminders)
		return err == nil && info.Scheduled > 0
	})
}

func redisServer(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (Debian's redis-server package): no live Sentinel or Cluster test")
	}
	return bin
}

// startRedis starts a private, diskless redis-server on a free loopback port.
func startRedis(t *testing.T, bin, dir, name string, extra ...string) int {
	t.Helper()
	port := freePort(t)
	sub := filepath.Join(dir, name)
	os.MkdirAll(sub, 0o700)
	args := append([]string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", sub}, extra...)
	startProcess(t, bin, port, "", args...)
	return port
}

func startProcess(t *testing.T, bin string, port int, conf string, args ...string) {
	t.Helper()
	var argv []string
	if conf != "" {
		argv = append(argv, conf)
	}
	argv = append(argv, args...)
	argv = append(argv, "--port", strconv.Itoa(port))
	cmd := exec.Command(bin, argv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, fmt.Sprintf("%s on port %d", filepath.Base(bin), port), func() bool {
		c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
		defer c.Close()
		return c.Ping(context.Background()).Err() == nil
	})
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitFor polls cond until it holds; the generous limit is for a stuck test, not a measure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}
