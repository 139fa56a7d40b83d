package accountsheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// MaxWorkbookBytes bounds a registry workbook or CSV as uploaded. A large province's whole
// registry (1,100 sites, 5,000 accounts, 5,000 units, 6,000 users) is about 1.5 MB as XLSX and
// 3 MB as CSV; 16 MB leaves room for a heavier layout and refuses what is no registry.
const MaxWorkbookBytes = 16 << 20

// maxWorkbookSheets bounds the sheets read from one workbook: a registry has five kinds.
const maxWorkbookSheets = 20

// Sheet is one sheet of a workbook, or the one of a CSV file (named by the file).
type Sheet struct {
	Name string
	Rows [][]string
}

// ReadWorkbook reads every sheet of an XLSX, or a CSV file as one sheet, with the bounds a
// ledger is read with (its zip parts' inflated size and count, its shared strings, its rows
// and columns: checkUnzipped, rowTaker), and at most MaxWorkbookBytes as uploaded. A CSV is
// UTF-8 with or without a BOM, or GBK. The errors are in Chinese, for the person who uploaded.
func ReadWorkbook(r io.Reader, filename string) ([]Sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkbookBytes+1))
	if err != nil {
		return nil, fmt.Errorf("文件无法读取：%w", err)
	}
	if len(data) > MaxWorkbookBytes {
		return nil, fmt.Errorf("文件超过 %d MB，请拆分为多个文件导入", MaxWorkbookBytes>>20)
	}
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".xlsx", ".xlsm":
		return readWorkbookXLSX(data)
	case ".csv", ".txt":
		rows, err := readCSV(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return []Sheet{{Name: filepath.Base(filename), Rows: rows}}, nil
	default:
		return nil, fmt.Errorf("不支持的文件类型“%s”，请上传 XLSX 或 CSV 文件", ext)
	}
}

func readWorkbookXLSX(data []byte) ([]Sheet, error) {
	f, err := openXLSX(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, errors.New("XLSX文件没有工作表")
	}
	if len(names) > maxWorkbookSheets {
		return nil, fmt.Errorf("XLSX文件有 %d 个工作表，超过 %d 个", len(names), maxWorkbookSheets)
	}
	var out []Sheet
	for _, name := range names {
		rows, err := sheetRows(f, name)
		if err != nil {
			return nil, fmt.Errorf("工作表「%s」：%w", name, err)
		}
		if len(rows) > 0 {
			out = append(out, Sheet{Name: name, Rows: rows})
		}
	}
	return out, nil
}
