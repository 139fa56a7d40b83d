package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The admin API lists, creates, edits and closes the registry with the admin token; bad input is
// a 4xx with a Chinese message; a role change ends the user's old token.
func TestAdminAPIManagesTheRegistry(t *testing.T) {
	a := newTestApp(t)
	admin := a.apiLogin("admin")

	resp, body := a.api("GET", "/api/v1/admin/units?q=教育&size=1", admin, "")
	if resp.StatusCode != 200 || body["total"].(float64) < 2 || len(body["items"].([]any)) != 1 {
		t.Fatalf("search units: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("GET", "/api/v1/admin/regions", admin, "")
	if resp.StatusCode != 200 || len(body["items"].([]any)) < 22 {
		t.Fatalf("regions: %d %v", resp.StatusCode, body)
	}
	region := body["items"].([]any)[0].(map[string]any)["id"].(float64)

	resp, body = a.api("POST", "/api/v1/admin/units", admin, fmt.Sprintf(`{"name":"四川省数据局","code":"11510000MB0000001R","region_id":%v,"kind":"department"}`, region))
	if resp.StatusCode != 201 || body["name"] != "四川省数据局" || body["review_required"] != true {
		t.Fatalf("create unit: %d %v", resp.StatusCode, body)
	}
	unit := body["id"].(float64)
	resp, body = a.api("POST", "/api/v1/admin/units", admin, fmt.Sprintf(`{"name":"四川省数据局","region_id":%v,"kind":"department"}`, region))
	if resp.StatusCode != 409 || !strings.Contains(body["error"].(string), "同名") {
		t.Fatalf("a second unit of one name: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("POST", "/api/v1/admin/websites", admin, fmt.Sprintf(`{"name":"四川省数据局","identifier_code":"5100000099","kind":"department","unit_id":%v,"bases":["https://sjj.sc.gov.cn/"]}`, unit))
	if resp.StatusCode != 201 || body["bases"].([]any)[0] != "sjj.sc.gov.cn/" {
		t.Fatalf("create website: %d %v", resp.StatusCode, body)
	}
	site := body["id"].(float64)
	resp, body = a.api("PUT", fmt.Sprintf("/api/v1/admin/websites/%v", site), admin, fmt.Sprintf(`{"name":"四川省大数据中心","kind":"department","unit_id":%v,"bases":["https://sjj.sc.gov.cn/","https://www.sc.gov.cn/"]}`, unit))
	if resp.StatusCode != 409 || !strings.Contains(body["error"].(string), "四川省人民政府") || body["field"] != "bases" {
		t.Fatalf("stealing the portal's base: %d %v", resp.StatusCode, body)
	}
	resp, body = a.api("PUT", fmt.Sprintf("/api/v1/admin/websites/%v", site), admin, fmt.Sprintf(`{"name":"四川省大数据中心","kind":"department","unit_id":%v,"bases":["https://sjj.sc.gov.cn/","https://data.sc.gov.cn/"]}`, unit))
	if resp.StatusCode != 200 || len(body["bases"].([]any)) != 2 || body["name"] != "四川省大数据中心" {
		t.Fatalf("edit website: %d %v", resp.StatusCode, body)
	}
	for _, c := range []struct{ method, path, body, want string }{
		{"PUT", fmt.Sprintf("/api/v1/admin/websites/%v", site), fmt.Sprintf(`{"name":"x","kind":"department","unit_id":%v,"bases":["ftp://data.sc.gov.cn/"]}`, unit), "不是 http 或 https 网址"}, // the rule and words a sheet row gets
		{"PUT", fmt.Sprintf("/api/v1/admin/units/%v", unit), `{"name":"x","region_id":1,"kind":"department","color":"red"}`, "未知字段 color"},
		{"PUT", fmt.Sprintf("/api/v1/admin/units/%v", unit), `{"name":"x","region_id":"1","kind":"department"}`, "类型不对"},
		{"PUT", "/api/v1/admin/units/abc", `{}`, "单位不存在"},
		{"GET", "/api/v1/admin/users?page=0", "", "page"},
		{"POST", fmt.Sprintf("/api/v1/admin/units/%v/explode", unit), "", "未知的操作"},
	} {
		resp, body := a.api(c.method, c.path, admin, c.body)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(fmt.Sprint(body["error"]), c.want) {
			t.Errorf("%s %s %s: %d %v, want a 4xx saying %q", c.method, c.path, c.body, resp.StatusCode, body, c.want)
		}
	}
	resp, body = a.api("POST", fmt.Sprintf("/api/v1/admin/units/%v/close", unit), admin, "")
	if resp.StatusCode != 409 {
		t.Fatalf("closed a unit running a site: %d %v", resp.StatusCode, body)
	}
	// An administrator cannot lock themselves out.
	_, body = a.api("GET", "/api/v1/admin/users?q=admin&role=admin", admin, "")
	self := body["items"].([]any)[0].(map[string]any)["id"]
	resp, body = a.api("POST", fmt.Sprintf("/api/v1/admin/users/%v/close", self), admin, "")
	if resp.StatusCode != 400 || !strings.Contains(fmt.Sprint(body["error"]), "不能停用自己的账号") {
		t.Fatalf("an admin disabled their own account: %d %v", resp.StatusCode, body)
	}

	// A user's role changes; the token issued before it stops working.
	staff := a.apiLogin("gzw-staff")
	resp, body = a.api("GET", "/api/v1/admin/users?q=gzw-staff", admin, "")
	if resp.StatusCode != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("find user: %d %v", resp.StatusCode, body)
	}
	u := body["items"].([]any)[0].(map[string]any)
	resp, body = a.api("PUT", fmt.Sprintf("/api/v1/admin/users/%v", u["id"]), admin, fmt.Sprintf(`{"display_name":"国资委审核","role":"unit_reviewer","unit_id":%v,"phone":"028-1234"}`, u["unit_id"]))
	if resp.StatusCode != 200 || body["role"] != "unit_reviewer" || body["phone"] != "028-1234" {
		t.Fatalf("edit user: %d %v", resp.StatusCode, body)
	}
	if resp, _ := a.api("GET", "/api/v1/me", staff, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the old token still works after a role change: %d", resp.StatusCode)
	}

	// Only administrators reach the admin API.
	for _, who := range []string{"sc-supervisor", "gzw-reviewer"} {
		if resp, _ := a.api("GET", "/api/v1/admin/units", a.apiLogin(who), ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s listed units: %d", who, resp.StatusCode)
		}
	}
}

// The registry's pages: a list per kind found by search, an edit form that saves through the
// same rule as the API and shows a refusal beside its field with the input kept, and the picks.
func TestRegistryPagesSearchAndEdit(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	resp, body := a.get("/admin/registry/websites?q=edu.chengdu")
	if resp.StatusCode != 200 {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	d := doc(t, body)
	rows := d.Find("table.data tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "成都市教育局") {
		t.Fatalf("search by host shows %d rows: %s", rows.Length(), rows.Text())
	}
	href, _ := rows.Find("a").Attr("href")
	resp, body = a.get(href)
	if resp.StatusCode != 200 || doc(t, body).Find("#e-bases").Text() == "" || doc(t, body).Find("#p-unit").AttrOr("value", "") != "成都市教育局" {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	form := map[string]string{"name": "成都市教育局", "kind": "department", "unit": "成都市教育局", "bases": "edu.chengdu.gov.cn/\nhttps://www.sc.gov.cn/"}
	resp, body = a.postFormFrom(href, form, nil, "same-origin")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "四川省人民政府") || !strings.Contains(doc(t, body).Find("#e-bases").Text(), "www.sc.gov.cn") {
		t.Fatalf("a stolen base: %d %.400s", resp.StatusCode, body)
	}
	form["bases"] = "edu.chengdu.gov.cn/\nhttps://jyj.chengdu.gov.cn/"
	form["unit"] = "没有这个单位"
	resp, body = a.postFormFrom(href, form, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "没有名为") {
		t.Fatalf("an unknown unit: %d", resp.StatusCode)
	}
	form["unit"] = "成都市教育局"
	resp, _ = a.postFormFrom(href, form, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if _, body := a.get("/admin/registry/websites?q=jyj.chengdu"); !strings.Contains(body, "jyj.chengdu.gov.cn/") {
		t.Fatal("the new base is not listed")
	}
	resp, body = a.get("/staff/picks/unit?q=教育")
	if resp.StatusCode != 200 || !strings.Contains(body, "四川省教育厅") || !strings.Contains(body, `"hint"`) {
		t.Fatalf("picks: %d %s", resp.StatusCode, body)
	}
	resp, body = a.get("/admin/registry/units?page=2&size=5")
	if resp.StatusCode != 200 || doc(t, body).Find("table.data tbody tr").Length() != 5 || doc(t, body).Find(`a[rel="prev"]`).Length() != 1 {
		t.Fatalf("page 2: %d", resp.StatusCode)
	}
}

// A webhook's address and owner are edited in place, the owner chosen by the unit picker.
func TestWebhookEdited(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	resp, body := a.postFormFrom("/admin/webhooks", map[string]string{"unit": "四川省教育厅", "url": "https://hooks.example.cn/a"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %.300s", resp.StatusCode, body)
	}
	var id, events int64
	a.Store.SQLDB().QueryRow("SELECT id FROM webhooks WHERE url = 'https://hooks.example.cn/a'").Scan(&id)
	_, page := a.get("/admin/webhooks")
	if doc(t, page).Find(fmt.Sprintf(`form[action="/admin/webhooks/%d"] input[name=unit]`, id)).AttrOr("value", "") != "四川省教育厅" {
		t.Fatal("the edit form does not show the owner")
	}
	path := fmt.Sprintf("/admin/webhooks/%d", id)
	if resp, _ := a.postFormFrom(path, map[string]string{"unit": "四川省交通运输厅", "url": "ftp://x"}, nil, "same-origin"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad address: %d", resp.StatusCode)
	}
	if resp, _ := a.postFormFrom(path, map[string]string{"unit": "四川省交通运输厅", "url": "https://hooks.example.cn/b"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	var url, unit string
	a.Store.SQLDB().QueryRow("SELECT w.url, u.name FROM webhooks w JOIN units u ON u.id = w.unit_id WHERE w.id = ?", id).Scan(&url, &unit)
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM registry_events WHERE entity = 'webhook' AND entity_id = ?", id).Scan(&events)
	if url != "https://hooks.example.cn/b" || unit != "四川省交通运输厅" || events != 1 {
		t.Fatalf("after the edit: %s %s, %d events", url, unit, events)
	}
}
