package models_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// BenchmarkRecountDeadlines100k: 100,000 open tickets assigned over January and February 2027,
// their deadlines counted before the 2027 notice (estimated), then the notice imported and every
// deadline it touches recounted: the time of the recount (RecountDeadlines), in batches with an
// event per moved ticket. docs/bench/calendar.sh runs it on SQLite and on MariaDB.
func BenchmarkRecountDeadlines100k(b *testing.B) {
	const n = 100_000
	for range b.N {
		b.StopTimer()
		clock := storetest.NewClock("2027-01-04 09:00")
		s := storetest.OpenEmpty(b, clock)
		ctx := context.Background()
		for _, y := range []string{"2023", "2024", "2025", "2026"} {
			data, err := os.ReadFile(filepath.Join("holidays", y+".json"))
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.ImportHolidayNotice(ctx, data); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.SeedDemo(ctx, "demo-pass-123"); err != nil {
			b.Fatal(err)
		}
		cal, err := s.Calendar(ctx)
		if err != nil {
			b.Fatal(err)
		}
		insertEstimatedTickets(b, s, n, cal)
		clock.Set(storetest.At("2027-03-01 09:00"))
		data, err := os.ReadFile(filepath.Join("holidays", "2027.json"))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.ImportHolidayNotice(ctx, data); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		r, err := s.RecountDeadlines(ctx)
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		var flagged int
		s.SQLDB().QueryRow("SELECT COUNT(*) FROM tickets WHERE deadline_estimated = TRUE").Scan(&flagged)
		if flagged != 0 {
			b.Fatalf("%d deadlines still estimated after the notice", flagged)
		}
		b.ReportMetric(took.Seconds(), "s/recount")
		b.ReportMetric(float64(r.Moved), "moved")
		b.ReportMetric(float64(r.Earlier), "earlier")
		b.Logf("%s: %d open tickets, %d deadlines moved (%d earlier), %d estimate flags cleared, recount %s",
			storetest.Backend(), n, r.Moved, r.Earlier, n, took.Round(time.Millisecond))
	}
}

// insertEstimatedTickets writes n open tickets of the 国资委 straight into the database,
// assigned at 10:00 on the days from 2027-01-04 on (one day per 1,000 tickets, weekends too), with
// the deadline of 3 working days counted on cal.
func insertEstimatedTickets(b *testing.B, s *models.Store, n int, cal *models.Calendar) {
	b.Helper()
	var unit, region int64
	s.SQLDB().QueryRow("SELECT id, region_id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&unit, &region)
	const batch = 2000
	for start := 0; start < n; start += batch {
		var rows []string
		for i := start; i < min(start+batch, n); i++ {
			assigned := time.Date(2027, 1, 4+i/1000%56, 10, 0, 0, 0, models.Shanghai)
			deadline, estimated := cal.Deadline(assigned, 3)
			at, dl := assigned.UTC().Format(time.DateTime), deadline.UTC().Format(time.DateTime)
			est := 0
			if estimated {
				est = 1
			}
			rows = append(rows, fmt.Sprintf("('ZCR%09d','x','citizen','assigned','https://gzw.sc.gov.cn/%d','k%d',1,'压测留言',%d,%d,'%s','%s','%s',%d,'%s')",
				i, i, i, unit, region, at, at, dl, est, at))
		}
		_, err := s.SQLDB().Exec(`INSERT INTO tickets (ticket_no, query_code_hash, source, status, page_url, page_key, category_id,
			description, unit_id, region_id, received_at, assigned_at, deadline, deadline_estimated, updated_at) VALUES ` + strings.Join(rows, ","))
		if err != nil {
			b.Fatal(err)
		}
	}
}
