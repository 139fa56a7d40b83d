package handlers_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
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

// The query code stays out of every address: the query form is posted, the ticket the citizen
// looked up is kept in a signed cookie of the query pages while they read, rate and follow it up
// (the screenshot included), an old link with the code in it is moved into the cookie, and 退出查询
// clears it. No address the page links to holds the code.
func TestTheQueryCodeStaysOutOfAddresses(t *testing.T) {
	a := newTestApp(t)
	no, code := a.repliedReport("已修复该页面的链接，感谢您的反馈。")

	resp, _ := a.postValues("/query", url.Values{"ticket_no": {no}, "code": {code}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/query#report" {
		t.Fatalf("query form: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var kept *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "zc_query" {
			kept = c
		}
	}
	if kept == nil || kept.Path != "/query" || !kept.HttpOnly || kept.SameSite != http.SameSiteStrictMode || kept.MaxAge <= 0 {
		t.Fatalf("query cookie: %+v", kept)
	}
	_, page := a.get("/query")
	d := doc(t, page)
	if !strings.Contains(d.Find("#report h2").Text(), no) || d.Find("#rating").Length() != 1 {
		t.Fatalf("the page does not show the ticket looked up: %q", d.Find("main").Text())
	}
	for _, attr := range []string{"href", "src", "action"} {
		d.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr(attr); strings.Contains(v, code) {
				t.Errorf("%s=%q holds the code", attr, v)
			}
		})
	}
	if v, _ := d.Find("form[action='/query'] #code").Attr("value"); v != "" {
		t.Errorf("the lookup form is filled with the code: %q", v)
	}

	// A rating goes back to the page the cookie holds, not to an address with the code.
	resp, _ = a.postValues("/query/rating", url.Values{"ticket_no": {no}, "code": {code}, "rating": {"satisfied"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/query#reply" {
		t.Fatalf("rating: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := a.get("/query"); doc(t, page).Find(".flash-ok").Length() != 1 {
		t.Fatal("no word that the rating was taken")
	}

	// 退出查询: the browser holds nothing more.
	if resp, _ := a.postValues("/query/forget", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forget: %d", resp.StatusCode)
	}
	if _, page := a.get("/query"); doc(t, page).Find("#report").Length() != 0 {
		t.Fatal("the ticket is still shown after 退出查询")
	}

	// An old link or a bookmark with the code in it: looked up, then moved into the cookie.
	b := a.anotherBrowser()
	resp, _ = b.get("/query?" + query("ticket_no", no, "code", code))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/query#report" {
		t.Fatalf("old link: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := b.get("/query"); !strings.Contains(doc(t, page).Find("#report h2").Text(), no) {
		t.Fatal("the old link does not lead to the ticket")
	}

	// A cookie altered in the browser is no ticket; a wrong code says so and keeps the number only.
	c := a.anotherBrowser()
	c.Client.Jar.SetCookies(mustURL(a.URL+"/query"), []*http.Cookie{{Name: "zc_query", Value: strings.Replace(kept.Value, ".", "x.", 1), Path: "/query"}})
	if _, page := c.get("/query"); doc(t, page).Find("#report").Length() != 0 {
		t.Fatal("an altered cookie shows a ticket")
	}
	resp, page = c.postValues("/query", url.Values{"ticket_no": {no}, "code": {"WRONGCOD"}})
	d = doc(t, page)
	if resp.StatusCode != http.StatusNotFound || d.Find(".flash-error").Length() != 1 || strings.Contains(page, "WRONGCOD") {
		t.Fatalf("wrong code: %d, page holds the code: %v", resp.StatusCode, strings.Contains(page, "WRONGCOD"))
	}
	if v, _ := d.Find("#ticket_no").Attr("value"); v != no {
		t.Errorf("the number is not kept after a miss: %q", v)
	}
	if resp, page := c.postValues("/query", url.Values{"ticket_no": {no}}); resp.StatusCode != http.StatusBadRequest || doc(t, page).Find(".flash-error").Length() != 1 {
		t.Errorf("no code: %d", resp.StatusCode)
	}
}
