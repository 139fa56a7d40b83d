package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// An incremental round, through the real worker and store: it starts from the page states the
// full round kept, asks for the homepage and list pages again but not the unchanged article,
// stores the same findings as the full round, and writes back the states of what it asked for,
// not the unchanged article's (its row is only marked seen).
func TestIncrementalRoundCarriesOverWhatDidNotChange(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	full := w.round(t)
	host := strings.TrimSuffix(strings.TrimPrefix(w.faulty, "http://"), "/")
	if n := w.farm.count(host + "/news/1.html"); n != 1 {
		t.Fatalf("the full round read the article %d times", n)
	}
	fullRes, fullFindings := w.findings(t, full.ID, w.faulty)
	states, err := w.store.PageStates(ctx, fullRes.WebsiteID)
	if err != nil || len(states) < 3 {
		t.Fatalf("the full round kept %d states, %v", len(states), err)
	}

	// Every row written (an upsert starts as an INSERT, on both databases) is noted; the UPDATE
	// that marks a row seen is not.
	trigger := `CREATE TRIGGER note_page_state_writes BEFORE INSERT ON inspection_page_states FOR EACH ROW
		INSERT INTO page_state_writes (url) VALUES (NEW.url)`
	if w.store.Dialect() == models.DialectSQLite {
		trigger = `CREATE TRIGGER note_page_state_writes BEFORE INSERT ON inspection_page_states
		BEGIN INSERT INTO page_state_writes (url) VALUES (NEW.url); END`
	}
	for _, stmt := range []string{"CREATE TABLE page_state_writes (url VARCHAR(2048) NOT NULL)", trigger} {
		if _, err := w.store.SQLDB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}

	daily, events, err := w.store.StartRoundMode(ctx, models.RoundOnDemand, models.RoundIncremental, models.Scope{All: true}, &w.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.events.Dispatch(ctx, events...); err != nil {
		t.Fatal(err)
	}
	daily = w.finished(t, daily.ID)
	if daily.Mode != models.RoundIncremental || daily.SitesDone != 2 || daily.SitesFailed != 1 {
		t.Fatalf("incremental round: %+v", daily)
	}
	if n := w.farm.count(host + "/"); n != 2 {
		t.Errorf("homepage read %d times in two rounds, want 2", n)
	}
	if n := w.farm.count(host + "/news/1.html"); n != 1 {
		t.Errorf("the unchanged article was asked for again by the incremental round (%d requests)", n)
	}
	written := map[string]bool{}
	rows, err := w.store.SQLDB().QueryContext(ctx, "SELECT url FROM page_state_writes")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		rows.Scan(&u)
		written[u] = true
	}
	rows.Close()
	if !written[w.faulty] || written[w.faulty+"news/1.html"] {
		t.Errorf("the incremental round wrote the states of %v; want the homepage's (asked for again), not the unchanged article's", written)
	}
	dailyRes, dailyFindings := w.findings(t, daily.ID, w.faulty)
	if got, want := findingSummary(dailyFindings), findingSummary(fullFindings); got != want {
		t.Errorf("incremental round's findings:\n%s\nfull round's:\n%s", got, want)
	}
	if dailyRes.Verdict != fullRes.Verdict || dailyRes.Score != fullRes.Score || dailyRes.Pages != fullRes.Pages {
		t.Errorf("incremental result %+v, full %+v", dailyRes.InspectionResult, fullRes.InspectionResult)
	}
	pages, counts, err := w.store.SitePages(ctx, fullRes.WebsiteID, time.Now().Add(-time.Hour), 1, 50)
	if err != nil || counts.Pages < 3 || len(pages) != int(counts.Pages) {
		t.Fatalf("site pages: %+v %+v %v", counts, pages, err)
	}
}

// The weekly full round reads every page again and keeps, for a page that did not change, when
// it last changed: the site's page list does not show every page changed each Monday. The
// states are set a year back first; the round's own time is then the fetch time of each, and
// the change time of none of the unchanged article's.
func TestFullRoundKeepsWhenUnchangedPagesChanged(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	res, _ := w.findings(t, w.round(t).ID, w.faulty)
	before := time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)
	if _, err := w.store.SQLDB().ExecContext(ctx, "UPDATE inspection_page_states SET fetched_at = ?, changed_at = ?", before, before); err != nil {
		t.Fatal(err)
	}
	started := time.Now().Add(-time.Second)
	w.round(t)
	states, err := w.store.PageStates(ctx, res.WebsiteID)
	if err != nil {
		t.Fatal(err)
	}
	article := false
	for _, st := range states {
		if st.FetchedAt.Before(started) {
			t.Errorf("the full round did not fetch %s (fetched at %v)", st.URL, st.FetchedAt)
		}
		if st.URL == w.faulty+"news/1.html" {
			article = true
			if !st.ChangedAt.Equal(before) {
				t.Errorf("the unchanged article changed at %v, want %v as before the round", st.ChangedAt, before)
			}
		}
	}
	if !article {
		t.Fatalf("no state of the article among %d", len(states))
	}
}

func findingSummary(byType map[string][]models.Finding) string {
	var b strings.Builder
	for _, typ := range []string{"dead_link", "typo", "stale_homepage", "stale_column", "blank_column", "missing_footer_mark", "duplicate_post"} {
		for _, f := range byType[typ] {
			fmt.Fprintf(&b, "%s %s %s %s %g %s\n", f.Type, f.Page, f.Target, f.Evidence, f.Points, f.FindingKey)
		}
	}
	total := 0
	for _, fs := range byType {
		total += len(fs)
	}
	fmt.Fprintf(&b, "%d findings", total)
	return b.String()
}

// The weekly round stays full; the other days' scheduled round is incremental, and its task
// opens a round of that mode.
func TestDailyScheduledRoundIsIncremental(t *testing.T) {
	modes := map[string]string{}
	for _, p := range jobs.PeriodicTasks(5 * time.Minute) {
		if p.Task.Type() == jobs.TypeInspectRound {
			modes[p.Spec] = string(p.Task.Payload())
		}
	}
	if len(modes) != 2 || strings.Contains(modes["0 2 * * 1"], "incremental") || !strings.Contains(modes["0 2 * * 0,2-6"], "incremental") {
		t.Fatalf("scheduled rounds: %v", modes)
	}
	w := newInspectionWorld(t)
	mux := asynq.NewServeMux()
	jobs.Register(mux, w.deps)
	if err := mux.ProcessTask(context.Background(), jobs.NewDailyRoundTask()); err != nil {
		t.Fatal(err)
	}
	r, err := w.store.LatestRound(context.Background(), models.RoundScheduled, time.Now().Add(-time.Hour))
	if err != nil || r == nil || r.Mode != models.RoundIncremental {
		t.Fatalf("the daily round: %+v, %v", r, err)
	}
}
