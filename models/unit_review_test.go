package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// unitID finds a demo unit by name.
func unitID(t *testing.T, s *models.Store, name string) int64 {
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

// addUser creates a user and returns them as they sign in.
func addUser(t *testing.T, s *models.Store, spec models.UserSpec) *models.User {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, spec, "unit-review-pass-1"); err != nil {
		t.Fatal(err)
	}
	u, err := s.Authenticate(ctx, spec.Username, "unit-review-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const gzwUnit = "四川省政府国有资产监督管理委员会"

// A unit that does not review publishes its staff's reply at once: the ticket closes at the
// reply, with the chain of events an approval leaves (replied, then approved, both at that
// moment, the approval by the one who replied and saying no review was required), the reply's
// e-mail goes out as an approval's does, and the rates count it closed on time exactly as a
// reviewer's approval at the same moment.
func TestReplyPublishedWhereTheUnitDoesNotReview(t *testing.T) {
	r := newRatesWith(t, "2025-03-25 10:00:00", models.Options{Email: true})
	ctx := context.Background()
	gzw := unitID(t, r.s, gzwUnit)
	reviewed := r.report("https://gzw.sc.gov.cn/reviewed.html")
	r.at("2025-03-26 15:00")
	r.close(reviewed, true) // the unit reviews: the reviewer approves

	if err := r.s.SetUnitReview(ctx, r.u["admin"], gzw, false, models.RegistryByForm); err != nil {
		t.Fatal(err)
	}
	r.at("2025-03-25 10:00")
	rep := validReport()
	rep.PageURL, rep.ContactEmail = "https://gzw.sc.gov.cn/direct.html", "reporter@example.cn"
	sub, err := r.s.SubmitReport(ctx, rep)
	if err != nil {
		t.Fatal(err)
	}
	direct := sub.Ticket.TicketNo
	r.at("2025-03-26 15:00")
	acted, err := r.s.Perform(ctx, r.u["gzw-staff"], direct, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	tk := acted.Ticket
	now := r.clock.Now().UTC().Truncate(1e9)
	if tk.Status != models.StatusClosed || tk.ClosedAt == nil || !tk.ClosedAt.Equal(now) || tk.ReplyPublic == nil || !tk.Public {
		t.Fatalf("the reply is not published at once: status %s, closed %v, public reply %v", tk.Status, tk.ClosedAt, tk.ReplyPublic)
	}
	if got := acted.Done(models.ActReply); !strings.Contains(got, "已公开") {
		t.Errorf("the page says %q", got)
	}
	if len(acted.Deliveries()) != 1 {
		t.Errorf("the reply's e-mail: %d deliveries, want 1", len(acted.Deliveries()))
	}
	events, err := r.s.TicketEvents(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := len(events)
	replied, approved := events[n-2], events[n-1]
	if replied.Kind != models.EventReplied || replied.ToStatus != models.StatusReviewing || approved.Kind != models.EventApproved ||
		approved.FromStatus != models.StatusReviewing || approved.ToStatus != models.StatusClosed || !approved.At.Equal(now) || !replied.At.Equal(now) {
		t.Fatalf("events: %s %s→%s, %s %s→%s", replied.Kind, replied.FromStatus, replied.ToStatus, approved.Kind, approved.FromStatus, approved.ToStatus)
	}
	if approved.ActorID == nil || *approved.ActorID != r.u["gzw-staff"].ID || approved.ActorRole != models.RoleUnitStaff {
		t.Errorf("approved by %v (%s), want the staff who replied", approved.ActorID, approved.ActorRole)
	}
	if approved.Data == nil || !strings.Contains(*approved.Data, `"review":"not_required"`) || approved.Label() != "答复并公开（本单位无需审核）" {
		t.Errorf("the approval does not say no review was required: %v %q", approved.Data, approved.Label())
	}
	c := r.stats(models.Scope{All: true}, "2025-03-01", "2025-03-31", "2025-04-30 12:00")
	if c.Closed != 2 || c.OnTime != 2 || c.Confirmed != 2 || c.LateClosed != 0 {
		t.Errorf("rates: closed %d, on time %d, 属实 %d, late %d; want both closed on time", c.Closed, c.OnTime, c.Confirmed, c.LateClosed)
	}
	// The replayed facts (the rates of a moment the ticket changed after) agree with its row.
	f, _ := models.FactsAsOf(events, now, tk.CategoryID)
	if f.Status != models.StatusClosed || f.ClosedAt == nil || !f.ClosedAt.Equal(now) || !f.Confirmed {
		t.Errorf("facts from events: %+v", f)
	}
}

// Turning review off or on is an admin's change, recorded once in registry_events; setting what
// is set records nothing; anyone else is refused, and an unknown unit is not found.
func TestUnitReviewSettingIsRecorded(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	gzw := unitID(t, s, gzwUnit)
	for _, who := range []string{"sc-supervisor", "gzw-reviewer", "gzw-staff"} {
		if err := s.SetUnitReview(ctx, u[who], gzw, false, models.RegistryByForm); models.ErrorKind(err) != models.KindForbidden {
			t.Errorf("%s sets the review: %v", who, err)
		}
	}
	if err := s.SetUnitReview(ctx, u["admin"], 999999, false, models.RegistryByForm); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("unknown unit: %v", err)
	}
	for range 2 {
		if err := s.SetUnitReview(ctx, u["admin"], gzw, false, models.RegistryByForm); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	var changes, key string
	row := s.SQLDB().QueryRow(`SELECT COUNT(*), MAX(changes), MAX(entity_key) FROM registry_events WHERE entity = ? AND entity_id = ? AND actor_id = ?`,
		models.RegistryUnit, gzw, u["admin"].ID)
	if err := row.Scan(&n, &changes, &key); err != nil {
		t.Fatal(err)
	}
	if n != 1 || changes != `{"review_required":["true","false"]}` || key != gzwUnit {
		t.Errorf("registry events: %d, %s, %s", n, changes, key)
	}
	v, err := s.UnitReviewOf(ctx, gzw)
	if err != nil || v.ReviewRequired || v.Staff != 1 || v.Reviewers != 1 {
		t.Errorf("unit review: %+v %v", v, err)
	}
}

// A supervisor of the unit's region approves a reply left waiting where the unit has no enabled
// reviewer, and the approval says so; a supervisor of another region cannot reach it, staff
// cannot approve, a ticket not waiting for review cannot be approved, and where the unit has an
// enabled reviewer the supervisor is refused with the reason (and not offered the form).
func TestSupervisorApprovesOnlyWhereTheUnitHasNoReviewer(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	cdStaff := addUser(t, s, models.UserSpec{Username: "cd-office-staff", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"})
	mySupervisor := addUser(t, s, models.UserSpec{Username: "my-supervisor", Role: models.RoleSupervisor, RegionCode: "510700"})
	reply := models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: true}
	approve := models.Action{Kind: models.ActApprove, Public: true, Text: "同意答复"}

	cd := submit(t, s, "https://www.chengdu.gov.cn/stuck.html").Ticket.TicketNo
	if _, err := s.Act(ctx, cdStaff, cd, models.Action{Kind: models.ActAccept}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, u["cd-supervisor"], cd, approve); models.ErrorKind(err) != models.KindConflict {
		t.Errorf("approving a ticket not waiting for review: %v", err)
	}
	if _, err := s.Act(ctx, cdStaff, cd, reply); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, mySupervisor, cd, approve); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a supervisor of another region approves: %v", err)
	}
	if _, err := s.Act(ctx, cdStaff, cd, approve); models.ErrorKind(err) != models.KindForbidden {
		t.Errorf("staff approve: %v", err)
	}
	cdScope, _ := s.ScopeOf(ctx, u["cd-supervisor"])
	d, err := s.TicketDetail(ctx, cdScope, cd)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Ticket.Offered(models.RoleSupervisor, clock.Now(), models.DefaultSettings()).Has(models.ActApprove) {
		t.Errorf("the supervisor is not offered the approval of a reply nobody can review")
	}
	done, err := s.Act(ctx, u["cd-supervisor"], cd, approve)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != models.StatusClosed || done.ReplyPublic == nil {
		t.Fatalf("not published: %s", done.Status)
	}
	events, _ := s.TicketEvents(ctx, done.ID)
	last := events[len(events)-1]
	if last.Kind != models.EventApproved || last.ActorRole != models.RoleSupervisor || *last.ActorID != u["cd-supervisor"].ID ||
		last.Data == nil || !strings.Contains(*last.Data, `"review":"supervisor"`) || !strings.Contains(last.Label(), "上级代为审核") || last.Reason != "同意答复" {
		t.Errorf("the approval does not say the supervisor approved in the reviewer's stead: %+v %v", last, last.Data)
	}

	// 国资委 has an enabled reviewer: the supervisor is refused, and offered nothing.
	gzw := submit(t, s, "https://gzw.sc.gov.cn/reviewed.html").Ticket.TicketNo
	if _, err := s.Act(ctx, u["gzw-staff"], gzw, reply); err != nil {
		t.Fatal(err)
	}
	_, err = s.Act(ctx, u["sc-supervisor"], gzw, approve)
	if models.ErrorKind(err) != models.KindForbidden || !strings.Contains(err.Error(), "审核人") {
		t.Errorf("the supervisor approves past the unit's reviewer: %v", err)
	}
	all := models.Scope{All: true}
	if d, _ := s.TicketDetail(ctx, all, gzw); d.Ticket.Offered(models.RoleSupervisor, clock.Now(), models.DefaultSettings()).Has(models.ActApprove) {
		t.Errorf("the supervisor is offered an approval the reviewer owns")
	}
	// Once the reviewer is disabled, nobody else could: the province's supervisor may.
	if err := s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, u["gzw-reviewer"].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, u["sc-supervisor"], gzw, approve); err != nil {
		t.Errorf("the supervisor cannot approve once the unit has no enabled reviewer: %v", err)
	}
}

// The desks' warnings: active units in the scope without staff, or needing a reviewer they do not
// have (a unit that does not review needs none; a closed unit is left out), and the replies
// waiting at units with no reviewer.
func TestUnitWarnings(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	mySupervisor := addUser(t, s, models.UserSpec{Username: "my-supervisor", Role: models.RoleSupervisor, RegionCode: "510700"})
	warn := func(who *models.User) *models.UnitWarnings {
		t.Helper()
		sc, err := s.ScopeOf(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.UnitWarnings(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	names := func(w *models.UnitWarnings) string {
		var out []string
		for _, x := range w.Units {
			out = append(out, x.Name)
		}
		return strings.Join(out, ",")
	}
	w := warn(u["cd-supervisor"])
	if w.NoStaff != 2 || w.NoReviewer != 2 || names(w) != "成都市人民政府办公室,成都市教育局" || w.StuckCount != 0 {
		t.Fatalf("成都: %d without staff, %d without reviewer, %s, %d stuck", w.NoStaff, w.NoReviewer, names(w), w.StuckCount)
	}
	cdStaff := addUser(t, s, models.UserSpec{Username: "cd-office-staff", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"})
	edu := unitID(t, s, "成都市教育局")
	if err := s.SetUnitReview(ctx, u["admin"], edu, false, models.RegistryByForm); err != nil {
		t.Fatal(err)
	}
	if w = warn(u["cd-supervisor"]); w.NoStaff != 1 || w.NoReviewer != 1 || len(w.Units) != 2 || !w.Units[0].NoReviewer() || w.Units[0].NoStaff() ||
		w.Units[1].NoReviewer() || !w.Units[1].NoStaff() {
		t.Errorf("with staff at the office and no review at 教育局: %+v", w)
	}
	if _, err := s.SQLDB().Exec(`UPDATE units SET status = ? WHERE id = ?`, models.UnitClosed, edu); err != nil {
		t.Fatal(err)
	}
	no := submit(t, s, "https://www.chengdu.gov.cn/stuck.html").Ticket.TicketNo
	if _, err := s.Act(ctx, cdStaff, no, models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。"}); err != nil {
		t.Fatal(err)
	}
	w = warn(u["cd-supervisor"])
	if w.NoStaff != 0 || w.NoReviewer != 1 || names(w) != "成都市人民政府办公室" || w.StuckCount != 1 || len(w.Stuck) != 1 || w.Stuck[0].TicketNo != no {
		t.Errorf("closed 教育局 and a reply waiting: %+v", w)
	}
	// Another region's supervisor sees only their own: 绵阳's office, nothing of 成都.
	if w = warn(mySupervisor); w.NoStaff != 1 || names(w) != "绵阳市人民政府办公室" || w.StuckCount != 0 {
		t.Errorf("绵阳: %+v", w)
	}
	// The admin sees the province: 成都's waiting reply among them.
	if w = warn(u["admin"]); w.StuckCount != 1 || w.NoStaff < 10 || !strings.Contains(names(w), "成都市人民政府办公室") {
		t.Errorf("admin: %d without staff, %d stuck, %s", w.NoStaff, w.StuckCount, names(w))
	}
	// The office stops reviewing: it has staff and needs no reviewer, so it is not warned of; the
	// reply already waiting there still waits for a reviewer it has not got.
	if err := s.SetUnitReview(ctx, u["admin"], unitID(t, s, "成都市人民政府办公室"), false, models.RegistryByForm); err != nil {
		t.Fatal(err)
	}
	if w = warn(u["cd-supervisor"]); w.NoStaff != 0 || w.NoReviewer != 0 || len(w.Units) != 0 || w.StuckCount != 1 {
		t.Errorf("the office no longer reviewing: %+v", w)
	}
	if w = warn(u["admin"]); w.StuckCount != 1 || strings.Contains(names(w), "成都市人民政府办公室") || !strings.Contains(names(w), "自贡市人民政府办公室") {
		t.Errorf("the admin's list, the office no longer reviewing: %s", names(w))
	}
	// Units with staff and a reviewer are not warned of.
	if strings.Contains(names(warn(u["admin"])), gzwUnit) {
		t.Errorf("国资委 has both and is warned of")
	}
}

// A reply its unit does not review is told to nobody as waiting for review: the reviewer hears
// of a reply to review only where one waits.
func TestAPublishedReplyIsNoReviewNotice(t *testing.T) {
	n := newNoticeStore(t)
	ctx := context.Background()
	reply := models.Action{Kind: models.ActReply, Text: "已经处理完毕，感谢您的反馈。", Confirmed: true}
	if _, err := n.s.Act(ctx, n.u["gzw-staff"], n.tk.TicketNo, models.Action{Kind: models.ActAccept}); err != nil {
		t.Fatal(err)
	}
	if err := n.s.SetUnitReview(ctx, n.u["admin"], *n.tk.UnitID, false, models.RegistryByForm); err != nil {
		t.Fatal(err)
	}
	if _, err := n.s.Act(ctx, n.u["gzw-staff"], n.tk.TicketNo, reply); err != nil {
		t.Fatal(err)
	}
	if got := n.pass(); got != 0 {
		t.Errorf("a published reply: %d notices, want none", got)
	}
	// The same unit reviewing again: the next reply is the reviewer's to hear of.
	if err := n.s.SetUnitReview(ctx, n.u["admin"], *n.tk.UnitID, true, models.RegistryByForm); err != nil {
		t.Fatal(err)
	}
	r := validReport()
	r.PageURL = "https://gzw.sc.gov.cn/b.html"
	sub, err := n.s.SubmitReport(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	n.pass()
	if _, err := n.s.Act(ctx, n.u["gzw-staff"], sub.Ticket.TicketNo, reply); err != nil {
		t.Fatal(err)
	}
	if got := n.pass(); got != 1 {
		t.Errorf("a reply to review: %d notices, want the reviewer's", got)
	}
}
