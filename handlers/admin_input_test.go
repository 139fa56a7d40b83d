package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zhaocuo/models/storetest"
)

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
			resp, body := a.upload("/admin/calendar/import", "", "holidays.json", []byte(tt.body))
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
	if resp, body := a.upload("/admin/calendar/import", "", "holidays.json", []byte(notice)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good notice saved by a Windows editor: %d %s", resp.StatusCode, fieldError(t, body, "file"))
	}
}

func TestAdminCalendarDayRefusesYearsNoDeadlineReaches(t *testing.T) {
	a := newTestApp(t) // 2025-03-25
	a.loginPage("admin")
	tests := []struct {
		day    string
		status int
	}{
		{"1900-01-01", http.StatusBadRequest},
		{"1999-12-31", http.StatusBadRequest},
		{"2000-01-01", http.StatusSeeOther},
		{"2026-12-31", http.StatusSeeOther},
		{"2027-01-01", http.StatusBadRequest},
		{"9999-01-01", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			resp, body := a.postFormFrom("/admin/calendar/day", map[string]string{"day": tt.day, "kind": "off"}, nil, "same-origin")
			if resp.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, tt.status, fieldError(t, body, "day"))
			}
			if tt.status == http.StatusBadRequest {
				if msg := fieldError(t, body, "day"); msg != "只能调整 2000 年至 2026 年的日子" {
					t.Fatalf("message %q", msg)
				}
				if v, _ := doc(t, body).Find("#c-day").Attr("value"); v != tt.day {
					t.Fatalf("the typed day is not kept: %q", v)
				}
			}
		})
	}
	resp, body := a.postFormFrom("/admin/calendar/day", map[string]string{"day": "2025-10-08", "kind": "off", "name": strings.Repeat("假", 33)}, nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || fieldError(t, body, "name") != "说明不能超过 32 个字" {
		t.Fatalf("a long name: %d %q", resp.StatusCode, fieldError(t, body, "name"))
	}
	if _, body := a.get("/admin"); strings.Contains(body, "尚未导入") {
		t.Fatalf("/admin warns: %s", doc(t, body).Find(".flash-error").Text())
	}
}

func TestAdminWarnsOnlyAboutYearsDeadlinesNeed(t *testing.T) {
	a := newTestApp(t) // 2025-03-25; the shipped notices are 2023–2027, and 2023's begins on 2022-12-31
	a.loginPage("admin")
	warnings := func() string {
		t.Helper()
		resp, body := a.get("/admin")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/admin: %d", resp.StatusCode)
		}
		return strings.TrimSpace(doc(t, body).Find(".flash-error").Text())
	}
	if w := warnings(); w != "" {
		t.Fatalf("warns with every needed year imported: %q", w)
	}
	_, body := a.get("/admin/calendar")
	if bad := doc(t, body).Find("details.year .tag-bad").Length(); bad != 0 {
		t.Fatalf("the calendar flags %d years as missing", bad)
	}

	// November: the next notice is due, and deadlines start to run into that year.
	a.Clock.Set(storetest.At("2027-11-02 10:00"))
	if w := warnings(); !strings.Contains(w, "尚未导入 2028 年节假日安排") || strings.Contains(w, "2022") {
		t.Fatalf("November 2027: %q", w)
	}
	a.Clock.Set(storetest.At("2025-03-25 10:00"))

	// An open ticket whose deadline was extended into a year without a notice.
	no, _ := a.submitTo("https://gzw.sc.gov.cn/list.html")
	if _, err := a.Store.SQLDB().Exec("UPDATE tickets SET deadline = ? WHERE ticket_no = ?", time.Date(2028, 1, 7, 15, 59, 59, 0, time.UTC), no); err != nil {
		t.Fatal(err)
	}
	if w := warnings(); !strings.Contains(w, "尚未导入 2028 年节假日安排") {
		t.Fatalf("a deadline in 2028: %q", w)
	}
}

func TestAdminCreateUserChecksFieldsLikeAccount(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("admin")
	user := func(email string) map[string]string {
		return map[string]string{"username": "new-supervisor", "display_name": "新监管员", "role": "supervisor",
			"region": "510000", "email": email, "password": "another-pass-456"}
	}
	resp, body := a.postFormFrom("/admin/users", user("nope"), nil, "same-origin")
	if resp.StatusCode != http.StatusBadRequest || fieldError(t, body, "email") != "电子邮箱格式不正确" {
		t.Fatalf("email=nope: %d %q", resp.StatusCode, fieldError(t, body, "email"))
	}
	if v, _ := doc(t, body).Find("#u-email").Attr("value"); v != "nope" {
		t.Fatalf("the typed address is not kept: %q", v)
	}
	var n int
	if err := a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM users WHERE username = 'new-supervisor'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the user was created (%d, %v)", n, err)
	}

	long := user("")
	long["display_name"] = strings.Repeat("名", 65)
	if resp, body := a.postFormFrom("/admin/users", long, nil, "same-origin"); resp.StatusCode != http.StatusBadRequest || fieldError(t, body, "display_name") != "姓名不能超过 64 个字" {
		t.Fatalf("a long name: %d %q", resp.StatusCode, fieldError(t, body, "display_name"))
	}

	if resp, body := a.postFormFrom("/admin/users", user(" new.supervisor@sc.gov.cn "), nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good address: %d %s", resp.StatusCode, doc(t, body).Find(".field-error").Text())
	}
	var email string
	if err := a.Store.SQLDB().QueryRow("SELECT email FROM users WHERE username = 'new-supervisor'").Scan(&email); err != nil || email != "new.supervisor@sc.gov.cn" {
		t.Fatalf("stored email %q, %v", email, err)
	}
}
