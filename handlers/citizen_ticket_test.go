package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"zhaocuo/models"
)

// repliedReport files a report to 国资委 and takes it to a published reply of text; it returns
// the ticket's number and query code.
func (a *testApp) repliedReport(text string) (no, code string) {
	a.t.Helper()
	no, code = a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.replyTo(no, text)
	return no, code
}

// replyTo takes a 国资委 ticket through accept, a reply of text and its approval (published).
func (a *testApp) replyTo(no, text string) {
	a.t.Helper()
	staff := a.apiLogin("gzw-staff")
	reply, _ := json.Marshal(map[string]any{"text": text, "confirmed": true})
	for _, s := range []struct{ token, action, body string }{
		{staff, "accept", ""}, {staff, "reply", string(reply)}, {a.apiLogin("gzw-reviewer"), "approve", `{"public":true}`},
	} {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body); r.StatusCode != http.StatusOK {
			a.t.Fatalf("%s %s: %d %v", s.action, no, r.StatusCode, b)
		}
	}
}

// lookUp sends the query form with a ticket's number and code, as a citizen does, and follows a
// match to the ticket's page; it returns the last response (the page, or the form with the
// reason of a miss).
func (a *testApp) lookUp(no, code string) (*http.Response, string) {
	a.t.Helper()
	resp, body := a.postValues("/query", url.Values{"ticket_no": {no}, "code": {code}})
	if resp.StatusCode != http.StatusSeeOther {
		return resp, body
	}
	if loc := resp.Header.Get("Location"); loc != "/query#report" {
		a.t.Fatalf("query %s: sent to %q", no, loc)
	}
	return a.get("/query")
}

// queryPage opens the reporter's page of a ticket.
func (a *testApp) queryPage(no, code string) string {
	a.t.Helper()
	resp, body := a.lookUp(no, code)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("query %s: %d", no, resp.StatusCode)
	}
	return body
}

// citizenPost sends a form of the reporter's page and follows the redirect back to it.
func (a *testApp) citizenPost(path, no, code string, fields url.Values) string {
	a.t.Helper()
	fields.Set("ticket_no", no)
	fields.Set("code", code)
	resp, _ := a.postValues(path, fields)
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("POST %s: %d", path, resp.StatusCode)
	}
	return a.queryPage(no, code)
}

// The unit's contact details are written for the reporter: their page shows the reply in full,
// with its web addresses as safe links; 留言选登 shows the same reply masked.
func TestTheReporterReadsTheReplyInFullWithLinks(t *testing.T) {
	a := newTestApp(t)
	no, code := a.repliedReport("已修复。如有疑问请致电028-86602345或13812345678，" +
		"办事指南见https://gzw.sc.gov.cn/guide?id=1&lang=zh。<b>加粗</b> javascript:alert(1) ftp://gzw.sc.gov.cn/x")

	d := doc(t, a.queryPage(no, code))
	reply := d.Find("#reply-text")
	if text := reply.Text(); !strings.Contains(text, "028-86602345") || !strings.Contains(text, "13812345678") || strings.Contains(text, "****") {
		t.Fatalf("the reporter's reply is masked: %q", text)
	}
	links := reply.Find("a")
	if links.Length() != 1 {
		t.Fatalf("want exactly the https address as a link, got %d: %s", links.Length(), reply.Text())
	}
	href, _ := links.Attr("href")
	rel, _ := links.Attr("rel")
	target, _ := links.Attr("target")
	if href != "https://gzw.sc.gov.cn/guide?id=1&lang=zh" || rel != "noopener noreferrer nofollow" || target != "_blank" {
		t.Fatalf("link: href %q rel %q target %q", href, rel, target)
	}
	if reply.Find("b").Length() != 0 || !strings.Contains(reply.Text(), "<b>加粗</b>") {
		t.Fatalf("the reply's markup is not escaped: %q", reply.Text())
	}

	_, public := a.get("/replies")
	shown := doc(t, public).Find("article.reply").Text()
	if !strings.Contains(shown, "028-****2345") || !strings.Contains(shown, "138****5678") || strings.Contains(shown, "86602345") {
		t.Fatalf("留言选登 must stay masked: %q", shown)
	}
	_, api := a.api("GET", "/api/v1/reports/"+no+"?code="+code, "", "")
	if r, _ := api["reply"].(string); !strings.Contains(r, "13812345678") {
		t.Fatalf("the API's reply for the code's holder: %v", api["reply"])
	}
}

// 不满意 asks why (chips and a short note), then lets the reporter ask one follow-up, which
// reaches the unit as a notice; the ticket stays closed with its on-time figures. The supervisor
// finds the ticket behind a count on the desk, the list's filter and the rates' 满意率.
func TestUnhappyReporterSaysWhyAndFollowsUpOnce(t *testing.T) {
	a := newTestApp(t)
	no, code := a.repliedReport("链接已经修复，感谢您的反馈。")
	happy, happyCode := a.repliedReport("该栏目的内容已经更新完毕。")
	a.tell()
	before, err := a.Store.Ticket(t.Context(), models.Scope{All: true}, no)
	if err != nil {
		t.Fatal(err)
	}

	// Refused: a reason not offered, a note too long, a follow-up before the rating.
	for name, v := range map[string]url.Values{
		"unknown reason": {"rating": {"unsatisfied"}, "reasons": {"随便写的"}},
		"long note":      {"rating": {"unsatisfied"}, "note": {strings.Repeat("长", models.MaxRatingNote+1)}},
	} {
		if f := doc(t, a.citizenPost("/query/rating", no, code, v)).Find(".flash-error").Text(); f == "" {
			t.Errorf("%s: no refusal shown", name)
		}
	}
	if f := doc(t, a.citizenPost("/query/follow-up", no, code, url.Values{"text": {"为什么？"}})).Find(".flash-error").Text(); !strings.Contains(f, "不满意后") {
		t.Errorf("follow-up before 不满意: %q", f)
	}
	if d := doc(t, a.queryPage(no, code)); d.Find(`#rating input[name=reasons]`).Length() != len(models.UnhappyReasons) || d.Find("#follow-up").Length() != 0 {
		t.Fatalf("the rating form offers the reasons, no follow-up yet: %s", d.Find("#reply").Text())
	}

	d := doc(t, a.citizenPost("/query/rating", no, code, url.Values{"rating": {"unsatisfied"},
		"reasons": {"问题仍未解决", "答复不清楚"}, "note": {"页面还是打不开"}}))
	if d.Find(".flash-ok").Length() != 1 || d.Find("#follow-up").Length() != 1 {
		t.Fatalf("after 不满意 the follow-up form is offered: %s", d.Find("#reply").Text())
	}
	d = doc(t, a.citizenPost("/query/follow-up", no, code, url.Values{"text": {"  第二页的链接仍然是404，请再核实。 "}}))
	if d.Find(".flash-ok").Length() != 1 || d.Find("#follow-up").Length() != 0 || d.Find("#followed-up").Length() != 1 ||
		!strings.Contains(d.Find("#history").Text(), "第二页的链接仍然是404") {
		t.Fatalf("after the follow-up: %s", d.Find("#reply, #history").Text())
	}
	if f := doc(t, a.citizenPost("/query/follow-up", no, code, url.Values{"text": {"再问一次"}})).Find(".flash-error").Text(); !strings.Contains(f, "只能追问一次") {
		t.Errorf("second follow-up: %q", f)
	}
	if r, b := a.api("POST", "/api/v1/reports/"+no+"/follow-up", "", `{"code":"`+code+`","text":"再问一次"}`); r.StatusCode != http.StatusConflict || b["error"] == nil {
		t.Errorf("second follow-up by the API: %d %v", r.StatusCode, b)
	}
	if r, b := a.api("POST", "/api/v1/reports/"+happy+"/follow-up", "", `{"code":"`+code+`","text":"别人的留言"}`); r.StatusCode != http.StatusNotFound {
		t.Errorf("follow-up with another ticket's code: %d %v", r.StatusCode, b)
	}

	// Nothing of the ticket's figures moved: still closed, at the same time, with its deadline.
	after, _ := a.Store.Ticket(t.Context(), models.Scope{All: true}, no)
	if after.Status != models.StatusClosed || !after.ClosedAt.Equal(*before.ClosedAt) || !after.Deadline.Equal(*before.Deadline) {
		t.Fatalf("the follow-up changed the closed ticket: %+v", after)
	}

	// The unit is told of the follow-up (not its words); the supervisor of the 不满意 and why.
	a.tell()
	notices := func(user string) string {
		_, b := a.api("GET", "/api/v1/notifications", a.apiLogin(user), "")
		out, _ := json.Marshal(b["notifications"])
		return string(out)
	}
	if n := notices("gzw-staff"); !strings.Contains(n, "留言人追问："+no) || strings.Contains(n, "404") {
		t.Errorf("the unit's notices: %s", n)
	}
	if n := notices("sc-supervisor"); !strings.Contains(n, "问题仍未解决、答复不清楚") {
		t.Errorf("the supervisor's notices: %s", n)
	}
	_, detail := a.api("GET", "/api/v1/tickets/"+no, a.apiLogin("gzw-staff"), "")
	if h, _ := json.Marshal(detail); !bytes.Contains(h, []byte("页面还是打不开")) || !bytes.Contains(h, []byte("第二页的链接仍然是404")) {
		t.Errorf("the ticket's history for the unit lacks the note or the follow-up: %s", h)
	}

	// The supervisor: a count on the desk, the list's filter, and 满意率 leading to the same tickets.
	if d := doc(t, a.citizenPost("/query/rating", happy, happyCode, url.Values{"rating": {"satisfied"}})); d.Find(".flash-ok").Length() != 1 {
		t.Fatal("rating the other ticket")
	}
	a.loginPage("sc-supervisor")
	_, desk := a.get("/staff")
	dd := doc(t, desk)
	link, _ := dd.Find("#unhappy-link").Attr("href")
	if got := dd.Find("#unhappy h2 small").Text(); got != "1" || link == "" {
		t.Fatalf("the desk's count %q, link %q", got, link)
	}
	listed := func(path string) string {
		t.Helper()
		resp, body := a.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return doc(t, body).Find(".ticket-list").Text()
	}
	if l := listed(link); !strings.Contains(l, no) || strings.Contains(l, happy) {
		t.Fatalf("the unhappy list: %q", l)
	}
	_, stats := a.get("/staff/stats?period=month")
	rate, _ := doc(t, stats).Find("#satisfaction-link").Attr("href")
	if l := listed(rate); rate == "" || !strings.Contains(l, no) || strings.Contains(l, happy) {
		t.Fatalf("满意率 leads to %q: %q", rate, l)
	}
}

// The reporter's page says what a status means in plain words: a report closed as 无效 while
// in triage is not "待分办" there, nor "作无效处理".
func TestTheReporterIsToldWhatHappensInPlainWords(t *testing.T) {
	a := newTestApp(t)
	no, code := a.submitTo("https://www.example-county.cn/news/1.html") // no registered site: triage
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/invalidate", a.apiLogin("sc-supervisor"), `{"text":"与政府网站无关"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("invalidate: %d %v", r.StatusCode, b)
	}
	d := doc(t, a.queryPage(no, code))
	page := d.Find("main").Text()
	for _, jargon := range []string{"待分办", models.EventLabel(models.EventInvalidated), models.EventLabel(models.EventAssigned)} {
		if strings.Contains(page, jargon) {
			t.Errorf("the reporter's page says %q: %s", jargon, page)
		}
	}
	plain := models.CitizenStatusOf(models.StatusInvalid)
	if d.Find("#report .status").Text() != plain.Label || d.Find("#status-explain").Text() != plain.Explain {
		t.Errorf("status %q, explained %q", d.Find("#report .status").Text(), d.Find("#status-explain").Text())
	}
	if !strings.Contains(d.Find("#history").Text(), models.CitizenEventLabel(models.EventInvalidated)) {
		t.Errorf("history: %q", d.Find("#history").Text())
	}
}

// The reporter sees again the screenshot they attached, with the ticket's code only: not with
// another ticket's code, not without a code, and never kept by a shared cache.
func TestTheReporterSeesTheirOwnScreenshot(t *testing.T) {
	a := newTestApp(t)
	png := pngImage(t, 40, 30)
	f := validFields()
	resp, raw := a.postForm("/api/v1/reports", f, "shot.png", png)
	var sub map[string]any
	if err := json.Unmarshal([]byte(raw), &sub); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", resp.StatusCode, raw)
	}
	no, code := sub["ticket_no"].(string), sub["query_code"].(string)
	other, otherCode := a.submitTo("https://gzw.sc.gov.cn/b.html")

	src, ok := doc(t, a.queryPage(no, code)).Find("#my-screenshot").Attr("src")
	if !ok {
		t.Fatal("the reporter's page does not show their screenshot")
	}
	resp, body := a.get(src)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || body != string(png) ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("screenshot: %d %v", resp.StatusCode, resp.Header)
	}
	if doc(t, a.queryPage(other, otherCode)).Find("#my-screenshot").Length() != 0 {
		t.Fatal("a ticket without a screenshot shows one")
	}
	// The browser now holds the other ticket, which has no screenshot: the first one's is not
	// served to it, nor to a browser holding nothing, whatever the address says.
	if resp, body := a.get(src); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "PNG") {
		t.Errorf("after looking up another ticket: %d", resp.StatusCode)
	}
	a.Client.Jar, _ = cookiejar.New(nil)
	for name, q := range map[string]string{
		"nothing held":          "",
		"the number and code":   "?" + query("ticket_no", no, "code", code),
		"another ticket's code": "?" + query("ticket_no", no, "code", otherCode),
	} {
		if resp, body := a.get("/query/screenshot" + q); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "PNG") {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
}

// The e-mail that tells the reporter of the reply carries it as their page shows it: in full.
func TestTheReplyEmailToTheReporterIsInFull(t *testing.T) {
	a := newTestApp(t, withEmail)
	f := validFields()
	f["page_url"], f["contact_email"] = "https://gzw.sc.gov.cn/list.html", "citizen@example.cn"
	resp, sub := a.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %v", resp.StatusCode, sub)
	}
	no := sub["ticket_no"].(string)
	a.replyTo(no, "已修复。如有疑问请致电028-86602345。")
	var body string
	err := a.Store.SQLDB().QueryRow("SELECT body FROM deliveries WHERE target = ? AND subject = ?", "citizen@example.cn", "您的留言已答复："+no).Scan(&body)
	if err != nil || !strings.Contains(body, "028-86602345") {
		t.Fatalf("reply e-mail: %v %q", err, body)
	}
}
