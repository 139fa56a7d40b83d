package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A reply waiting for the reviewer is listed under 待审核的答复 and not again under 待办留言.
func TestReviewerDeskListsATicketOnce(t *testing.T) {
	a := newTestApp(t)
	reviewing, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	staff := a.apiLogin("gzw-staff")
	for _, s := range []struct{ action, body string }{{"accept", ""}, {"reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`}} {
		if r, b := a.api("POST", "/api/v1/tickets/"+reviewing+"/"+s.action, staff, s.body); r.StatusCode != 200 {
			t.Fatalf("%s: %d %v", s.action, r.StatusCode, b)
		}
	}
	waiting, _ := a.submitTo("https://gzw.sc.gov.cn/other.html")

	a.loginPage("gzw-reviewer")
	resp, body := a.get("/staff")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("desk: %d", resp.StatusCode)
	}
	d := doc(t, body)
	numbers := func(sel string) []string {
		return d.Find(sel + " .ticket-no").Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	}
	if got := numbers("#reviewing"); len(got) != 1 || got[0] != reviewing {
		t.Errorf("待审核的答复: %v, want [%s]", got, reviewing)
	}
	if got := numbers("#inbox"); len(got) != 1 || got[0] != waiting {
		t.Errorf("待办留言: %v, want [%s]", got, waiting)
	}
	if n := d.Find(`.ticket-no:contains("` + reviewing + `")`).Length(); n != 1 {
		t.Errorf("%s shown %d times", reviewing, n)
	}
}
