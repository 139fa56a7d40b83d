package registrysheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Cells returns a kind's rows of the book as an export writes them, in Headers' order.
func (b *Book) Cells(k Kind) [][]string {
	var out [][]string
	switch k {
	case Regions:
		for _, r := range b.Regions {
			out = append(out, []string{r.Code, r.Name, r.ShortName, r.ParentCode})
		}
	case Units:
		for _, r := range b.Units {
			out = append(out, []string{r.Name, r.Code, r.RegionCode, label(unitKinds, r.Kind), label(unitStatuses, r.Status)})
		}
	case Websites:
		for _, r := range b.Websites {
			out = append(out, []string{r.Name, r.IdentifierCode, r.HomeURL, strings.Join(r.OtherURLs, "\n"), label(siteKinds, r.Kind),
				r.Unit, r.SupervisorUnit, label(siteStatuses, r.Status)})
		}
	case Accounts:
		for _, r := range b.Accounts {
			out = append(out, []string{label(platforms, r.Platform), r.Name, r.Account, r.Unit, label(accountStatuses, r.Status),
				r.OpenedOn, r.ChangedOn, r.SuspendedOn, r.CancelledOn})
		}
	case Users:
		for _, r := range b.Users {
			out = append(out, []string{r.Username, r.DisplayName, label(roles, r.Role), r.Unit, r.RegionCode, r.Phone, r.Email})
		}
	}
	return out
}

// WriteXLSX writes the book as one workbook, a sheet per kind named as Kind.Title; every cell is
// text (a 标识码 or 区划代码 must not become a number, a date cell stays as written). An empty
// book writes the template: the headers alone.
func WriteXLSX(w io.Writer, b *Book) error {
	f := excelize.NewFile()
	defer f.Close()
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"EEF1F4"}, Pattern: 1}})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": typed codes stay text
	for i, k := range Kinds {
		name := k.Title()
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		// The stream writer takes the panes and widths before the first row.
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		hs := Headers(k)
		for j := range hs {
			if err := sw.SetColWidth(j+1, j+1, 18); err != nil {
				return err
			}
		}
		if err := sw.SetRow("A1", cellsOf(hs, head), excelize.RowOpts{}); err != nil {
			return err
		}
		for r, row := range b.Cells(k) {
			at, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(at, cellsOf(row, text)); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func cellsOf(vals []string, style int) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return out
}

// WriteCSV writes one kind's rows as CSV: UTF-8 with a BOM (Excel on a Chinese Windows reads a
// file without one as GBK), and a cell a spreadsheet would take for a formula led by an
// apostrophe, which Parse takes off again.
func WriteCSV(w io.Writer, b *Book, k Kind) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.Write(Headers(k)); err != nil {
		return err
	}
	for _, row := range b.Cells(k) {
		for i, v := range row {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				row[i] = "'" + v
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// KindOf reads a kind's name as a URL names it ("websites"), or false.
func KindOf(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}
