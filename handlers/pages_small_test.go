package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The citizen's own steps in 办理进度 are the citizen's: the unit's name goes only with the steps
// the unit took.
func TestQueryHistoryNamesTheUnitOnlyForItsOwnSteps(t *testing.T) {
	a := newTestApp(t)
	no, code := a.submitTo("https://gzw.sc.gov.cn/list.html")
	staff, reviewer := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer")
	for _, s := range []struct{ token, action, body string }{
		{staff, "accept", ""},
		{staff, "reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`},
		{reviewer, "approve", `{"public":true}`},
	} {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+s.action, s.token, s.body); r.StatusCode != 200 {
			t.Fatalf("%s: %d %v", s.action, r.StatusCode, b)
		}
	}
	if r, b := a.api("POST", "/api/v1/reports/"+no+"/rating", "", `{"code":"`+code+`","rating":"satisfied"}`); r.StatusCode != 200 {
		t.Fatalf("rating: %d %v", r.StatusCode, b)
	}

	resp, body := a.get("/query?" + url.Values{"ticket_no": {no}, "code": {code}}.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query: %d", resp.StatusCode)
	}
	who := map[string]string{} // step → who the page says took it
	doc(t, body).Find("#history li").Each(func(_ int, li *goquery.Selection) {
		who[strings.TrimSpace(li.Find("b").First().Text())] = strings.TrimSpace(li.Find("b + span.muted").Text())
	})
	const unit = "四川省政府国有资产监督管理委员会"
	for _, tt := range []struct{ step, who string }{
		{"提交留言", "留言人"},
		{"签收", unit},
		{"审核通过并答复", unit},
		{"评价", "留言人"},
	} {
		got, ok := who[tt.step]
		if !ok {
			t.Errorf("no step %s in %v", tt.step, who)
		} else if got != tt.who {
			t.Errorf("%s: shown as taken by %q, want %q", tt.step, got, tt.who)
		}
	}
}
