package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// The ticket's page offers the link form only where the ticket's rules allow it: to its unit's
// staff before the deadline, to the supervisor after it too; a form sent anyway is refused with
// the rule's message.
func TestTicketPageOffersTheLinkOnlyWhereTheRulesAllow(t *testing.T) {
	a := newTestApp(t)
	primary, _ := a.submitTo("https://gzw.sc.gov.cn/offers.html")
	no, _ := a.submitTo("https://gzw.sc.gov.cn/offers.html")
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/unlink", a.apiLogin("sc-supervisor"), ""); r.StatusCode != http.StatusOK {
		t.Fatalf("unlink: %d %v", r.StatusCode, b) // merged at receipt; handled alone from here, due 03-28
	}
	forms := func(user string) map[string]bool {
		t.Helper()
		a.loginPage(user)
		resp, body := a.get("/staff/tickets/" + no)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", user, resp.StatusCode)
		}
		shown := map[string]bool{}
		d := doc(t, body)
		for _, action := range []string{"link", "return", "reply", "invalidate"} {
			shown[action] = d.Find(`form[action="/staff/tickets/`+no+`/`+action+`"]`).Length() == 1
		}
		return shown
	}
	if f := forms("gzw-staff"); !f["link"] || !f["return"] || !f["reply"] {
		t.Fatalf("before the deadline, unit staff are offered %v", f)
	}
	a.Clock.Set(storetest.At("2025-03-31 10:00"))
	if f := forms("gzw-staff"); f["link"] || f["return"] || !f["reply"] {
		t.Fatalf("after the deadline, unit staff are offered %v", f)
	}
	resp, body := a.postForm("/staff/tickets/"+no+"/link", map[string]string{"primary": primary}, "", nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "超过答复期限") {
		t.Fatalf("the link form sent anyway: %d %.300s", resp.StatusCode, body)
	}
	if f := forms("sc-supervisor"); !f["link"] || !f["invalidate"] {
		t.Fatalf("after the deadline, the supervisor is offered %v", f)
	}
}

// The query page tells a reporter in plain words that their report was merged with another, and
// that it is handled on its own again when that one was made 无效, with its new deadline.
func TestQueryPageExplainsAMergeAndARelease(t *testing.T) {
	a := newTestApp(t)
	junk, _ := a.submitTo("https://gzw.sc.gov.cn/query-merge.html")
	no, code := a.submitTo("https://gzw.sc.gov.cn/query-merge.html")
	page := func() string {
		t.Helper()
		resp, body := a.lookUp(no, code)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("query: %d", resp.StatusCode)
		}
		return body
	}
	d := doc(t, page())
	merged := models.CitizenStatusOf(models.StatusLinked).Explain
	if d.Find("#status-explain").Text() != merged || strings.Contains(d.Find("#report dl").Text(), "答复期限") {
		t.Fatalf("merged: %q", d.Find("#report").Text())
	}
	a.Clock.Set(storetest.At("2025-03-27 15:00"))
	if r, b := a.api("POST", "/api/v1/tickets/"+junk+"/invalidate", a.apiLogin("sc-supervisor"), `{"text":"与网站内容无关"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("invalidate: %d %v", r.StatusCode, b)
	}
	d = doc(t, page())
	history := d.Find("#history").Text()
	if d.Find("#status-explain").Text() == merged || !strings.Contains(d.Find("#report dl").Text(), "2025-04-01 23:59") ||
		!strings.Contains(history, models.CitizenEventLabel(models.EventReleased)) || !strings.Contains(history, models.ReleasedReason) {
		t.Fatalf("released: %q\n%q", d.Find("#report").Text(), history)
	}
}
