package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// The administrator's older add forms (/admin/registry, /admin/users) and user actions write
// the same audited records as the registry's lists and API: each leaves a registry event.
func TestAdminOldFormsWriteRegistryEvents(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	db := a.Store.SQLDB()
	event := func(entity, key, action string) (changes, source string) {
		t.Helper()
		if err := db.QueryRow(`SELECT changes, source FROM registry_events WHERE entity = ? AND entity_key = ? AND action = ? ORDER BY id DESC LIMIT 1`,
			entity, key, action).Scan(&changes, &source); err != nil {
			t.Fatalf("no %s event for %s %s: %v", action, entity, key, err)
		}
		return changes, source
	}
	post := func(path string, f map[string]string) {
		t.Helper()
		if resp, body := a.postFormFrom(path, f, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, doc(t, body).Find(".field-error, .flash-error").Text())
		}
	}

	post("/admin/units", map[string]string{"name": "四川省数据局", "region": "510000", "kind": "department"})
	if _, src := event("unit", "四川省数据局", "created"); src != "form" {
		t.Fatalf("unit event source %q", src)
	}
	post("/admin/websites", map[string]string{"name": "四川省数据局网站", "unit": "四川省数据局", "kind": "department",
		"identifier_code": "5100000099", "bases": "https://sjj.sc.gov.cn/\r\nhttps://www.sc.gov.cn/sjj/"})
	var site int64
	if err := db.QueryRow("SELECT id FROM websites WHERE identifier_code = '5100000099'").Scan(&site); err != nil {
		t.Fatal(err)
	}
	if ch, _ := event("website", "5100000099", "created"); !strings.Contains(ch, "sjj.sc.gov.cn") {
		t.Fatalf("website event changes %s", ch)
	}
	post("/admin/websites/"+strconv.FormatInt(site, 10)+"/status", map[string]string{"status": "closed"})
	event("website", "5100000099", "closed")

	post("/admin/users", map[string]string{"username": "sjj-staff", "display_name": "数据局经办人", "role": "unit_staff",
		"unit": "四川省数据局", "password": "initial-pass-123"})
	event("user", "sjj-staff", "created")
	var id int64
	if err := db.QueryRow("SELECT id FROM users WHERE username = 'sjj-staff'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	uid := strconv.FormatInt(id, 10)
	post("/admin/users/"+uid+"/disable", map[string]string{})
	event("user", "sjj-staff", "closed")
	post("/admin/users/"+uid+"/enable", map[string]string{})
	event("user", "sjj-staff", "reopened")

	// A reset password is one the administrator knows: the user must change it, and the trail
	// says it was reset without the password.
	if _, err := db.Exec("UPDATE users SET must_change_password = ? WHERE id = ?", false, id); err != nil {
		t.Fatal(err)
	}
	if resp, _ := a.postFormFrom("/admin/users/"+uid+"/password", map[string]string{"password": "short"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther ||
		a.countRows("SELECT COUNT(*) FROM registry_events WHERE entity = 'user' AND entity_key = 'sjj-staff' AND action = 'updated'") != 0 {
		t.Fatalf("a short password: %d, or an event written", resp.StatusCode)
	}
	post("/admin/users/"+uid+"/password", map[string]string{"password": "reset-by-admin-789"})
	changes, _ := event("user", "sjj-staff", "updated")
	if !strings.Contains(changes, "password") || strings.Contains(changes, "reset-by-admin-789") {
		t.Fatalf("password reset event %s", changes)
	}
	var must bool
	if err := db.QueryRow("SELECT must_change_password FROM users WHERE id = ?", id).Scan(&must); err != nil || !must {
		t.Fatalf("must_change_password after a reset: %v %v", must, err)
	}
}

// Neither section lists every user or website: they link to the paged lists.
func TestAdminSectionsLinkToPagedLists(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	for path, list := range map[string]string{"/admin/users": "/admin/registry/users", "/admin/registry": "/admin/registry/websites"} {
		resp, body := a.get(path)
		d := doc(t, body)
		if resp.StatusCode != http.StatusOK || d.Find(`form[action="`+list+`"] input[name="q"]`).Length() != 1 {
			t.Fatalf("%s: %d, no search of %s", path, resp.StatusCode, list)
		}
		if n := d.Find("table.data tbody tr").Length(); n != 0 {
			t.Fatalf("%s lists %d rows", path, n)
		}
	}
}

// An administrator cannot disable their own account, from either page that offers it; the
// account stays enabled and no event is written.
func TestAdminCannotDisableThemselves(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	db := a.Store.SQLDB()
	var id int64
	if err := db.QueryRow("SELECT id FROM users WHERE username = 'admin'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	uid := strconv.FormatInt(id, 10)
	for _, path := range []string{"/admin/registry/users/" + uid + "/close", "/admin/users/" + uid + "/disable"} {
		resp, body := a.postFormFrom(path, nil, nil, "same-origin")
		if resp.StatusCode == http.StatusSeeOther {
			_, body = a.get(resp.Header.Get("Location"))
		} else if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(body, "不能停用自己的账号") {
			t.Fatalf("%s: no message saying why", path)
		}
	}
	var disabled bool
	if err := db.QueryRow("SELECT disabled FROM users WHERE id = ?", id).Scan(&disabled); err != nil || disabled {
		t.Fatalf("the admin's account disabled: %v %v", disabled, err)
	}
	if n := a.countRows("SELECT COUNT(*) FROM registry_events WHERE entity = 'user' AND entity_key = 'admin'"); n != 0 {
		t.Fatalf("%d events for a refused change", n)
	}
}
