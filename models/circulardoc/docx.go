package circulardoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"zhaocuo/models"
)

// WriteDOCX writes the circular as a Word document (WordprocessingML, ISO/IEC 29500) with the
// standard library alone: A4 with the 公文 margins, styles for the issuer, title, body (仿宋_GB2312
// 3号, exact 28.95 pt lines: 22 lines a page), headings (黑体) and run-in headings (楷体_GB2312),
// and the attachment as real tables, so WPS and Word open it ready to edit.
func WriteDOCX(w io.Writer, d Doc) error {
	var body bytes.Buffer
	b := &docxBody{&body}
	b.para("Issuer", "", d.Issuer)
	if d.DocNumber != "" {
		b.para("DocNumber", "", d.DocNumber)
	}
	b.raw(`<w:p><w:pPr><w:pStyle w:val="RedLine"/></w:pPr></w:p>`)
	b.para("Title", "", d.Title)
	b.para("Recipients", "", d.Recipients)
	intro := d.Intro
	if g := d.Grid; g != nil {
		if intro != "" {
			b.para("", "", intro)
			intro = ""
		}
		widths := make([]int, len(g.Widths))
		for i, w := range g.Widths {
			widths[i] = textWidth * w / 1000
		}
		var rows [][]string
		for _, r := range g.Rows {
			if r.Heading != "" {
				rows = append(rows, []string{r.Heading})
			} else {
				rows = append(rows, r.Cells)
			}
		}
		b.table(widths, g.Header, rows, false)
	}
	// The body's paragraphs, gathered first so that the last of them can be kept with the
	// signature and the date: those never stand alone on a page (GB/T 9704-2012 7.3.5).
	type p struct{ style, lead, text string }
	var text []p
	if intro != "" {
		text = append(text, p{"", "", intro})
	}
	for _, s := range d.Sections {
		text = append(text, p{"Heading1", "", s.Heading})
		for _, para := range s.Paras {
			text = append(text, p{"", para.Lead, para.Text})
		}
	}
	if d.Closing != "" {
		text = append(text, p{"", "", d.Closing})
	}
	if a := d.Attachment; a != nil {
		text = append(text, p{"AnnexNote", "", "附件：" + a.Title})
	}
	// The last paragraph of body text goes to the signature's page with its last lines at least
	// (keepNext; widow control keeps two), the 附件说明 after it whole (keepLines too); the 署名
	// and the date are one paragraph of two lines, never split: LibreOffice drops a keepNext
	// between them when the chain of kept paragraphs outgrows a page.
	last := len(text) - 1
	for last > 0 && text[last].style != "" {
		last--
	}
	for i, t := range text {
		switch {
		case i == last:
			b.paraWith(t.style, `<w:keepNext/>`, t.lead, t.text)
		case i > last:
			b.paraWith(t.style, `<w:keepNext/><w:keepLines/>`, t.lead, t.text)
		default:
			b.para(t.style, t.lead, t.text)
		}
	}
	b.raw(`<w:p><w:pPr><w:pStyle w:val="Signature"/><w:keepLines/></w:pPr><w:r><w:t xml:space="preserve">` + esc(d.Issuer) +
		`</w:t><w:br/><w:t xml:space="preserve">` + esc(d.Date) + `</w:t></w:r></w:p>`)
	if a := d.Attachment; a != nil {
		// The 附件 starts a page of its own (pageBreakBefore in its style): a break of its own
		// paragraph would leave an empty page when the date ends a page.
		b.para("AnnexLabel", "", "附件")
		b.para("Title", "", a.Title)
		b.para("Centered", "", a.Period)
		both := len(a.Websites) > 0 && len(a.Accounts) > 0
		if len(a.Websites) > 0 {
			if both {
				b.para("Heading1", "", "一、政府网站")
			}
			b.table(annexWidths, WebsiteHeader, cells(a.Websites), true)
		}
		if len(a.Accounts) > 0 {
			if both {
				b.para("Heading1", "", "二、政务新媒体")
			}
			b.table(annexWidths, AccountHeader, cells(a.Accounts), true)
		}
	}
	if c := d.Colophon; c != nil {
		b.colophon(c)
	}
	// A4, margins 37 / 35 / 28 / 26 mm in twentieths of a point; the page number's line 7 mm below
	// the 版心 (footer 35 − 7 − 5 mm of the 4号 line from the edge); odd pages' number on the right,
	// even pages' on the left (settings: evenAndOddHeaders).
	b.raw(`<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="1304" w:gutter="0"/><w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="0"/></w:sectPr>`)

	document := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` +
		body.String() + `</w:body></w:document>`
	core := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(d.Title) + `</dc:title><dc:creator>` + esc(d.Issuer) + `</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + time.Now().UTC().Format(time.RFC3339) + `</dcterms:created></cp:coreProperties>`

	var out bytes.Buffer
	z := zip.NewWriter(&out)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes}, {"_rels/.rels", packageRels}, {"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", document}, {"word/styles.xml", styles}, {"docProps/core.xml", core},
		{"word/settings.xml", settings}, {"word/footer1.xml", pageNumber("right")}, {"word/footer2.xml", pageNumber("left")},
	} {
		fw, err := z.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	_, err := out.WriteTo(w)
	return err
}

type docxBody struct{ *bytes.Buffer }

func (b *docxBody) raw(s string) { b.WriteString(s) }

// para writes a paragraph of a style ("" is the body text), with an optional run-in heading.
func (b *docxBody) para(style, lead, text string) { b.paraWith(style, "", lead, text) }

// paraWith is para with more paragraph properties (keepNext, …), which follow the style.
func (b *docxBody) paraWith(style, props, lead, text string) {
	b.WriteString("<w:p>")
	if style != "" || props != "" {
		b.WriteString(`<w:pPr>`)
		if style != "" {
			b.WriteString(`<w:pStyle w:val="` + style + `"/>`)
		}
		b.WriteString(props + `</w:pPr>`)
	}
	if lead != "" {
		b.WriteString(`<w:r><w:rPr><w:rStyle w:val="Lead"/></w:rPr><w:t xml:space="preserve">` + esc(lead) + `</w:t></w:r>`)
	}
	if text != "" {
		b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`)
	}
	b.WriteString("</w:p>")
}

// annexWidths are the attachment tables' columns, 156 mm of 版心 in twips.
var annexWidths = []int{900, 2600, 2400, 2945}

func cells(rows []models.AttachmentRow) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = Cells(r)
	}
	return out
}

// table writes a table: a header row repeated on every page, no row split across two pages, a
// border on every cell; a row of one cell spans the table, a heading in 黑体. centerFirst centres
// the first column (序号) and the cells' text in their height; otherwise (a form) the cells'
// text starts at their top.
func (b *docxBody) table(widths []int, header []string, rows [][]string, centerFirst bool) {
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="AnnexTable"/><w:tblW w:w="8845" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(w) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	// A form's label and value start on one line, however many lines either takes.
	align := "center"
	if !centerFirst {
		align = "top"
	}
	row := func(cells []string, head bool) {
		b.WriteString("<w:tr><w:trPr><w:cantSplit/>")
		if head {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString("</w:trPr>")
		if len(cells) == 1 && len(widths) > 1 {
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="8845" w:type="dxa"/><w:gridSpan w:val="` + strconv.Itoa(len(widths)) + `"/><w:vAlign w:val="center"/></w:tcPr>`)
			b.para("TableGroup", "", cells[0])
			b.WriteString("</w:tc></w:tr>")
			return
		}
		for i, c := range cells {
			style := "TableText"
			if head {
				style = "TableHead"
			} else if i == 0 && centerFirst {
				style = "TableCenter"
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(widths[i]) + `" w:type="dxa"/><w:vAlign w:val="` + align + `"/></w:tcPr>`)
			b.para(style, "", c)
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	row(header, true)
	for _, r := range rows {
		row(r, false)
	}
	b.WriteString("</w:tbl>")
}

// The 版记's width (the 版心's) and 1 字 of its 4号 type, in twentieths of a point.
const (
	textWidth = 8845
	char4     = 280
)

// colophon writes the 版记 (GB/T 9704-2012 7.4) at the foot of the last page: 抄送 (wrapped lines
// under the first name) and the 印发 line, 印发机关 1 字 from the left and 印发日期 1 字 from the
// right, between full-width rules: the first and the last 0.35 mm (1 pt), the one between them
// 0.25 mm (¾ pt), the last on the 版心's bottom edge (7.4.1). It is a floating table anchored
// to the bottom of the 版心 by the empty paragraph after it, text kept off it (tblOverlap never,
// a line's space above): when it does not fit below the date, the anchor and the 版记 go to the
// foot of the next page. It is placed from the page's left edge, not the margin's: LibreOffice
// imports a floating table as a frame only when text could stand beside it, and the 版心-wide
// table placed from the margin would come in as an ordinary table after the text.
func (b *docxBody) colophon(c *Colophon) {
	border := func(side string, sz int) string {
		return `<w:` + side + ` w:val="single" w:sz="` + strconv.Itoa(sz) + `" w:space="0" w:color="000000"/>`
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="579" w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="1588" w:tblpYSpec="bottom"/><w:tblOverlap w:val="never"/>` +
		`<w:tblW w:w="` + strconv.Itoa(textWidth) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>` +
		`<w:tblGrid><w:gridCol w:w="` + strconv.Itoa(textWidth) + `"/></w:tblGrid>`)
	row := func(borders, para string) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(textWidth) + `" w:type="dxa"/><w:tcBorders>` + borders + `</w:tcBorders></w:tcPr>` + para + `</w:tc></w:tr>`)
	}
	top := border("top", 8)
	if c.CC != "" {
		row(top+border("bottom", 6), `<w:p><w:pPr><w:pStyle w:val="Colophon"/><w:ind w:left="`+strconv.Itoa(4*char4)+`" w:right="`+strconv.Itoa(char4)+`" w:hanging="`+strconv.Itoa(3*char4)+`"/></w:pPr>`+
			`<w:r><w:t xml:space="preserve">`+esc(c.CC)+`</w:t></w:r></w:p>`)
		top = ""
	}
	row(top+border("bottom", 8), `<w:p><w:pPr><w:pStyle w:val="Colophon"/><w:tabs><w:tab w:val="right" w:pos="`+strconv.Itoa(textWidth-char4)+`"/></w:tabs>`+
		`<w:ind w:left="`+strconv.Itoa(char4)+`" w:right="`+strconv.Itoa(char4)+`"/></w:pPr>`+
		`<w:r><w:t xml:space="preserve">`+esc(c.Office)+`</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">`+esc(c.Date)+`</w:t></w:r></w:p>`)
	b.WriteString(`</w:tbl><w:p><w:pPr><w:pStyle w:val="Colophon"/><w:spacing w:line="20" w:lineRule="exact"/></w:pPr></w:p>`)
}

// pageNumber is a footer with the page number as GB/T 9704-2012 7.5 sets it: "— 1 —" in 4号
// 宋体 with half-width digits, 1 字 in from the outside edge (side: right for odd pages, left for
// even ones).
func pageNumber(side string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="PageNumber"/>` +
		`<w:ind w:` + side + `="` + strconv.Itoa(char4) + `"/><w:jc w:val="` + side + `"/></w:pPr>` +
		`<w:r><w:t xml:space="preserve">— </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>`

// settings: odd and even pages have footers of their own, for the page number on the outside.
const settings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/></w:settings>`

// styles: sizes in half points (2号 = 44, 3号 = 32, 小四 = 24), exact line spacing in twentieths
// of a point (28.95 pt = 579). The body keeps to the page's grid of 22 lines; the head, the title,
// the tables, the 版记 and the page number keep their own spacing (snapToGrid off), which LibreOffice
// would otherwise round up to whole grid lines, the 2号 title's each to two.
const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:cs="仿宋_GB2312"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Issuer"><w:name w:val="发文机关标志"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:color w:val="C00000"/><w:sz w:val="52"/><w:szCs w:val="52"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="DocNumber"><w:name w:val="发文字号"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="280"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="RedLine"><w:name w:val="分隔线"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="C00000"/></w:pBdr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="579" w:after="579" w:line="660" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Recipients"><w:name w:val="主送机关"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Lead"><w:name w:val="楷体小标题"/><w:rPr><w:rFonts w:ascii="楷体_GB2312" w:eastAsia="楷体_GB2312" w:hAnsi="楷体_GB2312"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="AnnexNote"><w:name w:val="附件说明"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="579"/><w:ind w:left="1600" w:hanging="960" w:firstLineChars="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="落款"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:right="1280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="AnnexLabel"><w:name w:val="附件标识"/><w:basedOn w:val="Normal"/><w:pPr><w:pageBreakBefore/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Centered"><w:name w:val="居中"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="表格文字"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="360" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableCenter"><w:name w:val="表格居中"/><w:basedOn w:val="TableText"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableHead"><w:name w:val="表头"/><w:basedOn w:val="TableCenter"/><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableGroup"><w:name w:val="表内标题"/><w:basedOn w:val="TableText"/><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Colophon"><w:name w:val="版记"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="PageNumber"><w:name w:val="页码"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="AnnexTable"><w:name w:val="附件表格"/><w:tblPr><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>`
