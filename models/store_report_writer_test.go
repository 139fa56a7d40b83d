package models_test

import (
	"context"
	"sync"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// Many reports at once are written in groups; each must come back with its own id, and the
// database must hold exactly one first event per ticket, pointing at that ticket.
func TestConcurrentReportsEachGetTheirOwnTicketAndEvent(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	const n = 200
	subs := make([]*models.Submission, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := validReport()
			if i%3 == 0 {
				r.PageURL = "https://unknown.example.cn/" // some to triage
			}
			sub, err := s.SubmitReport(ctx, r)
			if err != nil {
				t.Error(err)
				return
			}
			subs[i] = sub
		}(i)
	}
	wg.Wait()
	ids := map[int64]bool{}
	for _, sub := range subs {
		if sub == nil {
			t.FailNow()
		}
		if sub.Ticket.ID == 0 || ids[sub.Ticket.ID] {
			t.Fatalf("ticket %s has id %d (duplicate or missing)", sub.Ticket.TicketNo, sub.Ticket.ID)
		}
		ids[sub.Ticket.ID] = true
		events, err := s.TicketEvents(ctx, sub.Ticket.ID)
		if err != nil || len(events) != 1 || events[0].ToStatus != sub.Ticket.Status {
			t.Fatalf("ticket %s: events %+v %v", sub.Ticket.TicketNo, events, err)
		}
		got, err := s.FindReport(ctx, sub.Ticket.TicketNo, sub.QueryCode)
		if err != nil || got.Status != sub.Ticket.Status {
			t.Fatalf("ticket %s not found with its own code: %v", sub.Ticket.TicketNo, err)
		}
	}
}

// A ticket number taken behind the counter's back (a row put there by hand; after a restore, a
// counter behind the tickets) costs no report: the reports collide, get a fresh block that starts
// past the highest number used, and all are committed.
func TestNumberCollisionsAreRetried(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	// Numbers are handed out from 1 each day; take number 5 away.
	if _, err := s.SQLDB().Exec(`INSERT INTO tickets (ticket_no, query_code_hash, source, status, page_url, page_key,
		category_id, description, region_id, received_at, updated_at)
		VALUES ('ZC20250325000005', 'x', 'citizen', 'triage', 'https://a.cn/', 'k', 1, '占用编号的记录', 1, ?, ?)`,
		storetest.At("2025-03-25 09:00"), storetest.At("2025-03-25 09:00")); err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.SubmitReport(ctx, validReport())
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a report failed: %v", err)
		}
	}
	var tickets, events, distinct int
	s.SQLDB().QueryRow("SELECT COUNT(*), COUNT(DISTINCT ticket_no) FROM tickets").Scan(&tickets, &distinct)
	s.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_events").Scan(&events)
	if tickets != n+1 || distinct != n+1 || events != n {
		t.Fatalf("tickets %d (%d distinct), events %d", tickets, distinct, events)
	}
}

// After the counter is set back (a restore), new numbers start past the highest one used.
func TestCounterBehindTheTicketsIsSkipped(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	first, _ := s.SubmitReport(ctx, validReport())
	if _, err := s.SQLDB().Exec("DELETE FROM ticket_number_blocks"); err != nil {
		t.Fatal(err)
	}
	other, _ := s.Reopen(ctx, storetest.NewClock("2025-03-25 10:00:00"), models.Options{Events: &storetest.Events{}}) // a process started after the restore
	defer other.Close()
	second, err := other.SubmitReport(ctx, validReport())
	if err != nil || second.Ticket.TicketNo <= first.Ticket.TicketNo {
		t.Fatalf("after the restore: %v %v (first %s)", second, err, first.Ticket.TicketNo)
	}
}
