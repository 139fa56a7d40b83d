// Package jobs is the background work, on asynq: each task type has a name constant, a payload,
// a constructor and a handler, shaped like asynq's README. Every handler re-reads the database and
// is safe to run twice. Register lists them all; periodic.go lists every periodic task.
package jobs

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// Queues and their weights: reminders first, so that slow mail never holds one back.
const (
	QueueReminders  = "default"
	QueueDeliveries = "notify"
)

// Queues is the worker's queue configuration. asynq weighs only the queues that hold a task
// when a worker slot frees: reminders stay first; deliveries and account imports come next,
// level, as each has a person waiting (for the mail, or on the import's page); crawls and page
// checks last, as nobody watches them. Imports are few, so their weight costs the other queues
// nothing most of the time; while a round is crawled, an import is taken before the next crawl
// three times in four, where on the crawlers' queue it waited for the whole round.
var Queues = map[string]int{QueueReminders: 6, QueueDeliveries: 3, QueueImports: 3, QueueInspection: 1}

// Enqueuer puts a task on the queue; *asynq.Client is one.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Deps is what the task handlers need.
type Deps struct {
	Store  *models.Store
	Queue  Enqueuer
	Redis  redis.UniversalClient // for the reconciler's check of which tasks exist, and to find archived inspection tasks
	Sender *Sender
	Clock  models.Clock
	Logger *slog.Logger

	// Egress is where fetches may go: site crawls (the default Inspector's), availability
	// probes, citizens' pages and account menu links; the zero value: public addresses only.
	// (Webhook posts go through the Sender's own.)
	Egress     egress.Guard
	Inspector  *inspector.Inspector // crawls sites; nil: one with the default limits, fetching through Egress
	Browser    string               // the default Inspector's Chromium (INSPECT_BROWSER); "" = none
	PageChecks bool                 // fetch the page of each citizen's report on arrival and after the reply
	MaxCrawls  int                  // site crawls one worker runs at once; default 2
}

// Register adds every task handler to the worker's mux.
func Register(mux *asynq.ServeMux, d Deps) {
	if d.Inspector == nil {
		d.Inspector = inspector.New(inspector.Config{Egress: d.Egress, Browser: d.Browser})
	}
	if d.MaxCrawls <= 0 {
		d.MaxCrawls = 2
	}
	h := &worker{Deps: d, events: d.dispatcher(), crawls: make(chan struct{}, d.MaxCrawls), pages: NewPageClient(d.Egress)}
	mux.HandleFunc(TypeInspectRound, h.inspectRound)
	mux.HandleFunc(TypeInspectSite, h.inspectSite)
	mux.HandleFunc(TypeProbeSites, h.probeSites)
	mux.HandleFunc(TypeProbeSite, h.probeSite)
	mux.HandleFunc(TypeImportAccounts, h.importAccounts)
	mux.HandleFunc(TypeCheckPage, h.checkPage)
	mux.HandleFunc(TypeCleanupCaptchas, h.cleanupCaptchas)
	mux.HandleFunc(TypeReminder, h.sendReminder)
	mux.HandleFunc(TypeScheduleTickets, h.scheduleTickets)
	mux.HandleFunc(TypeDelivery, h.deliver)
	mux.HandleFunc(TypeNotices, h.writeNotices)
	mux.HandleFunc(TypeConfirmation, h.confirm)
	mux.HandleFunc(TypeReconcile, h.reconcile)
	mux.HandleFunc(TypeRateRollups, h.rateRollups)
	mux.HandleFunc(TypeRemindRectifications, h.remindRectifications)
	mux.HandleFunc(TypeRemindAnnualReports, h.remindAnnualReports)
}

// worker is the task handlers of a worker replica: every task type registered in Register is one
// of its methods.
type worker struct {
	Deps
	events *Dispatcher   // what the tasks' own writes cause
	crawls chan struct{} // a slot per crawl this worker may run at once
	pages  *http.Client  // opens one page as a reader would: probes and citizens' pages
	rules  siteRules     // the inspector with the administrator's rule entries (inspection_rules.go)
}

// dispatcher is the worker's dispatcher, for the events of the tasks' own writes.
func (d Deps) dispatcher() *Dispatcher { return NewDispatcher(d.Queue, d.Logger) }

// enqueueTimeout bounds an enqueue made on someone's behalf: a slow Redis must not hold up a
// citizen or a handler; whatever is not scheduled now, the reconciler schedules later.
const enqueueTimeout = 300 * time.Millisecond
