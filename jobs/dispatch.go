package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/models"
)

// Dispatcher is where what a committed write did (a models.Event) becomes the work that follows
// it on the queue: tasksFor below is the one place that says, for each kind of event, which tasks.
// The store's report writer hands it each group of new tickets, the web side the events its writes
// return, and the worker those of its own (a reminder sent, the duplicates the reconciler
// settled, rectification reminders).
//
// It reads nothing: an event becomes tasks by its ids alone, and each task reads the database
// when it runs. (The store is given its dispatcher at Open, before there is a store to read.) The
// workflow notices are one such task: an event someone is told of (its Notifies) queues the
// notices' pass of the current window (NewNoticesTask), which reads what happened from the
// database. What it fails to queue costs nothing the reconciler cannot rebuild from the
// database: models.Event says how, for each kind.
type Dispatcher struct {
	queue Enqueuer
	log   *slog.Logger
}

// NewDispatcher returns the dispatcher that queues on q (an *asynq.Client) and logs to log.
func NewDispatcher(q Enqueuer, log *slog.Logger) *Dispatcher {
	return &Dispatcher{queue: q, log: log}
}

// Dispatch queues the work of the events, within enqueueTimeout: a slow Redis holds up nobody.
// It returns the first failure, logged here (models.Dispatcher says who acts on it).
func (d *Dispatcher) Dispatch(ctx context.Context, events ...models.Event) error {
	tasks, err := tasksFor(events)
	if err != nil {
		d.log.Error("events without work", "error", err) // a new kind of event not mapped below
	}
	if len(tasks) == 0 {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	if _, qerr := enqueueTasks(ctx, d.queue, tasks); qerr != nil {
		d.log.Warn("work of committed events not queued; the reconciler queues it from the database",
			"events", names(events), "error", qerr)
		return qerr
	}
	return err
}

// tasksFor maps each event to the tasks that follow it. The tickets whose reminders are to be
// brought up to date, new and changed, go together into one reminder:schedule task, so that a
// group of reports costs the queue one call beside its deliveries; so do the events someone is
// told of, into one notices task.
func tasksFor(events []models.Event) ([]queuedTask, error) {
	var (
		tasks            []queuedTask
		created, changed []int64
		unknown          []string
		notices          bool
	)
	deliveries := func(ids []int64) {
		for _, id := range ids {
			tasks = append(tasks, queued(NewDeliveryTask(id)))
		}
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case models.TicketCreated:
			created = append(created, e.TicketID) // its reminders, and a citizen's page fetched
			deliveries(e.Deliveries)
			notices = notices || e.Notifies()
		case models.TicketChanged:
			if e.Open() {
				changed = append(changed, e.TicketID) // a closed ticket has no reminders left
			}
			if e.Status == models.StatusReviewing && e.Source == models.SourceCitizen {
				// A reply waits for review: fetch the page again (the task looks at the
				// category, and does nothing where a fetch cannot tell).
				tasks = append(tasks, queued(NewCheckPageTask(e.TicketID, models.PageCheckRecheck, e.Version)))
			}
			deliveries(e.Deliveries)
			notices = notices || e.Notifies()
		case models.TicketReminded:
			deliveries(e.Deliveries) // (the reminder task queues the next stage itself)
		case models.RoundStarted:
			tasks = append(tasks, queued(NewInspectRoundTask(e.RoundID)))
		case models.ImportStarted:
			tasks = append(tasks, queued(NewImportAccountsTask(e.ImportID)))
		case models.ImportFinished:
			notices = true // the importer is told
		case models.NoticesWritten:
			deliveries(e.Deliveries)
		case models.CircularPublished:
			// Nothing of its own: the rectifications it opened come as their own events.
		case models.RectificationChanged:
			deliveries(e.Deliveries)
			notices = notices || e.Notifies()
		case models.RectificationReminded:
			deliveries(e.Deliveries)
		case models.AnnualReminded:
			deliveries(e.Deliveries)
		case models.AppealChanged:
			notices = true // the supervisors hear of one filed, the unit of the decision
		case models.DeadlinesRecounted:
			changed = append(changed, e.TicketIDs...) // reminders of the new deadlines
			notices = notices || e.Notifies()
		default:
			unknown = append(unknown, fmt.Sprintf("%T", ev))
		}
	}
	if len(created) > 0 || len(changed) > 0 {
		tasks = append(tasks, queued(NewScheduleTicketsTask(created, changed)))
	}
	if notices {
		tasks = append(tasks, queued(NewNoticesTask(time.Now()))) // the queue's clock: asynq runs it by the wall's
	}
	if len(unknown) > 0 {
		return tasks, fmt.Errorf("jobs: no work is known for %v", unknown)
	}
	return tasks, nil
}

func queued(task *asynq.Task, opts []asynq.Option) queuedTask { return queuedTask{task, opts} }

func names(events []models.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Name()
	}
	return out
}
