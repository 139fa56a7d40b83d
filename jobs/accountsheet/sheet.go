// Package accountsheet reads the ledgers of 政务新媒体 accounts that vendors and offices upload
// (XLSX or CSV) into accounts for the inspector to check, and into the rows an import stores.
// Everything in a sheet is hostile: its size, its zip parts, its rows and columns are bounded
// before and while they are read, and every bad cell is named to the person who uploaded it.
package accountsheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhaocuo/jobs/inspector"
)

// Bounds on what a ledger may make the reader do, checked before and while reading, never after:
// an XLSX is a zip, whose parts may inflate a thousandfold, and a sheet's rows and columns are
// numbered, so a few bytes can name row 1,048,576 or column XFD. A province's ledger (四川:
// 4,133 accounts) is far within each.
const (
	maxImportBytes   = 32 << 20 // the file as uploaded
	maxUnzippedBytes = 32 << 20 // an XLSX's parts, inflated, together
	maxZipParts      = 1000     // an XLSX's parts
	maxImportRows    = 20000    // accounts: rows below the header, up to the last one not empty
	maxImportColumns = 50
	maxSharedStrings = 200000 // an XLSX's distinct texts: 20,000 rows of a few texts each
)

// ImportError points at the cell a person has to fix. Row is the spreadsheet's row
// number (the header is row 1).
type ImportError struct {
	Row    int
	Column string
	Msg    string
}

func (e *ImportError) Error() string {
	if e.Row == 0 {
		return fmt.Sprintf("表头：%s", e.Msg)
	}
	return fmt.Sprintf("第%d行「%s」：%s", e.Row, e.Column, e.Msg)
}

// maxCellChars caps any other cell. The links and posts are kept in MySQL TEXT columns of
// 65,535 bytes, which 10,000 characters stay well under even at four bytes each; an XLSX cell
// holds up to 32,767 characters, which the database would refuse.
const maxCellChars = 10000

// importColumns are the header names, each with the other names it is found under and the
// characters a cell may hold: the names as many as the registry's columns (VARCHAR(128),
// VARCHAR(16) for the platform) keep, the rest maxCellChars.
var importColumns = []struct {
	name     string
	aliases  []string
	required bool
	maxChars int
}{
	{"账号名称", []string{"名称", "账号"}, true, 128},
	{"平台", []string{"平台类型", "所属平台"}, true, 16},
	{"主办单位", []string{"开办主体", "主体单位", "运营单位"}, false, 128},
	{"最后更新日期", []string{"最近更新日期", "最后发文日期", "最新发文日期"}, false, maxCellChars},
	{"互动功能", []string{"互动"}, false, maxCellChars},
	{"菜单链接", []string{"菜单"}, false, maxCellChars},
	{"近期发文", []string{"近期发文内容"}, false, maxCellChars},
	{"运行状态", []string{"状态", "报备状态"}, false, maxCellChars},
	{"实际运行", []string{"是否在线", "实际状态"}, false, maxCellChars},
}

// Parse reads a ledger of 政务新媒体 accounts from XLSX or CSV (UTF-8 with
// or without BOM; GBK, which Excel writes for "CSV" on Chinese Windows, is read too),
// chosen by the file name's extension. The first row holds the Chinese headers; 账号名称
// and 平台 are required. Every bad cell is reported, each as an *ImportError: among them a
// cell longer than its column may hold, and an account (platform and name) listed a second
// time, which would be counted twice and its findings told apart by nobody.
func Parse(r io.Reader, filename string) ([]inspector.Account, error) {
	var rows [][]string
	var err error
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".xlsx", ".xlsm":
		rows, err = readXLSX(r)
	case ".csv", ".txt":
		rows, err = readCSV(r)
	default:
		return nil, fmt.Errorf("inspector: import accounts: 不支持的文件类型%q，请上传XLSX或CSV", ext)
	}
	if err != nil {
		return nil, fmt.Errorf("inspector: import accounts: %w", err)
	}
	accounts, err := accountsFromRows(rows)
	if err != nil {
		return nil, fmt.Errorf("inspector: import accounts %s: %w", filename, err)
	}
	return accounts, nil
}

// readUpload reads the whole upload, refusing one larger than maxImportBytes.
func readUpload(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("文件无法读取：%w", err)
	}
	if len(data) > maxImportBytes {
		return nil, fmt.Errorf("文件超过 %d MB，请拆分为多个文件导入", maxImportBytes>>20)
	}
	return data, nil
}

func readXLSX(r io.Reader) ([][]string, error) {
	data, err := readUpload(r)
	if err != nil {
		return nil, err
	}
	f, err := openXLSX(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("XLSX文件没有工作表")
	}
	rows, err := sheetRows(f, sheets[0])
	if errors.Is(err, errUnreadable) {
		return nil, fmt.Errorf("无法读取XLSX文件：%w", err)
	}
	return rows, err
}

// openXLSX opens an uploaded XLSX held in memory once checkUnzipped has bounded its parts; every
// part then stays in memory (no temporary files).
func openXLSX(data []byte) (*excelize.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errors.New("无法读取XLSX文件，请确认是 Excel 或 WPS 保存的 .xlsx 文件（未加密）")
	}
	if err := checkUnzipped(zr); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedBytes, UnzipXMLSizeLimit: maxUnzippedBytes})
	if err != nil {
		return nil, fmt.Errorf("无法读取XLSX文件：%w", err)
	}
	return f, nil
}

// errUnreadable marks a sheet that excelize could not read, as against one rowTaker refused.
var errUnreadable = errors.New("工作表无法读取")

// sheetRows reads one sheet through a rowTaker. Raw values: a date cell then reads as its serial
// number whatever its display format, instead of "3/20/25" in one workbook and "2025年3月20日" in
// another. An error excelize gives wraps errUnreadable; one rowTaker gives is returned as it is.
func sheetRows(f *excelize.File, name string) ([][]string, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("%w：%w", errUnreadable, err)
	}
	defer rows.Close()
	var t rowTaker
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%w：%w", errUnreadable, err)
		}
		if err := t.take(cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w：%w", errUnreadable, err)
	}
	return t.rows, nil
}

var (
	errTooBigUnzipped = fmt.Errorf("XLSX文件解压后超过 %d MB，请删去无关的工作表和图片，或拆分为多个文件导入", maxUnzippedBytes>>20)
	errZipDamaged     = errors.New("XLSX文件已损坏（压缩内容与文件记录的大小不符），请用 Excel 或 WPS 重新保存后导入")
)

// checkUnzipped refuses a workbook whose parts would inflate past maxUnzippedBytes together, or
// that has more than maxZipParts of them. The sizes the zip declares are added first, which costs
// nothing; then each part is inflated once through a reader that stops at what is left of the
// bound, so a zip whose headers understate its parts is refused too, having inflated no more.
func checkUnzipped(zr *zip.Reader) error {
	if len(zr.File) > maxZipParts {
		return fmt.Errorf("XLSX文件含有 %d 个部件，超过 %d 个，不像是账号台账", len(zr.File), maxZipParts)
	}
	var declared uint64
	for _, f := range zr.File {
		if declared += f.UncompressedSize64; f.UncompressedSize64 > maxUnzippedBytes || declared > maxUnzippedBytes {
			return errTooBigUnzipped
		}
	}
	left := int64(maxUnzippedBytes)
	strs := &elementCounter{local: "si"}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return errZipDamaged
		}
		n, err := io.Copy(strs, io.LimitReader(rc, left+1))
		rc.Close()
		switch {
		case n > left:
			return errTooBigUnzipped
		case err != nil || uint64(n) != f.UncompressedSize64:
			return errZipDamaged
		}
		left -= n
	}
	// Each shared string costs the reader far more than its 17 bytes of XML, and the table is
	// read whole at the first cell. Its part is whichever the workbook names, so every part is
	// counted.
	if strs.n > maxSharedStrings {
		return fmt.Errorf("XLSX文件的共享文本超过 %d 条，不像是账号台账，请另存为新文件或CSV后导入", maxSharedStrings)
	}
	return nil
}

// elementCounter counts the start tags of the elements named local, whatever their namespace
// prefix, in the XML written to it (a comment holding such a tag counts too: counting more only
// refuses sooner).
type elementCounter struct {
	local string
	n     int
	name  []byte // the tag name read so far
	inTag bool
}

func (c *elementCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		switch {
		case b == '<':
			c.inTag, c.name = true, c.name[:0]
		case !c.inTag:
		case b == '>' || b == '/' || b == ' ' || b == '\t' || b == '\n' || b == '\r':
			c.inTag = false
			name := c.name[bytes.LastIndexByte(c.name, ':')+1:]
			if string(name) == c.local {
				c.n++
			}
		case len(c.name) < 64:
			c.name = append(c.name, b)
		default:
			c.inTag = false // no name of ours is this long
		}
	}
	return len(p), nil
}

func readCSV(r io.Reader) ([][]string, error) {
	data, err := readUpload(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			return nil, errors.New("文件既不是UTF-8也不是GBK编码")
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var t rowTaker
	for {
		record, err := cr.Read()
		if err == io.EOF {
			return t.rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("CSV格式错误：%w", err)
		}
		if err := t.take(record); err != nil {
			return nil, err
		}
	}
}

// rowTaker keeps a sheet's rows as they are read, refusing the sheet as soon as a row that is not
// empty lies past maxImportRows below the header, or has more than maxImportColumns cells. Empty
// rows are only counted until a row with content follows them, so a sheet whose formatting runs
// down to row 1,048,576 costs nothing.
type rowTaker struct {
	rows  [][]string
	empty int // empty rows read since the last one kept
}

func (t *rowTaker) take(cells []string) error {
	if strings.TrimSpace(strings.Join(cells, "")) == "" {
		t.empty++
		return nil
	}
	rowNo := len(t.rows) + t.empty + 1
	if rowNo > maxImportRows+1 {
		return fmt.Errorf("账号不能超过 %d 行（表头以下），第%d行仍有内容，请拆分为多个文件导入", maxImportRows, rowNo)
	}
	if len(cells) > maxImportColumns {
		return fmt.Errorf("第%d行有 %d 列，超过 %d 列，请删去无关的列后导入", rowNo, len(cells), maxImportColumns)
	}
	for ; t.empty > 0; t.empty-- {
		t.rows = append(t.rows, nil)
	}
	t.rows = append(t.rows, cells)
	return nil
}

func accountsFromRows(rows [][]string) ([]inspector.Account, error) {
	if len(rows) == 0 {
		return nil, &ImportError{Msg: "文件为空"}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range importColumns {
			if h == c.name || slices.Contains(c.aliases, h) {
				if _, dup := col[c.name]; !dup {
					col[c.name] = i
				}
			}
		}
	}
	for _, c := range importColumns {
		if _, ok := col[c.name]; c.required && !ok {
			return nil, &ImportError{Msg: "缺少必填列「" + c.name + "」"}
		}
	}
	var accounts []inspector.Account
	var errs []error
	listed := map[string]int{} // platform and name → the row that lists the account
	for i, row := range rows[1:] {
		rowNo := i + 2
		cell := func(name string) string {
			if j, ok := col[name]; ok && j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		fail := func(column, msg string) { errs = append(errs, &ImportError{Row: rowNo, Column: column, Msg: msg}) }
		tooLong := false
		for _, c := range importColumns {
			if n := utf8.RuneCountInString(cell(c.name)); n > c.maxChars {
				fail(c.name, fmt.Sprintf("不能超过%d个字（现有%d个字）", c.maxChars, n))
				tooLong = true
			}
		}
		if tooLong {
			continue // its other checks would quote the long cell back
		}
		a := inspector.Account{Name: cell("账号名称"), Platform: cell("平台"), Unit: cell("主办单位")}
		if a.Name == "" {
			fail("账号名称", "不能为空")
		}
		if a.Platform == "" {
			fail("平台", "不能为空")
		}
		if a.Name != "" && a.Platform != "" {
			key := a.Platform + "\x00" + a.Name
			if first, ok := listed[key]; ok {
				fail("账号名称", fmt.Sprintf("%s账号「%s」与第%d行重复，同一账号只能列一次", a.Platform, a.Name, first))
			} else {
				listed[key] = rowNo
			}
		}
		if s := cell("最后更新日期"); s != "" {
			t, ok := parseImportDate(s)
			if !ok {
				fail("最后更新日期", fmt.Sprintf("无法识别的日期%q", s))
			}
			a.LastPost = t
		}
		var ok bool
		if a.InteractionAvailable, ok = parseYesNo(cell("互动功能")); !ok {
			fail("互动功能", fmt.Sprintf("应填“有”或“无”，而不是%q", cell("互动功能")))
		}
		for _, l := range splitCell(cell("菜单链接"), true) {
			if !inspector.CheckableLink(l) || !strings.Contains(l, ".") {
				fail("菜单链接", fmt.Sprintf("%q不是有效的网址", l))
			}
			a.MenuLinks = append(a.MenuLinks, l)
		}
		a.RecentPosts = splitCell(cell("近期发文"), false)
		if a.Status, ok = parseStatus(cell("运行状态")); !ok {
			fail("运行状态", fmt.Sprintf("应为正常、关停或注销，而不是%q", cell("运行状态")))
		}
		if s := cell("实际运行"); s != "" {
			if a.ReportedOnline, ok = parseYesNo(s); !ok {
				fail("实际运行", fmt.Sprintf("应填“在线”或“离线”，而不是%q", s))
			}
		} else {
			// No observation imported: an account with a post date was seen running.
			a.ReportedOnline = !a.LastPost.IsZero()
		}
		accounts = append(accounts, a)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return accounts, nil
}

// parseImportDate reads an Excel serial number or a written date with its year.
func parseImportDate(s string) (time.Time, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 1 || f > 100000 {
			return time.Time{}, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return time.Time{}, false
		}
		// Excel's serial has no zone: it is the calendar day in China.
		return inspector.ChinaDay(t.Year(), t.Month(), t.Day()), true
	}
	// Written as pages write dates, with the year: a ledger must say it.
	return inspector.WrittenDate(s)
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "有", "是", "正常", "可用", "开通", "已开通", "在线", "运行", "√", "✓", "y", "yes", "true", "1":
		return true, true
	case "", "无", "否", "不可用", "未开通", "关闭", "已关闭", "离线", "停止", "×", "✗", "n", "no", "false", "0":
		return false, true
	}
	return false, false
}

func parseStatus(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "正常", "运行", "运行中", "在用", "开设", "已开设", "已报备", "active":
		return inspector.AccountActive, true
	case "关停", "已关停", "暂停", "停用", "suspended":
		return inspector.AccountSuspended, true
	case "注销", "已注销", "cancelled", "canceled":
		return inspector.AccountCancelled, true
	case "", "未报备", "未知", "unknown":
		return "", true
	}
	return "", false
}

// splitCell splits a cell of several values: links by any separator people type,
// posts by line (a post may contain commas).
func splitCell(s string, links bool) []string {
	var parts []string
	if links {
		parts = strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\n' || r == '\r' || r == '\t' || strings.ContainsRune(",，;；、|", r)
		})
	} else {
		parts = strings.Split(strings.ReplaceAll(s, "||", "\n"), "\n")
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
