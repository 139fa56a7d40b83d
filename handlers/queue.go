package handlers

import (
	"context"

	"zhaocuo/jobs"
	"zhaocuo/models"
)

// queue schedules background work on behalf of a request, after the database has committed
// what the request did. Nothing here can fail a request: what is not queued now, the
// reconciler queues from the database within one period. Every task carries ids only: what it
// needs beyond them (addresses, codes, texts) its handler reads from the database.
type queue struct {
	sched *jobs.Scheduler // nil: no worker side (handler tests)
}

// newTicket sends the deliveries written with a report (the e-mail of its number and query
// code). Its first reminders are scheduled for its whole group once the group is committed:
// models.Store.AfterReports.
func (q *queue) newTicket(ctx context.Context, sub *models.Submission) {
	if q.sched == nil {
		return
	}
	q.sched.Deliveries(ctx, sub.Deliveries)
}

// acted reschedules the tickets an action changed (a new deadline, say, on the ticket or on the
// duplicates that follow it; each as the action committed it), rechecks the ticket's page after a
// reply, and sends the e-mails the action wrote (any missed here is the reconciler's).
func (q *queue) acted(ctx context.Context, r *models.Acted) {
	if q.sched == nil {
		return
	}
	q.sched.Changed(ctx, r.Ticket)
	q.sched.RecheckPage(ctx, r.Ticket)
	for _, t := range r.Others {
		q.sched.Changed(ctx, t)
	}
	q.sched.Deliveries(ctx, r.Deliveries)
}
