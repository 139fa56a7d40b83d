package jobs_test

import (
	"context"
	"testing"
	"time"

	"zhaocuo/jobs"
)

// The rollups' task is on the schedule, and running it counts the months of the tickets.
func TestRateRollupsTaskIsScheduledAndBuilds(t *testing.T) {
	var scheduled bool
	for _, p := range jobs.PeriodicTasks(5 * time.Minute) {
		scheduled = scheduled || p.Task.Type() == jobs.TypeRateRollups
	}
	if !scheduled {
		t.Fatal("the rollups' task is not on the schedule")
	}
	w := newWorld(t, "2025-03-25 10:00:00")
	w.submit("https://gzw.sc.gov.cn/a.html")
	w.at("2025-04-02 10:00")
	w.submit("https://gzw.sc.gov.cn/b.html")
	w.at("2025-04-02 11:00")
	if err := w.mux.ProcessTask(context.Background(), jobs.NewRateRollupsTask()); err != nil {
		t.Fatal(err)
	}
	var months int
	if err := w.store.SQLDB().QueryRow("SELECT COUNT(DISTINCT month) FROM rate_rollups").Scan(&months); err != nil {
		t.Fatal(err)
	}
	if months != 2 {
		t.Fatalf("rollups for %d months, want March and April", months)
	}
}
