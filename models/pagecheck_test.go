package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func TestPageChecksKeepTheFirstArrivalAndTheLatestRecheck(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	demoUsers(t, s)
	ctx := context.Background()
	id := submit(t, s, "https://www.sc.gov.cn/10462/c1.shtml").Ticket.ID
	save := func(purpose, hash string) {
		t.Helper()
		if err := s.SavePageCheck(ctx, models.PageCheck{TicketID: id, Purpose: purpose, At: clock.Now(), OK: true, Status: 200, TextHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	save(models.PageCheckArrival, "first")
	save(models.PageCheckArrival, "second") // a retried arrival task: the first fetch stands
	save(models.PageCheckRecheck, "r1")
	save(models.PageCheckRecheck, "r2") // a later reply's recheck replaces the earlier
	arrival, recheck, err := s.PageChecks(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if arrival == nil || arrival.TextHash != "first" || recheck == nil || recheck.TextHash != "r2" {
		t.Fatalf("arrival %+v, recheck %+v; want first and r2", arrival, recheck)
	}
	var rows int64
	if err := s.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_page_checks WHERE ticket_id = ?", id).Scan(&rows); err != nil || rows != 2 {
		t.Fatalf("%d rows (%v), want 2", rows, err)
	}
}

// The replicas' load found deadlocks when checks of neighbouring tickets were saved at once
// (count, delete, insert in one transaction took gap locks on the same index range).
func TestConcurrentPageChecksOfNeighbouringTicketsAllSave(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	demoUsers(t, s)
	ctx := context.Background()
	var ids []int64
	for i := 0; i < 24; i++ {
		ids = append(ids, submit(t, s, fmt.Sprintf("https://www.sc.gov.cn/10462/c%d.shtml", i)).Ticket.ID)
	}
	errs := make(chan error, 4*len(ids))
	var wg sync.WaitGroup
	for round := 0; round < 2; round++ {
		for _, id := range ids {
			for _, purpose := range []string{models.PageCheckArrival, models.PageCheckRecheck} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- s.SavePageCheck(ctx, models.PageCheck{TicketID: id, Purpose: purpose, At: clock.Now(), OK: true, Status: 200})
				}()
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows int64
	if err := s.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_page_checks").Scan(&rows); err != nil || rows != int64(2*len(ids)) {
		t.Fatalf("%d rows (%v), want %d", rows, err, 2*len(ids))
	}
}
