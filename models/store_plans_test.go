package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhaocuo/models"
)

// The plans are those of the statements the store sends: a rate over whole months reads the
// rollups and the tickets, and each statement noted is explained once, by the database.
func TestExplainQueriesExplainsWhatTheStoreSends(t *testing.T) {
	ctx := context.Background()
	r := newRates(t, "2025-01-06 09:00:00")
	for _, day := range []string{"2025-01-06 10:00", "2025-02-10 10:00", "2025-03-03 10:00"} {
		r.at(day)
		r.report("https://gzw.sc.gov.cn/" + day[:10] + ".html")
	}
	r.at("2025-04-02 10:00")
	if _, err := r.s.RebuildRateRollups(ctx); err != nil {
		t.Fatal(err)
	}
	p, _ := models.ParsePeriod("2025Q1", "", "", r.clock.Now())
	q := models.StatsQuery{Scope: models.Scope{All: true}, Period: p, AsOf: r.clock.Now()}
	var received int64
	plans, err := r.s.ExplainQueries(ctx, func(ctx context.Context, v *models.Store) error {
		for range 2 { // the same statements twice: explained once
			table, err := v.CompletionTable(ctx, q, "region", "")
			if err != nil {
				return err
			}
			received = table.Total.Received
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if received != 3 {
		t.Fatalf("the rates through the view received %d, want 3", received)
	}
	seen := map[string]bool{}
	var rollups, tickets bool
	for _, pl := range plans {
		if !strings.HasPrefix(pl.SQL, "SELECT") || len(pl.Columns) == 0 || len(pl.Rows) == 0 {
			t.Errorf("plan of %q: %v %v", pl.SQL, pl.Columns, pl.Rows)
		}
		if seen[pl.SQL] {
			t.Errorf("explained twice: %s", pl.SQL)
		}
		seen[pl.SQL] = true
		rollups = rollups || strings.Contains(pl.SQL, "FROM rate_rollups")
		tickets = tickets || strings.Contains(pl.SQL, "FROM tickets")
	}
	if !rollups || !tickets {
		t.Fatalf("no plan of the rollups' (%v) or the tickets' (%v) statements among %d", rollups, tickets, len(plans))
	}

	want := errors.New("stop")
	if _, err := r.s.ExplainQueries(ctx, func(context.Context, *models.Store) error { return want }); !errors.Is(err, want) {
		t.Fatalf("an error of do: %v", err)
	}
}
