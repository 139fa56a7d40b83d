package circulardoc

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
)

// Sheet is one table of a workbook: a title row across it, the Chinese headers, the rows, and
// each column's width in characters.
type Sheet struct {
	Name   string
	Title  string
	Header []string
	Rows   [][]any
	Widths []float64
}

// WriteXLSX writes the attachment tables, one sheet each (政府网站, 政务新媒体), with a title row,
// the Chinese headers, and the rows. A circular without findings still gets both sheets, empty
// below the headers, so a reader sees there was nothing to list.
func WriteXLSX(w io.Writer, d Doc, periodLabel string) error {
	var websites, accounts []models.AttachmentRow
	if d.Attachment != nil {
		websites, accounts = d.Attachment.Websites, d.Attachment.Accounts
	}
	rows := func(list []models.AttachmentRow) [][]any {
		out := make([][]any, len(list))
		for i, row := range list {
			out[i] = []any{row.No, row.Name, row.Unit, row.Problems}
		}
		return out
	}
	widths := []float64{6, 30, 30, 50}
	return WriteSheets(w, []Sheet{
		{Name: "政府网站", Title: "检查发现存在突出问题的政府网站名单（" + periodLabel + "）", Header: WebsiteHeader, Rows: rows(websites), Widths: widths},
		{Name: "政务新媒体", Title: "检查发现存在问题的政务新媒体名单（" + periodLabel + "）", Header: AccountHeader, Rows: rows(accounts), Widths: widths},
	})
}

// WriteSheets writes a workbook of tables, in the circulars' style: bold centred title and
// headers, bordered wrapping cells, the headers frozen.
func WriteSheets(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	cell, _ := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(sh.Header))
		f.MergeCell(sh.Name, "A1", last+"1")
		f.SetCellValue(sh.Name, "A1", sh.Title)
		f.SetCellStyle(sh.Name, "A1", last+"1", title)
		f.SetSheetRow(sh.Name, "A2", &sh.Header)
		f.SetCellStyle(sh.Name, "A2", last+"2", head)
		for r, row := range sh.Rows {
			at, _ := excelize.CoordinatesToCellName(1, r+3)
			f.SetSheetRow(sh.Name, at, &row)
			end, _ := excelize.CoordinatesToCellName(len(sh.Header), r+3)
			f.SetCellStyle(sh.Name, at, end, cell)
		}
		for c, width := range sh.Widths {
			col, _ := excelize.ColumnNumberToName(c + 1)
			f.SetColWidth(sh.Name, col, col, width)
		}
		f.SetPanes(sh.Name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
		// Printed, the title and the header row head every page (print titles), on A4.
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh.Name + "'!$1:$2", Scope: sh.Name}); err != nil {
			return err
		}
		size := 9 // A4
		if err := f.SetPageLayout(sh.Name, &excelize.PageLayoutOptions{Size: &size}); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
