package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// withNotices makes the world's queue take the workflow notices' task (fakeQueue.notices).
func (w *world) withNotices() { w.queue.notices = true }

// tell runs the notices' tasks the writes so far queued.
func (w *world) tell() { w.queue.runType(w.t, w.mux, jobs.TypeNotices) }

// told is what the notices wrote past a mark: in-app notices by person and kind, with their
// titles and links, e-mails by address and webhook posts by robot.
type told struct {
	notes  map[string]int // "username kind"
	titles map[string][]string
	links  map[string][]string
	emails map[string]int
	posts  map[string]int
}

// mark is where the notifications and deliveries end now.
func (w *world) mark() [2]int64 {
	var m [2]int64
	w.store.SQLDB().QueryRow("SELECT COALESCE(MAX(id), 0) FROM notifications").Scan(&m[0])
	w.store.SQLDB().QueryRow("SELECT COALESCE(MAX(id), 0) FROM deliveries").Scan(&m[1])
	return m
}

func (w *world) toldSince(m [2]int64) told {
	w.t.Helper()
	out := told{notes: map[string]int{}, titles: map[string][]string{}, links: map[string][]string{}, emails: map[string]int{}, posts: map[string]int{}}
	rows, err := w.store.SQLDB().Query(`SELECT u.username, n.kind, n.title, n.link FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.id > ? ORDER BY n.id`, m[0])
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var user, kind, title, link string
		rows.Scan(&user, &kind, &title, &link)
		out.notes[user+" "+kind]++
		out.titles[user] = append(out.titles[user], title)
		out.links[user] = append(out.links[user], link)
	}
	rows.Close()
	rows, err = w.store.SQLDB().Query("SELECT channel, target FROM deliveries WHERE id > ? ORDER BY id", m[1])
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var channel, target string
		rows.Scan(&channel, &target)
		if channel == models.ChannelEmail {
			out.emails[strings.TrimSuffix(target, "@example.cn")]++
		} else {
			out.posts[strings.TrimPrefix(target, "https://robot.example.cn/")]++
		}
	}
	rows.Close()
	return out
}

// noticeWorld is a world with the workflow notices, e-mail, every person's address, a second
// staff member at 国资委, a unit of 成都 with its staff and reviewer, and group robots for
// 国资委, 成都市政府办公室, the province and 成都.
func noticeWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, "2025-03-25 10:00:00", withEmail)
	w.withNotices()
	w.addUser("gzw-staff2", models.RoleUnitStaff, "四川省政府国有资产监督管理委员会")
	w.addUser("cd-staff", models.RoleUnitStaff, "成都市人民政府办公室")
	w.addUser("cd-reviewer", models.RoleUnitReviewer, "成都市人民政府办公室")
	ctx := context.Background()
	for name, u := range w.users {
		if err := w.store.SetEmail(ctx, u.ID, name+"@example.cn"); err != nil {
			t.Fatal(err)
		}
	}
	unit := func(name string) int64 {
		var id int64
		w.store.SQLDB().QueryRow("SELECT id FROM units WHERE name = ?", name).Scan(&id)
		return id
	}
	region := func(code string) int64 {
		var id int64
		w.store.SQLDB().QueryRow("SELECT id FROM regions WHERE code = ?", code).Scan(&id)
		return id
	}
	for _, h := range []struct {
		key          string
		unit, region int64
	}{{"gzw", unit("四川省政府国有资产监督管理委员会"), 0}, {"cd", unit("成都市人民政府办公室"), 0}, {"sc", 0, region("510000")}, {"cdregion", 0, region("510100")}} {
		if err := w.store.AddWebhook(ctx, h.unit, h.region, "https://robot.example.cn/"+h.key); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// report files a citizen's report of url and returns it with its query code.
func (w *world) report(url string) (*models.Ticket, string) {
	w.t.Helper()
	sub, err := w.store.SubmitReport(context.Background(), models.Report{PageURL: url, Category: "链接不可用",
		Description: "页面上的链接打不开了，请核实处理。"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.events.Wait(w.t, storetest.Created(sub.Ticket.ID))
	w.queue.runType(w.t, w.mux, jobs.TypeScheduleTickets)
	return sub.Ticket, sub.QueryCode
}

// Each kind of workflow notice reaches its people once per channel, by the defaults: in-app to
// everyone it is for, never the one who did it; by e-mail where the kind asks them to act; once
// to the group robot of the unit (or region) for the unit-wide kinds.
func TestEachNoticeKindReachesItsPeopleOncePerChannel(t *testing.T) {
	gzw, cd := "https://gzw.sc.gov.cn/a.html", "https://www.chengdu.gov.cn/a.html"
	reply := models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢您的反馈。"}
	tests := []struct {
		name string
		// setup brings the world to where the action is possible; what it tells is not counted.
		setup func(w *world) string
		act   func(w *world, no string) // the action told of
		actor string
		kind  string
		to    []string // in-app, once each
		email []string // by e-mail, once each
		posts []string // group robots, once each
	}{
		{name: "a citizen's report in the unit's inbox",
			act:  func(w *world, _ string) { w.report(gzw) },
			kind: models.NoticeTicketNew, to: []string{"gzw-staff", "gzw-staff2"}, email: []string{"gzw-staff", "gzw-staff2"}, posts: []string{"gzw"}},
		{name: "a ticket from triage given to a unit",
			setup: func(w *world) string { tk, _ := w.report("https://unknown.example.cn/a"); return tk.TicketNo },
			act: func(w *world, no string) {
				w.act("sc-supervisor", no, models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: *w.users["cd-staff"].UnitID}})
			},
			actor: "sc-supervisor", kind: models.NoticeTicketNew, to: []string{"cd-staff"}, email: []string{"cd-staff"}, posts: []string{"cd"}},
		{name: "a reply waiting for review",
			setup: func(w *world) string { tk, _ := w.report(gzw); return tk.TicketNo },
			act:   func(w *world, no string) { w.act("gzw-staff", no, reply) },
			actor: "gzw-staff", kind: models.NoticeReplyReview, to: []string{"gzw-reviewer"}, email: []string{"gzw-reviewer"}},
		{name: "a reply sent back, to the staff member who wrote it",
			setup: func(w *world) string {
				tk, _ := w.report(gzw)
				w.act("gzw-staff2", tk.TicketNo, reply)
				return tk.TicketNo
			},
			act: func(w *world, no string) {
				w.act("gzw-reviewer", no, models.Action{Kind: models.ActReject, Text: "请写明修复的时间"})
			},
			actor: "gzw-reviewer", kind: models.NoticeReplyReturned, to: []string{"gzw-staff2"}, email: []string{"gzw-staff2"}},
		{name: "a supervisor's 催办",
			setup: func(w *world) string { tk, _ := w.report(gzw); return tk.TicketNo },
			act: func(w *world, no string) {
				w.act("sc-supervisor", no, models.Action{Kind: models.ActUrge, Text: "请尽快办理"})
			},
			actor: "sc-supervisor", kind: models.NoticeUrged, to: []string{"gzw-reviewer", "gzw-staff", "gzw-staff2"},
			email: []string{"gzw-reviewer", "gzw-staff", "gzw-staff2"}, posts: []string{"gzw"}},
		{name: "an extension asked, to the province's supervisors over a province unit",
			setup: func(w *world) string { tk, _ := w.report(gzw); return tk.TicketNo },
			act: func(w *world, no string) {
				w.act("gzw-staff", no, models.Action{Kind: models.ActExtension, Days: 2, Text: "需要技术公司配合"})
			},
			actor: "gzw-staff", kind: models.NoticeRequest, to: []string{"sc-supervisor"}, email: []string{"sc-supervisor"}},
		{name: "a return asked, to the nearest supervisors: 成都's, not the province's",
			setup: func(w *world) string { tk, _ := w.report(cd); return tk.TicketNo },
			act: func(w *world, no string) {
				w.act("cd-staff", no, models.Action{Kind: models.ActReturn, Text: "不是本单位的网站"})
			},
			actor: "cd-staff", kind: models.NoticeRequest, to: []string{"cd-supervisor"}, email: []string{"cd-supervisor"}},
		{name: "an extension granted, to the unit",
			setup: func(w *world) string {
				tk, _ := w.report(gzw)
				w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActExtension, Days: 2, Text: "需要技术公司配合"})
				return tk.TicketNo
			},
			act: func(w *world, no string) {
				w.act("sc-supervisor", no, models.Action{Kind: models.ActDecide, Approve: true})
			},
			actor: "sc-supervisor", kind: models.NoticeRequestDecided, to: []string{"gzw-reviewer", "gzw-staff", "gzw-staff2"}},
		{name: "a return granted, to the unit that asked though the ticket has left it",
			setup: func(w *world) string {
				tk, _ := w.report(cd)
				w.act("cd-staff", tk.TicketNo, models.Action{Kind: models.ActReturn, Text: "不是本单位的网站"})
				return tk.TicketNo
			},
			act: func(w *world, no string) {
				w.act("cd-supervisor", no, models.Action{Kind: models.ActDecide, Approve: true, Text: "同意"})
			},
			actor: "cd-supervisor", kind: models.NoticeRequestDecided, to: []string{"cd-reviewer", "cd-staff"}},
		{name: "a rectification report, to the supervisors of the circular's region",
			setup: func(w *world) string { return fmt.Sprint(w.rectificationOf("gzw-staff")) },
			act: func(w *world, id string) {
				w.submitRectification("gzw-staff", id)
			},
			actor: "gzw-staff", kind: models.NoticeRectifyReport, to: []string{"sc-supervisor"}, email: []string{"sc-supervisor"}},
		{name: "a rectification report sent back, to the unit",
			setup: func(w *world) string {
				id := fmt.Sprint(w.rectificationOf("gzw-staff"))
				w.submitRectification("gzw-staff", id)
				return id
			},
			act: func(w *world, id string) {
				sup := w.users["sc-supervisor"]
				sc, _ := w.store.ScopeOf(context.Background(), sup)
				var n int64
				fmt.Sscan(id, &n)
				events, err := w.store.DecideRectification(context.Background(), sup, sc, n, false, "请补充暗链清除的截图")
				if err != nil {
					t.Fatal(err)
				}
				w.dispatch(events...)
			},
			actor: "sc-supervisor", kind: models.NoticeRectifyDecided, to: []string{"gzw-reviewer", "gzw-staff", "gzw-staff2"}},
		{name: "a citizen's 不满意, to the supervisors over the ticket",
			setup: func(w *world) string {
				tk, code := w.report(cd)
				w.act("cd-staff", tk.TicketNo, reply)
				w.act("cd-reviewer", tk.TicketNo, models.Action{Kind: models.ActApprove})
				return tk.TicketNo + " " + code
			},
			act: func(w *world, noCode string) {
				no, code, _ := strings.Cut(noCode, " ")
				events, err := w.store.RateReport(context.Background(), no, code, models.CitizenRating{Rating: models.RatingUnhappy})
				if err != nil {
					t.Fatal(err)
				}
				w.dispatch(events...)
			},
			kind: models.NoticeUnhappy, to: []string{"cd-supervisor"}},
		{name: "an account import checked, to its importer",
			act: func(w *world, _ string) {
				ctx := context.Background()
				imp, _, err := w.store.CreateAccountImport(ctx, w.users["sc-supervisor"], "台账.csv", []models.UploadedAccount{{Name: "四川发布", Platform: "微信"}})
				if err != nil {
					t.Fatal(err)
				}
				w.store.BeginAccountImport(ctx, imp.ID)
				_, events, err := w.store.FinishAccountImport(ctx, imp.ID, []models.AccountResult{{Name: "四川发布", Platform: "微信"}})
				if err != nil {
					t.Fatal(err)
				}
				w.dispatch(events...)
			},
			kind: models.NoticeImportFinished, to: []string{"sc-supervisor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := noticeWorld(t)
			arg := ""
			if tt.setup != nil {
				arg = tt.setup(w)
			}
			w.tell()
			before := w.mark()
			tt.act(w, arg)
			if ids := w.queue.ids(); !slices.ContainsFunc(ids, func(id string) bool { return strings.HasPrefix(id, "notices:") }) {
				t.Fatalf("the action queued no notices task: %v", ids)
			}
			w.tell()
			got := w.toldSince(before)
			want := map[string]int{}
			for _, u := range tt.to {
				want[u+" "+tt.kind] = 1
			}
			if !maps.Equal(got.notes, want) {
				t.Errorf("in-app: %v, want %v (%v)", got.notes, want, got.titles)
			}
			if tt.actor != "" && len(got.titles[tt.actor]) != 0 {
				t.Errorf("the actor %s was told: %v", tt.actor, got.titles[tt.actor])
			}
			if !maps.Equal(got.emails, once(tt.email)) {
				t.Errorf("e-mails: %v, want %v", got.emails, tt.email)
			}
			if !maps.Equal(got.posts, once(tt.posts)) {
				t.Errorf("robots: %v, want %v", got.posts, tt.posts)
			}
			for user, links := range got.links {
				for _, l := range links {
					if !strings.HasPrefix(l, "/staff/") {
						t.Errorf("%s's notice leads to %q", user, l)
					}
				}
			}
			// Run again, and by the reconciler: nothing more is told.
			again := w.mark()
			w.reconcile()
			w.tell()
			if more := w.toldSince(again); len(more.notes)+len(more.emails)+len(more.posts) != 0 {
				t.Errorf("told again: %+v", more)
			}
		})
	}
}

func once(names []string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[n] = 1
	}
	return m
}

// rectificationOf publishes 四川省 2025 Q1 and returns the rectification of the user's unit.
func (w *world) rectificationOf(user string) int64 {
	w.t.Helper()
	for _, r := range w.publishSichuanQ1() {
		if r.UnitID == *w.users[user].UnitID {
			return r.ID
		}
	}
	w.t.Fatalf("no rectification for %s's unit", user)
	return 0
}

func (w *world) submitRectification(user, id string) {
	w.t.Helper()
	var n int64
	fmt.Sscan(id, &n)
	u := w.users[user]
	sc, _ := w.store.ScopeOf(context.Background(), u)
	events, err := w.store.SubmitRectification(context.Background(), u, sc, n,
		models.RectificationUpload{Name: "整改报告.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 report")})
	if err != nil {
		w.t.Fatal(err)
	}
	w.dispatch(events...)
}

// Turning a channel off for a kind stops exactly that: the person's e-mails of that kind, or
// their wish for the group robot's post (the post goes while anyone it is for still wants it);
// in-app stays, and the other kinds keep their channels.
func TestNoticesHonourEachPersonsChoices(t *testing.T) {
	w := noticeWorld(t)
	ctx := context.Background()
	choose := func(user string, c ...models.NoticeChoice) {
		t.Helper()
		if err := w.store.SetNoticeChoices(ctx, w.users[user], c); err != nil {
			t.Fatal(err)
		}
	}
	page := 0
	newTicket := func() (told, string) {
		t.Helper()
		before := w.mark()
		page++
		tk, _ := w.report(fmt.Sprintf("https://gzw.sc.gov.cn/%d.html", page))
		w.tell()
		return w.toldSince(before), tk.TicketNo
	}
	choose("gzw-staff", models.NoticeChoice{Kind: models.NoticeTicketNew, Email: false, Webhook: true})
	choose("gzw-staff2", models.NoticeChoice{Kind: models.NoticeTicketNew, Email: true, Webhook: false})
	got, no := newTicket()
	if !maps.Equal(got.notes, map[string]int{"gzw-staff ticket_new": 1, "gzw-staff2 ticket_new": 1}) ||
		!maps.Equal(got.emails, once([]string{"gzw-staff2"})) || !maps.Equal(got.posts, once([]string{"gzw"})) {
		t.Fatalf("one off e-mail, the other off the robot: %+v", got)
	}
	choose("gzw-staff", models.NoticeChoice{Kind: models.NoticeTicketNew, Email: false, Webhook: false})
	got, _ = newTicket()
	if len(got.notes) != 2 || !maps.Equal(got.emails, once([]string{"gzw-staff2"})) || len(got.posts) != 0 {
		t.Fatalf("nobody wants the robot's post: %+v", got)
	}
	// The other kinds keep their defaults: a 催办 goes by e-mail to all and to the robot.
	before := w.mark()
	w.act("sc-supervisor", no, models.Action{Kind: models.ActUrge, Text: "请尽快办理"})
	w.tell()
	got = w.toldSince(before)
	if !maps.Equal(got.emails, once([]string{"gzw-staff", "gzw-staff2", "gzw-reviewer"})) || !maps.Equal(got.posts, once([]string{"gzw"})) {
		t.Fatalf("a 催办 after the choices of new tickets: %+v", got)
	}
	// And e-mail may be turned on where it is off by default.
	choose("gzw-reviewer", models.NoticeChoice{Kind: models.NoticeUrged, Email: false}, models.NoticeChoice{Kind: models.NoticeRequestDecided, Email: true})
	w.act("gzw-staff", no, models.Action{Kind: models.ActExtension, Days: 1, Text: "需要技术公司配合"})
	w.tell()
	before = w.mark()
	w.act("sc-supervisor", no, models.Action{Kind: models.ActDecide, Approve: false, Text: "期限内可以完成"})
	w.act("sc-supervisor", no, models.Action{Kind: models.ActUrge, Text: "请尽快办理"})
	w.tell()
	got = w.toldSince(before)
	if !maps.Equal(got.emails, map[string]int{"gzw-reviewer": 1, "gzw-staff": 1, "gzw-staff2": 1}) || got.notes["gzw-reviewer ticket_urged"] != 1 {
		t.Fatalf("the reviewer's e-mail of decisions on, of 催办 off: %+v %v", got, got.titles)
	}
}

// A unit given a burst of tickets hears of them once: 200 citizens' reports, or 200 findings of
// an inspection round sent to it, make one notice per person with the count, one e-mail each,
// one post to the unit's robot.
func TestABurstOfTicketsIsToldOnce(t *testing.T) {
	for _, burst := range []struct {
		name string
		file func(w *world, n int)
	}{
		{"200 citizens' reports", func(w *world, n int) {
			for i := range n {
				sub, err := w.store.SubmitReport(context.Background(), models.Report{PageURL: fmt.Sprintf("https://gzw.sc.gov.cn/p%d.html", i),
					Category: "链接不可用", Description: "页面上的链接打不开了，请核实处理。"})
				if err != nil {
					w.t.Fatal(err)
				}
				w.events.Wait(w.t, storetest.Created(sub.Ticket.ID))
			}
		}},
		{"200 findings of a round", func(w *world, n int) {
			ctx := context.Background()
			sup := w.users["sc-supervisor"]
			sc, _ := w.store.ScopeOf(ctx, w.users["gzw-staff"])
			round, sites, err := storetest.StartRound(ctx, w.store, models.RoundOnDemand, sc, &sup.ID)
			if err != nil {
				w.t.Fatal(err)
			}
			var found []models.Finding
			for i := range n {
				found = append(found, models.Finding{Type: "dead_link", Indicator: "首页链接不可用", URL: "https://gzw.sc.gov.cn/",
					Page: "https://gzw.sc.gov.cn/", Target: fmt.Sprintf("https://gzw.sc.gov.cn/gone%d.html", i), Evidence: "HTTP 404",
					Points: 0.1, FindingKey: fmt.Sprintf("dead_link:%d", i), SeenAt: w.clock.Now()})
			}
			if err := w.store.FinishSite(ctx, round.ID, sites[0], models.SiteOutcome{Findings: found}); err != nil {
				w.t.Fatal(err)
			}
			res, _ := w.store.SiteResult(ctx, round.ID, sites[0])
			supScope, _ := w.store.ScopeOf(ctx, sup)
			_, fs, _ := w.store.Result(ctx, supScope, res.ID)
			if len(fs) != n {
				w.t.Fatalf("%d findings stored", len(fs))
			}
			for _, f := range fs {
				_, events, err := w.store.SendFindingToUnit(ctx, sup, supScope, f.ID)
				if err != nil {
					w.t.Fatal(err)
				}
				w.dispatch(events...)
			}
		}},
	} {
		t.Run(burst.name, func(t *testing.T) {
			w := noticeWorld(t)
			before := w.mark()
			burst.file(w, 200)
			w.tell()
			got := w.toldSince(before)
			if !maps.Equal(got.notes, map[string]int{"gzw-staff ticket_new": 1, "gzw-staff2 ticket_new": 1}) ||
				!maps.Equal(got.emails, once([]string{"gzw-staff", "gzw-staff2"})) || !maps.Equal(got.posts, once([]string{"gzw"})) {
				t.Fatalf("told %+v", got)
			}
			if title, link := got.titles["gzw-staff"][0], got.links["gzw-staff"][0]; title != "收到 200 条新留言" || link != "/staff/tickets?status=assigned" {
				t.Fatalf("the notice: %q, leading to %q", title, link)
			}
		})
	}
}

// What happened while the queue was away, or whose task a flushed Redis lost, is told by the
// reconciler's pass, once: the database says what happened and how far the notices have told it.
func TestNoticesSurviveALostQueue(t *testing.T) {
	w := noticeWorld(t)
	tk, _ := w.report("https://gzw.sc.gov.cn/a.html")
	w.tell()
	before := w.mark()
	// The queue away while the unit replies and the supervisor urges.
	w.lose(func() {
		w.act("gzw-staff", tk.TicketNo, models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢您的反馈。"})
		w.act("sc-supervisor", tk.TicketNo, models.Action{Kind: models.ActUrge, Text: "请尽快审核"})
	})
	// Then a report whose notices' task Redis loses (flushed).
	w.report("https://gzw.sc.gov.cn/b.html")
	w.queue.flush()
	w.tell()
	if got := w.toldSince(before); len(got.notes) != 0 {
		t.Fatalf("told without a task: %+v", got)
	}
	if r := w.reconcile(); r.Notices != 3 {
		t.Fatalf("the reconcile found %d things to tell, want 3", r.Notices)
	}
	w.tell()
	got := w.toldSince(before)
	want := map[string]int{"gzw-reviewer reply_review": 1, "gzw-reviewer ticket_urged": 1, "gzw-staff ticket_urged": 1,
		"gzw-staff2 ticket_urged": 1, "gzw-staff ticket_new": 1, "gzw-staff2 ticket_new": 1}
	emails := map[string]int{"gzw-reviewer": 2, "gzw-staff": 2, "gzw-staff2": 2} // (the staff's 催办 and new ticket are two kinds)
	if !maps.Equal(got.notes, want) || !maps.Equal(got.emails, emails) || !maps.Equal(got.posts, map[string]int{"gzw": 2}) {
		t.Fatalf("after the reconcile: %+v", got)
	}
	// Their deliveries are queued.
	var written []string
	for _, id := range w.pendingDeliveries() {
		var n int64
		fmt.Sscanf(id, "dlv:%d", &n)
		if n > before[1] {
			written = append(written, id)
		}
	}
	if len(written) != 6+2 || !containsAll(w.queue.ids(), written) {
		t.Fatalf("deliveries written %v, queued %v", written, w.queue.ids())
	}
	// Once: another reconcile, another flush, another pass tell nothing more.
	again := w.mark()
	w.queue.flush()
	if r := w.reconcile(); r.Notices != 0 {
		t.Fatalf("the second reconcile found %d things to tell", r.Notices)
	}
	w.tell()
	if more := w.toldSince(again); len(more.notes)+len(more.emails)+len(more.posts) != 0 {
		t.Fatalf("told twice: %+v", more)
	}
}

// On a real Redis (TEST_REDIS_URL's, or one in process) and real workers: the notices of what
// was written before a FLUSHDB come back through the reconciler, once.
func TestNoticesSurviveFlushDB(t *testing.T) {
	w := newLiveWorld(t, nil)
	w.gate.open = true
	w.addUser("gzw-staff2", models.RoleUnitStaff, "四川省政府国有资产监督管理委员会")
	for i := range 3 {
		w.submit(fmt.Sprintf("https://gzw.sc.gov.cn/f%d.html", i))
	}
	if err := w.rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	w.now()
	srv := w.worker(t)
	defer srv.Shutdown()
	if r, err := jobs.Reconcile(context.Background(), w.deps); err != nil || r.Notices != 3 {
		t.Fatalf("the reconcile: %+v, %v", r, err)
	}
	w.waitFor(t, "the notices", func() bool {
		return w.count("SELECT COUNT(*) FROM notifications WHERE kind = ?", models.NoticeTicketNew) == 2
	})
	if r, err := jobs.Reconcile(context.Background(), w.deps); err != nil || r.Notices != 0 {
		t.Fatalf("the second reconcile: %+v, %v", r, err)
	}
	var title string
	w.store.SQLDB().QueryRow("SELECT title FROM notifications WHERE kind = ? AND user_id = ?", models.NoticeTicketNew, w.users["gzw-staff2"].ID).Scan(&title)
	if title != "收到 3 条新留言" {
		t.Fatalf("gzw-staff2 was told %q", title)
	}
}

// The events someone is told of queue the notices' pass of their window, once however many; the
// others do not; the deliveries a pass wrote are queued.
func TestTheDispatcherQueuesTheNoticesOfWhatIsTold(t *testing.T) {
	unit, actor := int64(5), int64(9)
	changed := func(action, status string) models.Event {
		return models.TicketChanged{TicketID: 7, Action: action, ActorID: &actor, Source: models.SourceInspection, Status: status, Version: 3, UnitID: &unit}
	}
	tests := []struct {
		name    string
		events  []models.Event
		notices bool
	}{
		{"a report given to a unit", []models.Event{models.TicketCreated{TicketID: 7, Source: models.SourceCitizen, UnitID: &unit}}, true},
		{"a report waiting in triage", []models.Event{models.TicketCreated{TicketID: 7, Source: models.SourceCitizen}}, false},
		{"accepted", []models.Event{changed(models.ActAccept, models.StatusProcessing)}, false},
		{"approved", []models.Event{changed(models.ActApprove, models.StatusClosed)}, false},
		{"linked", []models.Event{changed(models.ActLink, models.StatusLinked)}, false},
		{"invalidated", []models.Event{changed(models.ActInvalidate, models.StatusInvalid)}, false},
		{"replied", []models.Event{changed(models.ActReply, models.StatusReviewing)}, true},
		{"sent back", []models.Event{changed(models.ActReject, models.StatusProcessing)}, true},
		{"urged", []models.Event{changed(models.ActUrge, models.StatusProcessing)}, true},
		{"a return asked", []models.Event{changed(models.ActReturn, models.StatusProcessing)}, true},
		{"an extension asked", []models.Event{changed(models.ActExtension, models.StatusProcessing)}, true},
		{"decided", []models.Event{changed(models.ActDecide, models.StatusProcessing)}, true},
		{"assigned", []models.Event{changed(models.ActAssign, models.StatusAssigned)}, true},
		{"reopened", []models.Event{changed(models.ActReopen, models.StatusAssigned)}, true},
		{"unlinked", []models.Event{changed(models.ActUnlink, models.StatusAssigned)}, true},
		{"rated", []models.Event{changed(models.ChangeRated, models.StatusClosed)}, true},
		{"a duplicate released", []models.Event{changed(models.ChangeFollowed, models.StatusAssigned)}, true},
		{"a reminder", []models.Event{models.TicketReminded{TicketID: 7, Stage: models.StageUrge, N: 1}}, false},
		{"a rectification opened", []models.Event{models.RectificationChanged{RectificationID: 6, Status: models.RectifyOpen}}, false},
		{"a rectification report", []models.Event{models.RectificationChanged{RectificationID: 6, Status: models.RectifySubmitted}}, true},
		{"a rectification returned", []models.Event{models.RectificationChanged{RectificationID: 6, Status: models.RectifyReturned}}, true},
		{"an import started", []models.Event{models.ImportStarted{ImportID: 4, ActorID: actor}}, false},
		{"an import finished", []models.Event{models.ImportFinished{ImportID: 4, ImporterID: &actor, Status: models.ImportDone}}, true},
		{"a report, a reply and a rectification report at once", []models.Event{
			models.TicketCreated{TicketID: 1, Source: models.SourceCitizen, UnitID: &unit}, changed(models.ActReply, models.StatusReviewing),
			models.RectificationChanged{RectificationID: 6, Status: models.RectifySubmitted}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFakeQueue()
			q.notices = true
			if err := jobs.NewDispatcher(q, quiet()).Dispatch(context.Background(), tt.events...); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, id := range q.ids() {
				if strings.HasPrefix(id, "notices:") {
					n++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.notices]; n != want {
				t.Fatalf("%d notices tasks, want %d: %v", n, want, q.ids())
			}
		})
	}
	q := newFakeQueue()
	jobs.NewDispatcher(q, quiet()).Dispatch(context.Background(), models.NoticesWritten{Notifications: 3, Deliveries: []int64{21, 22}})
	if got := q.ids(); !slices.Equal(got, []string{"dlv:21", "dlv:22"}) {
		t.Fatalf("a pass's deliveries: %v", got)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
