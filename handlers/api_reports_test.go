package handlers_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestAPISubmitAnswers201WithWhereItWent(t *testing.T) {
	a := newTestApp(t)
	tests := []struct {
		name, url string
		status    string
		unit      any
		deadline  any
	}{
		{"routed", "https://www.sc.gov.cn/10462/c103/index.shtml", "assigned", "四川省人民政府办公厅", "2025-03-28T23:59:59+08:00"},
		{"triage", "https://unknown.example.cn/a", "triage", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFields()
			f["page_url"] = tt.url
			resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d %v", resp.StatusCode, body)
			}
			if !regexp.MustCompile(`^ZC20250325\d{6}$`).MatchString(body["ticket_no"].(string)) ||
				len(body["query_code"].(string)) != 8 || body["status"] != tt.status || body["unit"] != tt.unit || body["deadline"] != tt.deadline {
				t.Fatalf("body %v", body)
			}
			if loc := resp.Header.Get("Location"); loc != "/api/v1/reports/"+body["ticket_no"].(string) {
				t.Fatalf("Location %q", loc)
			}
			// And the citizen can look it up.
			_, shown := a.get("/api/v1/reports/" + body["ticket_no"].(string) + "?code=" + body["query_code"].(string))
			var got map[string]any
			json.Unmarshal([]byte(shown), &got)
			if got["status"] != tt.status || got["unit"] != tt.unit || got["category"] != "链接不可用" || got["query_code"] != nil {
				t.Fatalf("lookup %v", got)
			}
		})
	}
}

func TestAPISubmitMultipartWithScreenshot(t *testing.T) {
	a := newTestApp(t)
	resp, body := a.postForm("/api/v1/reports", validFields(), "截图.png", pngImage(t, 320, 640))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	var n int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM attachments WHERE purpose = 'screenshot' AND content_type = 'image/png'").Scan(&n)
	if n != 1 {
		t.Fatalf("%d screenshots stored", n)
	}
}

// Every kind of bad input gets a 4xx with a Chinese message, and writes nothing.
func TestAPIBadInput(t *testing.T) {
	a := newTestApp(t, withCaptcha)
	valid := validFields()
	with := func(k, v string) string {
		f := validFields()
		f[k] = v
		return jsonBody(f)
	}
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		field       string
	}{
		{"missing URL", "application/json", with("page_url", ""), 400, "page_url"},
		{"javascript URL", "application/json", with("page_url", "javascript:alert(document.cookie)"), 400, "page_url"},
		{"file URL", "application/json", with("page_url", "file:///etc/passwd"), 400, "page_url"},
		{"URL over 2048", "application/json", with("page_url", "https://sc.gov.cn/"+strings.Repeat("a", 2050)), 400, "page_url"},
		{"unknown category", "application/json", with("category", "不存在"), 400, "category"},
		{"description too short", "application/json", with("description", "太短"), 400, "description"},
		{"description too long", "application/json", with("description", strings.Repeat("长", 2001)), 400, "description"},
		{"malformed phone", "application/json", with("contact_phone", "call me"), 400, "contact_phone"},
		{"malformed e-mail", "application/json", with("contact_email", "a@"), 400, "contact_email"},
		{"no captcha", "application/json", jsonBody(valid), 400, "captcha_answer"},
		{"wrong captcha", "application/json", with("captcha_id", "nope"), 400, "captcha_answer"},
		{"malformed JSON", "application/json", `{"page_url": `, 400, ""},
		{"two JSON values", "application/json", jsonBody(valid) + jsonBody(valid), 400, ""},
		{"number where a string goes", "application/json", `{"page_url": 12}`, 400, "page_url"},
		{"unknown field", "application/json", `{"page_url": "https://sc.gov.cn/", "admin": true}`, 400, ""},
		{"invalid UTF-8", "application/json", "{\"page_url\":\"https://sc.gov.cn/\",\"category\":\"其他\",\"description\":\"\xff\xfe\xfd 不是有效的文字\"}", 400, ""},
		{"wrong content type", "text/plain", jsonBody(valid), 415, ""},
		{"no content type", "", jsonBody(valid), 415, ""},
		{"JSON over 64 KB", "application/json", `{"description": "` + strings.Repeat("x", 70<<10) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/reports", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, raw := a.do(req)
			var body map[string]any
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("not JSON: %q", raw)
			}
			msg, _ := body["error"].(string)
			if resp.StatusCode != tt.status || msg == "" || !containsHan(msg) {
				t.Fatalf("got %d %v, want %d with a Chinese message", resp.StatusCode, body, tt.status)
			}
			if tt.field != "" && body["field"] != tt.field {
				t.Fatalf("field %v, want %s", body["field"], tt.field)
			}
		})
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 0 {
		t.Fatalf("%d tickets written by refused requests", n)
	}
}

func TestAPIOversizeUploadIs413(t *testing.T) {
	a := newTestApp(t)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range validFields() {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("screenshot", "big.png")
	fw.Write(make([]byte, 13<<20))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/reports", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, raw := a.do(req)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(raw, "过大") {
		t.Fatalf("%d %s", resp.StatusCode, raw)
	}
}

func TestRateLimitIsPerClientAndSharedByReplicas(t *testing.T) {
	a := newTestApp(t, withRateLimit(3))
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis, withRateLimit(3)) // a second replica, same Redis
	for i, app := range []*testApp{a, b, a} {
		if resp, body := app.postJSON("/api/v1/reports", jsonBody(validFields())); resp.StatusCode != http.StatusCreated {
			t.Fatalf("report %d: %d %v", i+1, resp.StatusCode, body)
		}
	}
	resp, body := b.postJSON("/api/v1/reports", jsonBody(validFields()))
	if resp.StatusCode != http.StatusTooManyRequests || !containsHan(body["error"].(string)) {
		t.Fatalf("fourth report: %d %v", resp.StatusCode, body)
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 3600 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	// The page form gets the same limit, as a page.
	r, page := a.postForm("/report", validFields(), "", nil)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(page, "频繁") {
		t.Fatalf("form: %d", r.StatusCode)
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 3 {
		t.Fatalf("%d tickets, want 3", n)
	}
}

// Redis only schedules and counts: with it gone, reports are still taken (the limit lets them
// through and says so in the log) and /readyz says Redis is down.
func TestReportsAreTakenWhileRedisIsDown(t *testing.T) {
	a := newTestApp(t, withRateLimit(20))
	if a.Redis.Mini == nil {
		t.Skip("stopping the shared Redis server is the fault suite's job; here only the in-process one is stopped")
	}
	a.Redis.Mini.Close()
	resp, body := a.postJSON("/api/v1/reports", jsonBody(validFields()))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("with Redis down: %d %v", resp.StatusCode, body)
	}
	if n, _ := a.Store.CountTickets(t.Context()); n != 1 {
		t.Fatal("ticket not committed")
	}
	if r, _ := a.get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Redis down: %d", r.StatusCode)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	a := newTestApp(t, withMetrics)
	if r, b := a.get("/healthz"); r.StatusCode != 200 || b != "ok" {
		t.Fatalf("healthz %d %q", r.StatusCode, b)
	}
	if r, b := a.get("/readyz"); r.StatusCode != 200 || !strings.Contains(b, `"ok"`) {
		t.Fatalf("readyz %d %q", r.StatusCode, b)
	}
	a.postJSON("/api/v1/reports", jsonBody(validFields()))
	_, m := a.scrape("Bearer " + metricsToken)
	if !strings.Contains(m, `zhaocuo_http_requests_total{method="POST",route="/api/v1/reports",status="201"} 1`) {
		t.Fatalf("metrics lack the report:\n%.2000s", m)
	}
}

func TestUnknownPageIs404InChinese(t *testing.T) {
	a := newTestApp(t)
	r, body := a.get("/no/such/page")
	if r.StatusCode != 404 || !strings.Contains(body, "不存在") {
		t.Fatalf("%d", r.StatusCode)
	}
	r, body = a.get("/api/v1/nothing")
	if r.StatusCode != 404 || !strings.Contains(body, `"error"`) {
		t.Fatalf("API: %d %s", r.StatusCode, body)
	}
}

func TestCategoriesAPI(t *testing.T) {
	a := newTestApp(t)
	_, body := a.get("/api/v1/categories")
	var got struct {
		Categories []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"categories"`
	}
	json.Unmarshal([]byte(body), &got)
	want := []string{"链接不可用", "内容无法访问", "信息不更新", "内容不准确", "错别字", "咨询留言不回复", "虚假伪造内容", "服务不实用", "其他"}
	if len(got.Categories) != len(want) {
		t.Fatalf("%s", body)
	}
	for i, c := range got.Categories {
		if c.Name != want[i] || c.ID == 0 {
			t.Fatalf("category %d: %+v", i, c)
		}
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
