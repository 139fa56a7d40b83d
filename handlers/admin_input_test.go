package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// postCalendarFile uploads data as the calendar import form does.
func (a *testApp) postCalendarFile(data []byte) (*http.Response, string) {
	a.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "holidays.json")
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/admin/calendar/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return a.do(req)
}

// fieldError is the message shown beside a form field.
func fieldError(t *testing.T, body, field string) string {
	t.Helper()
	return strings.TrimSpace(doc(t, body).Find("#" + field + "-error").Text())
}

func TestAdminCalendarImportExplainsBadFilesInChinese(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	tests := []struct {
		name, body, want string
	}{
		{"days of the wrong shape", "{\n  \"year\": 2027,\n  \"days\": \"2027-01-01\"\n}", "文件不是节假日安排的 JSON 格式：第 3 行，days 应为日子的列表"},
		{"a day of the wrong shape", "{\"year\": 2027,\n\"days\": [{\"name\": \"元旦\", \"date\": \"2027-01-01\", \"isOffDay\": \"yes\"}]}", "第 2 行，days.isOffDay 应为true（休息）或 false（调休上班）"},
		{"year as text", `{"year": "2027", "days": []}`, "year 应为年份数字"},
		{"a list, not an object", `[{"date": "2027-01-01"}]`, "整个文件应为一个对象"},
		{"not JSON", "this is not json", "不是有效的 JSON 文件：第 1 行有格式错误"},
		{"cut short", "{\"year\": 2027,\n\"days\": [", "不是有效的 JSON 文件：内容在第 2 行中断"},
		{"empty", " \n", "文件是空的"},
		{"another JSON file", `{"name": "zhaocuo", "version": 3}`, "缺少年份（year）"},
		{"no days", `{"year": 2027, "days": []}`, "没有列出任何日子"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := a.postCalendarFile([]byte(tt.body))
			msg := fieldError(t, body, "file")
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
				t.Fatalf("%d, message %q, want %q", resp.StatusCode, msg, tt.want)
			}
			for _, raw := range []string{"json:", "Go struct", "Go value", "invalid character", "unexpected end"} {
				if strings.Contains(body, raw) {
					t.Fatalf("the page shows the decoder's own words %q: %q", raw, msg)
				}
			}
		})
	}

	notice := "\uFEFF" + `{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`
	if resp, body := a.postCalendarFile([]byte(notice)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good notice saved by a Windows editor: %d %s", resp.StatusCode, fieldError(t, body, "file"))
	}
}
