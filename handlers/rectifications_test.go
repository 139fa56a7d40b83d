package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// uploadReport posts a report file as the unit's browser would.
func (a *testApp) uploadReport(path, name string, data []byte) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("report", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return a.do(req)
}

// Publishing opens the units' rectifications; the unit uploads a report checked by content, the
// supervisor sends it back with a reason, the unit uploads again, the supervisor accepts.
func TestRectificationPages(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	sc := a.apiLogin("sc-supervisor")
	_, body := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	id := jsonNumber(body["id"])
	if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/publish", sc, ""); resp.StatusCode != 200 {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}

	a.loginPage("gzw-staff")
	resp, page := a.get("/staff/rectifications")
	links := doc(t, page).Find("#rectifications tbody a")
	if resp.StatusCode != 200 || links.Length() != 1 {
		t.Fatalf("国资委 sees %d rectifications (%d)", links.Length(), resp.StatusCode)
	}
	item, _ := links.Attr("href")
	if resp, body := a.uploadReport(item+"/report", "整改报告.pdf", []byte("MZ\x90\x00 this is a program, not a PDF")); resp.StatusCode != 400 || !strings.Contains(body, "只能是 PDF") {
		t.Fatalf("a program named .pdf: %d", resp.StatusCode)
	}
	if resp, body := a.uploadReport(item+"/report", "整改报告.pdf", []byte("%PDF-1.4\n整改情况报告\n%%EOF")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d %s", resp.StatusCode, body)
	}
	if resp, _ := a.postFormFrom(item+"/accept", nil, nil, "same-origin"); resp.StatusCode != 403 {
		t.Fatalf("the unit accepting its own report: %d", resp.StatusCode)
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("cd-supervisor")
	if resp, _ := a.get(item); resp.StatusCode != 404 {
		t.Fatalf("成都's supervisor sees the province's rectification: %d", resp.StatusCode)
	}
	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("sc-supervisor")
	if resp, body := a.postFormFrom(item+"/return", map[string]string{"note": ""}, nil, "same-origin"); resp.StatusCode != 400 || !strings.Contains(body, "退回时请说明原因") {
		t.Fatalf("return without a reason: %d", resp.StatusCode)
	}
	if resp, _ := a.postFormFrom(item+"/return", map[string]string{"note": "请补充暗链清除前后的截图"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("gzw-staff")
	if resp, body := a.uploadReport(item+"/report", "截图.png", pngImage(t, 40, 30)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second report: %d %s", resp.StatusCode, body)
	}
	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("sc-supervisor")
	if resp, _ := a.postFormFrom(item+"/accept", map[string]string{"note": "整改到位"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	_, page = a.get(item)
	if got := strings.TrimSpace(doc(t, page).Find("#status").Text()); got != "已通过" {
		t.Fatalf("status %q", got)
	}
	resp, page = a.get(item + "/report")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(page, "\x89PNG") {
		t.Fatalf("report download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// A bad or missing rectification id answers 404 in the rectification's own words, on the pages
// and in the API, not in the circular's.
func TestRectificationBadIDIsNotFoundAsARectification(t *testing.T) {
	a := newTestApp(t)
	gzw := a.apiLogin("gzw-staff")
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/rectifications/abc"},
		{"GET", "/api/v1/rectifications/0"},
		{"GET", "/api/v1/rectifications/-1/report"},
		{"POST", "/api/v1/rectifications/99999999999999999999/accept"},
	} {
		resp, body := a.api(tc.method, tc.path, gzw, "")
		if msg, _ := body["error"].(string); resp.StatusCode != 404 || !strings.Contains(msg, "没有该整改事项") {
			t.Errorf("%s %s: %d %v; want 404 naming the 整改事项", tc.method, tc.path, resp.StatusCode, body)
		}
	}
	a.loginPage("gzw-staff")
	for _, path := range []string{"/staff/rectifications/abc", "/staff/rectifications/0", "/staff/rectifications/1x/report"} {
		resp, page := a.get(path)
		if resp.StatusCode != 404 || !strings.Contains(page, "没有该整改事项") || strings.Contains(page, "没有该通报") {
			t.Errorf("GET %s: %d; want 404 naming the 整改事项", path, resp.StatusCode)
		}
	}
	if resp, page := a.uploadReport("/staff/rectifications/abc/report", "整改报告.pdf", []byte("%PDF-1.4\n%%EOF")); resp.StatusCode != 404 || !strings.Contains(page, "没有该整改事项") {
		t.Errorf("POST a report to a bad id: %d", resp.StatusCode)
	}
}
