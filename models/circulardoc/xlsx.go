package circulardoc

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
)

// WriteXLSX writes the attachment tables, one sheet each (政府网站, 政务新媒体), with a title row,
// the Chinese headers, and the rows. A circular without findings still gets both sheets, empty
// below the headers, so a reader sees there was nothing to list.
func WriteXLSX(w io.Writer, d Doc, periodLabel string) error {
	f := excelize.NewFile()
	defer f.Close()
	var websites, accounts []models.AttachmentRow
	if d.Attachment != nil {
		websites, accounts = d.Attachment.Websites, d.Attachment.Accounts
	}
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	cell, _ := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	for i, sh := range []struct {
		name, title string
		header      []string
		rows        []models.AttachmentRow
	}{
		{"政府网站", "检查发现存在突出问题的政府网站名单（" + periodLabel + "）", WebsiteHeader, websites},
		{"政务新媒体", "检查发现存在问题的政务新媒体名单（" + periodLabel + "）", AccountHeader, accounts},
	} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		f.MergeCell(sh.name, "A1", "D1")
		f.SetCellValue(sh.name, "A1", sh.title)
		f.SetCellStyle(sh.name, "A1", "D1", title)
		f.SetSheetRow(sh.name, "A2", &sh.header)
		f.SetCellStyle(sh.name, "A2", "D2", head)
		for r, row := range sh.rows {
			at, _ := excelize.CoordinatesToCellName(1, r+3)
			values := []any{row.No, row.Name, row.Unit, row.Problems}
			f.SetSheetRow(sh.name, at, &values)
			end, _ := excelize.CoordinatesToCellName(4, r+3)
			f.SetCellStyle(sh.name, at, end, cell)
		}
		f.SetColWidth(sh.name, "A", "A", 6)
		f.SetColWidth(sh.name, "B", "C", 30)
		f.SetColWidth(sh.name, "D", "D", 50)
		f.SetPanes(sh.name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
		// Printed, the title and the header row head every page (print titles), on A4.
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh.name + "'!$1:$2", Scope: sh.name}); err != nil {
			return err
		}
		size := 9 // A4
		if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &size}); err != nil {
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
