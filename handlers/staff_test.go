package handlers_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"zhaocuo/models"
)

// submitTo files a report about url through the API and returns its number and code.
func (a *testApp) submitTo(url string) (no, code string) {
	a.t.Helper()
	f := validFields()
	f["page_url"] = url
	resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		a.t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	return body["ticket_no"].(string), body["query_code"].(string)
}

// answer takes a 国资委 ticket through its staff's accept and reply and, with approve, its
// reviewer's approval (the reply published), failing the test on any refusal.
func (a *testApp) answer(no string, approve bool) {
	a.t.Helper()
	type step struct{ token, action, body string }
	staff := a.apiLogin("gzw-staff")
	steps := []step{{staff, "accept", ""}, {staff, "reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`}}
	if approve {
		steps = append(steps, step{a.apiLogin("gzw-reviewer"), "approve", `{"public":true}`})
	}
	for _, s := range steps {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body); r.StatusCode != http.StatusOK {
			a.t.Fatalf("%s %s: %d %v", s.action, no, r.StatusCode, b)
		}
	}
}

func TestTheWholeWayThroughTheAPI(t *testing.T) {
	a := newTestApp(t)
	no, code := a.submitTo("https://gzw.sc.gov.cn/list.html")
	staff, reviewer := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer")

	resp, list := a.api("GET", "/api/v1/tickets?status=open", staff, "")
	tickets := list["tickets"].([]any)
	if resp.StatusCode != 200 || len(tickets) != 1 || tickets[0].(map[string]any)["ticket_no"] != no {
		t.Fatalf("inbox: %d %v", resp.StatusCode, list)
	}
	if wd := tickets[0].(map[string]any)["working_days_left"]; wd != float64(3) {
		t.Fatalf("working days left %v", wd)
	}
	steps := []struct {
		token, action, body string
		status              string
	}{
		{staff, "accept", "", "processing"},
		{staff, "reply", `{"text":"已修复。请联系13800138000核实。","confirmed":true}`, "reviewing"},
		{reviewer, "approve", `{"public":true}`, "closed"},
	}
	for _, s := range steps {
		resp, body := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body)
		if resp.StatusCode != 200 || body["status"] != s.status {
			t.Fatalf("%s: %d %v", s.action, resp.StatusCode, body)
		}
	}
	_, shown := a.api("GET", "/api/v1/reports/"+no+"?code="+code, "", "")
	if shown["reply"] != "已修复。请联系13800138000核实。" || len(shown["history"].([]any)) != 3 {
		t.Fatalf("citizen's view: %v", shown)
	}
	if r, b := a.api("POST", "/api/v1/reports/"+no+"/rating", "", `{"code":"`+code+`","rating":"unsatisfied"}`); r.StatusCode != 200 {
		t.Fatalf("rating: %d %v", r.StatusCode, b)
	}
	if r, _ := a.api("POST", "/api/v1/reports/"+no+"/rating", "", `{"code":"`+code+`","rating":"satisfied"}`); r.StatusCode != http.StatusConflict {
		t.Fatalf("second rating: %d", r.StatusCode)
	}
	sup := a.apiLogin("sc-supervisor")
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/reopen", sup, `{"text":"留言人不满意，请重新核实"}`); r.StatusCode != 200 || b["status"] != "assigned" {
		t.Fatalf("reopen: %d %v", r.StatusCode, b)
	}
}

// Another unit's ticket, an action of another role, an action the state does not allow: each
// gets its 4xx and changes nothing.
func TestRefusedActionsChangeNothing(t *testing.T) {
	a := newTestApp(t)
	gzwNo, _ := a.submitTo("https://gzw.sc.gov.cn/a.html")
	scNo, _ := a.submitTo("https://www.sc.gov.cn/a.html")
	staff := a.apiLogin("gzw-staff")
	tests := []struct {
		name, token, path, body string
		status                  int
	}{
		{"another unit's ticket, shown", staff, "GET /api/v1/tickets/" + scNo, "", 404},
		{"another unit's ticket, acted on", staff, "POST /api/v1/tickets/" + scNo + "/accept", "", 404},
		{"no such ticket", staff, "GET /api/v1/tickets/ZC20250325999999", "", 404},
		{"a reviewer's action", staff, "POST /api/v1/tickets/" + gzwNo + "/approve", "", 403},
		{"a supervisor's action", staff, "POST /api/v1/tickets/" + gzwNo + "/assign", `{"unit_id":1}`, 403},
		{"not allowed in this state", staff, "POST /api/v1/tickets/" + gzwNo + "/reply", `{"text":"太短"}`, 400},
		{"unknown action", staff, "POST /api/v1/tickets/" + gzwNo + "/delete", "", 404},
		{"extension too long", staff, "POST /api/v1/tickets/" + gzwNo + "/extension", `{"days":30,"text":"需要很久"}`, 400},
		{"unknown field", staff, "POST /api/v1/tickets/" + gzwNo + "/accept", `{"force":true}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path, _ := strings.Cut(tt.path, " ")
			resp, body := a.api(method, path, tt.token, tt.body)
			if resp.StatusCode != tt.status || !containsHan(body["error"].(string)) {
				t.Fatalf("%d %v, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
	var events int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_events").Scan(&events)
	if events != 2 {
		t.Fatalf("%d events, want only the two receipts", events)
	}
	// Accepting twice: the second is a conflict, and there is one event.
	if r, _ := a.api("POST", "/api/v1/tickets/"+gzwNo+"/accept", staff, ""); r.StatusCode != 200 {
		t.Fatalf("accept: %d", r.StatusCode)
	}
	if r, _ := a.api("POST", "/api/v1/tickets/"+gzwNo+"/accept", staff, ""); r.StatusCode != http.StatusConflict {
		t.Fatalf("accept again: %d", r.StatusCode)
	}
}

// A double click sends the same form twice: one event, and both answers look like success.
func TestDoubleClickIsOneAction(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/a.html")
	a.loginPage("gzw-staff")
	_, page := a.get("/staff/tickets/" + no)
	key, ok := doc(t, page).Find(`form[action$="/accept"] input[name=request_key]`).Attr("value")
	if !ok || len(key) < 16 {
		t.Fatal("the accept form carries no request key")
	}
	for i := 0; i < 2; i++ {
		resp, body := a.postFormFrom("/staff/tickets/"+no+"/accept", map[string]string{"request_key": key}, nil, "same-origin")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("click %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	var accepted int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_events WHERE kind = 'accepted'").Scan(&accepted)
	if accepted != 1 {
		t.Fatalf("%d accepted events", accepted)
	}
	// The API does the same with an Idempotency-Key.
	token := a.apiLogin("gzw-staff")
	for i := 0; i < 2; i++ {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/reply", token, `{"text":"链接已经修复，感谢您的反馈。","confirmed":false}`, "Idempotency-Key", "reply-once"); r.StatusCode != 200 {
			t.Fatalf("reply %d: %d %v", i+1, r.StatusCode, b)
		}
	}
	var replied int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM ticket_events WHERE kind = 'replied'").Scan(&replied)
	if replied != 1 {
		t.Fatalf("%d replied events", replied)
	}
}

func TestScriptInEveryTextIsShownAsText(t *testing.T) {
	a := newTestApp(t)
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	f := validFields()
	f["description"] = "页面有问题 " + evil
	f["page_url"] = `https://gzw.sc.gov.cn/a.html?q="><script>alert(3)</script>`
	_, created := a.postJSON("/api/v1/reports", jsonBody(f))
	no := created["ticket_no"].(string)
	token := a.apiLogin("gzw-staff")
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/reply", token, `{"text":"已处理 <script>alert(4)</script>","confirmed":false}`); r.StatusCode != 200 {
		t.Fatalf("reply: %d %v", r.StatusCode, b)
	}
	a.loginPage("gzw-staff")
	for _, p := range []string{"/staff/tickets/" + no, "/staff/tickets?q=" + no, "/staff"} {
		_, page := a.get(p)
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Fatalf("%s echoes script unescaped", p)
		}
	}
	_, page := a.get("/staff/tickets/" + no)
	if !strings.Contains(doc(t, page).Find("#reply .prewrap").Text(), "<script>alert(4)</script>") {
		t.Fatal("the reply is not shown as typed")
	}
}

func TestSupervisorTriagesAndDecides(t *testing.T) {
	a := newTestApp(t)
	triage, code := a.submitTo("https://unknown.example.cn/a")
	a.loginPage("sc-supervisor")
	_, desk := a.get("/staff")
	if !strings.Contains(desk, triage) {
		t.Fatal("the triage ticket is not on the supervisor's desk")
	}
	resp, page := a.postFormFrom("/staff/tickets/"+triage+"/invalidate", map[string]string{"text": "非政府网站", "request_key": "k1"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invalidate: %d %s", resp.StatusCode, page)
	}
	_, shown := a.api("GET", "/api/v1/reports/"+triage+"?code="+code, "", "")
	if shown["status"] != "invalid" || shown["closing_note"] != "非政府网站" {
		t.Fatalf("the citizen does not see why: %v", shown)
	}
	// A form sent without a choice comes back with the message and nothing done.
	no, _ := a.submitTo("https://gzw.sc.gov.cn/a.html")
	token := a.apiLogin("gzw-staff")
	a.api("POST", "/api/v1/tickets/"+no+"/extension", token, `{"days":2,"text":"需要技术公司配合"}`)
	resp, page = a.postFormFrom("/staff/tickets/"+no+"/decide", map[string]string{"request_key": "k2"}, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc(t, page).Find("#action-error").Text(), "请选择同意或不同意") {
		t.Fatalf("decide without a choice: %d", resp.StatusCode)
	}
	resp, _ = a.postFormFrom("/staff/tickets/"+no+"/decide", map[string]string{"decision": "approve", "request_key": "k3"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: %d", resp.StatusCode)
	}
	_, detail := a.api("GET", "/api/v1/tickets/"+no, token, "")
	if !strings.HasPrefix(detail["deadline"].(string), "2025-04-01T23:59:59") {
		t.Fatalf("extended deadline %v", detail["deadline"])
	}
	_, audit := a.get("/staff/audit")
	if n := doc(t, audit).Find("table.data tbody tr").Length(); n < 5 {
		t.Fatalf("audit log has %d rows", n)
	}
}

// An action answers with the ticket as GET shows it (docs/api.md): built from the ticket the
// action wrote, not read again, so the two are compared field by field after each step.
func TestAnActionAnswersTheTicketAsGetShowsIt(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	staff, reviewer, sup := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer"), a.apiLogin("sc-supervisor")
	for _, s := range []struct{ token, action, body string }{
		{staff, "accept", ""},
		{staff, "extension", `{"days":2,"text":"需要协调技术单位修复"}`},
		{sup, "decide", `{"decision":"approve","text":"同意延期"}`},
		{sup, "urge", `{"text":"请尽快办理"}`},
		{staff, "reply", `{"text":"已修复。请联系13800138000核实。","confirmed":true}`},
		{reviewer, "approve", `{"public":true}`},
	} {
		resp, acted := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", s.action, resp.StatusCode, acted)
		}
		_, shown := a.api("GET", "/api/v1/tickets/"+no, s.token, "")
		if !reflect.DeepEqual(acted, shown) {
			t.Fatalf("%s answered\n%v\nGET shows\n%v", s.action, acted, shown)
		}
	}
}

// A ticket's view names its primary, its duplicates and its screenshot (read in one statement
// with its names since the staff views and every action show them).
func TestTicketViewShowsPrimaryDuplicatesAndScreenshot(t *testing.T) {
	a := newTestApp(t)
	primary, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	f := validFields()
	f["page_url"] = "https://gzw.sc.gov.cn/list.html"
	resp, body := a.postForm("/api/v1/reports", f, "截图.png", pngImage(t, 40, 30))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	var created map[string]any
	json.Unmarshal([]byte(body), &created)
	dup := created["ticket_no"].(string)
	// Merged at receipt (the same page and category); unlinked, to be linked by hand below.
	if r, b := a.api("POST", "/api/v1/tickets/"+dup+"/unlink", a.apiLogin("sc-supervisor"), ""); r.StatusCode != 200 || b["duplicate_of"] != nil {
		t.Fatalf("unlink: %d %v", r.StatusCode, b)
	}
	staff := a.apiLogin("gzw-staff")
	long := strings.Repeat("长", models.MaxReason+1)
	if r, b := a.api("POST", "/api/v1/tickets/"+dup+"/link", staff, `{"primary":"`+primary+`","text":"`+long+`"}`); r.StatusCode != http.StatusBadRequest || b["field"] != "text" {
		t.Fatalf("link with a note of %d characters: %d %v", models.MaxReason+1, r.StatusCode, b)
	}
	r, b := a.api("POST", "/api/v1/tickets/"+dup+"/link", staff, `{"primary":"`+primary+`","text":"同一问题"}`)
	if r.StatusCode != 200 || b["duplicate_of"] != primary {
		t.Fatalf("link: %d %v", r.StatusCode, b)
	}
	// The note is the link's reason in the history; the primary's number is not put in its place.
	events, _ := b["events"].([]any)
	if last, _ := events[len(events)-1].(map[string]any); last["kind"] != models.EventLinked || last["reason"] != "同一问题" {
		t.Fatalf("the link's event: %v", last)
	}
	if _, b := a.api("GET", "/api/v1/tickets/"+primary, staff, ""); !reflect.DeepEqual(b["duplicates"], []any{dup}) || b["duplicate_of"] != nil {
		t.Fatalf("primary: duplicates %v, duplicate_of %v", b["duplicates"], b["duplicate_of"])
	}
	a.loginPage("gzw-staff")
	for no, want := range map[string]int{dup: 1, primary: 0} {
		_, page := a.get("/staff/tickets/" + no)
		if n := doc(t, page).Find("img.shot").Length(); n != want {
			t.Fatalf("%s: %d screenshots shown, want %d", no, n, want)
		}
	}
}
