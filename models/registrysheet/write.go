package registrysheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"zhaocuo/models/xlsxsheet"
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

// WriteXLSX writes the book as one workbook through xlsxsheet, a sheet per kind named as
// Kind.Title, each titled "title Kind.Title" and the time asOf (in the zone the clerks read). Its
// cells are text (a 标识码 or 区划代码 must not become a number), but for the days of the
// columns Parse reads as dates, which are Excel dates. An empty book writes the template: the
// headers alone. Parse skips the title row that heads each sheet.
func WriteXLSX(w io.Writer, b *Book, title string, asOf time.Time) error {
	book := xlsxsheet.Book{AsOf: asOf}
	for _, k := range Kinds {
		hs := Headers(k)
		sh := xlsxsheet.Sheet{Name: k.Title(), Title: strings.TrimSpace(title + " " + k.Title()), Headers: hs}
		for _, row := range b.Cells(k) {
			cells := make([]any, len(row))
			for i, v := range row {
				cells[i] = v
				if d, err := time.Parse(time.DateOnly, v); err == nil && strings.HasSuffix(hs[i], "日期") {
					cells[i] = xlsxsheet.Date(d)
				}
			}
			sh.Rows = append(sh.Rows, cells)
		}
		book.Sheets = append(book.Sheets, sh)
	}
	return book.Write(w)
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
