package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/models"
)

// TypeReminder sends one reminder stage of a ticket.
const TypeReminder = "reminder:send"

type reminderPayload struct {
	TicketID int64     `json:"ticket_id"`
	Stage    string    `json:"stage"`
	N        int       `json:"n"`
	Version  int64     `json:"version"`
	At       time.Time `json:"at"`
}

// NewReminderTask makes the task of a stage, with an id derived from the ticket, the stage and the
// deadline's version (enqueuing it twice is harmless) and run at the stage's time.
func NewReminderTask(st models.Stage) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(reminderPayload{TicketID: st.TicketID, Stage: st.Kind, N: st.N, Version: st.Version, At: st.At})
	return asynq.NewTask(TypeReminder, b), []asynq.Option{
		asynq.TaskID(st.TaskID()), asynq.ProcessAt(st.At), asynq.Queue(QueueReminders), asynq.MaxRetry(10), asynq.Timeout(time.Minute)}
}

func (h *worker) sendReminder(ctx context.Context, t *asynq.Task) error {
	var p reminderPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("reminder payload: %v: %w", err, asynq.SkipRetry)
	}
	st := models.Stage{TicketID: p.TicketID, Kind: p.Stage, N: p.N, Version: p.Version, At: p.At}
	sent, err := h.Store.SendReminder(ctx, st)
	if errors.Is(err, models.ErrStageNotDue) {
		h.reminderDone(t, false)
		return nil // closed, extended, returned, or sent already: nothing to do
	}
	if err != nil {
		return err
	}
	h.reminderDone(t, true)
	h.Logger.Info("reminder sent", "ticket_id", st.TicketID, "stage", st.Kind, "n", st.N, "deliveries", len(sent.Deliveries))
	h.events.Dispatch(ctx, *sent) // its deliveries
	if err := h.scheduleNext(ctx, st.TicketID); err != nil {
		h.Logger.Warn("next reminder not scheduled; the reconciler will", "ticket_id", st.TicketID, "error", err)
	}
	return nil
}

// ReminderDone is the result a reminder task leaves (asynq keeps it while it keeps the task,
// and asynqmon shows it): when the reminder was sent, or found not due, to the nanosecond
// (asynq keeps when a task completed to the second only), so how late reminders go out can be
// measured (`app loadtest farm`).
type ReminderDone struct {
	At   time.Time `json:"at"`
	Sent bool      `json:"sent"`
}

func (h *worker) reminderDone(t *asynq.Task, sent bool) {
	w := t.ResultWriter()
	if w == nil {
		return // not run by a server
	}
	b, _ := json.Marshal(ReminderDone{At: h.Clock.Now(), Sent: sent})
	if _, err := w.Write(b); err != nil {
		h.Logger.Warn("reminder's result not kept", "error", err)
	}
}

// scheduleNext queues the ticket's next stage (the next 催办), now that one has gone out: each
// reminder task queues the one after it.
func (h *worker) scheduleNext(ctx context.Context, ticketID int64) error {
	t, sent, err := h.Store.ReminderState(ctx, ticketID)
	if err != nil {
		return err
	}
	set, cal, err := h.Store.ReminderRules(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	_, err = enqueueAll(ctx, h.Queue, models.NextStages(t, sent, h.Clock.Now(), set, cal))
	return err
}

// TypeScheduleTickets brings the reminder tasks of a group of tickets up to date with the
// database: the new tickets of a committed group of reports (one task per group, so a busy hour
// of reports costs Redis one call per group on the way in, not two per report) or a finding sent
// to its unit, and the tickets an action changed (jobs.Dispatcher). Each ticket's due stages are
// queued, moments after the commit, as the reconciler would queue them; a new citizen's ticket
// has its page fetched too (checkNewPages).
const TypeScheduleTickets = "reminder:schedule"

type scheduleTicketsPayload struct {
	TicketIDs  []int64 `json:"ticket_ids"`            // new tickets
	ChangedIDs []int64 `json:"changed_ids,omitempty"` // tickets changed since they came
}

// NewScheduleTicketsTask schedules the reminders of new tickets and of changed ones.
func NewScheduleTicketsTask(created, changed []int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(scheduleTicketsPayload{TicketIDs: created, ChangedIDs: changed})
	return asynq.NewTask(TypeScheduleTickets, b), []asynq.Option{asynq.Queue(QueueReminders), asynq.MaxRetry(5), asynq.Timeout(time.Minute)}
}

func (h *worker) scheduleTickets(ctx context.Context, t *asynq.Task) error {
	var p scheduleTicketsPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("schedule payload: %v: %w", err, asynq.SkipRetry)
	}
	tickets, sent, err := h.Store.TicketsForReminders(ctx, slices.Concat(p.TicketIDs, p.ChangedIDs))
	if err != nil {
		return err
	}
	set, cal, err := h.Store.ReminderRules(ctx)
	if err != nil {
		return err
	}
	var stages []models.Stage
	var arrived []models.Ticket
	for i := range tickets {
		stages = append(stages, models.NextStages(&tickets[i], sent[tickets[i].ID], h.Clock.Now(), set, cal)...)
		if slices.Contains(p.TicketIDs, tickets[i].ID) {
			arrived = append(arrived, tickets[i])
		}
	}
	if _, err = enqueueAll(ctx, h.Queue, stages); err != nil {
		return err
	}
	return h.checkNewPages(ctx, arrived)
}
