package loadtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"zhaocuo/models"
)

// reports drives POST /api/v1/reports with concurrent clients against a running server
// (CAPTCHA=off, RATE_LIMIT=0 there) and, in the same run, measures the raw single-row INSERT
// rate of the same database with the same concurrency, so the two figures can be compared.
//
//	go run ./app loadtest reports --url http://127.0.0.1:18080 --clients 64 --duration 30s
func reports(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest reports", flag.ContinueOnError)
	fs.SetOutput(out)
	base := fs.String("url", "http://127.0.0.1:8080", "the server under test")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 30*time.Second, "how long to send reports")
	baseline := fs.Duration("baseline", 10*time.Second, "how long to measure raw INSERTs (0: skip)")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if env.Dialect != models.DialectMySQL {
		return errors.New("DATABASE_URL: the load test measures the server's MySQL/MariaDB; set DATABASE_URL to it")
	}
	store, err := env.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()

	before, err := store.CountTickets(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "reports: %d clients for %s against %s\n", *clients, *duration, *base)
	rep := driveReports(ctx, *base, *clients, *duration)
	after, err := store.CountTickets(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  submitted %d (201), errors %d, %.0f submissions/s, p50 %s, p99 %s, max %s\n",
		rep.ok, rep.errors, rep.rate(), rep.percentile(50), rep.percentile(99), rep.percentile(100))
	fmt.Fprintf(out, "  tickets in the database: +%d (acknowledged %d, lost %d)\n", after-before, rep.ok, int64(rep.ok)-(after-before))
	if len(rep.firstErrors) > 0 {
		fmt.Fprintf(out, "  first errors: %v\n", rep.firstErrors)
	}
	if *baseline > 0 {
		// The yardstick has connections of its own, as many as the clients.
		db := store.SQLDB()
		db.SetMaxOpenConns(*clients)
		db.SetMaxIdleConns(*clients)
		n, err := rawInserts(ctx, db, *clients, *baseline)
		if err != nil {
			return err
		}
		raw := float64(n) / baseline.Seconds()
		fmt.Fprintf(out, "raw single-row INSERT (autocommit, %d connections, %s): %.0f rows/s\n", *clients, *baseline, raw)
		fmt.Fprintf(out, "ratio submissions/s to raw INSERTs/s: %.2f\n", rep.rate()/raw)
	}
	if rep.errors > 0 || int64(rep.ok) != after-before {
		return fmt.Errorf("%d errors, %d acknowledged reports not in the database", rep.errors, int64(rep.ok)-(after-before))
	}
	return nil
}

type loadReport struct {
	ok, errors  int
	elapsed     time.Duration
	latencies   []time.Duration
	firstErrors []string
}

func (r *loadReport) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func (r *loadReport) percentile(p int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := (len(r.latencies)*p + 99) / 100
	return r.latencies[min(max(i-1, 0), len(r.latencies)-1)].Round(100 * time.Microsecond)
}

// A mix of pages: most on registered sites (routed with a deadline), some unknown (triage).
var loadPages = []string{
	"https://www.sc.gov.cn/10462/c103/index.shtml", "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml",
	"https://www.chengdu.gov.cn/cdsrmzf/c1/a.shtml", "https://www.chengdu.gov.cn/cdsjyj/x/1.shtml",
	"https://www.my.gov.cn/a.html", "https://edu.sc.gov.cn/b.html", "https://www.lsz.gov.cn/c.html",
	"https://unknown.example.cn/page",
}

func driveReports(ctx context.Context, base string, clients int, d time.Duration) *loadReport {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}}
	deadline := time.Now().Add(d)
	var seq atomic.Int64
	var mu sync.Mutex
	rep := &loadReport{}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			ok, bad := 0, 0
			var errs []string
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := seq.Add(1)
				body := fmt.Sprintf(`{"page_url":"%s?n=%d","category":"链接不可用","description":"压力测试留言第 %d 条：页面链接无法打开。","contact_phone":"13800138000"}`,
					loadPages[n%int64(len(loadPages))], n, n)
				t0 := time.Now()
				resp, err := client.Post(base+"/api/v1/reports", "application/json", bytes.NewBufferString(body))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat = append(lat, time.Since(t0))
				switch {
				case err != nil:
					bad++
					errs = append(errs, err.Error())
				case resp.StatusCode != http.StatusCreated:
					bad++
					errs = append(errs, resp.Status)
				default:
					ok++
				}
			}
			mu.Lock()
			rep.ok, rep.errors = rep.ok+ok, rep.errors+bad
			rep.latencies = append(rep.latencies, lat...)
			if len(rep.firstErrors) < 5 {
				rep.firstErrors = append(rep.firstErrors, errs[:min(len(errs), 5-len(rep.firstErrors))]...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	rep.elapsed = time.Since(start)
	slices.Sort(rep.latencies)
	return rep
}

// rawInserts is the baseline: single-row INSERTs, each its own autocommitted transaction, into
// a scratch table shaped like a small ticket row. It measures the database server alone, no
// table of the app: the one statement of this package.
func rawInserts(ctx context.Context, db *sql.DB, clients int, d time.Duration) (int64, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS loadtest_raw_insert (
		id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, ticket_no VARCHAR(24) NOT NULL,
		description TEXT NOT NULL, received_at DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`); err != nil {
		return 0, err
	}
	defer db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS loadtest_raw_insert")
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				_, err := db.ExecContext(ctx, "INSERT INTO loadtest_raw_insert (ticket_no, description, received_at) VALUES (?, ?, ?)",
					"ZC20250325000123", "压力测试留言：页面链接无法打开。", time.Now().UTC())
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return n.Load(), firstErr
}
