package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// siteFarm serves made-up sites on loopback and counts what each was asked.
type siteFarm struct {
	mu   sync.Mutex
	hits map[string]int // host + path
	// gate, when set, keeps every request waiting until it is closed, so a crawl holds its
	// slot as long as a test needs; arrived hears of each request that waits.
	gate    chan struct{}
	arrived chan struct{}
}

// hold makes the farm's requests wait until the returned release is called (at the latest
// when the test ends: a server closes only once its requests are answered).
func (f *siteFarm) hold(t *testing.T) (release func()) {
	f.mu.Lock()
	f.gate, f.arrived = make(chan struct{}), make(chan struct{}, 16)
	gate := f.gate
	f.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

func (f *siteFarm) serve(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.Host+r.URL.Path]++
		gate, arrived := f.gate, f.arrived
		f.mu.Unlock()
		if gate != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-gate
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (f *siteFarm) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

// inspectionWorld is a registry of three farm sites (one with planted faults, one plain, one
// whose server is gone), an administrator, and real asynq workers on Redis.
type inspectionWorld struct {
	store               *models.Store
	events              *storetest.Events // what is dispatched, handed on to the real dispatcher over client
	client              *asynq.Client
	deps                jobs.Deps
	admin               *models.User
	faulty, plain, gone string // homepages
	farm                *siteFarm
	opt                 asynq.RedisConnOpt
	tasks               *asynq.Inspector
	busy                atomic.Int32           // site tasks sent back to wait for a crawl slot
	middleware          []asynq.MiddlewareFunc // put before the real handlers in every worker
}

func newInspectionWorld(t *testing.T) *inspectionWorld {
	t.Helper()
	t.Logf("backends: %s, %s", storetest.Backend(), storetest.RedisBackend())
	ctx := context.Background()
	farm := &siteFarm{hits: map[string]int{}}
	faulty := farm.serve(t, map[string]string{
		"/": `<html><body><ul class="nav"><li><a href="/news/">新闻动态</a></li></ul>
<p>各级攻府要落实责任。</p><a href="/gone.html">办事指南</a></body></html>`,
		"/news/":       `<html><body><ul><li><a href="/news/1.html">通知</a> 2020-01-02</li></ul></body></html>`,
		"/news/1.html": `<html><body><p>通知正文。</p></body></html>`,
	})
	plain := farm.serve(t, map[string]string{"/": `<html><body><p>欢迎访问。</p></body></html>`})
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // refused from now on
	events := &storetest.Events{}
	store := storetest.OpenWith(t, models.SystemClock{}, models.Options{Events: events})
	spec := models.RegistrySpec{
		Regions: []models.RegionSpec{{Code: "440000", Name: "示范省"}},
		Units:   []models.UnitSpec{{Name: "示范省政府办公厅", RegionCode: "440000", Kind: models.UnitGovernmentOffice}},
		Websites: []models.WebsiteSpec{
			{Name: "有问题的网站", Unit: "示范省政府办公厅", Kind: models.SitePortal, Bases: []string{faulty.URL + "/"}},
			{Name: "普通网站", Unit: "示范省政府办公厅", Kind: models.SiteDepartment, Bases: []string{plain.URL + "/"}},
			{Name: "打不开的网站", Unit: "示范省政府办公厅", Kind: models.SiteDepartment, Bases: []string{gone.URL + "/"}},
		},
	}
	if _, err := store.LoadRegistry(ctx, spec); err != nil {
		t.Fatal(err)
	}
	hash, _ := models.HashPassword("insp-pass-2025")
	admin, err := store.EnsureUser(ctx, models.UserSpec{Username: "admin", Role: models.RoleAdmin, RegionCode: "440000"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	r := storetest.NewRedis(t)
	client := asynq.NewClient(r.Opt)
	t.Cleanup(func() { client.Close() })
	tasks := asynq.NewInspectorFromRedisClient(r.Client)
	// The farm's sites listen on loopback: the fetches are let reach it here, explicitly.
	deps := jobs.Deps{Store: store, Queue: client, Redis: r.Client, Clock: models.SystemClock{}, Sender: &jobs.Sender{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Egress: egresstest.Loopback,
		Inspector: inspector.New(inspector.Config{MaxPages: 50, MaxDuration: time.Minute, Timeout: 5 * time.Second, Egress: egresstest.Loopback})}
	events.Then = jobs.NewDispatcher(client, deps.Logger)
	return &inspectionWorld{store: store, events: events, client: client, deps: deps, admin: admin, farm: farm, opt: r.Opt, tasks: tasks,
		faulty: faulty.URL + "/", plain: plain.URL + "/", gone: gone.URL + "/"}
}

// workers starts n asynq servers with the real handlers: a round is shared among them.
func (w *inspectionWorld) workers(t *testing.T, n int) {
	t.Helper()
	for range n {
		srv := asynq.NewServer(w.opt, asynq.Config{Concurrency: 4, Queues: jobs.Queues, ShutdownTimeout: 5 * time.Second,
			DelayedTaskCheckInterval: 50 * time.Millisecond, TaskCheckInterval: 50 * time.Millisecond, Logger: quietLogger{},
			IsFailure: jobs.IsFailure, RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return 20 * time.Millisecond },
			ErrorHandler: asynq.ErrorHandlerFunc(func(_ context.Context, _ *asynq.Task, err error) {
				if errors.Is(err, jobs.ErrCrawlersBusy) {
					w.busy.Add(1)
				}
			})})
		mux := asynq.NewServeMux()
		mux.Use(w.middleware...)
		jobs.Register(mux, w.deps)
		if err := srv.Start(mux); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Shutdown)
	}
}

// startRound opens an on-demand round of every site and dispatches it, as the web side does.
func (w *inspectionWorld) startRound(ctx context.Context) (*models.InspectionRound, error) {
	round, events, err := w.store.StartRound(ctx, models.RoundOnDemand, models.Scope{All: true}, &w.admin.ID)
	if err != nil {
		return nil, err
	}
	return round, w.events.Dispatch(ctx, events...)
}

// round starts an on-demand round of every site and waits until its last site is done.
func (w *inspectionWorld) round(t *testing.T) *models.InspectionRound {
	t.Helper()
	ctx := context.Background()
	round, err := w.startRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Queueing the round again is refused by its task id: one set of site tasks per round.
	task, opts := jobs.NewInspectRoundTask(round.ID)
	if _, err := w.client.Enqueue(task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatal(err)
	}
	return w.finished(t, round.ID)
}

// finished waits until the round has finished and returns it.
func (w *inspectionWorld) finished(t *testing.T, roundID int64) *models.InspectionRound {
	t.Helper()
	waitUntil(t, "the round to finish", func() bool {
		r, err := w.store.Round(context.Background(), roundID)
		return err == nil && r.Status == models.RoundFinished
	})
	r, _ := w.store.Round(context.Background(), roundID)
	return r
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findings returns a site's findings in a round by type.
func (w *inspectionWorld) findings(t *testing.T, roundID int64, home string) (*models.ResultRow, map[string][]models.Finding) {
	t.Helper()
	_, rows, err := w.store.RoundResults(context.Background(), models.Scope{All: true}, roundID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row.HomeURL == home {
			res, fs, err := w.store.Result(context.Background(), models.Scope{All: true}, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			byType := map[string][]models.Finding{}
			for _, f := range fs {
				byType[f.Type] = append(byType[f.Type], f)
			}
			return res, byType
		}
	}
	t.Fatalf("no result for %s", home)
	return nil, nil
}

func TestInspectionRoundIsSharedByWorkersOnRealAsynq(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 2)
	round := w.round(t)
	// The site whose server is gone could not be inspected (TestUnreadSiteIsUninspectedUnlessTheProbesVeto).
	if round.SitesTotal != 3 || round.SitesDone != 2 || round.SitesFailed != 1 || round.FinishedAt == nil {
		t.Fatalf("round: %+v", round)
	}
	res, byType := w.findings(t, round.ID, w.faulty)
	if len(byType["dead_link"]) != 1 || byType["dead_link"][0].Status != models.FindingConfirmed ||
		!strings.HasSuffix(byType["dead_link"][0].Target, "/gone.html") {
		t.Errorf("dead link: %+v", byType["dead_link"])
	}
	if len(byType["typo"]) != 1 || byType["typo"][0].Status != models.FindingSuspected {
		t.Errorf("typo waits for a person: %+v", byType["typo"])
	}
	if res.Verdict == "" || res.Pages < 2 || res.Status != models.ResultDone {
		t.Errorf("result: %+v", res)
	}
	// Each site task ran once: the homepage was read once in the round.
	host := strings.TrimSuffix(strings.TrimPrefix(w.faulty, "http://"), "/")
	if n := w.farm.count(host + "/"); n != 1 {
		t.Errorf("homepage fetched %d times in one round, want 1", n)
	}
	// A site task that runs again after its round finished changes nothing.
	mux := asynq.NewServeMux()
	jobs.Register(mux, w.deps)
	_, rows, _ := w.store.RoundResults(context.Background(), models.Scope{All: true}, round.ID)
	task, _ := jobs.NewInspectSiteTask(round.ID, rows[0].WebsiteID)
	if err := mux.ProcessTask(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	again, _ := w.store.Round(context.Background(), round.ID)
	if again.SitesDone != 2 || again.SitesFailed != 1 || w.farm.count(host+"/") != 1 {
		t.Fatalf("a doubled site task counted again: %+v", again)
	}
}

// One crawl at a time per worker: the other sites wait in the retry queue without using up
// their retries, and the round still finishes with every site inspected once.
func TestSitesWaitForAFreeCrawlSlot(t *testing.T) {
	w := newInspectionWorld(t)
	w.deps.MaxCrawls = 1
	w.workers(t, 1)
	round := w.round(t)
	if round.SitesDone != 2 || round.SitesFailed != 1 { // the gone site could not be inspected
		t.Fatalf("round: %+v", round)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(w.faulty, "http://"), "/")
	if n := w.farm.count(host + "/"); n != 1 {
		t.Fatalf("homepage fetched %d times, want 1", n)
	}
	// How often a site found the slot taken depends on timing: logged, not asserted.
	t.Logf("site tasks sent back to wait: %d", w.busy.Load())
}

// siteID is the id of the registered site with the homepage.
func (w *inspectionWorld) siteID(t *testing.T, home string) int64 {
	t.Helper()
	sites, err := w.store.InspectionSites(context.Background(), models.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if s.HomeURL == home {
			return s.ID
		}
	}
	t.Fatalf("no site %s", home)
	return 0
}

// siteTaskState is the asynq state of a site's task in a round ("" when Redis holds none).
func (w *inspectionWorld) siteTaskState(t *testing.T, roundID, websiteID int64) (asynq.TaskState, string) {
	t.Helper()
	info, err := w.tasks.GetTaskInfo(jobs.QueueInspection, fmt.Sprintf("inspect-site:%d:%d", roundID, websiteID))
	if errors.Is(err, asynq.ErrTaskNotFound) {
		return 0, ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return info.State, info.LastErr
}

// forSite puts wrap in front of the real handler of one site's inspection tasks.
func forSite(websiteID int64, wrap func(ctx context.Context, task *asynq.Task, next asynq.Handler) error) asynq.MiddlewareFunc {
	return func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
			var p struct {
				WebsiteID int64 `json:"website_id"`
			}
			if task.Type() != jobs.TypeInspectSite || json.Unmarshal(task.Payload(), &p) != nil || p.WebsiteID != websiteID {
				return next.ProcessTask(ctx, task)
			}
			return wrap(ctx, task, next)
		})
	}
}

// A site whose crawl fails on every try (here it outlasts a shortened task timeout) is
// recorded as not inspected after its last try, four crawls in all, and its round finishes.
func TestSiteFailingEveryTryIsRecordedAsFailed(t *testing.T) {
	w := newInspectionWorld(t)
	ctx := context.Background()
	plain := w.siteID(t, w.plain)
	release := w.farm.hold(t)
	var crawls atomic.Int32
	w.middleware = []asynq.MiddlewareFunc{forSite(plain, func(ctx context.Context, task *asynq.Task, next asynq.Handler) error {
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		err := next.ProcessTask(ctx, task)
		if !errors.Is(err, jobs.ErrCrawlersBusy) {
			crawls.Add(1)
		}
		return err
	})}
	w.workers(t, 1)
	round, err := w.startRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the plain site to be given up", func() bool {
		res, _ := w.findings(t, round.ID, w.plain)
		return res.Status != models.ResultPending
	})
	release()
	r := w.finished(t, round.ID)
	res, _ := w.findings(t, round.ID, w.plain)
	if res.Status != models.ResultFailed || !strings.HasPrefix(res.Error, "检查失败：") || crawls.Load() != 4 {
		t.Fatalf("the failing site after %d crawls: %+v", crawls.Load(), res)
	}
	// The gone site could not be inspected either: its homepage does not answer.
	if r.SitesDone != 1 || r.SitesFailed != 2 {
		t.Fatalf("round: %+v", r)
	}
}

// A site task that failed for real on every try but the last, and on the last finds every
// crawl slot busy, waits for a slot like any other: asynq archives a task whose retries are
// used up before it asks IsFailure, and an archived task would leave its site pending and its
// round running for good.
func TestLastTryOfASiteWaitsForACrawlSlot(t *testing.T) {
	w := newInspectionWorld(t)
	w.deps.MaxCrawls = 1
	ctx := context.Background()
	gone := w.siteID(t, w.gone)
	release := w.farm.hold(t) // the other two sites' crawls hold the one slot until released
	lastTryBusy := make(chan struct{})
	var once sync.Once
	w.middleware = []asynq.MiddlewareFunc{forSite(gone, func(ctx context.Context, task *asynq.Task, next asynq.Handler) error {
		// Three real failures (timeouts, say, here without the 40 minutes each), then the
		// last try, once another site's crawl holds the slot.
		if n, _ := asynq.GetRetryCount(ctx); n < 3 {
			return errors.New("simulated crawl timeout")
		}
		select {
		case <-w.farm.arrived:
		case <-time.After(10 * time.Second):
		}
		err := next.ProcessTask(ctx, task)
		if errors.Is(err, jobs.ErrCrawlersBusy) {
			once.Do(func() { close(lastTryBusy) })
		}
		return err
	})}
	w.workers(t, 1)
	round, err := w.startRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-lastTryBusy:
	case <-time.After(30 * time.Second):
		t.Fatal("the site's last try never found the crawl slot busy")
	}
	release()
	waitUntil(t, "the round to finish", func() bool {
		if state, lastErr := w.siteTaskState(t, round.ID, gone); state == asynq.TaskStateArchived {
			t.Fatalf("the site task was archived (%s); its round would never finish", lastErr)
		}
		r, err := w.store.Round(ctx, round.ID)
		return err == nil && r.Status == models.RoundFinished
	})
	r, _ := w.store.Round(ctx, round.ID)
	res, findings := w.findings(t, round.ID, w.gone)
	// It crawled on its last try: its homepage does not answer, so it was not inspected, for
	// that reason rather than the failed tries' (检查失败).
	if r.SitesDone != 2 || r.SitesFailed != 1 || res.Status != models.ResultFailed || !strings.HasPrefix(res.Error, "首页无法打开：") || len(findings) == 0 {
		t.Fatalf("round %+v; the waiting site: %+v with %d kinds of findings", r, res, len(findings))
	}
}

// A site task that asynq archived (after its retries, a lost worker, or by hand) while its
// site is still pending runs again when the round is resumed, as the half-hourly probe task
// resumes every running round: queueing it again under its id alone is refused.
func TestResumedRoundRunsAnArchivedSiteTaskAgain(t *testing.T) {
	w := newInspectionWorld(t)
	ctx := context.Background()
	round, _, err := w.store.StartRound(ctx, models.RoundOnDemand, models.Scope{All: true}, &w.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The round task queues the site tasks in Redis; no worker runs yet.
	mux := asynq.NewServeMux()
	jobs.Register(mux, w.deps)
	task, _ := jobs.NewInspectRoundTask(round.ID)
	if err := mux.ProcessTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	plain := w.siteID(t, w.plain)
	if err := w.tasks.ArchiveTask(jobs.QueueInspection, fmt.Sprintf("inspect-site:%d:%d", round.ID, plain)); err != nil {
		t.Fatal(err)
	}
	w.workers(t, 1)
	waitUntil(t, "the other two sites", func() bool {
		r, err := w.store.Round(ctx, round.ID)
		return err == nil && r.SitesDone+r.SitesFailed == 2 // the gone site could not be inspected
	})
	if state, _ := w.siteTaskState(t, round.ID, plain); state != asynq.TaskStateArchived {
		t.Fatalf("the plain site's task: %v, want archived", state)
	}
	if _, err := w.client.Enqueue(jobs.NewProbeSitesTask()); err != nil {
		t.Fatal(err)
	}
	w.finished(t, round.ID)
	waitUntil(t, "the plain site's probe", func() bool {
		ps, _ := w.store.Probes(ctx, plain, time.Now().Add(-time.Hour))
		return len(ps) == 1
	})
	// The homepage was read twice: by the probe and by the one crawl.
	res, _ := w.findings(t, round.ID, w.plain)
	host := strings.TrimSuffix(strings.TrimPrefix(w.plain, "http://"), "/")
	if res.Status != models.ResultDone || res.Pages == 0 || w.farm.count(host+"/") != 2 {
		t.Fatalf("the plain site: %+v, homepage fetched %d times", res, w.farm.count(host+"/"))
	}
}

// A round task archived after its retries (the database away for days, say) holds its task id:
// resuming the round queues it again, and the round, opened three days before, finishes.
func TestResumedRoundRunsAnArchivedRoundTaskAgain(t *testing.T) {
	w := newInspectionWorld(t)
	ctx := context.Background()
	round, _, err := w.store.StartRound(ctx, models.RoundOnDemand, models.Scope{All: true}, &w.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.SQLDB().Exec("UPDATE inspection_rounds SET created_at = ? WHERE id = ?", time.Now().Add(-72*time.Hour).UTC(), round.ID); err != nil {
		t.Fatal(err)
	}
	task, opts := jobs.NewInspectRoundTask(round.ID)
	if _, err := w.client.Enqueue(task, opts...); err != nil {
		t.Fatal(err)
	}
	if err := w.tasks.ArchiveTask(jobs.QueueReminders, fmt.Sprintf("inspect-round:%d", round.ID)); err != nil {
		t.Fatal(err)
	}
	w.workers(t, 1)
	if _, err := w.client.Enqueue(jobs.NewProbeSitesTask()); err != nil {
		t.Fatal(err)
	}
	w.finished(t, round.ID)
}

func TestDismissedFindingStaysDismissedInTheNextRound(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	first := w.round(t)
	_, byType := w.findings(t, first.ID, w.faulty)
	if len(byType["typo"]) != 1 {
		t.Fatalf("typo: %+v", byType["typo"])
	}
	if _, err := w.store.DecideFinding(ctx, w.admin, models.Scope{All: true}, byType["typo"][0].ID, false); err != nil {
		t.Fatal(err)
	}
	second := w.round(t)
	_, byType = w.findings(t, second.ID, w.faulty)
	if len(byType["typo"]) != 1 || byType["typo"][0].Status != models.FindingDismissed || byType["typo"][0].DecidedBy == nil {
		t.Fatalf("the dismissed typo in the next round: %+v", byType["typo"])
	}
}

func TestProbesFeedTheUnreachableVeto(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	sites, _ := w.store.InspectionSites(ctx, models.Scope{All: true})
	ids := map[string]int64{}
	for _, s := range sites {
		ids[s.HomeURL] = s.ID
	}
	// This half hour's probes, through the queue: one per site.
	if _, err := w.client.Enqueue(jobs.NewProbeSitesTask()); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Hour)
	waitUntil(t, "a probe of each site", func() bool {
		for _, id := range ids {
			if ps, _ := w.store.Probes(ctx, id, since); len(ps) == 0 {
				return false
			}
		}
		return true
	})
	for home, want := range map[string]bool{w.faulty: true, w.plain: true, w.gone: false} {
		ps, _ := w.store.Probes(ctx, ids[home], since)
		if len(ps) != 1 || ps[0].OK != want {
			t.Errorf("%s: probes %+v, want one with ok=%v", home, ps, want)
		}
	}
	// A week of probes of the plain site, 24 a day, one in ten failing: above the 5% veto.
	now := time.Now()
	for i := 1; i <= 7*24; i++ {
		p := models.AvailabilityProbe{WebsiteID: ids[w.plain], At: now.Add(-time.Duration(i) * time.Hour), OK: i%10 != 0, Error: "超时"}
		if err := w.store.RecordProbe(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	round := w.round(t)
	res, byType := w.findings(t, round.ID, w.plain)
	if len(byType["unreachable"]) != 1 || !byType["unreachable"][0].Veto || byType["unreachable"][0].Status != models.FindingConfirmed {
		t.Fatalf("unreachable: %+v", byType["unreachable"])
	}
	if res.Verdict != "不合格" {
		t.Fatalf("a veto fails the site: %+v", res)
	}
}

// A round that could not read a homepage has no evidence: the site is 无法检查 with the reason,
// out of the 合格率, unless the week's probes give the 站点无法访问 veto, which is evidence: then
// it is inspected and fails on the veto, the round's failure kept as a warning.
func TestUnreadSiteIsUninspectedUnlessTheProbesVeto(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	gone := w.siteID(t, w.gone)

	round := w.round(t)
	res, byType := w.findings(t, round.ID, w.gone)
	if res.Status != models.ResultFailed || res.Verdict != "" || res.Score != 0 || !strings.Contains(res.Error, "连接被拒绝") {
		t.Fatalf("a site nobody could read: %+v", res.InspectionResult)
	}
	if len(byType["unreachable"]) != 1 || !byType["unreachable"][0].Warning {
		t.Errorf("the round's failure is kept as a warning: %+v", byType)
	}
	if round.SitesFailed != 1 || round.SitesDone != 2 {
		t.Errorf("round: %d done, %d not inspected; want 2 and 1", round.SitesDone, round.SitesFailed)
	}
	row, _, err := w.store.RoundResults(ctx, models.Scope{All: true}, round.ID)
	if err != nil || row.Failed != 1 || row.Done != 2 {
		t.Errorf("the round's page counts %+v (%v): want 无法检查 1", row, err)
	}

	// A week of probes, 24 a day, one in ten failing: above the 5% of the veto.
	now := time.Now()
	for i := 1; i <= 7*24; i++ {
		p := models.AvailabilityProbe{WebsiteID: gone, At: now.Add(-time.Duration(i) * time.Hour), OK: i%10 != 0, Error: "连接被拒绝"}
		if err := w.store.RecordProbe(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	round = w.round(t)
	res, byType = w.findings(t, round.ID, w.gone)
	if res.Status != models.ResultDone || res.Verdict != "不合格" || res.Error != "" {
		t.Fatalf("a site the probes veto is inspected and fails: %+v", res.InspectionResult)
	}
	var veto, warning int
	for _, f := range byType["unreachable"] {
		switch {
		case f.Veto && f.Status == models.FindingConfirmed:
			veto++
		case f.Warning && strings.Contains(f.Evidence, "本轮检查首页无法打开"):
			warning++
		}
	}
	if veto != 1 || warning != 1 {
		t.Errorf("want the veto and the round's failure as a warning: %+v", byType["unreachable"])
	}
	if round.SitesFailed != 0 || round.SitesDone != 3 {
		t.Errorf("round: %d done, %d not inspected; want 3 and 0", round.SitesDone, round.SitesFailed)
	}
}

// The IPv6 figure is stored on each inspected site's result and counted on the round's page:
// a site on [::1] answers over IPv6, the farm's sites on 127.0.0.1 have no IPv6 address.
func TestRoundStoresTheIPv6Figure(t *testing.T) {
	w := newInspectionWorld(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatalf("listen on [::1]: %v", err)
	}
	v6 := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(rw, `<html><body><p>欢迎访问。</p></body></html>`)
	})}}
	v6.Start()
	t.Cleanup(v6.Close)
	spec := models.RegistrySpec{Websites: []models.WebsiteSpec{
		{Name: "IPv6网站", Unit: "示范省政府办公厅", Kind: models.SiteDepartment, Bases: []string{v6.URL + "/"}}}}
	if _, err := w.store.LoadRegistry(ctx, spec); err != nil {
		t.Fatal(err)
	}
	w.workers(t, 1)
	round := w.round(t)
	row, rows, err := w.store.RoundResults(ctx, models.Scope{All: true}, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]bool{w.faulty: {false, false}, w.plain: {false, false}, v6.URL + "/": {true, true}} // AAAA, OK
	for _, r := range rows {
		if r.Status == models.ResultFailed {
			if r.IPv6OK != nil {
				t.Errorf("%s could not be inspected, yet has an IPv6 figure", r.HomeURL)
			}
			continue
		}
		exp, ok := want[r.HomeURL]
		if !ok || r.IPv6AAAA == nil || r.IPv6OK == nil || *r.IPv6AAAA != exp[0] || *r.IPv6OK != exp[1] {
			t.Errorf("%s: IPv6 aaaa %v ok %v (%s), want %v", r.HomeURL, r.IPv6AAAA, r.IPv6OK, r.IPv6Note, exp)
		}
	}
	if row.IPv6Checked != 3 || row.IPv6OK != 1 || row.IPv6Rate() != "33.3%" {
		t.Errorf("round: IPv6 %d of %d (%s), want 1 of the 3 inspected", row.IPv6OK, row.IPv6Checked, row.IPv6Rate())
	}
	listed, err := w.store.Rounds(ctx, models.Scope{All: true}, 5)
	if err != nil || len(listed) != 1 || listed[0].IPv6Checked != 3 || listed[0].IPv6OK != 1 {
		t.Errorf("the rounds' list: %+v (%v)", listed, err)
	}
}

func TestScheduleProbesAndRounds(t *testing.T) {
	specs := map[string]string{}
	for _, p := range jobs.PeriodicTasks(5 * time.Minute) {
		specs[p.Task.Type()] = p.Spec
	}
	// Every half hour: 48 spaced probes a day, the indicator asks for at least 20.
	if specs[jobs.TypeProbeSites] != "*/30 * * * *" || 24*time.Hour/jobs.ProbeEvery < 20 {
		t.Errorf("probes: %q every %v", specs[jobs.TypeProbeSites], jobs.ProbeEvery)
	}
	if specs[jobs.TypeInspectRound] == "" {
		t.Errorf("no scheduled round in %v", specs)
	}
}

// The Monday task opens the week's scheduled round of every running site; run again (a retry),
// it continues that round instead of opening another.
func TestScheduledRoundTaskOpensOneRound(t *testing.T) {
	w := newInspectionWorld(t)
	w.workers(t, 1)
	ctx := context.Background()
	// The round task itself runs here, twice in a row as a retry would; its site tasks go to
	// the workers through Redis. (Two replicas' ticks are one task: the schedule's Unique.)
	mux := asynq.NewServeMux()
	jobs.Register(mux, w.deps)
	for range 2 {
		task, _ := jobs.NewInspectRoundTask(0)
		if err := mux.ProcessTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the scheduled round to finish", func() bool {
		r, err := w.store.LatestRound(ctx, models.RoundScheduled, time.Now().Add(-time.Hour))
		return err == nil && r != nil && r.Status == models.RoundFinished
	})
	rows, err := w.store.Rounds(ctx, models.Scope{All: true}, 10)
	if err != nil || len(rows) != 1 || rows[0].Kind != models.RoundScheduled || rows[0].Done != 2 || rows[0].Failed != 1 {
		t.Fatalf("rounds: %+v %v", rows, err)
	}
}
