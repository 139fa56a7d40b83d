package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models"
)

// postValues sends a form as a browser on the app's own page does, fields repeated as given.
func (a *testApp) postValues(path string, v url.Values) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return a.do(req)
}

// noticeBoxes reads the account page's notice choices: for each kind, which of its boxes are
// ticked ("email", "webhook").
func noticeBoxes(t *testing.T, page string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	doc(t, page).Find("#notice-choices tbody tr").Each(func(_ int, tr *goquery.Selection) {
		kind, _ := tr.Attr("data-kind")
		out[kind] = []string{}
		tr.Find("input[name=notice]").Each(func(_ int, in *goquery.Selection) {
			if _, on := in.Attr("checked"); on {
				v, _ := in.Attr("value")
				channel, _, _ := strings.Cut(v, ":")
				out[kind] = append(out[kind], channel)
			}
		})
	})
	return out
}

// The account page lists the kinds of notice the person's role gets, ticked as the defaults say
// until they choose; saving keeps exactly what was ticked; a form that is not the page's is a
// 400 in Chinese that changes nothing. The API reads and sets the same choices.
func TestAccountNoticeChoices(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	_, page := a.get("/account")
	boxes := noticeBoxes(t, page)
	want := map[string][]string{
		models.NoticeTicketNew: {"email", "webhook"}, models.NoticeReplyReturned: {"email"}, models.NoticeUrged: {"email", "webhook"},
		models.NoticeRequestDecided: {}, models.NoticeRectifyDecided: {}, models.NoticeDeadlineEarly: {"email", "webhook"},
		models.NoticeAppealDecided: {}, models.NoticeFollowUp: {"email", "webhook"},
	}
	if len(boxes) != len(want) {
		t.Fatalf("the page offers %v, want %v", boxes, want)
	}
	for k, w := range want {
		if !slices.Equal(boxes[k], w) {
			t.Errorf("%s: ticked %v, want %v", k, boxes[k], w)
		}
	}
	form := url.Values{"kind": {models.NoticeTicketNew, models.NoticeRequestDecided},
		"notice": {"webhook:" + models.NoticeTicketNew, "email:" + models.NoticeRequestDecided}}
	if resp, body := a.postValues("/account/notices", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	_, page = a.get("/account")
	saved := noticeBoxes(t, page)
	if !slices.Equal(saved[models.NoticeTicketNew], []string{"webhook"}) || !slices.Equal(saved[models.NoticeRequestDecided], []string{"email"}) ||
		!slices.Equal(saved[models.NoticeUrged], []string{"email", "webhook"}) {
		t.Fatalf("after saving: %v", saved)
	}
	if !strings.Contains(doc(t, page).Find(".flash").Text(), "通知方式已保存") {
		t.Error("no word that it was saved")
	}

	for _, bad := range []struct {
		name string
		form url.Values
		says string
	}{
		{"a kind the role does not get", url.Values{"kind": {models.NoticeImportFinished}, "notice": {"email:" + models.NoticeImportFinished}}, "您的角色收不到"},
		{"a kind that does not exist", url.Values{"kind": {"sms_everything"}}, "没有这种通知"},
		{"a box of a kind not on the form", url.Values{"kind": {models.NoticeTicketNew}, "notice": {"email:" + models.NoticeUrged}}, "通知设置有误"},
		{"a channel that does not exist", url.Values{"kind": {models.NoticeTicketNew}, "notice": {"sms:" + models.NoticeTicketNew}}, "通知设置有误"},
		{"a kind twice", url.Values{"kind": {models.NoticeTicketNew, models.NoticeTicketNew}}, "只能设置一次"},
		{"nothing", url.Values{}, "通知设置有误"},
	} {
		resp, body := a.postValues("/account/notices", bad.form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, bad.says) {
			t.Errorf("%s: %d, want 400 saying %q", bad.name, resp.StatusCode, bad.says)
		}
		if got := noticeBoxes(t, body); !maps2Equal(got, saved) {
			t.Errorf("%s: the page shows %v, the choices were %v", bad.name, got, saved)
		}
	}
	_, page = a.get("/account")
	if got := noticeBoxes(t, page); !maps2Equal(got, saved) {
		t.Fatalf("a refused form changed the choices: %v", got)
	}

	// The API: the same choices, set the same way.
	token := a.apiLogin("gzw-staff")
	resp, body := a.api("GET", "/api/v1/me/notification-preferences", token, "")
	prefs, _ := body["preferences"].([]any)
	if resp.StatusCode != http.StatusOK || len(prefs) != len(want) {
		t.Fatalf("GET: %d %v", resp.StatusCode, body)
	}
	first := prefs[0].(map[string]any)
	if first["kind"] != models.NoticeTicketNew || first["label"] != "新留言" || first["in_app"] != true || first["email"] != false || first["webhook"] != true {
		t.Fatalf("GET: %v", first)
	}
	resp, body = a.api("PUT", "/api/v1/me/notification-preferences", token, `{"preferences":[{"kind":"ticket_new","email":true,"webhook":false}]}`)
	if first := body["preferences"].([]any)[0].(map[string]any); resp.StatusCode != http.StatusOK || first["email"] != true || first["webhook"] != false {
		t.Fatalf("PUT: %d %v", resp.StatusCode, body)
	}
	for _, bad := range []struct{ body, says string }{
		{`{"preferences":[{"kind":"import_finished","email":true,"webhook":true}]}`, "您的角色收不到"},
		{`{"preferences":[{"kind":"ticket_new","email":true}]}`, "email 和 webhook"},
		{`{"preferences":[{"kind":"ticket_new","email":true,"webhook":true,"in_app":false}]}`, "未知字段"},
		{`{"preferences":[{"kind":"ticket_new","email":"yes","webhook":true}]}`, "类型不对"},
		{`{"preferences":[]}`, "请列出"},
	} {
		resp, body := a.api("PUT", "/api/v1/me/notification-preferences", token, bad.body)
		if msg, _ := body["error"].(string); resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, bad.says) {
			t.Errorf("PUT %s: %d %v, want 400 saying %q", bad.body, resp.StatusCode, body, bad.says)
		}
	}
	choices, _ := a.Store.NoticeChoices(context.Background(), userNamed(t, a, "gzw-staff"))
	if choices[0] != (models.NoticeChoice{Kind: models.NoticeTicketNew, Email: true, Webhook: false}) {
		t.Fatalf("after the refused PUTs: %+v", choices[0])
	}
}

func maps2Equal(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func userNamed(t *testing.T, a *testApp, username string) *models.User {
	t.Helper()
	u, err := a.Store.Authenticate(context.Background(), username, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// tell runs the workflow notices' pass, as the worker does when the queue's task comes.
func (a *testApp) tell() {
	a.t.Helper()
	if _, _, err := a.Store.WriteNotices(context.Background()); err != nil {
		a.t.Fatal(err)
	}
}

// The workflow notices are in the bell's count and the notifications list, and each leads, for
// the person told, to a page that opens: the ticket, the list a batch is in, the rectification,
// the import.
func TestNoticesInTheBellLeadWhereTheySay(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	no, _ := a.submitTo("https://gzw.sc.gov.cn/a.html")
	a.tell()
	for i := range 3 {
		a.submitTo("https://gzw.sc.gov.cn/b" + strconv.Itoa(i) + ".html")
	}
	a.tell()
	staff := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	staff.loginPage("gzw-staff")
	_, page := staff.get("/staff")
	if badge := strings.TrimSpace(doc(t, page).Find(".bell .badge").Text()); badge != "2" {
		t.Fatalf("the bell shows %q, want 2", badge)
	}
	opened := map[string]string{} // title → where it led
	follow := func(app *testApp) {
		t.Helper()
		_, list := app.get("/notifications")
		doc(t, list).Find("ol.notes li a").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			resp, _ := app.get(href)
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: %d", href, resp.StatusCode)
				return
			}
			to := resp.Header.Get("Location")
			if r, _ := app.get(to); r.StatusCode != http.StatusOK {
				t.Errorf("%q leads to %s: %d", s.Text(), to, r.StatusCode)
			}
			opened[strings.TrimSpace(s.Text())] = to
		})
	}
	follow(staff)
	if opened["新留言："+no] != "/staff/tickets/"+no || opened["收到 3 条新留言"] != "/staff/tickets?status=assigned" {
		t.Fatalf("opened %v", opened)
	}
	if _, page = staff.get("/staff"); doc(t, page).Find(".bell .badge").Length() != 0 {
		t.Fatal("still unread once opened")
	}

	// A supervisor's: a rectification report to review, an import that ended.
	gzw := userNamed(t, a, "gzw-staff")
	sup := userNamed(t, a, "sc-supervisor")
	rect := (&hostileWorld{testApp: a}).openRectification()
	sc, _ := a.Store.ScopeOf(ctx, gzw)
	if _, err := a.Store.SubmitRectification(ctx, gzw, sc, rect, models.RectificationUpload{Name: "整改报告.pdf",
		ContentType: "application/pdf", Data: []byte("%PDF-1.4 report")}); err != nil {
		t.Fatal(err)
	}
	imp, _, err := a.Store.CreateAccountImport(ctx, sup, "台账.csv", []models.UploadedAccount{{Name: "四川发布", Platform: "微信"}})
	if err != nil {
		t.Fatal(err)
	}
	a.Store.BeginAccountImport(ctx, imp.ID)
	if _, _, err := a.Store.FinishAccountImport(ctx, imp.ID, []models.AccountResult{{Name: "四川发布", Platform: "微信"}}); err != nil {
		t.Fatal(err)
	}
	a.tell()
	supervisor := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	supervisor.loginPage("sc-supervisor")
	_, page = supervisor.get("/staff")
	if badge := strings.TrimSpace(doc(t, page).Find(".bell .badge").Text()); badge != "2" {
		t.Fatalf("the supervisor's bell shows %q", badge)
	}
	clear(opened)
	follow(supervisor)
	if opened["整改报告待审核：四川省政府国有资产监督管理委员会"] != "/staff/rectifications/"+strconv.FormatInt(rect, 10) ||
		opened["新媒体账号导入完成：台账.csv"] != "/staff/inspection/imports/"+strconv.FormatInt(imp.ID, 10) {
		t.Fatalf("opened %v", opened)
	}
	// The API lists them too.
	_, body := a.api("GET", "/api/v1/notifications", a.apiLogin("sc-supervisor"), "")
	if list := body["notifications"].([]any); len(list) != 2 || list[0].(map[string]any)["kind"] != models.NoticeImportFinished {
		t.Fatalf("API: %v", body)
	}
}
