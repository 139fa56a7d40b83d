package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func pageStates(n int, at time.Time) []models.PageState {
	out := make([]models.PageState, n)
	for i := range out {
		out[i] = models.PageState{URL: fmt.Sprintf("https://www.chengdu.gov.cn/news/a%d.html", i), IsPage: i%10 != 9,
			ETag: fmt.Sprintf(`"e%d"`, i), Fingerprint: fmt.Sprintf("%032d", i), Record: []byte(`{"s":200}`), FetchedAt: at, ChangedAt: at}
	}
	return out
}

// A site's page states are written in batches (more rows than one batch here), replaced by the
// next round's, and a URL no round has seen for PageStateMissedRounds rounds is dropped; the
// site's page list counts the pages and what changed and was fetched in the last day.
func TestPageStatesAreKeptPerSiteAndDroppedWhenMissed(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	demoUsers(t, s)
	ctx := context.Background()
	round, ids, err := storetest.StartRound(ctx, s, models.RoundScheduled, models.Scope{All: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if round.Mode != models.RoundFull {
		t.Fatalf("StartRound's mode %q, want full", round.Mode)
	}
	site, other := ids[0], ids[1]
	day := time.Date(2025, 3, 24, 2, 0, 0, 0, time.UTC)
	if err := s.SavePageStates(ctx, round.ID, site, pageStates(1200, day)); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePageStates(ctx, round.ID, other, pageStates(3, day)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PageStates(ctx, site)
	if err != nil || len(got) != 1200 {
		t.Fatalf("states: %d, %v; want 1200", len(got), err)
	}
	// A full round's read: the same states (in batches too), their dates and fingerprints, no
	// records or validators.
	dates, err := s.PageStateDates(ctx, site)
	if err != nil || len(dates) != 1200 {
		t.Fatalf("states' dates: %d, %v; want 1200", len(dates), err)
	}
	for i, d := range dates {
		if d.URL != got[i].URL || d.Fingerprint != got[i].Fingerprint || !d.ChangedAt.Equal(day) || !d.FetchedAt.Equal(day) ||
			d.IsPage != got[i].IsPage || d.Record != nil || d.ETag != "" {
			t.Fatalf("the dates of %s: %+v", got[i].URL, d)
		}
	}

	// The next rounds see only the first 1000 URLs, one of them changed.
	next := day.Add(24 * time.Hour)
	for i := 1; i <= models.PageStateMissedRounds; i++ {
		daily, _, err := s.StartRoundMode(ctx, models.RoundScheduled, models.RoundIncremental, models.Scope{All: true}, nil)
		if err != nil || daily.Mode != models.RoundIncremental {
			t.Fatalf("incremental round: %+v, %v", daily, err)
		}
		states := pageStates(1000, day)
		states[7].ChangedAt, states[7].FetchedAt, states[8].FetchedAt = next, next, next
		if err := s.SavePageStates(ctx, daily.ID, site, states); err != nil {
			t.Fatal(err)
		}
		got, err = s.PageStates(ctx, site)
		if want := map[bool]int{true: 1000, false: 1200}[i == models.PageStateMissedRounds]; err != nil || len(got) != want {
			t.Fatalf("after %d rounds that missed 200 URLs: %d states, %v; want %d", i, len(got), err, want)
		}
	}
	if got, _ := s.PageStates(ctx, other); len(got) != 3 {
		t.Fatalf("the other site's states: %d, want its 3", len(got))
	}

	rows, counts, err := s.SitePages(ctx, site, next.Add(-time.Hour), 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Pages != 900 || counts.ChangedSince != 1 || counts.FetchedSince != 2 || len(rows) != 50 ||
		rows[0].URL != "https://www.chengdu.gov.cn/news/a7.html" || !rows[0].ChangedAt.Equal(next) {
		t.Fatalf("site pages: %+v, first %+v", counts, rows[0])
	}
	if rows, _, err := s.SitePages(ctx, site, next, 18, 50); err != nil || len(rows) != 50 {
		t.Fatalf("the last page: %d rows, %v", len(rows), err)
	}
	if _, _, err := s.StartRoundMode(ctx, models.RoundOnDemand, "daily", models.Scope{All: true}, nil); models.ErrorKind(err) != models.KindInvalid {
		t.Fatalf("unknown mode: %v, want invalid", err)
	}
}

// A daily round writes only the states that changed: an unchanged one's row is only marked
// seen by the round (its record stays as written, whatever bytes the caller holds), and a row
// that had been missed starts counting again; the rows no round sees still count misses and are
// dropped after PageStateMissedRounds, and a round saved twice (a retried task) counts no miss
// twice.
func TestUnchangedPageStatesAreOnlyMarkedSeen(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	demoUsers(t, s)
	ctx := context.Background()
	full, ids, err := storetest.StartRound(ctx, s, models.RoundScheduled, models.Scope{All: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	site := ids[0]
	day := time.Date(2025, 3, 24, 2, 0, 0, 0, time.UTC)
	if err := s.SavePageStates(ctx, full.ID, site, pageStates(1200, day)); err != nil {
		t.Fatal(err)
	}
	daily := func(n int, edit func([]models.PageState)) int64 {
		t.Helper()
		round, _, err := s.StartRoundMode(ctx, models.RoundScheduled, models.RoundIncremental, models.Scope{All: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		states := pageStates(n, day)
		for i := range states {
			// Other bytes than the row's: were the row written, it would show.
			states[i].Unchanged, states[i].Record = true, []byte(`{"s":404}`)
		}
		edit(states)
		for range 2 { // the round's task, and its retry
			if err := s.SavePageStates(ctx, round.ID, site, states); err != nil {
				t.Fatal(err)
			}
		}
		return round.ID
	}
	// The first daily round sees URLs 0-899; the second 0-999, the seventh changed.
	daily(900, func([]models.PageState) {})
	second := daily(1000, func(st []models.PageState) {
		st[7].Unchanged, st[7].Record, st[7].ChangedAt = false, []byte(`{"s":500}`), day.Add(24*time.Hour)
	})
	got, err := s.PageStates(ctx, site)
	if err != nil || len(got) != 1200 {
		t.Fatalf("states: %d, %v; want 1200", len(got), err)
	}
	for _, st := range got {
		var i int
		fmt.Sscanf(st.URL, "https://www.chengdu.gov.cn/news/a%d.html", &i)
		record, missed := `{"s":200}`, 0
		if i == 7 {
			record = `{"s":500}`
		}
		if i >= 1000 {
			missed = 2
		}
		if string(st.Record) != record || st.Missed != missed || st.RoundID != second {
			t.Fatalf("%s: record %s, missed %d, round %d; want %s, %d, %d", st.URL, st.Record, st.Missed, st.RoundID, record, missed, second)
		}
	}
	daily(1000, func([]models.PageState) {})
	if got, err := s.PageStates(ctx, site); err != nil || len(got) != 1000 {
		t.Fatalf("after the third round that missed 200 URLs: %d states, %v; want 1000", len(got), err)
	}
}

// The crawls of a round save their sites at once, and on MySQL two sites' statements may lock
// the gaps beside each other's rows and deadlock: the database ends one statement, whose site's
// task failed and crawled the whole site again. Here another transaction, heavier (so the
// database ends the save, not it), holds the second of a site's two rows while the save holds
// the first and waits, then asks for the first: the save is run again once it commits.
func TestASaveEndedAsADeadlockIsRunAgain(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	if s.Dialect() != models.DialectMySQL {
		t.Skip("SQLite writes one transaction at a time: no deadlock to end")
	}
	ctx := context.Background()
	day := time.Date(2025, 3, 24, 2, 0, 0, 0, time.UTC)
	const site = 91
	states := pageStates(2, day)
	if err := s.SavePageStates(ctx, 1, site, states); err != nil {
		t.Fatal(err)
	}
	conn, err := s.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for i := range 50 { // the weight that makes the save the one the database ends
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_page_states (website_id, url_hash, url, record, fetched_at, changed_at, round_id)
			VALUES (?, ?, 'x', '', ?, ?, 1)`, site+1, models.URLHash(fmt.Sprint(i)), day, day); err != nil {
			t.Fatal(err)
		}
	}
	var trx string // the transaction's id, to know the save waiting for it from other tests'
	if err := tx.QueryRowContext(ctx, "SELECT trx_id FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()").Scan(&trx); err != nil {
		t.Fatal(err)
	}
	lock := func(i int) error {
		var u string
		return tx.QueryRowContext(ctx, "SELECT url FROM inspection_page_states WHERE website_id = ? AND url_hash = ? FOR UPDATE",
			site, models.URLHash(states[i].URL)).Scan(&u)
	}
	if err := lock(1); err != nil {
		t.Fatal(err)
	}
	saved := make(chan error, 1)
	go func() { saved <- s.SavePageStates(ctx, 2, site, states) }() // locks row 0, waits for row 1
	deadline := time.Now().Add(10 * time.Second)
	// InnoDB fills its tables of locks afresh only when they were not read for 0.1 s.
	for waiting := 0; waiting == 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the save did not come to wait for the row the other transaction holds")
		}
		select {
		case err := <-saved:
			t.Fatalf("the save ended before it waited for the row the other transaction holds: %v", err)
		default:
		}
		if err := s.SQLDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.innodb_lock_waits WHERE blocking_trx_id = ?", trx).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := lock(0); err != nil {
		t.Fatalf("the heavier transaction was ended instead of the save: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("the save ended as a deadlock: %v", err)
	}
	got, err := s.PageStates(ctx, site)
	if err != nil || len(got) != 2 || got[0].RoundID != 2 || got[1].RoundID != 2 {
		t.Fatalf("states after the save: %+v, %v; want both of round 2", got, err)
	}
}
