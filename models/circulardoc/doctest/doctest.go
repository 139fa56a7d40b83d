// Package doctest prints the documents the system writes to PDF with the tools a reader would
// use (LibreOffice for a DOCX or an XLSX) and reads the pages back with poppler's pdfinfo and
// pdftotext, for the tests to check what a printer gets: the page layout GB/T 9704-2012 asks of
// a circular, an export that fits its page, the figures of an annual report. .ci/run installs the
// tools; a test without them fails and says how to install them.
package doctest

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DOCXToPDF prints a DOCX to PDF in headless LibreOffice.
func DOCXToPDF(t *testing.T, docx []byte) []byte {
	t.Helper()
	return ToPDF(t, "document.docx", docx)
}

// ToPDF prints a document to PDF in headless LibreOffice; name's extension (.docx, .xlsx) says
// what the document is.
func ToPDF(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("LibreOffice is not installed (apt-get install libreoffice-writer libreoffice-calc; .ci/run does)")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A profile of its own, so that another LibreOffice running on the machine is no matter.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, name))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

var pageSize = regexp.MustCompile(`Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`)

// PDFPages reads a PDF's pages as text laid out as printed (pdftotext -layout), checking that
// each is A4 upright, as a 公文 is.
func PDFPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	pages, sizes := PDFText(t, pdf)
	for i, size := range sizes {
		if math.Abs(size[0]-595.3) > 1.5 || math.Abs(size[1]-841.9) > 1.5 {
			t.Errorf("page %d is %.1f × %.1f pt, want A4", i+1, size[0], size[1])
		}
	}
	return pages
}

// PDFText reads a PDF's pages as text laid out as printed (pdftotext -layout), and each page's
// width and height in points.
func PDFText(t *testing.T, pdf []byte) (pages []string, sizes [][2]float64) {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install poppler-utils; .ci/run does)", tool)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", "999", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	found := pageSize.FindAllStringSubmatch(string(info), -1)
	if len(found) == 0 {
		t.Fatalf("pdfinfo sees no pages:\n%s", info)
	}
	for i, m := range found {
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		sizes = append(sizes, [2]float64{w, h})
		n := strconv.Itoa(i + 1)
		text, err := exec.Command("pdftotext", "-layout", "-f", n, "-l", n, file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page %s: %v", n, err)
		}
		pages = append(pages, string(text))
	}
	return pages, sizes
}

// lines are a page's lines that hold text, with the spaces pdftotext puts between characters
// taken out; indents keeps each one's leading spaces.
func lines(page string) (text []string, indents []int) {
	for _, l := range strings.Split(page, "\n") {
		trimmed := strings.TrimLeft(l, " ")
		if strings.TrimSpace(trimmed) == "" {
			continue
		}
		text = append(text, strings.Join(strings.Fields(trimmed), ""))
		indents = append(indents, len(l)-len(trimmed))
	}
	return text, indents
}

// CheckPages checks printed pages against GB/T 9704-2012: each page's last line is its number as
// "—N—", far right on odd pages and at the left on even ones (7.5); no page holds only the signer
// or the date or nothing at all (7.3.5: they never stand alone); the last page ends with the 版记's lines,
// in order, above its number (7.4), each line as printed with its spaces taken out (印发机关 and
// 印发日期 share one).
func CheckPages(t *testing.T, pages []string, signer, date string, colophon []string) {
	t.Helper()
	for i, p := range pages {
		text, indents := lines(p)
		if len(text) == 0 {
			t.Errorf("page %d is empty", i+1)
			continue
		}
		last := len(text) - 1
		if want := "—" + strconv.Itoa(i+1) + "—"; text[last] != want {
			t.Errorf("page %d ends with %q, want its number %q", i+1, text[last], want)
		}
		if odd := i%2 == 0; odd != (indents[last] > 20) {
			t.Errorf("page %d's number is indented %d: want it at the right on odd pages, the left on even ones", i+1, indents[last])
		}
		alone := true
		for _, l := range text[:last] {
			alone = alone && (l == signer || l == date)
		}
		if alone {
			t.Errorf("page %d holds nothing but %q", i+1, text[:last])
		}
	}
	text, _ := lines(pages[len(pages)-1])
	if len(text) < len(colophon)+1 {
		t.Fatalf("the last page has %d lines, want the 版记 %q", len(text), colophon)
	}
	if got := text[len(text)-1-len(colophon) : len(text)-1]; strings.Join(got, "|") != strings.Join(colophon, "|") {
		t.Errorf("the last page ends with %q, want the 版记 %q", got, colophon)
	}
}

// Word is a word of a printed page with its box, in points from the page's top left corner.
type Word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

var (
	bboxPage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// PDFWords reads each page's words with their boxes (pdftotext -bbox), and each page's height.
func PDFWords(t *testing.T, pdf []byte) (pages [][]Word, heights []float64) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if m := bboxPage.FindStringSubmatch(l); m != nil {
			h, _ := strconv.ParseFloat(m[2], 64)
			heights = append(heights, h)
			pages = append(pages, nil)
		} else if m := bboxWord.FindStringSubmatch(l); m != nil && len(pages) > 0 {
			var f [4]float64
			for i := range f {
				f[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			pages[len(pages)-1] = append(pages[len(pages)-1], Word{m[5], f[0], f[1], f[2], f[3]})
		}
	}
	return pages, heights
}

// A 公文's 版心 ends 35 mm above the page's bottom edge; its lines are 28.95 pt apart.
const (
	bottomMargin = 35 / 25.4 * 72
	lineHeight   = 28.95
)

// CheckColophonAtFoot checks the 版记 on the last page as GB/T 9704-2012 7.4.1 places it: its last
// rule on the 版心's bottom edge, so its last line ends less than a line above that edge; above
// it only the text (nothing of the page but its number below the 版心). first is the 版记's first
// word as printed ("抄送：…", or the 印发机关 when there is no 抄送), found last on the page so that
// a signature of the same name above it is no matter.
func CheckColophonAtFoot(t *testing.T, pdf []byte, first string) {
	t.Helper()
	pages, heights := PDFWords(t, pdf)
	if len(pages) == 0 {
		t.Fatal("no pages")
	}
	last := pages[len(pages)-1]
	foot := heights[len(heights)-1] - bottomMargin
	top := -1.0
	for _, w := range last {
		if strings.HasPrefix(w.Text, first) {
			top = w.YMin
		}
	}
	if top < 0 {
		t.Fatalf("the last page has no 版记 starting %q", first)
	}
	bottom := 0.0
	for _, w := range last {
		switch {
		case w.YMin >= foot: // the page number
		case w.YMin >= top-1:
			bottom = math.Max(bottom, w.YMax)
		case w.YMax > top:
			t.Errorf("%q (%.1f–%.1f pt) runs into the 版记, which starts at %.1f pt", w.Text, w.YMin, w.YMax, top)
		}
	}
	if bottom > foot+1 || bottom < foot-lineHeight {
		t.Errorf("the 版记 ends %.1f pt down the last page, want it at the foot of the 版心 (%.1f pt)", bottom, foot)
	}
}
