package jobs_test

import (
	"context"
	"slices"
	"testing"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// A day changed whose recount was cut short (the process died after the change committed) is
// recounted by the reconciler's next pass, and the ticket's reminder goes out on the new
// deadline's morning, not the old one's.
func TestReconcilerFinishesARecountAndTheReminderFollows(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00") // deadline 03-28 (Wed, Thu, Fri)
	ctx := context.Background()
	tk := w.submit("https://gzw.sc.gov.cn/a.html")
	if err := w.store.SetCalendarDay(ctx, models.Date{Year: 2025, Month: 3, Day: 27}, true, "停电"); err != nil {
		t.Fatal(err)
	}
	r, err := jobs.Reconcile(ctx, w.deps)
	if err != nil || r.Recounted != 1 {
		t.Fatalf("reconcile recounted %d: %v, want 1", r.Recounted, err)
	}
	w.queue.runType(t, w.mux, jobs.TypeScheduleTickets)
	dueSoon := "留言今日到期：" + tk.TicketNo
	w.at("2025-03-28 09:05")
	if slices.Contains(w.inbox("gzw-staff"), dueSoon) {
		t.Fatal("the due-soon reminder went out on the old deadline's morning")
	}
	w.at("2025-03-31 09:05")
	if !slices.Contains(w.inbox("gzw-staff"), dueSoon) {
		t.Fatalf("no due-soon reminder on the new deadline's morning: %v", w.inbox("gzw-staff"))
	}
	// Run again, the reconciler finds nothing more to recount.
	if r, err := jobs.Reconcile(ctx, w.deps); err != nil || r.Recounted != 0 {
		t.Fatalf("second reconcile recounted %d: %v", r.Recounted, err)
	}
}
