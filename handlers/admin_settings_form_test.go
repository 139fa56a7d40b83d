package handlers_test

import (
	"net/http"
	"testing"
)

// A refused settings form comes back with every edit kept and every problem named beside its
// field, and nothing saved.
func TestSettingsFormKeepsEveryEditAndNamesEveryProblem(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	sent := map[string]string{"forward_days": "abc", "reply_days": "7", "extension_max_days": "5", "extension_max_requests": "2",
		"urges_before_supervise": "2", "reminder_hour": "25", "ranking_min_due": "0"} // routing_enabled unticked
	resp, body := a.postForm("/admin/settings", sent, "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d", resp.StatusCode)
	}
	d := doc(t, body)
	for name, value := range sent {
		if got := d.Find(`form[action="/admin/settings"] input[name="`+name+`"]`).AttrOr("value", ""); got != value {
			t.Errorf("%s shows %q, sent %q", name, got, value)
		}
	}
	if d.Find(`input[name="routing_enabled"][checked]`).Length() != 0 {
		t.Error("the unticked routing box comes back ticked")
	}
	for _, name := range []string{"forward_days", "reminder_hour", "ranking_min_due"} {
		if d.Find("#"+name+"-error").Length() != 1 {
			t.Errorf("no message beside %s", name)
		}
	}
	if n := d.Find(".field-error").Length(); n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
	_, page := a.get("/admin/settings")
	if v := doc(t, page).Find(`input[name="reply_days"]`).AttrOr("value", ""); v != "3" {
		t.Errorf("a refused form saved reply_days %q", v)
	}
}
