package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zhaocuo/models"
)

// axeDefault is where `npm ci --prefix .ci/axe` (run by .ci/run) puts axe-core, seen from this
// package's directory; AXE_CORE_JS names another copy of axe.min.js.
const axeDefault = "../.ci/axe/node_modules/axe-core/axe.min.js"

// axeSource is axe-core's script. The product never fetches it: it is a test tool, pinned in
// .ci/axe/package-lock.json. Without it the accessibility tests fail, unless AXE_SKIP=1 says on
// purpose that they are not to run here.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		path = axeDefault
	}
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("AXE_SKIP") == "1" {
		t.Skip("AXE_SKIP=1: the accessibility checks with axe-core are not run")
	}
	if err != nil {
		t.Fatalf("axe-core is needed for the accessibility tests: run `npm ci --prefix .ci/axe` in the repository "+
			"(or set AXE_CORE_JS to an axe.min.js; AXE_SKIP=1 skips these tests on purpose): %v", err)
	}
	return string(src)
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the page the tab shows and fails on every serious or critical
// violation of WCAG 2.x A and AA, the level GB/T 37668 asks of government sites.
func checkA11y(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	// A page still loading (a POST's answer, say) would take axe-core away with it.
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.readyState === "complete"`)); err != nil {
		t.Fatalf("%s: wait for the page to load: %v", page, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("%s: load axe-core: %v", page, err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", page, err)
	}
	var bad []string
	for _, v := range found {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		line := fmt.Sprintf("%s (%s) %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
		if v.Impact != "serious" && v.Impact != "critical" {
			t.Logf("%s: %s", page, line) // to mend, though the standard's level does not hang on it
			continue
		}
		bad = append(bad, line)
	}
	if len(bad) > 0 {
		t.Errorf("%s: %d serious or critical accessibility violations:\n  %s", page, len(bad), strings.Join(bad, "\n  "))
	}
}

// Every page a citizen meets, and the pages staff work in every day, pass axe-core's WCAG A/AA
// checks with nothing serious or critical: on a phone for the public, on a desktop for staff.
func TestAccessibilityOfThePagesInTheBrowser(t *testing.T) {
	axe := axeSource(t)
	newTab := browser(t)
	base, store := startDemo(t)
	sub, err := store.SubmitReport(context.Background(), models.Report{PageURL: "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml",
		Category: "链接不可用", Description: "“通知公告”栏目第二页的链接打开后显示404，请尽快修复。"})
	if err != nil {
		t.Fatal(err)
	}
	no := sub.Ticket.TicketNo
	round, _, err := store.StartRound(context.Background(), models.RoundOnDemand, models.Scope{All: true}, nil)
	if err != nil {
		t.Fatal(err)
	}

	phone := newTab()
	do(t, phone, "phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, ready string }{
		{"/", "#captcha_answer"},
		{"/query", "main form"},
		{"/query?ticket_no=" + no + "&code=" + sub.QueryCode, "#ticket-no, .ticket-title, main h1"},
		{"/replies", "main h1"},
		{"/login", "#username"},
		{"/no-such-page", "main h1"},
	} {
		do(t, phone, "open "+p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.ready))
		checkA11y(t, phone, axe, p.path)
	}
	// Submitted by script, once: a key or a click on the emulated phone could send it twice, and
	// the second page load then cut axe's run short (the keyboard's own test is below).
	do(t, phone, "send the form empty", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#captcha_answer"),
		chromedp.Submit(`form[action^="/report"]`), chromedp.WaitVisible("#form-error"))
	checkA11y(t, phone, axe, "the refused form")

	for _, who := range []struct {
		user  string
		pages []string
	}{
		{"gzw-staff", []string{"/staff", "/staff/tickets", "/staff/tickets/" + no, "/staff/stats", "/notifications", "/account"}},
		{"sc-supervisor", []string{"/staff", "/staff/tickets", "/staff/tickets/" + no, "/staff/stats", "/staff/circulars", "/staff/inspection", "/staff/rectifications", "/staff/audit",
			fmt.Sprintf("/staff/inspection/rounds/%d", round.ID), "/staff/inspection/accounts", "/staff/inspection/appeals"}},
		{"admin", []string{"/admin", "/admin/users", "/admin/registry", "/admin/calendar", "/admin/settings", "/admin/webhooks", "/admin/inspection/rules",
			"/admin/registry/units", "/admin/registry/websites", "/admin/registry/users", "/admin/registry/import", "/admin/inspection/precision", "/account/password"}},
	} {
		tab := newTab()
		signIn(t, tab, base, who.user)
		for _, p := range who.pages {
			do(t, tab, who.user+" opens "+p, chromedp.Navigate(base+p), chromedp.WaitVisible("#main"))
			checkA11y(t, tab, axe, who.user+" "+p)
		}
	}
}

// focusOn presses keys and checks that the focus is then on the element sel matches.
func focusOn(t *testing.T, ctx context.Context, keys, sel string) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("press %q to %s", keys, sel), chromedp.KeyEvent(keys))
	on, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`document.activeElement.matches(%q) ? "" : document.activeElement.outerHTML.slice(0, 120)`, sel)))
	if err != nil || on != "" {
		t.Fatalf("after %q the focus is not on %s but on %s (%v)", keys, sel, on, err)
	}
}

// A citizen who uses no mouse reaches the form past the header by the skip link, fills it in
// with the keyboard alone, sends it and reads the success page, which passes axe-core too.
func TestCitizenFormByKeyboardInTheBrowser(t *testing.T) {
	axe := axeSource(t)
	newTab := browser(t)
	base, store := startDemo(t)
	tab := newTab()
	do(t, tab, "open the report form", chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#captcha_answer"))
	captchaID, err := chromedp.Run(tab, chromedp.Value("#captcha_id"))
	if err != nil {
		t.Fatal(err)
	}
	var answer string
	if err := store.SQLDB().QueryRow("SELECT answer FROM captchas WHERE id = ?", captchaID).Scan(&answer); err != nil {
		t.Fatal(err)
	}

	focusOn(t, tab, kb.Tab, "a.skip")
	do(t, tab, "follow the skip link", chromedp.KeyEvent(kb.Enter)) // the next Tab starts in main
	focusOn(t, tab, kb.Tab, "#page_url")
	do(t, tab, "type the address", chromedp.KeyEvent("https://gzw.sc.gov.cn/scsgzw/c100/list.shtml"))
	focusOn(t, tab, kb.Tab, "#category")
	do(t, tab, "choose a category", chromedp.KeyEvent(kb.ArrowDown))
	focusOn(t, tab, kb.Tab, "#description")
	do(t, tab, "describe", chromedp.KeyEvent("The second page of the notices gives 404, please fix it."))
	focusOn(t, tab, kb.Tab, "#screenshot")
	// The hidden file input shows its focus on the 选择图片 label drawn for it.
	if outline, err := chromedp.Run(tab, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("label.file-button")).outlineStyle`)); err != nil || outline != "solid" {
		t.Fatalf("the focused file field shows no focus ring: outline %q (%v)", outline, err)
	}
	focusOn(t, tab, kb.Tab, "#contact_phone")
	focusOn(t, tab, kb.Tab, "#contact_email")
	do(t, tab, "type the e-mail", chromedp.KeyEvent("citizen@example.cn"))
	focusOn(t, tab, kb.Tab, "#captcha_answer")
	do(t, tab, "type the captcha", chromedp.KeyEvent(answer))
	focusOn(t, tab, kb.Tab, "#captcha-refresh")
	focusOn(t, tab, kb.Tab, "button[type=submit].primary")
	do(t, tab, "send with Enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#ticket-no"))
	if no := text(t, tab, "#ticket-no"); !regexp.MustCompile(`^ZC\d{14}$`).MatchString(no) {
		t.Fatalf("the success page shows ticket %q", no)
	}
	checkA11y(t, tab, axe, "/report/done")
}
