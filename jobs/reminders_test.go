package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func (w *world) addUser(username, role, unit string) {
	w.t.Helper()
	u, err := w.store.CreateUser(context.Background(), models.UserSpec{Username: username, DisplayName: username, Role: role, Unit: unit}, "demo-pass-123")
	if err != nil {
		w.t.Fatal(err)
	}
	w.users[username] = u
}

func hasPrefix(titles []string, prefix string) int {
	n := 0
	for _, t := range titles {
		if strings.HasPrefix(t, prefix) {
			n++
		}
	}
	return n
}

// A 成都 ticket through 清明: due-soon on the deadline's morning, overdue at the deadline, a 催办
// each working morning, 督办 to 成都's supervisor after 2 and to the province's after 4, and
// nothing once it is closed.
func TestRemindersThroughDaysAndHolidays(t *testing.T) {
	w := newWorld(t, "2025-04-01 10:00:00")
	w.addUser("cd-staff", models.RoleUnitStaff, "成都市人民政府办公室")
	w.addUser("cd-reviewer", models.RoleUnitReviewer, "成都市人民政府办公室")
	tk := w.submit("https://www.chengdu.gov.cn/a.html")
	if got := models.DateOf(*tk.Deadline).String(); got != "2025-04-07" { // 04-04 清明, then the weekend
		t.Fatalf("deadline %s", got)
	}
	if ids := w.queue.ids(); len(ids) != 2 || !strings.Contains(ids[0], "due_soon") || !strings.Contains(ids[1], "overdue") {
		t.Fatalf("scheduled at once: %v", ids)
	}
	steps := []struct {
		at                  string
		ran                 int
		staff, cdSup, scSup int // notifications so far
		urges               int
	}{
		{"2025-04-04 09:00", 0, 0, 0, 0, 0},    // a holiday: nothing is due yet
		{"2025-04-07 08:59", 0, 0, 0, 0, 0},    // not yet
		{"2025-04-07 09:00", 1, 1, 0, 0, 0},    // due-soon
		{"2025-04-07 23:59:59", 0, 1, 0, 0, 0}, // the deadline's last second: still on time
		{"2025-04-08 00:00", 1, 2, 1, 0, 0},    // overdue, to the unit and 成都's supervisor
		{"2025-04-08 09:00", 1, 3, 1, 0, 1},    // 催办 1
		{"2025-04-09 09:00", 1, 4, 2, 0, 2},    // 催办 2 → 督办 to 成都
		{"2025-04-10 09:00", 1, 5, 2, 0, 3},    // 催办 3
		{"2025-04-11 09:00", 1, 6, 2, 1, 4},    // 催办 4 → 督办 to 四川省
		{"2025-04-12 09:00", 0, 6, 2, 1, 4},    // Saturday
		{"2025-04-14 09:00", 1, 7, 2, 1, 5},    // Monday: 催办 5
	}
	for _, s := range steps {
		ran := w.at(s.at)
		staff, cd, sc := w.inbox("cd-staff"), w.inbox("cd-supervisor"), w.inbox("sc-supervisor")
		if ran != s.ran || len(staff) != s.staff || len(cd) != s.cdSup || len(sc) != s.scSup {
			t.Fatalf("at %s: ran %d, staff %d %v, 成都 %d %v, 四川 %d %v", s.at, ran, len(staff), staff, len(cd), cd, len(sc), sc)
		}
		if got := hasPrefix(staff, "催办"); got != s.urges {
			t.Fatalf("at %s: %d 催办, want %d", s.at, got, s.urges)
		}
	}
	if hasPrefix(w.inbox("cd-supervisor"), "督办") != 1 || hasPrefix(w.inbox("sc-supervisor"), "督办") != 1 {
		t.Fatal("督办 did not reach both levels once")
	}
	// Under 督办 on the supervisors' desks until closed.
	sc, _ := w.store.ScopeOf(context.Background(), w.users["sc-supervisor"])
	if rows, _, _ := w.store.ListTickets(context.Background(), sc, models.TicketFilter{Supervised: true}); len(rows) != 1 {
		t.Fatalf("%d tickets under 督办", len(rows))
	}
	w.act("cd-staff", tk.TicketNo, models.Action{Kind: models.ActReply, Text: "已经修复，感谢您的反馈。"})
	w.act("cd-reviewer", tk.TicketNo, models.Action{Kind: models.ActApprove})
	if ran := w.at("2025-04-15 09:00"); ran != 1 || len(w.inbox("cd-staff")) != 7 {
		t.Fatalf("after closing: ran %d, staff has %d", ran, len(w.inbox("cd-staff")))
	}
	if rows, _, _ := w.store.ListTickets(context.Background(), sc, models.TicketFilter{Supervised: true}); len(rows) != 0 {
		t.Fatal("a closed ticket is still under 督办")
	}
	if n := w.count("SELECT COUNT(*) FROM ticket_events WHERE kind = 'urged'"); n != 5 {
		t.Fatalf("%d 催办 events", n)
	}
}

// An extension moves the deadline: the old stages do nothing, the new ones go out; a request left
// waiting past its own deadline reminds the supervisor.
func TestExtensionRetiresOldStagesAndWaitingRequestsRemind(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	tk := w.submit("https://gzw.sc.gov.cn/a.html") // deadline Fri 03-28
	w.clock.Set(mustAt("2025-03-26 10:00"))
	w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActExtension, Days: 2, Text: "需要技术公司配合"})
	// Nobody decides by the end of Thursday: the supervisor is reminded on the stroke of Friday.
	w.at("2025-03-28 00:00")
	if got := w.inbox("sc-supervisor"); len(got) != 1 || !strings.HasPrefix(got[0], "延期申请待审批") {
		t.Fatalf("supervisor: %v", got)
	}
	w.clock.Set(mustAt("2025-03-28 08:00"))
	w.act("sc-supervisor", tk.TicketNo, models.Action{Kind: models.ActDecide, Approve: true}) // deadline Tue 04-01
	w.at("2025-03-28 09:00")
	w.at("2025-03-29 00:00")
	if got := w.inbox("gzw-staff"); len(got) != 0 {
		t.Fatalf("stages of the old deadline went out: %v", got)
	}
	w.at("2025-04-01 09:00")
	w.at("2025-04-02 00:00")
	if got := w.inbox("gzw-staff"); len(got) != 2 || !strings.HasPrefix(got[0], "留言今日到期") || !strings.HasPrefix(got[1], "留言已超期") {
		t.Fatalf("stages of the new deadline: %v", got)
	}
}

func TestTriageWaitingRemindsTheSupervisorDaily(t *testing.T) {
	w := newWorld(t, "2025-03-28 16:00:00")  // Friday
	w.submit("https://unknown.example.cn/a") // forward deadline Mon 03-31
	w.at("2025-03-31 23:00")
	w.at("2025-04-01 00:00")
	w.at("2025-04-01 09:00")
	w.at("2025-04-02 09:00")
	if got := w.inbox("sc-supervisor"); len(got) != 2 || !strings.HasPrefix(got[0], "待分办留言已超期") {
		t.Fatalf("supervisor: %v", got)
	}
}

// Redis flushed, or away while reports come and go: the reconciler derives the same schedule
// from the database, and every reminder goes out once.
func TestReconcilerRestoresTheSchedule(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	w.submit("https://gzw.sc.gov.cn/a.html")
	w.submit("https://unknown.example.cn/b")
	before := w.queue.ids()
	w.queue.flush()
	// Redis away while a third report arrives and a unit acts.
	w.queue.fail = true
	third := w.submit("https://www.sc.gov.cn/c.html")
	w.act("scgov-staff", third.TicketNo, models.Action{Kind: models.ActAccept})
	w.queue.fail = false
	r, err := jobs.Reconcile(context.Background(), w.deps)
	if err != nil {
		t.Fatal(err)
	}
	after := w.queue.ids()
	if r.Tickets != 3 || len(after) != len(before)+2 || !containsAll(after, before) {
		t.Fatalf("reconciled %+v: before %v, after %v", r, before, after)
	}
	// A second pass finds nothing missing.
	if r2, _ := jobs.Reconcile(context.Background(), w.deps); r2.Enqueued != 0 {
		t.Fatalf("second pass enqueued %d", r2.Enqueued)
	}
	w.at("2025-03-28 09:00")
	w.at("2025-03-29 00:00")
	// Lose Redis again after they went out: nothing is sent twice.
	w.queue.flush()
	jobs.Reconcile(context.Background(), w.deps)
	w.at("2025-03-29 00:01")
	if got := w.inbox("gzw-staff"); len(got) != 2 {
		t.Fatalf("gzw-staff: %v", got)
	}
	if n := w.count("SELECT COUNT(*) FROM reminders WHERE stage = 'overdue'"); n != 2 {
		t.Fatalf("%d overdue reminders, want one per routed ticket", n)
	}
}

// A task run twice (a worker killed after its work, before asynq heard it finish) sends once.
func TestAStageRunTwiceSendsOnce(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	tk := w.submit("https://gzw.sc.gov.cn/a.html")
	set, cal, _ := w.store.ReminderRules(context.Background())
	w.clock.Set(mustAt("2025-03-29 00:00"))
	stages := models.NextStages(tk, nil, w.clock.Now(), set, cal)
	for i := 0; i < 3; i++ {
		for _, st := range stages {
			task, _ := jobs.NewReminderTask(st)
			if err := w.mux.ProcessTask(context.Background(), task); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := w.inbox("gzw-staff"); len(got) != 1 || !strings.HasPrefix(got[0], "留言已超期") {
		t.Fatalf("gzw-staff: %v (due-soon is moot after the deadline; overdue once)", got)
	}
	// And concurrently, from two workers.
	tk2 := w.submit("https://gzw.sc.gov.cn/b.html") // Sat 03-29: deadline Wed 04-02
	w.clock.Set(mustAt("2025-04-03 00:00"))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, st := range models.NextStages(tk2, nil, w.clock.Now(), set, cal) {
				task, _ := jobs.NewReminderTask(st)
				if err := w.mux.ProcessTask(context.Background(), task); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := w.count("SELECT COUNT(*) FROM reminders WHERE ticket_id = ?", tk2.ID); n != 1 {
		t.Fatalf("%d reminders for one stage", n)
	}
	// A stage whose time has not come does nothing, even if its task runs.
	tk3 := w.submit("https://gzw.sc.gov.cn/c.html")
	for _, st := range models.NextStages(tk3, nil, w.clock.Now(), set, cal) {
		task, _ := jobs.NewReminderTask(st)
		w.mux.ProcessTask(context.Background(), task)
	}
	if n := w.count("SELECT COUNT(*) FROM reminders WHERE ticket_id = ?", tk3.ID); n != 0 {
		t.Fatalf("%d reminders sent before their time", n)
	}
}

// Webhooks get the text message 企业微信 and 钉钉 robots accept; each delivery records its outcome.
func TestWebhookDelivery(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	robot := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		rw.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer robot.Close()
	w := newWorld(t, "2025-03-25 10:00:00")
	var gzw int64
	w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&gzw)
	if err := w.store.AddWebhook(context.Background(), gzw, 0, robot.URL+"/send?key=x"); err != nil {
		t.Fatal(err)
	}
	w.submit("https://gzw.sc.gov.cn/a.html")
	w.at("2025-03-28 09:00")
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0]["msgtype"] != "text" {
		t.Fatalf("webhook got %v", got)
	}
	content := got[0]["text"].(map[string]any)["content"].(string)
	if !strings.HasPrefix(content, "【找错】留言今日到期") {
		t.Fatalf("content %q", content)
	}
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND attempts = 1"); n != 1 {
		t.Fatalf("%d deliveries recorded as sent", n)
	}
}

func containsAll(have, want []string) bool {
	for _, x := range want {
		if !slices.Contains(have, x) {
			return false
		}
	}
	return true
}

func mustAt(s string) time.Time { return storetest.At(s) }

// A reminder run by a worker leaves, as its task's result, when it was done by the worker's
// clock, to the nanosecond (asynq keeps a task's completion to the second only), and whether
// it went out: `app loadtest farm` measures from it how late reminders are during a round.
func TestAReminderLeavesWhenItWasDone(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	tk := w.submit("https://gzw.sc.gov.cn/a.html")
	set, cal, _ := w.store.ReminderRules(context.Background())
	w.clock.Set(mustAt("2025-03-29 00:00").Add(123456789 * time.Nanosecond))
	r := storetest.NewRedis(t)
	client := asynq.NewClient(r.Opt)
	t.Cleanup(func() { client.Close() })
	tasks := asynq.NewInspector(r.Opt)
	t.Cleanup(func() { tasks.Close() })
	c := jobs.WorkerServer(1)
	c.Logger, c.ShutdownTimeout = quietLogger{}, time.Second
	srv := asynq.NewServer(r.Opt, c)
	if err := srv.Start(w.mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)

	// The ticket's overdue stage goes out; a stage of a ticket that does not exist does not.
	stages := append(models.NextStages(tk, nil, w.clock.Now(), set, cal),
		models.Stage{TicketID: tk.ID + 1000, Kind: models.StageOverdue, At: w.clock.Now(), Version: 1})
	want := map[string]bool{} // task id: sent
	for _, st := range stages {
		want[st.TaskID()] = st.TicketID == tk.ID
		task, opts := jobs.NewReminderTask(st)
		if _, err := client.Enqueue(task, append(opts, asynq.Retention(time.Hour))...); err != nil {
			t.Fatal(err)
		}
	}
	if len(stages) != 2 {
		t.Fatalf("stages %v, want the ticket's overdue stage and the other", stages)
	}
	for id, sent := range want {
		var info *asynq.TaskInfo
		waitUntil(t, "the reminder "+id+" to be done", func() bool {
			var err error
			info, err = tasks.GetTaskInfo(jobs.QueueReminders, id)
			return err == nil && info.State == asynq.TaskStateCompleted
		})
		var done jobs.ReminderDone
		if err := json.Unmarshal(info.Result, &done); err != nil || !done.At.Equal(w.clock.Now()) || done.Sent != sent {
			t.Fatalf("%s: result %s (%v), want done at %s, sent %v", id, info.Result, err, w.clock.Now().Format(time.RFC3339Nano), sent)
		}
	}
}
