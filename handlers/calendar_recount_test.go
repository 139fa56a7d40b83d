package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhaocuo/models"
)

// Importing a notice says on the calendar page how many deadlines it moved, and the ticket page
// says how its deadline was counted, the day the notice made a holiday skipped by name.
func TestCalendarImportSaysHowManyDeadlinesMoved(t *testing.T) {
	a := newTestApp(t) // 2025-03-25 10:00, a Tuesday
	ctx := context.Background()
	rep := models.Report{PageURL: "https://gzw.sc.gov.cn/a.html", Category: "链接不可用", Description: "页面中“政策解读”链接点击后显示404错误。"}
	sub, err := a.Store.SubmitReport(ctx, rep)
	if err != nil {
		t.Fatal(err)
	}
	if got := models.DateOf(*sub.Ticket.Deadline).String(); got != "2025-03-28" {
		t.Fatalf("deadline %s, want 2025-03-28", got)
	}
	// The 2025 notice again, corrected: 3-27 made a holiday.
	data, err := os.ReadFile(filepath.Join("..", "models", "holidays", "2025.json"))
	if err != nil {
		t.Fatal(err)
	}
	var notice map[string]any
	if err := json.Unmarshal(data, &notice); err != nil {
		t.Fatal(err)
	}
	notice["days"] = append(notice["days"].([]any), map[string]any{"name": "更正", "date": "2025-03-27", "isOffDay": true})
	corrected, _ := json.Marshal(notice)

	a.loginPage("admin")
	resp, body := a.upload("/admin/calendar/import", "", "2025.json", corrected)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", resp.StatusCode, fieldError(t, body, "file"))
	}
	_, page := a.get("/admin/calendar")
	if msg := doc(t, page).Find(".flash-ok").Text(); !strings.Contains(msg, "已重算 1 个答复期限") {
		t.Fatalf("the import page says %q, want the count of deadlines moved", msg)
	}
	// The same file again moves nothing, and says so.
	a.upload("/admin/calendar/import", "", "2025.json", corrected)
	if _, page = a.get("/admin/calendar"); !strings.Contains(doc(t, page).Find(".flash-ok").Text(), "没有答复期限因此变动") {
		t.Fatalf("the second import says %q", doc(t, page).Find(".flash-ok").Text())
	}

	a.loginPage("gzw-staff")
	_, page = a.get("/staff/tickets/" + sub.Ticket.TicketNo)
	counted := strings.TrimSpace(doc(t, page).Find("#deadline-counting p").Text())
	want := "自 2025年3月25日 起算 3 个工作日：计入 3月26日；跳过 3月27日（更正）；计入 3月28日；跳过 3月29日–3月30日（周末）；计入 3月31日。"
	if counted != want {
		t.Fatalf("the ticket page says\n%q\nwant\n%q", counted, want)
	}
	if !strings.Contains(page, "答复期限由 2025-03-28 改为 2025-03-31") {
		t.Error("the ticket's history does not show the recount with its old and new deadline")
	}
}

// A day changed by hand says how many deadlines it moved too.
func TestCalendarDayChangeSaysHowManyDeadlinesMoved(t *testing.T) {
	a := newTestApp(t)
	if _, err := a.Store.SubmitReport(context.Background(), models.Report{PageURL: "https://gzw.sc.gov.cn/b.html", Category: "链接不可用",
		Description: "页面中“政策解读”链接点击后显示404错误。"}); err != nil {
		t.Fatal(err)
	}
	a.loginPage("admin")
	resp, _ := a.postFormFrom("/admin/calendar/day", map[string]string{"day": "2025-03-26", "kind": "off", "name": "停电"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("day change: %d", resp.StatusCode)
	}
	if _, page := a.get("/admin/calendar"); !strings.Contains(doc(t, page).Find(".flash-ok").Text(), "已重算 1 个答复期限") {
		t.Fatalf("the page says %q", doc(t, page).Find(".flash-ok").Text())
	}
}
