package handlers_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models/storetest"
)

func withInspection(t *testing.T) appOption {
	return onceOpen(func(c *appConfig) { c.Inspection = storetest.SichuanInspection(t, c.Store) })
}

// The API: the region's supervisor drafts, edits, publishes and corrects; another region's
// supervisor does not see it (404); unit staff may not call it (403); bad input is a 4xx in Chinese.
func TestCircularAPIScopeRolesAndFreezing(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	sc, cd, staff, admin := a.apiLogin("sc-supervisor"), a.apiLogin("cd-supervisor"), a.apiLogin("gzw-staff"), a.apiLogin("admin")

	resp, body := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q9"}`)
	if resp.StatusCode != 400 || body["field"] != "period" || !strings.Contains(body["error"].(string), "时段") {
		t.Fatalf("bad period: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","decimals":"two"}`)
	if resp.StatusCode != 400 || body["error"] == nil {
		t.Fatalf("decimals as text: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	if resp.StatusCode != 201 || body["status"] != "draft" {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	id := jsonNumber(body["id"])
	figures := body["figures"].(map[string]any)
	if w := figures["websites"].(map[string]any); w["pass_rate"] != "99.86%" || w["checked"].(float64) != 735 {
		t.Fatalf("websites: %v", w)
	}
	if resp, _ := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1"}`); resp.StatusCode != 409 {
		t.Fatalf("second draft: %d", resp.StatusCode)
	}

	for _, tt := range []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"another region's supervisor reads", "GET", "/api/v1/circulars/" + id, cd, "", 404},
		{"another region's supervisor publishes", "POST", "/api/v1/circulars/" + id + "/publish", cd, "", 404},
		{"another region's supervisor downloads", "GET", "/api/v1/circulars/" + id + "/document?format=docx", cd, "", 404},
		{"unit staff lists", "GET", "/api/v1/circulars", staff, "", 403},
		{"unit staff publishes", "POST", "/api/v1/circulars/" + id + "/publish", staff, "", 403},
		{"admin publishes", "POST", "/api/v1/circulars/" + id + "/publish", admin, "", 403},
		{"no such circular", "GET", "/api/v1/circulars/999999", sc, "", 404},
		{"not an id", "GET", "/api/v1/circulars/abc", sc, "", 404},
		{"no such action", "POST", "/api/v1/circulars/" + id + "/shred", sc, "", 404},
		{"bad format", "GET", "/api/v1/circulars/" + id + "/document?format=pdf", sc, "", 400},
		{"unknown placeholder", "POST", "/api/v1/circulars/" + id + "/text", sc, `{"title":"通报","issuer":"四川省人民政府办公厅","issue_date":"2025-03-25","overview":"{{网站数}}"}`, 400},
		{"unknown field", "POST", "/api/v1/circulars/" + id + "/text", sc, `{"title":"通报","colour":"red"}`, 400},
		{"no title", "POST", "/api/v1/circulars/" + id + "/text", sc, `{"issuer":"四川省人民政府办公厅","issue_date":"2025-03-25"}`, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := a.api(tt.method, tt.path, tt.token, tt.body)
			if resp.StatusCode != tt.want {
				t.Fatalf("%d %v, want %d", resp.StatusCode, body, tt.want)
			}
			if msg, _ := body["error"].(string); msg == "" || !hasHan(msg) {
				t.Errorf("error %q is not a Chinese message", msg)
			}
		})
	}
	if resp, body := a.api("GET", "/api/v1/circulars/"+id, admin, ""); resp.StatusCode != 200 {
		t.Fatalf("admin reads: %d %v", resp.StatusCode, body)
	}

	resp, body = a.api("POST", "/api/v1/circulars/"+id+"/text", sc, `{"title":"关于2025年第一季度检查情况的通报","issuer":"四川省人民政府办公厅","issue_date":"2025-03-25","doc_number":"川办便函〔2025〕78号","overview":"合格率{{网站合格率}}。"}`)
	if resp.StatusCode != 200 || body["filled"].(map[string]any)["overview"] != "合格率99.86%。" || body["text"].(map[string]any)["overview"] != "合格率{{网站合格率}}。" {
		t.Fatalf("text: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/refresh", sc, ""); resp.StatusCode != 200 {
		t.Fatalf("refresh: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("POST", "/api/v1/circulars/"+id+"/publish", sc, "")
	if resp.StatusCode != 200 || body["status"] != "published" || body["text"].(map[string]any)["overview"] != "合格率99.86%。" {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}
	// Every time the API gives is in Beijing time, as the API's documentation says.
	figures = body["figures"].(map[string]any)
	for name, v := range map[string]any{"updated_at": body["updated_at"], "published_at": body["published_at"],
		"figures.refreshed_at": figures["refreshed_at"], "figures.tickets.as_of": figures["tickets"].(map[string]any)["as_of"]} {
		if s, _ := v.(string); !strings.HasSuffix(s, "+08:00") {
			t.Errorf("%s = %v, want a time in +08:00", name, v)
		}
	}
	for _, action := range []string{"publish", "refresh"} {
		if resp, _ := a.api("POST", "/api/v1/circulars/"+id+"/"+action, sc, ""); resp.StatusCode != 409 {
			t.Errorf("%s after publishing: %d", action, resp.StatusCode)
		}
	}
	if resp, _ := a.api("POST", "/api/v1/circulars/"+id+"/text", sc, `{"title":"改","issuer":"四川省人民政府办公厅","issue_date":"2025-03-25"}`); resp.StatusCode != 409 {
		t.Errorf("edit after publishing: %d", resp.StatusCode)
	}
	resp, body = a.api("POST", "/api/v1/circulars/"+id+"/correct", sc, "")
	if resp.StatusCode != 201 || body["version"].(float64) != 2 || body["status"] != "draft" {
		t.Fatalf("correct: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("GET", "/api/v1/circulars", sc, "")
	if list := body["circulars"].([]any); resp.StatusCode != 200 || len(list) != 2 {
		t.Fatalf("list: %d %v", resp.StatusCode, body)
	}
	if _, body := a.api("GET", "/api/v1/circulars", cd, ""); len(body["circulars"].([]any)) != 0 {
		t.Fatalf("成都's supervisor lists the province's circulars: %v", body)
	}
}

func jsonNumber(v any) string {
	f, _ := v.(float64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// The pages: draft from the form, edit the text in the browser's form, preview the 公文, publish;
// a published circular shows no form. Unit staff get 403; bad input is shown again with the message.
func TestCircularPages(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	a.loginPage("gzw-staff")
	if resp, body := a.get("/staff/circulars"); resp.StatusCode != 403 || !strings.Contains(body, "没有权限") {
		t.Fatalf("unit staff: %d", resp.StatusCode)
	}
	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("sc-supervisor")

	resp, body := a.postFormFrom("/staff/circulars", map[string]string{"period": "2025年一季度", "decimals": "2"}, nil, "same-origin")
	if resp.StatusCode != 400 || !strings.Contains(body, "时段应为") || !strings.Contains(body, `value="2025年一季度"`) {
		t.Fatalf("bad period: %d", resp.StatusCode)
	}
	resp, body = a.postFormFrom("/staff/circulars", map[string]string{"period": "2025Q1", "decimals": "2", "cutoff": "2025-03-20"}, nil, "same-origin")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/circulars/") {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	resp, body = a.get(loc)
	d := doc(t, body)
	if resp.StatusCode != 200 || d.Find("#circular-text").Length() != 1 || !strings.Contains(d.Find("#figures").Text(), "99.86%") {
		t.Fatalf("draft page: %d", resp.StatusCode)
	}
	if got := strings.TrimSpace(d.Find("#attachment-websites tbody td").Eq(1).Text()); got != "四川省政府国有资产监督管理委员会" {
		t.Errorf("attachment's first site: %q", got)
	}
	// Publishing asks first, naming when the figures were taken: they are not taken again.
	if ask, _ := d.Find(`form[action$="/publish"]`).Attr("data-confirm"); !strings.Contains(ask, "2025-03-25 10:00 更新的数字") {
		t.Errorf("the publish button asks %q, without the figures' time", ask)
	}

	text := map[string]string{"title": "四川省人民政府办公厅关于2025年第一季度全省政府网站与政务新媒体检查情况的通报", "issuer": "四川省人民政府办公厅",
		"issue_date": "2025-03-25", "doc_number": "川办便函〔2025〕78号", "recipients": "各市（州）人民政府：",
		"overview": "（一）政府网站。合格率{{网站合格率}}。\n（二）政务新媒体。合格率{{新媒体合格率}}。", "problems": "略。", "requirements": "（一）加强管理。", "closing": ""}
	bad := map[string]string{}
	for k, v := range text {
		bad[k] = v
	}
	bad["overview"] = "{{合格率}}"
	resp, body = a.postFormFrom(loc, bad, nil, "same-origin")
	if resp.StatusCode != 400 || !strings.Contains(body, "占位符") || !strings.Contains(doc(t, body).Find("#t-overview").Text(), "{{合格率}}") {
		t.Fatalf("bad placeholder: %d", resp.StatusCode)
	}
	// As a browser posts it (URL-encoded, 9 bytes a character): a long problems part is kept, one
	// past the limit is refused as too long rather than read as an empty form.
	urlencoded := func(fields map[string]string) (*http.Response, string) {
		v := url.Values{}
		for k, f := range fields {
			v.Set(k, f)
		}
		req, _ := http.NewRequest(http.MethodPost, a.URL+loc, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return a.do(req)
	}
	long := maps.Clone(text)
	long["problems"] = strings.Repeat("栏目长期未更新。", 2000) // 16,000 characters
	if resp, body := urlencoded(long); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save a long text: %d %.300s", resp.StatusCode, body)
	}
	long["problems"] = strings.Repeat("栏", 120000)
	if resp, body := urlencoded(long); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "通报内容过长") {
		t.Fatalf("a text past the limit: %d %.300s", resp.StatusCode, body)
	}
	if resp, body := a.postFormFrom(loc, text, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	resp, body = a.get(loc + "/document")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "style-src 'sha256-") {
		t.Fatalf("preview: %d %s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	pd := doc(t, body)
	if pd.Find(".docno").Text() != "川办便函〔2025〕78号" || !strings.Contains(pd.Find("section p").First().Text(), "合格率99.86%") {
		t.Errorf("preview: %q / %q", pd.Find(".docno").Text(), pd.Find("section p").First().Text())
	}
	resp, _ = a.get(loc + "/document?format=docx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".docx") {
		t.Fatalf("docx: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, body := a.postFormFrom(loc+"/publish", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(loc)
	d = doc(t, body)
	if d.Find("#status").Text() != "已发布" || d.Find("#circular-text").Length() != 0 || !strings.Contains(d.Find("#circular-body").Text(), "合格率99.95%") {
		t.Fatalf("published page: %q", d.Find("#status").Text())
	}
	if resp, _ := a.postFormFrom(loc, text, nil, "same-origin"); resp.StatusCode != http.StatusConflict {
		t.Fatalf("saving a published circular: %d", resp.StatusCode)
	}
}

// The 下步要求 template on the circulars page: the supervisor edits it (a bad placeholder is shown
// again with the input kept and nothing stored), and the next draft starts from it; unit staff and
// another region's supervisor may not touch it.
func TestRequirementsTemplatePage(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	a.loginPage("gzw-staff")
	if resp, _ := a.postFormFrom("/staff/circulars/template", map[string]string{"requirements": "（一）单位写的。"}, nil, "same-origin"); resp.StatusCode != 403 {
		t.Fatalf("unit staff: %d", resp.StatusCode)
	}
	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("cd-supervisor")
	if resp, body := a.postFormFrom("/staff/circulars/template", map[string]string{"region": "510000", "requirements": "（一）成都写省里的。"}, nil, "same-origin"); resp.StatusCode != 403 || !strings.Contains(body, "只能修改本地区") {
		t.Fatalf("成都 editing the province's: %d", resp.StatusCode)
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("sc-supervisor")
	_, body := a.get("/staff/circulars")
	if got := doc(t, body).Find("#tpl-requirements").Text(); !strings.HasPrefix(got, "（一）提升政府网站运维保障水平") || !strings.Contains(body, "使用系统默认文字") {
		t.Fatalf("the form starts from the default: %q", got)
	}
	resp, body := a.postFormFrom("/staff/circulars/template", map[string]string{"requirements": "（一）按期办结率须达到{{不存在的数}}。"}, nil, "same-origin")
	if resp.StatusCode != 400 || !strings.Contains(body, "占位符{{不存在的数}}不存在") || doc(t, body).Find("#tpl-requirements").Text() != "（一）按期办结率须达到{{不存在的数}}。" {
		t.Fatalf("bad placeholder: %d", resp.StatusCode)
	}
	var n int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM circular_templates").Scan(&n)
	if n != 0 {
		t.Fatal("a refused template was stored")
	}
	want := "（一）本省模板的要求。按期办结率须保持{{按期办结率}}。"
	if resp, body := a.postFormFrom("/staff/circulars/template", map[string]string{"requirements": want}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	_, body = a.get("/staff/circulars")
	if doc(t, body).Find("#tpl-requirements").Text() != want || !strings.Contains(body, "使用本地区模板") {
		t.Fatal("the page does not show the saved template")
	}
	resp, _ = a.postFormFrom("/staff/circulars", map[string]string{"period": "2025Q1", "decimals": "2", "cutoff": "2025-03-20"}, nil, "same-origin")
	_, body = a.get(resp.Header.Get("Location"))
	if got := doc(t, body).Find("#t-requirements").Text(); got != want {
		t.Fatalf("the new draft's 下步要求: %q", got)
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("admin")
	if resp, body := a.postFormFrom("/staff/circulars/template", map[string]string{"region": "510100", "requirements": "（一）成都的要求。"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the administrator sets 成都's: %d %s", resp.StatusCode, body)
	}
	if resp, body := a.postFormFrom("/staff/circulars/template", map[string]string{"region": "999999", "requirements": "（一）没有的地区。"}, nil, "same-origin"); resp.StatusCode != 400 || !strings.Contains(body, "没有该地区") {
		t.Fatalf("unknown region: %d", resp.StatusCode)
	}
}

// Publishing hands the 整改通知's e-mails and webhook posts to the queue once committed, as
// reminders do with theirs: a delivery task for each delivery the store recorded.
func TestPublishingQueuesTheNoticeDeliveries(t *testing.T) {
	q := &recordingQueue{}
	a := newTestApp(t, withInspection(t), withQueue(q), withEmail)
	ctx := context.Background()
	staff, err := a.Store.Authenticate(ctx, "gzw-staff", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.SetEmail(ctx, staff.ID, "staff@gzw.example.cn"); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.AddWebhook(ctx, *staff.UnitID, 0, "https://robot.example.cn/send?key=gzw"); err != nil {
		t.Fatal(err)
	}
	_, body := a.api("POST", "/api/v1/circulars", a.apiLogin("sc-supervisor"), `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	a.loginPage("sc-supervisor")
	if resp, _ := a.postFormFrom("/staff/circulars/"+jsonNumber(body["id"])+"/publish", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}

	var recorded []string
	rows, err := a.Store.SQLDB().Query("SELECT id, status FROM deliveries ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status string
		rows.Scan(&id, &status)
		if status != "pending" {
			t.Errorf("delivery %d is %s before any worker ran", id, status)
		}
		recorded = append(recorded, "dlv:"+strconv.FormatInt(id, 10))
	}
	var queued []string
	for _, id := range q.ids {
		if strings.HasPrefix(id, "dlv:") {
			queued = append(queued, id)
		}
	}
	if len(recorded) != 2 || strings.Join(queued, ",") != strings.Join(recorded, ",") {
		t.Fatalf("queued %v; the store recorded %v (want the e-mail and the webhook post)", queued, recorded)
	}
}

// Publishing a draft with an empty 文号 is refused with the reason on the page, until the office
// ticks "本通报无文号"; the 版记 typed into the form comes out at the end of the 公文.
func TestCircularPublishAsksForDocNumber(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	a.loginPage("sc-supervisor")
	resp, _ := a.postFormFrom("/staff/circulars", map[string]string{"period": "2025Q1", "decimals": "2", "cutoff": "2025-03-20"}, nil, "same-origin")
	loc := resp.Header.Get("Location")
	_, body := a.get(loc)
	d := doc(t, body)
	if !strings.Contains(d.Find("#no-doc-number").Text(), "文号为空") {
		t.Error("the draft without a 文号 does not warn")
	}
	if got, _ := d.Find("#t-print_office").Attr("value"); got != "四川省人民政府办公厅" {
		t.Errorf("the 印发机关 starts as %q", got)
	}
	resp, body = a.postFormFrom(loc+"/publish", nil, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "本通报无文号") {
		t.Fatalf("publishing without a 文号: %d", resp.StatusCode)
	}
	if _, body = a.get(loc); doc(t, body).Find("#status").Text() != "草稿" {
		t.Fatal("the refused circular was published")
	}
	d = doc(t, body)
	text := map[string]string{"no_doc_number": "1", "cc": "省委办公厅，省人大常委会办公厅。", "print_office": "四川省人民政府办公厅秘书处", "print_date": "2025-03-26"}
	d.Find("#circular-text input:not([type=checkbox]), #circular-text textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if _, set := text[name]; !set {
			text[name] = s.Text()
			if v, ok := s.Attr("value"); ok {
				text[name] = v
			}
		}
	})
	if resp, body := a.postFormFrom(loc, text, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	if resp, body := a.postFormFrom(loc+"/publish", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publishing a circular declared without 文号: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(loc + "/document")
	pd := doc(t, body)
	if got := pd.Find(".colophon").Text(); !strings.Contains(got, "抄送：省委办公厅，省人大常委会办公厅。") || !strings.Contains(got, "2025年3月26日印发") {
		t.Errorf("the 版记: %q", got)
	}
	if pd.Find(".docno").Length() != 0 {
		t.Error("a circular without 文号 shows one")
	}
}
