package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
)

// addDemoUser creates a user with the demo password.
func (a *testApp) addDemoUser(spec models.UserSpec) {
	a.t.Helper()
	if _, err := a.Store.CreateUser(context.Background(), spec, demoPassword); err != nil {
		a.t.Fatal(err)
	}
}

// unitIDOf finds a demo unit's id by name.
func (a *testApp) unitIDOf(name string) int64 {
	a.t.Helper()
	units, err := a.Store.Units(context.Background(), models.Scope{All: true})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, u := range units {
		if u.Name == name {
			return u.ID
		}
	}
	a.t.Fatalf("no unit %s", name)
	return 0
}

// waitingAtChengdu files a report to the 成都 portal, whose office gets a staff member and no
// reviewer, and takes it to 待审核 through the API.
func (a *testApp) waitingAtChengdu() string {
	a.t.Helper()
	a.addDemoUser(models.UserSpec{Username: "cd-office-staff", Role: models.RoleUnitStaff, Unit: "成都市人民政府办公室"})
	no, _ := a.submitTo("https://www.chengdu.gov.cn/stuck.html")
	token := a.apiLogin("cd-office-staff")
	for _, step := range [][2]string{{"accept", ""}, {"reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`}} {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+step[0], token, step[1]); r.StatusCode != http.StatusOK {
			a.t.Fatalf("%s: %d %v", step[0], r.StatusCode, b)
		}
	}
	return no
}

// The supervisor's desk warns of the region's units that cannot finish a ticket and lists the
// replies waiting at a unit with no reviewer; the ticket's page offers the supervisor the
// approval there (and only there), and the approval, done, says the supervisor approved.
func TestSupervisorDeskAndApprovalWhereTheUnitHasNoReviewer(t *testing.T) {
	a := newTestApp(t)
	no := a.waitingAtChengdu()
	a.loginPage("cd-supervisor")
	_, desk := a.get("/staff")
	d := doc(t, desk)
	if got := d.Find("#unit-warnings #no-staff").Text(); got != "1 个单位没有经办人" {
		t.Errorf("no staff: %q", got)
	}
	if got := d.Find("#unit-warnings #no-reviewer").Text(); got != "2 个单位需要审核但没有审核人" {
		t.Errorf("no reviewer: %q", got)
	}
	if n := d.Find("#unit-warnings tr.unit-warning").Length(); n != 2 {
		t.Errorf("%d units listed, want 2", n)
	}
	office := a.unitIDOf("成都市人民政府办公室")
	if d.Find(`#unit-warnings a[href="/staff/tickets?unit=`+strconv.FormatInt(office, 10)+`"]`).Length() != 1 {
		t.Errorf("the office is not linked to its tickets")
	}
	if d.Find(`#stuck a[href="/staff/tickets/`+no+`"]`).Length() != 1 {
		t.Fatalf("the waiting reply is not flagged on the desk")
	}
	_, page := a.get("/staff/tickets/" + no)
	form := doc(t, page).Find(`form[action="/staff/tickets/` + no + `/approve"]`)
	if form.Length() != 1 || !strings.Contains(form.Find("button").Text(), "代为审核") {
		t.Fatalf("the supervisor is not offered the approval")
	}
	resp, body := a.postFormFrom("/staff/tickets/"+no+"/approve", map[string]string{"public": "1", "request_key": "k1"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	_, page = a.get("/staff/tickets/" + no)
	if got := doc(t, page).Find("#history").Text(); !strings.Contains(got, "上级代为审核并答复（单位无审核人）") {
		t.Errorf("the history does not say the supervisor approved: %s", got)
	}
	_, desk = a.get("/staff")
	if doc(t, desk).Find("#stuck").Length() != 0 {
		t.Errorf("the approved reply is still flagged")
	}

	// At 国资委, which has its reviewer, the province's supervisor is neither offered nor allowed it.
	gzw, _ := a.submitTo("https://gzw.sc.gov.cn/reviewed.html")
	a.answer(gzw, false)
	a.loginPage("sc-supervisor")
	_, page = a.get("/staff/tickets/" + gzw)
	if doc(t, page).Find(`form[action$="/approve"]`).Length() != 0 {
		t.Errorf("the supervisor is offered an approval the unit's reviewer owns")
	}
	resp, body = a.postFormFrom("/staff/tickets/"+gzw+"/approve", map[string]string{"request_key": "k2"}, nil, "same-origin")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "审核人") {
		t.Errorf("approve past the reviewer: %d", resp.StatusCode)
	}
}

// The admin's home warns of every unit that cannot finish a ticket, each linked to its review
// setting; turning review off there is recorded, and the unit's next reply (by the API as by the
// page) is published at once, the history saying no review was required.
func TestAdminSetsUnitReviewAndTheReplyIsPublished(t *testing.T) {
	a := newTestApp(t)
	a.waitingAtChengdu()
	a.loginPage("admin")
	_, home := a.get("/admin")
	d := doc(t, home)
	edu := a.unitIDOf("成都市教育局")
	setting := "/admin/units/" + strconv.FormatInt(edu, 10) + "/review"
	if d.Find(`#unit-warnings a[href="`+setting+`"]`).Length() != 1 || d.Find("#unit-warnings #stuck-count").Text() != "1 条答复" {
		t.Fatalf("the admin's home does not warn of 成都市教育局 and the waiting reply")
	}
	gzw := a.unitIDOf("四川省政府国有资产监督管理委员会")
	path := "/admin/units/" + strconv.FormatInt(gzw, 10) + "/review"
	_, page := a.get(path)
	if doc(t, page).Find(`input[name="review_required"][value="1"][checked]`).Length() != 1 {
		t.Fatalf("review is not shown on by default")
	}
	for _, bad := range []struct {
		path, value string
		status      int
	}{
		{path, "2", http.StatusBadRequest}, {path, "", http.StatusBadRequest},
		{"/admin/units/abc/review", "0", http.StatusNotFound}, {"/admin/units/-1/review", "0", http.StatusNotFound},
		{"/admin/units/99999999/review", "0", http.StatusNotFound},
	} {
		resp, body := a.postFormFrom(bad.path, map[string]string{"review_required": bad.value}, nil, "same-origin")
		if resp.StatusCode != bad.status {
			t.Errorf("%s %q: %d, want %d", bad.path, bad.value, resp.StatusCode, bad.status)
		}
		if bad.status == http.StatusBadRequest && !strings.Contains(doc(t, body).Find("#review_required-error").Text(), "请选择") {
			t.Errorf("%q: no message beside the choice", bad.value)
		}
	}
	resp, _ := a.postFormFrom(path, map[string]string{"review_required": "0"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set: %d", resp.StatusCode)
	}
	_, page = a.get(path)
	if doc(t, page).Find(`input[name="review_required"][value="0"][checked]`).Length() != 1 {
		t.Errorf("review is not shown off")
	}
	var changes string
	if err := a.Store.SQLDB().QueryRow(`SELECT changes FROM registry_events WHERE entity = ? AND entity_id = ?`, models.RegistryUnit, gzw).Scan(&changes); err != nil || changes != `{"review_required":["true","false"]}` {
		t.Errorf("registry event: %q %v", changes, err)
	}

	no, _ := a.submitTo("https://gzw.sc.gov.cn/direct.html")
	token := a.apiLogin("gzw-staff")
	a.api("POST", "/api/v1/tickets/"+no+"/accept", token, "")
	r, body := a.api("POST", "/api/v1/tickets/"+no+"/reply", token, `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`)
	if r.StatusCode != http.StatusOK || body["status"] != models.StatusClosed || body["reply_public"] == nil {
		t.Fatalf("reply at a unit that does not review: %d %v", r.StatusCode, body)
	}
	events := body["events"].([]any)
	last := events[len(events)-1].(map[string]any)
	if last["kind"] != models.EventApproved || last["label"] != "答复并公开（本单位无需审核）" || last["role"] != models.RoleUnitStaff {
		t.Errorf("the last event: %v", last)
	}

	// The page's reply form says it publishes, and the flash says it was published.
	page2, _ := a.submitTo("https://gzw.sc.gov.cn/page.html")
	a.api("POST", "/api/v1/tickets/"+page2+"/accept", token, "")
	a.loginPage("gzw-staff")
	_, page = a.get("/staff/tickets/" + page2)
	if got := doc(t, page).Find(`form[action$="/reply"] button`).Text(); got != "答复并公开" {
		t.Errorf("the reply button says %q", got)
	}
	resp, _ = a.postFormFrom("/staff/tickets/"+page2+"/reply", map[string]string{"text": "链接已经修复，感谢您的反馈。", "confirmed": "1", "request_key": "k3"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply form: %d", resp.StatusCode)
	}
	_, page = a.get("/staff/tickets/" + page2)
	if got := doc(t, page).Find(".flash").Text(); !strings.Contains(got, "答复已公开") {
		t.Errorf("flash: %q", got)
	}
}
