package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// publishSichuanQ1 publishes 四川省's 2025 Q1 circular: three units get a rectification due
// Wednesday 2025-04-30, the last working day before the 五一 break. The 整改通知's deliveries are
// handed to the queue as the web side does, and not yet run.
func (w *world) publishSichuanQ1() []models.RectificationRow {
	w.t.Helper()
	ctx, sup := context.Background(), w.users["sc-supervisor"]
	sc, _ := w.store.ScopeOf(ctx, sup)
	rec, err := w.store.CreateCircular(ctx, sup, storetest.SichuanInspection(w.t, w.store), models.CircularRequest{Period: "2025Q1", Cutoff: "2025-03-20", DocNumber: "川办便函〔2025〕78号"})
	if err != nil {
		w.t.Fatal(err)
	}
	_, events, err := w.store.PublishCircular(ctx, sup, sc, rec.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	w.dispatch(events...)
	rows, err := w.store.Rectifications(ctx, sc)
	if err != nil || len(rows) != 3 {
		w.t.Fatalf("%d rectifications (%v)", len(rows), err)
	}
	return rows
}

// tick runs the hourly rectifications:remind task at the given time, and what it enqueues.
func (w *world) tick(shanghai string) {
	w.t.Helper()
	w.clock.Set(storetest.At(shanghai))
	if _, err := w.queue.EnqueueContext(context.Background(), jobs.NewRemindRectificationsTask()); err != nil {
		w.t.Fatal(err)
	}
	w.queue.runDue(w.t, w.mux, w.clock.Now())
}

// robot is a group-chat webhook that keeps the texts it is sent, by the webhook's key.
type robot struct {
	*httptest.Server
	mu    sync.Mutex
	posts map[string][]string
}

func (r *robot) sent(key string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.posts[key])
}

func (r *robot) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.posts {
		n += len(p)
	}
	return n
}

// sendToTestChannels sends the world's e-mails (a world withEmail) to a test mailbox and its
// webhook posts to a test robot.
func (w *world) sendToTestChannels() (*robot, *mailbox) {
	w.t.Helper()
	rb := &robot{posts: map[string][]string{}}
	rb.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var m struct {
			Text struct{ Content string } `json:"text"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		rb.mu.Lock()
		key := r.URL.Query().Get("key")
		rb.posts[key] = append(rb.posts[key], m.Text.Content)
		rb.mu.Unlock()
		rw.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	w.t.Cleanup(rb.Close)
	box, addr := startMailbox(w.t)
	cfg, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=noreply@zc.example.cn")
	if err != nil {
		w.t.Fatal(err)
	}
	w.deps.Sender.SMTP = cfg
	return rb, box
}

// Rectification reminders go the way of ticket reminders: 到期提醒 on the last working day up to
// the deadline, 超期提醒 on the first working day after it (to the unit and the supervisors over
// its region), a 催办 each working day, 督办 to the unit's region's supervisor after 2 and to the
// one above after 4; nothing on holidays and weekends, nothing twice, and e-mails and webhook
// posts delivered by the queue. A unit that reports drops out.
func TestRectificationRemindersThroughWorkingDaysAndAHoliday(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00", withEmail)
	ctx := context.Background()
	chat, box := w.sendToTestChannels()
	w.addUser("lz-staff", models.RoleUnitStaff, "泸州市人民政府办公室")
	if _, err := w.store.CreateUser(ctx, models.UserSpec{Username: "lz-supervisor", DisplayName: "泸州市监管员", Role: models.RoleSupervisor, RegionCode: "510500"}, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	lzSup, err := w.store.Authenticate(ctx, "lz-supervisor", "demo-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	w.users["lz-supervisor"] = lzSup
	if err := w.store.SetEmail(ctx, w.users["gzw-staff"].ID, "staff@gzw.example.cn"); err != nil {
		t.Fatal(err)
	}
	var gzw int64
	w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&gzw)
	if err := w.store.AddWebhook(ctx, gzw, 0, chat.URL+"/send?key=x"); err != nil {
		t.Fatal(err)
	}
	rows := w.publishSichuanQ1()
	var gzwItem, lzItem int64
	for _, r := range rows {
		switch {
		case r.UnitID == gzw:
			gzwItem = r.ID
		case strings.HasPrefix(r.UnitName, "泸州"):
			lzItem = r.ID
		}
	}
	if gzwItem == 0 || lzItem == 0 {
		t.Fatalf("rectifications: %+v", rows)
	}
	var lzUnit string
	w.store.SQLDB().QueryRow("SELECT u.name FROM units u JOIN rectifications x ON x.unit_id = u.id WHERE x.id = ?", lzItem).Scan(&lzUnit)
	if lzUnit != "泸州市人民政府办公室" {
		t.Fatalf("the circular names %s, not lz-staff's unit", lzUnit)
	}

	steps := []struct {
		at                 string
		gzw, lz            int // rectification notifications of the units' staff so far
		lzSup, scSup, urge int // of 泸州's and the province's supervisors; 催办 of 国资委
	}{
		{"2025-04-29 10:00", 0, 0, 0, 0, 0}, // a day early
		{"2025-04-30 08:00", 0, 0, 0, 0, 0}, // before the reminder hour
		{"2025-04-30 10:00", 1, 1, 0, 0, 0}, // 到期提醒 to the units
		{"2025-04-30 15:00", 1, 1, 0, 0, 0}, // once a day
		{"2025-05-02 10:00", 1, 1, 0, 0, 0}, // 五一
		{"2025-05-06 10:00", 2, 2, 1, 2, 0}, // 超期提醒: 泸州's to its supervisor, the others' to the province's
		{"2025-05-06 11:00", 2, 2, 1, 2, 0}, // the next hour: nothing
		{"2025-05-07 10:00", 3, 3, 1, 2, 1}, // 催办 1
		{"2025-05-08 10:00", 4, 4, 2, 4, 2}, // 催办 2 → 督办: 泸州's to 泸州, the province's units to the province
		{"2025-05-09 10:00", 5, 5, 2, 4, 3}, // 催办 3
		{"2025-05-10 10:00", 5, 5, 2, 4, 3}, // Saturday
		{"2025-05-12 10:00", 6, 6, 2, 5, 4}, // 催办 4 → 督办 of 泸州 to the province; nothing above the province
	}
	count := func(user string) int {
		n := 0
		for _, title := range w.inbox(user) {
			if strings.HasPrefix(title, "整改") && !strings.HasPrefix(title, "整改通知") { // not the notice of publishing
				n++
			}
		}
		return n
	}
	for _, s := range steps {
		w.tick(s.at)
		if g, l, ls, ss, u := count("gzw-staff"), count("lz-staff"), count("lz-supervisor"), count("sc-supervisor"), hasPrefix(w.inbox("gzw-staff"), "整改催办"); g != s.gzw || l != s.lz || ls != s.lzSup || ss != s.scSup || u != s.urge {
			t.Fatalf("at %s: 国资委 %d, 泸州 %d, 泸州监管 %d %v, 省监管 %d %v, 催办 %d; want %+v", s.at, g, l, ls, w.inbox("lz-supervisor"), ss, w.inbox("sc-supervisor"), u, s)
		}
	}
	if hasPrefix(w.inbox("lz-supervisor"), "整改督办") != 1 || hasPrefix(w.inbox("sc-supervisor"), "整改督办") != 3 {
		t.Fatalf("督办: 泸州 %v, 省 %v", w.inbox("lz-supervisor"), w.inbox("sc-supervisor"))
	}
	if n := w.count("SELECT COUNT(*) FROM rectification_reminders WHERE rectification_id = ? AND stage = 'supervise'", lzItem); n != 2 {
		t.Fatalf("泸州 督办 recorded %d times", n)
	}

	// 国资委 reports: its reminders stop; the others' go on.
	gzwUser := w.users["gzw-staff"]
	gsc, _ := w.store.ScopeOf(ctx, gzwUser)
	if _, err := w.store.SubmitRectification(ctx, gzwUser, gsc, gzwItem, models.RectificationUpload{Name: "整改报告.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 report")}); err != nil {
		t.Fatal(err)
	}
	w.tick("2025-05-13 10:00")
	if count("gzw-staff") != 6 || count("lz-staff") != 7 {
		t.Fatalf("after 国资委 reported: 国资委 %d, 泸州 %d", count("gzw-staff"), count("lz-staff"))
	}

	// Every delivery went out once: 国资委's webhook got the 整改通知 of publishing and its six
	// reminders, its staff seven e-mails.
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE status <> 'sent' OR attempts <> 1"); n != 0 {
		t.Fatalf("%d deliveries not sent exactly once", n)
	}
	posts := chat.sent("x")
	if len(posts) != 7 || !strings.HasPrefix(posts[0], "【找错】整改通知") || !strings.HasPrefix(posts[1], "【找错】整改报告即将到期") || !strings.HasPrefix(posts[6], "【找错】整改催办（第 4 次）") {
		t.Fatalf("webhook posts: %q", posts)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if len(box.mails) != 7 || box.mails[0].To != "staff@gzw.example.cn" || !strings.HasPrefix(box.mails[0].Subject, "整改通知") || !strings.HasPrefix(box.mails[2].Subject, "整改报告逾期未交") {
		t.Fatalf("mails: %+v", box.mails)
	}
}

// deliveryTargets lists, by the rectification page each links to, the channel and target of the
// deliveries after afterID, sorted.
func (w *world) deliveryTargets(afterID int64) map[string][]string {
	w.t.Helper()
	rows, err := w.store.SQLDB().Query("SELECT channel, target, body FROM deliveries WHERE id > ? ORDER BY id", afterID)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var channel, target, body string
		if err := rows.Scan(&channel, &target, &body); err != nil {
			w.t.Fatal(err)
		}
		link := body[strings.LastIndex(body, "\n")+1:]
		out[link] = append(out[link], channel+" "+target)
	}
	for _, targets := range out {
		slices.Sort(targets)
	}
	return out
}

// The 整改通知 of publishing goes the way of the rectification's reminders: besides the in-app
// notice, an e-mail to each of the unit's people with an address and a post to the unit's
// webhook, recorded with the items and sent by the worker. A unit with neither gets neither.
func TestRectificationNoticeOnPublishIsDeliveredAsRemindersAre(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00", withEmail)
	ctx := context.Background()
	chat, box := w.sendToTestChannels()
	w.addUser("lz-staff", models.RoleUnitStaff, "泸州市人民政府办公室")
	for user, addr := range map[string]string{"gzw-staff": "staff@gzw.example.cn", "lz-staff": "staff@lz.example.cn"} {
		if err := w.store.SetEmail(ctx, w.users[user].ID, addr); err != nil { // gzw-reviewer has none
			t.Fatal(err)
		}
	}
	unitID := func(name string) int64 {
		var id int64
		if err := w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = ?", name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for key, unit := range map[string]string{"gzw": "四川省政府国有资产监督管理委员会", "lz": "泸州市人民政府办公室"} {
		if err := w.store.AddWebhook(ctx, unitID(unit), 0, chat.URL+"/send?key="+key); err != nil {
			t.Fatal(err)
		}
	}

	rows := w.publishSichuanQ1()
	link := map[string]string{}
	for _, r := range rows {
		link[r.UnitName] = "/staff/rectifications/" + strconv.FormatInt(r.ID, 10)
	}
	gzw, lz, gdj := link["四川省政府国有资产监督管理委员会"], link["泸州市人民政府办公室"], link["四川省广播电视局"]
	hook := chat.URL + "/send?key="
	want := map[string][]string{
		gzw: {"email staff@gzw.example.cn", "webhook " + hook + "gzw"},
		lz:  {"email staff@lz.example.cn", "webhook " + hook + "lz"},
	}
	notices := w.deliveryTargets(0)
	if !reflect.DeepEqual(notices, want) || gdj == "" {
		t.Fatalf("the notices' deliveries: %v, want %v", notices, want)
	}
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND subject LIKE '整改通知：%'"); n != 4 {
		t.Fatalf("%d notice deliveries pending before the worker ran, want 4", n)
	}

	// The worker sends them, once each.
	w.queue.runDue(t, w.mux, w.clock.Now())
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE status <> 'sent' OR attempts <> 1"); n != 0 {
		t.Fatalf("%d notice deliveries not sent exactly once", n)
	}
	box.mu.Lock()
	var mails []string
	for _, m := range box.mails {
		mails = append(mails, m.To+" "+m.Subject)
	}
	box.mu.Unlock()
	slices.Sort(mails)
	if len(mails) != 2 || mails[0] != "staff@gzw.example.cn 整改通知：四川省政府国有资产监督管理委员会" || !strings.HasPrefix(mails[1], "staff@lz.example.cn 整改通知：") {
		t.Fatalf("mails: %q", mails)
	}
	gzwPosts, lzPosts := chat.sent("gzw"), chat.sent("lz")
	if chat.count() != 2 || len(gzwPosts) != 1 || len(lzPosts) != 1 || !strings.HasPrefix(gzwPosts[0], "【找错】整改通知") ||
		!strings.Contains(gzwPosts[0], "请于 2025年4月30日 前提交整改报告") || !strings.HasSuffix(lzPosts[0], lz) {
		t.Fatalf("webhook posts: %q and %q", gzwPosts, lzPosts)
	}

	// The 到期提醒 on the deadline's day reaches the very same addresses and webhooks.
	var last int64
	w.store.SQLDB().QueryRow("SELECT MAX(id) FROM deliveries").Scan(&last)
	w.tick("2025-04-30 10:00")
	if reminders := w.deliveryTargets(last); !reflect.DeepEqual(reminders, notices) {
		t.Fatalf("the 到期提醒's deliveries %v differ from the notices' %v", reminders, notices)
	}
}

// The task run twice at the same hour, or by two workers, sends each stage once.
func TestRectificationReminderTaskRunTwiceSendsOnce(t *testing.T) {
	w := newWorld(t, "2025-03-25 10:00:00")
	w.publishSichuanQ1()
	w.tick("2025-05-06 10:00")
	w.tick("2025-05-06 10:00")
	n, _, err := w.store.RemindRectifications(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("a third run sent %d (%v)", n, err)
	}
	if got := w.count("SELECT COUNT(*) FROM rectification_reminders"); got != 3 {
		t.Fatalf("%d stages recorded, want the three 超期提醒", got)
	}
	if got := hasPrefix(w.inbox("sc-supervisor"), "整改报告逾期未交"); got == 0 || got > 3 {
		t.Fatalf("the province's supervisor got %d 超期提醒", got)
	}
}
