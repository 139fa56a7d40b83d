package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// countdownText is a countdown as the lists show it.
func countdownText(c models.Countdown) string {
	switch {
	case c.Overdue:
		return fmt.Sprintf("已超期 %d 个工作日", c.DaysLate)
	case c.DueToday:
		return "今日到期"
	case c.Running:
		return fmt.Sprintf("剩 %d 个工作日", c.DaysLeft)
	}
	return ""
}

// deadlineLine is the countdown as the ticket's page shows it, with the deadline it is held to.
func deadlineLine(c models.Countdown) string {
	line := countdownText(c)
	if c.Due != nil {
		if c.Running {
			line += " · "
		}
		label := "答复期限"
		if c.Triage {
			label = "分办期限"
		}
		line += label + " " + c.Due.In(models.Shanghai).Format("2006-01-02 15:04")
	}
	return line
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// The countdown the inbox, the ticket lists, each ticket's page and the API show is the model's
// (Ticket.Countdown): tickets late by several working days, due today, with days left across the
// 清明 holiday, in triage, linked to another and closed, all read on the pages at one moment.
func TestCountdownOnThePagesIsTheModels(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	day := func(s string) { a.Clock.Set(storetest.At(s)) }
	late, _ := a.submitTo("https://gzw.sc.gov.cn/late.html") // Tuesday: due Friday 03-28
	day("2025-03-28 10:00")
	dueToday, _ := a.submitTo("https://gzw.sc.gov.cn/today.html") // due Wednesday 04-02
	closed, closedCode := a.submitTo("https://gzw.sc.gov.cn/closed.html")
	a.answer(closed, true)
	day("2025-03-31 10:00")
	linked, _ := a.submitTo("https://gzw.sc.gov.cn/today.html") // the same page and category: merged at receipt
	lateTriage, _ := a.submitTo("https://unknown.example.cn/a") // to be forwarded by Tuesday 04-01
	day("2025-04-02 10:00")
	left, leftCode := a.submitTo("https://gzw.sc.gov.cn/left.html") // due Tuesday 04-08, after the 清明 holiday
	triage, _ := a.submitTo("https://unknown.example.cn/b")

	cal, err := a.Store.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := a.Clock.Now()
	countdown := map[string]models.Countdown{}
	for _, no := range []string{late, dueToday, closed, linked, lateTriage, left, triage} {
		tk, err := a.Store.Ticket(ctx, models.Scope{All: true}, no)
		if err != nil {
			t.Fatal(err)
		}
		countdown[no] = tk.Countdown(now, cal)
	}
	// The tickets are what they are meant to be, so that every way of counting is shown.
	for no, want := range map[string]string{late: "已超期 3 个工作日", dueToday: "今日到期", left: "剩 3 个工作日", closed: "",
		linked: "", lateTriage: "已超期 1 个工作日", triage: "剩 1 个工作日"} {
		if got := countdownText(countdown[no]); got != want {
			t.Fatalf("%s counts %q, the test wants %q", no, got, want)
		}
	}
	if !countdown[triage].Triage || countdown[linked].Due == nil {
		t.Fatalf("triage %+v, linked %+v", countdown[triage], countdown[linked])
	}

	shown := 0
	// listed checks every ticket of a list against its countdown.
	listed := func(page, where string, want []string) {
		t.Helper()
		_, body := a.get(page)
		seen := map[string]bool{}
		doc(t, body).Find(where + " li.ticket-item").Each(func(_ int, li *goquery.Selection) {
			no := li.Find(".ticket-no").Text()
			c, ok := countdown[no]
			if !ok {
				return
			}
			seen[no] = true
			if got := squash(li.Find(".countdown").Text()); got != countdownText(c) {
				t.Errorf("%s %s: the list shows %q, the model counts %q", page, no, got, countdownText(c))
			}
			if li.HasClass("is-overdue") != c.Overdue || li.HasClass("is-due") != (c.DueToday && !c.Overdue) {
				t.Errorf("%s %s: classes %q for %+v", page, no, li.AttrOr("class", ""), c)
			}
			shown++
		})
		for _, no := range want {
			if !seen[no] {
				t.Errorf("%s does not list %s", page, no)
			}
		}
	}
	// onPage checks each ticket's page.
	onPage := func(nos ...string) {
		t.Helper()
		for _, no := range nos {
			_, body := a.get("/staff/tickets/" + no)
			if got := squash(doc(t, body).Find(".deadline-line").Text()); got != deadlineLine(countdown[no]) {
				t.Errorf("%s's page shows %q, the model counts %q", no, got, deadlineLine(countdown[no]))
			}
			shown++
		}
	}
	a.loginPage("gzw-staff")
	listed("/staff", "#inbox", []string{late, dueToday, left})
	listed("/staff/tickets?per_page=100", "", []string{late, dueToday, left, closed, linked})
	onPage(late, dueToday, left, closed, linked)
	a.loginPage("sc-supervisor")
	listed("/staff", "#triage", []string{lateTriage, triage})
	listed("/staff", "#overdue", []string{late, lateTriage})
	onPage(lateTriage, triage)
	if shown < 18 {
		t.Fatalf("%d countdowns compared", shown)
	}
	// The citizen's page shows the deadline while the countdown runs.
	for no, code := range map[string]string{left: leftCode, closed: closedCode} {
		_, body := a.lookUp(no, code)
		if shows := strings.Contains(doc(t, body).Find("#report dl").Text(), "答复期限"); shows != countdown[no].Running {
			t.Errorf("%s's query page shows the deadline: %v; the model counts %+v", no, shows, countdown[no])
		}
	}

	// The API says the same: overdue, and the working days left while the countdown runs.
	for _, who := range []string{"gzw-staff", "sc-supervisor"} {
		_, list := a.api("GET", "/api/v1/tickets?per_page=100", a.apiLogin(who), "")
		tickets, _ := list["tickets"].([]any)
		for _, it := range tickets {
			tk := it.(map[string]any)
			c, ok := countdown[tk["ticket_no"].(string)]
			if !ok {
				continue
			}
			var want any
			if c.Running && !c.Overdue {
				want = float64(c.DaysLeft)
			}
			if tk["overdue"] != c.Overdue || tk["working_days_left"] != want {
				t.Errorf("the API shows %s overdue %v, %v working days left; the model counts %+v", tk["ticket_no"], tk["overdue"], tk["working_days_left"], c)
			}
		}
	}
}

// An action posted from the page's form and the same fields sent as the API's JSON are one
// request (models.ActionRequest): they do the same to the ticket, or are refused with the same
// message, the "public" default included; and the page's own approve form, ticked as it starts
// or unticked, says what the reviewer chose.
func TestActionFormAndJSONAreOneRequest(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	type fields = map[string]any
	n := 0
	// ticket files a new report on a page of its own and brings it to the state the case needs.
	ticket := func(prepare string) string {
		n++
		no, _ := a.submitTo("https://gzw.sc.gov.cn/one-request-" + strconv.Itoa(n) + ".html")
		staff := a.apiLogin("gzw-staff")
		steps := map[string][][2]string{
			"assigned":  nil,
			"reviewing": {{"accept", ""}, {"reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`}},
			"pending":   {{"extension", `{"days":2,"text":"需要技术公司配合"}`}},
		}[prepare]
		for _, s := range steps {
			if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+s[0], staff, s[1]); r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %v", s[0], r.StatusCode, b)
			}
		}
		return no
	}
	// outcome is what an action did: the ticket as it stands, and the refusal, if any.
	outcome := func(no string, status int, refusal string) string {
		tk, err := a.Store.Ticket(ctx, models.Scope{All: true}, no)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d %q | status %s public %v confirmed %v pending %q %d extensions %d", status, refusal,
			tk.Status, tk.Public, tk.ReplyConfirmed, tk.Pending, tk.PendingDays, tk.ExtensionCount)
	}
	users := map[string]string{"reply": "gzw-staff", "extension": "gzw-staff", "approve": "gzw-reviewer", "decide": "sc-supervisor"}
	tests := []struct {
		name, action, state string
		fields              fields
	}{
		{"approve, public left out", "approve", "reviewing", fields{}},
		{"approve, public", "approve", "reviewing", fields{"public": true}},
		{"approve, not public", "approve", "reviewing", fields{"public": false}},
		{"reply, 属实", "reply", "assigned", fields{"text": "经核实，该链接已经修复。", "confirmed": true}},
		{"reply, not 属实", "reply", "assigned", fields{"text": "经核实，该链接可以正常打开。"}},
		{"extension", "extension", "assigned", fields{"days": 3, "text": "需要技术公司配合"}},
		{"extension, too many days", "extension", "assigned", fields{"days": 9, "text": "需要技术公司配合"}},
		{"decide, approve", "decide", "pending", fields{"decision": "approve"}},
		{"decide, refuse", "decide", "pending", fields{"decision": "refuse", "text": "理由不充分"}},
		{"decide, no choice", "decide", "pending", fields{"text": "没有选择"}},
		{"decide, neither", "decide", "pending", fields{"decision": "maybe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// From the page: the form as a browser sends it (a true box as "1", a false one as "0").
			byForm := ticket(tt.state)
			form := map[string]string{"request_key": "form-" + byForm}
			for k, v := range tt.fields {
				switch v {
				case true:
					form[k] = "1"
				case false:
					form[k] = "0"
				default:
					form[k] = fmt.Sprint(v)
				}
			}
			a.loginPage(users[tt.action])
			resp, page := a.postFormFrom("/staff/tickets/"+byForm+"/"+tt.action, form, nil, "same-origin")
			refusal := ""
			if resp.StatusCode != http.StatusSeeOther {
				refusal = strings.TrimPrefix(squash(doc(t, page).Find("#action-error p").First().Text()), "操作未成功：")
			}
			fromForm := outcome(byForm, resp.StatusCode, refusal)

			// From the API: the same fields as JSON.
			byAPI := ticket(tt.state)
			body, _ := json.Marshal(tt.fields)
			resp, answer := a.api("POST", "/api/v1/tickets/"+byAPI+"/"+tt.action, a.apiLogin(users[tt.action]), string(body))
			status, refusal := resp.StatusCode, ""
			if status != http.StatusOK {
				refusal, _ = answer["error"].(string)
			} else {
				status = http.StatusSeeOther // what the page answers once done
			}
			if fromAPI := outcome(byAPI, status, refusal); fromForm != fromAPI {
				t.Fatalf("the form did\n\t%s\nthe API\n\t%s", fromForm, fromAPI)
			}
		})
	}

	// The page's approve form, sent as a browser sends it: its box starts ticked (the model's
	// default), and unticked it sends false.
	a.loginPage("gzw-reviewer")
	for _, tick := range []bool{true, false} {
		no := ticket("reviewing")
		_, body := a.get("/staff/tickets/" + no)
		f := doc(t, body).Find(`form[action$="/approve"]`)
		box := f.Find(`input[type=checkbox][name=public]`)
		if _, checked := box.Attr("checked"); !checked { // a citizen's ticket: models.Ticket.PublicByDefault
			t.Fatalf("the public box starts checked=%v", checked)
		}
		v := url.Values{}
		f.Find("input").Each(func(_ int, in *goquery.Selection) {
			if in.AttrOr("type", "") == "checkbox" && !tick {
				return
			}
			v.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
		})
		req, _ := http.NewRequest(http.MethodPost, a.URL+f.AttrOr("action", ""), strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if resp, body := a.do(req); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve (ticked %v): %d %s", tick, resp.StatusCode, body)
		}
		if tk, _ := a.Store.Ticket(ctx, models.Scope{All: true}, no); tk.Status != models.StatusClosed || tk.Public != tick {
			t.Fatalf("ticked %v: status %s, public %v", tick, tk.Status, tk.Public)
		}
	}
}

// The page's text fields take their limits from the model (models.ActionText), and the model
// holds to them whichever way the text comes: a note one character over is refused by the form
// and the API alike, the notes that may be left out as much as the reasons.
func TestActionTextFieldsAreTheModelsLimits(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://unknown.example.cn/limits")
	a.loginPage("sc-supervisor")
	_, body := a.get("/staff/tickets/" + no)
	d := doc(t, body)
	for _, kind := range []string{models.ActAssign, models.ActInvalidate} {
		rule := models.ActionText(kind)
		field := d.Find(`form[action$="/` + kind + `"] [name=text]`)
		_, required := field.Attr("required")
		if field.Length() != 1 || field.AttrOr("maxlength", "") != strconv.Itoa(rule.Max) || required != (rule.Min > 0) ||
			(rule.Min > 0 && field.AttrOr("minlength", "") != strconv.Itoa(rule.Min)) {
			t.Fatalf("%s's text field %v for the rule %+v", kind, field.Nodes, rule)
		}
	}
	// The 分办 field is a typeahead picker (it takes a unit's name or id); the unit's id, as the API sends it.
	var unit string
	if err := a.Store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省教育厅'").Scan(&unit); err != nil || d.Find("#assign-unit").Length() != 1 {
		t.Fatalf("unit %q, picker %d: %v", unit, d.Find("#assign-unit").Length(), err)
	}
	rule := models.ActionText(models.ActAssign)
	long := strings.Repeat("长", rule.Max+1)
	resp, page := a.postFormFrom("/staff/tickets/"+no+"/assign", map[string]string{"unit_id": unit, "text": long, "request_key": "k-long"}, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc(t, page).Find("#action-error").Text(), strconv.Itoa(rule.Max)) {
		t.Fatalf("a note of %d characters by the form: %d", rule.Max+1, resp.StatusCode)
	}
	if r, b := a.api("POST", "/api/v1/tickets/"+no+"/assign", a.apiLogin("sc-supervisor"), `{"unit_id":`+unit+`,"text":"`+long+`"}`); r.StatusCode != http.StatusBadRequest || b["field"] != "text" {
		t.Fatalf("a note of %d characters by the API: %d %v", rule.Max+1, r.StatusCode, b)
	}
	if tk, _ := a.Store.Ticket(context.Background(), models.Scope{All: true}, no); tk.Status != models.StatusTriage {
		t.Fatalf("the ticket is %s after two refusals", tk.Status)
	}
}
