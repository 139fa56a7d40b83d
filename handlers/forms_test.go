package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// A refused report form comes back at /report#form-error, so a phone's browser scrolls to the
// summary of what is wrong instead of showing the top of the page with the message far below.
func TestRefusedReportFormOpensAtItsSummary(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	_, body := a.get("/")
	if action, _ := doc(t, body).Find("form[enctype]").Attr("action"); action != "/report#form-error" {
		t.Fatalf("form action %q: a refused form would open at the top of the page", action)
	}
	id, _ := a.captcha()
	f := validFields()
	f["captcha_id"], f["captcha_answer"] = id, "00000x"
	resp, body := a.postForm("/report", f, "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, body)
	summary := d.Find("#form-error")
	if summary.Length() != 1 || summary.AttrOr("role", "") != "alert" {
		t.Fatalf("no alert with id form-error; page says %q", d.Find(".flash, .field-error").Text())
	}
	if href := summary.Find("a").AttrOr("href", ""); href != "#captcha_answer" || !strings.Contains(summary.Text(), "验证码错误或已失效") {
		t.Fatalf("summary %q links to %q", summary.Text(), href)
	}
	// The summary comes before the first field, so the view opens above every message.
	if d.Find("#form-error ~ form #page_url").Length() != 1 {
		t.Fatal("the summary is not above the form")
	}
	if action, _ := d.Find("form[enctype]").Attr("action"); action != "/report#form-error" {
		t.Fatalf("form action %q on the refused form", action)
	}
}

// An empty form is flagged in one go: every required field, not only the first.
func TestEmptyReportFormFlagsEveryMissingField(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	id, _ := a.captcha()
	resp, body := a.postForm("/report", map[string]string{"captcha_id": id, "contact_phone": "13800138000"}, "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, body)
	for _, field := range []string{"page_url", "category", "description", "captcha_answer"} {
		if d.Find("#"+field+"-error").Text() == "" {
			t.Errorf("no message beside %s", field)
		}
		if d.Find(`#form-error a[href="#`+field+`"]`).Length() != 1 {
			t.Errorf("the summary does not name %s", field)
		}
	}
	if v, _ := d.Find("input#contact_phone").Attr("value"); v != "13800138000" {
		t.Fatalf("contact_phone not kept: %q", v)
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 0 {
		t.Fatalf("%d tickets written by an empty form", n)
	}
}

// A browser never fills a file input again: when the refused form carried a screenshot, the
// page says to choose it again; when it carried none, it says nothing about it.
func TestRefusedReportFormAsksForTheScreenshotAgain(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	tests := []struct {
		name     string
		file     []byte
		change   func(f map[string]string)
		wantHint bool
	}{
		{"screenshot and wrong captcha", pngImage(t, 40, 30), func(f map[string]string) { f["captcha_answer"] = "00000x" }, true},
		{"screenshot and short description", pngImage(t, 40, 30), func(f map[string]string) { f["description"] = "太短了" }, true},
		{"screenshot and empty URL", pngImage(t, 40, 30), func(f map[string]string) { f["page_url"] = "" }, true},
		{"no screenshot", nil, func(f map[string]string) { f["captcha_answer"] = "00000x" }, false},
		// The screenshot's own message says what to do; the hint would say it twice.
		{"screenshot refused", []byte("not an image at all"), func(f map[string]string) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := a.solvedReport()
			tt.change(f)
			resp, body := a.postReportForm(f, tt.file)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", resp.StatusCode)
			}
			d := doc(t, body)
			hint := d.Find(".field #screenshot-again")
			if got := hint.Length() == 1; got != tt.wantHint {
				t.Fatalf("hint shown %v, want %v (%q)", got, tt.wantHint, hint.Text())
			}
			if tt.wantHint {
				if !strings.Contains(hint.Text(), "请重新选择截图") || d.Find("input#screenshot").AttrOr("aria-describedby", "") != "screenshot-again" {
					t.Fatalf("hint %q, input described by %q", hint.Text(), d.Find("input#screenshot").AttrOr("aria-describedby", ""))
				}
				if d.Find(`#form-error a[href="#screenshot"]`).Length() != 1 {
					t.Fatal("the summary does not mention the screenshot")
				}
			}
		})
	}
}

// A refused action on a ticket's page shows its message first, above the ticket, where a phone
// opens the page (the action forms are a screen or more below), with a link down to them.
func TestRefusedTicketActionShowsItsMessageFirst(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.loginPage("gzw-staff")
	resp, body := a.postForm("/staff/tickets/"+no+"/reply", map[string]string{"text": "太短", "confirmed": "1", "request_key": "k-short-reply"}, "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("short reply: %d", resp.StatusCode)
	}
	d := doc(t, body)
	alert := d.Find("#action-error[role=alert]")
	if !strings.Contains(alert.Text(), "答复内容") {
		t.Fatalf("action error %q", alert.Text())
	}
	if first := d.Find("main > .flash, main > .card").First(); first.AttrOr("id", "") != "action-error" {
		t.Fatalf("the page starts with %q, not the message", strings.Join(strings.Fields(first.Text()), " "))
	}
	if href := alert.Find("a").AttrOr("href", ""); href != "#actions" || d.Find("#actions #reply-text").Length() != 1 {
		t.Fatalf("the message links to %q", href)
	}
	// An action that is no longer on offer gets no link to a form that is not there.
	for i, key := range []string{"k-accept-1", "k-accept-2"} {
		resp, body = a.postForm("/staff/tickets/"+no+"/accept", map[string]string{"request_key": key}, "", nil)
		if i == 0 && resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", resp.StatusCode)
		}
	}
	d = doc(t, body)
	if resp.StatusCode != http.StatusConflict || d.Find("#action-error").Text() == "" {
		t.Fatalf("accepting again: %d %q", resp.StatusCode, d.Find("#action-error").Text())
	}
	if n := d.Find("#action-error a").Length(); n != 0 {
		t.Fatalf("%d links under a refused accept", n)
	}
}

// The deadline line starts with what is left of the time; a closed ticket has nothing there, and
// its deadline has no separator before it.
func TestTicketDeadlineLineHasNoLeadingSeparator(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.loginPage("gzw-staff")
	_, body := a.get("/staff/tickets/" + no)
	if line := strings.Join(strings.Fields(doc(t, body).Find(".deadline-line").Text()), " "); line != "剩 3 个工作日 · 答复期限 2025-03-28 23:59" {
		t.Fatalf("open ticket: %q", line)
	}
	a.answer(no, true)
	_, body = a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if d.Find(".ticket-title .status-closed").Length() != 1 {
		t.Fatalf("ticket not closed: %q", d.Find(".ticket-title").Text())
	}
	if line := strings.Join(strings.Fields(d.Find(".deadline-line").Text()), " "); line != "答复期限 2025-03-28 23:59" {
		t.Fatalf("closed ticket: %q", line)
	}
}

// A form with several problems past the empty fields names each of them at once, beside its
// field and in the summary; the API still answers with the first.
func TestReportFormNamesEveryProblemAtOnce(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	f := a.solvedReport()
	f["page_url"], f["description"], f["contact_phone"] = "ftp://gzw.sc.gov.cn/a.html", "太短了", "123"
	resp, body := a.postReportForm(f, nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", resp.StatusCode)
	}
	d := doc(t, body)
	for _, field := range []string{"page_url", "description", "contact_phone"} {
		if d.Find("#"+field+"-error").Text() == "" || d.Find(`#form-error a[href="#`+field+`"]`).Length() != 1 {
			t.Errorf("%s is not named beside its field and in the summary", field)
		}
	}
	f = a.solvedReport()
	f["page_url"], f["contact_phone"] = "ftp://gzw.sc.gov.cn/a.html", "123"
	r, b := a.postJSON("/api/v1/reports", jsonBody(f))
	if r.StatusCode != http.StatusBadRequest || b["field"] != "page_url" {
		t.Fatalf("API: %d %v, want the first problem (page_url)", r.StatusCode, b)
	}
}
