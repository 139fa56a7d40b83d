package inspector

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"
)

// The readers of attachments: each returns the text of one file held in memory, bounded by
// the limits of attachments.go, and stops when ctx is done. They run under readAttachment,
// which recovers a panic and stops waiting at the time limit.

// readDOCX reads the text runs of word/document.xml: paragraphs end a line, table cells
// are separated by tabs, so a row of a 公示名单 stays one line.
func readDOCX(ctx context.Context, zr *zip.Reader) (string, error) {
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return "", errors.New("缺少正文部件")
	}
	defer f.Close()
	dec := xml.NewDecoder(io.LimitReader(f, maxAttachmentUnzipped))
	var text limitedText
	inText, cells := false, 0
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		tok, err := dec.Token()
		if err == io.EOF {
			return text.String(), nil
		}
		if err != nil {
			return "", errors.New("正文XML格式错误")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				text.add("\t")
			case "br", "cr":
				text.add("\n")
			case "tc":
				cells++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "tc":
				cells--
				text.add("\t")
			case "tr":
				text.add("\n")
			case "p":
				if cells > 0 {
					text.add(" ")
				} else {
					text.add("\n")
				}
			}
		case xml.CharData:
			if inText && !text.add(string(t)) {
				return text.String(), nil
			}
		}
	}
}

// readXLSX reads every sheet's cells through excelize, once checkZip has bounded the parts
// and the shared strings are counted: a row is a line of tab-separated cells.
func readXLSX(ctx context.Context, data []byte, zr *zip.Reader) (string, error) {
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/sharedStrings") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", errors.New("压缩内容损坏")
		}
		n, err := countElements(rc, "<si")
		rc.Close()
		if err != nil {
			return "", errors.New("压缩内容损坏")
		}
		if n > maxSharedStringsAttach {
			return "", fmt.Errorf("共享文本超过%d条", maxSharedStringsAttach)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxAttachmentUnzipped, UnzipXMLSizeLimit: maxAttachmentUnzipped})
	if err != nil {
		return "", errors.New("表格格式错误")
	}
	defer f.Close()
	var text limitedText
	rowsRead := 0
	for i, name := range f.GetSheetList() {
		if i >= maxSheets {
			break
		}
		rows, err := f.Rows(name)
		if err != nil {
			return "", fmt.Errorf("工作表「%s」格式错误", name)
		}
		for rows.Next() {
			if rowsRead++; rowsRead > maxSheetRows || ctx.Err() != nil {
				rows.Close()
				return text.String(), ctx.Err()
			}
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return "", fmt.Errorf("工作表「%s」格式错误", name)
			}
			if !text.add(strings.Join(cells, "\t") + "\n") {
				rows.Close()
				return text.String(), nil
			}
		}
		rows.Close()
	}
	return text.String(), nil
}

// countElements counts the occurrences of tag in r, across buffer boundaries.
func countElements(r io.Reader, tag string) (int, error) {
	buf := make([]byte, 64<<10)
	n, carry := 0, []byte{}
	for {
		k, err := r.Read(buf)
		chunk := append(carry, buf[:k]...)
		n += bytes.Count(chunk, []byte(tag))
		if len(chunk) >= len(tag) {
			carry = append([]byte{}, chunk[len(chunk)-len(tag)+1:]...)
			n -= bytes.Count(carry, []byte(tag)) // counted again with the next chunk
		}
		if err == io.EOF {
			return n + bytes.Count(carry, []byte(tag)), nil
		}
		if err != nil {
			return n, err
		}
	}
}

// readPDF reads the text of up to maxPDFPages pages. Before the library sees the file, its
// streams are inflated once within maxAttachmentUnzipped and the nesting of its arrays and
// dictionaries is bounded: the library inflates a stream whole and parses nesting by
// recursion, so a small file could otherwise take the worker's memory or stack.
func readPDF(ctx context.Context, data []byte) (string, error) {
	if err := checkPDF(data); err != nil {
		return "", err
	}
	rd, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(err.Error(), "encrypt") {
			return "", errors.New("文件已加密")
		}
		return "", errors.New("PDF结构错误")
	}
	var pages []pdf.Page
	collectPages(rd.Trailer().Key("Root").Key("Pages"), 0, &pages, new(int))
	var text limitedText
	fonts := map[string]*pdf.Font{}
	for _, p := range pages {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		t, err := p.GetPlainText(fonts)
		if err != nil {
			continue // one page the library cannot read; the others still count
		}
		if !text.add(t + "\n") {
			break
		}
	}
	return text.String(), nil
}

// collectPages walks the page tree itself, with bounds on its depth and on the nodes visited,
// so that a tree whose Kids point back up ends instead of looping.
func collectPages(v pdf.Value, depth int, out *[]pdf.Page, visited *int) {
	if depth > 32 || len(*out) >= maxPDFPages || *visited > 10*maxPDFPages {
		return
	}
	*visited++
	switch v.Key("Type").Name() {
	case "Page":
		*out = append(*out, pdf.Page{V: v})
	case "Pages":
		kids := v.Key("Kids")
		for i := 0; i < kids.Len() && len(*out) < maxPDFPages; i++ {
			collectPages(kids.Index(i), depth+1, out, visited)
		}
	}
}

// checkPDF inflates each Flate stream of the file within the bound left, and bounds the
// nesting of arrays and dictionaries in the file and in the inflated streams.
func checkPDF(data []byte) error {
	if err := checkNesting(data); err != nil {
		return err
	}
	left := int64(maxAttachmentUnzipped)
	for rest := data; ; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return nil
		}
		rest = rest[i+len("stream"):]
		if bytes.HasPrefix(rest, []byte("\r\n")) {
			rest = rest[2:]
		} else if bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r")) {
			rest = rest[1:]
		} else {
			continue // "endstream", or the word in text
		}
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			end = len(rest)
		}
		body := rest[:end]
		rest = rest[end:]
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			continue // not Flate, or not compressed: the library reads no more than the file
		}
		var nest nestingCheck
		n, _ := io.Copy(&nest, io.LimitReader(zr, left+1))
		zr.Close()
		if n > left {
			return errUnzippedTooBig
		}
		if nest.err != nil {
			return nest.err
		}
		left -= n
	}
}

var errTooDeep = fmt.Errorf("嵌套超过%d层", maxPDFNesting)

func checkNesting(data []byte) error {
	var nest nestingCheck
	nest.Write(data)
	return nest.err
}

// nestingCheck follows the depth of '[' and '<<' in what is written to it; strings are not
// told apart, so a bracket in text counts too (it only refuses sooner, never later).
type nestingCheck struct {
	depth int
	prev  byte
	err   error
}

func (c *nestingCheck) Write(p []byte) (int, error) {
	for _, b := range p {
		switch {
		case b == '[' || (b == '<' && c.prev == '<'):
			c.depth++
		case b == ']' || (b == '>' && c.prev == '>'):
			c.depth = max(0, c.depth-1)
		}
		if b == c.prev && (b == '<' || b == '>') {
			b = 0 // "<<<" is one open and one "<", not two opens
		}
		c.prev = b
		if c.depth > maxPDFNesting && c.err == nil {
			c.err = errTooDeep
		}
	}
	return len(p), nil
}
