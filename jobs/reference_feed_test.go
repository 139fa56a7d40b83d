package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// Two replicas on one database and one Redis: an administrator edits a site's bases on one, and
// the next report on the other routes by the new bases at once, through the feed (the version
// check is set to an hour, so nothing else can tell it); with the feed's word lost, the version
// row tells it at its next check.
func TestReferenceChangeReachesEveryReplica(t *testing.T) {
	ctx := context.Background()
	rds := storetest.NewRedis(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	feed := jobs.NewReferenceFeed(rds.Client, log)
	clock := storetest.NewClock("2026-12-07 10:00:00")
	a := storetest.OpenWith(t, clock, models.Options{ReferenceFeed: feed, ReferenceCheck: time.Hour})
	if _, err := a.SeedDemo(ctx, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	open := func(check time.Duration) *models.Store {
		s, err := a.Reopen(ctx, clock, models.Options{Events: models.NoWorker, ReferenceFeed: feed, ReferenceCheck: check})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	listening, lost := open(time.Hour), open(50*time.Millisecond)
	l := feed.Listen(listening)
	defer l.Stop()
	waitSubscribed(t, func() map[string]int64 { return rds.Client.PubSubNumSub(ctx, "zhaocuo:reference").Val() }, 1)

	page, _ := models.ParsePageURL("https://gzw-new.sc.gov.cn/notice/1.html")
	routed := func(s *models.Store) string {
		m, err := s.Route(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		if m == nil {
			return ""
		}
		return m.WebsiteName
	}
	// Both replicas have read the routing table before the edit.
	if routed(listening) != "" || routed(lost) != "" {
		t.Fatal("the new host routes before the edit")
	}
	sites, err := a.SearchWebsites(ctx, models.Scope{All: true}, models.ListQuery{Q: "gzw.sc.gov.cn"})
	if err != nil || len(sites.Items) != 1 {
		t.Fatalf("site: %v %v", sites, err)
	}
	w := sites.Items[0]
	in := models.WebsiteInput{Name: w.Name, IdentifierCode: w.IdentifierCode, Kind: w.Kind, UnitID: w.UnitID,
		Bases: append(w.Bases, "https://gzw-new.sc.gov.cn/")}
	if _, err := a.SaveWebsite(ctx, models.RegistryActor{Scope: models.Scope{All: true}, Source: models.RegistryByForm}, w.ID, in); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*models.Store{"listening replica": listening, "replica that lost the word": lost} {
		deadline := time.Now().Add(3 * time.Second)
		for routed(s) != w.Name {
			if time.Now().After(deadline) {
				t.Fatalf("the %s still routes the new host nowhere", name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// waitSubscribed waits until the listener's subscription is in place, so that the edit's word
// is not published before anyone listens.
func waitSubscribed(t *testing.T, numsub func() map[string]int64, want int64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for numsub()["zhaocuo:reference"] < want {
		if time.Now().After(deadline) {
			t.Fatal("the replica never subscribed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
