package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
)

func (a *testApp) siteID(host string) string {
	a.t.Helper()
	var id int64
	if err := a.Store.SQLDB().QueryRow("SELECT website_id FROM website_bases WHERE host = ?", host).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// A unit fills its own site's work report and no other's; a value out of bounds is refused with
// the input kept; a published report refuses edits with a clear message; the supervisor sees
// which sites have not published.
func TestAnnualReportPages(t *testing.T) {
	a := newTestApp(t)
	gzw, scgov := "/staff/annual/work/"+a.siteID("gzw.sc.gov.cn")+"/2025", "/staff/annual/work/"+a.siteID("sc.gov.cn")+"/2025"
	a.loginPage("gzw-staff")
	if resp, body := a.get("/staff/annual?year=2025"); resp.StatusCode != 200 || doc(t, body).Find(`#annual-sites a[href="`+gzw+`"]`).Length() != 1 {
		t.Fatalf("the unit's list: %d", resp.StatusCode)
	}
	if resp, body := a.postFormFrom(scgov, map[string]string{"visits": "1"}, nil, "same-origin"); resp.StatusCode != 404 || !hasHan(doc(t, body).Find("main").Text()) {
		t.Fatalf("another unit's site: %d", resp.StatusCode)
	}
	resp, body := a.postFormFrom(gzw, map[string]string{"visits": "-3", "smart_qa": "是"}, nil, "same-origin")
	if resp.StatusCode != 400 || !strings.Contains(body, "应为不小于0的整数") {
		t.Fatalf("a negative count: %d", resp.StatusCode)
	}
	if v, _ := doc(t, body).Find("#f-visits").Attr("value"); v != "-3" {
		t.Errorf("the refused input is not kept: %q", v)
	}
	if resp, body := a.postFormFrom(gzw, map[string]string{"visits": "1200", "smart_qa": "是"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", resp.StatusCode, body)
	}
	if resp, body := a.postFormFrom(gzw+"/publish", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %.300s", resp.StatusCode, body)
	}
	resp, body = a.postFormFrom(gzw, map[string]string{"visits": "1300"}, nil, "same-origin")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "该报表已发布，不能再修改") {
		t.Fatalf("edit of a published report: %d", resp.StatusCode)
	}
	resp, body = a.get(gzw)
	d := doc(t, body)
	if resp.StatusCode != 200 || d.Find("#annual-form input").Length() != 0 || strings.TrimSpace(d.Find("#item-visits .value").Text()) != "1200" ||
		d.Find("#annual-correct").Length() != 1 {
		t.Fatalf("published page: %d", resp.StatusCode)
	}
	if resp, _ := a.get(gzw + "/document?format=docx"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("docx: %d", resp.StatusCode)
	}

	resp, body = a.get(gzw + "/document?format=xlsx")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("xlsx: %d %v", resp.StatusCode, err)
	}
	rows, _ := x.GetRows("年度报表")
	found := false // the count as #,##0 shows it
	for _, row := range rows {
		if len(row) == 4 && row[1] == "网站总访问量" && row[2] == "次" && row[3] == "1,200" {
			found = true
		}
	}
	if !found || len(rows) != 2+len(models.WorkLayout) {
		t.Errorf("xlsx rows: %d, 网站总访问量 found: %v", len(rows), found)
	}

	a.Client.Jar, _ = cookiejar.New(nil)
	a.loginPage("sc-supervisor")
	resp, body = a.get("/staff/annual?year=2025")
	d = doc(t, body)
	if resp.StatusCode != 200 || d.Find(`#supervision a`).Length() != 1 || !strings.Contains(d.Find("#unpublished").Text(), "尚未发布") {
		t.Fatalf("the supervisor's list: %d", resp.StatusCode)
	}
	if resp, _ := a.postFormFrom(gzw, map[string]string{"visits": "1"}, nil, "same-origin"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the supervisor wrote a unit's report: %d", resp.StatusCode)
	}
}
