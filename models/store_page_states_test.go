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
