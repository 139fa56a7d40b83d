package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"zhaocuo/models"
)

// generate fills the database with a province's worth of history for the rates benchmark: units
// across the demo regions, each running a website, and tickets reported on those sites over the
// past years, each with the events its workflow would have written (Store.WriteHistory), then
// the rate rollups.
//
//	go run ./app loadtest generate --tickets 1000000 --units 1000 --years 2
func generate(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest generate", flag.ContinueOnError)
	fs.SetOutput(out)
	tickets := fs.Int("tickets", 1_000_000, "tickets to write")
	units := fs.Int("units", 1000, "units to create")
	years := fs.Int("years", 2, "years of history, ending now")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if *units < 1 {
		return UsageError{"loadtest generate needs --units 1 or more"}
	}
	store, err := env.OpenStore(ctx)
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
		name := fmt.Sprintf("%s压测单位%04d", r.ShortName, i)
		spec.Units = append(spec.Units, models.UnitSpec{Name: name, RegionCode: r.Code, Kind: models.UnitDepartment})
		spec.Websites = append(spec.Websites, models.WebsiteSpec{Name: name + "网站", Unit: name, Kind: models.SiteDepartment,
			Bases: []string{siteOf(i)}})
	}
	if _, err := store.LoadRegistry(ctx, spec); err != nil {
		return err
	}
	h := history{units: *units, end: time.Now().UTC().Truncate(time.Second)}
	h.start = h.end.AddDate(-*years, 0, 0)
	if h.cal, err = store.Calendar(ctx); err != nil {
		return err
	}
	set, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	h.replyDays = set.ReplyDays
	cats, err := store.Categories(ctx)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Active {
			h.categories = append(h.categories, c.Name)
		}
	}
	began := time.Now()
	const chunk = 10_000
	for from := 0; from < *tickets; from += chunk {
		if from%100_000 == 0 && from > 0 {
			fmt.Fprintf(out, "  %d tickets, %s\n", from, time.Since(began).Round(time.Second))
		}
		past := make([]models.PastTicket, 0, chunk)
		for i := from; i < min(from+chunk, *tickets); i++ {
			past = append(past, h.ticket(i))
		}
		if _, err := store.WriteHistory(ctx, past); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "generated %d tickets across %d units over %d years in %s\n", *tickets, *units, *years, time.Since(began).Round(time.Second))
	began = time.Now()
	months, err := store.RebuildRateRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "built the rate rollups of %d months in %s\n", months, time.Since(began).Round(time.Millisecond))
	return nil
}

// siteOf is the home page of the website of the i-th unit generate makes.
func siteOf(i int) string { return fmt.Sprintf("https://u%04d.gen.example.cn/", i) }

// history is the shape of the past generate writes.
type history struct {
	units      int
	start, end time.Time
	cal        *models.Calendar
	replyDays  int
	categories []string
}

// ticket is the i-th ticket of the history, the same for the same i: most closed (nine in ten of
// those on time, half of them confirmed, four in ten rated an hour after), some invalid, the rest
// open.
func (h history) ticket(i int) models.PastTicket {
	rng := rand.New(rand.NewPCG(uint64(i), 17))
	received := h.start.Add(time.Duration(rng.Int64N(int64(h.end.Sub(h.start))))).Truncate(time.Second)
	p := models.PastTicket{PageURL: fmt.Sprintf("%s%d.html", siteOf(rng.IntN(h.units)), i),
		Category: h.categories[rng.IntN(len(h.categories))], Description: "压力测试留言：页面链接无法打开。",
		ReceivedAt: received, Outcome: models.StatusAssigned}
	deadline, _ := h.cal.Deadline(received, h.replyDays)
	switch r := rng.IntN(100); {
	case r < 3:
		p.Outcome, p.ClosedAt = models.StatusInvalid, earliest(received.Add(time.Duration(rng.IntN(48))*time.Hour), h.end)
	case r < 90 && deadline.Before(h.end):
		p.Outcome, p.Confirmed = models.StatusClosed, rng.IntN(2) == 0
		if rng.IntN(10) == 0 { // late
			p.ClosedAt = deadline.Add(time.Duration(1+rng.IntN(200)) * time.Hour)
		} else {
			p.ClosedAt = received.Add(time.Duration(rng.Int64N(int64(deadline.Sub(received)))))
		}
		p.ClosedAt = earliest(p.ClosedAt, h.end)
		if rated := p.ClosedAt.Add(time.Hour); rng.IntN(10) < 4 && !rated.After(h.end) {
			p.Rating, p.RatedAt = []string{models.RatingSatisfied, models.RatingBasically, models.RatingUnhappy}[rng.IntN(3)], rated
		}
	}
	return p
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// stats times the rates on the generated history next to a plain COUNT(*) over the same rows,
// and prints the plans of the statements the dashboard and the per-unit table send.
//
//	go run ./app loadtest stats [--runs 5]
func stats(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest stats", flag.ContinueOnError)
	fs.SetOutput(out)
	runs := fs.Int("runs", 5, "runs of each measurement (the median is shown)")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if env.Dialect != models.DialectMySQL {
		return errors.New("DATABASE_URL: the rates benchmark runs on MySQL/MariaDB")
	}
	store, err := env.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	total, err := store.CountTickets(ctx)
	if err != nil {
		return err
	}
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
	t0 := time.Now()
	months, err := store.RecountRateRollups(ctx)
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
	dashboard := func(ctx context.Context, s *models.Store, p models.Period) (*models.Dashboard, error) {
		return s.Dashboard(ctx, models.StatsQuery{Scope: scope, Period: p, AsOf: now}, []string{"region", "unit", "category"}, province.Path)
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
			return store.CountReceived(ctx, c.period.From, c.period.To)
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
				d, err := dashboard(ctx, store, c.period)
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
	// The plans of the statements the two send that read the tickets, their events or the
	// rollups: the statements themselves, as the store sent them (Store.ExplainQueries).
	plans, err := store.ExplainQueries(ctx, func(ctx context.Context, s *models.Store) error {
		if _, err := dashboard(ctx, s, quarter); err != nil {
			return err
		}
		_, err := s.CompletionTable(ctx, models.StatsQuery{Scope: scope, Period: year, AsOf: now}, "unit", province.Path)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range plans {
		if !strings.Contains(p.SQL, "tickets") && !strings.Contains(p.SQL, "ticket_events") && !strings.Contains(p.SQL, "rate_rollups") {
			continue
		}
		fmt.Fprintf(out, "query plan of %s\n", abbreviated(p.SQL))
		fmt.Fprintln(out, "  "+strings.Join(p.Columns, " | "))
		for _, r := range p.Rows {
			fmt.Fprintln(out, "  "+strings.Join(r, " | "))
		}
	}
	return nil
}

// abbreviated is a statement on one line without its select list: the plan turns on the tables
// and the conditions, and a list of the rates' sums runs to a thousand characters.
func abbreviated(sql string) string {
	sql = strings.Join(strings.Fields(sql), " ")
	if i := strings.Index(sql, " FROM "); strings.HasPrefix(sql, "SELECT ") && i > 0 {
		return "SELECT … " + sql[i+1:]
	}
	return sql
}
