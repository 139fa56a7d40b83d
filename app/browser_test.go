package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// browser starts Debian's Chromium headless (installed by .ci/run; never a tool's own download)
// and returns a context for a fresh, cookie-less browser.
func browser(t *testing.T) (newTab func() context.Context) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it): browser tests not run")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return func() context.Context {
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
		t.Cleanup(cancelTimeout)
		return ctx
	}
}

// startDemo runs the whole program on a fresh SQLite file with the demo, and returns its address
// and a second connection to its database (to set up what a test needs as other people would).
func startDemo(t *testing.T) (base string, store *models.Store) {
	t.Helper()
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn", "DEMO_PASSWORD": "demo-pass-123"}[k]
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- Run(runCtx, cfg, io.Discard, newLogger(cfg, io.Discard), models.SystemClock{}, func(a string) { addrc <- a })
	}()
	t.Cleanup(func() { stop(); <-done })
	base = "http://" + <-addrc
	store, err = models.Open(context.Background(), cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: &storetest.Events{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return base, store
}

// shot saves a screenshot under SCREENSHOTS_DIR (docs/screenshots when refreshing the README's
// pictures); without it the screenshot is still taken, proving the page renders.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv("SCREENSHOTS_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond)) }()
	if err := chromedp.Do(ctx, steps...); err != nil {
		if dir := os.Getenv("SCREENSHOTS_DIR"); dir != "" {
			shotCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(dir, "failed.png"), png, 0o644)
			}
			cancel()
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// A citizen reports on a phone, the unit's staff replies, the reviewer approves, and the citizen
// reads the reply and rates it: in a real browser, against the whole program.
func TestCitizenToReviewerInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, store := startDemo(t)
	dir := t.TempDir()

	// The citizen, on a phone-sized screen.
	phone := newTab()
	do(t, phone, "open the report form",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#captcha_answer"))
	shot(t, phone, "citizen-report-form")
	captchaID, err := chromedp.Run(phone, chromedp.Value("#captcha_id"))
	if err != nil {
		t.Fatal(err)
	}
	var answer string
	if err := store.SQLDB().QueryRow("SELECT answer FROM captchas WHERE id = ?", captchaID).Scan(&answer); err != nil {
		t.Fatal(err)
	}
	screenshotFile := filepath.Join(dir, "shot.png")
	os.WriteFile(screenshotFile, pngBytes(), 0o644)
	do(t, phone, "fill in and send the form",
		chromedp.SendKeys("#page_url", "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml"),
		chromedp.SetValue("#category", "链接不可用"),
		chromedp.SendKeys("#description", "“通知公告”栏目第二页的链接打开后显示404，请尽快修复。"),
		chromedp.SetUploadFiles("#screenshot", []string{screenshotFile}),
		chromedp.SendKeys("#contact_email", "citizen@example.cn"),
		chromedp.SendKeys("#captcha_answer", answer),
		chromedp.Click("button.primary"),
		chromedp.WaitVisible("#ticket-no"))
	shot(t, phone, "citizen-report-done")
	ticketNo, code := text(t, phone, "#ticket-no"), text(t, phone, "#query-code")
	if !regexp.MustCompile(`^ZC\d{14}$`).MatchString(ticketNo) || len(code) != 8 {
		t.Fatalf("done page shows %q / %q", ticketNo, code)
	}

	// The unit's staff signs in, finds it in the inbox, accepts and replies.
	staff := newTab()
	signIn(t, staff, base, "gzw-staff")
	if !strings.Contains(text(t, staff, ".ticket-list"), ticketNo) {
		t.Fatal("the ticket is not in the unit's inbox")
	}
	shot(t, staff, "staff-desk")
	do(t, staff, "open the ticket", chromedp.Navigate(base+"/staff/tickets/"+ticketNo), chromedp.WaitVisible("#actions"))
	do(t, staff, "accept", chromedp.Click(`form[action$="/accept"] button`), chromedp.WaitVisible(".flash-ok"))
	do(t, staff, "reply",
		chromedp.SendKeys("#reply-text", "经核实，该链接因栏目调整失效，现已修复。如有疑问请致电028-86601234。"),
		chromedp.Click(`input[name="confirmed"][value="1"]`),
		chromedp.Click(`form[action$="/reply"] button`), chromedp.WaitVisible("#reply"))
	if got := text(t, staff, ".ticket-title .status"); got != "待审核" {
		t.Fatalf("after replying the status is %q", got)
	}

	// The reviewer sees the personal data that will be masked, and approves.
	reviewer := newTab()
	signIn(t, reviewer, base, "gzw-reviewer")
	do(t, reviewer, "open the reply", chromedp.Navigate(base+"/staff/tickets/"+ticketNo), chromedp.WaitVisible("#reply-pii"))
	if !strings.Contains(text(t, reviewer, "#reply-pii"), "028-****1234") {
		t.Fatal("the reviewer is not shown the masked phone number")
	}
	shot(t, reviewer, "reviewer-approve")
	do(t, reviewer, "approve", chromedp.Click(`form[action$="/approve"] button`), chromedp.WaitVisible(".flash-ok"))
	if got := text(t, reviewer, ".ticket-title .status"); got != "已办结" {
		t.Fatalf("after approval the status is %q", got)
	}

	// The citizen reads the reply and rates it.
	do(t, phone, "query", chromedp.Navigate(base+"/query?ticket_no="+ticketNo+"&code="+code), chromedp.WaitVisible("#reply"))
	// The reporter reads the reply in full: the unit's contact details are meant for them.
	reply := text(t, phone, "#reply .prewrap")
	if !strings.Contains(reply, "现已修复") || !strings.Contains(reply, "028-86601234") {
		t.Fatalf("the citizen reads %q", reply)
	}
	do(t, phone, "rate", chromedp.Click(`button[value="satisfied"]`), chromedp.WaitVisible(".flash-ok"))
	if !strings.Contains(text(t, phone, "#reply"), "您的评价：满意") {
		t.Fatal("the rating is not shown")
	}
	shot(t, phone, "citizen-reply")

	// The supervisor's desk, with reports no registered site covers, and the public list.
	for _, u := range []string{"https://www.example-county.cn/news/1.html", "https://www.scjt.example.cn/notice"} {
		if _, err := store.SubmitReport(context.Background(), models.Report{PageURL: u, Category: "内容不准确",
			Description: "页面上公布的办事电话已经停用，请更新。"}); err != nil {
			t.Fatal(err)
		}
	}
	sup := newTab()
	signIn(t, sup, base, "sc-supervisor")
	if !strings.Contains(text(t, sup, ".ticket-list"), "办事电话已经停用") {
		t.Fatal("the triage queue does not show the unrouted report")
	}
	shot(t, sup, "supervisor-desk")
	do(t, sup, "the rates", chromedp.Navigate(base+"/staff/stats?period=month"), chromedp.WaitVisible(".stat-cards"))
	if got := text(t, sup, ".stat.key .stat-value"); !strings.Contains(got, "100.00%") {
		t.Fatalf("按期办结率 on the rates page: %q", got)
	}
	shot(t, sup, "supervisor-stats")
	do(t, phone, "public replies", chromedp.Navigate(base+"/replies"), chromedp.WaitVisible("article.reply"))
	if published := text(t, phone, "article.reply"); !strings.Contains(published, "现已修复") || !strings.Contains(published, "028-****1234") {
		t.Fatalf("the reply in 留言选登, masked: %q", published)
	}
}

func signIn(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	do(t, ctx, "sign in as "+username,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", username), chromedp.SendKeys("#password", "demo-pass-123"),
		chromedp.Click("button.primary"), chromedp.WaitVisible(".staff-bar"))
}

// pngBytes is a small real PNG for the upload.
func pngBytes() []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"))
	return b.Bytes()
}
