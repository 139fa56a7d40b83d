package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"zhaocuo/models"
	"zhaocuo/models/xlsxsheet"
)

// The content types of the Office documents the app sends.
const (
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// sheet is a table to export: a Chinese name, the title (the scope and the period) and the time
// of export that head it when printed, Chinese headers, and cells that are strings, integers,
// rates (percentages beside their base) or times.
type sheet struct {
	Name    string
	Title   string
	AsOf    time.Time
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
		ctype = xlsxType
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

// writeXLSX writes the sheet through xlsxsheet, which lays out every export for printing; the
// code's own values become the cells it formats (a rate a percentage, "—" when empty).
func writeXLSX(w *bytes.Buffer, sh sheet) error {
	out := xlsxsheet.Sheet{Name: sh.Name, Title: sh.Title, Headers: sh.Headers, Rows: make([][]any, len(sh.Rows))}
	for r, row := range sh.Rows {
		out.Rows[r] = make([]any, len(row))
		for i, v := range row {
			if x, ok := v.(models.Rate); ok {
				v = xlsxsheet.Percent(x.Value())
				if x.Empty() {
					v = "—"
				}
			}
			out.Rows[r][i] = v
		}
	}
	return xlsxsheet.Book{AsOf: sh.AsOf.In(models.Shanghai), Sheets: []xlsxsheet.Sheet{out}}.Write(w)
}

// scopeStore is what naming an export's scope needs.
type scopeStore interface {
	Regions(ctx context.Context) ([]models.Region, error)
	UnitRow(ctx context.Context, sc models.Scope, id int64) (*models.UnitRow, error)
}

// scopeName names what an export covers, for its title: the unit or the region it was narrowed
// to, else the person's own unit or region. A unit outside the scope names nothing (its export is
// empty), and the person's own scope is named instead.
func scopeName(ctx context.Context, store scopeStore, u *models.User, sc models.Scope, regionPath string, unitID int64) (string, error) {
	if unitID == 0 && u.UnitID != nil && regionPath == "" {
		unitID = *u.UnitID
	}
	if unitID > 0 {
		row, err := store.UnitRow(ctx, sc, unitID)
		if err == nil {
			return row.Name, nil
		}
		if status(err) >= 500 {
			return "", err
		}
	}
	regions, err := store.Regions(ctx)
	if err != nil {
		return "", err
	}
	for _, r := range regions {
		if regionPath != "" && r.Path == regionPath || regionPath == "" && u.RegionID != nil && r.ID == *u.RegionID {
			return r.Name, nil
		}
	}
	return "全部", nil
}

// periodText is the days [from, to) as a title names them; "" when neither is set.
func periodText(from, to time.Time) string {
	if from.IsZero() && to.IsZero() {
		return ""
	}
	day := func(t time.Time) string { return t.In(models.Shanghai).Format("2006-01-02") }
	switch {
	case from.IsZero():
		return "至 " + day(to.Add(-time.Second))
	case to.IsZero():
		return day(from) + " 起"
	}
	return day(from) + " 至 " + day(to.Add(-time.Second))
}
