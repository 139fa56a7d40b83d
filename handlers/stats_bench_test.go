package handlers_test

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"zhaocuo/models"
)

// The memory one rates request takes, on the demo registry with five years of history: the
// widest request still allowed (a custom period of five years, every group the person's role
// sees, as of now) as unit staff (the lowest role) and as the administrator, beside a quarter's
// page as the same person, and the request of issue 16 (0001-01-01 to 9999-12-31, as of the
// year 9999), which is refused now.
//
//	go test ./handlers -run '^$' -bench StatsMemory -benchtime 5x
//
// Each figure is per request: alloc-MB is what the request allocated (client and server: they
// share the process, the client reads the body into io.Discard), peak-MB the most the heap in
// use rose above where it stood before the request (sampled every millisecond), page-KB the
// answer's size. The target is a ratio, as the machine's speed does not enter into it: the
// widest page allocates at most widestPerQuarter times what a quarter's does.
func BenchmarkStatsMemory(b *testing.B) {
	a := newTestApp(b)
	insertHistory(b, a.Store, 50_000, 5)
	if _, err := a.Store.RebuildRateRollups(context.Background()); err != nil {
		b.Fatal(err)
	}
	now := a.Clock.Now().In(models.Shanghai)
	today := models.DateOf(now)
	widest := fmt.Sprintf("from=%s&to=%s", models.DateOf(now.AddDate(-5, 0, 1)), today)
	quarter := "period=quarter"
	attack := "from=0001-01-01&to=9999-12-31&as_of=9999-12-31T00:00:00Z"
	for _, who := range []string{"gzw-staff", "admin"} {
		a.loginPage(who)
		for _, c := range []struct{ name, query string }{{"quarter", quarter}, {"5-years", widest}, {"issue-16", attack}} {
			b.Run(who+"/"+c.name, func(b *testing.B) {
				var m requestMemory
				for i := 0; i < b.N; i++ {
					m.add(measureRequest(b, a, "/staff/stats?"+c.query))
				}
				m.report(b)
				if c.name == "5-years" {
					var q requestMemory
					for i := 0; i < b.N; i++ {
						q.add(measureRequest(b, a, "/staff/stats?"+quarter))
					}
					ratio := float64(m.alloc) / float64(q.alloc)
					b.ReportMetric(ratio, "alloc-x-quarter")
					if ratio > widestPerQuarter {
						b.Errorf("five years allocate %.1f× a quarter's page, want at most %d×", ratio, widestPerQuarter)
					}
				}
			})
		}
	}
}

// widestPerQuarter is how many times a quarter's page the widest allowed page may allocate.
const widestPerQuarter = 20

type requestMemory struct {
	n                  int
	alloc, peak, bytes uint64
	status             int
}

func (m *requestMemory) add(o requestMemory) {
	m.n++
	m.alloc += o.alloc
	m.peak = max(m.peak, o.peak)
	m.bytes = max(m.bytes, o.bytes)
	m.status = o.status
}

func (m *requestMemory) report(b *testing.B) {
	b.ReportMetric(float64(m.alloc)/float64(m.n)/(1<<20), "alloc-MB")
	b.ReportMetric(float64(m.peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(m.bytes)/(1<<10), "page-KB")
	b.ReportMetric(float64(m.status), "status")
}

// measureRequest sends one GET with a's session and measures the memory it took.
func measureRequest(b *testing.B, a *testApp, path string) requestMemory {
	b.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var s runtime.MemStats
		for {
			runtime.ReadMemStats(&s)
			peak = max(peak, s.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	resp, err := a.Client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	out := requestMemory{alloc: after.TotalAlloc - before.TotalAlloc, bytes: uint64(n), status: resp.StatusCode}
	if peak > before.HeapInuse {
		out.peak = peak - before.HeapInuse
	}
	return out
}

// insertHistory writes n tickets of the registry's units received over the years before the
// app's clock, with the events their workflow writes: most closed (nine in ten on time), some
// invalid, the rest open. (Store.WriteHistory writes a history through the workflow's own rules.)
func insertHistory(b testing.TB, s *models.Store, n, years int) {
	b.Helper()
	ctx := context.Background()
	db := s.SQLDB()
	rows, err := db.Query("SELECT id, region_id FROM units")
	if err != nil {
		b.Fatal(err)
	}
	var units [][2]int64
	for rows.Next() {
		var u [2]int64
		rows.Scan(&u[0], &u[1])
		units = append(units, u)
	}
	rows.Close()
	cal, err := s.Calendar(ctx)
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2025, 3, 25, 2, 0, 0, 0, time.UTC)
	start := end.AddDate(-years, 0, 0)
	rng := rand.New(rand.NewSource(16))
	ts := func(t time.Time) string { return t.UTC().Format(time.DateTime) }
	const batch = 500
	for from := 0; from < n; from += batch {
		var tickets, events []string
		for i := from; i < min(from+batch, n); i++ {
			id := int64(1_000_000 + i)
			u := units[rng.Intn(len(units))]
			received := start.Add(time.Duration(rng.Int63n(int64(end.Sub(start))))).Truncate(time.Second)
			deadline, _ := cal.Deadline(received, 3)
			status, closedAt, handling := "assigned", "NULL", "NULL"
			var closed time.Time
			switch p := rng.Intn(100); {
			case p < 3:
				status, closed = "invalid", received.Add(time.Duration(rng.Intn(48))*time.Hour)
			case p < 90 && deadline.Before(end):
				status, closed = "closed", received.Add(time.Duration(rng.Int63n(int64(deadline.Sub(received)))))
				if rng.Intn(10) == 0 {
					closed = deadline.Add(time.Duration(1+rng.Intn(200)) * time.Hour)
				}
				if closed.After(end) {
					closed = end
				}
			}
			updated := received
			if !closed.IsZero() {
				closedAt, updated = "'"+ts(closed)+"'", closed
			}
			if status == "closed" {
				handling = fmt.Sprint(cal.WorkingDaysBetween(received, closed))
			}
			tickets = append(tickets, fmt.Sprintf("(%d,'ZCH%010d','x','citizen','%s','https://gen.example.cn/%d','h%d',%d,'历史留言',%d,%d,'%s','%s','%s',%s,'%s','%s',%s)",
				id, id, status, id, id, 1+rng.Intn(9), u[0], u[1], ts(received), ts(received), ts(deadline), closedAt,
				ts(updated), ts(models.OneMonthLater(received)), handling))
			ev := func(at time.Time, kind, from, to, data string) {
				events = append(events, fmt.Sprintf("(%d,'%s','system','%s','%s','%s',%d,%d,'%s','',%s)", id, ts(at), kind, from, to, u[0], u[1], ts(deadline), data))
			}
			ev(received, "received", "", "assigned", "NULL")
			switch status {
			case "invalid":
				ev(closed, "invalidated", "assigned", "invalid", "NULL")
			case "closed":
				ev(closed, "replied", "assigned", "reviewing", "NULL")
				ev(closed, "approved", "reviewing", "closed", `'{"handling_days":`+handling+`}'`)
			}
		}
		if _, err := db.Exec(`INSERT INTO tickets (id, ticket_no, query_code_hash, source, status, page_url, page_key, category_id,
			description, unit_id, region_id, received_at, assigned_at, deadline, closed_at, updated_at, month_deadline, handling_days) VALUES ` +
			strings.Join(tickets, ",")); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO ticket_events (ticket_id, at, actor_role, kind, from_status, to_status, unit_id, region_id, deadline, reason, data) VALUES ` +
			strings.Join(events, ",")); err != nil {
			b.Fatal(err)
		}
	}
}
