package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models"
)

// The citizen's own steps in 办理进度 are the citizen's: the unit's name goes only with the steps
// the unit took.
func TestQueryHistoryNamesTheUnitOnlyForItsOwnSteps(t *testing.T) {
	a := newTestApp(t)
	no, code := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.answer(no, true)
	if r, b := a.api("POST", "/api/v1/reports/"+no+"/rating", "", `{"code":"`+code+`","rating":"satisfied"}`); r.StatusCode != 200 {
		t.Fatalf("rating: %d %v", r.StatusCode, b)
	}

	resp, body := a.lookUp(no, code)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query: %d", resp.StatusCode)
	}
	who := map[string]string{} // step → who the page says took it
	doc(t, body).Find("#history li").Each(func(_ int, li *goquery.Selection) {
		who[strings.TrimSpace(li.Find("b").First().Text())] = strings.TrimSpace(li.Find("b + span.muted").Text())
	})
	const unit = "四川省政府国有资产监督管理委员会"
	for _, tt := range []struct{ step, who string }{
		// The reporter's own steps say "您" and name no one else.
		{models.CitizenEventLabel(models.EventReceived), ""},
		{models.CitizenEventLabel(models.EventAccepted), unit},
		{models.CitizenEventLabel(models.EventApproved), unit},
		{models.CitizenEventLabel(models.EventRated), ""},
	} {
		got, ok := who[tt.step]
		if !ok {
			t.Errorf("no step %s in %v", tt.step, who)
		} else if got != tt.who {
			t.Errorf("%s: shown as taken by %q, want %q", tt.step, got, tt.who)
		}
	}
}

// Each empty list on the desk says what it would hold, not a general 没有留言。
func TestDeskEmptyListsSayWhatTheyWouldHold(t *testing.T) {
	tests := []struct {
		name string
		user string
		want map[string]string // section id → its words when empty
	}{
		{"supervisor", "sc-supervisor", map[string]string{
			"#triage": "没有待分办的留言。", "#pending": "没有待审批的申请。", "#overdue": "没有超期的留言。"}},
		{"reviewer", "gzw-reviewer", map[string]string{"#reviewing": "没有待审核的答复。", "#inbox": "没有办理中的留言。"}},
		{"staff", "gzw-staff", map[string]string{"#inbox": "没有待办留言。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(t)
			a.loginPage(tt.user)
			resp, body := a.get("/staff")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("desk: %d", resp.StatusCode)
			}
			d := doc(t, body)
			for sel, words := range tt.want {
				if got := strings.TrimSpace(d.Find(sel + " .empty").Text()); got != words {
					t.Errorf("%s says %q, want %q", sel, got, words)
				}
			}
		})
	}
}

// A reply waiting for the reviewer is listed under 待审核的答复 and not again under 待办留言.
func TestReviewerDeskListsATicketOnce(t *testing.T) {
	a := newTestApp(t)
	reviewing, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	a.answer(reviewing, false)
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
