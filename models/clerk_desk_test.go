package models_test

import (
	"context"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// unitNamed finds a demo unit's id by name.
func unitNamed(t *testing.T, s *models.Store, name string) int64 {
	t.Helper()
	units, err := s.Units(context.Background(), models.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no unit %s", name)
	return 0
}

// A reply the reviewer sends back stays on the ticket as the clerk's draft, marked 被退回 until
// the clerk replies again; a pending extension does not stop the reply (a pending return does),
// and the ticket's closing settles the extension nobody needs any more.
func TestSentBackReplyAndReplyingWhileAnExtensionWaits(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	no := submit(t, s, "https://gzw.sc.gov.cn/a.html").Ticket.TicketNo
	act := func(user string, a models.Action) *models.Ticket {
		t.Helper()
		tk, err := s.Act(ctx, u[user], no, a)
		if err != nil {
			t.Fatalf("%s %s: %v", user, a.Kind, err)
		}
		return tk
	}
	act("gzw-staff", models.Action{Kind: models.ActAccept})
	act("gzw-staff", models.Action{Kind: models.ActExtension, Days: 2, Text: "需技术公司配合"})
	draft := "经核实，该链接因栏目调整失效，现已修复。"
	tk := act("gzw-staff", models.Action{Kind: models.ActReply, Text: draft, Confirmed: true})
	if tk.Status != models.StatusReviewing || tk.Pending != models.PendingExtension {
		t.Fatalf("reply while the extension waits: %s pending %q", tk.Status, tk.Pending)
	}
	tk = act("gzw-reviewer", models.Action{Kind: models.ActReject, Text: "请写明修复的时间"})
	if tk.Status != models.StatusProcessing || !tk.ReplyRejected || tk.Reply == nil || *tk.Reply != draft || !tk.ReplyConfirmed {
		t.Fatalf("sent back: %s rejected %v reply %v confirmed %v", tk.Status, tk.ReplyRejected, tk.Reply, tk.ReplyConfirmed)
	}
	tk = act("gzw-staff", models.Action{Kind: models.ActReply, Text: draft + "修复时间为3月25日。", Confirmed: true})
	if tk.ReplyRejected {
		t.Fatal("the reply sent again is still marked 被退回")
	}
	tk = act("gzw-reviewer", models.Action{Kind: models.ActApprove, Public: true})
	if tk.Status != models.StatusClosed || tk.Pending != "" || tk.PendingSince != nil {
		t.Fatalf("closed with the extension still asked for: %s pending %q", tk.Status, tk.Pending)
	}

	// A return waiting for the supervisor: the unit does not reply meanwhile.
	other := submit(t, s, "https://gzw.sc.gov.cn/b.html").Ticket.TicketNo
	if _, err := s.Act(ctx, u["gzw-staff"], other, models.Action{Kind: models.ActReturn, Text: "非本单位网站"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Act(ctx, u["gzw-staff"], other, models.Action{Kind: models.ActReply, Text: draft, Confirmed: true})
	if models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("reply while a return waits: %v", err)
	}
}

// Approving a return may give the ticket to another unit in the same step: returned and assigned
// at once, with a fresh deadline; the unit must be in the supervisor's scope, not the one that
// returned it, and only an approval of a return takes one.
func TestApprovingAReturnGivesTheTicketToAnotherUnit(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	office, gzw := unitNamed(t, s, "四川省人民政府办公厅"), unitNamed(t, s, "四川省政府国有资产监督管理委员会")
	no := submit(t, s, "https://gzw.sc.gov.cn/a.html").Ticket.TicketNo
	if _, err := s.Act(ctx, u["gzw-staff"], no, models.Action{Kind: models.ActReturn, Text: "该页面由省政府办公厅维护"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		a    models.Action
	}{
		{"refused, with a unit", models.Action{Kind: models.ActDecide, Unit: &models.Unit{ID: office}}},
		{"to the unit that returned it", models.Action{Kind: models.ActDecide, Approve: true, Unit: &models.Unit{ID: gzw}}},
	} {
		if _, err := s.Act(ctx, u["sc-supervisor"], no, tt.a); models.ErrorField(err) != "unit" {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	tk, err := s.Act(ctx, u["sc-supervisor"], no, models.Action{Kind: models.ActDecide, Approve: true, Text: "同意，转省政府办公厅", Unit: &models.Unit{ID: office}})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != models.StatusAssigned || tk.UnitID == nil || *tk.UnitID != office || tk.Pending != "" || tk.TriageDeadline != nil {
		t.Fatalf("after approving with a unit: %s unit %v pending %q", tk.Status, tk.UnitID, tk.Pending)
	}
	if got := models.DateOf(*tk.Deadline).String(); got != "2025-03-28" {
		t.Fatalf("the new unit's deadline %s", got)
	}
	d, err := s.TicketDetail(ctx, models.Scope{All: true}, no)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range d.Events[len(d.Events)-2:] {
		kinds = append(kinds, e.Kind+":"+e.FromStatus+">"+e.ToStatus)
	}
	if want := []string{"returned:assigned>triage", "assigned:triage>assigned"}; kinds[0] != want[0] || kinds[1] != want[1] {
		t.Fatalf("events %v, want %v", kinds, want)
	}

	// A city supervisor cannot send a returned ticket to a provincial unit.
	if _, err := s.CreateUser(ctx, models.UserSpec{Username: "cd-office-staff", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"}, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	cdStaff, err := s.Authenticate(ctx, "cd-office-staff", "demo-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	cd := submit(t, s, "https://www.chengdu.gov.cn/x").Ticket.TicketNo
	if _, err := s.Act(ctx, cdStaff, cd, models.Action{Kind: models.ActReturn, Text: "非本单位网站"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, u["cd-supervisor"], cd, models.Action{Kind: models.ActDecide, Approve: true, Unit: &models.Unit{ID: office}}); models.ErrorField(err) != "unit" {
		t.Fatalf("a unit outside the region: %v", err)
	}
	if tk, _ := s.Ticket(ctx, models.Scope{All: true}, cd); tk.Pending != models.PendingReturn {
		t.Fatalf("the refused decision changed the ticket: pending %q", tk.Pending)
	}
}
