package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzAPISubmit throws arbitrary bodies at the report API under both content types it takes:
// whatever comes in, the answer is a 201 or a 4xx with a JSON error, never a 5xx.
func FuzzAPISubmit(f *testing.F) {
	for _, s := range []string{
		`{"page_url":"https://www.sc.gov.cn/a","category":"其他","description":"这个页面的内容有错误"}`,
		`{"page_url":"javascript:alert(1)"}`, `{"category":1}`, `[]`, `null`, `{"a":`, "\xff\xfe",
		"--x\r\nContent-Disposition: form-data; name=\"page_url\"\r\n\r\nhttps://sc.gov.cn/\r\n--x--\r\n",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	app := newTestApp(f).Handler
	f.Fuzz(func(t *testing.T, body string, asJSON bool) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/reports", strings.NewReader(body))
		if asJSON {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body.String())
		}
		if rec.Code != http.StatusCreated && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Fatalf("%d without a JSON error for %q", rec.Code, body)
		}
	})
}
