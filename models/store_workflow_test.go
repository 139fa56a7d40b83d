package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// demoUsers seeds the demo and returns its users by name.
func demoUsers(t *testing.T, s *models.Store) map[string]*models.User {
	t.Helper()
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	users := map[string]*models.User{}
	for _, spec := range models.DemoUsers() {
		u, err := s.Authenticate(ctx, spec.Username, "demo-pass-123")
		if err != nil {
			t.Fatal(err)
		}
		users[spec.Username] = u
	}
	return users
}

func submit(t *testing.T, s *models.Store, url string) *models.Submission {
	t.Helper()
	r := validReport()
	r.PageURL = url
	sub, err := s.SubmitReport(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestTicketsOutsideTheScopeAreNotFound(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	sc := submit(t, s, "https://www.sc.gov.cn/a.html")  // 四川省人民政府办公厅
	gzw := submit(t, s, "https://gzw.sc.gov.cn/b.html") // 国资委
	cd := submit(t, s, "https://www.chengdu.gov.cn/c/") // 成都市
	tri := submit(t, s, "https://unknown.example.cn/")  // triage of 四川省
	tests := []struct {
		user    string
		sees    []*models.Submission
		notSees []*models.Submission
	}{
		{"scgov-staff", []*models.Submission{sc}, []*models.Submission{gzw, cd, tri}},
		{"gzw-reviewer", []*models.Submission{gzw}, []*models.Submission{sc, cd, tri}},
		{"cd-supervisor", []*models.Submission{cd}, []*models.Submission{sc, gzw, tri}},
		{"sc-supervisor", []*models.Submission{sc, gzw, cd, tri}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			scope, err := s.ScopeOf(ctx, u[tt.user])
			if err != nil {
				t.Fatal(err)
			}
			for _, sub := range tt.sees {
				if _, err := s.Ticket(ctx, scope, sub.Ticket.TicketNo); err != nil {
					t.Errorf("does not see %s: %v", sub.Ticket.TicketNo, err)
				}
			}
			for _, sub := range tt.notSees {
				if _, err := s.Ticket(ctx, scope, sub.Ticket.TicketNo); models.ErrorKind(err) != models.KindNotFound {
					t.Errorf("sees %s: %v", sub.Ticket.TicketNo, err)
				}
				// Acting on it is as not-found as looking.
				if _, err := s.Act(ctx, u[tt.user], sub.Ticket.TicketNo, models.Action{Kind: models.ActAccept}); models.ErrorKind(err) != models.KindNotFound && models.ErrorKind(err) != models.KindForbidden {
					t.Errorf("acts on %s: %v", sub.Ticket.TicketNo, err)
				}
			}
			rows, total, err := s.ListTickets(ctx, scope, models.TicketFilter{})
			if err != nil || int(total) != len(tt.sees) || len(rows) != len(tt.sees) {
				t.Fatalf("list: %d rows, total %d, want %d (%v)", len(rows), total, len(tt.sees), err)
			}
		})
	}
}

// A list's total is every matching ticket whichever page is asked for, also when the page is
// not full and the total is taken from it instead of counted.
func TestTicketListTotalsOnEveryPage(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	for i := range 5 {
		submit(t, s, fmt.Sprintf("https://gzw.sc.gov.cn/list-%d.html", i))
	}
	scope, err := s.ScopeOf(ctx, u["gzw-staff"])
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ perPage, page, rows int }{
		{2, 1, 2}, {2, 2, 2}, {2, 3, 1}, {2, 4, 0}, {5, 1, 5}, {5, 2, 0}, {20, 1, 5}, {20, 3, 0},
	}
	for _, tt := range tests {
		rows, total, err := s.ListTickets(ctx, scope, models.TicketFilter{Status: "open", PerPage: tt.perPage, Page: tt.page})
		if err != nil || len(rows) != tt.rows || total != 5 {
			t.Errorf("%d per page, page %d: %d rows, total %d (%v); want %d rows, total 5", tt.perPage, tt.page, len(rows), total, err, tt.rows)
		}
	}
	rows, total, err := s.ListTickets(ctx, scope, models.TicketFilter{Status: models.StatusClosed})
	if err != nil || len(rows) != 0 || total != 0 {
		t.Errorf("nothing closed: %d rows, total %d (%v)", len(rows), total, err)
	}
}

// The whole way of a ticket through the store: accept, reply, approve, rate, with one event per
// step, and the double click that sends an action twice recorded once.
func TestTicketWayThroughTheStore(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sub := submit(t, s, "https://gzw.sc.gov.cn/list.html")
	no := sub.Ticket.TicketNo

	var wg sync.WaitGroup
	for i := 0; i < 2; i++ { // a double click
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Act(ctx, u["gzw-staff"], no, models.Action{Kind: models.ActAccept, RequestKey: "click-1"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	clock.Advance(3600e9)
	if _, err := s.Act(ctx, u["gzw-staff"], no, models.Action{Kind: models.ActReply, Text: "已修复该链接。如有疑问请致电028-86601234。", Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, u["gzw-staff"], no, models.Action{Kind: models.ActApprove}); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("staff approving: %v", err)
	}
	detail, err := s.TicketDetail(ctx, models.Scope{All: true}, no)
	if err != nil || len(detail.ReplyHits) != 1 || detail.ReplyHits[0].Kind != "phone" {
		t.Fatalf("reviewer must see the phone number in the reply: %v %+v", err, detail.ReplyHits)
	}
	if _, err := s.Act(ctx, u["gzw-reviewer"], no, models.Action{Kind: models.ActApprove, Public: true}); err != nil {
		t.Fatal(err)
	}
	report, err := s.FindReport(ctx, no, sub.QueryCode)
	if err != nil || report.Status != models.StatusClosed || report.Reply == nil || *report.Reply != "已修复该链接。如有疑问请致电028-86601234。" {
		t.Fatalf("the reporter reads the reply in full (only 留言选登 masks it): %+v %v", report, err)
	}
	if _, err := s.RateReport(ctx, no, sub.QueryCode, models.CitizenRating{Rating: models.RatingSatisfied}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RateReport(ctx, no, sub.QueryCode, models.CitizenRating{Rating: models.RatingUnhappy}); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("second rating: %v", err)
	}
	if _, err := s.RateReport(ctx, no, "WRONGCOD", models.CitizenRating{Rating: models.RatingUnhappy}); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("rating with a wrong code: %v", err)
	}
	events, _ := s.TicketEvents(ctx, sub.Ticket.ID)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"received", "accepted", "replied", "approved", "rated"}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("events %v, want %v", kinds, want)
		}
	}
	replies, total, err := s.PublicReplies(ctx, "链接", 1, 10)
	if err != nil || total != 1 || replies[0].TicketNo != no {
		t.Fatalf("public replies: %v %d %v", replies, total, err)
	}
}

func TestDuplicateReportIsLinkedAndAnsweredWithItsTicket(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	first := submit(t, s, "https://gzw.sc.gov.cn/list.html?id=3")
	second := submit(t, s, "http://GZW.sc.gov.cn./list.html?id=3") // the same page, spelt otherwise
	other := submit(t, s, "https://gzw.sc.gov.cn/list.html?id=4")
	if second.Ticket.Status != models.StatusLinked || *second.Ticket.DuplicateOf != first.Ticket.ID || other.Ticket.Status != models.StatusAssigned {
		t.Fatalf("second %s (of %v), other %s", second.Ticket.Status, second.Ticket.DuplicateOf, other.Ticket.Status)
	}
	for _, step := range []struct {
		user string
		a    models.Action
	}{
		{"gzw-staff", models.Action{Kind: models.ActReply, Text: "该页面已恢复访问，感谢反馈。"}},
		{"gzw-reviewer", models.Action{Kind: models.ActApprove, Public: true}},
	} {
		if _, err := s.Act(ctx, u[step.user], first.Ticket.TicketNo, step.a); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.FindReport(ctx, second.Ticket.TicketNo, second.QueryCode)
	if err != nil || r.Status != models.StatusClosed || r.Reply == nil || *r.Reply != "该页面已恢复访问，感谢反馈。" {
		t.Fatalf("the duplicate's reporter did not get the reply: %+v %v", r, err)
	}
}

func TestReturnAndExtensionThroughTheSupervisor(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sub := submit(t, s, "https://gzw.sc.gov.cn/a.html")
	no := sub.Ticket.TicketNo
	act := func(user string, a models.Action) *models.Ticket {
		t.Helper()
		tk, err := s.Act(ctx, u[user], no, a)
		if err != nil {
			t.Fatalf("%s %s: %v", user, a.Kind, err)
		}
		return tk
	}
	act("gzw-staff", models.Action{Kind: models.ActExtension, Days: 2, Text: "需技术公司配合"})
	tk := act("sc-supervisor", models.Action{Kind: models.ActDecide, Approve: true})
	if got := models.DateOf(*tk.Deadline).String(); got != "2025-04-01" { // Fri 03-28 + 2 working days
		t.Fatalf("extended deadline %s", got)
	}
	act("gzw-staff", models.Action{Kind: models.ActReturn, Text: "该页面由省政府办公厅维护"})
	tk = act("sc-supervisor", models.Action{Kind: models.ActDecide, Approve: true, Text: "同意"})
	if tk.Status != models.StatusTriage || tk.UnitID != nil {
		t.Fatalf("after return: %s %v", tk.Status, tk.UnitID)
	}
	// Now gone from 国资委's scope, and assigned on by the supervisor.
	gzwScope, _ := s.ScopeOf(ctx, u["gzw-staff"])
	if _, err := s.Ticket(ctx, gzwScope, no); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("returned ticket still visible to the unit: %v", err)
	}
	units, err := s.Units(ctx, models.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var office int64
	for _, un := range units {
		if un.Name == "四川省人民政府办公厅" {
			office = un.ID
		}
	}
	tk = act("sc-supervisor", models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: office}})
	if tk.Status != models.StatusAssigned || *tk.UnitID != office {
		t.Fatalf("assign: %s", tk.Status)
	}
	// A city supervisor cannot assign to a provincial unit.
	cd := submit(t, s, "https://www.chengdu.gov.cn/x")
	if _, err := s.Act(ctx, u["cd-supervisor"], cd.Ticket.TicketNo, models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: office}}); models.ErrorField(err) != "unit" {
		t.Fatalf("assign outside the region: %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	s := storetest.Open(t, nil)
	u := demoUsers(t, s)
	ctx := context.Background()
	if _, err := s.Authenticate(ctx, "admin", "wrong-pass-1"); err != models.ErrBadCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody", "demo-pass-123"); err != models.ErrBadCredentials {
		t.Fatalf("unknown user: %v", err)
	}
	before := u["gzw-staff"].TokenVersion
	if err := s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, u["gzw-staff"].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "gzw-staff", "demo-pass-123"); err != models.ErrBadCredentials {
		t.Fatalf("disabled: %v (answered as a wrong password)", err)
	}
	after, _ := s.User(ctx, u["gzw-staff"].ID)
	if after.TokenVersion <= before {
		t.Fatal("disabling did not revoke tokens")
	}
	if err := s.ChangePassword(ctx, u["admin"].ID, "wrong", "new-pass-456"); models.ErrorField(err) != "old_password" {
		t.Fatalf("wrong old password: %v", err)
	}
	if err := s.ChangePassword(ctx, u["admin"].ID, "demo-pass-123", "short"); models.ErrorField(err) != "new_password" {
		t.Fatalf("weak new password: %v", err)
	}
	if err := s.ChangePassword(ctx, u["admin"].ID, "demo-pass-123", "new-pass-456"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "admin", "new-pass-456"); err != nil {
		t.Fatal(err)
	}
}

// A citizen's status check shows the public steps in order, with the unit and deadline of each
// and the reason only for 无效; the internal steps (an extension asked, a reply drafted, 催办)
// stay out, and a wrong code shows nothing.
func TestFindReportShowsThePublicHistoryInOrder(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sub := submit(t, s, "https://gzw.sc.gov.cn/list.html")
	no := sub.Ticket.TicketNo
	for _, step := range []struct {
		who string
		a   models.Action
	}{
		{"gzw-staff", models.Action{Kind: models.ActAccept}},
		{"gzw-staff", models.Action{Kind: models.ActExtension, Days: 2, Text: "需要协调技术单位修复"}},
		{"sc-supervisor", models.Action{Kind: models.ActDecide, Approve: true, Text: "同意延期"}},
		{"sc-supervisor", models.Action{Kind: models.ActUrge, Text: "请尽快办理"}},
		{"gzw-staff", models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢您的留言。", Confirmed: true}},
		{"gzw-reviewer", models.Action{Kind: models.ActApprove, Public: true}},
	} {
		clock.Advance(3600e9)
		if _, err := s.Act(ctx, u[step.who], no, step.a); err != nil {
			t.Fatalf("%s: %v", step.a.Kind, err)
		}
	}
	report, err := s.FindReport(ctx, no, sub.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, e := range report.History {
		kinds = append(kinds, e.Kind)
		if i > 0 && e.At.Before(report.History[i-1].At) {
			t.Fatalf("history out of order: %+v", report.History)
		}
		if e.Reason != "" {
			t.Fatalf("%s shows a reason to the citizen: %q", e.Kind, e.Reason)
		}
	}
	if want := "received accepted extended approved"; strings.Join(kinds, " ") != want {
		t.Fatalf("history %v, want %s", kinds, want)
	}
	if ext := report.History[2]; ext.Deadline == nil || !ext.Deadline.After(*report.History[0].Deadline) || ext.UnitName != "四川省政府国有资产监督管理委员会" {
		t.Fatalf("the extension's step: %+v (received: %+v)", ext, report.History[0])
	}
	if _, err := s.FindReport(ctx, no, "WRONGCOD"); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("wrong code: %v", err)
	}

	other := submit(t, s, "https://gzw.sc.gov.cn/other.html")
	if _, err := s.Act(ctx, u["sc-supervisor"], other.Ticket.TicketNo, models.Action{Kind: models.ActInvalidate, Text: "所反映页面不属于政府网站"}); err != nil {
		t.Fatal(err)
	}
	report, err = s.FindReport(ctx, other.Ticket.TicketNo, other.QueryCode)
	if err != nil || len(report.History) != 2 || report.History[1].Kind != models.EventInvalidated || report.History[1].Reason != "所反映页面不属于政府网站" {
		t.Fatalf("invalidated: %+v %v", report, err)
	}
}
