package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// The inspection: a round is one task that opens it (or, on demand, queues the round the web
// side opened) and one task per site, so any number of workers share a round; each site task
// stores its findings and moves the round's progress. Availability probes run on their own
// schedule, one task per site and half hour, and the site task reads the week of them.
const (
	TypeInspectRound = "inspect:round"
	TypeInspectSite  = "inspect:site"
	TypeProbeSites   = "inspect:probes"
	TypeProbeSite    = "inspect:probe"
)

// QueueInspection is the crawlers' queue, weighted low: a long crawl never holds up a reminder.
const QueueInspection = "inspect"

// ProbeEvery spaces the availability probes: 48 a day, above the indicator's 20.
const ProbeEvery = 30 * time.Minute

// siteTaskTimeout bounds a site task: the crawl reads for its MaxDuration, and the time the
// worker's memory gate holds it back (while older crawls hold the memory) does not count, up to
// this timeout less inspector.WrapUp, which is for judging and storing the findings. An hour of
// waiting lets the two crawls ahead of it end (the oldest never waits, so it ends within
// MaxDuration); a crawl that waits longer stops there and says so (部分检查, 等待超时).
//
// A long timeout does not slow the recovery of a crashed worker's tasks: asynq leases an active
// task for 30 s and the worker's heartbeat extends the lease every 5 s; a task whose lease has
// lapsed is retried by a recoverer (each worker runs one, every minute) within about two
// minutes, whatever its timeout. What the timeout bounds is a task that hangs on a live worker,
// holding a crawl slot.
const siteTaskTimeout = inspector.DefaultMaxDuration + time.Hour + inspector.WrapUp

type inspectRoundPayload struct {
	RoundID int64  `json:"round_id,omitempty"` // 0: the scheduled round, opened by the task
	Mode    string `json:"mode,omitempty"`     // of the scheduled round: "" full, or incremental
}

// NewInspectRoundTask queues the site tasks of a round the web side opened, or, with id 0,
// opens this week's scheduled round first.
func NewInspectRoundTask(roundID int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(inspectRoundPayload{RoundID: roundID})
	opts := []asynq.Option{asynq.Queue(QueueReminders), asynq.MaxRetry(10), asynq.Timeout(5 * time.Minute)}
	if roundID != 0 {
		opts = append(opts, asynq.TaskID(roundTaskID(roundID)))
	}
	return asynq.NewTask(TypeInspectRound, b), opts
}

func scheduledRoundTask() *asynq.Task { t, _ := NewInspectRoundTask(0); return t }

// NewDailyRoundTask opens the day's scheduled incremental round: only what changed since the
// last round is asked for (models.RoundIncremental).
func NewDailyRoundTask() *asynq.Task {
	b, _ := json.Marshal(inspectRoundPayload{Mode: models.RoundIncremental})
	return asynq.NewTask(TypeInspectRound, b)
}

// ErrCrawlersBusy sends a site task back to wait while the worker has no room for another crawl:
// its crawl slots, cores or memory are taken, or its last crawls are still warming up.
var ErrCrawlersBusy = errors.New("jobs: this worker has no room for another crawl; the site waits")

// crawlersBusy is ErrCrawlersBusy with how long the site should wait before it asks again
// (CrawlServer's RetryDelayFunc reads it).
type crawlersBusy struct{ wait time.Duration }

func (e crawlersBusy) Error() string        { return ErrCrawlersBusy.Error() }
func (e crawlersBusy) Is(target error) bool { return target == ErrCrawlersBusy }

// busyWait is how long a site waits when the worker's memory or crawl slots are full: a crawl
// takes minutes, so a few seconds' wait loses nothing, and the random part spreads the sites
// waiting so that they do not all ask again at once.
const busyWait = 10 * time.Second

// IsFailure is the worker's asynq.Config.IsFailure: waiting for a crawl slot is no failure.
func IsFailure(err error) bool { return err != nil && !errors.Is(err, ErrCrawlersBusy) }

// retryDelay is the crawl server's RetryDelayFunc: a site waiting for a crawl slot asks again
// after the wait it was given and up to as long again at random, so that the sites waiting do
// not all ask at once; a failed crawl waits as asynq's default has it.
func retryDelay(n int, err error, t *asynq.Task) time.Duration {
	var busy crawlersBusy
	if errors.As(err, &busy) {
		return busy.wait + rand.N(busy.wait+1)
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

type inspectSitePayload struct {
	RoundID   int64 `json:"round_id"`
	WebsiteID int64 `json:"website_id"`
}

// siteRetries is how often a site's crawl may fail before its next try is the last, whose
// failure records the site as not inspected.
const siteRetries = 3

// NewInspectSiteTask's MaxRetry is one above siteRetries: asynq archives a task whose retry
// count has reached MaxRetry on any error, before it asks IsFailure, so without the spare
// retry the last try that found the crawl slots busy would be archived and its site left
// pending. Waiting for a slot does not count (IsFailure), and a failed last try records the
// site and ends with SkipRetry, so the spare retry is not spent on a crawl; it is, if a worker
// dies during the last try (asynq's recoverer counts that as a failure). A task archived so is
// queued again when the round is resumed (resumeRounds, each half hour).
func NewInspectSiteTask(roundID, websiteID int64) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(inspectSitePayload{RoundID: roundID, WebsiteID: websiteID})
	return asynq.NewTask(TypeInspectSite, b), []asynq.Option{
		asynq.TaskID(siteTaskID(roundID, websiteID)), asynq.Queue(QueueInspection),
		asynq.MaxRetry(siteRetries + 1), asynq.Timeout(siteTaskTimeout)}
}

func roundTaskID(roundID int64) string { return "inspect-round:" + strconv.FormatInt(roundID, 10) }

func siteTaskID(roundID, websiteID int64) string {
	return fmt.Sprintf("inspect-site:%d:%d", roundID, websiteID)
}

// scheduledRoundGap: a scheduled round opened less than this ago is the one to continue, so
// a retried or doubled round task opens one round.
const scheduledRoundGap = 20 * time.Hour

func (h *worker) inspectRound(ctx context.Context, t *asynq.Task) error {
	var p inspectRoundPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("inspect round payload: %v: %w", err, asynq.SkipRetry)
	}
	roundID := p.RoundID
	if roundID == 0 {
		mode := cmp.Or(p.Mode, models.RoundFull)
		round, err := h.Store.LatestRound(ctx, models.RoundScheduled, h.Clock.Now().Add(-scheduledRoundGap))
		if err != nil {
			return err
		}
		if round != nil && round.Mode != mode {
			round = nil
		}
		if round == nil {
			// Its RoundStarted needs no dispatching: this task is the round's task, and goes on
			// to its sites.
			if round, _, err = h.Store.StartRoundMode(ctx, models.RoundScheduled, mode, models.Scope{All: true}, nil); err != nil {
				if models.ErrorKind(err) == models.KindInvalid {
					return nil // no running site: nothing to inspect this week
				}
				return err
			}
		}
		roundID = round.ID
	}
	sites, err := h.Store.PendingSites(ctx, roundID)
	if err != nil {
		return err
	}
	for _, site := range sites {
		task, opts := NewInspectSiteTask(roundID, site)
		_, err := h.Queue.EnqueueContext(ctx, task, opts...)
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			err = h.requeueArchived(ctx, QueueInspection, siteTaskID(roundID, site), task, opts)
		}
		if err != nil {
			return err // retried: the tasks already queued keep their ids
		}
	}
	return nil
}

// requeueArchived queues again a task that asynq archived under the id (its retries used up,
// say, while its site is still pending): the archived task keeps the id, so queueing it anew
// is refused and the site would never run again. Any other task under the id is still to run
// and is left alone. The archived task is replaced rather than run again, so the site has its
// retries afresh under today's options.
func (h *worker) requeueArchived(ctx context.Context, queue, id string, task *asynq.Task, opts []asynq.Option) error {
	if h.Redis == nil {
		return nil // no Redis to look in (tests with a queue of their own)
	}
	tasks := asynq.NewInspectorFromRedisClient(h.Redis) // a wrapper of the client: nothing to close
	info, err := tasks.GetTaskInfo(queue, id)
	if errors.Is(err, asynq.ErrTaskNotFound) || err == nil && info.State != asynq.TaskStateArchived {
		return nil // done or deleted meanwhile, or still to run
	}
	if err != nil {
		return fmt.Errorf("look up task %s: %w", id, err)
	}
	if err := tasks.DeleteTask(queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
		return fmt.Errorf("delete archived task %s: %w", id, err)
	}
	if _, err := h.Queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	h.Logger.Warn("archived task queued again", "task_id", id, "last_error", info.LastErr)
	return nil
}

func (h *worker) inspectSite(ctx context.Context, t *asynq.Task) error {
	var p inspectSitePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("inspect site payload: %v: %w", err, asynq.SkipRetry)
	}
	// A crawl takes minutes, mostly waiting on the site: a worker runs many at once, on a server
	// of their own (CrawlServer), bounded by MaxCrawls, the memory they hold and the cores that
	// analyse their pages. A site that finds no room waits in the retry queue, without using up
	// its retries (IsFailure), for this worker or another; it asks before the database is, since
	// a province's sites ask often while a round runs.
	if inspector.LiveHeap() > h.CrawlMemory {
		return crawlersBusy{busyWait}
	}
	select {
	case h.crawls <- struct{}{}:
		defer func() { <-h.crawls }()
	default:
		return crawlersBusy{busyWait}
	}
	ctx, wait, ok, ended := h.Inspector.StartCrawl(ctx)
	if !ok {
		return crawlersBusy{wait}
	}
	defer ended()
	res, err := h.Store.SiteResult(ctx, p.RoundID, p.WebsiteID)
	if err != nil {
		if models.ErrorKind(err) == models.KindNotFound {
			return fmt.Errorf("inspect site %d of round %d: %w", p.WebsiteID, p.RoundID, asynq.SkipRetry)
		}
		return err
	}
	if res.Status != models.ResultPending {
		return nil // done before
	}
	out, err := h.inspect(ctx, p.RoundID, p.WebsiteID)
	if err == nil {
		err = h.Store.FinishSite(ctx, p.RoundID, p.WebsiteID, out)
	}
	if n, _ := asynq.GetRetryCount(ctx); err != nil && n >= siteRetries {
		// The last try (a timeout, say): the site is recorded as not inspected, so that its
		// round finishes.
		now := h.Clock.Now()
		failed := models.SiteOutcome{Error: "检查失败：" + err.Error(), StartedAt: now, FinishedAt: now}
		if ferr := h.Store.FinishSite(context.WithoutCancel(ctx), p.RoundID, p.WebsiteID, failed); ferr == nil {
			return fmt.Errorf("inspect site %d: %v: %w", p.WebsiteID, err, asynq.SkipRetry)
		}
	}
	return err
}

// inspect crawls a registered site and judges the week's availability probes.
//
// A round that could not read the homepage has no evidence of its own. The week's probes may:
// when they give the 站点无法访问 veto, the site is inspected and fails on it, the round's failure
// kept as a warning beside it. Otherwise the site could not be inspected (ResultFailed, with the
// reason), and stays out of the 合格率. A veto the inspector is not sure of (a thin week of probes,
// Suspected) is no evidence until a person confirms it, so it does not make the site inspected.
func (h *worker) inspect(ctx context.Context, roundID, websiteID int64) (models.SiteOutcome, error) {
	site, err := h.Store.InspectionSite(ctx, websiteID)
	if models.ErrorKind(err) == models.KindNotFound {
		now := h.Clock.Now()
		return models.SiteOutcome{Error: "网站已关闭或已从目录中删除", StartedAt: now, FinishedAt: now}, nil
	}
	if err != nil {
		return models.SiteOutcome{}, err
	}
	in, err := h.siteInspector(ctx)
	if err != nil {
		return models.SiteOutcome{}, err
	}
	res, err := h.crawlSite(ctx, in, roundID, websiteID, inspector.Site{Name: site.Name, BaseURLs: site.BaseURLs,
		IdentifierCode: site.IdentifierCode, GovPortal: site.GovPortal()})
	if errors.Is(err, inspector.ErrNoHomepage) {
		now := h.Clock.Now()
		return models.SiteOutcome{Error: "网站没有可用的首页地址：" + site.HomeURL, StartedAt: now, FinishedAt: now}, nil
	}
	if err != nil {
		return models.SiteOutcome{}, err
	}
	now := h.Clock.Now()
	probes, err := h.Store.Probes(ctx, websiteID, now.Add(-inspector.AvailabilityWindow))
	if err != nil {
		return models.SiteOutcome{}, err
	}
	results := make([]inspector.ProbeResult, len(probes))
	for i, p := range probes {
		results[i] = inspector.ProbeResult{URL: site.HomeURL, At: p.At, OK: p.OK, Status: p.Status, Err: p.Error}
	}
	availability := inspector.Availability(results, now)
	out := models.SiteOutcome{Pages: res.Pages, Links: res.Links, Stopped: res.Stopped,
		Findings: findingRows(append(res.Findings, availability...)), StartedAt: res.Started, FinishedAt: res.Finished}
	if v6 := res.IPv6; v6 != nil {
		out.IPv6 = &models.IPv6Figure{AAAA: v6.AAAA, OK: v6.OK, Note: v6.Note}
	}
	if res.Uninspected != "" && !slices.ContainsFunc(availability, func(f inspector.Finding) bool { return f.Veto && !f.Suspected }) {
		out.Error = "首页无法打开：" + res.Uninspected
	}
	return out, nil
}

// crawlSite runs the site's crawl as its round says: full, or incremental from the page states
// the site's last round kept (a full round reads only when each page last changed, to keep it
// for the pages that did not). Either way the states of this crawl are kept for the next.
func (h *worker) crawlSite(ctx context.Context, in *inspector.Inspector, roundID, websiteID int64, site inspector.Site) (*inspector.Result, error) {
	round, err := h.Store.Round(ctx, roundID)
	if err != nil {
		return nil, err
	}
	incremental := round.Mode == models.RoundIncremental
	read := h.Store.PageStateDates
	if incremental {
		read = h.Store.PageStates
	}
	kept, err := read(ctx, websiteID)
	if err != nil {
		return nil, err
	}
	prev := make([]inspector.PageState, len(kept))
	for i, k := range kept {
		prev[i] = inspector.PageState{URL: k.URL, Page: k.IsPage, ETag: k.ETag, LastModified: k.LastModified, Fingerprint: k.Fingerprint,
			Record: k.Record, FetchedAt: k.FetchedAt, ChangedAt: k.ChangedAt}
	}
	kept = nil
	var res *inspector.Result
	if incremental {
		res, err = in.InspectIncremental(ctx, site, prev)
	} else {
		res, err = in.InspectFull(ctx, site, prev)
	}
	if err != nil || res.Uninspected != "" {
		return res, err // a round that read nothing keeps the last states
	}
	states := make([]models.PageState, len(res.States))
	for i, s := range res.States {
		states[i] = models.PageState{URL: s.URL, IsPage: s.Page, ETag: s.ETag, LastModified: s.LastModified,
			Fingerprint: s.Fingerprint, Record: s.Record, FetchedAt: s.FetchedAt, ChangedAt: s.ChangedAt, Unchanged: s.Unchanged}
	}
	res.States = nil
	return res, h.Store.SavePageStates(ctx, roundID, websiteID, states)
}

// findingRows turns the inspector's findings, of a site or an account, into the store's rows:
// the one place the two meet.
func findingRows(in []inspector.Finding) []models.Finding {
	out := make([]models.Finding, len(in))
	for i, f := range in {
		out[i] = models.Finding{Type: f.Type, Indicator: f.Indicator, URL: f.URL, Target: f.Target, Page: f.Page,
			Evidence: f.Evidence, Veto: f.Veto, Warning: f.Warning, Suspected: f.Suspected, Points: f.Points,
			FindingKey: f.Key, SeenAt: f.SeenAt}
	}
	return out
}

// NewProbeSitesTask queues this half hour's probe of every running site (and queues again the
// rounds that have not finished).
func NewProbeSitesTask() *asynq.Task { return asynq.NewTask(TypeProbeSites, nil) }

type probeSitePayload struct {
	WebsiteID int64 `json:"website_id"`
	Slot      int64 `json:"slot"` // the half hour, as Unix seconds: one probe per site and slot
}

// NewProbeSiteTask is a site's probe in the half hour slot. It is on the crawlers' queue, with the
// page checks, and runs in their spare slots (CrawlServer): a province's thousand probes each
// half hour, each up to ProbeTimeout, once held every slot of the reminders' queue, and a
// reminder due then waited behind them all (13 s behind a hundred, during a round).
func NewProbeSiteTask(websiteID int64, slot time.Time) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(probeSitePayload{WebsiteID: websiteID, Slot: slot.Unix()})
	return asynq.NewTask(TypeProbeSite, b), []asynq.Option{
		asynq.TaskID(fmt.Sprintf("probe:%d:%d", websiteID, slot.Unix())), asynq.Queue(QueueInspection),
		asynq.MaxRetry(0), asynq.Timeout(inspector.ProbeTimeout + 15*time.Second), asynq.Deadline(slot.Add(ProbeEvery))}
}

func (h *worker) probeSites(ctx context.Context, t *asynq.Task) error {
	sites, err := h.Store.InspectionSites(ctx, models.Scope{All: true})
	if err != nil {
		return err
	}
	slot := h.Clock.Now().Truncate(ProbeEvery)
	for _, s := range sites {
		task, opts := NewProbeSiteTask(s.ID, slot)
		if _, err := h.Queue.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return err
		}
	}
	return h.resumeRounds(ctx)
}

func (h *worker) probeSite(ctx context.Context, t *asynq.Task) error {
	var p probeSitePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("probe payload: %v: %w", err, asynq.SkipRetry)
	}
	slot := time.Unix(p.Slot, 0)
	done, err := h.Store.Probes(ctx, p.WebsiteID, slot)
	if err != nil || len(done) > 0 {
		return err // probed in this slot already
	}
	site, err := h.Store.InspectionSite(ctx, p.WebsiteID)
	if models.ErrorKind(err) == models.KindNotFound {
		return nil // closed since
	}
	if err != nil {
		return err
	}
	r := inspector.Probe(ctx, h.pages, site.HomeURL, inspector.ProbeTimeout)
	return h.Store.RecordProbe(ctx, models.AvailabilityProbe{WebsiteID: p.WebsiteID, At: h.Clock.Now(), OK: r.OK,
		Status: r.Status, Error: r.Err, DurationMS: int(r.Duration / time.Millisecond)})
}

// resumeRounds queues again the rounds still running, however old: a round whose queueing
// failed, or whose site task Redis lost or asynq archived, finishes after all. (A province's
// round on few workers may run for days.)
func (h *worker) resumeRounds(ctx context.Context) error {
	rounds, err := h.Store.RunningRounds(ctx)
	if err != nil {
		return err
	}
	for _, id := range rounds {
		task, opts := NewInspectRoundTask(id)
		_, err := h.Queue.EnqueueContext(ctx, task, opts...)
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			// A round task archived after its retries (days without the database) would
			// otherwise hold its id, and the round, for good.
			err = h.requeueArchived(ctx, QueueReminders, roundTaskID(id), task, opts)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
