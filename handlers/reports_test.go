package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

func TestReportFormShowsCategoriesAndCaptcha(t *testing.T) {
	t.Logf("backends: %s, %s", storetest.Backend(), storetest.RedisBackend())
	a := newTestApp(t, withCaptcha)
	resp, body := a.get("/?url=https://www.sc.gov.cn/a.html")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, body)
	if n := d.Find("select#category option[value]").Length(); n != 10 { // 9 categories and "请选择"
		t.Fatalf("%d category options", n)
	}
	if v, _ := d.Find("input#page_url").Attr("value"); v != "https://www.sc.gov.cn/a.html" {
		t.Fatalf("page_url not prefilled: %q", v)
	}
	if src, _ := d.Find("img#captcha-image").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatal("no captcha image")
	}
	if d.Find(`meta[name=viewport]`).Length() != 1 {
		t.Fatal("no viewport meta: not usable on a phone")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	// The stylesheet is served under its hash with a long cache.
	href, _ := d.Find(`link[rel=stylesheet]`).Attr("href")
	r, _ := a.get(href)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet %s: %d %q", href, r.StatusCode, r.Header.Get("Cache-Control"))
	}
}

func TestReportFormSubmitShowsNumberAndCodeOnce(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	f := a.solvedReport()
	f["contact_phone"] = "13800138000"
	resp, body := a.postReportForm(f, pngImage(t, 40, 30))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/report/done" {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	resp, body = a.get("/report/done")
	d := doc(t, body)
	no, code := d.Find("#ticket-no").Text(), d.Find("#query-code").Text()
	if !regexp.MustCompile(`^ZC20250325\d{6}$`).MatchString(no) || len(code) != 8 {
		t.Fatalf("done page: %d no=%q code=%q", resp.StatusCode, no, code)
	}
	if !strings.Contains(body, "四川省政府国有资产监督管理委员会") || !strings.Contains(body, "2025-03-28 23:59") {
		t.Fatal("done page does not name the unit and the deadline")
	}
	// The code is shown on this page only: another browser does not see it (the reporter's own
	// keeps it a while: TestReceiptSurvivesAReload).
	if resp, _ := a.anotherBrowser().get("/report/done"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another browser: %d", resp.StatusCode)
	}
	// The query page shows the status, the unit and the deadline.
	resp, body = a.lookUp(no, code)
	d = doc(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(d.Find("#report .status").Text(), models.CitizenStatusOf(models.StatusAssigned).Label) ||
		!strings.Contains(d.Find("#report").Text(), "四川省政府国有资产监督管理委员会") {
		t.Fatalf("query page: %d %s", resp.StatusCode, d.Find("#report").Text())
	}
	// The contact is not shown anywhere to the citizen's public view.
	if strings.Contains(body, "13800138000") {
		t.Fatal("the contact phone appears on the query page")
	}
}

func TestReportFormErrorsKeepWhatWasTyped(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	tests := []struct {
		name   string
		change func(f map[string]string)
		field  string
		file   []byte
		status int
	}{
		{"short description", func(f map[string]string) { f["description"] = "太短了" }, "description", nil, 400},
		{"javascript URL", func(f map[string]string) { f["page_url"] = "javascript:alert(1)" }, "page_url", nil, 400},
		{"unknown category", func(f map[string]string) { f["category"] = "乱写" }, "category", nil, 400},
		{"bad phone", func(f map[string]string) { f["contact_phone"] = "12345" }, "contact_phone", nil, 400},
		{"wrong captcha", func(f map[string]string) { f["captcha_answer"] = "00000x" }, "captcha_answer", nil, 400},
		{"text pretending to be PNG", func(f map[string]string) {}, "screenshot", []byte("<html><script>alert(1)</script></html>"), 400},
		{"PNG header, broken body", func(f map[string]string) {}, "screenshot", []byte("\x89PNG\r\n\x1a\n garbage garbage"), 400},
		{"screenshot over 5 MB", func(f map[string]string) {}, "screenshot", append(pngImage(t, 10, 10), make([]byte, 5<<20)...), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := a.solvedReport()
			f["description"] = "页面上<script>alert('x')</script>的链接打不开了"
			tt.change(f)
			resp, body := a.postReportForm(f, tt.file)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			d := doc(t, body)
			if msg := d.Find("#" + tt.field + "-error").Text(); msg == "" {
				t.Fatalf("no message beside %s; page says %q", tt.field, d.Find(".flash, .field-error").Text())
			}
			if v, _ := d.Find("input#page_url").Attr("value"); v != f["page_url"] {
				t.Fatalf("page_url not kept: %q", v)
			}
			if v := d.Find("textarea#description").Text(); v != f["description"] {
				t.Fatalf("description not kept: %q", v)
			}
			if strings.Contains(body, "<script>alert('x')</script>") {
				t.Fatal("typed script echoed unescaped")
			}
		})
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 0 {
		t.Fatalf("%d tickets written by refused forms", n)
	}
}

func TestCaptchaCannotBeReused(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	f := a.solvedReport()
	if resp, body := a.postJSON("/api/v1/reports", jsonBody(f)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first use: %d %v", resp.StatusCode, body)
	}
	resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusBadRequest || body["field"] != "captcha_answer" {
		t.Fatalf("reuse: %d %v", resp.StatusCode, body)
	}
}

func TestQueryUnknownAndWrongCodeLookTheSame(t *testing.T) {
	a := newTestApp(t)
	_, created := a.postJSON("/api/v1/reports", jsonBody(validFields()))
	no := created["ticket_no"].(string)
	r1, b1 := a.get("/api/v1/reports/" + no + "?code=WRONGCOD")
	r2, b2 := a.get("/api/v1/reports/ZC20250325999999?code=" + created["query_code"].(string))
	if r1.StatusCode != 404 || r2.StatusCode != 404 || b1 != b2 {
		t.Fatalf("wrong code: %d %s; unknown: %d %s", r1.StatusCode, b1, r2.StatusCode, b2)
	}
	p1, _ := a.lookUp(no, "WRONGCOD")
	if p1.StatusCode != 404 {
		t.Fatalf("query page with a wrong code: %d", p1.StatusCode)
	}
}

func TestTextIsStoredAsTypedAndEscapedOnOutput(t *testing.T) {
	a := newTestApp(t)
	f := validFields()
	f["description"] = `<img src=x onerror=alert(1)> & "quotes" 和 <b>粗体</b>`
	_, created := a.postJSON("/api/v1/reports", jsonBody(f))
	no, code := created["ticket_no"].(string), created["query_code"].(string)
	_, shown := a.get("/api/v1/reports/" + no + "?code=" + code)
	if !strings.Contains(shown, `\u003cimg src=x onerror=alert(1)\u003e \u0026 \"quotes\"`) {
		t.Fatalf("API text: %s", shown)
	}
	_, page := a.lookUp(no, code)
	if strings.Contains(page, "<img src=x") || !strings.Contains(doc(t, page).Find(".prewrap").Text(), f["description"]) {
		t.Fatal("description not shown as text")
	}
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	a := newTestApp(t)
	// A browser posting from another site says so in Sec-Fetch-Site.
	resp, body := a.postFormFrom("/report", validFields(), nil, "cross-site")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "跨站") {
		t.Fatalf("cross-site post: %d %s", resp.StatusCode, body)
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 0 {
		t.Fatal("a cross-site post wrote a ticket")
	}
}
