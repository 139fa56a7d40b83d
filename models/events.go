package models

import (
	"context"
	"slices"
)

// Event is something a committed write did that other work follows: reminders to schedule,
// e-mails and webhook posts to send, a round to crawl, a sheet to check. The store's writes return
// the events their transaction committed, and the caller hands them to a Dispatcher once the
// commit is done (the report writer hands over its groups' itself: Options.Events).
//
// An event carries ids and states only, never personal data: what a task needs beyond them it
// reads from the database. Nothing is lost with an event: the database holds everything it says,
// and each event's doc comment says how the reconciler (jobs/reconcile.go) brings back the work
// of one that never reached the queue.
type Event interface {
	// Name names the kind of event, for logs and for the people who choose what they hear of.
	Name() string
}

// Dispatcher turns events into the work that follows them (jobs.Dispatcher). Dispatch never
// undoes the write, which has committed; its error says that some work could not be queued, for
// the few callers whose answer depends on it (a round or an import whose task did not start).
// The others may leave it: the reconciler queues the same work from the database.
type Dispatcher interface {
	Dispatch(ctx context.Context, events ...Event) error
}

// NoWorker is the Dispatcher of a store opened by a command that runs no worker (migrate, seed,
// backup, circular): what such a command writes needs no task, and were it to, the reconciler
// of the next worker to run would queue it from the database.
var NoWorker Dispatcher = noWorker{}

type noWorker struct{}

func (noWorker) Dispatch(context.Context, ...Event) error { return nil }

// TicketCreated: a ticket came in, a citizen's report (the report writer dispatches a group's
// together) or a finding a supervisor sent to its site's unit.
//
// Its work: the ticket's first reminders, the fetch of a citizen's page on arrival, the
// deliveries written with it (the e-mail of the number and query code), and, for one given to a
// unit, the workflow notices (the unit's staff hear of it). Lost, the reconciler schedules the
// reminders of every open ticket, fetches the page of a citizen's ticket that arrived within the
// hour and has none, queues every delivery still pending after ten minutes, and runs the notices'
// pass, which reads every ticket event past its cursor (store_notices.go).
type TicketCreated struct {
	TicketID   int64
	Source     string // SourceCitizen or SourceInspection
	UnitID     *int64 // nil while it waits in triage
	RegionID   int64
	ActorID    *int64  // who sent a finding; nil for a citizen's report
	Deliveries []int64 // written with it
}

func (TicketCreated) Name() string { return "ticket_created" }

// Notifies reports whether someone is to be told of it: a ticket given to a unit is news to the
// unit's staff (workflow notices).
func (e TicketCreated) Notifies() bool { return e.UnitID != nil }

// TicketChanged: an action changed a ticket (Action is one of the Act* kinds), a citizen rated
// its reply (ChangeRated), or a duplicate followed the ticket it duplicates (ChangeFollowed).
//
// Its work: the ticket's reminders brought up to date (a new deadline, a request waiting), the
// page fetched again when a citizen's ticket enters review, the deliveries written with it (the
// reply, a release), and the workflow notices of the changes people are told of (Notifies).
// Lost, the reconciler schedules the reminders of every open ticket, fetches again the page of
// every citizen's ticket in review that has no fetch since its latest reply, queues every
// delivery still pending after ten minutes, and runs the notices' pass, which reads every ticket
// event past its cursor.
type TicketChanged struct {
	TicketID   int64
	Action     string
	ActorID    *int64 // nil: the citizen (a rating) or the system (a duplicate following)
	Source     string
	Status     string // as the change left it
	Version    int    // as the change left it
	UnitID     *int64
	RegionID   int64
	AuditIDs   []int64 // the ticket_events rows it wrote: what happened, with its reason
	Deliveries []int64 // written with it
}

func (TicketChanged) Name() string { return "ticket_changed" }

// Notifies reports whether the change may be told to someone: the actions whose events the
// workflow notices read (noticeActions).
func (e TicketChanged) Notifies() bool { return slices.Contains(noticeActions, e.Action) }

// The changes to a ticket that are no staff action.
const (
	ChangeRated    = "rate"      // the citizen rated the reply
	ChangeFollowed = "follow"    // a linked duplicate followed its primary: closed with it, or released
	ChangeFollowUp = "follow_up" // the reporter asked a follow-up question (追问)
)

// Open reports whether the ticket is still being handled after the change: only then can it have
// reminders to schedule.
func (e TicketChanged) Open() bool { return (&Ticket{Status: e.Status}).Open() }

// TicketReminded: a reminder stage of a ticket went out (its in-app notifications are written
// with it).
//
// Its work: the deliveries written with it. (The ticket's next stage, the next 催办, is queued by
// the reminder task that sent this one.) Lost, the reconciler queues every delivery still pending
// after ten minutes, and schedules the next stage of every open ticket.
type TicketReminded struct {
	TicketID   int64
	ReminderID int64
	Stage      string
	N          int
	Deliveries []int64
}

func (TicketReminded) Name() string { return "ticket_reminded" }

// RoundStarted: someone opened an inspection round over the sites of their scope. (The weekly
// round is opened by its own task, which then goes on to the sites: it needs no other.)
//
// Its work: the round's task, which queues one task per site. Lost, the round stays running in
// the database, and the probes' task resumes every running round each half hour.
type RoundStarted struct {
	RoundID  int64
	ActorID  *int64
	RegionID *int64 // nil: every region
}

func (RoundStarted) Name() string { return "round_started" }

// ImportStarted: a supervisor uploaded a sheet of account results; its rows wait in the
// database.
//
// Its work: the import's check. Lost, the reconciler queues the check of every import still
// running, and fails, with the reason, those past their time.
type ImportStarted struct {
	ImportID int64
	ActorID  int64
}

func (ImportStarted) Name() string { return "import_started" }

// CircularPublished: a supervisor published a circular. The rectifications it opened come as
// RectificationChanged events beside it.
//
// Its work: none of its own. Nothing to lose.
type CircularPublished struct {
	CircularID int64
	RegionID   int64
	ActorID    int64
}

func (CircularPublished) Name() string { return "circular_published" }

// RectificationChanged: a rectification was opened by a circular (Status RectifyOpen), its
// report submitted (RectifySubmitted), accepted or returned.
//
// Its work: the deliveries written with it (the 整改通知 of one opened), and for a report or a
// decision the workflow notices (the supervisor hears of the report, the unit of the decision).
// Lost, the reconciler queues every delivery still pending after ten minutes and runs the
// notices' pass, which reads every rectification event past its cursor.
type RectificationChanged struct {
	RectificationID int64
	CircularID      int64
	UnitID          int64
	RegionID        int64
	Status          string // as the change left it
	ActorID         int64
	Deliveries      []int64
}

func (RectificationChanged) Name() string { return "rectification_changed" }

// Notifies reports whether someone is to be told of the change: of everything but the opening,
// whose 整改通知 is written with it.
func (e RectificationChanged) Notifies() bool { return e.Status != RectifyOpen }

// RectificationReminded: a reminder stage of a rectification went out (its in-app
// notifications are written with it).
//
// Its work: the deliveries written with it. Lost, the reconciler queues every delivery still
// pending after ten minutes; the next stage is the hourly rectifications task's.
type RectificationReminded struct {
	RectificationID int64
	Stage           string
	N               int
	Deliveries      []int64
}

func (RectificationReminded) Name() string { return "rectification_reminded" }

// ImportFinished: an account import's check ended, done or failed (by its task, or by the
// reconciler past its time).
//
// Its work: the importer's notice. Lost, the reconciler runs the notices' pass, which finds every
// finished import not yet told (media_account_imports.notified_at).
type ImportFinished struct {
	ImportID   int64
	ImporterID *int64
	Status     string // ImportDone or ImportFailed
}

func (ImportFinished) Name() string { return "import_finished" }

// Notifies: the importer is told.
func (ImportFinished) Notifies() bool { return true }

// NoticesWritten: a pass of the workflow notices wrote notifications and deliveries, and moved
// its cursors past what it told, in one transaction.
//
// Its work: the deliveries. Lost, the reconciler queues every delivery still pending after ten
// minutes.
type NoticesWritten struct {
	Notifications int
	Deliveries    []int64
}

func (NoticesWritten) Name() string { return "notices_written" }

// DeadlinesRecounted: a batch of the tickets a calendar change touched had their deadline (or
// its estimate flag) recounted, each with a ticket event saying from what to what and why.
//
// Its work: the reminders of the tickets brought up to date (the stages of the old deadline no
// longer apply: models.NextStages), and the workflow notices, which tell the unit of a deadline
// moved earlier. Lost, the reconciler schedules the reminders of every open ticket and runs the
// notices' pass, which reads every ticket event past its cursor.
type DeadlinesRecounted struct {
	ChangeID  int64
	TicketIDs []int64
	Earlier   int
}

func (DeadlinesRecounted) Name() string { return "deadlines_recounted" }

// Notifies: a deadline moved earlier is told to the unit.
func (e DeadlinesRecounted) Notifies() bool { return e.Earlier > 0 }
