package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// queuedWork is what the fake queue holds, read back as the tests compare it: each task by its
// id, and the reminder:schedule task (which has none) by the tickets it schedules.
func (q *fakeQueue) work(t *testing.T) []string {
	t.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for id, qt := range q.tasks {
		if qt.task.Type() != jobs.TypeScheduleTickets {
			out = append(out, id)
			continue
		}
		var p struct {
			TicketIDs  []int64 `json:"ticket_ids"`
			ChangedIDs []int64 `json:"changed_ids"`
		}
		if err := json.Unmarshal(qt.task.Payload(), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("schedule: new %v, changed %v", p.TicketIDs, p.ChangedIDs))
	}
	slices.Sort(out)
	return out
}

// Each kind of event becomes the tasks that follow it, and a dispatch's tickets are scheduled by
// one task, whatever their number.
func TestTheDispatcherMapsEachEventToItsTasks(t *testing.T) {
	unit, actor := int64(5), int64(9)
	tests := []struct {
		name   string
		events []models.Event
		want   []string
	}{
		{"a citizen's report, with its confirmation", []models.Event{
			models.TicketCreated{TicketID: 7, Source: models.SourceCitizen, UnitID: &unit, Deliveries: []int64{3}}},
			[]string{"dlv:3", "schedule: new [7], changed []"}},
		{"deadlines recounted after a calendar change, one earlier", []models.Event{
			models.DeadlinesRecounted{ChangeID: 1, TicketIDs: []int64{7, 8}, Earlier: 1}},
			[]string{"schedule: new [], changed [7 8]"}},
		{"a finding sent to its unit", []models.Event{
			models.TicketCreated{TicketID: 8, Source: models.SourceInspection, UnitID: &unit, ActorID: &actor}},
			[]string{"schedule: new [8], changed []"}},
		{"a citizen's ticket replied: in review", []models.Event{
			models.TicketChanged{TicketID: 7, Action: models.ActReply, ActorID: &actor, Source: models.SourceCitizen,
				Status: models.StatusReviewing, Version: 4, UnitID: &unit}},
			[]string{"page-check:7:recheck:4", "schedule: new [], changed [7]"}},
		{"an inspection ticket replied: no page to fetch again", []models.Event{
			models.TicketChanged{TicketID: 8, Action: models.ActReply, Source: models.SourceInspection, Status: models.StatusReviewing, Version: 3}},
			[]string{"schedule: new [], changed [8]"}},
		{"approved, with the reply's e-mail, and a duplicate closed with it", []models.Event{
			models.TicketChanged{TicketID: 7, Action: models.ActApprove, Source: models.SourceCitizen, Status: models.StatusClosed, Version: 5, Deliveries: []int64{11}},
			models.TicketChanged{TicketID: 9, Action: models.ChangeFollowed, Source: models.SourceCitizen, Status: models.StatusClosed, Version: 2, Deliveries: []int64{12}}},
			[]string{"dlv:11", "dlv:12"}}, // closed: no reminders left
		{"a duplicate released, with its e-mail", []models.Event{
			models.TicketChanged{TicketID: 9, Action: models.ChangeFollowed, Source: models.SourceCitizen, Status: models.StatusAssigned, Version: 3, Deliveries: []int64{13}}},
			[]string{"dlv:13", "schedule: new [], changed [9]"}},
		{"a rating", []models.Event{
			models.TicketChanged{TicketID: 7, Action: models.ChangeRated, Source: models.SourceCitizen, Status: models.StatusClosed, Version: 6}},
			nil},
		{"a reminder sent: its deliveries (the task queues the next stage itself)", []models.Event{
			models.TicketReminded{TicketID: 7, ReminderID: 1, Stage: models.StageOverdue, N: 1, Deliveries: []int64{14, 15}}},
			[]string{"dlv:14", "dlv:15"}},
		{"a round started", []models.Event{models.RoundStarted{RoundID: 2, ActorID: &actor}}, []string{"inspect-round:2"}},
		{"an import started", []models.Event{models.ImportStarted{ImportID: 4, ActorID: actor}}, []string{"account-import:4"}},
		{"a circular published, with the rectifications it opened", []models.Event{
			models.CircularPublished{CircularID: 1, RegionID: 1, ActorID: actor},
			models.RectificationChanged{RectificationID: 6, CircularID: 1, UnitID: unit, Status: models.RectifyOpen, ActorID: actor, Deliveries: []int64{16, 17}},
			models.RectificationChanged{RectificationID: 7, CircularID: 1, UnitID: unit + 1, Status: models.RectifyOpen, ActorID: actor}},
			[]string{"dlv:16", "dlv:17"}},
		{"a rectification report accepted", []models.Event{
			models.RectificationChanged{RectificationID: 6, Status: models.RectifyAccepted, ActorID: actor}}, nil},
		{"a rectification reminded", []models.Event{
			models.RectificationReminded{RectificationID: 6, Stage: models.StageUrge, N: 1, Deliveries: []int64{18}}},
			[]string{"dlv:18"}},
		{"a group of reports and an action: one scheduling task for all", []models.Event{
			models.TicketCreated{TicketID: 1, Source: models.SourceCitizen},
			models.TicketCreated{TicketID: 2, Source: models.SourceCitizen, Deliveries: []int64{19}},
			models.TicketChanged{TicketID: 3, Action: models.ActAccept, Source: models.SourceCitizen, Status: models.StatusProcessing, Version: 2}},
			[]string{"dlv:19", "schedule: new [1 2], changed [3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFakeQueue()
			if err := jobs.NewDispatcher(q, slog.New(slog.NewTextHandler(io.Discard, nil))).Dispatch(context.Background(), tt.events...); err != nil {
				t.Fatal(err)
			}
			if got := q.work(t); !slices.Equal(got, tt.want) {
				t.Fatalf("queued %q, want %q", got, tt.want)
			}
		})
	}
}

// Dispatched twice (a retried request, the reconciler after the web side), an event queues its
// tasks once: every task that an event queues by id is refused the second time, and that is no
// failure.
func TestDispatchingTwiceQueuesOnce(t *testing.T) {
	q := newFakeQueue()
	d := jobs.NewDispatcher(q, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ev := models.TicketChanged{TicketID: 7, Action: models.ActApprove, Status: models.StatusClosed, Deliveries: []int64{3}}
	for range 2 {
		if err := d.Dispatch(context.Background(), ev, models.RoundStarted{RoundID: 2}); err != nil {
			t.Fatal(err)
		}
	}
	if got := q.work(t); !slices.Equal(got, []string{"dlv:3", "inspect-round:2"}) {
		t.Fatalf("queued %q", got)
	}
}

// With the queue away, Dispatch says so (the callers whose answer depends on it act on it) and
// logs it; an event of a kind the dispatcher does not know is an error, logged, and the work of
// the others is queued all the same.
func TestDispatchReportsWhatItCouldNotQueue(t *testing.T) {
	var log bytes.Buffer
	q := newFakeQueue()
	d := jobs.NewDispatcher(q, slog.New(slog.NewTextHandler(&log, nil)))
	q.fail = true
	if err := d.Dispatch(context.Background(), models.ImportStarted{ImportID: 4}); err == nil {
		t.Fatal("the queue is away, and Dispatch says nothing")
	}
	if !strings.Contains(log.String(), "import_started") || !strings.Contains(log.String(), "reconciler") {
		t.Fatalf("log: %s", log.String())
	}
	q.fail = false
	log.Reset()
	if err := d.Dispatch(context.Background(), unknownEvent{}, models.RoundStarted{RoundID: 2}); err == nil {
		t.Fatal("an event without work passed unnoticed")
	}
	if !strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "unknownEvent") {
		t.Fatalf("log: %s", log.String())
	}
	if got := q.work(t); !slices.Equal(got, []string{"inspect-round:2"}) {
		t.Fatalf("queued %q", got)
	}
}

type unknownEvent struct{}

func (unknownEvent) Name() string { return "unknown" }
