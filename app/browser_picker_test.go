package main

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// The supervisor types part of a unit's name into the 分办 picker, chooses the unit from the
// matches the picker fetched, and the ticket is assigned to it: in a real browser, against the
// whole program.
func TestAssignThroughThePickerInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	sub, err := store.SubmitReport(context.Background(), models.Report{PageURL: "https://www.unregistered.example.cn/a.html",
		Category: "内容不准确", Description: "页面上公布的办事电话已经停用，请更新。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo

	sup := newTab()
	signIn(t, sup, base, "sc-supervisor")
	const unit = "四川省政府国有资产监督管理委员会"
	do(t, sup, "open the ticket", chromedp.Navigate(base+"/staff/tickets/"+no), chromedp.WaitVisible("#assign-unit"))
	do(t, sup, "type into the picker and choose",
		chromedp.SendKeys("#assign-unit", "国有资产"),
		// The matches of all that was typed: an earlier list (the one focus asks for, say) may
		// be replaced under the click.
		chromedp.WaitVisible(`#assign-unit-listbox:not([aria-busy]) [role=option][data-value="`+unit+`"]`),
		chromedp.Click(`#assign-unit-listbox [role=option][data-value="`+unit+`"]`))
	if v, err := chromedp.Run(sup, chromedp.Value("#assign-unit")); err != nil || v != unit {
		t.Fatalf("the picker holds %q (%v)", v, err)
	}
	shot(t, sup, "supervisor-assign-picker")
	do(t, sup, "assign", chromedp.Click(`form[action$="/assign"] button`), chromedp.WaitVisible(".flash-ok"))
	var got string
	if err := store.SQLDB().QueryRow("SELECT u.name FROM tickets t JOIN units u ON u.id = t.unit_id WHERE t.ticket_no = ?", no).Scan(&got); err != nil || got != unit {
		t.Fatalf("the ticket went to %q (%v)", got, err)
	}
}
