package accountsheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const sheetPart = "xl/worksheets/sheet1.xml"

// ledgerXLSX is a small, valid ledger made by excelize: a header row and one account.
func ledgerXLSX(t testing.TB) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetList()[0]
	for i, r := range [][]any{{"账号名称", "平台", "运行状态"}, {"示范发布", "微信公众号", "正常"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// part is what replaces a part of a workbook: its content, written as a stream, so that a bomb
// of hundreds of megabytes is never held whole; and, to lie, the size its header claims.
type part struct {
	write    func(w io.Writer)
	claimed  uint64 // 0: the true size
	repeated int    // extra copies of the part under other names (the entries of a zip bomb)
}

// rewriteXLSX returns the workbook with parts replaced (or added), deflated.
func rewriteXLSX(t testing.TB, book []byte, parts map[string]part) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, p part) {
		if p.claimed == 0 {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			p.write(w)
			return
		}
		// A header that lies: the deflated stream and its checksum are of the true content,
		// the sizes are what the header claims.
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestSpeed)
		crc := crc32.NewIEEE()
		p.write(io.MultiWriter(fw, crc))
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: p.claimed})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
	}
	for _, f := range zr.File {
		if p, ok := parts[f.Name]; ok {
			put(f.Name, p)
			for i := 0; i < p.repeated; i++ {
				put(fmt.Sprintf("xl/media/copy%d.xml", i), p)
			}
			delete(parts, f.Name)
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	for name, p := range parts {
		put(name, p)
		for i := 0; i < p.repeated; i++ {
			put(fmt.Sprintf("xl/media/copy%d.xml", i), p)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetOf writes a worksheet: its header row, then the same account row n times, then extra.
func sheetOf(n int, extra string) func(w io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>账号名称</t></is></c><c r="B1" t="inlineStr"><is><t>平台</t></is></c></row>`)
		row := strings.Repeat(`<row><c t="inlineStr"><is><t>示范发布</t></is></c><c t="inlineStr"><is><t>微信公众号</t></is></c></row>`, 1000)
		for i := 0; i < n; i += 1000 {
			io.WriteString(w, row)
		}
		io.WriteString(w, extra+`</sheetData></worksheet>`)
	}
}

// parseMeasured parses an import and says how much it allocated and how long it took.
func parseMeasured(t testing.TB, data []byte, name string) (error, uint64, time.Duration) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Parse(bytes.NewReader(data), name)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return err, after.TotalAlloc - before.TotalAlloc, took
}

// Sheets that inflate: a worksheet of 200 MB deflated to a few hundred KB, the same behind a
// header that claims 1 KB, a hundred copies of a 16 MB part, rows numbered up to a million and a
// cell in the last column, a CSV of a million rows. Each is refused with a message that says
// why, before the reader has allocated more than a small multiple of the upload.
func TestImportRefusesSheetsThatInflate(t *testing.T) {
	book := ledgerXLSX(t)
	if _, err := Parse(bytes.NewReader(book), "台账.xlsx"); err != nil {
		t.Fatalf("the plain ledger: %v", err)
	}
	const mb = 1 << 20
	tests := []struct {
		name, file string
		data       func() []byte
		want       string
	}{
		{"a worksheet of 200 MB", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{sheetPart: {write: sheetOf(200*mb/110, "")}})
		}, "解压后"},
		{"a worksheet of 200 MB claiming 1 KB", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{sheetPart: {write: sheetOf(200*mb/110, ""), claimed: 1 << 10}})
		}, "已损坏"},
		{"a hundred parts of 16 MB", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{"xl/media/pad.xml": {write: func(w io.Writer) {
				w.Write(make([]byte, 16*mb))
			}, repeated: 99}})
		}, "解压后"},
		{"rows numbered up to a million", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{sheetPart: {write: sheetOf(0,
				`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c></row>`)}})
		}, "行"},
		{"a cell in the last column, 2,000 times", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{sheetPart: {write: sheetOf(0, strings.Repeat(
				`<row><c t="inlineStr"><is><t>示范发布</t></is></c><c t="inlineStr"><is><t>微信公众号</t></is></c><c r="XFD1" t="inlineStr"><is><t>末列</t></is></c></row>`, 2000))}})
		}, "列"},
		{"a shared-strings table of 30 MB", "台账.xlsx", func() []byte {
			return rewriteXLSX(t, book, map[string]part{
				"xl/sharedStrings.xml": {write: func(w io.Writer) {
					io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
					chunk := strings.Repeat(`<si><t>a</t></si>`, 1000)
					for i := 0; i < 30*mb/len(chunk); i++ {
						io.WriteString(w, chunk)
					}
					io.WriteString(w, `</sst>`)
				}},
				sheetPart: {write: func(w io.Writer) {
					io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
						`<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`)
				}},
			})
		}, "共享"},
		{"a CSV of a million rows", "台账.csv", func() []byte {
			return []byte("账号名称,平台\n" + strings.Repeat("示范发布,微信公众号\n", 1<<20))
		}, "行"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data()
			err, alloc, took := parseMeasured(t, data, tc.file)
			t.Logf("%d KB uploaded: %v; %.1f MB allocated (%.0f× the upload) in %v", len(data)>>10, err,
				float64(alloc)/mb, float64(alloc)/float64(len(data)), took.Round(time.Millisecond))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want it refused naming %q: %v", tc.want, err)
			}
			if limit := uint64(4*len(data) + 8*mb); alloc > limit {
				t.Errorf("%.1f MB allocated, more than %.1f MB", float64(alloc)/mb, float64(limit)/mb)
			}
		})
	}
}
