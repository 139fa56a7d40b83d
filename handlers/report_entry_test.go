package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhaocuo/models"
)

// The footer's promise of a reply follows the reply time the deadlines are counted with.
func TestFooterPromisesTheReplyDaysSetting(t *testing.T) {
	a := newTestApp(t)
	set, err := a.Store.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set.ReplyDays = 5
	if err := a.Store.SaveSettings(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/query", "/replies"} {
		_, body := a.get(path)
		if got := doc(t, body).Find("#promise").Text(); !strings.Contains(got, "一般在 5 个工作日内答复") {
			t.Errorf("%s promises %q", path, got)
		}
	}
}

// The national 找错 entry link, ?url=<page>&site_code=<网站标识码>, prefills the form and names the
// site; both values are anyone's input, and a bad one is dropped without an error.
func TestEntryLinkPrefillsTheForm(t *testing.T) {
	a := newTestApp(t)
	const gzwPage, gzwCode = "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml", "5100000002"
	tests := []struct {
		name, query      string
		wantURL          string
		wantSite         string // "" when the form must not name a site
		wantNotGovNotice bool
	}{
		{"page and its site", query("url", gzwPage, "site_code", gzwCode), gzwPage, "四川省政府国有资产监督管理委员会", false},
		{"the site alone: its home page", query("site_code", gzwCode), "https://gzw.sc.gov.cn/", "四川省政府国有资产监督管理委员会", false},
		{"a page of another site than the code's", query("url", "https://www.sc.gov.cn/10462/index.shtml", "site_code", gzwCode), "https://www.sc.gov.cn/10462/index.shtml", "", false},
		{"a code no site has", query("url", gzwPage, "site_code", "5199999999"), gzwPage, "", false},
		{"a code of the wrong shape", query("url", gzwPage, "site_code", "51000000021"), gzwPage, "", false},
		{"markup as the code", query("url", gzwPage, "site_code", `"><script>alert(1)</script>`), gzwPage, "", false},
		{"a script address", query("url", "javascript:alert(1)", "site_code", gzwCode), "https://gzw.sc.gov.cn/", "四川省政府国有资产监督管理委员会", false},
		{"invalid UTF-8", "url=%ff%fe&site_code=%ff", "", "", false},
		{"repeated values", "url=" + url.QueryEscape(gzwPage) + "&url=x&site_code=" + gzwCode + "&site_code=y", gzwPage, "四川省政府国有资产监督管理委员会", false},
		{"a page off government sites", query("url", "https://www.baidu.com/s?wd=gov"), "https://www.baidu.com/s?wd=gov", "", true},
		{"an unregistered gov.cn site", query("url", "https://www.example.gov.cn/a.html"), "https://www.example.gov.cn/a.html", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := a.get("/?" + tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			d := doc(t, body)
			if got, _ := d.Find("#page_url").Attr("value"); got != tt.wantURL {
				t.Errorf("page_url = %q, want %q", got, tt.wantURL)
			}
			site := d.Find("#entry-site")
			if tt.wantSite == "" && site.Length() != 0 || tt.wantSite != "" && !strings.Contains(site.Text(), tt.wantSite) {
				t.Errorf("the form names the site %q, want %q", site.Text(), tt.wantSite)
			}
			code, kept := d.Find(`input[name=site_code]`).Attr("value")
			if kept != (tt.wantSite != "") || kept && code != gzwCode {
				t.Errorf("site_code kept as %q (%v)", code, kept)
			}
			if _, hidden := d.Find("#not-gov").Attr("hidden"); hidden == tt.wantNotGovNotice {
				t.Errorf("the not-a-government-site notice shown: %v, want %v", !hidden, tt.wantNotGovNotice)
			}
		})
	}
}

// A page off government sites is warned about, and still taken; the done page says it again.
func TestNonGovernmentPageIsWarnedAndTaken(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	_, check := a.pageCheck("https://www.baidu.com/", "")
	if check["checked"] != true || check["government"] != false {
		t.Fatalf("report-check of baidu.com: %v", check)
	}
	if _, check := a.pageCheck("gzw.sc.gov.cn/a.html", ""); check["government"] != true {
		t.Fatalf("report-check of a registered site: %v", check)
	}
	f := a.solvedReport()
	f["page_url"] = "baidu.com"
	resp, body := a.postReportForm(f, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	_, body = a.get("/report/done")
	if d := doc(t, body); d.Find("#ticket-no").Text() == "" || !strings.Contains(d.Find("#not-gov").Text(), "只受理政府网站") {
		t.Fatalf("done page: %s", d.Find("main").Text())
	}
}

func (a *testApp) pageCheck(page, category string) (*http.Response, map[string]any) {
	a.t.Helper()
	resp, body := a.get("/api/v1/report-check?" + query("page_url", page, "category", category))
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		a.t.Fatalf("report-check: %d %q", resp.StatusCode, body)
	}
	return resp, m
}

// Before reporting, the citizen sees the open reports of the same page (and category), with
// nothing but public facts, and may follow one instead of filing it again: the report is merged
// with that one by the duplicate rule, and needs no description of its own.
func TestFollowAnOpenReportInsteadOfFilingItAgain(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	ctx := context.Background()
	const page = "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml"
	first, err := a.Store.SubmitReport(ctx, models.Report{PageURL: page, Category: "链接不可用",
		Description: "第二页链接打开显示404，我的电话13800138000。", ContactPhone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.Store.SubmitReport(ctx, models.Report{PageURL: page, Category: "错别字", Description: "标题中“国有资产”写成了“国有资厂”。"})
	if err != nil {
		t.Fatal(err)
	}
	no := first.Ticket.TicketNo

	// The entry link's form lists both, with no description or contact.
	_, body := a.get("/?" + query("url", page, "site_code", "5100000002"))
	d := doc(t, body)
	list := d.Find("#followable")
	if _, hidden := list.Attr("hidden"); hidden || !strings.Contains(list.Text(), no) || !strings.Contains(list.Text(), other.Ticket.TicketNo) {
		t.Fatalf("the open reports of the page: %q", list.Text())
	}
	if strings.Contains(body, "13800138000") || strings.Contains(body, "404") || strings.Contains(body, "国有资厂") {
		t.Fatal("the form shows what a reporter wrote")
	}
	// As the category is chosen, only that category's.
	_, check := a.pageCheck(page, "链接不可用")
	reports, _ := check["reports"].([]any)
	if len(reports) != 1 || reports[0].(map[string]any)["ticket_no"] != no || reports[0].(map[string]any)["status_label"] != "待签收" {
		t.Fatalf("report-check: %v", check)
	}
	if raw, _ := json.Marshal(check); strings.Contains(string(raw), "13800138000") || strings.Contains(string(raw), "description") {
		t.Fatalf("report-check tells more than public facts: %s", raw)
	}
	for _, bad := range []string{"", "not a url", "javascript:alert(1)", strings.Repeat("a", 5000)} {
		if resp, check := a.pageCheck(bad, "x"); resp.StatusCode != http.StatusOK || check["checked"] != false {
			t.Errorf("report-check of %.20q: %d %v", bad, resp.StatusCode, check)
		}
	}

	// Following it: no category, no description of its own.
	f := a.solvedReport()
	f["category"], f["description"], f["follow"] = "", "", no
	f["contact_email"] = "me@example.cn"
	resp, body := a.postReportForm(f, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d %s", resp.StatusCode, body)
	}
	_, body = a.get("/report/done")
	d = doc(t, body)
	if d.Find("#linked-note").Length() != 1 {
		t.Fatalf("done page after following: %s", d.Find("main").Text())
	}
	var dup *int64
	var category string
	if err := a.Store.SQLDB().QueryRow(`SELECT t.duplicate_of, c.name FROM tickets t JOIN categories c ON c.id = t.category_id
		WHERE t.ticket_no = ?`, d.Find("#ticket-no").Text()).Scan(&dup, &category); err != nil {
		t.Fatal(err)
	}
	if dup == nil || *dup != first.Ticket.ID || category != "链接不可用" {
		t.Fatalf("the follower's ticket: duplicate_of %v, category %q", dup, category)
	}

	// A ticket that cannot be followed (another page's, unknown, hostile) is named; nothing is stored.
	for _, follow := range []string{other.Ticket.TicketNo + "x", "ZC00000000000000", strings.Repeat("9", 100), "' OR 1=1 --"} {
		f := a.solvedReport()
		f["category"], f["description"], f["follow"] = "", "", follow
		f["page_url"] = "https://gzw.sc.gov.cn/another.html"
		resp, body := a.postReportForm(f, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc(t, body).Find("#form-error").Text(), "不能再关注") {
			t.Errorf("follow %.20q: %d %s", follow, resp.StatusCode, doc(t, body).Find("#form-error").Text())
		}
	}
}
