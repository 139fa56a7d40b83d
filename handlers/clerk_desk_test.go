package handlers_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
)

// step does a ticket's action through the API, failing the test on a refusal.
func (a *testApp) step(token, no, action, body string) {
	a.t.Helper()
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+action, token, body); r.StatusCode != http.StatusOK {
		a.t.Fatalf("%s %s: %d %v", action, no, r.StatusCode, b)
	}
}

// listedOn is the numbers of the tickets a page lists under sel.
func (a *testApp) listedOn(path, sel string) []string {
	a.t.Helper()
	_, body := a.get(path)
	var nos []string
	for _, n := range doc(a.t, body).Find(sel + " .ticket-no").EachIter() {
		nos = append(nos, strings.TrimSpace(n.Text()))
	}
	slices.Sort(nos)
	return nos
}

// A reply the reviewer sends back comes back to the clerk as their draft: the form holds the
// text and its 属实, the reviewer's reason stands beside it, and the desk marks the ticket
// 被退回. While an extension waits for the supervisor, the form is still there.
func TestSentBackReplyIsTheClerksDraft(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	staff, reviewer := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer")
	draft := "经核实，该链接因栏目调整失效，现已修复。"
	a.step(staff, no, "accept", "")
	a.step(staff, no, "reply", `{"text":"`+draft+`","confirmed":false}`)
	a.step(reviewer, no, "reject", `{"text":"请写明修复的时间"}`)

	if _, m := a.api("GET", "/api/v1/tickets/"+no, staff, ""); m["reply_rejected"] != true || m["reply"] != draft {
		t.Fatalf("the API shows %v, %v", m["reply_rejected"], m["reply"])
	}
	a.loginPage("gzw-staff")
	_, body := a.get("/staff")
	item := doc(t, body).Find("#inbox .ticket-item")
	if item.Length() != 1 || !strings.Contains(item.Find(".tag").Text(), "被退回") {
		t.Fatalf("the desk shows %q", squash(item.Text()))
	}
	_, body = a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if got := d.Find("#reply-text").Text(); got != draft {
		t.Fatalf("the reply form holds %q", got)
	}
	if got := d.Find(`#reply-confirmed input[checked]`).AttrOr("value", ""); got != "0" {
		t.Fatalf("the 属实 choice sent back is %q", got)
	}
	if got := squash(d.Find("#sent-back").Text()); !strings.Contains(got, "请写明修复的时间") || !strings.Contains(got, "省国资委审核人") {
		t.Fatalf("beside the form: %q", got)
	}
	if d.Find("#reply").Length() != 0 {
		t.Fatal("the draft is shown twice: in the form and in the reply's card")
	}

	// The reply sent again is no longer 被退回; a new ticket with an extension waiting may be answered.
	resp, _ := a.postForm("/staff/tickets/"+no+"/reply", map[string]string{"text": draft + "修复时间为3月25日。", "confirmed": "1", "request_key": "k-again"}, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply again: %d", resp.StatusCode)
	}
	other, _ := a.submitTo("https://gzw.sc.gov.cn/other.html")
	a.step(staff, other, "extension", `{"days":2,"text":"需技术公司配合"}`)
	_, body = a.get("/staff/tickets/" + other)
	if doc(t, body).Find(`form[action$="/reply"]`).Length() != 1 {
		t.Fatal("no reply form while an extension waits")
	}
	_, body = a.get("/staff")
	if tags := doc(t, body).Find("#inbox .tag").Text(); strings.Contains(tags, "被退回") {
		t.Fatalf("the desk still marks a ticket 被退回: %q", tags)
	}
}

// Whether the problem was real (属实) is the clerk's to say: nothing is chosen for them, and a
// reply that does not say is refused with a Chinese message, what was typed kept; the API too.
func TestReplyAsksWhetherTheProblemWasReal(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.loginPage("gzw-staff")
	_, body := a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if n := d.Find(`#reply-confirmed input[type=radio][name=confirmed]`).Length(); n != 2 {
		t.Fatalf("%d choices of 属实", n)
	}
	if n := d.Find(`form[action$="/reply"] input[name=confirmed][checked]`).Length(); n != 0 {
		t.Fatalf("%d choices of 属实 made for the clerk", n)
	}
	text := "经核实，该链接因栏目调整失效，现已修复。"
	resp, body := a.postForm("/staff/tickets/"+no+"/reply", map[string]string{"text": text, "request_key": "k-no-choice"}, "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a reply without the choice: %d", resp.StatusCode)
	}
	d = doc(t, body)
	if got := d.Find("#action-error").Text(); !strings.Contains(got, "请选择核实结论") {
		t.Fatalf("the refusal says %q", squash(got))
	}
	if got := d.Find("#reply-confirmed .field-error").Text(); !strings.Contains(got, "问题属实或问题不属实") {
		t.Fatalf("beside the choice: %q", got)
	}
	if got := d.Find("#reply-text").Text(); got != text {
		t.Fatalf("the reply typed came back as %q", got)
	}
	r, m := a.api("POST", "/api/v1/tickets/"+no+"/reply", a.apiLogin("gzw-staff"), `{"text":"`+text+`"}`)
	if msg, _ := m["error"].(string); r.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "核实结论") {
		t.Fatalf("the API: %d %v", r.StatusCode, m)
	}
}

// The header's 待办 counts what this person can act on, and the desk it links to lists exactly
// those: a clerk the replies to write (not one waiting for review, nor one whose return waits for
// the supervisor), a reviewer the replies to review, a supervisor the tickets to triage and the
// requests to decide.
func TestToDoIsWhatThePersonCanActOn(t *testing.T) {
	a := newTestApp(t)
	staff := a.apiLogin("gzw-staff")
	fresh, _ := a.submitTo("https://gzw.sc.gov.cn/1.html")
	reviewing, _ := a.submitTo("https://gzw.sc.gov.cn/2.html")
	a.step(staff, reviewing, "reply", `{"text":"经核实，该链接已经修复。","confirmed":true}`)
	returning, _ := a.submitTo("https://gzw.sc.gov.cn/3.html")
	a.step(staff, returning, "return", `{"text":"该页面由省政府办公厅维护"}`)
	extending, _ := a.submitTo("https://gzw.sc.gov.cn/4.html")
	a.step(staff, extending, "extension", `{"days":2,"text":"需技术公司配合"}`)
	triage, _ := a.submitTo("https://www.example-county.cn/news/1.html")

	sorted := func(nos ...string) []string { slices.Sort(nos); return nos }
	for _, tt := range []struct {
		user  string
		lists []string // the desk's lists of what they can act on
		want  []string
	}{
		{"gzw-staff", []string{"#inbox"}, sorted(fresh, extending)},
		{"gzw-reviewer", []string{"#reviewing"}, sorted(reviewing)},
		{"sc-supervisor", []string{"#triage", "#pending"}, sorted(triage, returning, extending)},
	} {
		a.loginPage(tt.user)
		_, body := a.get("/staff")
		d := doc(t, body)
		badge := d.Find("#todo-count")
		if got := strings.TrimSpace(badge.Find("b").Text()); got != strings.TrimSpace(d.Find("#todo b").Text()) || got != strconv.Itoa(len(tt.want)) {
			t.Errorf("%s: 待办 %s, the desk says %s, want %d", tt.user, got, d.Find("#todo b").Text(), len(tt.want))
		}
		if href := badge.AttrOr("href", ""); href != "/staff#todo" {
			t.Errorf("%s: 待办 links to %q", tt.user, href)
		}
		var listed []string
		for _, sel := range tt.lists {
			listed = append(listed, a.listedOn("/staff", sel)...)
		}
		if slices.Sort(listed); !slices.Equal(listed, tt.want) {
			t.Errorf("%s: the desk lists %v, want %v", tt.user, listed, tt.want)
		}
		if _, m := a.api("GET", "/api/v1/tickets?todo=1", a.apiLogin(tt.user), ""); m["total"] != float64(len(tt.want)) {
			t.Errorf("%s: the API's todo=1 has %v", tt.user, m["total"])
		}
	}
}

// Approving a return shows the unit's reason beside the decision, and may give the ticket to
// the right unit in the same step; the unit is checked against the supervisor's scope on the write.
func TestApprovingAReturnShowsTheReasonAndGivesItOn(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.step(a.apiLogin("gzw-staff"), no, "return", `{"text":"该页面由省政府办公厅维护，非本单位网站"}`)

	a.loginPage("sc-supervisor")
	_, body := a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if d.Find(`form[action$="/assign"]`).Length() != 0 {
		t.Fatal("an assignment is offered beside the return's decision: it would settle the request unrecorded")
	}
	form := d.Find(`form[action$="/decide"]`)
	if got := squash(form.Find("#request-reason").Text()); !strings.Contains(got, "该页面由省政府办公厅维护，非本单位网站") {
		t.Fatalf("beside the decision: %q", squash(form.Text()))
	}
	if form.Find(`input[name=unit_id]`).Length() != 1 {
		t.Fatal("no unit to give the ticket to beside the approval")
	}
	resp, _ := a.postForm("/staff/tickets/"+no+"/decide", map[string]string{"decision": "approve", "unit_id": "四川省人民政府办公厅",
		"text": "同意，转省政府办公厅办理", "request_key": "k-decide"}, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve and give on: %d", resp.StatusCode)
	}
	_, body = a.get("/staff/tickets/" + no)
	d = doc(t, body)
	if got := squash(d.Find(".ticket-title .status").Text() + " " + d.Find(".facts").Text()); !strings.Contains(got, "待签收") || !strings.Contains(got, "四川省人民政府办公厅") {
		t.Fatalf("after the decision: %q", got)
	}

	// A city supervisor's approval cannot send a ticket to a provincial unit.
	a.addDemoUser(models.UserSpec{Username: "cd-office-staff", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"})
	cd, _ := a.submitTo("https://www.chengdu.gov.cn/page.html")
	a.step(a.apiLogin("cd-office-staff"), cd, "return", `{"text":"非本单位网站"}`)
	r, m := a.api("POST", "/api/v1/tickets/"+cd+"/decide", a.apiLogin("cd-supervisor"),
		`{"decision":"approve","unit_id":`+strconv.FormatInt(a.unitIDOf("四川省政府国有资产监督管理委员会"), 10)+`}`)
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a unit outside the region: %d %v", r.StatusCode, m)
	}
	if got := a.listedOn("/staff", "#pending"); !slices.Contains(got, cd) {
		t.Fatalf("the refused decision took the request away: %v", got)
	}
}
