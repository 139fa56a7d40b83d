package xlsxsheet_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models/xlsxsheet"
	"zhaocuo/models/xlsxsheet/sheettest"
)

// A sheet is ready to print (sheettest.CheckPrintable, which the tests of every export call on
// their own files), and each kind of cell is written as a number with its format, or as text.
func TestWriteMakesAPrintableSheet(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	asOf := time.Date(2026, 12, 7, 6, 35, 0, 0, zone)
	received := time.Date(2025, 3, 3, 1, 30, 0, 0, time.UTC) // 09:30 in Shanghai
	book := xlsxsheet.Book{AsOf: asOf, Sheets: []xlsxsheet.Sheet{{
		Name: "留言", Title: "四川省 2025年3月 留言列表",
		Headers: []string{"留言编号", "问题描述", "提交时间", "收到", "办结率", "平均办理工作日", "开设日期"},
		Rows: [][]any{
			{"GZW20250303000123", "首页的领导信息栏目长期没有更新，请核实", received, 12345, xlsxsheet.Percent(0.3333), 2.5,
				xlsxsheet.Date(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))},
			{"=1+1", nil, (*time.Time)(nil), int64(0), "—", 0.0, nil},
		},
	}}}
	var buf bytes.Buffer
	if err := book.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheettest.CheckPrintable(t, f, "留言", "四川省 2025年3月 留言列表（截至 2026-12-07 06:35）", len(book.Sheets[0].Headers))

	for _, c := range []struct {
		cell, shown string
		numFmt      int
		custom      string
	}{
		{"A3", "GZW20250303000123", 49, ""},
		{"C3", "2025-03-03 09:30", 0, "yyyy-mm-dd hh:mm"},
		{"D3", "12,345", 3, ""},
		{"E3", "33.33%", 10, ""},
		{"F3", "2.50", 4, ""},
		{"G3", "2024-03-01", 0, "yyyy-mm-dd"},
		{"A4", "=1+1", 49, ""},
	} {
		v, _ := f.GetCellValue("留言", c.cell)
		id, _ := f.GetCellStyle("留言", c.cell)
		st, _ := f.GetStyle(id)
		custom := ""
		if st.CustomNumFmt != nil {
			custom = *st.CustomNumFmt
		}
		if v != c.shown || st.NumFmt != c.numFmt || custom != c.custom {
			t.Errorf("%s shows %q with format %d %q, want %q with %d %q", c.cell, v, st.NumFmt, custom, c.shown, c.numFmt, c.custom)
		}
	}
	// Dates and figures are numbers, text is text (a formula stays a string).
	for cell, want := range map[string]excelize.CellType{"C3": excelize.CellTypeUnset, "D3": excelize.CellTypeUnset, "E3": excelize.CellTypeUnset,
		"A4": excelize.CellTypeInlineString} {
		raw, _ := f.GetCellValue("留言", cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("留言", cell)
		if formula, _ := f.GetCellFormula("留言", cell); typ != want || formula != "" {
			t.Errorf("%s (%q) is of type %v, formula %q; want %v", cell, raw, typ, formula, want)
		}
	}
	if raw, _ := f.GetCellValue("留言", "C3", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "45719.395833") {
		t.Errorf("C3 holds %q, want Excel's day number for 2025-03-03 09:30", raw)
	}
	// Widths: the ticket number (17 characters) and the description (19 CJK characters, 38
	// widths) fit; the date fits its 16 characters; nothing is below the minimum.
	for col, want := range map[string]float64{"A": 19, "B": 40, "C": 18, "D": 8, "E": 8, "F": 16, "G": 12} {
		if w, _ := f.GetColWidth("留言", col); w != want {
			t.Errorf("column %s is %v wide, want %v", col, w, want)
		}
	}
}

// A cell longer than the cap wraps in a capped column.
func TestWriteCapsWidths(t *testing.T) {
	long := ""
	for range 100 {
		long += "字"
	}
	var buf bytes.Buffer
	err := xlsxsheet.Book{AsOf: time.Now(), Sheets: []xlsxsheet.Sheet{{Name: "表", Headers: []string{"内容"}, Rows: [][]any{{long}}}}}.Write(&buf)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(&buf)
	if w, _ := f.GetColWidth("表", "A"); w != 50 {
		t.Errorf("width %v, want the cap 50", w)
	}
}
