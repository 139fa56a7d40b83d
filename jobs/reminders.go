package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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

func (h *handlers) sendReminder(ctx context.Context, t *asynq.Task) error {
	var p reminderPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("reminder payload: %v: %w", err, asynq.SkipRetry)
	}
	st := models.Stage{TicketID: p.TicketID, Kind: p.Stage, N: p.N, Version: p.Version, At: p.At}
	sent, err := h.Store.SendReminder(ctx, st)
	if errors.Is(err, models.ErrStageNotDue) {
		return nil // closed, extended, returned, or sent already: nothing to do
	}
	if err != nil {
		return err
	}
	h.Logger.Info("reminder sent", "ticket_id", st.TicketID, "stage", st.Kind, "n", st.N, "deliveries", len(sent.Deliveries))
	h.sched.Deliveries(ctx, sent.Deliveries)
	h.sched.Ticket(ctx, st.TicketID) // the next 催办, now that this stage has run
	return nil
}

// Scheduler puts a ticket's due reminders on the queue. The web side calls it when a ticket gets
// or changes a deadline; the reminder handler after each stage. Nothing it fails to enqueue is
// lost: the reconciler derives the same stages from the database.
type Scheduler struct {
	Store  *models.Store
	Queue  Enqueuer
	Clock  models.Clock
	Logger *slog.Logger
}

// Ticket schedules the stages now due for the ticket as the database has it.
func (s *Scheduler) Ticket(ctx context.Context, ticketID int64) {
	t, sent, err := s.Store.ReminderState(ctx, ticketID)
	if err != nil {
		s.Logger.Warn("reminders not scheduled", "ticket_id", ticketID, "error", err)
		return
	}
	s.Stages(ctx, t, sent)
}

// Changed schedules the stages now due for a ticket an action has just written (t as committed),
// reading only the reminders already sent.
func (s *Scheduler) Changed(ctx context.Context, t *models.Ticket) {
	sent, err := s.Store.SentReminders(ctx, t.ID)
	if err != nil {
		s.Logger.Warn("reminders not scheduled", "ticket_id", t.ID, "error", err)
		return
	}
	s.Stages(ctx, t, sent)
}

// Stages schedules the next stages of a ticket whose sent reminders are known (none, for a new
// ticket).
func (s *Scheduler) Stages(ctx context.Context, t *models.Ticket, sent []models.SentReminder) {
	set, cal, err := s.Store.ReminderRules(ctx)
	if err != nil {
		s.Logger.Warn("reminders not scheduled", "ticket_id", t.ID, "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	for _, st := range models.NextStages(t, sent, s.Clock.Now(), set, cal) {
		task, opts := NewReminderTask(st)
		if _, err := s.Queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			s.Logger.Warn("reminder not scheduled; the reconciler will", "task", st.TaskID(), "error", err)
			return
		}
	}
}

// Deliveries hands deliveries to the queue.
func (s *Scheduler) Deliveries(ctx context.Context, ids []int64) {
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	for _, id := range ids {
		task, opts := NewDeliveryTask(id)
		if _, err := s.Queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			s.Logger.Warn("delivery not queued; the reconciler will", "delivery_id", id, "error", err)
			return
		}
	}
}
