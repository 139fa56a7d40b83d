package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Issue 16: 成都's supervisor imported a sheet of another city's and the province's 新媒体
// accounts, turned the province's 新媒体 合格率 from 100% to 0% in its circular, and its
// publishing opened rectifications; 成都's own view of the import said 0 accounts. Now the rows
// outside 成都's scope are refused and listed as such to 成都, with the reason, and nothing of
// those accounts changes: no result, no finding, no account state, no circular figure.
func TestAccountImportOutsideTheScopeChangesNothingThere(t *testing.T) {
	q := &taskQueue{}
	a := newTestApp(t, withQueue(q))
	today := a.Clock.Now().Format("2006-01-02")
	sc := a.apiLogin("sc-supervisor")
	// The province imports every account of its registry, each updated today and answering:
	// 新媒体 合格率 100%.
	var sheet strings.Builder
	sheet.WriteString("账号名称,平台,最后更新日期,互动功能,实际运行\n")
	rows, err := a.Store.SQLDB().Query("SELECT name, platform FROM media_accounts ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, platform string
		rows.Scan(&name, &platform)
		fmt.Fprintf(&sheet, "%s,%s,%s,有,在线\n", name, platform, today)
	}
	rows.Close()
	if resp, body := a.upload("/api/v1/inspection/accounts/import", sc, "全省.csv", []byte(sheet.String())); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the province's import: %d %s", resp.StatusCode, body)
	}
	q.runAll(t, a)
	_, draft := a.api("POST", "/api/v1/circulars", sc, `{"period":"2025Q1"}`)
	id := jsonNumber(draft["id"])
	accounts := func() map[string]any {
		t.Helper()
		if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/refresh", sc, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("refresh: %d %v", resp.StatusCode, body)
		}
		_, c := a.api("GET", "/api/v1/circulars/"+id, sc, "")
		return c["figures"].(map[string]any)["accounts"].(map[string]any)
	}
	before := accounts()
	if before["pass_rate"] != "100%" || before["with_problems"] != float64(0) || before["checked"] != float64(28) {
		t.Fatalf("before: %v", before)
	}
	state := func() string {
		t.Helper()
		var out strings.Builder
		rows, err := a.Store.SQLDB().Query(`SELECT a.id, a.status, (SELECT COUNT(*) FROM media_account_results r WHERE r.account_id = a.id),
			(SELECT COUNT(*) FROM inspection_findings f WHERE f.account_id = a.id), (SELECT COUNT(*) FROM media_account_events e WHERE e.account_id = a.id)
			FROM media_accounts a JOIN units u ON u.id = a.unit_id WHERE u.name IN ('绵阳市人民政府办公室', '四川省人民政府办公厅') ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, results, findings, events int64
			var status string
			rows.Scan(&id, &status, &results, &findings, &events)
			fmt.Fprintf(&out, "%d %s %d %d %d; ", id, status, results, findings, events)
		}
		return out.String()
	}
	untouched := state()

	// 成都's supervisor imports 绵阳's and the province's accounts, stale and without
	// interaction (单项否决 both), beside its own.
	a.loginPage("cd-supervisor")
	attack := "账号名称,平台,最后更新日期,互动功能,实际运行\n" +
		"绵阳发布,微信,2024-01-01,无,在线\n" +
		"四川发布,微信,2024-01-01,无,在线\n" +
		"成都发布,微信," + today + ",有,在线\n"
	resp, _ := a.upload("/staff/inspection/accounts/import", "", "results.csv", []byte(attack))
	page := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(page, "/staff/inspection/imports/") {
		t.Fatalf("成都's import: %d %q", resp.StatusCode, page)
	}
	q.runAll(t, a)

	if after := accounts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the province's 新媒体 figures moved: %v → %v", before, after)
	}
	if got := state(); got != untouched {
		t.Errorf("绵阳's and the province's accounts changed: %s → %s", untouched, got)
	}
	if resp, body := a.api("POST", "/api/v1/circulars/"+id+"/publish", sc, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("publish: %d %v", resp.StatusCode, body)
	}
	var rectifications int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM rectifications").Scan(&rectifications)
	if rectifications != 0 {
		t.Errorf("publishing opened %d rectifications", rectifications)
	}

	// 成都 sees its sheet whole: its own account checked, the two others listed as not imported.
	_, body := a.get(page)
	d := doc(t, body)
	var refused []string
	d.Find("#results li[data-refused]").Each(func(_ int, s *goquery.Selection) { refused = append(refused, s.Text()) })
	if d.Find("#results li").Length() != 3 || len(refused) != 2 || !strings.Contains(refused[0], "绵阳发布") ||
		!strings.Contains(refused[0], "不在您的管辖范围内，未导入") || !strings.Contains(d.Find("#import-refused").Text(), "其中 2 个账号不在您的管辖范围内") {
		t.Fatalf("成都's import page: %q", d.Find("main").Text())
	}
	cd := a.apiLogin("cd-supervisor")
	_, imp := a.api("GET", "/api/v1"+strings.TrimPrefix(page, "/staff"), cd, "")
	results := imp["results"].([]any)
	if i := imp["import"].(map[string]any); i["accounts"] != float64(3) || i["refused"] != float64(2) || len(results) != 3 ||
		results[0].(map[string]any)["refused"] == nil || results[0].(map[string]any)["account_id"] != nil {
		t.Fatalf("成都's import through the API: %v", imp)
	}

	// A sheet of nothing but other regions' accounts is refused whole: 403, nothing stored.
	var imports int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_imports").Scan(&imports)
	resp, body = a.upload("/api/v1/inspection/accounts/import", cd, "他市.csv", []byte("账号名称,平台\n绵阳发布,微信\n四川发布,微信\n"))
	var now int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM media_account_imports").Scan(&now)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "都不在您的管辖范围内") || now != imports {
		t.Fatalf("a sheet of other regions' accounts: %d %s, %d imports stored", resp.StatusCode, body, now-imports)
	}
}
