package handlers_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"zhaocuo/models/storetest"
)

// statsWorld: three 国资委 tickets and one of the 省政府办公厅 in March 2025, one closed on time,
// one overdue.
func statsWorld(t *testing.T) *testApp {
	a := newTestApp(t)
	gzw1, _ := a.submitTo("https://gzw.sc.gov.cn/1.html")
	a.submitTo("https://gzw.sc.gov.cn/2.html")
	a.submitTo("https://www.sc.gov.cn/3.html")
	staff, reviewer := a.apiLogin("gzw-staff"), a.apiLogin("gzw-reviewer")
	a.api("POST", "/api/v1/tickets/"+gzw1+"/reply", staff, `{"text":"已经修复了，感谢您的反馈。","confirmed":false}`)
	a.api("POST", "/api/v1/tickets/"+gzw1+"/approve", reviewer, "")
	a.Clock.Set(storetest.At("2025-04-02 10:00"))
	return a
}

func TestStatsAPI(t *testing.T) {
	a := statsWorld(t)
	token := a.apiLogin("sc-supervisor")
	resp, body := a.api("GET", "/api/v1/stats/completion?from=2025-03-01&to=2025-03-31&group_by=unit", token, "")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	total := body["total"].(map[string]any)
	onTime := total["on_time_rate"].(map[string]any)
	if total["received"] != float64(3) || total["due"] != float64(3) || total["on_time"] != float64(1) || total["overdue"] != float64(2) ||
		onTime["num"] != float64(1) || onTime["den"] != float64(3) || onTime["text"] != "33.33%" {
		t.Fatalf("total %v", total)
	}
	rows := body["rows"].([]any)
	if len(rows) != 2 || rows[0].(map[string]any)["rank"] != nil {
		t.Fatalf("rows (with fewer than 5 due none is ranked): %v", rows)
	}
	// An empty denominator is null beside "—", not 0 or 100.
	_, empty := a.api("GET", "/api/v1/stats/completion?from=2024-01-01&to=2024-01-31", token, "")
	r := empty["total"].(map[string]any)["on_time_rate"].(map[string]any)
	if r["value"] != nil || r["text"] != "—" || r["den"] != float64(0) {
		t.Fatalf("empty rate %v", r)
	}
	// Bad input.
	for _, q := range []string{"group_by=nothing", "from=2025-13-01&to=2025-03-31", "period=forever", "region=999999", "as_of=yesterday"} {
		if resp, _ := a.api("GET", "/api/v1/stats/completion?"+q, token, ""); resp.StatusCode/100 != 4 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
	// Unit staff see their own unit's figures only.
	staff := a.apiLogin("gzw-staff")
	_, own := a.api("GET", "/api/v1/stats/completion?from=2025-03-01&to=2025-03-31", staff, "")
	if own["total"].(map[string]any)["received"] != float64(2) {
		t.Fatalf("unit staff see %v", own["total"])
	}
}

func TestStatsExports(t *testing.T) {
	a := statsWorld(t)
	token := a.apiLogin("sc-supervisor")
	req, _ := http.NewRequest("GET", a.URL+"/api/v1/stats/completion?from=2025-03-01&to=2025-03-31&group_by=unit&format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, body := a.do(req)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("按单位")
	// Row 1 is the title (TestRatesExportPrints), row 2 the headers.
	if len(rows) != 5 || rows[1][0] != "名称" || rows[1][10] != "按期办结率" || rows[4][0] != "合计" {
		t.Fatalf("rows %v", rows)
	}
	style, _ := f.GetCellStyle("按单位", "K5")
	st, _ := f.GetStyle(style)
	if v, _ := f.GetCellValue("按单位", "K5"); v != "33.33%" || st.NumFmt != 10 {
		t.Fatalf("the total's 按期办结率 is %q (format %d): want a number shown as a percentage", v, st.NumFmt)
	}
	req, _ = http.NewRequest("GET", a.URL+"/api/v1/stats/completion?from=2025-03-01&to=2025-03-31&group_by=category&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, body = a.do(req)
	if !strings.HasPrefix(body, "\uFEFF名称,排名,收到") || !strings.Contains(body, "合计,—,3,0,0,3,1,33.33%") {
		t.Fatalf("csv: %q", body)
	}
}

func TestStatsPageNumbersLinkToTheirTickets(t *testing.T) {
	a := statsWorld(t)
	a.loginPage("sc-supervisor")
	resp, page := a.get("/staff/stats?from=2025-03-01&to=2025-03-31")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	d := doc(t, page)
	if d.Find("svg.chart").Length() != 3 {
		t.Fatalf("%d charts", d.Find("svg.chart").Length())
	}
	if d.Find("#by-region tbody tr").Length() == 0 || d.Find("#by-unit tbody tr").Length() != 2 {
		t.Fatal("tables missing")
	}
	// Follow the overdue count of the total: the list has those 2 tickets.
	var href string
	d.Find(".stat-cards a").Each(func(_ int, s *goquery.Selection) {
		if h, _ := s.Attr("href"); strings.Contains(h, "metric=overdue") {
			href = h
		}
	})
	if href == "" {
		t.Fatal("no link behind the overdue count")
	}
	_, list := a.get(href)
	if n := doc(t, list).Find(".ticket-item").Length(); n != 2 {
		t.Fatalf("the overdue list has %d tickets, want 2", n)
	}
	// Unit staff get their unit's page, without the region table.
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	b.loginPage("gzw-staff")
	_, own := b.get("/staff/stats?from=2025-03-01&to=2025-03-31")
	if od := doc(t, own); od.Find("#by-region").Length() != 0 || od.Find("#by-unit tbody tr").Length() != 1 {
		t.Fatal("unit staff see more than their unit")
	}
}

// The page's own links work when followed: each table's export gives its spreadsheet or CSV of
// the period shown, the unit table's headings sort it, the ticket list's export gives a
// spreadsheet of the list; and the period list names the period shown.
func TestStatsPageLinksExportSortAndNameThePeriod(t *testing.T) {
	a := statsWorld(t)
	a.loginPage("sc-supervisor")
	_, page := a.get("/staff/stats?from=2025-03-01&to=2025-03-31")
	d := doc(t, page)
	links := map[string]string{}
	d.Find("#by-unit a").Each(func(_ int, s *goquery.Selection) {
		if h, ok := s.Attr("href"); ok {
			links[strings.TrimSpace(s.Text())] = h
		}
	})
	for text, want := range map[string]string{"导出 Excel": "spreadsheetml", "CSV": "text/csv"} {
		resp, body := a.get(links[text])
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), want) {
			t.Fatalf("%s (%q): %d %s, want %s", text, links[text], resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
		if text == "CSV" && !strings.Contains(body, "合计,—,3,") {
			t.Fatalf("the unit table's CSV is not March's: %q", body)
		}
	}
	// The heading's link asks for the sort and answers with the unit table.
	resp, sorted := a.get(links["按期办结率"])
	if resp.StatusCode != 200 || !strings.Contains(links["按期办结率"], "sort=ontime") || doc(t, sorted).Find("#by-unit tbody tr").Length() != 2 {
		t.Fatalf("sorting by 按期办结率 (%q): %d", links["按期办结率"], resp.StatusCode)
	}

	var shown []string
	d.Find("#s-period option[selected]").Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.Text()) })
	if len(shown) != 1 || shown[0] != "2025-03-01 至 2025-03-31" {
		t.Fatalf("the period list shows %q selected for March's dates", shown)
	}
	_, page = a.get("/staff/stats") // this quarter, by default
	shown = nil
	doc(t, page).Find("#s-period option[selected]").Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.Text()) })
	if len(shown) != 1 || shown[0] != "本季度" {
		t.Fatalf("the default period list shows %q selected, want 本季度", shown)
	}

	_, list := a.get("/staff/tickets?status=open")
	href, _ := doc(t, list).Find(`a:contains("导出 Excel")`).Attr("href")
	resp, _ = a.get(href)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") || !strings.Contains(href, "status=open") {
		t.Fatalf("the ticket list's export (%q): %d %s", href, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// The request of issue 16 (0001-01-01 to 9999-12-31 as of the year 9999) built a page of 117 MB:
// periods longer than five years, starting before 2000 or over a year ahead, and report times
// before 2000 or more than a day ahead are refused with a 400 naming the problem in Chinese, on
// the page, in its exports and in the API. Five years are still answered, the flow by the month.
func TestStatsRefusesOversizedPeriods(t *testing.T) {
	a := statsWorld(t) // now 2025-04-02
	a.loginPage("gzw-staff")
	token := a.apiLogin("gzw-staff")
	refused := []struct{ query, field, words string }{
		{"from=0001-01-01&to=9999-12-31&as_of=9999-12-31T00:00:00Z", "from", "时段不能早于 2000-01-01"},
		{"from=2020-04-01&to=2025-04-02", "to", "自定义时段最长 5 年"},
		{"from=2026-04-04&to=2026-04-30", "from", "不能晚于一年以后"},
		{"period=1999", "period", "时段不能早于 2000-01-01"},
		{"period=9999-12", "period", "不能晚于一年以后"},
		{"as_of=9999-12-31T00:00:00Z", "as_of", "as_of 不能晚于当前时间一天以上"},
		{"as_of=1999-12-31T23:59:59%2B08:00", "as_of", "as_of 不能早于 2000-01-01"},
	}
	for _, c := range refused {
		for _, extra := range []string{"", "&export=unit", "&export=category&format=csv"} {
			resp, body := a.get("/staff/stats?" + c.query + extra)
			if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(doc(t, body).Find("main").Text(), c.words) || len(body) > 64<<10 {
				t.Errorf("page ?%s%s: %d %s, %d bytes, want a 400 page saying %q", c.query, extra, resp.StatusCode,
					resp.Header.Get("Content-Type"), len(body), c.words)
			}
		}
		for _, extra := range []string{"", "&format=xlsx"} {
			resp, m := a.api("GET", "/api/v1/stats/completion?"+c.query+extra, token, "")
			if msg, _ := m["error"].(string); resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, c.words) || m["field"] != c.field {
				t.Errorf("API ?%s%s: %d %v, want 400 with %q on %s", c.query, extra, resp.StatusCode, m, c.words, c.field)
			}
		}
	}
	// The widest period allowed: five years to the day, as of a day ahead; the flow by the month.
	resp, body := a.get("/staff/stats?from=2020-04-03&to=2025-04-02&as_of=2025-04-03T09:00:00%2B08:00")
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(d.Find("svg.chart").Text(), "每月收到和办结的留言") ||
		d.Find(`svg.chart circle`).Length() != 2*61 || d.Find("#s-from").AttrOr("min", "") != "2000-01-01" {
		t.Fatalf("five years: %d, charts %q, %d points", resp.StatusCode, d.Find("svg.chart").Text(), d.Find("svg.chart circle").Length())
	}
	if resp, _ := a.api("GET", "/api/v1/stats/completion?from=2020-04-03&to=2025-04-02", token, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("five years through the API: %d", resp.StatusCode)
	}
}

// A rates request whose client went away stops, and is not a failure of the server: 499 (as
// nginx logs it), nothing logged as an error.
func TestStatsRequestWhoseClientLeftIsNoFailure(t *testing.T) {
	var log bytes.Buffer
	a := newTestApp(t, func(c *appConfig) { c.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	token := a.apiLogin("sc-supervisor")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/stats/completion?period=2025Q1", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	if rec.Code != 499 || strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "client went away") {
		t.Fatalf("%d, log %s", rec.Code, log.String())
	}
}
