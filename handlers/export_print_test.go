package handlers_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc/doctest"
	"zhaocuo/models/storetest"
	"zhaocuo/models/xlsxsheet/sheettest"
)

// openExport fetches an XLSX export and opens it.
func openExport(t *testing.T, a *testApp, path string) *excelize.File {
	t.Helper()
	resp, body := a.get(path)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// checkCell fails t unless the cell under header in row holds a number (not text) shown as
// shown with the built-in format numFmt, or the custom format custom.
func checkCell(t *testing.T, f *excelize.File, sheet string, row int, header, shown string, numFmt int, custom string) {
	t.Helper()
	heads, _ := f.GetRows(sheet)
	col := -1
	for i, h := range heads[1] {
		if h == header {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s: no column %s in %v", sheet, header, heads[1])
	}
	cell, _ := excelize.CoordinatesToCellName(col+1, row)
	v, _ := f.GetCellValue(sheet, cell)
	typ, _ := f.GetCellType(sheet, cell)
	id, _ := f.GetCellStyle(sheet, cell)
	st, _ := f.GetStyle(id)
	got := ""
	if st.CustomNumFmt != nil {
		got = *st.CustomNumFmt
	}
	if v != shown || typ != excelize.CellTypeUnset || st.NumFmt != numFmt || got != custom {
		t.Errorf("%s %s (%s) shows %q as type %v with format %d %q; want the number %q with format %d %q",
			sheet, cell, header, v, typ, st.NumFmt, got, shown, numFmt, custom)
	}
}

func TestTicketListExportPrints(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/1.html")
	a.loginPage("gzw-staff")
	f := openExport(t, a, "/staff/tickets?format=xlsx&from=2025-03-01&to=2025-03-31")
	asOf := a.Clock.Now().In(models.Shanghai).Format("2006-01-02 15:04")
	sheettest.CheckPrintable(t, f, "留言", "四川省政府国有资产监督管理委员会 留言列表 2025-03-01 至 2025-03-31（截至 "+asOf+"）", 9)
	if v, _ := f.GetCellValue("留言", "A3"); v != no {
		t.Errorf("A3 is %q, want the ticket %s", v, no)
	}
	checkCell(t, f, "留言", 3, "提交时间", asOf, 0, "yyyy-mm-dd hh:mm")
}

func TestRatesExportPrints(t *testing.T) {
	a := statsWorld(t)
	a.loginPage("sc-supervisor")
	f := openExport(t, a, "/staff/stats?from=2025-03-01&to=2025-03-31&export=unit&format=xlsx")
	asOf := a.Clock.Now().In(models.Shanghai).Format("2006-01-02 15:04")
	rows, _ := f.GetRows("按单位")
	sheettest.CheckPrintable(t, f, "按单位", "四川省 办理统计（按单位） 2025-03-01 至 2025-03-31（截至 "+asOf+"）", len(rows[1]))
	total := len(rows)
	if rows[total-1][0] != "合计" {
		t.Fatalf("the last row is %v, want the total", rows[total-1])
	}
	checkCell(t, f, "按单位", total, "收到", "3", 3, "")
	checkCell(t, f, "按单位", total, "按期办结率", "33.33%", 10, "")
}

// The rates by region, converted by LibreOffice as a clerk's printer would get them, fit one
// page (the demo's 22 rows) with the title on it and no cell too narrow for its number.
func TestRatesExportPrintsOnOnePage(t *testing.T) {
	a := statsWorld(t)
	a.loginPage("sc-supervisor")
	resp, body := a.get("/staff/stats?from=2025-03-01&to=2025-03-31&export=region&format=xlsx")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	pages, sizes := doctest.PDFText(t, doctest.ToPDF(t, "rates.xlsx", []byte(body)))
	if len(pages) != 1 {
		t.Errorf("the rates print on %d pages, want 1", len(pages))
	}
	if w, h := sizes[0][0], sizes[0][1]; w < h {
		t.Errorf("the page is %.0f × %.0f pt: want it landscape", w, h)
	}
	text := strings.Join(pages, "\f")
	if strings.Contains(text, "###") {
		t.Errorf("a cell prints as ###:\n%s", text)
	}
	for _, want := range []string{"办理统计（按地区）", "截至", "合计", "按期办结率"} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), want) {
			t.Errorf("the printed page lacks %q:\n%s", want, text)
		}
	}
}

func TestInspectionResultsExportPrints(t *testing.T) {
	a := newTestApp(t)
	resultID, _ := finishedRound(t, a, "sc-supervisor")
	res, _, err := a.Store.Result(context.Background(), models.Scope{All: true}, resultID)
	if err != nil {
		t.Fatal(err)
	}
	a.loginPage("sc-supervisor")
	f := openExport(t, a, "/staff/inspection/rounds/"+strconv.FormatInt(res.RoundID, 10)+"?format=xlsx")
	now := a.Clock.Now().In(models.Shanghai)
	rows, _ := f.GetRows("检查结果")
	sheettest.CheckPrintable(t, f, "检查结果", "四川省 第 "+strconv.FormatInt(res.RoundID, 10)+" 轮网站检查结果 "+now.Format("2006-01-02")+
		" 起（截至 "+now.Format("2006-01-02 15:04")+"）", len(rows[1]))
	if rows[2][0] != res.WebsiteName {
		t.Fatalf("the first row is %v, want %s", rows[2], res.WebsiteName)
	}
	checkCell(t, f, "检查结果", 3, "得分", "99.00", 4, "")
	checkCell(t, f, "检查结果", 3, "页面", "12", 3, "")
	checkCell(t, f, "检查结果", 3, "完成时间", now.Format("2006-01-02 15:04"), 0, "yyyy-mm-dd hh:mm")
}

func TestAccountImportResultsExportPrints(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	admin, _ := a.Store.Authenticate(ctx, "admin", demoPassword)
	lastPost := a.Clock.Now().AddDate(0, 0, -3)
	ref := "抖音：成都教育"
	imp, err := storetest.SaveAccountImport(ctx, a.Store, admin, "全省.csv", []models.AccountResult{{Name: "成都教育", Platform: "抖音",
		UnitName: "成都市教育局", LastPost: &lastPost, ReportedOnline: true, Findings: []models.Finding{{Type: "typo", Indicator: "内容准确性", URL: ref,
			Page: ref, Target: "攻府", Evidence: "疑似错敏字「攻府」", Suspected: true, FindingKey: "typo:" + ref}}}})
	if err != nil {
		t.Fatal(err)
	}
	a.loginPage("sc-supervisor")
	f := openExport(t, a, "/staff/inspection/imports/"+strconv.FormatInt(imp.ID, 10)+"?format=xlsx")
	now := a.Clock.Now().In(models.Shanghai)
	rows, _ := f.GetRows("新媒体检查结果")
	sheettest.CheckPrintable(t, f, "新媒体检查结果", "四川省 新媒体检查结果 全省.csv "+imp.ImportedAt.In(models.Shanghai).Format("2006-01-02")+
		" 导入（截至 "+now.Format("2006-01-02 15:04")+"）", len(rows[1]))
	if len(rows) != 3 || rows[2][0] != "成都教育" || !strings.Contains(strings.Join(rows[2], "|"), "内容准确性：疑似错敏字「攻府」") {
		t.Fatalf("rows %q", rows)
	}
	checkCell(t, f, "新媒体检查结果", 3, "最后更新", lastPost.In(models.Shanghai).Format("2006-01-02 15:04"), 0, "yyyy-mm-dd hh:mm")
	checkCell(t, f, "新媒体检查结果", 3, "问题数", "1", 3, "")
}
