package inspector

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// stubPDF is a whole PDF with nothing personal in it: the attachment the farm's sites link to.
// A file that is only "%PDF-1.4" is a broken attachment, and a note.
var stubPDF = string(makePDF(false, "Annex"))

// makePDF writes a PDF of one page per text, in Helvetica, with a correct xref table. When
// deflate is set the content streams are compressed.
func makePDF(deflate bool, texts ...string) []byte {
	var objs []string
	kids := ""
	for i := range texts {
		kids += fmt.Sprintf("%d 0 R ", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(texts)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i, t := range texts {
		content := "BT /F1 12 Tf 72 720 Td (" + t + ") Tj ET"
		stream := fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
		if deflate {
			var b bytes.Buffer
			w := zlib.NewWriter(&b)
			w.Write([]byte(content))
			w.Close()
			stream = fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", b.Len(), b.String())
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i),
			stream)
	}
	return assemblePDF(objs)
}

func assemblePDF(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// makeZip writes the named parts into a zip.
func makeZip(parts map[string][]byte) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, data := range parts {
		f, _ := w.Create(name)
		f.Write(data)
	}
	w.Close()
	return b.Bytes()
}

// makeDOCX writes a DOCX whose body is a paragraph and a table of rows.
func makeDOCX(para string, rows [][]string) []byte {
	var body strings.Builder
	body.WriteString(`<w:p><w:r><w:t>` + para + `</w:t></w:r></w:p><w:tbl>`)
	for _, row := range rows {
		body.WriteString("<w:tr>")
		for _, c := range row {
			body.WriteString(`<w:tc><w:p><w:r><w:t>` + c + `</w:t></w:r></w:p></w:tc>`)
		}
		body.WriteString("</w:tr>")
	}
	body.WriteString("</w:tbl>")
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() + `</w:body></w:document>`
	return makeZip(map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"word/document.xml":   []byte(doc),
	})
}

func makeXLSX(rows [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		for j, c := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, c)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		panic(err)
	}
	return b.Bytes()
}

func readWithin(t *testing.T, data []byte) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), attachmentTimeLimit)
	defer cancel()
	return readAttachment(ctx, data, func() {})
}

func TestReadAttachments(t *testing.T) {
	id := madeUpID("510104", "19900307", 123)
	cases := []struct {
		name string
		data []byte
	}{
		{"pdf", makePDF(false, "Cover", "Name Zhang San ID "+id+" tel 13912345678")},
		{"pdf deflated", makePDF(true, "Cover", "Name Zhang San ID "+id+" tel 13912345678")},
		{"docx", makeDOCX("名单", [][]string{{"张三", id, "13912345678"}})},
		{"xlsx", makeXLSX([][]string{{"姓名", "身份证号", "手机号"}, {"张三", id, "13912345678"}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, err := readWithin(t, c.data)
			if err != nil {
				t.Fatal(err)
			}
			s := scanPersonal(text, personalNow)
			if s == nil || s.summary() != "身份证号1个、手机号1个" {
				t.Errorf("text %q: scan %+v", text, s)
			}
		})
	}
}

// zipBomb is a zip part of n bytes of zeros: it deflates to about a thousandth.
func zipBomb(name string, n int) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create(name)
	zeros := make([]byte, 1<<20)
	for i := 0; i < n>>20; i++ {
		f.Write(zeros)
	}
	w.Close()
	return b.Bytes()
}

func TestHostileAttachments(t *testing.T) {
	good := makePDF(false, "ID 13912345678")
	var deepPDF bytes.Buffer
	deepPDF.WriteString("%PDF-1.4\n1 0 obj\n")
	deepPDF.WriteString(strings.Repeat("[", 100000))
	deepPDF.WriteString("\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	var bomb bytes.Buffer
	zw := zlib.NewWriter(&bomb)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	bombPDF := assemblePDF([]string{"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", bomb.Len(), bomb.String())})
	loopPDF := assemblePDF([]string{"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000 >>",
		"<< /Type /Pages /Kids [2 0 R] /Count 5 >>"})
	hugeLength := assemblePDF([]string{"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
		"<< /Length 99999999999 >>\nstream\nBT (x) Tj ET\nendstream"})
	cases := []struct {
		name string
		data []byte
		want string // in the error; "" when any error or none will do, as long as it returns
	}{
		{"truncated pdf", good[:len(good)/2], "PDF结构错误"},
		{"deeply nested pdf", deepPDF.Bytes(), "嵌套"},
		{"flate bomb pdf", bombPDF, "解压后超过"},
		{"page tree loop", loopPDF, ""},
		{"huge declared length", hugeLength, ""},
		{"docx zip bomb", zipBomb("word/document.xml", 200<<20), "解压后超过"},
		{"xlsx zip bomb", zipBomb("xl/workbook.xml", 200<<20), "解压后超过"},
		{"broken zip", []byte("PK\x03\x04garbage"), "压缩格式损坏"},
		{"docx broken xml", makeZip(map[string][]byte{"word/document.xml": []byte("<w:document><w:body><w:p>")}), "正文XML格式错误"},
		{"old doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "旧版DOC/XLS格式"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := readWithin(t, c.data)
			if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			t.Logf("%s: %v in %v", c.name, err, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestSheetRowsBounded: a spreadsheet is read up to maxSheetRows rows, the rest left.
func TestSheetRowsBounded(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= maxSheetRows+100; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{fmt.Sprintf("row%d", i)})
	}
	sw.Flush()
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	text, err := readWithin(t, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text, "\n"); n != maxSheetRows || !strings.Contains(text, fmt.Sprintf("row%d\n", maxSheetRows)) {
		t.Errorf("read %d rows, want %d", n, maxSheetRows)
	}
}
