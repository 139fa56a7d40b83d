package handlers

import (
	"context"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// queue schedules background work on behalf of a request, after the database has committed
// what the request did. Nothing here can fail a request: what is not queued now, the
// reconciler queues from the database within one period.
type queue struct {
	sched *jobs.Scheduler // nil: no worker side (handler tests)
	email bool
}

// newTicket e-mails the citizen their code. (Its first reminders are scheduled for its whole
// group once the group is committed: models.Store.AfterReports.)
func (q *queue) newTicket(ctx context.Context, sub *models.Submission) {
	if q.sched == nil {
		return
	}
	if q.email && sub.Ticket.ContactEmail != "" {
		q.sched.Confirm(ctx, sub.Ticket.TicketNo, sub.QueryCode, sub.Ticket.ContactEmail, sub.UnitName)
	}
}

// changed reschedules a ticket after an action (a new deadline, say; t as the action committed
// it) and sends the e-mails the action wrote: the reply, to the citizen, which only closing
// writes (any other missed is the reconciler's).
func (q *queue) changed(ctx context.Context, store interface {
	PendingDeliveries(ctx context.Context, ticketID int64) ([]int64, error)
}, t *models.Ticket) {
	if q.sched == nil || t == nil {
		return
	}
	q.sched.Changed(ctx, t)
	q.sched.RecheckPage(ctx, t)
	if t.Status != models.StatusClosed {
		return
	}
	if ids, err := store.PendingDeliveries(ctx, t.ID); err == nil {
		q.sched.Deliveries(ctx, ids)
	}
}
