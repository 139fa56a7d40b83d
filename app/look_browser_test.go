package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
)

// oddControls measures the visible buttons and fields of the page the tab shows and describes
// each that looks wrong: a button much wider or taller than its words (stretched over a grid cell),
// a field whose text is smaller than the page's 16px or shorter than a finger (left unstyled), a
// field the browser draws in its own language (type=date, type=file).
const oddControls = `(() => {
  const odd = [];
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  for (const b of document.querySelectorAll("main button, main .button")) {
    if (!visible(b)) continue;
    const r = b.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(b);
    const words = range.getBoundingClientRect().width;
    if (r.width > Math.max(words + 80, 170) || r.height > 60)
      odd.push("button " + JSON.stringify(b.textContent.trim()) + " is " + Math.round(r.width) + "×" + Math.round(r.height) + " for words " + Math.round(words) + " wide");
  }
  for (const f of document.querySelectorAll("main input, main select, main textarea")) {
    if (["hidden", "checkbox", "radio"].includes(f.type)) continue;
    if (f.type === "date" || f.type === "file") {
      if (f.type === "date" || f.getBoundingClientRect().width > 1) odd.push(f.type + " field #" + f.id + " is drawn by the browser in its own language");
      continue;
    }
    if (!visible(f)) continue;
    const s = getComputedStyle(f), h = f.getBoundingClientRect().height;
    if (parseFloat(s.fontSize) < 16 || h < 40) odd.push(f.type + " field #" + f.id + " has " + s.fontSize + " text and is " + Math.round(h) + "px tall");
  }
  return odd;
})()`

func checkControls(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	odd, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](oddControls))
	if err != nil {
		t.Fatalf("%s: measure the controls: %v", page, err)
	}
	if len(odd) > 0 {
		t.Errorf("%s:\n  %s", page, strings.Join(odd, "\n  "))
	}
}

// The buttons, fields and cells of the staff forms look like the rest of the site on a desktop:
// buttons as wide as their words, fields in the page's type size, dates asked as 年-月-日, the
// progress of a round said once.
func TestStaffControlsLookRightInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	if _, _, err := store.StartRound(context.Background(), models.RoundOnDemand, models.Scope{All: true}, nil); err != nil {
		t.Fatal(err)
	}
	sub, err := store.SubmitReport(context.Background(), models.Report{PageURL: "https://www.unregistered.example.cn/a.html",
		Category: "内容不准确", Description: "页面上公布的办事电话已经停用，请更新。"})
	if err != nil {
		t.Fatal(err)
	}

	sup := newTab()
	signIn(t, sup, base, "sc-supervisor")
	for _, p := range []string{"/staff", "/staff/tickets/" + sub.Ticket.TicketNo, "/staff/circulars", "/staff/stats", "/staff/tickets", "/staff/audit", "/staff/rectifications", "/account", "/staff/inspection"} { // the round list last: its cell is read below
		do(t, sup, "open "+p, chromedp.Navigate(base+p), chromedp.WaitVisible("#main"))
		checkControls(t, sup, p)
	}
	// The cell's whole text, as a screen reader or a copy reads it, not only what is drawn.
	if got, err := chromedp.Run(sup, chromedp.Evaluate[string](`document.querySelector("#rounds tbody td:nth-child(4)").textContent.trim()`)); err != nil ||
		!regexp.MustCompile(`^\d+%$`).MatchString(got) {
		t.Errorf("the round's progress cell reads %q (%v)", got, err)
	}
	do(t, sup, "open the circulars", chromedp.Navigate(base+"/staff/circulars"), chromedp.WaitVisible("#c-cutoff"))
	if ph, err := chromedp.Run(sup, chromedp.Evaluate[string](`document.querySelector("#c-cutoff").placeholder`)); err != nil || ph != "年-月-日" {
		t.Errorf("the date field asks for %q (%v)", ph, err)
	}
	// It takes what the server reads (YYYY-MM-DD) and refuses another spelling before sending.
	valid, err := chromedp.Run(sup, chromedp.Evaluate[[]bool](`["2026-01-31", "2026/1/31"].map(v => {
		const f = document.querySelector("#c-cutoff"); f.value = v; return f.checkValidity(); })`))
	if err != nil || len(valid) != 2 || !valid[0] || valid[1] {
		t.Errorf("the date field's validity of 2026-01-31 and 2026/1/31: %v (%v)", valid, err)
	}

	admin := newTab()
	signIn(t, admin, base, "admin")
	for _, p := range []string{"/admin/users", "/admin/registry", "/admin/registry/units", "/admin/calendar", "/admin/settings", "/admin/webhooks", "/admin/inspection/rules", "/admin/registry/import"} {
		do(t, admin, "open "+p, chromedp.Navigate(base+p), chromedp.WaitVisible("#main"))
		checkControls(t, admin, p)
	}
}

// The citizen's screenshot field reads 选择图片 and, once a picture is chosen, its name; the
// browser's own "Choose File / No file chosen" is never shown.
func TestFileFieldInChineseInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, _ := startDemo(t)
	phone := newTab()
	do(t, phone, "open the report form",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#captcha_answer"))
	field := `(() => { const b = document.querySelector("label[for=screenshot].file-button"), n = document.querySelector(".file-pick .file-name");
		return (b ? b.textContent : "no 选择图片 label") + " / " + (n ? n.textContent : "no file name"); })()`
	if got, err := chromedp.Run(phone, chromedp.Evaluate[string](field)); err != nil || got != "选择图片 / 未选择文件" {
		t.Fatalf("before a choice the screenshot field reads %q (%v)", got, err)
	}
	file := filepath.Join(t.TempDir(), "页面截图.png")
	if err := os.WriteFile(file, pngBytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, phone, "choose a picture", chromedp.SetUploadFiles("#screenshot", []string{file}))
	if got, err := chromedp.Run(phone, chromedp.Evaluate[string](field)); err != nil || got != "选择图片 / 页面截图.png" {
		t.Fatalf("after a choice the screenshot field reads %q (%v)", got, err)
	}
}
