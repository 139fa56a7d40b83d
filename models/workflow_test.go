package models_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

var (
	staff      = &models.User{ID: 1, Role: models.RoleUnitStaff}
	reviewer   = &models.User{ID: 2, Role: models.RoleUnitReviewer}
	supervisor = &models.User{ID: 3, Role: models.RoleSupervisor}
	admin      = &models.User{ID: 4, Role: models.RoleAdmin}
	unitA      = &models.Unit{ID: 10, Name: "甲单位", RegionID: 100}
	unitB      = &models.Unit{ID: 11, Name: "乙单位", RegionID: 101}
)

// ticketIn returns a ticket of unit A in the given status, assigned on Tuesday 2025-03-25 10:00
// with its deadline on Friday 03-28.
func ticketIn(status string) *models.Ticket {
	assigned := storetest.At("2025-03-25 10:00")
	deadline := storetest.At("2025-03-28 23:59:59")
	t := &models.Ticket{ID: 7, TicketNo: "ZC20250325000007", Status: status, UnitID: &unitA.ID, RegionID: unitA.RegionID,
		AssignedAt: &assigned, Deadline: &deadline, PageKey: "page-1", CategoryID: 1}
	if status == models.StatusTriage {
		t.UnitID, t.AssignedAt, t.Deadline = nil, nil, nil
	}
	if status == models.StatusReviewing || status == models.StatusClosed {
		reply := "您反映的问题已经核实并处理，感谢您的监督。联系电话13800138000。"
		t.Reply = &reply
	}
	return t
}

func TestWorkflowTransitions(t *testing.T) {
	cal := shippedCalendar(t)
	set := models.DefaultSettings()
	wed := storetest.At("2025-03-26 15:00")
	tests := []struct {
		name     string
		status   string
		prepare  func(tk *models.Ticket)
		actor    *models.User
		action   models.Action
		at       time.Time
		want     string // the status after, or "" when refused
		wantKind models.Kind
		check    func(t *testing.T, tk *models.Ticket, evs []models.TicketEvent)
	}{
		{name: "staff accepts an assigned ticket", status: models.StatusAssigned, actor: staff,
			action: models.Action{Kind: models.ActAccept}, want: models.StatusProcessing},
		{name: "accepting twice is a conflict", status: models.StatusProcessing, actor: staff,
			action: models.Action{Kind: models.ActAccept}, wantKind: models.KindConflict},
		{name: "a reviewer cannot accept", status: models.StatusAssigned, actor: reviewer,
			action: models.Action{Kind: models.ActAccept}, wantKind: models.KindForbidden},
		{name: "an admin cannot touch tickets", status: models.StatusAssigned, actor: admin,
			action: models.Action{Kind: models.ActAccept}, wantKind: models.KindForbidden},
		{name: "staff replies", status: models.StatusProcessing, actor: staff,
			action: models.Action{Kind: models.ActReply, Text: "经核实，该链接已修复，感谢您的反馈。", Confirmed: true}, want: models.StatusReviewing,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.Reply == nil || !tk.ReplyConfirmed || tk.ReplyPublic != nil {
					t.Fatalf("reply %v confirmed %v public %v", tk.Reply, tk.ReplyConfirmed, tk.ReplyPublic)
				}
			}},
		{name: "a reply too short", status: models.StatusProcessing, actor: staff,
			action: models.Action{Kind: models.ActReply, Text: "已改"}, wantKind: models.KindInvalid},
		{name: "reviewer approves: closed, published masked", status: models.StatusReviewing, actor: reviewer,
			action: models.Action{Kind: models.ActApprove, Public: true}, want: models.StatusClosed,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.ClosedAt == nil || !tk.ClosedAt.Equal(wed) || !tk.Public || tk.ReplyPublic == nil ||
					*tk.ReplyPublic != "您反映的问题已经核实并处理，感谢您的监督。联系电话138****8000。" {
					t.Fatalf("closed %v public %v reply %v", tk.ClosedAt, tk.Public, *tk.ReplyPublic)
				}
			}},
		{name: "staff cannot approve", status: models.StatusReviewing, actor: staff,
			action: models.Action{Kind: models.ActApprove}, wantKind: models.KindForbidden},
		{name: "reviewer sends back with a note", status: models.StatusReviewing, actor: reviewer,
			action: models.Action{Kind: models.ActReject, Text: "请补充处理结果"}, want: models.StatusProcessing},
		{name: "sending back needs a note", status: models.StatusReviewing, actor: reviewer,
			action: models.Action{Kind: models.ActReject}, wantKind: models.KindInvalid},
		{name: "return before the deadline", status: models.StatusAssigned, actor: staff,
			action: models.Action{Kind: models.ActReturn, Text: "该页面属于市政府网站，不是本单位网站"}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, evs []models.TicketEvent) {
				if tk.Pending != models.PendingReturn || tk.PendingSince == nil || evs[0].Kind != models.EventReturnRequested {
					t.Fatalf("pending %q events %v", tk.Pending, evs)
				}
			}},
		{name: "no return after the deadline", status: models.StatusProcessing, actor: staff, at: storetest.At("2025-03-29 00:00"),
			action: models.Action{Kind: models.ActReturn, Text: "不是本单位的"}, wantKind: models.KindConflict},
		{name: "return needs a reason", status: models.StatusAssigned, actor: staff,
			action: models.Action{Kind: models.ActReturn}, wantKind: models.KindInvalid},
		{name: "extension within the limit", status: models.StatusProcessing, actor: staff,
			action: models.Action{Kind: models.ActExtension, Days: 5, Text: "需协调技术公司修复"}, want: models.StatusProcessing,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.Pending != models.PendingExtension || tk.PendingDays != 5 || tk.ExtensionCount != 1 {
					t.Fatalf("pending %q days %d count %d", tk.Pending, tk.PendingDays, tk.ExtensionCount)
				}
			}},
		{name: "extension over 5 days", status: models.StatusProcessing, actor: staff,
			action: models.Action{Kind: models.ActExtension, Days: 6, Text: "需要更久"}, wantKind: models.KindInvalid},
		{name: "a third extension", status: models.StatusProcessing, actor: staff, prepare: func(tk *models.Ticket) { tk.ExtensionCount = 2 },
			action: models.Action{Kind: models.ActExtension, Days: 1, Text: "还需要一天"}, wantKind: models.KindConflict},
		{name: "one request at a time", status: models.StatusProcessing, actor: staff, prepare: func(tk *models.Ticket) { tk.Pending = models.PendingReturn },
			action: models.Action{Kind: models.ActExtension, Days: 1, Text: "还需要一天"}, wantKind: models.KindConflict},
		{name: "extension granted counts working days after the deadline", status: models.StatusProcessing, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.Pending, tk.PendingDays, tk.ExtensionCount = models.PendingExtension, 3, 1 },
			action:  models.Action{Kind: models.ActDecide, Approve: true}, want: models.StatusProcessing,
			check: func(t *testing.T, tk *models.Ticket, evs []models.TicketEvent) {
				// Friday 03-28 + 3 working days = Wednesday 04-02.
				if got := tk.Deadline.In(models.Shanghai).Format(time.DateTime); got != "2025-04-02 23:59:59" || tk.Pending != "" {
					t.Fatalf("deadline %s pending %q", got, tk.Pending)
				}
				if evs[0].Kind != models.EventExtended || !evs[0].Deadline.Equal(*tk.Deadline) {
					t.Fatalf("event %+v", evs[0])
				}
			}},
		{name: "extension refused keeps the deadline", status: models.StatusProcessing, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.Pending, tk.PendingDays = models.PendingExtension, 3 },
			action:  models.Action{Kind: models.ActDecide, Approve: false, Text: "理由不充分"}, want: models.StatusProcessing,
			check: func(t *testing.T, tk *models.Ticket, evs []models.TicketEvent) {
				if tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-28" || evs[0].Kind != models.EventExtensionRefused {
					t.Fatal("refusal moved the deadline")
				}
			}},
		{name: "return granted goes back to triage", status: models.StatusAssigned, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.Pending = models.PendingReturn },
			action:  models.Action{Kind: models.ActDecide, Approve: true, TriageRegionID: 1}, want: models.StatusTriage,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.UnitID != nil || tk.Deadline != nil || tk.RegionID != 1 || tk.TriageDeadline == nil ||
					tk.TriageDeadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-27" {
					t.Fatalf("unit %v deadline %v region %d triage %v", tk.UnitID, tk.Deadline, tk.RegionID, tk.TriageDeadline)
				}
			}},
		{name: "deciding with nothing pending", status: models.StatusAssigned, actor: supervisor,
			action: models.Action{Kind: models.ActDecide, Approve: true}, wantKind: models.KindConflict},
		{name: "assign from triage starts the deadline", status: models.StatusTriage, actor: supervisor,
			action: models.Action{Kind: models.ActAssign, Unit: unitB}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if *tk.UnitID != unitB.ID || tk.RegionID != unitB.RegionID || tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-31" {
					t.Fatalf("unit %d region %d deadline %v", *tk.UnitID, tk.RegionID, tk.Deadline)
				}
			}},
		{name: "reassign to the same unit", status: models.StatusProcessing, actor: supervisor,
			action: models.Action{Kind: models.ActAssign, Unit: unitA}, wantKind: models.KindInvalid},
		{name: "invalidate with a reason", status: models.StatusTriage, actor: supervisor,
			action: models.Action{Kind: models.ActInvalidate, Text: "非政府网站"}, want: models.StatusInvalid,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.ClosingNote == nil || *tk.ClosingNote != "非政府网站" || tk.ClosedAt == nil {
					t.Fatal("no closing note")
				}
			}},
		{name: "cannot invalidate a closed ticket", status: models.StatusClosed, actor: supervisor,
			action: models.Action{Kind: models.ActInvalidate, Text: "重复"}, wantKind: models.KindConflict},
		{name: "urge counts", status: models.StatusProcessing, actor: supervisor,
			action: models.Action{Kind: models.ActUrge, Text: "请尽快办理"}, want: models.StatusProcessing,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.UrgeCount != 1 {
					t.Fatal("urge not counted")
				}
			}},
		{name: "reopen after 不满意", status: models.StatusClosed, actor: supervisor,
			prepare: func(tk *models.Ticket) {
				tk.Rating = models.RatingUnhappy
				now := storetest.At("2025-03-26 09:00")
				tk.ClosedAt = &now
			},
			action: models.Action{Kind: models.ActReopen, Text: "留言人反映问题仍存在"}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.ClosedAt != nil || tk.Rating != "" || tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-31" {
					t.Fatalf("closed %v rating %q deadline %v", tk.ClosedAt, tk.Rating, tk.Deadline)
				}
			}},
		{name: "no reopen after 满意", status: models.StatusClosed, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.Rating = models.RatingSatisfied },
			action:  models.Action{Kind: models.ActReopen, Text: "再看看"}, wantKind: models.KindConflict},
		{name: "link to another ticket of the unit about the same page and category", status: models.StatusAssigned, actor: staff,
			action: models.Action{Kind: models.ActLink, Primary: primary(unitA, "page-1", 1)}, want: models.StatusLinked,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.DuplicateOf == nil || *tk.DuplicateOf != 8 || tk.LinkedLate {
					t.Fatalf("duplicate of %v, late %v", tk.DuplicateOf, tk.LinkedLate)
				}
			}},
		{name: "no link to another unit's ticket", status: models.StatusAssigned, actor: staff,
			action: models.Action{Kind: models.ActLink, Primary: primary(unitB, "page-1", 1)}, wantKind: models.KindInvalid},
		{name: "no link to a ticket about another page", status: models.StatusAssigned, actor: supervisor,
			action: models.Action{Kind: models.ActLink, Primary: primary(unitA, "page-2", 1)}, wantKind: models.KindInvalid},
		{name: "no link to a ticket of another category", status: models.StatusAssigned, actor: supervisor,
			action: models.Action{Kind: models.ActLink, Primary: primary(unitA, "page-1", 2)}, wantKind: models.KindInvalid},
		{name: "no link to a duplicate (no chains)", status: models.StatusAssigned, actor: staff,
			action:   models.Action{Kind: models.ActLink, Primary: func() *models.Ticket { p := primary(unitA, "page-1", 1); p.Status = models.StatusLinked; return p }()},
			wantKind: models.KindInvalid},
		{name: "staff cannot link a ticket past its deadline", status: models.StatusProcessing, actor: staff, at: storetest.At("2025-03-29 00:00"),
			action: models.Action{Kind: models.ActLink, Primary: primary(unitA, "page-1", 1)}, wantKind: models.KindForbidden},
		{name: "the supervisor links a ticket past its deadline: it stays in the rates", status: models.StatusProcessing, actor: supervisor,
			at: storetest.At("2025-03-29 00:00"), action: models.Action{Kind: models.ActLink, Primary: primary(unitA, "page-1", 1)}, want: models.StatusLinked,
			check: func(t *testing.T, tk *models.Ticket, evs []models.TicketEvent) {
				if !tk.LinkedLate || tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-28" || !evs[0].Deadline.Equal(*tk.Deadline) {
					t.Fatalf("late %v deadline %v event %+v", tk.LinkedLate, tk.Deadline, evs[0])
				}
			}},
		{name: "unlinked in time: a new deadline from now", status: models.StatusLinked, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.DuplicateOf = new(int64) },
			action:  models.Action{Kind: models.ActUnlink}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.DuplicateOf != nil || tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-31" {
					t.Fatalf("duplicate of %v deadline %v", tk.DuplicateOf, tk.Deadline)
				}
			}},
		{name: "unlinked after a late link: its own deadline stays", status: models.StatusLinked, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.DuplicateOf, tk.LinkedLate = new(int64), true },
			action:  models.Action{Kind: models.ActUnlink}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.LinkedLate || tk.Deadline.In(models.Shanghai).Format(time.DateOnly) != "2025-03-28" {
					t.Fatalf("late %v deadline %v", tk.LinkedLate, tk.Deadline)
				}
			}},
		{name: "a duplicate reopened is handled on its own", status: models.StatusClosed, actor: supervisor,
			prepare: func(tk *models.Ticket) { tk.Rating, tk.DuplicateOf = models.RatingUnhappy, new(int64) },
			action:  models.Action{Kind: models.ActReopen, Text: "留言人反映问题仍存在"}, want: models.StatusAssigned,
			check: func(t *testing.T, tk *models.Ticket, _ []models.TicketEvent) {
				if tk.DuplicateOf != nil {
					t.Fatal("a reopened duplicate is still a duplicate")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := ticketIn(tt.status)
			if tt.prepare != nil {
				tt.prepare(tk)
			}
			before := *tk
			at := tt.at
			if at.IsZero() {
				at = wed
			}
			evs, err := tk.Apply(tt.action, tt.actor, at, set, cal)
			if tt.want == "" {
				if models.ErrorKind(err) != tt.wantKind {
					t.Fatalf("got %v (kind %v), want kind %v", err, models.ErrorKind(err), tt.wantKind)
				}
				if tk.Status != before.Status || tk.Pending != before.Pending || tk.ExtensionCount != before.ExtensionCount || len(evs) != 0 {
					t.Fatal("a refused action changed the ticket")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != tt.want || len(evs) == 0 || evs[0].FromStatus != before.Status || evs[0].ToStatus != tt.want ||
				evs[0].ActorID == nil || *evs[0].ActorID != tt.actor.ID || !evs[0].At.Equal(at) {
				t.Fatalf("status %s, events %+v", tk.Status, evs)
			}
			if tt.check != nil {
				tt.check(t, tk, evs)
			}
		})
	}
}

// primary is a ticket of unit u in 办理中, about a page in a category, to link another to.
func primary(u *models.Unit, pageKey string, category int64) *models.Ticket {
	return &models.Ticket{ID: 8, TicketNo: "ZC20250325000008", Status: models.StatusProcessing, UnitID: &u.ID, PageKey: pageKey, CategoryID: category}
}

// The page offers exactly what the rules allow: for every action of the table, every role and
// every state a ticket can be in, before its deadline, at its last second and after it, each
// action the ticket's page offers succeeds with what the form sends, and none it hides does (it
// is refused as the guard says).
func TestOffersAreWhatTheRulesAllow(t *testing.T) {
	cal := shippedCalendar(t)
	set := models.DefaultSettings()
	forms := map[string]models.Action{
		models.ActAccept: {}, models.ActReply: {Text: "经核实，该链接已修复，感谢您的反馈。"}, models.ActReturn: {Text: "不是本单位网站"},
		models.ActExtension: {Days: 2, Text: "需协调"}, models.ActLink: {Primary: primary(unitA, "page-1", 1)},
		models.ActApprove: {}, models.ActReject: {Text: "请补充"}, models.ActAssign: {Unit: unitB}, models.ActInvalidate: {Text: "非政府网站"},
		models.ActDecide: {Approve: true, TriageRegionID: 1}, models.ActUrge: {Text: "请尽快办理"}, models.ActReopen: {Text: "仍未解决"},
		models.ActUnlink: {},
	}
	if len(forms) != len(models.Actions()) {
		t.Fatalf("the test sends %d forms for the table's %d actions", len(forms), len(models.Actions()))
	}
	for _, kind := range models.Actions() {
		if _, ok := forms[kind]; !ok {
			t.Fatalf("no form for %s: add what its form sends", kind)
		}
		if !models.IsAction(kind) || models.ActionDone(kind) == "" {
			t.Fatalf("%s: an action with no words for the page once done", kind)
		}
	}
	states := map[string]func() *models.Ticket{}
	for _, st := range []string{models.StatusTriage, models.StatusAssigned, models.StatusProcessing, models.StatusReviewing, models.StatusInvalid} {
		states[st] = func() *models.Ticket { return ticketIn(st) }
	}
	states["pending extension"] = func() *models.Ticket {
		tk := ticketIn(models.StatusProcessing)
		tk.Pending, tk.PendingDays, tk.ExtensionCount = models.PendingExtension, 2, 1
		return tk
	}
	states["closed, 不满意"] = func() *models.Ticket {
		tk := ticketIn(models.StatusClosed)
		tk.Rating = models.RatingUnhappy
		return tk
	}
	states["linked"] = func() *models.Ticket { tk := ticketIn(models.StatusLinked); tk.DuplicateOf = new(int64); return tk }
	// Every state a ticket can be in, with each variation the guards read: a pending request
	// while its unit handles it, a rating once closed, a unit or none where either can be, a
	// reply or none, its extensions used up or not.
	for _, st := range []string{models.StatusTriage, models.StatusAssigned, models.StatusProcessing, models.StatusReviewing,
		models.StatusClosed, models.StatusInvalid, models.StatusLinked} {
		pendings, ratings, units := []string{""}, []string{""}, []bool{st != models.StatusTriage}
		switch st {
		case models.StatusAssigned, models.StatusProcessing:
			pendings = []string{"", models.PendingReturn, models.PendingExtension}
		case models.StatusClosed:
			ratings, units = []string{"", models.RatingSatisfied, models.RatingBasically, models.RatingUnhappy}, []bool{true, false}
		case models.StatusInvalid, models.StatusLinked:
			units = []bool{true, false}
		}
		for _, pending := range pendings {
			for _, rating := range ratings {
				for _, withUnit := range units {
					for _, used := range []int{0, set.ExtensionMaxRequests} {
						for _, withReply := range []bool{true, false} {
							name := fmt.Sprintf("%s pending=%q rating=%q unit=%v extensions=%d reply=%v", st, pending, rating, withUnit, used, withReply)
							states[name] = func() *models.Ticket {
								tk := ticketIn(st)
								tk.Pending, tk.Rating, tk.ExtensionCount = pending, rating, used
								if pending == models.PendingExtension {
									tk.PendingDays = 2
								}
								if !withUnit {
									tk.UnitID = nil
								}
								if st == models.StatusLinked {
									tk.DuplicateOf = new(int64)
								}
								if reply := "您反映的问题已经处理。"; withReply {
									tk.Reply = &reply
								} else {
									tk.Reply = nil
								}
								return tk
							}
						}
					}
				}
			}
		}
	}
	roles := []*models.User{staff, reviewer, supervisor, admin, {ID: 5, Role: "citizen"}}
	offered, refused := map[string]int{}, map[string]int{}
	for name, build := range states {
		// Before the deadline, at its last second, and after it.
		for _, at := range []time.Time{storetest.At("2025-03-26 15:00"), storetest.At("2025-03-28 23:59:59"), storetest.At("2025-03-31 10:00")} {
			for _, actor := range roles {
				offers := build().Offered(actor.Role, at, set)
				if !slices.IsSorted(slices.Collect(func(yield func(int) bool) {
					for _, kind := range offers {
						if !yield(slices.Index(models.Actions(), kind)) {
							return
						}
					}
				})) {
					t.Errorf("%s: offered %v, not in the table's order", name, offers)
				}
				for _, kind := range models.Actions() {
					a := forms[kind]
					a.Kind = kind
					tk := build()
					may := tk.May(kind, actor.Role, at, set)
					evs, err := tk.Apply(a, actor, at, set, cal)
					if offers.Has(kind) != (err == nil) {
						t.Errorf("%s at %s, %s %s: offered %v, done: %v", name, at.Format(time.DateTime), actor.Role, kind, offers.Has(kind), err)
					}
					switch {
					case err == nil && len(evs) == 0:
						t.Errorf("%s, %s %s: done without an event", name, actor.Role, kind)
					case err != nil && (may == nil || err.Error() != may.Error()):
						t.Errorf("%s, %s %s: refused with %v where the guard says %v", name, actor.Role, kind, err, may)
					}
					if offers.Has(kind) {
						offered[kind]++
						checkTextRule(t, name, build, a, actor, at, set, cal)
					} else {
						refused[kind]++
					}
				}
			}
		}
	}
	// No action is offered everywhere or nowhere: each guard is tried on both sides.
	for _, kind := range models.Actions() {
		if offered[kind] == 0 || refused[kind] == 0 {
			t.Errorf("%s: offered %d times, refused %d times", kind, offered[kind], refused[kind])
		}
	}
	overdue := ticketIn(models.StatusProcessing).Offered(staff.Role, storetest.At("2025-03-31 10:00"), set)
	if overdue.Has(models.ActLink) || overdue.Has(models.ActReturn) || !overdue.Has(models.ActReply) {
		t.Fatalf("an overdue ticket offers unit staff %v", overdue)
	}
}

// checkTextRule: an action on offer takes a text as long as its rule (ActionText, which the
// page's field takes its limits from) allows, and refuses one a character longer or shorter.
func checkTextRule(t *testing.T, name string, build func() *models.Ticket, a models.Action, actor *models.User, at time.Time, set models.Settings, cal *models.Calendar) {
	t.Helper()
	rule := models.ActionText(a.Kind)
	if rule.Max == 0 {
		return
	}
	for n, ok := range map[int]bool{rule.Max: true, rule.Max + 1: false, rule.Min: true, rule.Min - 1: rule.Min == 0} {
		if n < 0 {
			continue
		}
		a.Text = strings.Repeat("字", n)
		_, err := build().Apply(a, actor, at, set, cal)
		if ok != (err == nil) || (err != nil && models.ErrorField(err) != "text") {
			t.Errorf("%s, %s %s with a text of %d characters (%d–%d): %v", name, actor.Role, a.Kind, n, rule.Min, rule.Max, err)
		}
	}
}

func TestRatingOnceOnAClosedReply(t *testing.T) {
	now := storetest.At("2025-03-27 10:00")
	tk := ticketIn(models.StatusClosed)
	public := "已处理"
	tk.ReplyPublic = &public
	if _, err := tk.Rate(models.CitizenRating{Rating: "great"}, now); models.ErrorKind(err) != models.KindInvalid {
		t.Fatalf("unknown rating: %v", err)
	}
	ev, err := tk.Rate(models.CitizenRating{Rating: models.RatingUnhappy}, now)
	if err != nil || ev.Kind != models.EventRated || tk.Rating != models.RatingUnhappy {
		t.Fatalf("rate: %v %+v", err, ev)
	}
	if _, err := tk.Rate(models.CitizenRating{Rating: models.RatingSatisfied}, now); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("second rating: %v", err)
	}
	open := ticketIn(models.StatusProcessing)
	if _, err := open.Rate(models.CitizenRating{Rating: models.RatingSatisfied}, now); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("rating an open ticket: %v", err)
	}
}
