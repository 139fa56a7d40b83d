package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
)

// A unit's clerks keep its 常用语: added, changed and deleted within the unit only, each of a
// bounded length and at most so many; the reply form offers them; others are refused.
func TestCannedRepliesAreTheUnitsOwn(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	resp, _ := a.postForm("/staff/canned", map[string]string{"text": "感谢您对政府网站工作的关心和支持。"}, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	_, body := a.get("/staff/canned")
	d := doc(t, body)
	id := strings.TrimPrefix(d.Find(".canned-list li").AttrOr("id", ""), "canned-")
	if got := d.Find(".canned-list textarea").Text(); got != "感谢您对政府网站工作的关心和支持。" || id == "" {
		t.Fatalf("the list holds %q (id %q)", got, id)
	}
	if resp, _ = a.postForm("/staff/canned/"+id, map[string]string{"text": "感谢您的监督。"}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	long := strings.Repeat("长", models.MaxCannedReply+1)
	resp, body = a.postForm("/staff/canned/"+id, map[string]string{"text": long}, "", nil)
	d = doc(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(d.Find("#"+id+"-error").Text(), "不超过") || d.Find("#canned-text-"+id).Text() != long {
		t.Fatalf("too long: %d %q", resp.StatusCode, d.Find(".field-error").Text())
	}

	// The reply form offers it.
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	_, body = a.get("/staff/tickets/" + no)
	if got := doc(t, body).Find("#canned-replies .canned-insert").AttrOr("data-text", ""); got != "感谢您的监督。" {
		t.Fatalf("the reply form offers %q", got)
	}

	// Another unit's clerk neither sees, changes nor deletes it; a reviewer keeps none.
	a.loginPage("scgov-staff")
	_, body = a.get("/staff/canned")
	if n := doc(t, body).Find(".canned-list li").Length(); n != 0 {
		t.Fatalf("another unit sees %d", n)
	}
	for _, path := range []string{"/staff/canned/" + id, "/staff/canned/" + id + "/delete"} {
		if resp, _ := a.postForm(path, map[string]string{"text": "改写别的单位的常用语"}, "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s by another unit: %d", path, resp.StatusCode)
		}
	}
	a.loginPage("gzw-reviewer")
	if resp, _ := a.get("/staff/canned"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer's list: %d", resp.StatusCode)
	}

	// At most MaxCannedReplies a unit.
	a.loginPage("gzw-staff")
	for i := 1; i < models.MaxCannedReplies; i++ {
		if resp, _ := a.postForm("/staff/canned", map[string]string{"text": "常用语第" + strconv.Itoa(i) + "条"}, "", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add %d: %d", i, resp.StatusCode)
		}
	}
	resp, body = a.postForm("/staff/canned", map[string]string{"text": "再多一条"}, "", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc(t, body).Find("#new-error").Text(), "最多保存") {
		t.Fatalf("one too many: %d", resp.StatusCode)
	}
	if resp, _ = a.postForm("/staff/canned/"+id+"/delete", nil, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	_, body = a.get("/staff/canned")
	if n := doc(t, body).Find(".canned-list li").Length(); n != models.MaxCannedReplies-1 {
		t.Fatalf("%d left after deleting one", n)
	}
}

// The printable 办理单 holds the ticket's facts, every step with who and when, and the reply;
// the reporter's contact exactly as the ticket's page shows it to the same person; and a ticket
// outside the viewer's scope is not found.
func TestTicketPrintSheet(t *testing.T) {
	a := newTestApp(t)
	f := validFields()
	f["page_url"], f["contact_phone"] = "https://gzw.sc.gov.cn/list.html", "13800138000"
	resp, m := a.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %v", resp.StatusCode, m)
	}
	no := m["ticket_no"].(string)
	staff := a.apiLogin("gzw-staff")
	a.step(staff, no, "accept", "")
	a.step(staff, no, "reply", `{"text":"经核实，该链接因栏目调整失效，现已修复。","confirmed":true}`)
	a.step(a.apiLogin("gzw-reviewer"), no, "reject", `{"text":"请写明修复的时间"}`)

	a.loginPage("gzw-staff")
	resp, body := a.get("/staff/tickets/" + no + "/print")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("print: %d", resp.StatusCode)
	}
	d := doc(t, body)
	sheet := squash(d.Find("#sheet").Text())
	for _, want := range []string{no, "四川省政府国有资产监督管理委员会", "https://gzw.sc.gov.cn/list.html", "链接不可用", f["description"],
		"答复期限2025-03-28 23:59", "经核实，该链接因栏目调整失效，现已修复。"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the sheet lacks %q: %s", want, sheet)
		}
	}
	steps := squash(d.Find("#sheet-steps").Text())
	for _, want := range []string{"签收 省国资委经办人", "省国资委审核人", "请写明修复的时间"} {
		if !strings.Contains(steps, want) {
			t.Errorf("the steps lack %q: %s", want, steps)
		}
	}
	if d.Find(`link[href*="print.css"]`).Length() != 1 {
		t.Error("the sheet has no print stylesheet")
	}
	_, page := a.get("/staff/tickets/" + no)
	if got, want := d.Find("#contact").Text(), doc(t, page).Find("#contact").Text(); got != want || want == "" {
		t.Errorf("the sheet's contact %q, the page's %q", got, want)
	}

	a.loginPage("scgov-staff")
	if resp, _ := a.get("/staff/tickets/" + no + "/print"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another unit's sheet: %d", resp.StatusCode)
	}
}
