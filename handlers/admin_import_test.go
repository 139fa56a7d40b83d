package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhaocuo/models"
	"zhaocuo/models/xlsxsheet/sheettest"
)

// uploadRegistry posts files to the import page as the browser's form does.
func (a *testApp) uploadRegistry(files ...formFile) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		fw, _ := w.CreateFormFile("file", f.name)
		fw.Write(f.data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/admin/registry/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return a.do(req)
}

const (
	importSitesCSV = "网站名称,网站标识码,首页网址,网站类型,主办单位,主管单位\n" +
		"四川省教育考试院,5100000099,https://www.sceea.cn/,部门,四川省教育厅,四川省人民政府办公厅\n"
	importUsersCSV = "\ufeff用户名,姓名,角色,所属单位,所属地区代码,手机号码,电子邮箱\n" +
		"edu-staff,教育厅经办人,经办人,四川省教育厅,,13800000002,edu@sc.gov.cn\n"
)

func TestRegistryImportUploadReportConfirm(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	if resp, body := a.get("/admin/registry"); resp.StatusCode != 200 || doc(t, body).Find(`#registry-io a[href="/admin/registry/import"]`).Length() != 1 {
		t.Fatalf("registry page: %d, no import link", resp.StatusCode)
	}
	resp, body := a.uploadRegistry(formFile{"网站.csv", []byte(importSitesCSV)}, formFile{"用户.csv", []byte(importUsersCSV)})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/registry/import/") {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	planURL := resp.Header.Get("Location")
	resp, body = a.get(planURL)
	d := doc(t, body)
	if resp.StatusCode != 200 || d.Find("#confirm").Length() != 1 || !strings.Contains(d.Find("#plan-counts").Text(), "网站") {
		t.Fatalf("plan page: %d %s", resp.StatusCode, d.Find("main").Text())
	}
	// Nothing is written before the confirmation.
	if _, err := a.Store.Authenticate(t.Context(), "edu-staff", "x"); err == nil {
		t.Fatal("user exists before confirm")
	}
	resp, body = a.postFormFrom(planURL+"/confirm", nil, nil, "same-origin")
	d = doc(t, body)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || d.Find("#passwords tbody tr").Length() != 1 {
		t.Fatalf("confirm: %d %q %s", resp.StatusCode, resp.Header.Get("Cache-Control"), d.Find("main").Text())
	}
	password := strings.TrimSpace(d.Find("#passwords tbody tr td").Eq(2).Text())
	if href, _ := d.Find("#passwords-download").Attr("href"); !strings.HasPrefix(href, "data:text/csv") {
		t.Fatalf("download link %q", href)
	}
	// Confirming again is refused and writes nothing.
	if resp, _ := a.postFormFrom(planURL+"/confirm", nil, nil, "same-origin"); resp.StatusCode != http.StatusConflict {
		t.Fatalf("second confirm: %d", resp.StatusCode)
	}
	// The site routes at once.
	if m, err := a.Store.Route(t.Context(), mustPage(t, "https://www.sceea.cn/x.html")); err != nil || m == nil || m.UnitName != "四川省教育厅" {
		t.Fatalf("route: %+v %v", m, err)
	}

	// A changed row shows its field's old and new value before it is confirmed.
	resp, _ = a.uploadRegistry(formFile{"网站.csv", []byte(strings.Replace(importSitesCSV, "https://www.sceea.cn/,", "https://www.sceea.cn/new/,", 1))})
	_, body = a.get(resp.Header.Get("Location"))
	if got := strings.Join(strings.Fields(doc(t, body).Find("#plan-changes tbody").Text()), " "); !strings.Contains(got, "首页网址：https://www.sceea.cn/ → https://www.sceea.cn/new/") {
		t.Fatalf("plan of a changed site: %q", got)
	}

	// The new user signs in with the initial password and is led to change it first.
	u := newClientOf(a)
	resp, _ = u.postFormFrom("/login", map[string]string{"username": "edu-staff", "password": password, "next": "/staff"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the initial password: %d", resp.StatusCode)
	}
	for _, path := range []string{"/staff", "/staff/tickets", "/account", "/notifications"} {
		if resp, _ := u.get(path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
			t.Errorf("%s: %d to %q, want the password form", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, body := u.get("/account/password"); resp.StatusCode != 200 || doc(t, body).Find("#must-change").Length() != 1 {
		t.Fatalf("password form: %d", resp.StatusCode)
	}
	// The API too, with the reason.
	_, tok := u.postJSON("/api/v1/auth/login", `{"username":"edu-staff","password":"`+password+`"}`)
	resp, m := u.api("GET", "/api/v1/tickets", tok["token"].(string), "")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(m["error"].(string), "修改初始密码") {
		t.Fatalf("API before the change: %d %v", resp.StatusCode, m)
	}
	resp, _ = u.postFormFrom("/account/password", map[string]string{"old_password": password, "new_password": "my-own-pass-9", "confirm_password": "my-own-pass-9"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, _ := u.get("/staff"); resp.StatusCode != 200 {
		t.Fatalf("after the change: %d", resp.StatusCode)
	}
}

func TestRegistryImportRefusesBadFilesInChinese(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	tests := []struct {
		name   string
		file   formFile
		status int
		want   []string
	}{
		{"unknown platform", formFile{"新媒体账号.csv", []byte("平台类型,账号名称,开办主体\n飞信,教育,四川省教育厅\n")}, 422, []string{"新媒体账号.csv", "第2行", "平台类型", "飞信"}},
		{"non-http URL", formFile{"网站.csv", []byte("网站名称,网站标识码,首页网址,主办单位\n甲,5100000098,ftp://a.gov.cn/,四川省教育厅\n")}, 422, []string{"首页网址", "不是 http 或 https 网址"}},
		{"two rows for one key", formFile{"用户.csv", []byte("用户名,姓名,角色,所属单位\nx1,甲,经办人,四川省教育厅\nx1,乙,经办人,四川省教育厅\n")}, 422, []string{"第3行", "用户名", "重复"}},
		{"role without unit", formFile{"用户.csv", []byte("用户名,姓名,角色,所属单位\nx2,甲,审核人,\n")}, 422, []string{"所属单位", "须填写所属单位"}},
		{"wrong columns", formFile{"网站.csv", []byte("名字,地址\n甲,乙\n")}, 422, []string{"缺少必填列"}},
		{"a host routed to another site", formFile{"网站.csv", []byte("网站名称,网站标识码,首页网址,主办单位\n甲,5100000098,https://www.sc.gov.cn/,四川省教育厅\n")}, 422, []string{"已属于网站「四川省人民政府」"}},
		{"GBK with a bad row", formFile{"用户.csv", gbk(t, "用户名,姓名,角色,所属单位\nx3,甲,站长,四川省教育厅\n")}, 422, []string{"第2行", "角色", "站长"}},
		{"not a workbook", formFile{"登记.xlsx", []byte("PK\x03\x04 broken")}, 400, []string{"无法读取XLSX文件"}},
		{"a 20 MB file", formFile{"登记.csv", bytes.Repeat([]byte("a"), 20<<20)}, 413, []string{"文件超过 16 MB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := a.uploadRegistry(tc.file)
			text := doc(t, body).Find("main").Text()
			if resp.StatusCode != tc.status {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, tc.status, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("no %q in %s", w, text)
				}
			}
		})
	}
	var n int64
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM registry_imports").Scan(&n)
	if n != 0 {
		t.Fatalf("%d plans kept from bad files", n)
	}
}

func TestRegistryExportAndTemplates(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	resp, body := a.get("/admin/registry/export/registry.xlsx")
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "地区,单位,网站,新媒体账号,用户" {
		t.Fatalf("sheets %s", got)
	}
	rows, _ := f.GetRows("网站")
	if len(rows) < 20 || rows[1][1] != "网站标识码" {
		t.Fatalf("websites sheet: %d rows, header %v", len(rows), rows[1])
	}
	asOf := a.Clock.Now().In(models.Shanghai).Format("2006-01-02 15:04")
	for _, name := range f.GetSheetList() {
		heads, _ := f.GetRows(name)
		sheettest.CheckPrintable(t, f, name, "四川省 登记信息 "+name+"（截至 "+asOf+"）", len(heads[1]))
	}
	// The export imports back as nothing new and nothing changed.
	resp, _ = a.uploadRegistry(formFile{"登记.xlsx", []byte(body)})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("re-import of the export: %d", resp.StatusCode)
	}
	_, plan := a.get(resp.Header.Get("Location"))
	if strings.Contains(doc(t, plan).Find("#plan-changes").Text(), "→") {
		t.Fatalf("the export changes the registry: %s", doc(t, plan).Find("#plan-changes").Text())
	}
	resp, body = a.get("/admin/registry/template/accounts.csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeff平台类型,账号名称,账号ID,开办主体") || strings.Count(body, "\n") != 1 {
		t.Fatalf("template: %d %q", resp.StatusCode, body)
	}
	if resp, _ := a.get("/admin/registry/export/passwd.csv"); resp.StatusCode != 404 {
		t.Fatalf("unknown export: %d", resp.StatusCode)
	}
	// Not for other roles.
	s := newClientOf(a)
	s.loginPage("sc-supervisor")
	for _, path := range []string{"/admin/registry/import", "/admin/registry/export/registry.xlsx"} {
		if resp, _ := s.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("supervisor %s: %d", path, resp.StatusCode)
		}
	}
}

// newClientOf is another browser on the same app (its own cookies).
func newClientOf(a *testApp) *testApp {
	b := *a
	jar, _ := cookiejar.New(nil)
	b.Client = &http.Client{Jar: jar, CheckRedirect: a.Client.CheckRedirect}
	return &b
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

func mustPage(t *testing.T, raw string) models.PageURL {
	t.Helper()
	p, err := models.ParsePageURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
