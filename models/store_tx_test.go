package models_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A Galera node answers a commit that fails certification with 1213 (as a lost deadlock), a node
// that is not synced refuses with 1047, and one cut off from the others during the commit answers
// 1180 (docs/bench/ha.sh's partition showed it): the store runs the whole transaction again, and what
// it returns and what the database holds are those of one run.
func TestARefusedCommitRunsTheWholeTransactionAgain(t *testing.T) {
	spec := models.DemoRegistry()
	for _, tt := range []struct {
		name   string
		number uint16
	}{
		{"certification failed (1213)", 1213},
		{"node not synced (1047)", 1047},
		{"node cut off from the cluster during the commit (1180)", 1180},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
			commits := models.RefuseCommits(s, 1, tt.number)
			n, err := s.LoadRegistry(context.Background(), spec)
			if err != nil {
				t.Fatalf("the refused commit reached the caller: %v", err)
			}
			if commits.Asked() != 2 {
				t.Fatalf("%d commits asked for, want 2 (the refused one and the run again)", commits.Asked())
			}
			if n.Regions != len(spec.Regions) || n.Units != len(spec.Units) {
				t.Fatalf("counted %+v: the first run's counts kept (spec: %d regions, %d units)", n, len(spec.Regions), len(spec.Units))
			}
			if got := count(t, s, "regions"); got != int64(len(spec.Regions)) {
				t.Fatalf("%d regions stored, want %d", got, len(spec.Regions))
			}
			if got := count(t, s, "units"); got != int64(len(spec.Units)) {
				t.Fatalf("%d units stored, want %d", got, len(spec.Units))
			}
		})
	}
}

// The report writer's group is one transaction: refused at commit, the reports are written once,
// each with its one first event, and the reporter gets the ticket's id.
func TestAReportGroupRefusedAtCommitIsStoredOnce(t *testing.T) {
	s := seededStore(t, storetest.NewClock("2025-03-25 10:00:00"))
	ctx := context.Background()
	commits := models.RefuseCommits(s, 1, 1213)
	sub, err := s.SubmitReport(ctx, validReport())
	if err != nil {
		t.Fatalf("the refused commit reached the reporter: %v", err)
	}
	if commits.Asked() < 2 { // the number block's, the group's refused, the group's again
		t.Fatalf("%d commits asked for: none refused", commits.Asked())
	}
	if got := count(t, s, "tickets"); got != 1 {
		t.Fatalf("%d tickets stored, want 1", got)
	}
	events, err := s.TicketEvents(ctx, sub.Ticket.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("ticket %d: %d events (%v), want its one first event", sub.Ticket.ID, len(events), err)
	}
	if _, err := s.FindReport(ctx, sub.Ticket.TicketNo, sub.QueryCode); err != nil {
		t.Fatalf("the stored report is not found with its number and code: %v", err)
	}
}

// Runs again are bounded: a node that keeps refusing is reported (503, try again) after a few,
// with nothing written; a lock wait timeout, which has waited long already, is not run again.
func TestRefusalsAreRunAgainABoundedNumberOfTimes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		number uint16
		asked  int
	}{
		{"refused every time", 1213, 4},
		{"lock wait timeout", 1205, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
			commits := models.RefuseCommits(s, 100, tt.number)
			_, err := s.LoadRegistry(context.Background(), models.DemoRegistry())
			if err == nil {
				t.Fatal("a refused commit reported as done")
			}
			if commits.Asked() != tt.asked {
				t.Fatalf("%d commits asked for, want %d", commits.Asked(), tt.asked)
			}
			if got := count(t, s, "regions"); got != 0 {
				t.Fatalf("%d regions stored by transactions that were refused", got)
			}
		})
	}
}

// Every transaction of the store is run again after a refused commit only if it goes through
// Store.transaction: no other file of the package opens one with gorm's Transaction or Begin.
func TestEveryTransactionGoesThroughTheOneHelper(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) < 50 {
		t.Fatalf("read %d files: %v", len(files), err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "store_tx.go" {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(body), "\n") {
			if strings.Contains(line, ".Transaction(") || strings.Contains(line, ".Begin(") {
				t.Errorf("%s:%d: a transaction outside Store.transaction: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
