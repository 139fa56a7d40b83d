package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"time"

	"zhaocuo/models"
)

// loadtestGenerate fills the database with a province's worth of history for the rates
// benchmark: units across the demo regions and tickets over the past years, each with the events
// its workflow would have written, inserted in bulk.
//
//	go run ./app loadtest generate --tickets 1000000 --units 1000 --years 2
func loadtestGenerate(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest generate", flag.ContinueOnError)
	fs.SetOutput(out)
	tickets := fs.Int("tickets", 1_000_000, "tickets to write")
	units := fs.Int("units", 1000, "units to create")
	years := fs.Int("years", 2, "years of history, ending now")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	store, err := openStore(ctx, cfg, newLogger(cfg, io.Discard), models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.SeedDemo(ctx, "demo-pass-123"); err != nil {
		return err
	}
	regions, err := store.Regions(ctx)
	if err != nil {
		return err
	}
	spec := models.RegistrySpec{}
	for i := 0; i < *units; i++ {
		r := regions[i%len(regions)]
		spec.Units = append(spec.Units, models.UnitSpec{Name: fmt.Sprintf("%s压测单位%04d", r.ShortName, i), RegionCode: r.Code, Kind: models.UnitDepartment})
	}
	if _, err := store.LoadRegistry(ctx, spec); err != nil {
		return err
	}
	db := store.SQLDB()
	var unitRows []struct{ id, region int64 }
	rows, err := db.QueryContext(ctx, "SELECT id, region_id FROM units WHERE name LIKE '%压测单位%'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var u struct{ id, region int64 }
		rows.Scan(&u.id, &u.region)
		unitRows = append(unitRows, u)
	}
	rows.Close()
	cal, err := store.Calendar(ctx)
	if err != nil {
		return err
	}
	var startID int64
	db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM tickets").Scan(&startID)
	end := time.Now().UTC().Truncate(time.Second)
	start := end.AddDate(-*years, 0, 0)
	span := end.Sub(start)
	began := time.Now()
	const batch = 1000
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for from := range work {
				if err := insertHistory(ctx, db, rng, startID, from, min(from+batch, *tickets), unitRows, start, span, end, cal); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}(int64(w))
	}
	for from := 0; from < *tickets; from += batch {
		if from%100_000 == 0 && from > 0 {
			fmt.Fprintf(out, "  %d tickets, %s\n", from, time.Since(began).Round(time.Second))
		}
		work <- from
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Fprintf(out, "generated %d tickets across %d units over %d years in %s\n", *tickets, len(unitRows), *years, time.Since(began).Round(time.Second))
	began = time.Now()
	months, err := store.RebuildRateRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "built the rate rollups of %d months in %s\n", months, time.Since(began).Round(time.Millisecond))
	return nil
}

// insertHistory writes tickets [from, to) and their events: most closed (nine in ten of those on
// time), some invalid, the rest open; some rated.
func insertHistory(ctx context.Context, db *sql.DB, rng *rand.Rand, base int64, from, to int, units []struct{ id, region int64 },
	start time.Time, span time.Duration, end time.Time, cal *models.Calendar) error {
	var tickets, events []string
	var targs, eargs []any
	ts := func(t time.Time) string { return t.UTC().Format(time.DateTime) }
	for i := from; i < to; i++ {
		id := base + int64(i) + 1
		u := units[rng.Intn(len(units))]
		received := start.Add(time.Duration(rng.Int63n(int64(span)))).Truncate(time.Second)
		deadline, _ := cal.Deadline(received, 3)
		status, closedAt, rating, handling := "assigned", "NULL", "", "NULL"
		var closed time.Time
		switch p := rng.Intn(100); {
		case p < 3:
			status = "invalid"
			closed = received.Add(time.Duration(rng.Intn(48)) * time.Hour)
		case p < 90 && deadline.Before(end):
			status = "closed"
			late := rng.Intn(10) == 0
			if late {
				closed = deadline.Add(time.Duration(1+rng.Intn(200)) * time.Hour)
			} else {
				closed = received.Add(time.Duration(rng.Int63n(int64(deadline.Sub(received)))))
			}
			if closed.After(end) {
				closed = end
			}
			if rng.Intn(10) < 4 {
				rating = []string{"satisfied", "basically", "unsatisfied"}[rng.Intn(3)]
			}
		}
		if !closed.IsZero() {
			closedAt = "'" + ts(closed) + "'"
		}
		if status == "closed" {
			handling = fmt.Sprint(cal.WorkingDaysBetween(received, closed))
		}
		updated := received
		if !closed.IsZero() {
			updated = closed
		}
		tickets = append(tickets, fmt.Sprintf("(%d,'ZCG%010d','x','citizen','%s','https://gen.example.cn/%d','g%d',%d,'压测留言',%d,%d,'%s','%s','%s',%s,%v,'%s','%s','%s',%s)",
			id, id, status, id, id, 1+rng.Intn(9), u.id, u.region, ts(received), ts(received), ts(deadline), closedAt, rng.Intn(2) == 0, rating,
			ts(updated), ts(models.OneMonthLater(received)), handling))
		ev := func(at time.Time, kind, from, to, data string) {
			events = append(events, fmt.Sprintf("(%d,'%s','system','%s','%s','%s',%d,%d,'%s','',%s)", id, ts(at), kind, from, to, u.id, u.region, ts(deadline), data))
		}
		ev(received, "received", "", "assigned", "NULL")
		switch status {
		case "invalid":
			ev(closed, "invalidated", "assigned", "invalid", "NULL")
		case "closed":
			ev(closed, "replied", "assigned", "reviewing", "NULL")
			ev(closed, "approved", "reviewing", "closed", `'{"handling_days":`+handling+`}'`)
			if rating != "" {
				ev(closed.Add(time.Hour), "rated", "closed", "closed", `'{"rating":"`+rating+`"}'`)
			}
		}
	}
	_, err := db.ExecContext(ctx, `INSERT INTO tickets (id, ticket_no, query_code_hash, source, status, page_url, page_key, category_id,
		description, unit_id, region_id, received_at, assigned_at, deadline, closed_at, reply_confirmed, rating, updated_at,
		month_deadline, handling_days) VALUES `+strings.Join(tickets, ","), targs...)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, at, actor_role, kind, from_status, to_status, unit_id, region_id, deadline, reason, data) VALUES `+
		strings.Join(events, ","), eargs...)
	return err
}

// loadtestStats times the rates on the generated history next to a plain COUNT(*) over the same
// rows, and prints the query plans.
//
//	go run ./app loadtest stats [--runs 5]
func loadtestStats(ctx context.Context, cfg *Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest stats", flag.ContinueOnError)
	fs.SetOutput(out)
	runs := fs.Int("runs", 5, "runs of each measurement (the median is shown)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if cfg.dialect != models.DialectMySQL {
		return errors.New("DATABASE_URL: the rates benchmark runs on MySQL/MariaDB")
	}
	store, err := openStore(ctx, cfg, newLogger(cfg, io.Discard), models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	db := store.SQLDB()
	var total int64
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets").Scan(&total)
	now := time.Now()
	quarter, _ := models.ParsePeriod("quarter", "", "", now)
	quarter = quarter.Previous() // a whole quarter
	// The past twelve months in whole days, as the date pickers give them: two partial months at
	// the edges, read from the tickets, the eleven between from the rollups. (A calendar year
	// is whole months but the current one.)
	today := models.DateOf(now)
	year, err := models.ParsePeriod("", today.AddDays(-364).String(), today.String(), now)
	if err != nil {
		return err
	}
	var province models.Region
	regions, _ := store.Regions(ctx)
	for _, r := range regions {
		if r.ParentID == nil {
			province = r
		}
	}
	// The province's supervisor's scope, as the web side makes it.
	scope := models.Scope{All: true, RegionID: province.ID, RegionPath: province.Path}
	fmt.Fprintf(out, "tickets in the database: %d\n", total)
	// The worst case of the worker's rollup task: every month counted again from the tickets.
	if _, err := db.ExecContext(ctx, "DELETE FROM rate_rollup_state"); err != nil {
		return err
	}
	t0 := time.Now()
	months, err := store.RebuildRateRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "rate rollups rebuilt from scratch (the worker's task, worst case): %d months in %s\n", months, time.Since(t0).Round(time.Millisecond))
	measure := func(name string, f func() (int64, error)) (time.Duration, int64, error) {
		var times []time.Duration
		var n int64
		for i := 0; i < *runs; i++ {
			t0 := time.Now()
			var err error
			if n, err = f(); err != nil {
				return 0, 0, err
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		med := times[len(times)/2]
		fmt.Fprintf(out, "  %-52s median %8s (min %s, max %s) over %d rows\n", name, med.Round(100*time.Microsecond),
			times[0].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond), n)
		return med, n, nil
	}
	for _, c := range []struct {
		name    string
		period  models.Period
		groupBy string
	}{
		{"province dashboard, " + quarter.Label + " (by region)", quarter, "region"},
		{"per-unit table, the past 365 days", year, "unit"},
	} {
		fmt.Fprintf(out, "%s:\n", c.name)
		base, _, err := measure("SELECT COUNT(*) over the same rows", func() (int64, error) {
			var n int64
			err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets WHERE received_at >= ? AND received_at < ?",
				c.period.From.UTC(), c.period.To.UTC()).Scan(&n)
			return n, err
		})
		if err != nil {
			return err
		}
		rates, _, err := measure("the rates table", func() (int64, error) {
			t, err := store.CompletionTable(ctx, models.StatsQuery{Scope: scope, Period: c.period, AsOf: now}, c.groupBy, province.Path)
			if err != nil {
				return 0, err
			}
			return t.Total.Received, nil
		})
		if err != nil {
			return err
		}
		dash := rates
		if c.groupBy == "region" {
			// The page also counts the previous quarter, the categories and the weekly flow.
			dash, _, err = measure("the whole dashboard page's queries", func() (int64, error) {
				q := models.StatsQuery{Scope: scope, Period: c.period, AsOf: now}
				d, err := store.Dashboard(ctx, q, []string{"region", "unit", "category"}, province.Path)
				if err != nil {
					return 0, err
				}
				return d.Tables[0].Total.Received, nil
			})
			if err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "  ratio rates/COUNT(*): %.1f; the page: %.1f\n", float64(rates)/float64(base), float64(dash)/float64(base))
	}
	// The plans of the two statements the dashboard spends its time in, in the shape the store
	// writes them (fewer sums: the plan depends on the columns read, not on the arithmetic).
	for _, e := range []struct {
		name, sql string
		args      []any
	}{
		{"the rollups of the quarter's months, by region", `EXPLAIN SELECT r.region_id, SUM(r.received), SUM(r.on_time), SUM(r.closed)
			FROM rate_rollups r WHERE r.kind = 'c' AND r.month >= ? AND r.month < ? GROUP BY r.region_id`,
			[]any{quarter.From.In(models.Shanghai).Format("2006-01"), quarter.To.In(models.Shanghai).Format("2006-01")}},
		{"the live count of the quarter's open tickets", `EXPLAIN SELECT t.region_id,
			SUM(CASE WHEN t.deadline <= ? THEN 1 ELSE 0 END), SUM(CASE WHEN t.month_deadline < ? THEN 1 ELSE 0 END)
			FROM tickets t WHERE t.status IN ('triage', 'assigned', 'processing', 'reviewing', 'linked') AND (t.duplicate_of IS NULL OR t.linked_late)
			AND t.updated_at <= ? AND t.received_at >= ? AND t.received_at < ? GROUP BY t.region_id`,
			[]any{now.UTC(), now.UTC(), now.UTC(), quarter.From.UTC(), quarter.To.UTC()}},
		{"the tickets of an edge span (unchanged since the report time), by region", `EXPLAIN SELECT t.region_id, COUNT(*),
			SUM(CASE WHEN t.status = 'closed' AND t.closed_at <= t.deadline THEN 1 ELSE 0 END),
			SUM(CASE WHEN t.status NOT IN ('closed', 'invalid') AND t.month_deadline < ? THEN 1 ELSE 0 END),
			SUM(t.handling_days), SUM(CASE WHEN (t.duplicate_of IS NULL OR t.linked_late) AND t.rating <> '' AND t.reply_confirmed THEN 1 ELSE 0 END)
			FROM tickets t WHERE t.received_at >= ? AND t.received_at < ? AND t.updated_at <= ?
			GROUP BY t.region_id`, []any{now.UTC(), year.From.UTC(), year.From.AddDate(0, 0, 1).UTC(), now.UTC()}},
		{"the weekly flow's closings", `EXPLAIN SELECT DATE(e.at + INTERVAL 8 HOUR), COUNT(*) FROM ticket_events e
			WHERE e.to_status = 'closed' AND e.from_status <> 'closed' AND e.at >= ? AND e.at < ?
			GROUP BY DATE(e.at + INTERVAL 8 HOUR)`, []any{quarter.From.UTC(), quarter.To.UTC()}},
	} {
		fmt.Fprintf(out, "query plan of %s (EXPLAIN):\n", e.name)
		if err := printRows(ctx, db, out, e.sql, e.args...); err != nil {
			return err
		}
	}
	return nil
}

// printRows prints a statement's result as text, one row a line.
func printRows(ctx context.Context, db *sql.DB, out io.Writer, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "  "+strings.Join(cols, " | "))
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		fmt.Fprintln(out, "  "+strings.Join(parts, " | "))
	}
	return rows.Err()
}
