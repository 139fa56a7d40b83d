package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// A ticket the inspector opened is no citizen's message: its reply is not published in 留言选登
// unless the reviewer ticks the box (which starts unticked for it), and the circular's 找错
// paragraph neither counts it nor takes its category for a main one.
func TestAnInspectionTicketIsNoCitizenMessage(t *testing.T) {
	a := newTestApp(t)
	for i := range 2 {
		f := validFields()
		f["page_url"], f["category"] = "https://www.sc.gov.cn/typo-"+strconv.Itoa(i)+".html", "错别字"
		if resp, body := a.postJSON("/api/v1/reports", jsonBody(f)); resp.StatusCode != http.StatusCreated {
			t.Fatalf("submit: %d %v", resp.StatusCode, body)
		}
	}
	_, byType := finishedRound(t, a, "scgov-staff")
	resp, m := a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/ticket", a.apiLogin("sc-supervisor"), "")
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		t.Fatalf("send the finding: %d %v", resp.StatusCode, m)
	}
	no, _ := m["ticket_no"].(string)
	if no == "" {
		t.Fatalf("no ticket number in %v", m)
	}
	staff := a.apiLogin("scgov-staff")
	for _, step := range []struct{ action, body string }{{"accept", ""}, {"reply", `{"text":"首页失效链接已删除。","confirmed":true}`}} {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+step.action, staff, step.body); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", step.action, r.StatusCode, b)
		}
	}
	a.loginPage("scgov-reviewer")
	_, page := a.get("/staff/tickets/" + no)
	box := doc(t, page).Find(`form[action$="/approve"] input[type=checkbox][name=public]`)
	if box.Length() != 1 {
		t.Fatalf("no public box on the approve form")
	}
	if _, checked := box.Attr("checked"); checked {
		t.Error("the public box starts ticked for an inspection ticket")
	}
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/approve", a.apiLogin("scgov-reviewer"), ""); r.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d %v", r.StatusCode, b)
	}
	if _, replies := a.get("/replies"); strings.Contains(replies, "首页失效链接已删除") {
		t.Error("an inspection ticket's reply is published in 留言选登 by default")
	}

	ctx := context.Background()
	province, err := a.Store.FindRegion(ctx, "510000")
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.Store.CircularFigures(ctx, storetest.SichuanInspection(t, a.Store), models.CircularRequest{Region: province, Period: "2025Q1"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Tickets.Received != 2 || strings.Join(f.Tickets.MainCategories, "、") != "错别字" {
		t.Fatalf("the 找错 paragraph counts %d messages, mainly %v: want the 2 citizens' messages, mainly 错别字", f.Tickets.Received, f.Tickets.MainCategories)
	}
}

// The rates page counts citizens' messages alone when asked (来源: 网民留言), by the same
// selection as the circular, and its numbers lead to those tickets only.
func TestRatesOfCitizensMessagesAlone(t *testing.T) {
	a := newTestApp(t)
	a.submitTo("https://www.sc.gov.cn/citizen.html")
	_, byType := finishedRound(t, a, "scgov-staff")
	if resp, m := a.api("POST", "/api/v1/inspection/findings/"+strconv.FormatInt(byType["dead_link"], 10)+"/ticket", a.apiLogin("sc-supervisor"), ""); resp.StatusCode/100 != 2 {
		t.Fatalf("send the finding: %d %v", resp.StatusCode, m)
	}
	a.loginPage("sc-supervisor")
	_, page := a.get("/staff/stats?from=2025-03-01&to=2025-03-31&source=citizen")
	d := doc(t, page)
	if d.Find(`#s-source option[value="citizen"][selected]`).Length() != 1 {
		t.Error("the page does not say it shows citizens' messages")
	}
	received := d.Find(".stat-cards .stat-value a").First()
	if strings.TrimSpace(received.Text()) != "1" {
		t.Fatalf("received %q, want the 1 citizen's message", received.Text())
	}
	_, list := a.get(received.AttrOr("href", ""))
	if !strings.Contains(list, "共 1 条") || !strings.Contains(doc(t, list).Find("#list-selection").Text(), "网民留言") {
		t.Fatalf("the list behind it: %s", doc(t, list).Find("h1").Text())
	}
}
