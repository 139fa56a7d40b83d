// Package circulardoc writes a circular (通报) as a 公文: HTML for the screen and for print in the
// layout of GB/T 9704, DOCX for further editing in WPS or Word, XLSX for its attachment tables.
// All three are written from one Doc, so they say the same.
package circulardoc

import (
	"strconv"
	"strings"

	"zhaocuo/models"
)

// Doc is a circular laid out: the filled text split into headed sections and paragraphs.
type Doc struct {
	Issuer     string
	DocNumber  string
	Title      string
	Recipients string
	Intro      string
	Sections   []Section
	Closing    string
	Date       string // 2025年3月25日
	Attachment *Attachment
	Colophon   *Colophon // nil: no 印发机关, no 版记
	Grid       *Grid     // a form after the intro (an annual report's items), nil in a circular
}

// Grid is a form laid out as a table, as the published 表格 are: a header row repeated on every
// printed page, then rows of cells, or a heading spanning the table (a group of the form's items).
type Grid struct {
	Header []string
	Widths []int // each column's share of the 版心's width, in per mille
	Rows   []GridRow
}

// GridRow is a row of cells, or a heading row when Heading is set.
type GridRow struct {
	Heading string
	Cells   []string
}

// Colophon is the 版记 (GB/T 9704-2012 7.4) at the foot of the last page: 抄送机关 when any, and
// the 印发机关 with the 印发日期, between full-width lines.
type Colophon struct {
	CC     string // 抄送：…。 ("" when none)
	Office string
	Date   string // 2025年3月26日印发
}

// Section is one of 一、总体情况, 二、存在问题, 三、下步要求.
type Section struct {
	Heading string
	Paras   []Para
}

// Para is a paragraph; Lead is its run-in heading ("（一）政府网站。"), set in 楷体.
type Para struct{ Lead, Text string }

// Attachment is the 附件: the sites and accounts with outstanding problems.
type Attachment struct {
	Title    string // 检查发现存在突出问题的政府网站和政务新媒体名单
	Period   string // （2025年第一季度）
	Websites []models.AttachmentRow
	Accounts []models.AttachmentRow
}

// Headers of the attachment tables.
var (
	WebsiteHeader = []string{"序号", "网站名称", "主办单位", "存在的突出问题"}
	AccountHeader = []string{"序号", "账号名称", "开办主体", "存在的突出问题"}
)

// Layout lays out a circular, its placeholders filled.
func Layout(c *models.Circular) Doc {
	t := c.Filled()
	d := Doc{Issuer: t.Issuer, DocNumber: t.DocNumber, Title: t.Title, Recipients: t.Recipients, Intro: t.Intro,
		Closing: t.Closing, Date: models.ChineseDate(t.IssueDate)}
	if t.PrintOffice != "" {
		d.Colophon = &Colophon{Office: t.PrintOffice, Date: models.ChineseDate(t.PrintDate) + "印发"}
		if cc := strings.TrimRight(strings.TrimPrefix(strings.TrimSpace(t.CC), "抄送："), "。"); cc != "" {
			d.Colophon.CC = "抄送：" + cc + "。"
		}
	}
	d.Sections = []Section{
		{Heading: "一、总体情况", Paras: paras(t.Overview)},
		{Heading: "二、存在问题", Paras: paras(t.Problems)},
		{Heading: "三、下步要求", Paras: paras(t.Requirements)},
	}
	f := c.Figures
	if len(f.WebsiteRows)+len(f.AccountRows) > 0 {
		title := "检查发现存在突出问题的政府网站和政务新媒体名单"
		switch {
		case len(f.AccountRows) == 0:
			title = "检查发现存在突出问题的政府网站名单"
		case len(f.WebsiteRows) == 0:
			title = "检查发现存在突出问题的政务新媒体名单"
		}
		d.Attachment = &Attachment{Title: title, Period: "（" + f.PeriodLabel + "）", Websites: f.WebsiteRows, Accounts: f.AccountRows}
	}
	return d
}

// paras splits a section's text into paragraphs, each with its run-in heading when it opens with
// one: "（一）政府网站。" up to the first full stop.
func paras(text string) []Para {
	var out []Para
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		p := Para{Text: line}
		if strings.HasPrefix(line, "（") {
			if i := strings.Index(line, "。"); i > 0 && i < 120 && strings.Contains(line[:i], "）") {
				p.Lead, p.Text = line[:i+len("。")], line[i+len("。"):]
			}
		}
		out = append(out, p)
	}
	return out
}

// Cells are an attachment row's cells, in header order.
func Cells(r models.AttachmentRow) []string {
	return []string{strconv.Itoa(r.No), r.Name, r.Unit, r.Problems}
}
