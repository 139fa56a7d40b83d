package handlers_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// apiUpload posts a report file as multipart with a Bearer token, as an API client would.
func (a *testApp) apiUpload(path, token, name string, data []byte) (*http.Response, map[string]any) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("report", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, raw := a.do(req)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		a.t.Fatalf("POST %s: not JSON (%d): %q", path, resp.StatusCode, raw)
	}
	return resp, m
}

// publishForRectification publishes 四川省's 2025 Q1 circular and returns the path of 国资委's
// rectification in the API.
func publishForRectification(t *testing.T, a *testApp) string {
	t.Helper()
	sc := a.apiLogin("sc-supervisor")
	_, body := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1","cutoff":"2025-03-20","doc_number":"川办便函〔2025〕78号"}`)
	if resp, body := a.api("POST", "/api/v1/circulars/"+jsonNumber(body["id"])+"/publish", sc, ""); resp.StatusCode != 200 {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}
	resp, body := a.api("GET", "/api/v1/rectifications", a.apiLogin("gzw-staff"), "")
	list, _ := body["rectifications"].([]any)
	if resp.StatusCode != 200 || len(list) != 1 {
		t.Fatalf("国资委's rectifications: %d %v", resp.StatusCode, body)
	}
	return "/api/v1/rectifications/" + jsonNumber(list[0].(map[string]any)["id"])
}

// The rectification API keeps to each caller's scope (another unit or region gets 404), lets only
// the unit report and only the supervisor decide (403 otherwise), refuses a file that is not a
// PDF, DOCX or image by its content (400, nothing stored), and goes report → return → report →
// accept.
func TestRectificationAPI(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	item := publishForRectification(t, a)
	gzw, scgov, cd, sc, admin := a.apiLogin("gzw-staff"), a.apiLogin("scgov-staff"), a.apiLogin("cd-supervisor"), a.apiLogin("sc-supervisor"), a.apiLogin("admin")
	pdf := []byte("%PDF-1.4\n整改情况报告\n%%EOF")

	if resp, body := a.api("GET", "/api/v1/rectifications", sc, ""); resp.StatusCode != 200 || len(body["rectifications"].([]any)) != 3 {
		t.Fatalf("the province's supervisor lists %v (%d)", body, resp.StatusCode)
	}
	if resp, body := a.api("GET", "/api/v1/rectifications", cd, ""); resp.StatusCode != 200 || len(body["rectifications"].([]any)) != 0 {
		t.Fatalf("成都's supervisor lists %v (%d)", body, resp.StatusCode)
	}
	for _, tc := range []struct {
		name, method, path, token string
		upload                    bool
		want                      int
	}{
		{"other region's supervisor reads", "GET", item, cd, false, 404},
		{"other unit reads", "GET", item, scgov, false, 404},
		{"other unit reads the file", "GET", item + "/report", scgov, false, 404},
		{"other unit reports", "POST", item + "/report", scgov, true, 404},
		{"other region's supervisor accepts", "POST", item + "/accept", cd, false, 404},
		{"supervisor reports", "POST", item + "/report", sc, true, 403},
		{"administrator reports", "POST", item + "/report", admin, true, 403},
		{"unit accepts its own", "POST", item + "/accept", gzw, false, 403},
		{"administrator accepts", "POST", item + "/accept", admin, false, 403},
		{"unknown action", "POST", item + "/approve", gzw, false, 404},
		{"not an id", "GET", "/api/v1/rectifications/abc", gzw, false, 404},
		{"nothing to decide yet", "POST", item + "/accept", sc, false, 409},
		{"no token", "GET", item, "", false, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var body map[string]any
			if tc.upload {
				resp, body = a.apiUpload(tc.path, tc.token, "整改报告.pdf", pdf)
			} else {
				resp, body = a.api(tc.method, tc.path, tc.token, "")
			}
			if msg, _ := body["error"].(string); resp.StatusCode != tc.want || !hasHan(msg) {
				t.Fatalf("%d %v; want %d with a Chinese error", resp.StatusCode, body, tc.want)
			}
		})
	}

	// A program named .pdf: 400, and the item is as it was.
	if resp, body := a.apiUpload(item+"/report", gzw, "整改报告.pdf", []byte("MZ\x90\x00 this is a program, not a PDF")); resp.StatusCode != 400 || !strings.Contains(body["error"].(string), "只能是 PDF") || body["field"] != "report" {
		t.Fatalf("a program named .pdf: %d %v", resp.StatusCode, body)
	}
	if _, body := a.api("GET", item, gzw, ""); body["status"] != "open" || body["report"] != nil {
		t.Fatalf("after a refused file: %v", body)
	}
	var stored int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM rectifications WHERE report_data IS NOT NULL OR report_name <> '' OR submitted_at IS NOT NULL").Scan(&stored)
	if stored != 0 {
		t.Fatalf("%d rectifications hold a report after the refused file", stored)
	}

	resp, body := a.apiUpload(item+"/report", gzw, "整改报告.pdf", pdf)
	report, _ := body["report"].(map[string]any)
	if resp.StatusCode != 200 || body["status"] != "submitted" || report["content_type"] != "application/pdf" {
		t.Fatalf("report: %d %v", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", a.URL+report["url"].(string), nil)
	req.Header.Set("Authorization", "Bearer "+sc)
	if resp, raw := a.do(req); resp.StatusCode != 200 || raw != string(pdf) {
		t.Fatalf("the supervisor downloads the report: %d", resp.StatusCode)
	}
	if resp, body := a.apiUpload(item+"/report", gzw, "again.pdf", pdf); resp.StatusCode != 409 {
		t.Fatalf("a second report while waiting: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.api("POST", item+"/return", sc, `{"note":""}`); resp.StatusCode != 400 || body["field"] != "note" || !strings.Contains(body["error"].(string), "退回时请说明原因") {
		t.Fatalf("return without a reason: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.api("POST", item+"/return", sc, `{"note":1}`); resp.StatusCode != 400 {
		t.Fatalf("a number as the note: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.api("POST", item+"/return", sc, `{"note":"请补充暗链清除前后的截图"}`); resp.StatusCode != 200 || body["status"] != "returned" {
		t.Fatalf("return: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.apiUpload(item+"/report", gzw, "截图.png", pngImage(t, 40, 30)); resp.StatusCode != 200 || body["report"].(map[string]any)["content_type"] != "image/png" {
		t.Fatalf("second report: %d %v", resp.StatusCode, body)
	}
	if resp, body := a.api("POST", item+"/accept", sc, ""); resp.StatusCode != 200 || body["status"] != "accepted" || body["status_label"] != "已通过" {
		t.Fatalf("accept: %d %v", resp.StatusCode, body)
	}
}
