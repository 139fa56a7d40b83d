package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"zhaocuo/models"
)

func TestNotificationsBellAndInbox(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/a.html")
	tk, _ := a.Store.Ticket(context.Background(), models.Scope{All: true}, no)
	a.Clock.Set(*tk.Deadline)
	set, cal, _ := a.Store.ReminderRules(context.Background())
	for _, st := range models.NextStages(tk, nil, a.Clock.Now(), set, cal) {
		if st.Kind == models.StageDueSoon {
			if _, err := a.Store.SendReminder(context.Background(), st); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.loginPage("gzw-staff")
	_, page := a.get("/staff")
	if badge := strings.TrimSpace(doc(t, page).Find(".bell .badge").Text()); badge != "1" {
		t.Fatalf("bell shows %q", badge)
	}
	_, page = a.get("/notifications")
	d := doc(t, page)
	href, _ := d.Find("ol.notes li.unread a").Attr("href")
	if !strings.Contains(d.Find("ol.notes").Text(), "留言今日到期") || href == "" {
		t.Fatal("the notification is not listed as unread")
	}
	resp, _ := a.get(href)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/tickets/"+no {
		t.Fatalf("opening it: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = a.get("/staff")
	if doc(t, page).Find(".bell .badge").Length() != 0 {
		t.Fatal("still unread after opening")
	}
	// Another person's notification is not found.
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	b.loginPage("scgov-staff")
	if r, _ := b.get(href); r.StatusCode != http.StatusNotFound {
		t.Fatalf("someone else's notification: %d", r.StatusCode)
	}
	// The API shows it, read.
	token := a.apiLogin("gzw-staff")
	_, body := a.api("GET", "/api/v1/notifications", token, "")
	list := body["notifications"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["read_at"] == nil {
		t.Fatalf("API: %v", body)
	}
}

func TestAccountEmailAndQueueMonitorAccess(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	resp, page := a.postFormFrom("/account", map[string]string{"email": "not-an-address"}, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "电子邮箱格式不正确") {
		t.Fatalf("bad e-mail: %d", resp.StatusCode)
	}
	if resp, _ := a.postFormFrom("/account", map[string]string{"email": "me@gzw.example.cn"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if r, _ := a.get("/admin/queues"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("staff on the queue monitor: %d", r.StatusCode)
	}
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis, func(c *appConfig) { c.QueueInspector = a.Redis.Opt })
	b.loginPage("admin")
	if r, body := b.get("/admin/queues"); r.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(body), "asynq") {
		t.Fatalf("admin on the queue monitor: %d", r.StatusCode)
	}
}
