package circulardoc_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc"
	"zhaocuo/models/circulardoc/doctest"
	"zhaocuo/models/storetest"
	"zhaocuo/models/xlsxsheet/sheettest"
)

// zhongshan drafts 中山市 2023 Q2 (seeds/002): three sites in the attachment.
func zhongshan(t *testing.T) *models.Circular {
	t.Helper()
	s := storetest.Open(t, storetest.NewClock("2023-07-31 10:00:00"))
	ctx := context.Background()
	if _, err := s.LoadRegistry(ctx, storetest.ZhongshanRegistry()); err != nil {
		t.Fatal(err)
	}
	zs, err := s.FindRegion(ctx, "中山市")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.DraftCircular(ctx, storetest.ZhongshanInspection(t, s), models.CircularRequest{Region: zs, Period: "2023Q2"})
	if err != nil {
		t.Fatal(err)
	}
	c.Text.DocNumber = "中府办函〔2023〕99号"
	return c
}

var wantRows = [][]string{
	{"序号", "网站名称", "主办单位", "存在的突出问题"},
	{"1", "中山市文化广电旅游局网站", "中山市文化广电旅游局", "出现严重表述错误被省府办通报"},
	{"2", "石岐街道办事处网站", "石岐街道办事处", "单项否决（一稿多发的弄虚作假行为）"},
	{"3", "火炬开发区网站", "火炬开发区管委会", "整改报告提交不及时、集约化平台信息发布管理不规范"},
}

// The DOCX read back: its document.xml holds the title, the body text, the 落款 and the attachment
// as a table with the header and the three sites; the page is A4 with the 公文 margins.
func TestDOCXReadBack(t *testing.T) {
	c := zhongshan(t)
	var buf bytes.Buffer
	if err := circulardoc.WriteDOCX(&buf, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(r)
		r.Close()
		dec := xml.NewDecoder(bytes.NewReader(parts[f.Name]))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("%s is not well-formed XML: %v", f.Name, err)
				break
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels",
		"word/settings.xml", "word/footer1.xml", "word/footer2.xml"} {
		if parts[name] == nil {
			t.Errorf("missing part %s", name)
		}
	}
	// Page numbers on the outside corners: a footer for odd pages and one for even pages, each with
	// a PAGE field between 一字线; the attachment table's header row repeats on every page.
	if !bytes.Contains(parts["word/settings.xml"], []byte("<w:evenAndOddHeaders/>")) {
		t.Error("settings do not set odd and even footers apart")
	}
	for name, side := range map[string]string{"word/footer1.xml": "right", "word/footer2.xml": "left"} {
		f := string(parts[name])
		if !strings.Contains(f, `w:instr=" PAGE "`) || !strings.Contains(f, `<w:jc w:val="`+side+`"/>`) || !strings.Contains(f, "— ") {
			t.Errorf("%s: %s", name, f)
		}
	}
	if !bytes.Contains(parts["word/document.xml"], []byte(`<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:tcW w:w="900" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableHead"/>`)) {
		t.Error("the attachment's header row does not repeat on every page")
	}
	var doc struct {
		Body struct {
			Paras  []wpara `xml:"p"`
			Tables []struct {
				Rows []struct {
					Cells []struct {
						Paras []wpara `xml:"p"`
					} `xml:"tc"`
				} `xml:"tr"`
			} `xml:"tbl"`
			Sect struct {
				Size struct {
					W string `xml:"w,attr"`
					H string `xml:"h,attr"`
				} `xml:"pgSz"`
				Margin struct {
					Top, Bottom, Left, Right string `xml:",attr"`
				} `xml:"pgMar"`
			} `xml:"sectPr"`
		} `xml:"body"`
	}
	if err := xml.Unmarshal(parts["word/document.xml"], &doc); err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, p := range doc.Body.Paras {
		text = append(text, p.text())
	}
	all := strings.Join(text, "\n")
	filled := c.Filled()
	for _, want := range []string{filled.Title, "中府办函〔2023〕99号", "一、总体情况", "二、存在问题", "三、下步要求", "2023年7月31日",
		"附件：检查发现存在突出问题的政府网站名单", "火炬开发区管委会", "（二）政务新媒体。"} {
		if !strings.Contains(all, want) {
			t.Errorf("document text lacks %q", want)
		}
	}
	if len(doc.Body.Tables) != 2 {
		t.Fatalf("%d tables, want the attachment and the 版记", len(doc.Body.Tables))
	}
	var rows [][]string
	for _, r := range doc.Body.Tables[0].Rows {
		var cells []string
		for _, c := range r.Cells {
			var s []string
			for _, p := range c.Paras {
				s = append(s, p.text())
			}
			cells = append(cells, strings.Join(s, ""))
		}
		rows = append(rows, cells)
	}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("table:\n got %q\nwant %q", rows, wantRows)
	}
	// Every style the document names is defined: Word and WPS fall back silently otherwise.
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`w:styleId="([^"]+)"`).FindAllStringSubmatch(string(parts["word/styles.xml"]), -1) {
		defined[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`<w:(?:p|r|tbl)Style w:val="([^"]+)"/>`).FindAllStringSubmatch(string(parts["word/document.xml"]), -1) {
		if !defined[m[1]] {
			t.Errorf("document.xml uses the undefined style %q", m[1])
		}
	}
	s := doc.Body.Sect
	if s.Size.W != "11906" || s.Size.H != "16838" {
		t.Errorf("page %s × %s twips, want A4", s.Size.W, s.Size.H)
	}
}

type wpara struct {
	Runs []struct {
		T []string `xml:"t"`
	} `xml:"r"`
}

func (p wpara) text() string {
	var b strings.Builder
	for _, r := range p.Runs {
		for _, t := range r.T {
			b.WriteString(t)
		}
	}
	return b.String()
}

// The XLSX holds the attachment with Chinese headers, one sheet for sites and one for accounts,
// each ready to print as every export is (xlsxsheet: title across the table with the time the
// figures were taken, headers frozen and repeated, columns fitted); printed by LibreOffice, each
// sheet is one landscape page with its title whole and every cell's text on it.
func TestXLSXHoldsTheAttachment(t *testing.T) {
	c := zhongshan(t)
	var buf bytes.Buffer
	if err := circulardoc.WriteXLSX(&buf, circulardoc.Layout(c), c.Figures.PeriodLabel, c.Figures.RefreshedAt); err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(buf.Bytes())
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"政府网站", "政务新媒体"}) {
		t.Errorf("sheets %v", got)
	}
	asOf := "（截至 " + c.Figures.RefreshedAt.In(models.Shanghai).Format("2006-01-02 15:04") + "）"
	sheettest.CheckPrintable(t, f, "政府网站", "检查发现存在突出问题的政府网站名单（2023年第二季度）"+asOf, 4)
	sheettest.CheckPrintable(t, f, "政务新媒体", "检查发现存在问题的政务新媒体名单（2023年第二季度）"+asOf, 4)
	rows, err := f.GetRows("政府网站")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 1 || !reflect.DeepEqual(rows[1:], wantRows) {
		t.Errorf("rows %q", rows)
	}
	accounts, _ := f.GetRows("政务新媒体")
	if len(accounts) != 2 || accounts[1][0] != "序号" {
		t.Errorf("accounts sheet: %q", accounts)
	}
	pages, sizes := doctest.PDFText(t, doctest.ToPDF(t, "annex.xlsx", data))
	if len(pages) != 2 {
		t.Errorf("the attachment prints on %d pages, want one per sheet", len(pages))
	}
	for i, size := range sizes {
		if size[0] < size[1] {
			t.Errorf("page %d is %.0f × %.0f pt: want it landscape", i+1, size[0], size[1])
		}
	}
	text := strings.Join(strings.Fields(strings.Join(pages, "")), "")
	for _, want := range append([]string{"检查发现存在突出问题的政府网站名单（2023年第二季度）" + strings.ReplaceAll(asOf, " ", "")}, wantRows[3]...) {
		if !strings.Contains(text, want) {
			t.Errorf("the printed attachment lacks %q:\n%s", want, strings.Join(pages, "\f"))
		}
	}
}

// The HTML is one page: issuer, 文号, title, the three sections with their headings, 落款 and
// date, and the attachment table; print CSS sets A4 and the 公文 margins.
func TestHTMLIsAGongwen(t *testing.T) {
	c := zhongshan(t)
	var buf bytes.Buffer
	if err := circulardoc.WriteHTML(&buf, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }") {
		t.Error("print CSS does not set A4 with the 公文 margins")
	}
	for _, rule := range []string{`@page :right { @bottom-right { content: "— " counter(page) " —";`, `@page :left { @bottom-left { content: "— " counter(page) " —";`} {
		if !strings.Contains(buf.String(), rule) {
			t.Errorf("print CSS lacks the page number %s", rule)
		}
	}
	d, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]string{
		".issuer": "中山市人民政府办公室", ".docno": "中府办函〔2023〕99号", ".sheet > h1": c.Filled().Title,
		".signature": "中山市人民政府办公室", ".date": "2023年7月31日",
		".colophon .printed": "中山市人民政府办公室2023年7月31日印发", ".sheet > :last-child": "中山市人民政府办公室2023年7月31日印发",
	} {
		if got := strings.TrimSpace(d.Find(sel).First().Text()); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	var headings []string
	d.Find("section > h2").Each(func(_ int, s *goquery.Selection) { headings = append(headings, s.Text()) })
	if !reflect.DeepEqual(headings, []string{"一、总体情况", "二、存在问题", "三、下步要求"}) {
		t.Errorf("headings %v", headings)
	}
	if lead := d.Find("section p .lead").First().Text(); lead != "（一）政府网站。" {
		t.Errorf("first run-in heading %q", lead)
	}
	var rows [][]string
	d.Find("table.websites tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("th, td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, td.Text()) })
		rows = append(rows, cells)
	})
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("attachment:\n got %q\nwant %q", rows, wantRows)
	}
}

// The DOCX opened in a real word processor (LibreOffice, which .ci/run installs) and printed to
// PDF: every page A4 and numbered "— N —" in turn, odd numbers on the right and even ones on the
// left; the text holds the title and the attachment's last site; the signature and the date share
// their page with text; the last page ends with the 版记.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	c := zhongshan(t)
	c.Text.CC = "市委办公室，市人大常委会办公室，市政协办公室。"
	c.Text.PrintOffice, c.Text.PrintDate = "中山市人民政府办公室", "2023-08-01"
	var buf bytes.Buffer
	if err := circulardoc.WriteDOCX(&buf, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	pdf := doctest.DOCXToPDF(t, buf.Bytes())
	pages := doctest.PDFPages(t, pdf)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the circular and its attachment", len(pages))
	}
	all := strings.Join(strings.Fields(strings.Join(pages, "")), "")
	for _, want := range append([]string{c.Filled().Title, "2023年7月31日"}, wantRows[3][1:3]...) {
		if !strings.Contains(all, want) {
			t.Errorf("LibreOffice's text lacks %q", want)
		}
	}
	doctest.CheckPages(t, pages, "中山市人民政府办公室", "2023年7月31日", []string{"抄送：市委办公室，市人大常委会办公室，市政协办公室。", "中山市人民政府办公室2023年8月1日印发"})
	doctest.CheckColophonAtFoot(t, pdf, "抄送：")
}

// moreRequirements is a paragraph of 下步要求 the tests add to move the text's end down the page.
const moreRequirements = "\n（四）举一反三。各单位要对照本次检查发现的问题，逐项整改到位，并举一反三全面自查。"

// printDOCX writes a circular's DOCX and prints it in LibreOffice.
func printDOCX(t *testing.T, c *models.Circular) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := circulardoc.WriteDOCX(&buf, circulardoc.Layout(c)); err != nil {
		t.Fatal(err)
	}
	return doctest.DOCXToPDF(t, buf.Bytes())
}

// However long the text, the signature and the date never stand alone on a page: 下步要求 grows a
// paragraph at a time across the point where, unkept, they would be pushed over (with Debian's
// Noto CJK fonts); the test checks that its window holds that point. The 版记 (印发机关 and date
// alone) stays at the foot of the last page throughout.
func TestDOCXKeepsTheSignatureWithText(t *testing.T) {
	var datePages []int
	for n := 7; n <= 10; n++ { // unkept, n = 8 leaves them alone
		c := zhongshan(t)
		c.Text.PrintOffice, c.Text.PrintDate = "中山市人民政府办公室", "2023-08-01"
		c.Text.Requirements += strings.Repeat(moreRequirements, n)
		pdf := printDOCX(t, c)
		pages := doctest.PDFPages(t, pdf)
		doctest.CheckPages(t, pages, "中山市人民政府办公室", "2023年7月31日", []string{"中山市人民政府办公室2023年8月1日印发"})
		doctest.CheckColophonAtFoot(t, pdf, "中山市人民政府办公室")
		for i, p := range pages {
			if strings.Contains(strings.ReplaceAll(p, " ", ""), "2023年7月31日\n") { // the date's line, not the 印发 line
				datePages = append(datePages, i+1)
				break
			}
		}
	}
	if len(datePages) != 4 || datePages[0] == datePages[3] {
		t.Errorf("the date is on pages %v as the text grows: the window does not cross a page break", datePages)
	}
}

// The 版记 sits at the foot of the last page (GB/T 9704-2012 7.4.1: its last rule on the 版心's
// bottom edge), with nothing between it and the text but blank space; when it no longer fits
// below the date it goes to the foot of a page of its own. 下步要求 grows across that point, in a
// circular without an attachment.
func TestDOCXPutsTheColophonAtTheFoot(t *testing.T) {
	var colophonPages []int
	for n := 5; n <= 8; n++ {
		c := zhongshan(t)
		c.Figures.WebsiteRows, c.Figures.AccountRows = nil, nil
		c.Text.CC = "市委办公室，市人大常委会办公室，市政协办公室。"
		c.Text.PrintOffice, c.Text.PrintDate = "中山市人民政府办公室", "2023-08-01"
		c.Text.Requirements += strings.Repeat(moreRequirements, n)
		pdf := printDOCX(t, c)
		pages := doctest.PDFPages(t, pdf)
		doctest.CheckPages(t, pages, "中山市人民政府办公室", "2023年7月31日", []string{"抄送：市委办公室，市人大常委会办公室，市政协办公室。", "中山市人民政府办公室2023年8月1日印发"})
		doctest.CheckColophonAtFoot(t, pdf, "抄送：")
		colophonPages = append(colophonPages, len(pages))
	}
	if colophonPages[0] == colophonPages[len(colophonPages)-1] {
		t.Errorf("the 版记 is on pages %v as the text grows: the window does not cross a page break", colophonPages)
	}
}
