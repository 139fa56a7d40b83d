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
// level, as each has a person waiting (for the mail, or on the import's page); crawls, page
// checks and availability probes last, as nobody watches them. Imports are few, so their
// weight costs the other queues nothing most of the time; while a round is crawled, an import
// is taken before the next crawl three times in four, where on the crawlers' queue it waited
// for the whole round.
// A worker process serves them with two servers (WorkerServer and CrawlServer); tests that run
// one server serve them all.
var Queues = map[string]int{QueueReminders: 6, QueueDeliveries: 3, QueueImports: 3, QueueInspection: 1}

// WorkerServer is the configuration of a worker's server for everything but the crawls: the
// crawls have a server of their own, so a round that fills every crawl slot takes none of these,
// and a reminder waits for no crawl. A reminder is owed within 5 s of its time, and during a
// round, with every core busy, each step on its way also waits its turn for the CPU; so the
// steps are short. asynq moves a task to its queue from the whole second of its time on, so
// looking every workerForward, it is there by its time (asynq's default is every five seconds);
// and a queue found empty is looked at again after workerPoll (asynq's default is a second,
// spread from half to one and a half).
func WorkerServer(concurrency int) asynq.Config {
	return asynq.Config{Concurrency: concurrency, IsFailure: IsFailure, DelayedTaskCheckInterval: workerForward,
		TaskCheckInterval: workerPoll, Queues: map[string]int{QueueReminders: 6, QueueDeliveries: 3, QueueImports: 3}}
}

// CrawlServer is the configuration of a worker's server for the inspection queue: maxCrawls site
// crawls at once (MaxCrawls), and a few slots more for the page checks and availability probes
// that share the queue, so that they pass while every crawl slot is busy. A site that waits for a
// crawl slot is told how long (retryDelay), as little as a quarter second while the worker's
// crawls warm up, so waiting tasks are looked for that often, and so is the queue when it was
// found empty (asynq's default is a second: a daily round, whose crawls take seconds, lost a
// second at each site's turn).
func CrawlServer(maxCrawls int) asynq.Config {
	return asynq.Config{Concurrency: maxCrawls + crawlSpareSlots, IsFailure: IsFailure, RetryDelayFunc: retryDelay,
		DelayedTaskCheckInterval: crawlPoll, TaskCheckInterval: crawlPoll, Queues: map[string]int{QueueInspection: 1}}
}

const (
	crawlSpareSlots = 4
	crawlPoll       = 250 * time.Millisecond
	// An idle worker sends Redis some fifty small scripts a second for these: one for each of
	// its three queues at each poll, two at each forward.
	workerForward = 250 * time.Millisecond
	workerPoll    = 100 * time.Millisecond
)

// Defaults of Deps.MaxCrawls and Deps.CrawlMemory. A crawl spends most of its time waiting on the
// network (a site answers in ~100 ms, 4 requests at a time), so many run at once; the CPU is
// shared by the inspector's analysis slots (one per core) and the memory by CrawlMemory.
const (
	DefaultMaxCrawls   = 64
	DefaultCrawlMemory = 1 << 30
)

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
	FigureKey  []byte               // the default Inspector's key for the figures kept in page states (inspector.Config.FigureKey)
	PageChecks bool                 // fetch the page of each citizen's report on arrival and after the reply
	MaxCrawls  int                  // site crawls one worker runs at most at once; default DefaultMaxCrawls
	// CrawlMemory: a worker starts no new crawl while its live heap is above this many bytes (the
	// site waits in the retry queue), and the crawls running share it (the default Inspector's
	// MemoryBudget); default DefaultCrawlMemory.
	CrawlMemory int64
}

// Register adds every task handler to the worker's mux.
func Register(mux *asynq.ServeMux, d Deps) {
	if d.CrawlMemory <= 0 {
		d.CrawlMemory = DefaultCrawlMemory
	}
	if d.Inspector == nil {
		d.Inspector = inspector.New(inspector.Config{Egress: d.Egress, Browser: d.Browser, MemoryBudget: d.CrawlMemory, FigureKey: d.FigureKey})
	}
	if d.MaxCrawls <= 0 {
		d.MaxCrawls = DefaultMaxCrawls
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
