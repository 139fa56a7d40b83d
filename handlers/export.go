package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
)

// sheet is a table to export: Chinese headers, and cells that are strings, integers, rates
// (percentages beside their base) or times.
type sheet struct {
	Name    string
	Headers []string
	Rows    [][]any
}

// export answers with the sheet as XLSX or CSV (UTF-8 with BOM, so that Excel reads it right).
// It is the one writer of both for every export; text never becomes a formula in either (XLSX
// cells of text are string cells; CSV text goes through csvText).
func (u *ui) export(c *gin.Context, format, filename string, sh sheet) {
	var body bytes.Buffer
	var ctype string
	switch format {
	case "xlsx":
		if err := writeXLSX(&body, sh); err != nil {
			u.fail(c, err)
			return
		}
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		body.WriteString("\uFEFF")
		w := csv.NewWriter(&body)
		w.Write(sh.Headers)
		for _, r := range sh.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = csvCell(v)
			}
			w.Write(rec)
		}
		w.Flush()
		ctype = "text/csv; charset=utf-8"
	default:
		u.fail(c, models.Invalid("format", "导出格式应为 xlsx 或 csv"))
		return
	}
	name := filename + "." + format
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="export.%s"; filename*=UTF-8''%s`, format, url.PathEscape(name)))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, body.Bytes())
}

// csvCell writes a value as CSV text. Numbers, rates and times are the code's own and are written
// as they are; any other value is text that came from someone (a citizen's description, a unit's
// name) and goes through csvText.
func csvCell(v any) string {
	switch x := v.(type) {
	case models.Rate:
		return x.String()
	case time.Time:
		return x.In(models.Shanghai).Format("2006-01-02 15:04")
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.In(models.Shanghai).Format("2006-01-02 15:04")
	case nil:
		return ""
	case int, int64, float64:
		return fmt.Sprint(x)
	}
	return csvText(fmt.Sprint(v))
}

// csvText keeps a spreadsheet from reading text as a formula (=HYPERLINK(...) sending the sheet's
// cells away, or a DDE call running a program): a cell that starts with a tab or a carriage
// return, or whose first character past the spaces is = + - @ (or their full-width forms, which
// some spreadsheets take too), gets a single quote before it, as OWASP advises for CSV injection.
// The spreadsheet shows the text with the quote; nothing runs.
func csvText(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	switch first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsSpace)); first {
	case '=', '+', '-', '@', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

func writeXLSX(w *bytes.Buffer, sh sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	name := sh.Name
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"EEF1F4"}, Pattern: 1}})
	percent, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	dateFmt := "yyyy-mm-dd hh:mm"
	date, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	for i, h := range sh.Headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue(name, cell, h)
		f.SetCellStyle(name, cell, cell, bold)
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(name, col, col, 14)
	}
	for r, row := range sh.Rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			switch x := v.(type) {
			case models.Rate:
				if x.Empty() {
					f.SetCellValue(name, cell, "—")
				} else {
					f.SetCellFloat(name, cell, x.Value(), 6, 64)
					f.SetCellStyle(name, cell, cell, percent)
				}
			case time.Time:
				f.SetCellValue(name, cell, excelTime(x))
				f.SetCellStyle(name, cell, cell, date)
			case *time.Time:
				if x != nil {
					f.SetCellValue(name, cell, excelTime(*x))
					f.SetCellStyle(name, cell, cell, date)
				}
			default:
				f.SetCellValue(name, cell, v)
			}
		}
	}
	f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	_, err := f.WriteTo(w)
	return err
}

// excelTime gives the wall-clock time in Asia/Shanghai, which Excel shows as it is (Excel has no
// time zones).
func excelTime(t time.Time) time.Time {
	s := t.In(models.Shanghai)
	return time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), s.Second(), 0, time.UTC)
}
