// Package xlsxsheet writes the workbooks the system exports, so that a clerk can print them as
// they come: a title row naming the scope, the period and the time of export; columns as wide as
// their content; dates, counts and rates as numbers Excel formats; the header frozen on screen
// and repeated on every printed page; landscape, one page wide. Every XLSX export goes through
// Write, so these are decided here once.
package xlsxsheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Book is a workbook to export.
type Book struct {
	// AsOf is when the export was made, in the zone the clerks read (Asia/Shanghai): every title
	// ends with "截至" it, and its location is the wall clock every time cell is shown in (Excel
	// has no time zones).
	AsOf   time.Time
	Sheets []Sheet
}

// Sheet is one table: a tab with a Chinese name, the title (scope and period), the headers and
// the rows.
type Sheet struct {
	Name    string
	Title   string
	Headers []string
	// Rows hold strings (written as text, never as a formula or a number: a 区划代码 stays as
	// typed), int and int64 counts, float64 figures, Percent, Date, time.Time and *time.Time (nil
	// is an empty cell) and nil.
	Rows [][]any
}

// Percent is a fraction shown as a percentage with two decimals (0.1234 prints 12.34%).
type Percent float64

// Date is a calendar day (its year, month and day as they are, whatever the zone), shown as
// yyyy-mm-dd.
type Date time.Time

// Layout of every sheet: row 1 the title, row 2 the headers, the data from row 3.
const (
	titleRow  = 1
	headerRow = 2
	// maxWidth caps a column (in Excel's character widths): a long description wraps rather
	// than pushing the page's scale down until nothing can be read.
	maxWidth = 50
	minWidth = 6
	// timeFormat and timeLayout are how a time cell reads, in Excel's format and in Go's.
	timeFormat = "yyyy-mm-dd hh:mm"
	timeLayout = "2006-01-02 15:04"
	dayFormat  = "yyyy-mm-dd"
	dayLayout  = "2006-01-02"
)

// titleOf is a sheet's first row: its title and the time of export.
func titleOf(title string, asOf time.Time) string {
	return strings.TrimSpace(title + "（截至 " + asOf.Format(timeLayout) + "）")
}

// Write writes the book as XLSX.
func (b Book) Write(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, sh := range b.Sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err == nil {
			err = b.writeSheet(f, st, sh)
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", sh.Name, err)
		}
	}
	_, err = f.WriteTo(w)
	return err
}

type styles struct{ title, head, text, count, decimal, percent, date, day int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	timeFmt, dayFmt := timeFormat, dayFormat
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"EEF1F4"}, Pattern: 1},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		// Text is "@": a cell typed into an exported sheet stays as typed too. It wraps at the cap.
		{&s.text, excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.count, excelize.Style{NumFmt: 3}},    // #,##0
		{&s.decimal, excelize.Style{NumFmt: 4}},  // #,##0.00
		{&s.percent, excelize.Style{NumFmt: 10}}, // 0.00%
		{&s.date, excelize.Style{CustomNumFmt: &timeFmt}},
		{&s.day, excelize.Style{CustomNumFmt: &dayFmt}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.id = id
	}
	return s, nil
}

func (b Book) writeSheet(f *excelize.File, st styles, sh Sheet) error {
	name := sh.Name
	// Page setup and the fit-to-page flag go on the worksheet before the stream writer takes it.
	landscape, wide, tall, a4, fit := "landscape", 1, 0, 9, true
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall, Size: &a4}); err != nil {
		return err
	}
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(name, "'", "''"), titleRow, headerRow)}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	rows := make([][]any, len(sh.Rows))
	for r, row := range sh.Rows {
		rows[r] = make([]any, len(row))
		for c, v := range row {
			rows[r][c] = b.cell(st, v)
		}
	}
	for c, width := range widths(sh.Headers, sh.Rows) {
		if err := sw.SetColWidth(c+1, c+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: titleOf(sh.Title, b.AsOf)}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if len(sh.Headers) > 1 {
		last, _ := excelize.ColumnNumberToName(len(sh.Headers))
		if err := sw.MergeCell("A1", fmt.Sprintf("%s%d", last, titleRow)); err != nil {
			return err
		}
	}
	head := make([]any, len(sh.Headers))
	for i, h := range sh.Headers {
		head[i] = excelize.Cell{StyleID: st.head, Value: h}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", headerRow), head); err != nil {
		return err
	}
	for r, row := range rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", headerRow+1+r), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell is a value as the stream writer takes it, with its format.
func (b Book) cell(st styles, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return excelize.Cell{StyleID: st.text, Value: x}
	case int:
		return excelize.Cell{StyleID: st.count, Value: x}
	case int64:
		return excelize.Cell{StyleID: st.count, Value: x}
	case float64:
		return excelize.Cell{StyleID: st.decimal, Value: x}
	case Percent:
		return excelize.Cell{StyleID: st.percent, Value: float64(x)}
	case Date:
		d := time.Time(x)
		return excelize.Cell{StyleID: st.day, Value: serial(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC))}
	case time.Time:
		return excelize.Cell{StyleID: st.date, Value: b.serial(x)}
	case *time.Time:
		if x == nil {
			return nil
		}
		return excelize.Cell{StyleID: st.date, Value: b.serial(*x)}
	}
	return excelize.Cell{StyleID: st.text, Value: fmt.Sprint(v)}
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts from March 1900 on.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t's wall clock in AsOf's zone as Excel's day number, a float the date format shows.
func (b Book) serial(t time.Time) float64 {
	s := t.In(b.AsOf.Location())
	return serial(time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), s.Second(), 0, time.UTC))
}

// serial is a wall clock (written as UTC) as Excel's day number.
func serial(wall time.Time) float64 { return wall.Sub(excelEpoch).Hours() / 24 }

// widths measures each column by its widest cell as shown (the header too, not the title, which
// spans them all): a CJK character takes two widths, the rest one, plus a margin, within
// [minWidth, maxWidth].
func widths(headers []string, rows [][]any) []float64 {
	out := make([]float64, len(headers))
	for c, h := range headers {
		out[c] = float64(displayWidth(h))
	}
	for _, row := range rows {
		for c, v := range row {
			if c < len(out) {
				out[c] = max(out[c], float64(displayWidth(shown(v))))
			}
		}
	}
	for c := range out {
		out[c] = min(max(out[c]+2, minWidth), maxWidth)
	}
	return out
}

// shown is a cell's text as its format shows it, for measuring.
func shown(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return grouped(int64(x))
	case int64:
		return grouped(x)
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case Percent:
		return strconv.FormatFloat(float64(x)*100, 'f', 2, 64) + "%"
	case *time.Time:
		if x == nil {
			return ""
		}
		return timeLayout
	case time.Time:
		return timeLayout
	case Date:
		return dayLayout
	}
	return fmt.Sprint(v)
}

// grouped writes n with thousands separators, as #,##0 shows it.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// displayWidth is the widest line of s, counting a wide (CJK, full-width) character as two.
func displayWidth(s string) int {
	widest := 0
	for _, line := range strings.Split(s, "\n") {
		w := 0
		for _, r := range line {
			if wideRune(r) {
				w += 2
			} else if r >= ' ' {
				w++
			}
		}
		widest = max(widest, w)
	}
	return widest
}

// wideRune reports the East Asian wide and full-width ranges a sheet's text uses.
func wideRune(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}
