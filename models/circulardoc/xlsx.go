package circulardoc

import (
	"io"
	"time"

	"zhaocuo/models"
	"zhaocuo/models/xlsxsheet"
)

// WriteXLSX writes the attachment tables through the one workbook writer every export uses
// (xlsxsheet: title row across the table ending "截至" asOf, the headers frozen and repeated on
// every printed page, columns fitted, landscape one page wide), one sheet each (政府网站, 政务新媒体).
// asOf is when the circular's figures were taken. A circular without findings still gets both
// sheets, empty below the headers, so a reader sees there was nothing to list.
func WriteXLSX(w io.Writer, d Doc, periodLabel string, asOf time.Time) error {
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
	return xlsxsheet.Book{AsOf: asOf.In(models.Shanghai), Sheets: []xlsxsheet.Sheet{
		{Name: "政府网站", Title: "检查发现存在突出问题的政府网站名单（" + periodLabel + "）", Headers: WebsiteHeader, Rows: rows(websites)},
		{Name: "政务新媒体", Title: "检查发现存在问题的政务新媒体名单（" + periodLabel + "）", Headers: AccountHeader, Rows: rows(accounts)},
	}}.Write(w)
}
