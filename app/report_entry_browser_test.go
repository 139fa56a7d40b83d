package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// A citizen arrives on a phone by the 找错 entry link of a government page
// (?url=<page>&site_code=<网站标识码>): the form is filled in and names the site, warns as the
// address turns to a non-government site, lists the open report of the same problem, and lets the
// citizen follow it. The 提交成功 page survives a reload, copies the number and code, prints only
// the receipt, and fills the query form without the code in any URL.
func TestEntryLinkFollowAndReceiptInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	const page = "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml"
	first, err := store.SubmitReport(context.Background(), models.Report{PageURL: page, Category: "链接不可用",
		Description: "“通知公告”栏目第二页的链接打开后显示404。"})
	if err != nil {
		t.Fatal(err)
	}
	primary := first.Ticket.TicketNo

	phone := newTab()
	entry := base + "/?" + url.Values{"url": {page}, "site_code": {"5100000002"}}.Encode()
	do(t, phone, "open the entry link",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(entry), chromedp.WaitVisible("#entry-site"), chromedp.WaitVisible("#followable"))
	if got, _ := chromedp.Run(phone, chromedp.Value("#page_url")); got != page {
		t.Fatalf("the page's address is %q", got)
	}
	if got := text(t, phone, "#entry-site"); !strings.Contains(got, "四川省政府国有资产监督管理委员会") {
		t.Fatalf("the form names %q", got)
	}
	if got := text(t, phone, "#followable"); !strings.Contains(got, primary) || strings.Contains(got, "404") {
		t.Fatalf("the open reports: %q", got)
	}

	// The address turns to a site off the government's: a warning, and no reports to follow.
	do(t, phone, "type a non-government address",
		emptied("page_url"), chromedp.SendKeys("#page_url", "baidu.com"),
		chromedp.WaitVisible("#not-gov"), chromedp.WaitNotVisible("#followable"))
	shot(t, phone, "citizen-report-not-gov")
	do(t, phone, "back to the government page",
		emptied("page_url"), chromedp.SendKeys("#page_url", page),
		chromedp.WaitNotVisible("#not-gov"), chromedp.WaitVisible("#followable"))

	// Follow the open report, with no description of one's own.
	captchaID, err := chromedp.Run(phone, chromedp.Value("#captcha_id"))
	if err != nil {
		t.Fatal(err)
	}
	var answer string
	if err := store.SQLDB().QueryRow("SELECT answer FROM captchas WHERE id = ?", captchaID).Scan(&answer); err != nil {
		t.Fatal(err)
	}
	// The tap on the report leaves the address field, whose change asks for the check again: the
	// finger is lifted only once that answer has come, and the tap still chooses the report (the
	// list is not rebuilt under it).
	radio := `#followable input[value="` + primary + `"]`
	const checks = `performance.getEntriesByType("resource").filter(function (e) { return e.name.indexOf("/api/v1/report-check?") >= 0; }).length`
	before, err := chromedp.Run(phone, chromedp.Evaluate[int](checks))
	if err != nil {
		t.Fatal(err)
	}
	do(t, phone, "follow the open report, the finger down while the page is checked again",
		slowTap(radio, `!document.getElementById("followable").hasAttribute("aria-busy")`))
	if after, err := chromedp.Run(phone, chromedp.Evaluate[int](checks)); err != nil || after != before+1 {
		t.Fatalf("the tap asked for %d checks of the page, want 1 (%v)", after-before, err)
	}
	if chosen, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.querySelector('`+radio+`').checked`)); err != nil || !chosen {
		t.Fatalf("the tap on the open report did not choose it (%v)", err)
	}
	do(t, phone, "follow the open report",
		chromedp.WaitVisible("#description-follow"), chromedp.WaitNotVisible("#description-req"),
		chromedp.SendKeys("#captcha_answer", answer))
	shot(t, phone, "citizen-report-follow")
	do(t, phone, "send", chromedp.Click("form button.primary"), chromedp.WaitVisible("#ticket-no"))
	no, code := text(t, phone, "#ticket-no"), text(t, phone, "#query-code")
	if no == primary || len(code) != 8 || !strings.Contains(text(t, phone, "#linked-note"), "合并办理") {
		t.Fatalf("done page: %q %q %q", no, code, text(t, phone, "main"))
	}
	shot(t, phone, "citizen-report-done")

	// A reload keeps them.
	do(t, phone, "reload", chromedp.Reload(), chromedp.WaitVisible("#ticket-no"))
	if text(t, phone, "#ticket-no") != no || text(t, phone, "#query-code") != code {
		t.Fatal("a reload lost the number or the code")
	}
	if !strings.Contains(text(t, phone, "#code-once"), "只在本页显示") {
		t.Fatal("the page does not say the code is shown only here")
	}

	// Copy: both at once (the clipboard is recorded: a headless browser has none to read back).
	if _, err := chromedp.Run(phone, chromedp.Evaluate[bool](`navigator.clipboard.writeText = function (t) { window.copied = t; return Promise.resolve(); }, true`)); err != nil {
		t.Fatal(err)
	}
	do(t, phone, "copy", chromedp.Click("#copy-codes"), until(`document.getElementById("copy-status").textContent.indexOf("已复制") >= 0`))
	copied, err := chromedp.Run(phone, chromedp.Evaluate[string](`window.copied`))
	if err != nil || !strings.Contains(copied, no) || !strings.Contains(copied, code) {
		t.Fatalf("copied %q (%v)", copied, err)
	}

	// Printed, only the receipt: the number and code, no buttons, links or footer.
	if _, err := chromedp.Call(phone, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	do(t, phone, "print view", chromedp.WaitVisible("#query-code"), chromedp.WaitNotVisible("#copy-codes"), chromedp.WaitNotVisible("#copy-status"),
		chromedp.WaitNotVisible("#to-progress"), chromedp.WaitNotVisible(".site-footer"))
	shot(t, phone, "citizen-report-done-print")
	if _, err := chromedp.Call(phone, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// 查看办理进度: the query form is filled in, and the code is left in no address.
	do(t, phone, "to the progress", chromedp.Click("#to-progress"), chromedp.WaitVisible("#code"),
		until(`document.getElementById("code").value !== ""`))
	gotNo, _ := chromedp.Run(phone, chromedp.Value("#ticket_no"))
	gotCode, _ := chromedp.Run(phone, chromedp.Value("#code"))
	loc, _ := chromedp.Run(phone, chromedp.Location())
	if gotNo != no || gotCode != code || strings.Contains(loc, code) {
		t.Fatalf("query form %q %q at %q", gotNo, gotCode, loc)
	}
	// 查询: the form is posted, the ticket shows, and the address still holds no code.
	do(t, phone, "query", chromedp.Click(`form[action="/query"] button[type=submit]`), chromedp.WaitVisible("#report"))
	if loc, _ := chromedp.Run(phone, chromedp.Location()); strings.Contains(loc, code) || !strings.HasSuffix(loc, "/query#report") {
		t.Fatalf("the ticket's page is at %q", loc)
	}
	if !strings.Contains(text(t, phone, "#report h2"), no) {
		t.Fatalf("the page shows %q", text(t, phone, "#report h2"))
	}
}

// until waits for a script's expression to be true.
func until(expression string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expression)(ctx, t)
		return err
	})
}

// slowTap presses on the middle of the element sel selects, waits until the script's expression
// is true, and only then lifts: a finger that rests while the page answers what the press began.
func slowTap(sel, settled string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		at, err := chromedp.Evaluate[[]float64](`(function () {
			var e = document.querySelector('`+sel+`'); e.scrollIntoView({block: "center"});
			var r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];
		})()`)(ctx, t)
		if err != nil {
			return err
		}
		if _, err := chromedp.MouseEvent(chromedp.MousePressed, at[0], at[1], chromedp.ButtonLeft, chromedp.ClickCount(1))(ctx, t); err != nil {
			return err
		}
		if _, err := until(settled)(ctx, t); err != nil {
			return err
		}
		_, err = chromedp.MouseEvent(chromedp.MouseReleased, at[0], at[1], chromedp.ButtonLeft, chromedp.ClickCount(1))(ctx, t)
		return err
	})
}

// emptied empties the input with the id, as a citizen selecting all and deleting does.
func emptied(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(document.getElementById("`+id+`").value = "", true)`)(ctx, t)
		return err
	})
}
