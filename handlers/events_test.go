package handlers_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zhaocuo/handlers"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
	"zhaocuo/static"
	"zhaocuo/templates"
)

// dispatched takes what the app dispatched since the last call, by name.
func (a *testApp) dispatched() []string {
	var names []string
	for _, ev := range a.Events.Take() {
		names = append(names, ev.Name())
	}
	return names
}

// Every write of the web side hands what its transaction committed to the dispatcher, through the
// pages and through the API; a refused write hands over nothing.
func TestEveryWriteDispatchesWhatItCommitted(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	ctx := context.Background()
	want := func(step string, names ...string) {
		t.Helper()
		if got := a.dispatched(); !slices.Equal(got, names) {
			t.Fatalf("%s dispatched %v, want %v", step, got, names)
		}
	}

	// A citizen's report: the report writer dispatches it, with its group.
	resp, body := a.postJSON("/api/v1/reports", jsonBody(validFields()))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("report: %d %v", resp.StatusCode, body)
	}
	no, code := body["ticket_no"].(string), body["query_code"].(string)
	tk, err := a.Store.Ticket(ctx, models.Scope{All: true}, no)
	if err != nil {
		t.Fatal(err)
	}
	a.Events.Wait(t, storetest.Created(tk.ID))
	want("the report", "ticket_created")

	// The unit's actions, on the page and through the API; a refused one.
	a.loginPage("gzw-staff")
	if resp, _ := a.postFormFrom("/staff/tickets/"+no+"/accept", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	want("签收 on the page", "ticket_changed")
	if resp, _ := a.postFormFrom("/staff/tickets/"+no+"/accept", nil, nil, "same-origin"); resp.StatusCode < 400 {
		t.Fatalf("accepted twice: %d", resp.StatusCode)
	}
	want("a refused 签收")
	if resp, m := a.api("POST", "/api/v1/tickets/"+no+"/reply", a.apiLogin("gzw-staff"), `{"text":"已经修复，感谢您的反馈。","confirmed":true}`); resp.StatusCode != 200 {
		t.Fatalf("reply: %d %v", resp.StatusCode, m)
	}
	want("the reply through the API", "ticket_changed")
	if resp, m := a.api("POST", "/api/v1/tickets/"+no+"/approve", a.apiLogin("gzw-reviewer"), ""); resp.StatusCode != 200 {
		t.Fatalf("approve: %d %v", resp.StatusCode, m)
	}
	want("the approval", "ticket_changed")

	// The citizen's rating.
	if resp, m := a.postJSON("/api/v1/reports/"+no+"/rating", `{"code":"`+code+`","rating":"unsatisfied"}`); resp.StatusCode != 200 {
		t.Fatalf("rating: %d %v", resp.StatusCode, m)
	}
	want("the rating", "ticket_changed")

	// The inspection: a round, a finding sent to its unit, an account import.
	sc := a.apiLogin("sc-supervisor")
	if resp, m := a.api("POST", "/api/v1/inspection/rounds", sc, ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("round: %d %v", resp.StatusCode, m)
	}
	want("a round", "round_started")
	_, byType := finishedRound(t, a, "scgov-staff")
	if resp, m := a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/ticket", sc, ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("finding: %d %v", resp.StatusCode, m)
	}
	want("a finding sent", "ticket_created")
	if resp, body := a.upload("/api/v1/inspection/accounts/import", sc, "results.csv", []byte("账号名称,平台\n四川发布,微信\n")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	want("an import", "import_started")

	// A circular and its rectifications.
	_, body = a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	if resp, m := a.api("POST", "/api/v1/circulars/"+jsonNumber(body["id"])+"/publish", sc, ""); resp.StatusCode != 200 {
		t.Fatalf("publish: %d %v", resp.StatusCode, m)
	}
	want("publishing", "circular_published", "rectification_changed", "rectification_changed", "rectification_changed")
	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("gzw-staff")
	_, page := a.get("/staff/rectifications")
	item, _ := doc(t, page).Find("#rectifications tbody a").Attr("href")
	if resp, body := a.uploadReport(item+"/report", "整改报告.pdf", []byte("%PDF-1.4\n整改情况报告\n%%EOF")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d %s", resp.StatusCode, body)
	}
	want("a rectification report", "rectification_changed")
	id := strings.TrimPrefix(item, "/staff/rectifications/")
	if resp, m := a.api("POST", "/api/v1/rectifications/"+id+"/accept", sc, `{"note":"整改到位"}`); resp.StatusCode != 200 {
		t.Fatalf("accept: %d %v", resp.StatusCode, m)
	}
	want("the acceptance", "rectification_changed")
}

// A round opened while the queue is away is kept, and the supervisor is told it will start by
// itself (the probes' task resumes it); the same through the API, as a warning.
func TestARoundOpenedWithTheQueueAwayWaits(t *testing.T) {
	q := &taskQueue{down: true}
	a := newTestApp(t, withQueue(q))
	a.loginPage("sc-supervisor")
	resp, _ := a.postFormFrom("/staff/inspection/rounds", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/staff/inspection/rounds/") {
		t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := a.get(resp.Header.Get("Location"))
	if msg := doc(t, body).Find(".flash-info").Text(); !strings.Contains(msg, "检查已创建，但任务队列暂时无法访问，稍后将自动开始") {
		t.Fatalf("flash %q", msg)
	}
	resp, m := a.api("POST", "/api/v1/inspection/rounds", a.apiLogin("sc-supervisor"), "")
	if resp.StatusCode != http.StatusCreated || m["warning"] != "检查已创建，但任务队列暂时无法访问，稍后将自动开始" || m["round"] == nil {
		t.Fatalf("API: %d %v", resp.StatusCode, m)
	}
	rounds, err := a.Store.RunningRounds(context.Background())
	if err != nil || len(rounds) != 2 {
		t.Fatalf("running rounds %v, %v", rounds, err)
	}
}

// The web side starts nothing in the background: what runs beside the requests (the session
// cache's subscription, the dispatcher's queue) the composition root starts and stops.
func TestNewStartsNothingInTheBackground(t *testing.T) {
	a := newTestApp(t)
	c := newAppConfig(t, a.Clock, a.Redis, nil)
	assets, _ := static.Load()
	tmpl, err := templates.New(handlers.TemplateFuncs(assets))
	if err != nil {
		t.Fatal(err)
	}
	c.Store, c.Templates, c.Assets, c.Deps.Events = a.Store, tmpl, assets, c.Events
	before := runtime.NumGoroutine()
	for range 3 {
		c.Registry = prometheus.NewRegistry()
		if _, err := handlers.New(c.Deps); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // what was started has started
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines before handlers.New, %d after", before, after)
	}
}
