package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// A unit with staff and no reviewer: its reply waits for review; the supervisor of its region
// sees the warning on the desk, follows it to the ticket and approves in the reviewer's stead;
// the admin follows the home page's warning to a unit's review setting and turns review off.
func TestApprovalWhereTheUnitHasNoReviewerInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	ctx := context.Background()
	spec := models.UserSpec{Username: "cd-office-staff", DisplayName: "成都市政府办公室经办人", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"}
	if _, err := store.CreateUser(ctx, spec, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	staff, err := store.Authenticate(ctx, spec.Username, "demo-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := store.SubmitReport(ctx, models.Report{PageURL: "https://www.chengdu.gov.cn/zwgk/notice.html", Category: "链接不可用",
		Description: "“通知公告”栏目的附件链接打开后显示404。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo
	for _, a := range []models.Action{{Kind: models.ActAccept}, {Kind: models.ActReply, Text: "经核实，附件链接已修复，感谢您的反馈。", Confirmed: true}} {
		if _, err := store.Act(ctx, staff, no, a); err != nil {
			t.Fatal(err)
		}
	}

	sup := newTab()
	signIn(t, sup, base, "cd-supervisor")
	do(t, sup, "the desk's warning", chromedp.WaitVisible("#unit-warnings"))
	if got := text(t, sup, "#unit-warnings #no-reviewer"); got != "2 个单位需要审核但没有审核人" {
		t.Errorf("the warning says %q", got)
	}
	shot(t, sup, "supervisor-unit-warnings")
	do(t, sup, "follow the waiting reply", chromedp.Click(`#stuck a[href="/staff/tickets/`+no+`"]`), chromedp.WaitVisible(`form[action$="/approve"]`))
	do(t, sup, "approve in the reviewer's stead", chromedp.Click(`form[action$="/approve"] button`), chromedp.WaitVisible(".flash-ok"))
	if got := text(t, sup, ".ticket-title .status"); got != "已办结" {
		t.Fatalf("after the supervisor's approval the status is %q", got)
	}
	if got := text(t, sup, "#history"); !strings.Contains(got, "上级代为审核并答复（单位无审核人）") {
		t.Errorf("the history says %q", got)
	}

	admin := newTab()
	signIn(t, admin, base, "admin")
	do(t, admin, "the admin's home", chromedp.WaitVisible("#unit-warnings"))
	do(t, admin, "a unit's review setting", chromedp.Click(`#unit-warnings a[href$="/review"]`), chromedp.WaitVisible("#unit-review"))
	do(t, admin, "turn review off", chromedp.Click(`input[name="review_required"][value="0"]`), chromedp.Click(`#unit-review button.primary`),
		chromedp.WaitVisible(".flash-ok"))
	if got := text(t, admin, ".flash-ok"); !strings.Contains(got, "无需审核") {
		t.Errorf("the admin is told %q", got)
	}
}
