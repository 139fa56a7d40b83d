// Package sheettest checks, for the tests of every export, that a sheet xlsxsheet wrote is ready
// to print.
package sheettest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// CheckPrintable fails t unless the sheet has the title row (title, across its columns), the
// headers in row 2 frozen and repeated on every printed page, landscape pages one wide, and
// every column at least as wide as its widest cell as shown (a CJK character counting two), up
// to the cap of 50.
func CheckPrintable(t testing.TB, f *excelize.File, sheet, title string, columns int) {
	t.Helper()
	if v, _ := f.GetCellValue(sheet, "A1"); v != title {
		t.Errorf("%s: the title row reads %q, want %q", sheet, v, title)
	}
	last, _ := excelize.ColumnNumberToName(columns)
	if columns > 1 {
		merged, _ := f.GetMergeCells(sheet)
		if len(merged) == 0 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != last+"1" {
			t.Errorf("%s: the title is not across A1:%s1: %v", sheet, last, merged)
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("%s: panes %+v (%v), want the first two rows frozen", sheet, panes, err)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet {
			found = strings.HasSuffix(d.RefersTo, "!$1:$2")
			if !found {
				t.Errorf("%s: print titles %q, want rows 1 and 2", sheet, d.RefersTo)
			}
		}
	}
	if !found {
		t.Errorf("%s: no print titles (_xlnm.Print_Titles): %+v", sheet, f.GetDefinedName())
	}
	page, err := f.GetPageLayout(sheet)
	if err != nil || page.Orientation == nil || *page.Orientation != "landscape" || page.FitToWidth == nil || *page.FitToWidth != 1 ||
		page.FitToHeight == nil || *page.FitToHeight != 0 {
		t.Errorf("%s: page layout %s (%v), want landscape, one page wide and as long as it takes", sheet, layout(page), err)
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("%s: the sheet is not set to fit its pages (%v)", sheet, err)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for c := range columns {
		col, _ := excelize.ColumnNumberToName(c + 1)
		width, _ := f.GetColWidth(sheet, col)
		widest, at := 0, ""
		for r, row := range rows[1:] {
			if c < len(row) {
				if w := DisplayWidth(row[c]); w > widest {
					widest, at = w, fmt.Sprintf("%s%d", col, r+2)
				}
			}
		}
		if width < float64(min(widest, 50)) {
			t.Errorf("%s: column %s is %v wide, narrower than %s (%d)", sheet, col, width, at, widest)
		}
	}
}

// DisplayWidth is the widest line of s with a non-ASCII character counted as two.
func DisplayWidth(s string) int {
	widest := 0
	for _, line := range strings.Split(s, "\n") {
		w := 0
		for _, r := range line {
			w++
			if r > 0x2E80 {
				w++
			}
		}
		widest = max(widest, w)
	}
	return widest
}

func layout(p excelize.PageLayoutOptions) string {
	s := ""
	if p.Orientation != nil {
		s += *p.Orientation
	}
	if p.FitToWidth != nil {
		s += fmt.Sprintf(" wide %d", *p.FitToWidth)
	}
	if p.FitToHeight != nil {
		s += fmt.Sprintf(" tall %d", *p.FitToHeight)
	}
	return s
}
