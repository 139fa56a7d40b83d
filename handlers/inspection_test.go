package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models"
	"zhaocuo/models/indicator"
	"zhaocuo/models/storetest"
)

// recordingQueue keeps the ids of the tasks the web side queues.
type recordingQueue struct {
	mu  sync.Mutex
	ids []string
}

func (q *recordingQueue) EnqueueContext(_ context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, o := range opts {
		if o.Type() == asynq.TaskIDOpt {
			q.ids = append(q.ids, o.Value().(string))
		}
	}
	return &asynq.TaskInfo{}, nil
}

// withQueue gives the app a worker side: what it dispatches is queued on q by the real dispatcher.
func withQueue(q jobs.Enqueuer) appOption {
	return func(c *appConfig) {
		c.Events.Then = jobs.NewDispatcher(q, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
}

// finishedRound opens a round over the unit's sites and stores a dead link (counted) and a
// typo (suspected) for its first site; it returns the result's id and the findings by type.
func finishedRound(t testing.TB, a *testApp, unitUser string) (int64, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	u, err := a.Store.Authenticate(ctx, unitUser, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := a.Store.ScopeOf(ctx, u)
	round, ids, err := storetest.StartRound(ctx, a.Store, models.RoundOnDemand, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := a.Clock.Now()
	out := models.SiteOutcome{Pages: 12, Links: 40, StartedAt: now, FinishedAt: now, Findings: []models.Finding{
		{Type: "dead_link", Indicator: "首页链接不可用", URL: "https://www.sc.gov.cn/", Page: "https://www.sc.gov.cn/",
			Target: "https://www.sc.gov.cn/gone.html", Evidence: "HTTP 404：链接文字「办事指南」", Points: 1, FindingKey: "dead_link:a", SeenAt: now},
		{Type: "typo", Indicator: "内容准确性", URL: "https://www.sc.gov.cn/", Page: "https://www.sc.gov.cn/news/1.html",
			Target: "攻府", Evidence: "疑似错敏字「攻府」，应为「政府」：各级攻府要落实责任", Suspected: true, FindingKey: "typo:a", SeenAt: now},
	}}
	if err := a.Store.FinishSite(ctx, round.ID, ids[0], out); err != nil {
		t.Fatal(err)
	}
	res, _ := a.Store.SiteResult(ctx, round.ID, ids[0])
	_, fs, _ := a.Store.Result(ctx, models.Scope{All: true}, res.ID)
	byType := map[string]int64{}
	for _, f := range fs {
		byType[f.Type] = f.ID
	}
	return res.ID, byType
}

func TestStartingARoundQueuesItAndShowsProgress(t *testing.T) {
	q := &recordingQueue{}
	a := newTestApp(t, withQueue(q))
	a.loginPage("cd-supervisor")
	resp, body := a.postFormFrom("/staff/inspection/rounds", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/staff/inspection/rounds/") {
		t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/staff/inspection/rounds/")
	if len(q.ids) != 1 || q.ids[0] != "inspect-round:"+id {
		t.Fatalf("queued %v, want the round's task", q.ids)
	}
	_, body = a.get("/staff/inspection")
	d := doc(t, body)
	if rows := d.Find("#rounds tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "0 / 2") || !strings.Contains(rows.Text(), "检查中") {
		t.Fatalf("rounds list: %q", rows.Text())
	}
	resp, body = a.get("/staff/inspection/rounds/" + id)
	if resp.StatusCode != 200 || doc(t, body).Find("#results tbody tr").Length() != 2 {
		t.Fatalf("round page: %d", resp.StatusCode)
	}
	// The round page counts its progress as the list does.
	if h := doc(t, body).Find("h1").Text(); !strings.Contains(h, "检查中：0 / 2") {
		t.Fatalf("round page heading: %q", h)
	}
	if resp, m := a.api("GET", "/api/v1/inspection/rounds/"+id, a.apiLogin("cd-supervisor"), ""); resp.StatusCode != 200 ||
		m["round"].(map[string]any)["sites_total"].(float64) != 2 || m["round"].(map[string]any)["progress"].(float64) != 0 {
		t.Fatalf("round through the API: %d %v", resp.StatusCode, m["round"])
	}
	// Through the API too; a unit may not start one.
	token := a.apiLogin("cd-supervisor")
	resp, m := a.api("POST", "/api/v1/inspection/rounds", token, "")
	if resp.StatusCode != http.StatusCreated || m["round"].(map[string]any)["sites_total"].(float64) != 2 ||
		!strings.HasSuffix(m["round"].(map[string]any)["created_at"].(string), "+08:00") {
		t.Fatalf("API start: %d %v", resp.StatusCode, m)
	}
	resp, m = a.api("POST", "/api/v1/inspection/rounds", a.apiLogin("gzw-staff"), "")
	if resp.StatusCode != http.StatusForbidden || m["error"] == "" {
		t.Fatalf("a unit starting a round: %d %v", resp.StatusCode, m)
	}
	resp, m = a.api("GET", "/api/v1/inspection/rounds", token, "")
	if resp.StatusCode != 200 || len(m["rounds"].([]any)) != 2 {
		t.Fatalf("API rounds: %d %v", resp.StatusCode, m)
	}
}

func TestResultPageGroupsFindingsByIndicator(t *testing.T) {
	a := newTestApp(t)
	resultID, _ := finishedRound(t, a, "scgov-staff")
	a.loginPage("scgov-staff") // the unit sees its own site's result, without the buttons
	resp, body := a.get("/staff/inspection/results/" + strconv.FormatInt(resultID, 10))
	if resp.StatusCode != 200 {
		t.Fatalf("result page: %d", resp.StatusCode)
	}
	d := doc(t, body)
	var groups []string
	d.Find("section.indicator h2").Each(func(_ int, s *goquery.Selection) { groups = append(groups, s.Text()) })
	if len(groups) != 2 || !strings.HasPrefix(groups[0], "内容准确性") || !strings.HasPrefix(groups[1], "首页链接不可用") {
		t.Fatalf("groups: %q", groups)
	}
	if v := d.Find("#verdict").Text(); !strings.Contains(v, "合格（99.0 分）") {
		t.Fatalf("verdict: %q", v)
	}
	if !strings.Contains(d.Find(`[data-type="dead_link"]`).Text(), "gone.html") || d.Find(`[data-type="typo"] form`).Length() != 0 {
		t.Fatalf("dead link evidence shown, no buttons for a unit: %s", d.Find(".finding").Text())
	}
}

func TestConfirmDismissAndSendAFindingAsATicket(t *testing.T) {
	a := newTestApp(t)
	resultID, byType := finishedRound(t, a, "scgov-staff")
	result := "/staff/inspection/results/" + strconv.FormatInt(resultID, 10)
	a.loginPage("sc-supervisor")
	resp, _ := a.postFormFrom("/staff/inspection/findings/"+strconv.FormatInt(byType["typo"], 10)+"/dismiss", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != result {
		t.Fatalf("dismiss: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Deciding again is refused with a message, not a 500.
	resp, body := a.postFormFrom("/staff/inspection/findings/"+strconv.FormatInt(byType["typo"], 10)+"/confirm", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已排除") {
		t.Fatalf("deciding twice: %d", resp.StatusCode)
	}
	resp, _ = a.postFormFrom("/staff/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/ticket", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send as ticket: %d", resp.StatusCode)
	}
	_, body = a.get(result)
	d := doc(t, body)
	if d.Find(`[data-type="typo"]`).AttrOr("data-status", "") != "dismissed" {
		t.Fatalf("typo not dismissed: %s", d.Find(`[data-type="typo"]`).Text())
	}
	no := strings.TrimSpace(d.Find(`[data-type="dead_link"] a.mono`).Text())
	if !strings.HasPrefix(no, "ZC") || !strings.Contains(body, "已转交主办单位办理，工单编号 "+no) {
		t.Fatalf("ticket number not shown: %q", no)
	}
	// The unit gets it in its inbox like a citizen's ticket, marked as found by the inspection.
	token := a.apiLogin("scgov-staff")
	resp, m := a.api("GET", "/api/v1/tickets/"+no, token, "")
	if resp.StatusCode != 200 || m["source"] != models.SourceInspection || m["status"] != models.StatusAssigned || m["deadline"] == nil {
		t.Fatalf("the unit's ticket: %d %v", resp.StatusCode, m)
	}
	// Sending twice through the API: 409 with a Chinese message.
	resp, m = a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/ticket", a.apiLogin("sc-supervisor"), "")
	if resp.StatusCode != http.StatusConflict || m["error"] != "该问题已转为工单" {
		t.Fatalf("sending twice: %d %v", resp.StatusCode, m)
	}
	resp, m = a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/erase", a.apiLogin("sc-supervisor"), "")
	if resp.StatusCode != http.StatusNotFound || m["error"] == nil {
		t.Fatalf("unknown action: %d %v", resp.StatusCode, m)
	}
}

func TestInspectionOutsideTheScopeIsNotFound(t *testing.T) {
	a := newTestApp(t)
	resultID, byType := finishedRound(t, a, "scgov-staff")
	id := strconv.FormatInt(resultID, 10)
	token := a.apiLogin("gzw-staff")
	for _, path := range []string{"/api/v1/inspection/results/" + id, "/api/v1/inspection/results/abc", "/api/v1/inspection/rounds/999999"} {
		if resp, m := a.api("GET", path, token, ""); resp.StatusCode != http.StatusNotFound || m["error"] == nil {
			t.Errorf("%s: %d %v", path, resp.StatusCode, m)
		}
	}
	cd := a.apiLogin("cd-supervisor")
	if resp, m := a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["typo"], 10)+"/confirm", cd, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("成都 confirming a province finding: %d %v", resp.StatusCode, m)
	}
	a.loginPage("gzw-staff")
	if resp, _ := a.get("/staff/inspection/results/" + id); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page: %d", resp.StatusCode)
	}
	if resp, body := a.get("/staff/inspection"); resp.StatusCode != 200 || doc(t, body).Find("#rounds").Length() != 0 {
		t.Errorf("another unit's rounds listed")
	}
}

// upload posts a file as the "file" field of a multipart form.
func (a *testApp) upload(path, token, name string, data []byte) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.do(req)
}

func TestAccountImportRefusesBadFilesAndWritesNothing(t *testing.T) {
	q := &taskQueue{}
	a := newTestApp(t, withQueue(q))
	a.loginPage("sc-supervisor")
	count := func() int {
		var n int
		if err := a.Store.SQLDB().QueryRow(`SELECT (SELECT COUNT(*) FROM media_account_imports) + (SELECT COUNT(*) FROM media_account_results) +
			(SELECT COUNT(*) FROM media_account_uploads) + (SELECT COUNT(*) FROM inspection_findings)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := []struct{ name, file, want string }{
		{"no platform column", "账号名称,最后更新日期\n四川发布,2025-03-20\n", "缺少必填列「平台」"},
		{"a bad date", "账号名称,平台,最后更新日期\n四川发布,微信,上周\n", "第2行「最后更新日期」"},
		{"not a sheet", "%PDF-1.4", "不支持的文件类型"},
		{"empty", "", "文件为空"},
		{"headers only", "账号名称,平台\n", "文件中没有账号"},
		{"an account listed twice", "账号名称,平台\n四川发布,微信\n成都发布,微信\n四川发布,微信\n",
			"第4行「账号名称」：微信账号「四川发布」与第2行重复"},
		// Larger than MySQL's TEXT column once more than 65,535 bytes: refused before it is stored.
		{"an overlong cell", "账号名称,平台,近期发文\n四川发布,微信," + strings.Repeat("政", 30000) + "\n",
			"第2行「近期发文」：不能超过10000个字"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			name := "accounts.csv"
			if tt.name == "not a sheet" {
				name = "accounts.pdf"
			}
			resp, body := a.upload("/staff/inspection/accounts/import", "", name, []byte(tt.file))
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tt.want) {
				t.Fatalf("%d, want 400 naming %q: %s", resp.StatusCode, tt.want, doc(t, body).Find("main").Text())
			}
			resp, body = a.upload("/api/v1/inspection/accounts/import", a.apiLogin("sc-supervisor"), name, []byte(tt.file))
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tt.want) {
				t.Fatalf("API: %d, want 400 naming %q: %s", resp.StatusCode, tt.want, body)
			}
			resp2, m := a.api("POST", "/api/v1/inspection/accounts/import", a.apiLogin("sc-supervisor"), "")
			if resp2.StatusCode != http.StatusBadRequest || m["error"] == nil {
				t.Fatalf("API without a file: %d %v", resp2.StatusCode, m)
			}
			if n := count(); n != 0 || len(q.tasks) != 0 {
				t.Fatalf("%d rows written, %d tasks queued by a refused import", n, len(q.tasks))
			}
		})
	}
}

// taskQueue keeps the tasks the web side queues, for a test to run through the worker's
// handlers when it chooses.
type taskQueue struct {
	mu     sync.Mutex
	tasks  []*asynq.Task
	ids    []string
	queues []string // the queue each task was put on, "" for asynq's default
	down   bool     // Redis is away: every enqueue fails
}

func (q *taskQueue) EnqueueContext(_ context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.down {
		return nil, errors.New("redis: connection refused")
	}
	q.tasks = append(q.tasks, t)
	queue := ""
	for _, o := range opts {
		switch o.Type() {
		case asynq.TaskIDOpt:
			q.ids = append(q.ids, o.Value().(string))
		case asynq.QueueOpt:
			queue = o.Value().(string)
		}
	}
	q.queues = append(q.queues, queue)
	return &asynq.TaskInfo{}, nil
}

// runAll runs the queued tasks through the real task handlers, as a worker would.
func (q *taskQueue) runAll(t *testing.T, a *testApp) {
	t.Helper()
	mux := asynq.NewServeMux()
	jobs.Register(mux, jobs.Deps{Store: a.Store, Queue: q, Clock: a.Clock, Sender: &jobs.Sender{},
		Egress: egresstest.Loopback, // the tests' servers listen on loopback
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	q.mu.Lock()
	tasks := q.tasks
	q.tasks = nil
	q.mu.Unlock()
	for _, task := range tasks {
		if err := mux.ProcessTask(context.Background(), task); err != nil {
			t.Fatalf("task %s: %v", task.Type(), err)
		}
	}
}

// The upload is answered at once with the import checking, its page reloading itself; the
// worker checks the accounts (menu links fetched) and the page then shows the findings.
func TestAccountImportIsCheckedByTheWorker(t *testing.T) {
	q := &taskQueue{}
	a := newTestApp(t, withQueue(q))
	menu := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer menu.Close()
	a.loginPage("sc-supervisor")
	today := a.Clock.Now().In(models.Shanghai).Format(time.DateOnly)
	good := "账号名称,平台,最后更新日期,互动功能,菜单链接,近期发文,实际运行\n" +
		"四川发布,微信," + today + ",有," + menu.URL + "/broken,各级攻府要落实责任。,在线\n" +
		"无名号,抖音," + today + ",有,,,在线\n"
	resp, body := a.upload("/staff/inspection/accounts/import", "", "results.csv", []byte(good))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good import: %d %s", resp.StatusCode, body)
	}
	page := resp.Header.Get("Location")
	id := strings.TrimPrefix(page, "/staff/inspection/imports/")
	// On the imports' own queue: on the crawlers' it would wait behind a round's site tasks.
	if len(q.ids) != 1 || q.ids[0] != "account-import:"+id || q.queues[0] != jobs.QueueImports {
		t.Fatalf("queued %v on %v, want the import's task on %q", q.ids, q.queues, jobs.QueueImports)
	}
	resp, body = a.get(page)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Refresh") == "" || d.Find("#import-status").AttrOr("data-status", "") != "running" ||
		!strings.Contains(d.Find("#import-status").Text(), "排队中：2 个账号等待后台开始检查") || d.Find("#import-status a").AttrOr("href", "") != page {
		t.Fatalf("the queued import's page: %d, Refresh %q, %q", resp.StatusCode, resp.Header.Get("Refresh"), d.Find("#import-status").Text())
	}
	if d.Find("script:not([src])").Length() != 0 {
		t.Fatalf("an inline script, which the CSP refuses")
	}
	_, body = a.get("/staff/inspection/accounts")
	if li := doc(t, body).Find("#imports li"); li.AttrOr("data-status", "") != "running" || !strings.Contains(li.Text(), "排队中") {
		t.Fatalf("the queued import in the list: %q", li.Text())
	}
	token := a.apiLogin("sc-supervisor")
	if resp, m := a.api("GET", "/api/v1/inspection/imports/"+id, token, ""); resp.StatusCode != 200 ||
		m["import"].(map[string]any)["status"] != models.ImportRunning || m["import"].(map[string]any)["started_at"] != nil ||
		len(m["results"].([]any)) != 0 {
		t.Fatalf("the queued import through the API: %d %v", resp.StatusCode, m)
	}
	// A worker begins the check (the task's first try): the page counts what is checked.
	importID, _ := strconv.ParseInt(id, 10, 64)
	if _, _, err := a.Store.BeginAccountImport(context.Background(), importID); err != nil {
		t.Fatal(err)
	}
	_, body = a.get(page)
	if st := doc(t, body).Find("#import-status"); !strings.Contains(st.Text(), "进行中：已检查 0 / 2 个账号") {
		t.Fatalf("the import being checked: %q", st.Text())
	}
	_, body = a.get("/staff/inspection/accounts")
	if li := doc(t, body).Find("#imports li"); !strings.Contains(li.Text(), "检查中，已检查 0 / 2 个账号") {
		t.Fatalf("the import being checked in the list: %q", li.Text())
	}

	q.runAll(t, a)
	resp, body = a.get(page)
	d = doc(t, body)
	types := map[string]bool{}
	d.Find(".finding").Each(func(_ int, s *goquery.Selection) { types[s.AttrOr("data-type", "")] = true })
	if !types["dead_menu_link"] || !types["typo"] || !types["ledger_mismatch"] || resp.Header.Get("Refresh") != "" || d.Find("#results li").Length() != 2 {
		t.Fatalf("the import once checked: findings %v, Refresh %q", types, resp.Header.Get("Refresh"))
	}
	resp, m := a.api("GET", "/api/v1/inspection/imports/"+id, token, "")
	if imp := m["import"].(map[string]any); resp.StatusCode != 200 || imp["status"] != models.ImportDone || imp["checked"].(float64) != 2 ||
		imp["findings"].(float64) < 3 || imp["finished_at"] == nil || len(m["results"].([]any)) != 2 {
		t.Fatalf("the done import through the API: %d %v", resp.StatusCode, m)
	}

	// Through the API: 202 with the import running and where to follow it.
	resp, body = a.upload("/api/v1/inspection/accounts/import", token, "results.csv", []byte(good))
	var started struct {
		Import struct {
			ID       int64  `json:"id"`
			Status   string `json:"status"`
			Accounts int    `json:"accounts"`
		} `json:"import"`
		StatusURL string `json:"status_url"`
	}
	json.Unmarshal([]byte(body), &started)
	if resp.StatusCode != http.StatusAccepted || started.Import.Status != models.ImportRunning || started.Import.Accounts != 2 ||
		started.StatusURL != "/api/v1/inspection/imports/"+strconv.FormatInt(started.Import.ID, 10) || resp.Header.Get("Location") != started.StatusURL {
		t.Fatalf("API import: %d %s", resp.StatusCode, body)
	}
}

// With the queue away, the import is not left waiting for a task that never comes: 503 with
// the reason, and the import failed with it.
func TestAccountImportWithTheQueueAwayFailsAtOnce(t *testing.T) {
	q := &taskQueue{down: true}
	a := newTestApp(t, withQueue(q))
	a.loginPage("sc-supervisor")
	resp, body := a.upload("/staff/inspection/accounts/import", "", "results.csv", []byte("账号名称,平台\n四川发布,微信\n"))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "任务队列暂时无法访问") {
		t.Fatalf("%d: %s", resp.StatusCode, doc(t, body).Find("main").Text())
	}
	_, body = a.get("/staff/inspection/accounts")
	li := doc(t, body).Find("#imports li")
	if li.Length() != 1 || li.AttrOr("data-status", "") != models.ImportFailed || !strings.Contains(li.Text(), "任务队列暂时无法访问") {
		t.Fatalf("the import in the list: %q", li.Text())
	}
	resp, body = a.get(li.Find("a").AttrOr("href", ""))
	if st := doc(t, body).Find("#import-status"); resp.StatusCode != http.StatusOK || resp.Header.Get("Refresh") != "" ||
		st.AttrOr("data-status", "") != models.ImportFailed || !strings.Contains(st.Text(), "导入失败：任务队列暂时无法访问") {
		t.Fatalf("the failed import's page: %d, Refresh %q, %q", resp.StatusCode, resp.Header.Get("Refresh"), st.Text())
	}
	var waiting int
	if err := a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_uploads").Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if waiting != 0 {
		t.Fatalf("%d rows left waiting for a task that never comes", waiting)
	}
}

func TestAccountFilingsThroughPageAndAPI(t *testing.T) {
	a := newTestApp(t)
	var id string
	if err := a.Store.SQLDB().QueryRow("SELECT id FROM media_accounts WHERE name = '四川发布' AND platform = '微信'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	a.loginPage("scgov-staff")
	page := "/staff/inspection/accounts/" + id
	resp, body := a.postFormFrom(page+"/events", map[string]string{"kind": "suspend", "filed_on": "2025-03-20", "note": "停止运营"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(page)
	d := doc(t, body)
	if d.Find("#account-status").Text() != "关停" || !strings.Contains(d.Find("#events").Text(), "关停 2025-03-20") {
		t.Fatalf("after 关停: %q %q", d.Find("#account-status").Text(), d.Find("#events").Text())
	}
	// A bad date: the form again with a 400 and the input kept.
	resp, body = a.postFormFrom(page+"/events", map[string]string{"kind": "cancel", "filed_on": "3月", "note": "注销说明"}, nil, "same-origin")
	d = doc(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(d.Find(".flash-error").Text(), "报备日期") || d.Find("#e-note").AttrOr("value", "") != "注销说明" {
		t.Fatalf("bad date: %d %q", resp.StatusCode, d.Find(".flash-error").Text())
	}
	token := a.apiLogin("scgov-staff")
	if resp, m := a.api("POST", "/api/v1/inspection/accounts/"+id+"/events", token, `{"kind":"删除","filed_on":"2025-03-21"}`); resp.StatusCode != 400 || m["error"] == nil {
		t.Fatalf("API bad kind: %d %v", resp.StatusCode, m)
	}
	if resp, m := a.api("POST", "/api/v1/inspection/accounts/"+id+"/events", token, `{"kind":"注销","filed_on":"2025-03-21"}`); resp.StatusCode != 201 {
		t.Fatalf("API filing: %d %v", resp.StatusCode, m)
	}
	resp, m := a.api("GET", "/api/v1/inspection/accounts/"+id, token, "")
	if resp.StatusCode != 200 || m["account"].(map[string]any)["status"] != models.AccountCancelled || len(m["events"].([]any)) != 2 {
		t.Fatalf("API account: %d %v", resp.StatusCode, m)
	}
	if resp, _ := a.api("GET", "/api/v1/inspection/accounts/"+id, a.apiLogin("gzw-staff"), ""); resp.StatusCode != 404 {
		t.Fatalf("another unit's account: %d", resp.StatusCode)
	}
}

func TestReviewerSeesWhetherTheReportedPageChanged(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/scsgzw/c100/list.shtml") // 链接不可用
	var id int64
	if err := a.Store.SQLDB().QueryRow("SELECT id FROM tickets WHERE ticket_no = ?", no).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := a.Clock.Now()
	a.Store.SavePageCheck(ctx, models.PageCheck{TicketID: id, Purpose: models.PageCheckArrival, At: at, OK: true, Status: 200, TextHash: "aa"})
	a.Store.SavePageCheck(ctx, models.PageCheck{TicketID: id, Purpose: models.PageCheckRecheck, At: at, OK: true, Status: 200, TextHash: "aa"})
	a.loginPage("gzw-reviewer")
	_, body := a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if v := d.Find("#page-verdict").Text(); v != "页面内容与收到留言时相同，问题可能尚未解决" {
		t.Fatalf("verdict: %q; block: %q", v, d.Find("#page-checks").Text())
	}
}

// A 市州's supervisor lists the imports that hold an account of their 市州, counted by those
// accounts; the province's supervisor lists them all, whole.
func TestAccountImportsListedPerRegion(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	hash, _ := models.HashPassword(demoPassword)
	if _, err := a.Store.EnsureUser(ctx, models.UserSpec{Username: "zg-supervisor", DisplayName: "自贡市政府办公室监管员",
		Role: models.RoleSupervisor, RegionCode: "510300"}, hash); err != nil {
		t.Fatal(err)
	}
	admin, _ := a.Store.Authenticate(ctx, "admin", demoPassword)
	result := func(name string, findings int) models.AccountResult {
		var id int64
		if err := a.Store.SQLDB().QueryRow("SELECT id FROM media_accounts WHERE platform = '微信' AND name = ?", name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		r := models.AccountResult{AccountID: &id, Name: name, Platform: "微信", FiledStatus: models.AccountActive}
		for i := range findings {
			ref := "微信：" + name
			r.Findings = append(r.Findings, models.Finding{Type: "dead_menu_link", Indicator: "功能设置", URL: ref, Page: ref,
				Target: "https://example.cn/" + strconv.Itoa(i), Evidence: "菜单链接不可用", FindingKey: "menu:" + name + strconv.Itoa(i)})
		}
		return r
	}
	if _, err := storetest.SaveAccountImport(ctx, a.Store, admin, "两市.csv", []models.AccountResult{result("成都发布", 0), result("自贡发布", 2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.SaveAccountImport(ctx, a.Store, admin, "自贡.csv", []models.AccountResult{result("自贡发布", 1)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user string
		want []string
	}{
		{"cd-supervisor", []string{"两市.csv|1 个账号，0 个问题"}},
		{"zg-supervisor", []string{"自贡.csv|1 个账号，1 个问题", "两市.csv|1 个账号，2 个问题"}},
		{"sc-supervisor", []string{"自贡.csv|1 个账号，1 个问题", "两市.csv|2 个账号，2 个问题"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			a.loginPage(tt.user)
			_, body := a.get("/staff/inspection/accounts")
			var got []string
			doc(t, body).Find("#imports li").Each(func(_ int, s *goquery.Selection) {
				text := s.Text()
				got = append(got, s.Find("a").Text()+"|"+strings.TrimSpace(text[strings.LastIndex(text, "·")+len("·"):]))
			})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("imports listed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// An account the province's sheet names under a unit of 成都, but that the registry does not
// know, is on the import's page for 成都's supervisor, marked 未登记, without buttons to decide
// its findings (nobody can yet: it has no registered unit).
func TestUnknownAccountOnTheImportPageOfItsUnitsSupervisor(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	admin, _ := a.Store.Authenticate(ctx, "admin", demoPassword)
	ref := "抖音：成都教育"
	imp, err := storetest.SaveAccountImport(ctx, a.Store, admin, "全省.csv", []models.AccountResult{{Name: "成都教育", Platform: "抖音",
		UnitName: "成都市教育局", ReportedOnline: true, Findings: []models.Finding{{Type: "typo", Indicator: "内容准确性", URL: ref,
			Page: ref, Target: "攻府", Evidence: "疑似错敏字「攻府」", Suspected: true, FindingKey: "typo:" + ref}}}})
	if err != nil {
		t.Fatal(err)
	}
	a.loginPage("cd-supervisor")
	resp, body := a.get("/staff/inspection/imports/" + strconv.FormatInt(imp.ID, 10))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("成都 opening the import: %d", resp.StatusCode)
	}
	row := doc(t, body).Find("#results li")
	if row.Length() != 1 || !strings.Contains(row.Text(), "成都教育") || !strings.Contains(row.Text(), "未登记") ||
		row.Find(`[data-type="typo"]`).Length() != 1 || row.Find("form").Length() != 0 {
		t.Fatalf("the unknown account's row: %q, %d forms", row.Text(), row.Find("form").Length())
	}
}

// The round's page and list, and a site's result page, say which sites could not be inspected
// and why, apart from the verdicts, and show the IPv6 figure.
func TestRoundPageShowsSitesNobodyCouldInspectAndIPv6(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	round, ids := chengduRound(t, a)
	now := a.Clock.Now()
	inspected := models.SiteOutcome{Pages: 3, Links: 9, StartedAt: now, FinishedAt: now, IPv6: &models.IPv6Figure{AAAA: true, OK: true}}
	unread := models.SiteOutcome{Error: "首页无法打开：连接被拒绝", StartedAt: now, FinishedAt: now}
	if err := a.Store.FinishSite(ctx, round.ID, ids[0], inspected); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.FinishSite(ctx, round.ID, ids[1], unread); err != nil {
		t.Fatal(err)
	}
	a.loginPage("cd-supervisor")
	id := strconv.FormatInt(round.ID, 10)
	_, body := a.get("/staff/inspection/rounds/" + id)
	d := doc(t, body)
	if s := d.Find("#round-summary").Text(); !strings.Contains(s, "已检查 1 个") || !strings.Contains(s, "无法检查 1 个") ||
		!strings.Contains(s, "IPv6 支持率 100.0%（1 / 1）") {
		t.Errorf("round summary: %q", s)
	}
	verdicts := map[string]string{}
	var resultIDs []string
	d.Find("#results tbody tr").Each(func(_ int, tr *goquery.Selection) {
		href, _ := tr.Find("a").Attr("href")
		resultIDs = append(resultIDs, strings.TrimPrefix(href, "/staff/inspection/results/"))
		verdicts[tr.Find("td.verdict").Text()] = tr.Find("td.ipv6").Text()
	})
	if verdicts["合格"] != "支持" || verdicts["无法检查首页无法打开：连接被拒绝"] != "—" || len(verdicts) != 2 {
		t.Errorf("rows (verdict → IPv6): %q", verdicts)
	}
	_, body = a.get("/staff/inspection")
	if row := doc(t, body).Find("#rounds tbody tr").First(); strings.TrimSpace(row.Find("td.ipv6").Text()) != "100.0%" {
		t.Errorf("rounds list: %q", row.Text())
	}
	for _, rid := range resultIDs {
		_, body = a.get("/staff/inspection/results/" + rid)
		d := doc(t, body)
		v, v6 := d.Find("#verdict").Text(), d.Find("#ipv6").Text()
		switch {
		case strings.HasPrefix(v, "无法检查"):
			if !strings.Contains(v, "连接被拒绝") || strings.Contains(v, "合格（") || v6 != "—" {
				t.Errorf("the unread site's page: verdict %q, IPv6 %q", v, v6)
			}
		case !strings.HasPrefix(v, "合格") || v6 != "支持":
			t.Errorf("the inspected site's page: verdict %q, IPv6 %q", v, v6)
		}
	}
}

// chengduRound starts a round over the two sites of 成都's supervisor.
func chengduRound(t *testing.T, a *testApp) (*models.InspectionRound, []int64) {
	t.Helper()
	ctx := context.Background()
	u, err := a.Store.Authenticate(ctx, "cd-supervisor", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := a.Store.ScopeOf(ctx, u)
	round, ids, err := storetest.StartRound(ctx, a.Store, models.RoundOnDemand, sc, nil)
	if err != nil || len(ids) != 2 {
		t.Fatalf("round over %v: %v", ids, err)
	}
	return round, ids
}

// TestPartialCheckIsSaid: a site whose crawl a limit stopped keeps its verdict, which says it
// rests on part of the site (部分检查, with the pages checked) on the round page, the site's page
// and through the API; a whole check says nothing of the kind.
func TestPartialCheckIsSaid(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	round, ids := chengduRound(t, a)
	now := a.Clock.Now()
	cut := models.SiteOutcome{Pages: 2000, Links: 9000, Stopped: indicator.StoppedMaxPages, StartedAt: now, FinishedAt: now}
	whole := models.SiteOutcome{Pages: 40, Links: 300, StartedAt: now, FinishedAt: now}
	if err := a.Store.FinishSite(ctx, round.ID, ids[0], cut); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.FinishSite(ctx, round.ID, ids[1], whole); err != nil {
		t.Fatal(err)
	}
	const said = "部分检查：已检查 2000 个页面，达到单站页面数上限"
	a.loginPage("cd-supervisor")
	id := strconv.FormatInt(round.ID, 10)
	_, body := a.get("/staff/inspection/rounds/" + id)
	d := doc(t, body)
	if s := d.Find("#round-summary").Text(); !strings.Contains(s, "部分检查 1 个") {
		t.Errorf("round summary: %q", s)
	}
	var partial []string
	d.Find("#results tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if p := tr.Find("td.verdict small.partial").Text(); p != "" {
			partial = append(partial, p)
		}
	})
	if len(partial) != 1 || partial[0] != said {
		t.Errorf("verdicts saying 部分检查: %q", partial)
	}
	resp, m := a.api("GET", "/api/v1/inspection/rounds/"+id, a.apiLogin("cd-supervisor"), "")
	if resp.StatusCode != 200 {
		t.Fatalf("round through the API: %d", resp.StatusCode)
	}
	var fromAPI []string
	for _, r := range m["results"].([]any) {
		r := r.(map[string]any)
		if p, ok := r["partial"].(string); ok {
			fromAPI = append(fromAPI, p+" / "+r["stopped"].(string))
			_, body = a.get("/staff/inspection/results/" + strconv.FormatInt(int64(r["id"].(float64)), 10))
			if v := doc(t, body).Find("#verdict #partial").Text(); !strings.HasPrefix(v, said) {
				t.Errorf("the site's page: %q", doc(t, body).Find("#verdict").Text())
			}
		}
	}
	if len(fromAPI) != 1 || fromAPI[0] != said+" / MaxPages" {
		t.Errorf("API results with partial: %q", fromAPI)
	}
}
