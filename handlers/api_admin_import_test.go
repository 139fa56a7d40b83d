package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// apiUpload posts files to the registry import API as multipart, with a Bearer token.
func (a *testApp) apiImportUpload(token string, files ...formFile) (*http.Response, map[string]any) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		fw, _ := w.CreateFormFile("file", f.name)
		fw.Write(f.data)
	}
	w.Close()
	return a.apiRaw("POST", "/api/v1/admin/registry/imports", token, w.FormDataContentType(), buf.Bytes())
}

// apiRaw sends a body of any type with a Bearer token and reads a JSON answer.
func (a *testApp) apiRaw(method, path, token, ctype string, body []byte) (*http.Response, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.URL+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, raw := a.do(req)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		a.t.Fatalf("%s %s: not JSON (%d): %q", method, path, resp.StatusCode, raw)
	}
	return resp, m
}

func (a *testApp) countRows(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.Store.SQLDB().QueryRow(query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestRegistryImportAPIProblemsWriteNothing(t *testing.T) {
	a := newTestApp(t)
	admin := a.apiLogin("admin")
	bad := strings.Replace(importSitesCSV, "四川省教育厅", "没有这个单位", 1) + "四川省教育考试院二,5100000099,ftp://x.sc.gov.cn/,部门,四川省教育厅,\n"
	resp, m := a.apiRaw("POST", "/api/v1/admin/registry/imports?kind=websites", admin, "text/csv; charset=utf-8", []byte(bad))
	if resp.StatusCode != http.StatusUnprocessableEntity || m["status"] != "rejected" || !strings.Contains(fmt.Sprint(m["error"]), "未导入任何数据") {
		t.Fatalf("a sheet with problems: %d %v", resp.StatusCode, m)
	}
	probs, _ := m["problems"].([]any)
	if len(probs) < 2 {
		t.Fatalf("problems %v", m["problems"])
	}
	for _, p := range probs {
		p := p.(map[string]any)
		if p["sheet"] == "" || p["row"].(float64) < 2 || p["column"] == "" || p["message"] == "" {
			t.Fatalf("a problem without its place: %v", p)
		}
	}
	if n := a.countRows("SELECT COUNT(*) FROM registry_imports") + a.countRows("SELECT COUNT(*) FROM websites WHERE identifier_code = '5100000099'") +
		a.countRows("SELECT COUNT(*) FROM registry_events"); n != 0 {
		t.Fatalf("%d rows written for a refused import", n)
	}
	// No file, an unknown kind, a body of another type: Chinese JSON errors, never a 500.
	for _, tc := range []struct {
		path, ctype string
		body        string
		status      int
	}{
		{"/api/v1/admin/registry/imports", "text/csv", importSitesCSV, http.StatusBadRequest},
		{"/api/v1/admin/registry/imports?kind=nope", "text/csv", importSitesCSV, http.StatusBadRequest},
		{"/api/v1/admin/registry/imports?kind=websites", "text/csv", "", http.StatusBadRequest},
		{"/api/v1/admin/registry/imports?kind=websites", "application/json", `{"a":1}`, http.StatusUnsupportedMediaType},
		{"/api/v1/admin/registry/imports", "multipart/form-data; boundary=x", "--x\r\nbroken", http.StatusBadRequest},
	} {
		resp, m := a.apiRaw("POST", tc.path, admin, tc.ctype, []byte(tc.body))
		if resp.StatusCode != tc.status || !hasHan(fmt.Sprint(m["error"])) {
			t.Errorf("%s %s: %d %v", tc.path, tc.ctype, resp.StatusCode, m)
		}
	}
}

func TestRegistryImportAPIConfirmOncePasswordsOnce(t *testing.T) {
	a := newTestApp(t)
	admin := a.apiLogin("admin")
	resp, m := a.apiImportUpload(admin, formFile{"网站.csv", []byte(importSitesCSV)}, formFile{"用户.csv", []byte(importUsersCSV)})
	if resp.StatusCode != http.StatusCreated || m["status"] != "planned" {
		t.Fatalf("plan: %d %v", resp.StatusCode, m)
	}
	id := fmt.Sprint(m["id"])
	counts := m["counts"].(map[string]any)
	if counts["websites"].(map[string]any)["new"].(float64) != 1 || counts["users"].(map[string]any)["new"].(float64) != 1 {
		t.Fatalf("counts %v", counts)
	}
	if a.countRows("SELECT COUNT(*) FROM users WHERE username = 'edu-staff'") != 0 {
		t.Fatal("the user was written before the confirmation")
	}
	// Another administrator's plan is not theirs to read or confirm.
	if _, err := a.Store.SQLDB().Exec("UPDATE users SET role = 'admin' WHERE username = 'sc-supervisor'"); err != nil {
		t.Fatal(err)
	}
	other := a.apiLogin("sc-supervisor")
	for _, method := range []string{"GET", "POST"} {
		path := "/api/v1/admin/registry/imports/" + id
		if method == "POST" {
			path += "/confirm"
		}
		if resp, m := a.api(method, path, other, ""); resp.StatusCode != http.StatusNotFound || !hasHan(fmt.Sprint(m["error"])) {
			t.Fatalf("%s %s by another admin: %d %v", method, path, resp.StatusCode, m)
		}
	}
	if resp, m := a.api("GET", "/api/v1/admin/registry/imports/"+id, admin, ""); resp.StatusCode != 200 || m["status"] != "planned" || m["confirm"] == nil {
		t.Fatalf("read the plan: %d %v", resp.StatusCode, m)
	}

	resp, m = a.api("POST", "/api/v1/admin/registry/imports/"+id+"/confirm", admin, "")
	pw, _ := m["initial_passwords"].([]any)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || len(pw) != 1 {
		t.Fatalf("confirm: %d %v", resp.StatusCode, m)
	}
	password := pw[0].(map[string]any)["password"].(string)
	if pw[0].(map[string]any)["username"] != "edu-staff" || len(password) < 8 {
		t.Fatalf("initial password %v", pw[0])
	}
	if _, err := a.Store.Authenticate(t.Context(), "edu-staff", password); err != nil {
		t.Fatalf("the initial password does not sign in: %v", err)
	}
	if a.countRows("SELECT COUNT(*) FROM registry_events WHERE source = 'import'") == 0 {
		t.Fatal("no events for the import")
	}
	// Once: a second confirmation is refused, and reading the plan again shows no password.
	if resp, m := a.api("POST", "/api/v1/admin/registry/imports/"+id+"/confirm", admin, ""); resp.StatusCode != http.StatusConflict || m["initial_passwords"] != nil {
		t.Fatalf("second confirm: %d %v", resp.StatusCode, m)
	}
	resp, raw := a.get2("/api/v1/admin/registry/imports/"+id, admin)
	if resp.StatusCode != 200 || strings.Contains(raw, password) || !strings.Contains(raw, `"status":"applied"`) {
		t.Fatalf("plan after the confirmation: %d %s", resp.StatusCode, raw)
	}
	// A plan that does not exist.
	if resp, _ := a.api("POST", "/api/v1/admin/registry/imports/999999/confirm", admin, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a missing plan: %d", resp.StatusCode)
	}
}

// get2 reads a raw answer with a Bearer token.
func (a *testApp) get2(path, token string) (*http.Response, string) {
	req, _ := http.NewRequest("GET", a.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return a.do(req)
}

func TestRegistryImportAPIExportAndRoles(t *testing.T) {
	a := newTestApp(t)
	admin := a.apiLogin("admin")
	resp, raw := a.get2("/api/v1/admin/registry/export?kind=websites&format=csv", admin)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(raw, "网站标识码") || !strings.Contains(raw, "5100000001") {
		t.Fatalf("csv export: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, raw = a.get2("/api/v1/admin/registry/export?format=xlsx", admin)
	if resp.StatusCode != 200 || !strings.HasPrefix(raw, "PK") {
		t.Fatalf("xlsx export: %d", resp.StatusCode)
	}
	for _, q := range []string{"?format=pdf", "?format=csv", "?format=csv&kind=nope"} {
		if resp, m := a.api("GET", "/api/v1/admin/registry/export"+q, admin, ""); resp.StatusCode != http.StatusBadRequest || !hasHan(fmt.Sprint(m["error"])) {
			t.Errorf("export%s: %d %v", q, resp.StatusCode, m)
		}
	}
	for _, who := range []string{"sc-supervisor", "gzw-staff"} {
		tok := a.apiLogin(who)
		if resp, _ := a.apiRaw("POST", "/api/v1/admin/registry/imports?kind=websites", tok, "text/csv", []byte(importSitesCSV)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s imports: %d", who, resp.StatusCode)
		}
		if resp, _ := a.api("GET", "/api/v1/admin/registry/export?format=csv&kind=users", tok, ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s exports: %d", who, resp.StatusCode)
		}
	}
	if n := a.countRows("SELECT COUNT(*) FROM registry_imports"); n != 0 {
		t.Fatalf("%d plans kept for refused callers", n)
	}
}
