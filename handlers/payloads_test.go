package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models/storetest"
)

// payloadQueue keeps every task put on the queue as asynq would store it: type, id and payload
// bytes, which asynqmon shows to whoever opens /admin/queues.
type payloadQueue struct {
	mu    sync.Mutex
	tasks []queuedTask
	next  int // the first task not yet run
}

type queuedTask struct {
	task *asynq.Task
	id   string
}

func (q *payloadQueue) EnqueueContext(_ context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := ""
	for _, o := range opts {
		if o.Type() == asynq.TaskIDOpt {
			id = o.Value().(string)
		}
	}
	q.tasks = append(q.tasks, queuedTask{t, id})
	return &asynq.TaskInfo{ID: id, Type: t.Type(), Payload: t.Payload()}, nil
}

// run hands each task not yet run to the worker's handlers, as a worker would, except those that
// would reach out to the Internet (a site's crawl, a probe, an account sheet's link checks): their
// payloads are kept all the same.
func (q *payloadQueue) run(t *testing.T, mux *asynq.ServeMux) {
	t.Helper()
	offline := map[string]bool{jobs.TypeInspectSite: true, jobs.TypeProbeSite: true, jobs.TypeImportAccounts: true}
	for n := 0; n < 5000; n++ {
		q.mu.Lock()
		if q.next == len(q.tasks) {
			q.mu.Unlock()
			return
		}
		qt := q.tasks[q.next]
		q.next++
		q.mu.Unlock()
		if !offline[qt.task.Type()] {
			mux.ProcessTask(context.Background(), qt.task) // a delivery fails (no mail server): it is retried later, as in life
		}
	}
	t.Fatal("the tasks never stopped making tasks")
}

// No task payload (nor task id) holds personal data or a secret: a citizen's e-mail address or
// phone number, a query code, a description or a reply. Every task type is enqueued through
// the code that enqueues it in production: the web side's reports and actions, the worker's
// handlers, and the periodic schedule.
func TestTaskPayloadsHoldNoPersonalData(t *testing.T) {
	q := &payloadQueue{}
	a := newTestApp(t, withQueue(q), withEmail)
	ctx := context.Background()
	staff, err := a.Store.Authenticate(ctx, "gzw-staff", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.SetEmail(ctx, staff.ID, "staff.person@gzw.example.cn"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := asynq.NewServeMux()
	jobs.Register(mux, jobs.Deps{Store: a.Store, Queue: q, Clock: a.Clock, Logger: log,
		Sender: &jobs.Sender{SMTP: &jobs.SMTPConfig{Addr: "127.0.0.1:1", From: "noreply@zc.example.cn"}}})

	secrets := []string{"staff.person@gzw.example.cn"}
	report := func(page, email, phone string, form bool) string {
		t.Helper()
		f := validFields()
		f["page_url"], f["contact_email"], f["contact_phone"] = page, email, phone
		f["description"] = "页面打不开。我的电话 " + phone + "，邮箱 " + email
		secrets = append(secrets, email, phone)
		var no, code string
		if form {
			if resp, body := a.postReportForm(f, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("report form: %d %s", resp.StatusCode, body)
			}
			_, body := a.get("/report/done")
			d := doc(t, body)
			no, code = d.Find("#ticket-no").Text(), d.Find("#query-code").Text()
		} else {
			resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("report API: %d %v", resp.StatusCode, body)
			}
			no, code = body["ticket_no"].(string), body["query_code"].(string)
		}
		if len(code) != 8 {
			t.Fatalf("no query code for %s: %q", no, code)
		}
		secrets = append(secrets, code)
		return no
	}
	staffToken, reviewer, supervisor := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer"), a.apiLogin("sc-supervisor")
	act := func(token, no, action, body string) {
		t.Helper()
		if resp, b := a.api("POST", "/api/v1/tickets/"+no+"/"+action, token, body); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %v", action, no, resp.StatusCode, b)
		}
	}

	// Reports, one merged into the other; answered, and both reporters told.
	first := report("https://gzw.sc.gov.cn/pay.html", "first.citizen@example.cn", "13912345678", true)
	report("https://gzw.sc.gov.cn/pay.html", "second.citizen@example.cn", "13700001111", false)
	act(staffToken, first, "accept", "")
	secrets = append(secrets, "13600002222")
	act(staffToken, first, "reply", `{"text":"已修复。如仍有问题请致电 13600002222。","confirmed":true}`)
	act(reviewer, first, "approve", `{"public":true}`)
	// A report made 无效 releases the one merged into it, whose reporter is told.
	junk := report("https://gzw.sc.gov.cn/junk.html", "junk.sender@example.cn", "13500003333", false)
	report("https://gzw.sc.gov.cn/junk.html", "genuine.citizen@example.cn", "15800004444", false)
	act(supervisor, junk, "invalidate", `{"text":"与网站内容无关"}`)
	// The inspection's tasks, from the web side and from the schedule.
	a.loginPage("sc-supervisor")
	if resp, body := a.postForm("/staff/inspection/rounds", map[string]string{}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start a round: %d %s", resp.StatusCode, body)
	}
	if resp, body := a.upload("/staff/inspection/accounts/import", "", "results.csv", []byte("账号名称,平台\n四川发布,微信\n")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("account import: %d %s", resp.StatusCode, body)
	}
	for _, p := range jobs.PeriodicTasks(5 * time.Minute) {
		q.EnqueueContext(ctx, p.Task, p.Opts...)
	}
	// The worker runs what was queued, then the reminders come due: the unit is reminded by e-mail.
	q.run(t, mux)
	a.Clock.Set(storetest.At("2025-04-10 10:00"))
	q.run(t, mux)
	task, opts := jobs.ReconcileAtStart()
	q.EnqueueContext(ctx, task, opts...)
	q.run(t, mux)

	seen := map[string]int{}
	email := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	phone := regexp.MustCompile(`1[3-9]\d{9}`)
	for _, qt := range q.tasks {
		seen[qt.task.Type()]++
		for _, what := range []string{string(qt.task.Payload()), qt.id} {
			for _, s := range secrets {
				if strings.Contains(what, s) {
					t.Errorf("a %s task holds %q: %s", qt.task.Type(), s, what)
				}
			}
			if email.MatchString(what) || phone.MatchString(what) {
				t.Errorf("a %s task holds an address or a phone number: %s", qt.task.Type(), what)
			}
		}
	}
	for _, typ := range []string{jobs.TypeScheduleTickets, jobs.TypeReminder, jobs.TypeDelivery, jobs.TypeCheckPage,
		jobs.TypeInspectRound, jobs.TypeInspectSite, jobs.TypeProbeSites, jobs.TypeProbeSite, jobs.TypeImportAccounts,
		jobs.TypeReconcile, jobs.TypeCleanupCaptchas, jobs.TypeRemindRectifications, jobs.TypeRateRollups, jobs.TypeNotices} {
		if seen[typ] == 0 {
			t.Errorf("no %s task was queued: the test does not cover it", typ)
		}
	}
	if seen[jobs.TypeConfirmation] != 0 {
		t.Errorf("%d confirmation tasks with the code and address in them", seen[jobs.TypeConfirmation])
	}
	// The citizens' e-mails are deliveries like any other: confirmations, replies, the release.
	var citizens int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM deliveries WHERE target LIKE '%citizen@example.cn'").Scan(&citizens)
	if citizens != 6 || seen[jobs.TypeDelivery] < citizens {
		t.Errorf("%d deliveries to the citizens (3 confirmations, 2 replies, 1 release), %d delivery tasks", citizens, seen[jobs.TypeDelivery])
	}
	t.Logf("%d tasks of %d types", len(q.tasks), len(seen))
}
