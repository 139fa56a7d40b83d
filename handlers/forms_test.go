package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

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
	staff, reviewer := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer")
	for _, s := range []struct{ token, action, body string }{
		{staff, "accept", ""},
		{staff, "reply", `{"text":"已修复该链接，请再次访问。","confirmed":true}`},
		{reviewer, "approve", `{"public":true}`},
	} {
		if resp, b := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", s.action, resp.StatusCode, b)
		}
	}
	_, body = a.get("/staff/tickets/" + no)
	d := doc(t, body)
	if d.Find(".ticket-title .status-closed").Length() != 1 {
		t.Fatalf("ticket not closed: %q", d.Find(".ticket-title").Text())
	}
	if line := strings.Join(strings.Fields(d.Find(".deadline-line").Text()), " "); line != "答复期限 2025-03-28 23:59" {
		t.Fatalf("closed ticket: %q", line)
	}
}
