package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// The reporter's own page on a phone (issue 21): their screenshot, the reply in full with its
// address as a link, 不满意 with its reasons, one follow-up; then the supervisor finds the ticket
// from the desk's count and from 满意率. In a real browser, against the whole program.
func TestUnhappyReporterAndTheSupervisorInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	sub, err := store.SubmitReport(context.Background(), models.Report{PageURL: "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml",
		Category: "链接不可用", Description: "“通知公告”栏目第二页的链接打开后显示404，请尽快修复。",
		Screenshot: &models.Screenshot{ContentType: "image/png", Data: pngBytes()}})
	if err != nil {
		t.Fatal(err)
	}
	ticketNo, code := sub.Ticket.TicketNo, sub.QueryCode

	staff := newTab()
	signIn(t, staff, base, "gzw-staff")
	do(t, staff, "reply",
		chromedp.Navigate(base+"/staff/tickets/"+ticketNo), chromedp.WaitVisible("#actions"),
		chromedp.Click(`form[action$="/accept"] button`), chromedp.WaitVisible(".flash-ok"),
		chromedp.SendKeys("#reply-text", "该链接已修复，新地址为 https://gzw.sc.gov.cn/scsgzw/c100/list_2.shtml 。如有疑问请致电028-86601234。"),
		chromedp.Click(`input[name="confirmed"][value="1"]`),
		chromedp.Click(`form[action$="/reply"] button`), chromedp.WaitVisible("#reply"))
	reviewer := newTab()
	signIn(t, reviewer, base, "gzw-reviewer")
	do(t, reviewer, "approve", chromedp.Navigate(base+"/staff/tickets/"+ticketNo), chromedp.WaitVisible("#reply-pii"),
		chromedp.Click(`form[action$="/approve"] button`), chromedp.WaitVisible(".flash-ok"))

	phone := newTab()
	do(t, phone, "the reporter's page",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/query?ticket_no="+ticketNo+"&code="+code), chromedp.WaitVisible("#reply"))
	if reply := text(t, phone, "#reply-text"); !strings.Contains(reply, "028-86601234") {
		t.Fatalf("the reporter reads %q", reply)
	}
	link, err := chromedp.Run(phone, chromedp.Attributes("#reply-text a"))
	if err != nil || link["href"] != "https://gzw.sc.gov.cn/scsgzw/c100/list_2.shtml" || link["target"] != "_blank" ||
		link["rel"] != "noopener noreferrer nofollow" {
		t.Fatalf("the reply's link: %v %v", link, err)
	}
	width, err := chromedp.Run(phone, chromedp.Evaluate[float64](`document.querySelector("#my-screenshot").naturalWidth`))
	if err != nil || width != 1 {
		t.Fatalf("the reporter's screenshot does not load: width %v, %v", width, err)
	}
	do(t, phone, "不满意, with why",
		chromedp.Click("details.unhappy summary"), chromedp.WaitVisible(`input[value="答复不清楚"]`),
		chromedp.Click(`input[value="答复不清楚"]`), chromedp.SendKeys("#rating-note", "第二页仍然打不开"),
		chromedp.Click(`button[value="unsatisfied"]`), chromedp.WaitVisible("#follow-up-text"))
	shot(t, phone, "citizen-unhappy")
	do(t, phone, "follow up",
		chromedp.SendKeys("#follow-up-text", "新地址在手机上也打不开，请再核实。"),
		chromedp.Click("#follow-up button"), chromedp.WaitVisible("#followed-up"))
	if h := text(t, phone, "#history"); !strings.Contains(h, models.CitizenEventLabel(models.EventFollowedUp)) || !strings.Contains(h, "请再核实") {
		t.Fatalf("the history after the follow-up: %q", h)
	}

	sup := newTab()
	signIn(t, sup, base, "sc-supervisor")
	do(t, sup, "the desk's count", chromedp.Click("#unhappy-link"), chromedp.WaitVisible(".ticket-list"))
	if !strings.Contains(text(t, sup, ".ticket-list"), ticketNo) {
		t.Fatal("the desk's 不满意 link does not list the ticket")
	}
	do(t, sup, "满意率", chromedp.Navigate(base+"/staff/stats?period=month"), chromedp.WaitVisible("#satisfaction-link"),
		chromedp.Click("#satisfaction-link"), chromedp.WaitVisible(".ticket-list"))
	if !strings.Contains(text(t, sup, ".ticket-list"), ticketNo) {
		t.Fatal("满意率 does not lead to the ticket rated 不满意")
	}
}
