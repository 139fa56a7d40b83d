package accountsheet

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// registryXLSX is a workbook of two sheets, as a registry export writes it.
func registryXLSX(t testing.TB) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", "网站")
	x.NewSheet("用户")
	for sheet, rows := range map[string][][]any{
		"网站": {{"网站名称", "网站标识码", "首页网址", "主办单位"}, {"锦江区人民政府", "5101040001", "https://www.cdjj.gov.cn/", "锦江区人民政府办公室"}},
		"用户": {{"用户名", "姓名", "角色"}, {"jj-admin", "管理员", "平台管理员"}},
	} {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadWorkbookReadsEverySheetAndEveryEncoding(t *testing.T) {
	sheets, err := ReadWorkbook(bytes.NewReader(registryXLSX(t)), "登记.xlsx")
	if err != nil || len(sheets) != 2 || sheets[0].Name != "网站" || sheets[1].Name != "用户" || sheets[1].Rows[1][0] != "jj-admin" {
		t.Fatalf("%+v %v", sheets, err)
	}
	const csv = "用户名,姓名,角色\njj-admin,锦江区管理员,平台管理员\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"UTF-8": csv, "UTF-8 with BOM": "\ufeff" + csv, "GBK": gbk} {
		sheets, err := ReadWorkbook(strings.NewReader(data), "用户.csv")
		if err != nil || len(sheets) != 1 || sheets[0].Name != "用户.csv" || sheets[0].Rows[0][0] != "用户名" || sheets[0].Rows[1][1] != "锦江区管理员" {
			t.Errorf("%s: %+v %v", name, sheets, err)
		}
	}
}

// A file past the bound is refused having read no more than the bound; a zip bomb before it is
// inflated; a file of another kind by name. Each says why in Chinese.
func TestReadWorkbookRefusesWhatIsNoRegistry(t *testing.T) {
	const mb = 1 << 20
	book := registryXLSX(t)
	tests := []struct {
		name, file string
		data       io.Reader
		want       string
	}{
		{"20 MB", "登记.xlsx", io.LimitReader(zeros{}, 20*mb), "文件超过 16 MB"},
		{"20 MB of CSV", "登记.csv", io.LimitReader(zeros{}, 20*mb), "文件超过 16 MB"},
		{"a zip bomb", "登记.xlsx", bytes.NewReader(rewriteXLSX(t, book, map[string]part{"xl/worksheets/sheet1.xml": {write: sheetOf(200*mb/110, "")}})), "解压后"},
		{"a bomb whose header lies", "登记.xlsx", bytes.NewReader(rewriteXLSX(t, book, map[string]part{"xl/worksheets/sheet1.xml": {write: sheetOf(200*mb/110, ""), claimed: 1 << 10}})), "已损坏"},
		{"not a zip", "登记.xlsx", strings.NewReader("网站名称,网站标识码\n"), "无法读取XLSX文件"},
		{"a document", "登记.docx", strings.NewReader("x"), "不支持的文件类型"},
		{"a million rows", "登记.csv", strings.NewReader("用户名,姓名\n" + strings.Repeat("a,b\n", 1<<20)), "行"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWorkbook(tc.data, tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want it refused naming %q: %v", tc.want, err)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// The registry's reader is outside input's first reader too: it must never panic, and what it
// returns stays within its bounds.
func FuzzReadWorkbook(f *testing.F) {
	f.Add([]byte("用户名,姓名,角色\njj,甲,经办人\n"), false)
	f.Add([]byte{0xef, 0xbb, 0xbf, 0xd3, 0xc3, 0xbb, 0xa7}, false)
	f.Add(registryXLSX(f), true)
	f.Add([]byte("PK\x03\x04"), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "x.csv"
		if xlsx {
			name = "x.xlsx"
		}
		sheets, err := ReadWorkbook(bytes.NewReader(data), name)
		if err != nil {
			return
		}
		for _, s := range sheets {
			if len(s.Rows) > maxImportRows+1 {
				t.Fatalf("%d rows read", len(s.Rows))
			}
			for _, r := range s.Rows {
				if len(r) > maxImportColumns {
					t.Fatalf("%d columns read", len(r))
				}
			}
		}
	})
}
