package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// recountStore is a database with the calendars of 2023–2026 only (as before the 2027 notice),
// the demo, and tickets of 国资委 assigned at the given times, in Shanghai.
type recountStore struct {
	t       *testing.T
	s       *models.Store
	clock   *storetest.Clock
	u       map[string]*models.User
	tickets map[string]*models.Ticket // by the time it was assigned
}

func newRecountStore(t *testing.T, assigned ...string) *recountStore {
	t.Helper()
	r := &recountStore{t: t, clock: storetest.NewClock("2026-12-01 09:00"), tickets: map[string]*models.Ticket{}}
	r.s = storetest.OpenEmpty(t, r.clock)
	ctx := context.Background()
	for _, y := range []string{"2023", "2024", "2025", "2026"} {
		data, err := os.ReadFile(filepath.Join("holidays", y+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.s.ImportHolidayNotice(ctx, data); err != nil {
			t.Fatal(err)
		}
	}
	r.u = demoUsers(t, r.s)
	for _, at := range assigned {
		r.clock.Set(storetest.At(at))
		rep := validReport()
		rep.PageURL = "https://gzw.sc.gov.cn/" + strings.NewReplacer(" ", "-", ":", "").Replace(at) + ".html"
		sub, err := r.s.SubmitReport(ctx, rep)
		if err != nil {
			t.Fatal(err)
		}
		r.tickets[at] = sub.Ticket
	}
	return r
}

func (r *recountStore) import2027() {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join("holidays", "2027.json"))
	if err != nil {
		r.t.Fatal(err)
	}
	if _, _, err := r.s.ImportHolidayNotice(context.Background(), data); err != nil {
		r.t.Fatal(err)
	}
}

// ticket returns the ticket assigned at, as the database has it now, and its events.
func (r *recountStore) ticket(at string) (*models.Ticket, []models.TicketEvent) {
	r.t.Helper()
	ctx := context.Background()
	tk, err := r.s.Ticket(ctx, models.Scope{All: true}, r.tickets[at].TicketNo)
	if err != nil {
		r.t.Fatal(err)
	}
	evs, err := r.s.TicketEvents(ctx, tk.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var recounts []models.TicketEvent
	for _, e := range evs {
		if e.Kind == models.EventDeadlineRecounted {
			recounts = append(recounts, e)
		}
	}
	return tk, recounts
}

func day(t time.Time) string { return models.DateOf(t).String() }

// Importing the 2027 notice recounts the open deadlines whose window holds a day it changes: the
// 调休 Sunday 1-31 brings a deadline earlier, the long 春节 break pushes one later; a deadline it
// does not move loses its estimate flag without an event; each move is an event with the old
// deadline, the new and why, and the unit hears of the earlier one. Run again, nothing more.
func TestImportingANoticeRecountsTheDeadlinesItTouches(t *testing.T) {
	const (
		newYear   = "2026-12-30 10:00" // 12-31, 1-1 (元旦 by law), 1-4, 1-5: the notice agrees
		beforeCNY = "2027-01-27 10:00" // estimated 1-28, 1-29, 2-1; the notice's 调休 1-31: earlier
		intoCNY   = "2027-02-03 10:00" // estimated 2-4, (2-5–2-8 by law), 2-9, 2-10; notice: 2-15
		march     = "2027-03-01 10:00" // nothing of the notice in 3-2..3-4
	)
	r := newRecountStore(t, newYear, beforeCNY, intoCNY, march)
	ctx := context.Background()
	want := map[string]struct {
		before, after string
		moved         bool
	}{
		newYear:   {"2027-01-05", "2027-01-05", false},
		beforeCNY: {"2027-02-01", "2027-01-31", true},
		intoCNY:   {"2027-02-10", "2027-02-15", true},
		march:     {"2027-03-04", "2027-03-04", false},
	}
	for at, w := range want {
		if tk, _ := r.ticket(at); day(*tk.Deadline) != w.before || !tk.DeadlineEstimated {
			t.Fatalf("%s: deadline %s estimated=%v before the notice, want %s estimated", at, day(*tk.Deadline), tk.DeadlineEstimated, w.before)
		}
	}
	r.clock.Set(storetest.At("2027-03-01 11:00"))
	r.import2027()
	got, err := r.s.RecountDeadlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Moved != 2 || got.Earlier != 1 {
		t.Fatalf("recount moved %d (%d earlier), want 2 (1 earlier)", got.Moved, got.Earlier)
	}
	for at, w := range want {
		tk, evs := r.ticket(at)
		if day(*tk.Deadline) != w.after || tk.DeadlineEstimated {
			t.Errorf("%s: deadline %s estimated=%v, want %s not estimated", at, day(*tk.Deadline), tk.DeadlineEstimated, w.after)
		}
		if !w.moved {
			if len(evs) != 0 {
				t.Errorf("%s: %d recount events for a deadline that did not move", at, len(evs))
			}
			continue
		}
		if len(evs) != 1 {
			t.Fatalf("%s: %d recount events, want 1", at, len(evs))
		}
		e := evs[0]
		var data struct {
			Old, New time.Time
			Earlier  bool
		}
		var raw map[string]any
		json.Unmarshal([]byte(*e.Data), &raw)
		data.Old, _ = time.Parse(time.RFC3339, raw["old_deadline"].(string))
		data.New, _ = time.Parse(time.RFC3339, raw["new_deadline"].(string))
		if day(data.Old) != w.before || day(data.New) != w.after || day(*e.Deadline) != w.after {
			t.Errorf("%s: event old %s new %s, want %s → %s", at, day(data.Old), day(data.New), w.before, w.after)
		}
		if !strings.Contains(e.Reason, "导入 2027 年放假安排") || !strings.Contains(e.Reason, w.before) || !strings.Contains(e.Reason, w.after) {
			t.Errorf("%s: event reason %q does not say why and from what to what", at, e.Reason)
		}
	}
	// The reminders follow: the events name the moved tickets for the dispatcher.
	var named int
	for _, ev := range got.Events {
		e := ev.(models.DeadlinesRecounted)
		named += len(e.TicketIDs)
		if !e.Notifies() {
			t.Error("a batch with an earlier deadline does not ask for the notices")
		}
	}

	if named != 4 { // the two moved, and the two whose estimate flag went
		t.Errorf("events name %d tickets, want 4", named)
	}

	// The unit hears of the earlier deadline, not of the later one.
	if _, _, err := r.s.WriteNotices(ctx); err != nil {
		t.Fatal(err)
	}
	notes, _, err := r.s.Notifications(ctx, r.u["gzw-staff"].ID, false, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	earlier := 0
	for _, n := range notes {
		if n.Kind == models.NoticeDeadlineEarly {
			earlier++
			if !strings.Contains(n.Body, r.tickets[beforeCNY].TicketNo) || !strings.Contains(n.Body, "2027-01-31") {
				t.Errorf("notice %q does not name the ticket and its new deadline", n.Body)
			}
		}
	}
	if earlier != 1 {
		t.Errorf("%d notices of an earlier deadline, want 1", earlier)
	}

	// Run twice, and the same notice imported again: nothing moves, no second event.
	again, err := r.s.RecountDeadlines(ctx)
	if err != nil || again.Moved != 0 {
		t.Fatalf("second recount moved %d: %v", again.Moved, err)
	}
	r.import2027()
	if again, err = r.s.RecountDeadlines(ctx); err != nil || again.Moved != 0 {
		t.Fatalf("re-import moved %d: %v", again.Moved, err)
	}
	for at, w := range want {
		if _, evs := r.ticket(at); w.moved && len(evs) != 1 {
			t.Errorf("%s: %d recount events after running twice, want 1", at, len(evs))
		}
	}
}

// The reminder of a recounted deadline goes out at the new time; the old stage does nothing.
func TestRecountedDeadlineRemindsAtTheNewTime(t *testing.T) {
	const beforeCNY = "2027-01-27 10:00"
	r := newRecountStore(t, beforeCNY)
	ctx := context.Background()
	old, _ := r.ticket(beforeCNY)
	set, cal, err := r.s.ReminderRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldStages := models.NextStages(old, nil, r.clock.Now(), set, cal)
	r.clock.Set(storetest.At("2027-01-27 11:00"))
	r.import2027()
	if _, err := r.s.RecountDeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	tk, _ := r.ticket(beforeCNY)
	set, cal, _ = r.s.ReminderRules(ctx)
	newStages := models.NextStages(tk, nil, r.clock.Now(), set, cal)
	var oldDue, newDue models.Stage
	for _, st := range oldStages {
		if st.Kind == models.StageDueSoon {
			oldDue = st
		}
	}
	for _, st := range newStages {
		if st.Kind == models.StageDueSoon {
			newDue = st
		}
	}
	if day(newDue.At) != "2027-01-31" || day(oldDue.At) != "2027-02-01" {
		t.Fatalf("due-soon stages at %s (old) and %s (new), want 2027-02-01 and 2027-01-31", oldDue.At, newDue.At)
	}
	// On the new day the new stage goes out; the old one, on its day, has nothing to do.
	r.clock.Set(newDue.At)
	if _, err := r.s.SendReminder(ctx, newDue); err != nil {
		t.Fatalf("the new stage at its time: %v", err)
	}
	r.clock.Set(oldDue.At)
	if _, err := r.s.SendReminder(ctx, oldDue); !errors.Is(err, models.ErrStageNotDue) {
		t.Fatalf("the old stage at the old time: %v, want ErrStageNotDue", err)
	}
}

// A recount cut short after its first batch is finished by the next caller, and no ticket is
// counted twice: each batch moves the cursor in its own transaction.
func TestRecountCutShortIsFinishedOnce(t *testing.T) {
	a, b := "2027-01-27 10:00", "2027-01-27 11:00"
	r := newRecountStore(t, a, b)
	ctx := context.Background()
	r.clock.Set(storetest.At("2027-01-27 12:00"))
	r.import2027()
	first, err := r.s.RecountOneBatch(ctx, 1) // then the process dies
	if err != nil || first.Moved != 1 {
		t.Fatalf("first batch moved %d: %v", first.Moved, err)
	}
	// The next change of the calendar finishes it first (so does the reconciler's pass).
	if err := r.s.SetCalendarDay(ctx, models.Date{Year: 2027, Month: 6, Day: 1}, true, "测试"); err != nil {
		t.Fatal(err)
	}
	rest, err := r.s.RecountDeadlines(ctx)
	if err != nil || rest.Moved != 0 {
		t.Fatalf("after the change, the recount moved %d more: %v, want none (6-1 is in no window)", rest.Moved, err)
	}
	for _, at := range []string{a, b} {
		tk, evs := r.ticket(at)
		if len(evs) != 1 || day(*tk.Deadline) != "2027-01-31" {
			t.Errorf("%s: %d events, deadline %s; want 1 and 2027-01-31", at, len(evs), day(*tk.Deadline))
		}
	}
}

// A day changed by hand recounts only the deadlines whose window holds it.
func TestDayChangeRecountsOnlyTouchedTickets(t *testing.T) {
	early, late := "2026-12-07 10:00", "2026-12-14 10:00" // windows 12-8..12-10 and 12-15..12-17
	r := newRecountStore(t, early, late)
	ctx := context.Background()
	r.clock.Set(storetest.At("2026-12-07 12:00"))
	if err := r.s.SetCalendarDay(ctx, models.Date{Year: 2026, Month: 12, Day: 9}, true, "停电"); err != nil {
		t.Fatal(err)
	}
	got, err := r.s.RecountDeadlines(ctx)
	if err != nil || got.Moved != 1 || got.Earlier != 0 {
		t.Fatalf("recount moved %d (%d earlier): %v, want 1 later", got.Moved, got.Earlier, err)
	}
	if tk, evs := r.ticket(early); day(*tk.Deadline) != "2026-12-11" || len(evs) != 1 || !strings.Contains(evs[0].Reason, "2026-12-09 调整为休息日") {
		t.Errorf("touched ticket: deadline %s, events %v", day(*tk.Deadline), evs)
	}
	if tk, evs := r.ticket(late); day(*tk.Deadline) != "2026-12-17" || len(evs) != 0 {
		t.Errorf("untouched ticket: deadline %s, %d events", day(*tk.Deadline), len(evs))
	}
}
