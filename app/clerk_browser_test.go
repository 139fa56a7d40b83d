package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// eval runs a script in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("evaluate %s: %v", script, err)
	}
	return v
}

// The clerk writes a reply with one of the unit's 常用语 and says it is 属实 (the form will not go
// without the choice); the reviewer sends it back; the clerk's 待办 leads to the desk, where the
// ticket is marked 被退回, and the ticket's form holds the draft with the reviewer's reason
// beside it; the clerk prints the ticket's 办理单.
func TestSentBackReplyInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	ctx := context.Background()
	clerk, err := store.Authenticate(ctx, "gzw-staff", "demo-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	const canned = "感谢您对政府网站工作的关心和支持。"
	if _, err := store.SaveCannedReply(ctx, clerk, 0, canned); err != nil {
		t.Fatal(err)
	}
	sub, err := store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/zwgk/notice.html", Category: "链接不可用",
		Description: "“通知公告”栏目的附件链接打开后显示404。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo

	staff := newTab()
	signIn(t, staff, base, "gzw-staff")
	do(t, staff, "open the ticket", chromedp.Navigate(base+"/staff/tickets/"+no), chromedp.WaitVisible("#reply-text"))
	do(t, staff, "write with a 常用语", chromedp.SendKeys("#reply-text", "经核实，附件链接已修复。"), chromedp.Click(`#canned-replies .canned-insert`))
	draft := "经核实，附件链接已修复。" + canned
	if v, _ := chromedp.Run(staff, chromedp.Value("#reply-text")); v != draft {
		t.Fatalf("the reply with the 常用语 is %q", v)
	}
	do(t, staff, "send without saying 属实", chromedp.Click(`#reply-form button[type=submit]`))
	if eval[bool](t, staff, `document.querySelector("#reply-form").checkValidity()`) || text(t, staff, ".ticket-title .status") == "待审核" {
		t.Fatal("the reply went without the choice of 属实")
	}
	do(t, staff, "say 属实 and send", chromedp.Click(`#reply-confirmed input[value="1"]`), chromedp.Click(`#reply-form button[type=submit]`),
		chromedp.WaitVisible(".flash-ok"))

	reviewer := newTab()
	signIn(t, reviewer, base, "gzw-reviewer")
	do(t, reviewer, "send the reply back", chromedp.Navigate(base+"/staff/tickets/"+no), chromedp.WaitVisible("#reject-text"),
		chromedp.SendKeys("#reject-text", "请写明修复的时间"), chromedp.Click(`form[action$="/reject"] button`), chromedp.WaitVisible(".flash-ok"))

	do(t, staff, "the 待办 badge", chromedp.Navigate(base+"/staff/tickets"), chromedp.WaitVisible("#todo-count"),
		chromedp.Click("#todo-count"), chromedp.WaitVisible("#todo"))
	badge, desk := text(t, staff, "#todo-count b"), text(t, staff, "#todo b")
	if n := eval[int](t, staff, `document.querySelectorAll("#inbox .ticket-item").length`); badge != desk || badge != strconv.Itoa(n) {
		t.Fatalf("待办 %s, the desk says %s and lists %d", badge, desk, n)
	}
	if got := text(t, staff, `#inbox .ticket-item:has(a[href$="`+no+`"]) .tag-bad`); got != "被退回" {
		t.Fatalf("the desk marks the ticket %q", got)
	}
	shot(t, staff, "clerk-desk-sent-back")
	do(t, staff, "open the sent-back ticket", chromedp.Click(`#inbox a[href$="`+no+`"]`), chromedp.WaitVisible("#sent-back"))
	if v, _ := chromedp.Run(staff, chromedp.Value("#reply-text")); v != draft {
		t.Fatalf("the form holds %q", v)
	}
	if !eval[bool](t, staff, `document.querySelector('#reply-confirmed input[value="1"]').checked`) {
		t.Fatal("the 属实 sent back is not kept")
	}
	if got := text(t, staff, "#sent-back"); !strings.Contains(got, "请写明修复的时间") {
		t.Fatalf("beside the form: %q", got)
	}
	if !eval[bool](t, staff, `(() => { const f = document.querySelector("#reply-form").getBoundingClientRect(),
		n = document.querySelector("#sent-back").getBoundingClientRect(); return n.left >= f.right - 1 && n.top < f.bottom; })()`) {
		t.Fatal("the reason is not beside the form on a wide screen")
	}
	shot(t, staff, "clerk-sent-back-draft")
	do(t, staff, "send it again", chromedp.SendKeys("#reply-text", "修复时间为本周一。"), chromedp.Click(`#reply-form button[type=submit]`),
		chromedp.WaitVisible(".flash-ok"))
	if got := text(t, staff, ".ticket-title .status"); got != "待审核" {
		t.Fatalf("after sending again the status is %q", got)
	}

	do(t, staff, "the 办理单", chromedp.Navigate(base+"/staff/tickets/"+no+"/print"), chromedp.WaitVisible("#sheet"))
	if got := text(t, staff, "#sheet-steps"); !strings.Contains(got, "请写明修复的时间") || !strings.Contains(got, "省国资委审核人") {
		t.Fatalf("the sheet's steps: %q", got)
	}
	// Its stylesheet loaded under the pages' policy: A4, and the site's header left off the paper.
	if !eval[bool](t, staff, `[...document.styleSheets].some(s => s.href && s.href.endsWith("/css/print.css") &&
		[...s.cssRules].some(r => r instanceof CSSPageRule && r.style.size.toUpperCase() === "A4") &&
		[...s.cssRules].some(r => r instanceof CSSMediaRule && r.media.mediaText === "print" && r.cssText.includes(".site-header")))`) {
		t.Fatal("the print stylesheet is not applied")
	}
	shot(t, staff, "clerk-print-sheet")
}

// The supervisor reads the unit's reason for a return beside the decision and, approving it,
// gives the ticket to the right unit in the same step through the picker.
func TestApproveReturnAndGiveOnInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	ctx := context.Background()
	clerk, err := store.Authenticate(ctx, "gzw-staff", "demo-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/portal/1.html", Category: "内容不准确",
		Description: "页面上公布的办事电话已经停用，请更新。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo
	const reason = "该页面属于省政府门户网站，由省政府办公厅维护"
	if _, err := store.Act(ctx, clerk, no, models.Action{Kind: models.ActReturn, Text: reason}); err != nil {
		t.Fatal(err)
	}

	sup := newTab()
	signIn(t, sup, base, "sc-supervisor")
	do(t, sup, "open the request", chromedp.Navigate(base+"/staff/tickets/"+no), chromedp.WaitVisible("#pending-request"))
	if got := text(t, sup, "#request-reason"); !strings.Contains(got, reason) {
		t.Fatalf("beside the decision: %q", got)
	}
	const unit = "四川省人民政府办公厅"
	do(t, sup, "choose the unit",
		chromedp.SendKeys("#decide-unit", "人民政府办公厅"),
		chromedp.WaitVisible(`#decide-unit-listbox:not([aria-busy]) [role=option][data-value="`+unit+`"]`),
		chromedp.Click(`#decide-unit-listbox [role=option][data-value="`+unit+`"]`))
	shot(t, sup, "supervisor-return-give-on")
	do(t, sup, "approve and give on", chromedp.Click(`form[action$="/decide"] button[value="approve"]`), chromedp.WaitVisible(".flash-ok"))
	if got := text(t, sup, ".ticket-title .status"); got != "待签收" {
		t.Fatalf("after the decision the status is %q", got)
	}
	if got := text(t, sup, ".facts"); !strings.Contains(got, unit) {
		t.Fatalf("the ticket's unit: %q", got)
	}
}
