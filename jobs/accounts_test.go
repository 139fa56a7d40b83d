package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/jobs/accountsheet"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// menuServer answers menu links: /broken is a 404, anything else is fine unless hang is set,
// then a request waits until its client gives up; hit hears of each request.
type menuServer struct {
	*httptest.Server
	mu   sync.Mutex
	hang bool
	hit  func()
}

func newMenuServer(t *testing.T) *menuServer {
	t.Helper()
	m := &menuServer{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		hang, hit := m.hang, m.hit
		m.mu.Unlock()
		if hit != nil {
			hit()
		}
		if hang {
			<-r.Context().Done()
			return
		}
		if r.URL.Path == "/broken" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *menuServer) set(hang bool, hit func()) {
	m.mu.Lock()
	m.hang, m.hit = hang, hit
	m.mu.Unlock()
}

// importSheet reads a sheet of two accounts as the web side does: the registered 四川发布 with a
// dead menu link and a typo, and an account the registry does not know.
func importSheet(t *testing.T, w *world, menu *menuServer) []models.UploadedAccount {
	t.Helper()
	return importSheetOf(t, w, menu, "四川发布")
}

// importSheetOf is importSheet with another registered account of 微信 in 四川发布's place.
func importSheetOf(t *testing.T, w *world, menu *menuServer, account string) []models.UploadedAccount {
	t.Helper()
	today := w.clock.Now().In(models.Shanghai).Format(time.DateOnly)
	sheet := "账号名称,平台,最后更新日期,互动功能,菜单链接,近期发文,实际运行\n" +
		account + ",微信," + today + ",有," + menu.URL + "/broken,各级攻府要落实责任。,在线\n" +
		"无名号,抖音," + today + ",有,,,在线\n"
	rows, err := accountsheet.Read(strings.NewReader(sheet), "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// importState is an import as its page reads it, with what it keeps in the database.
type importState struct {
	status, reason             string
	results, findings, uploads int
}

func (w *world) importState(id int64) importState {
	w.t.Helper()
	imp, _, err := w.store.ImportResults(context.Background(), models.Scope{All: true}, 0, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return importState{status: imp.Status, reason: imp.Error,
		results:  w.count("SELECT COUNT(*) FROM media_account_results WHERE import_id = ?", id),
		findings: w.count("SELECT COUNT(*) FROM inspection_findings WHERE import_id = ?", id),
		uploads:  w.count("SELECT COUNT(*) FROM media_account_uploads WHERE import_id = ?", id)}
}

// The import's task through Redis and a real asynq worker: queued once however often it is
// queued, the accounts checked, the results stored, the rows it waited with gone; run again,
// it changes nothing.
func TestAccountImportCheckedByAWorkerOnRealAsynq(t *testing.T) {
	t.Logf("backends: %s, %s", storetest.Backend(), storetest.RedisBackend())
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	r, client, deps := w.realQueue()
	srv := asynq.NewServer(r.Opt, asynq.Config{Concurrency: 2, Queues: jobs.Queues, ShutdownTimeout: 5 * time.Second,
		TaskCheckInterval: 50 * time.Millisecond, Logger: quietLogger{}})
	mux := asynq.NewServeMux()
	jobs.Register(mux, deps)

	ctx := context.Background()
	imp := w.startImport(client, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	if imp.Status != models.ImportRunning || imp.Accounts != 2 {
		t.Fatalf("started: %+v", imp)
	}
	// Queued again before the worker starts: once it has run, its task is gone and the id free.
	task, opts := jobs.NewImportAccountsTask(imp.ID)
	if _, err := client.Enqueue(task, opts...); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("queueing the import again: %v, want refused by its task id", err)
	}
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	waitUntil(t, "the import to be checked", func() bool { return w.importState(imp.ID).status != models.ImportRunning })
	done := w.importState(imp.ID)
	if done.status != models.ImportDone || done.results != 2 || done.findings < 3 || done.uploads != 0 {
		t.Fatalf("after the worker: %+v", done)
	}
	_, rows, _ := w.store.ImportResults(ctx, models.Scope{All: true}, 0, imp.ID)
	types := map[string]bool{}
	for _, r := range rows {
		for _, f := range r.Findings {
			types[r.Name+":"+f.Type] = true
		}
	}
	if rows[0].AccountID == nil || rows[1].AccountID != nil || !types["四川发布:dead_menu_link"] || !types["四川发布:typo"] || !types["无名号:ledger_mismatch"] {
		t.Fatalf("results: %+v; findings %v", rows, types)
	}
	if err := mux.ProcessTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if again := w.importState(imp.ID); again != done {
		t.Fatalf("the task run again: %+v, was %+v", again, done)
	}
}

// An import whose every try fails (here: its results cannot be stored) is failed by the last
// try, with the reason, instead of being archived by asynq while it reads 进行中.
func TestAccountImportFailedByItsLastTry(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	r, client, deps := w.realQueue()
	var tries atomic.Int32
	srv := asynq.NewServer(r.Opt, asynq.Config{Concurrency: 1, Queues: jobs.Queues, ShutdownTimeout: 5 * time.Second,
		TaskCheckInterval: 50 * time.Millisecond, DelayedTaskCheckInterval: 50 * time.Millisecond, Logger: quietLogger{},
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return 20 * time.Millisecond },
		ErrorHandler:   asynq.ErrorHandlerFunc(func(context.Context, *asynq.Task, error) { tries.Add(1) })})
	mux := asynq.NewServeMux()
	jobs.Register(mux, deps)
	if _, err := w.store.SQLDB().Exec("ALTER TABLE media_account_results RENAME TO media_account_results_away"); err != nil {
		t.Fatal(err)
	}
	imp := w.startImport(client, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	var status string
	waitUntil(t, "the import to give up", func() bool {
		w.store.SQLDB().QueryRow("SELECT status FROM media_account_imports WHERE id = ?", imp.ID).Scan(&status)
		return status != models.ImportRunning && tries.Load() >= 3 // the last try's error is handled after it wrote
	})
	var reason string
	var uploads int
	w.store.SQLDB().QueryRow("SELECT error FROM media_account_imports WHERE id = ?", imp.ID).Scan(&reason)
	w.store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_uploads").Scan(&uploads)
	if status != models.ImportFailed || reason != "检查多次失败，请稍后重新导入" || uploads != 0 || tries.Load() != 3 {
		t.Fatalf("after every try failed: %s %q, %d rows left, %d tries", status, reason, uploads, tries.Load())
	}
}

// A worker that dies midway (here: its task cancelled while a menu link is fetched) leaves the
// import running with all its rows and nothing half-stored; the retry checks it afresh and
// stores the results once.
func TestAccountImportRetriedAfterTheWorkerDied(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	ctx := context.Background()
	imp := w.startImport(w.queue, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	task, _ := jobs.NewImportAccountsTask(imp.ID)
	dying, die := context.WithCancel(ctx)
	var once sync.Once
	menu.set(true, func() { once.Do(die) })
	if err := w.mux.ProcessTask(dying, task); !errors.Is(err, context.Canceled) {
		t.Fatalf("the dying try: %v, want cancelled", err)
	}
	if s := w.importState(imp.ID); s != (importState{status: models.ImportRunning, uploads: 2}) {
		t.Fatalf("after the dying try: %+v", s)
	}
	menu.set(false, nil)
	if n := w.queue.runDue(t, w.mux, w.clock.Now()); n != 1 {
		t.Fatalf("ran %d tasks, want the import's", n)
	}
	done := w.importState(imp.ID)
	if done.status != models.ImportDone || done.results != 2 || done.findings < 3 || done.uploads != 0 {
		t.Fatalf("after the retry: %+v", done)
	}
	if err := w.mux.ProcessTask(ctx, task); err != nil || w.importState(imp.ID) != done {
		t.Fatalf("a third run: %v, %+v", err, w.importState(imp.ID))
	}
}

// Checks that run out of time fail the import with the reason, for good: another try would
// take as long.
func TestAccountImportWhoseChecksTimeOutFails(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	ctx := context.Background()
	imp := w.startImport(w.queue, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	menu.set(true, nil)
	task, _ := jobs.NewImportAccountsTask(imp.ID)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond) // the task's timeout, as asynq sets it
	defer cancel()
	if err := w.mux.ProcessTask(short, task); !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("the task: %v, want no retry", err)
	}
	s := w.importState(imp.ID)
	if s.status != models.ImportFailed || !strings.Contains(s.reason, "检查 2 个账号超过 10 分钟仍未完成") || s.results+s.findings+s.uploads != 0 {
		t.Fatalf("after the timeout: %+v", s)
	}
}

// An import whose task is lost once its check began (the worker died and Redis was flushed) is
// not shown running for ever: an hour after the check began it reads as failed, and a task
// that turns up after all records that and checks nothing.
func TestAccountImportThatLostItsTaskGivesUp(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	ctx := context.Background()
	cd := w.users["cd-supervisor"]
	sc, err := w.store.ScopeOf(ctx, cd)
	if err != nil {
		t.Fatal(err)
	}
	imp := w.startImport(w.queue, cd, "results.csv", importSheetOf(t, w, menu, "成都发布"))
	w.clock.Advance(2 * time.Hour) // in the queue: late, not lost
	if s := w.importState(imp.ID); s.status != models.ImportRunning {
		t.Fatalf("after two hours in the queue: %+v", s)
	}
	task, _ := jobs.NewImportAccountsTask(imp.ID)
	dying, die := context.WithCancel(ctx)
	var once sync.Once
	menu.set(true, func() { once.Do(die) })
	if err := w.mux.ProcessTask(dying, task); !errors.Is(err, context.Canceled) {
		t.Fatalf("the dying try: %v, want cancelled", err)
	}
	w.queue.flush()
	w.clock.Advance(models.ImportGiveUp - time.Minute)
	if s := w.importState(imp.ID); s.status != models.ImportRunning {
		t.Fatalf("within the hour of its check: %+v", s)
	}
	w.clock.Advance(2 * time.Minute)
	imps, err := w.store.AccountImports(ctx, sc, cd.ID, 20)
	if err != nil || len(imps) != 1 || imps[0].Status != models.ImportFailed || !strings.Contains(imps[0].Error, "后台任务中断") {
		t.Fatalf("listed after the hour: %+v %v", imps, err)
	}
	var hits atomic.Int32
	menu.set(false, func() { hits.Add(1) })
	if err := w.mux.ProcessTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := w.store.SQLDB().QueryRow("SELECT status FROM media_account_imports WHERE id = ?", imp.ID).Scan(&status); err != nil {
		t.Fatal(err)
	}
	s := w.importState(imp.ID)
	if status != models.ImportFailed || s.status != models.ImportFailed || s.results+s.findings+s.uploads != 0 || hits.Load() != 0 {
		t.Fatalf("a late task: stored %q, %+v, %d menu requests", status, s, hits.Load())
	}
}

// A try whose results come after the hour (its check began, then crawled on past it) stores
// none of them: the import is failed with the reason that says so, its rows dropped, and the
// task is not retried.
func TestAccountImportFinishedPastItsHourIsFailed(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	ctx := context.Background()
	imp := w.startImport(w.queue, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	var once sync.Once
	menu.set(false, func() { once.Do(func() { w.clock.Advance(models.ImportGiveUp + time.Minute) }) })
	task, _ := jobs.NewImportAccountsTask(imp.ID)
	if err := w.mux.ProcessTask(ctx, task); !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("the late try: %v, want no retry", err)
	}
	s := w.importState(imp.ID)
	if s.status != models.ImportFailed || !strings.Contains(s.reason, "才完成") || !strings.Contains(s.reason, "结果未保存") ||
		s.results+s.findings+s.uploads != 0 {
		t.Fatalf("after the late try: %+v", s)
	}
}

// An import whose task Redis lost (the process died before queueing it, or Redis was flushed)
// is queued again by the reconcile, and checked; one whose check began more than an hour ago
// is failed by it instead, its rows dropped, and not queued.
func TestReconcileQueuesLostImportTasksAgain(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	ctx := context.Background()
	sc := w.users["sc-supervisor"]
	lost := w.startImport(w.queue, sc, "lost.csv", importSheet(t, w, menu))
	w.queue.flush()
	r, err := jobs.Reconcile(ctx, w.deps)
	if err != nil || r.Imports != 1 || r.ImportsFailed != 0 || !slices.Contains(w.queue.ids(), fmt.Sprintf("account-import:%d", lost.ID)) {
		t.Fatalf("the reconcile: %+v, %v; queued %v", r, err, w.queue.ids())
	}
	if r, err := jobs.Reconcile(ctx, w.deps); err != nil || r.Imports != 0 {
		t.Fatalf("a second reconcile, the task still queued: %+v, %v", r, err)
	}
	if n := w.queue.runDue(t, w.mux, w.clock.Now()); n != 1 {
		t.Fatalf("ran %d tasks, want the import's", n)
	}
	if s := w.importState(lost.ID); s.status != models.ImportDone || s.results != 2 || s.uploads != 0 {
		t.Fatalf("the import queued again: %+v", s)
	}

	late := w.startImport(w.queue, sc, "late.csv", importSheet(t, w, menu))
	if _, _, err := w.store.BeginAccountImport(ctx, late.ID); err != nil { // a try began, then its worker died
		t.Fatal(err)
	}
	w.queue.flush()
	w.clock.Advance(models.ImportGiveUp + time.Minute)
	r, err = jobs.Reconcile(ctx, w.deps)
	if err != nil || r.Imports != 0 || r.ImportsFailed != 1 || len(w.queue.ids()) != 0 {
		t.Fatalf("the reconcile past the hour: %+v, %v; queued %v", r, err, w.queue.ids())
	}
	var status string
	if err := w.store.SQLDB().QueryRow("SELECT status FROM media_account_imports WHERE id = ?", late.ID).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if s := w.importState(late.ID); status != models.ImportFailed || !strings.Contains(s.reason, "后台任务中断") || s.uploads != 0 {
		t.Fatalf("the import past its hour: stored %q, %+v", status, s)
	}
}

// An import's task that asynq archived (its tries used up while the import still runs) keeps
// its id, so queueing it again is refused: the reconcile replaces it.
func TestReconcileReplacesAnArchivedImportTask(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	menu := newMenuServer(t)
	r, client, deps := w.realQueue()
	ctx := context.Background()
	imp := w.startImport(client, w.users["sc-supervisor"], "results.csv", importSheet(t, w, menu))
	tasks := asynq.NewInspectorFromRedisClient(r.Client)
	id := fmt.Sprintf("account-import:%d", imp.ID)
	if err := tasks.ArchiveTask(jobs.QueueImports, id); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Reconcile(ctx, deps); err != nil {
		t.Fatal(err)
	}
	info, err := tasks.GetTaskInfo(jobs.QueueImports, id)
	if err != nil || info.State != asynq.TaskStatePending {
		t.Fatalf("the import's task after the reconcile: %+v, %v; want pending", info, err)
	}
}

// Rows are matched to the whole registry, and a row outside the importer's scope is refused:
// 自贡's account in 成都's sheet is not taken for an unregistered account of 成都 (with a false
// 未报备开设 finding), nor checked as 自贡's: 成都's supervisor sees it listed as not imported,
// with the reason, and 自贡's supervisor sees nothing of 成都's sheet. 成都's own account is checked.
func TestAccountImportRefusesRowsOutsideTheImportersScope(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00")
	ctx := context.Background()
	today := w.clock.Now().In(models.Shanghai).Format(time.DateOnly)
	sheet := "账号名称,平台,最后更新日期,互动功能,实际运行\n" +
		"成都发布,微信," + today + ",有,在线\n" +
		"自贡发布,微信,2024-01-01,无,在线\n"
	rows, err := accountsheet.Read(strings.NewReader(sheet), "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	cd := w.users["cd-supervisor"]
	imp := w.startImport(w.queue, cd, "results.csv", rows)
	if imp.Accounts != 2 || imp.Refused != 1 {
		t.Fatalf("stored %+v, want 2 accounts of which 1 refused", imp)
	}
	if n := w.queue.runDue(t, w.mux, w.clock.Now()); n != 1 {
		t.Fatalf("ran %d tasks, want the import's", n)
	}
	hash, _ := models.HashPassword("demo-pass-123")
	zg, err := w.store.EnsureUser(ctx, models.UserSpec{Username: "zg-supervisor", DisplayName: "自贡市政府办公室监管员",
		Role: models.RoleSupervisor, RegionCode: "510300"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	var zgAccount int64
	if err := w.store.SQLDB().QueryRow("SELECT id FROM media_accounts WHERE platform = '微信' AND name = '自贡发布'").Scan(&zgAccount); err != nil {
		t.Fatal(err)
	}
	scope := func(u *models.User) models.Scope {
		t.Helper()
		sc, err := w.store.ScopeOf(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	if _, got, err := w.store.ImportResults(ctx, scope(zg), zg.ID, imp.ID); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("自贡 sees %+v (%v) of 成都's sheet, want nothing", got, err)
	}
	done, got, err := w.store.ImportResults(ctx, scope(cd), cd.ID, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != models.ImportDone || done.Accounts != 2 || done.Refused != 1 || len(got) != 2 ||
		got[0].Name != "成都发布" || got[0].AccountID == nil || got[0].Refused != "" ||
		got[1].Name != "自贡发布" || got[1].AccountID != nil || got[1].FiledStatus != "" || len(got[1].Findings) != 0 ||
		!strings.Contains(got[1].Refused, "不在您的管辖范围内") {
		t.Fatalf("成都 sees %+v: %+v", done, got)
	}
	if n := w.count("SELECT COUNT(*) FROM media_account_results WHERE account_id = ?", zgAccount) +
		w.count("SELECT COUNT(*) FROM inspection_findings WHERE account_id = ? OR url LIKE '%自贡发布%'", zgAccount); n != 0 {
		t.Fatalf("%d results and findings of 自贡's account from 成都's sheet", n)
	}
}

// The worker checks what the store decided of each row: the registered account it matched
// (with that account's status in the registry), or none; a refused row is not checked at all,
// its menu links not fetched, and its result says why and nothing else.
func TestCheckAccountsChecksWhatTheStoreDecided(t *testing.T) {
	menu := newMenuServer(t)
	var hits atomic.Int32
	menu.set(false, func() { hits.Add(1) })
	registry := []models.AccountRow{{MediaAccount: models.MediaAccount{ID: 7, Name: "教育发布", Platform: "微信",
		Status: models.AccountSuspended}, UnitName: "成都市教育局"}}
	id := int64(7)
	rows := []models.UploadedAccount{
		{AccountID: &id, Name: "教育发布", Platform: "微信", ReportedOnline: true},
		{Refused: "该账号登记在其他地区的单位名下，不在您的管辖范围内，未导入", Name: "绵阳发布", Platform: "微信",
			ReportedOnline: true, MenuLinks: menu.URL + "/broken"},
		{Name: "无名号", Platform: "抖音", ReportedOnline: true},
	}
	in := inspector.New(inspector.Config{MaxPages: 1, MaxDuration: time.Minute, Timeout: 5 * time.Second})
	results, err := jobs.CheckAccounts(context.Background(), in, registry, rows, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.AccountID == nil || *r.AccountID != 7 || r.FiledStatus != models.AccountSuspended || r.UnitName != "成都市教育局" {
		t.Fatalf("the matched row: %+v", r)
	}
	if r := results[1]; r.Refused != rows[1].Refused || r.AccountID != nil || len(r.Findings) != 0 || hits.Load() != 0 {
		t.Fatalf("the refused row: %+v, %d menu requests", r, hits.Load())
	}
	if r := results[2]; r.AccountID != nil || r.Refused != "" || len(r.Findings) == 0 {
		t.Fatalf("the unknown row: %+v", r)
	}
}

// realQueue gives the world a real asynq client on the test Redis, and the world's deps queueing
// through it (without the workflow notices: noticesGate), with the Redis client the worker has
// in production.
func (w *world) realQueue() (*storetest.Redis, *asynq.Client, jobs.Deps) {
	w.t.Helper()
	r := storetest.NewRedis(w.t)
	client := asynq.NewClient(r.Opt)
	w.t.Cleanup(func() { client.Close() })
	deps := w.deps
	deps.Queue, deps.Redis = &noticesGate{Enqueuer: client}, r.Client
	return r, client, deps
}

// startImport stores an import of rows by user, as the upload does, and queues its task on q.
func (w *world) startImport(q jobs.Enqueuer, user *models.User, filename string, rows []models.UploadedAccount) *models.AccountImport {
	w.t.Helper()
	ctx := context.Background()
	imp, events, err := w.store.CreateAccountImport(ctx, user, filename, rows)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := jobs.NewDispatcher(q, w.deps.Logger).Dispatch(ctx, events...); err != nil {
		w.t.Fatal(err)
	}
	return imp
}
