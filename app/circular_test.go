package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc"
	"zhaocuo/models/circulardoc/doctest"
	"zhaocuo/models/storetest"
)

// `app circular` as an issuer runs it: the demo's 四川省 in each format, and bad arguments
// refused with a message and exit code 2 before anything is written.
func TestCircularCommand(t *testing.T) {
	getenv := env(t, true, "DEMO_PASSWORD", "demo-circular-2025")
	ctx := context.Background()
	if code := run(ctx, []string{"seed", "--demo"}, new(bytes.Buffer), new(bytes.Buffer), getenv); code != 0 {
		t.Fatalf("seed: exit %d", code)
	}
	dir := t.TempDir()
	for _, format := range []string{"json", "html", "docx", "xlsx"} {
		out := filepath.Join(dir, "circular."+format)
		var stderr bytes.Buffer
		if code := run(ctx, []string{"circular", "--region", "四川省", "--period", "2025Q1", "--format", format, "--out", out}, new(bytes.Buffer), &stderr, getenv); code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr.String())
		}
		data, err := os.ReadFile(out)
		if err != nil || len(data) == 0 {
			t.Fatalf("%s: %v, %d bytes", format, err, len(data))
		}
		switch format {
		case "json":
			var c struct {
				Figures models.CircularFigures `json:"figures"`
				Text    models.CircularText    `json:"text"`
			}
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatal(err)
			}
			if c.Figures.RegionCode != "510000" || c.Figures.Websites.Running == 0 || c.Text.Issuer != "四川省人民政府办公厅" || strings.Contains(c.Text.Overview, "{{") {
				t.Errorf("json: %+v %+v", c.Figures, c.Text)
			}
		case "html":
			if !strings.Contains(string(data), "关于2025年第一季度全省政府网站与政务新媒体检查情况的通报") {
				t.Error("html lacks the title")
			}
		case "docx", "xlsx":
			if !bytes.HasPrefix(data, []byte("PK")) {
				t.Errorf("%s is not a zip package", format)
			}
		}
	}
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no region", []string{"--period", "2025Q1"}, "--region"},
		{"no period", []string{"--region", "四川省"}, "--period"},
		{"unknown region", []string{"--region", "火星省", "--period", "2025Q1"}, "火星省"},
		{"bad period", []string{"--region", "510000", "--period", "2025Q9"}, "--period"},
		{"bad format", []string{"--region", "510000", "--period", "2025Q1", "--format", "pdf"}, "--format"},
		{"bad decimals", []string{"--region", "510000", "--period", "2025Q1", "--decimals", "9"}, "--decimals"},
		{"unknown flag", []string{"--region", "510000", "--period", "2025Q1", "--colour"}, "colour"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name+".html")
			var stderr bytes.Buffer
			code := run(ctx, append([]string{"circular", "--out", out}, tt.args...), new(bytes.Buffer), &stderr, getenv)
			if code != 2 || !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, stderr.String(), tt.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a file was written")
			}
		})
	}
}

// sichuanQ1 drafts the demo's 四川省 2025 Q1 circular.
func sichuanQ1(t *testing.T) *models.Circular {
	t.Helper()
	clock := storetest.NewClock("2025-01-02 09:00:00")
	s := storetest.Open(t, clock)
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx, "demo-pass-123"); err != nil {
		t.Fatal(err)
	}
	storetest.SichuanTickets(t, s, clock)
	sc, _ := s.FindRegion(ctx, "四川省")
	c, err := s.DraftCircular(ctx, storetest.SichuanInspection(t, s), models.CircularRequest{Region: sc, Period: "2025Q1", Cutoff: "2025-03-20"})
	if err != nil {
		t.Fatal(err)
	}
	c.Text.DocNumber = "川办便函〔2025〕78号"
	return c
}

// moreRequirements is a paragraph of 下步要求 the tests add to move the text's end down the page.
const moreRequirements = "\n（四）举一反三。各单位要对照本次检查发现的问题，逐项整改到位，并举一反三全面自查。"

// circularPrinter returns a function that prints a circular's HTML from the browser as a clerk
// would (served with its CSP) and returns the PDF.
func circularPrinter(t *testing.T) func(*models.Circular) []byte {
	tab := browser(t)()
	var page []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", circulardoc.ContentSecurityPolicy)
		w.Write(page)
	}))
	t.Cleanup(srv.Close)
	return func(c *models.Circular) []byte {
		var html bytes.Buffer
		if err := circulardoc.WriteHTML(&html, circulardoc.Layout(c)); err != nil {
			t.Fatal(err)
		}
		page = html.Bytes()
		do(t, tab, "open the circular", chromedp.Navigate(srv.URL), chromedp.WaitReady(".sheet"))
		pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
}

// Printed from the browser, however long the text, the signature and the date never stand alone
// on a page: 下步要求 grows a paragraph at a time across the point where, unkept, they would be
// pushed over (with Debian's Noto CJK fonts); the test checks that its window holds that point.
func TestCircularPrintKeepsTheSignatureWithText(t *testing.T) {
	printHTML := circularPrinter(t)
	c := sichuanQ1(t)
	base := c.Text.Requirements
	var datePages []int
	date := models.ChineseDate(c.Text.IssueDate)
	for n := 3; n <= 6; n++ { // unkept, n = 4 and 5 leave them alone
		c.Text.Requirements = base + strings.Repeat(moreRequirements, n)
		pages := doctest.PDFPages(t, printHTML(c))
		doctest.CheckPages(t, pages, c.Text.Issuer, date, nil)
		for i, p := range pages {
			if strings.Contains(strings.ReplaceAll(p, " ", ""), date+"\n") {
				datePages = append(datePages, i+1)
				break
			}
		}
	}
	if len(datePages) != 4 || datePages[0] == datePages[3] {
		t.Errorf("the date is on pages %v as the text grows: the window does not cross a page break", datePages)
	}
}

// Printed from the browser, the 版记 sits at the foot of the last page (GB/T 9704-2012 7.4.1: its
// last rule on the 版心's bottom edge), nothing between it and the text but blank space; when it no
// longer fits below the date it goes to the foot of a page of its own. 下步要求 grows across that
// point, in a circular without an attachment.
func TestCircularPrintPutsTheColophonAtTheFoot(t *testing.T) {
	printHTML := circularPrinter(t)
	c := sichuanQ1(t)
	c.Figures.WebsiteRows, c.Figures.AccountRows = nil, nil
	c.Text.CC = "省委办公厅，省人大常委会办公厅，省政协办公厅。"
	c.Text.PrintOffice, c.Text.PrintDate = "四川省人民政府办公厅", "2025-03-26"
	colophon := []string{"抄送：省委办公厅，省人大常委会办公厅，省政协办公厅。", "四川省人民政府办公厅2025年3月26日印发"}
	base := c.Text.Requirements
	var colophonPages []int
	for n := 0; n <= 6; n += 2 {
		c.Text.Requirements = base + strings.Repeat(moreRequirements, n)
		pdf := printHTML(c)
		pages := doctest.PDFPages(t, pdf)
		doctest.CheckPages(t, pages, c.Text.Issuer, models.ChineseDate(c.Text.IssueDate), colophon)
		doctest.CheckColophonAtFoot(t, pdf, "抄送：")
		colophonPages = append(colophonPages, len(pages))
	}
	if colophonPages[0] == colophonPages[len(colophonPages)-1] {
		t.Errorf("the 版记 is on pages %v as the text grows: the window does not cross a page break", colophonPages)
	}
}

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]`)

// The 四川省 2025 Q1 circular, rendered by headless Chromium: printed, every page is A4
// (595 × 842 pt, the size the print CSS asks for), the attachment on a page of its own, each page
// numbered "— N —" on its outside corner, the signature never alone, the 版记 at the end; the same
// pages as its DOCX printed by LibreOffice. On the screen the sheet is 210 mm wide.
// EXAMPLES_DIR=docs keeps the PDF and PNG.
func TestCircularPrintsOnA4(t *testing.T) {
	newTab := browser(t)
	c := sichuanQ1(t)
	c.Text.CC = "省委办公厅，省人大常委会办公厅，省政协办公厅。"
	c.Text.PrintOffice, c.Text.PrintDate = "四川省人民政府办公厅", "2025-03-26"
	var html, docx bytes.Buffer
	if err := circulardoc.WriteHTML(&html, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	if err := circulardoc.WriteDOCX(&docx, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(html.Bytes())
	}))
	defer srv.Close()
	tab := newTab()
	do(t, tab, "open the circular", chromedp.EmulateViewport(900, 1200), chromedp.Navigate(srv.URL))
	do(t, tab, "see the sheet", chromedp.WaitReady(".sheet table"))
	width, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.querySelector(".sheet").getBoundingClientRect().width`))
	if err != nil {
		t.Fatal(err)
	}
	if a4 := 210 / 25.4 * 96; math.Abs(width-a4) > 1 {
		t.Errorf("the sheet is %.1f px wide on screen, want A4's %.1f", width, a4)
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	boxes := mediaBox.FindAllSubmatch(pdf, -1)
	if len(boxes) < 2 {
		t.Fatalf("%d pages, want the circular and its attachment", len(boxes))
	}
	for i, m := range boxes {
		x0, _ := strconv.ParseFloat(string(m[1]), 64)
		y0, _ := strconv.ParseFloat(string(m[2]), 64)
		x1, _ := strconv.ParseFloat(string(m[3]), 64)
		y1, _ := strconv.ParseFloat(string(m[4]), 64)
		if math.Abs(x1-x0-595.3) > 1.5 || math.Abs(y1-y0-841.9) > 1.5 {
			t.Errorf("page %d is %.1f × %.1f pt, want A4 (595.3 × 841.9)", i+1, x1-x0, y1-y0)
		}
	}
	colophon := []string{"抄送：省委办公厅，省人大常委会办公厅，省政协办公厅。", "四川省人民政府办公厅2025年3月26日印发"}
	printed := doctest.PDFPages(t, pdf)
	doctest.CheckPages(t, printed, c.Text.Issuer, models.ChineseDate(c.Text.IssueDate), colophon)
	doctest.CheckColophonAtFoot(t, pdf, "抄送：")
	wordPDF := doctest.DOCXToPDF(t, docx.Bytes())
	doctest.CheckColophonAtFoot(t, wordPDF, "抄送：")
	word := doctest.PDFPages(t, wordPDF)
	if len(word) != len(printed) {
		t.Errorf("printed from the browser %d pages, from the DOCX in LibreOffice %d", len(printed), len(word))
		for i, p := range printed {
			t.Logf("HTML %d:\n%s", i+1, p)
		}
		for i, p := range word {
			t.Logf("DOCX %d:\n%s", i+1, p)
		}
	}
	if dir := os.Getenv("EXAMPLES_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "circular-example.pdf"), pdf, 0o644)
		os.WriteFile(filepath.Join(dir, "circular-example.png"), png, 0o644)
	}
}

// The supervisor drafts the quarter's circular in the browser, edits 总体情况 around a
// placeholder, saves, and opens the 公文 preview, whose style sheet the page's CSP lets through.
func TestCircularEditedInTheBrowser(t *testing.T) {
	newTab := browser(t)
	base, _ := startDemo(t)

	tab := newTab()
	signIn(t, tab, base, "sc-supervisor")
	do(t, tab, "open the circulars", chromedp.Navigate(base+"/staff/circulars"), chromedp.WaitVisible("#new-circular"))
	do(t, tab, "draft", chromedp.Click(`#new-circular button[type="submit"]`), chromedp.WaitVisible("#circular-text"))
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector(".flash-ok").remove(), true`)); err != nil {
		t.Fatal(err) // the draft's flash; the save's comes after the next page load
	}
	do(t, tab, "edit and save",
		chromedp.SetValue("#t-overview", "（一）政府网站。在运行的政府网站{{网站运行数}}个。"),
		chromedp.SetValue("#t-doc_number", "川办便函〔2026〕1号"),
		chromedp.Click(`#circular-text button[type="submit"]`), chromedp.WaitVisible(".flash-ok"))
	if got := text(t, tab, ".flash-ok"); got != "已保存" {
		t.Fatalf("flash %q", got)
	}
	shot(t, tab, "supervisor-circular")
	href, err := chromedp.Run(tab, chromedp.AttributeValue(`a[href$="/document"]`, "href"))
	if err != nil {
		t.Fatal(err)
	}
	preview := newTab()
	signIn(t, preview, base, "sc-supervisor")
	do(t, preview, "preview", chromedp.Navigate(base+href.Value), chromedp.WaitReady(".sheet"))
	if got := text(t, preview, ".docno"); got != "川办便函〔2026〕1号" {
		t.Errorf("文号 %q", got)
	}
	if got := text(t, preview, "section p"); !strings.HasPrefix(got, "（一）政府网站。在运行的政府网站") || strings.Contains(got, "{{") {
		t.Errorf("first paragraph %q", got)
	}
	size, err := chromedp.Run(preview, chromedp.Evaluate[string](`getComputedStyle(document.body).fontSize`))
	if err != nil || size != "21.3333px" {
		t.Errorf("body font size %q (%v): the style sheet did not apply (16pt = 21.3333px)", size, err)
	}
}

// `app circular` reads the inspection tables: a veto the inspector recorded for one 四川 site in
// the quarter fails it, names it in the 附件 and takes it off 合格率.
func TestCircularCommandReadsTheInspection(t *testing.T) {
	getenv := env(t, true, "DEMO_PASSWORD", "demo-circular-2025")
	ctx := context.Background()
	if code := run(ctx, []string{"seed", "--demo"}, new(bytes.Buffer), new(bytes.Buffer), getenv); code != 0 {
		t.Fatalf("seed: exit %d", code)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	store, err := models.Open(ctx, cfg.dialect, cfg.dsn, models.SystemClock{}, models.Options{Events: &storetest.Events{}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	round, ids, err := storetest.StartRound(ctx, store, models.RoundOnDemand, models.Scope{All: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := storetest.At("2025-02-10 10:00")
	checked := ids[:2]
	for i, id := range checked {
		out := models.SiteOutcome{StartedAt: at, FinishedAt: at.Add(time.Hour)}
		if i == 0 {
			out.Findings = []models.Finding{{Type: "hidden_link", Indicator: "安全、泄密事故等严重问题", URL: "https://x.gov.cn/",
				Page: "https://x.gov.cn/old.html", Target: "https://bet.example/", Evidence: "隐藏方式：display:none", Veto: true,
				FindingKey: "hidden_link:1", SeenAt: at}}
		}
		if err := store.FinishSite(ctx, round.ID, id, out); err != nil {
			t.Fatal(err)
		}
	}
	failing, err := store.InspectionSite(ctx, checked[0])
	if err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"circular", "--region", "四川省", "--period", "2025Q1", "--format", "json"}, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var c struct {
		Figures models.CircularFigures `json:"figures"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	w := c.Figures.Websites
	if w.Checked != 2 || w.WithProblems != 1 || w.PassRate != "50.00%" {
		t.Errorf("websites: %+v", w)
	}
	rows := c.Figures.WebsiteRows
	if len(rows) != 1 || rows[0].Name != failing.Name || rows[0].Unit != failing.UnitName || rows[0].Problems != "页面被加挂非法暗链" {
		t.Errorf("附件 rows: %+v; want %s (%s)", rows, failing.Name, failing.UnitName)
	}
}
