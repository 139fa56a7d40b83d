package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// anotherBrowser is the same app seen from a browser without this one's cookies.
func (a *testApp) anotherBrowser() *testApp {
	b := *a
	jar, _ := cookiejar.New(nil)
	b.Client = &http.Client{Jar: jar, CheckRedirect: a.Client.CheckRedirect}
	return &b
}

// 提交成功 survives a reload in the reporter's browser: the number and code stay on the page,
// which says the code is shown only there, offers to copy both and to print the card, and leads
// to the query form with both in the fragment (never in a URL a server sees). The citizen can
// clear it.
func TestReceiptSurvivesAReload(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	resp, body := a.postReportForm(a.solvedReport(), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/report/done" {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	var receipt *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "zc_receipt" {
			receipt = c
		}
	}
	if receipt == nil || receipt.Path != "/report/done" || !receipt.HttpOnly || receipt.SameSite != http.SameSiteStrictMode || receipt.MaxAge <= 0 {
		t.Fatalf("receipt cookie: %+v", receipt)
	}
	_, first := a.get("/report/done")
	d := doc(t, first)
	no, code := d.Find("#ticket-no").Text(), d.Find("#query-code").Text()
	if no == "" || len(code) != 8 {
		t.Fatalf("done page: no=%q code=%q", no, code)
	}
	for reload := 1; reload <= 2; reload++ {
		resp, body := a.get("/report/done")
		d := doc(t, body)
		if resp.StatusCode != http.StatusOK || d.Find("#ticket-no").Text() != no || d.Find("#query-code").Text() != code {
			t.Fatalf("reload %d: %d %q %q", reload, resp.StatusCode, d.Find("#ticket-no").Text(), d.Find("#query-code").Text())
		}
	}
	if got := d.Find("#code-once").Text(); !strings.Contains(got, "查询码只在本页显示") {
		t.Errorf("the page does not say the code is shown only here: %q", got)
	}
	if got, _ := d.Find("#copy-codes").Attr("data-copy"); !strings.Contains(got, no) || !strings.Contains(got, code) {
		t.Errorf("the copy button copies %q", got)
	}
	if d.Find("#print-receipt").Length() != 1 {
		t.Error("no print button")
	}
	href, _ := d.Find("#to-progress").Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Path != "/query" || u.RawQuery != "" {
		t.Fatalf("查看办理进度 leads to %q", href)
	}
	if frag, _ := url.ParseQuery(u.Fragment); frag.Get("ticket_no") != no || frag.Get("code") != code {
		t.Errorf("查看办理进度 carries %q", u.Fragment)
	}
	// A forged or altered cookie shows nothing.
	forged := a.anotherBrowser()
	base, _ := url.Parse(a.URL + "/report/done")
	forged.Client.Jar.SetCookies(base, []*http.Cookie{{Name: "zc_receipt", Value: strings.Replace(receipt.Value, ".", "x.", 1), Path: "/report/done"}})
	if resp, _ := forged.get("/report/done"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a forged receipt: %d", resp.StatusCode)
	}
	// Cleared, it is gone.
	if resp, _ := a.postValues("/report/done/forget", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forget: %d", resp.StatusCode)
	}
	if resp, _ := a.get("/report/done"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/query" {
		t.Errorf("after clearing: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
