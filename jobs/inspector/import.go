package inspector

import (
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
)

// maxImportBytes caps an uploaded ledger; a province's accounts fit in far less.
const maxImportBytes = 32 << 20

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

// ParseAccountImport reads a ledger of 政务新媒体 accounts from XLSX or CSV (UTF-8 with
// or without BOM; GBK, which Excel writes for "CSV" on Chinese Windows, is read too),
// chosen by the file name's extension. The first row holds the Chinese headers; 账号名称
// and 平台 are required. Every bad cell is reported, each as an *ImportError: among them a
// cell longer than its column may hold, and an account (platform and name) listed a second
// time, which would be counted twice and its findings told apart by nobody.
func ParseAccountImport(r io.Reader, filename string) ([]Account, error) {
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

func readXLSX(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, maxImportBytes))
	if err != nil {
		return nil, fmt.Errorf("无法读取XLSX文件：%w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("XLSX文件没有工作表")
	}
	// Raw values: a date cell then reads as its serial number whatever its display
	// format, instead of "3/20/25" in one workbook and "2025年3月20日" in another.
	return f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
}

func readCSV(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes))
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
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("CSV格式错误：%w", err)
	}
	return rows, nil
}

func accountsFromRows(rows [][]string) ([]Account, error) {
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
	var accounts []Account
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
		a := Account{Name: cell("账号名称"), Platform: cell("平台"), Unit: cell("主办单位")}
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
			if _, ok := parseSiteURL(l); !ok || !strings.Contains(l, ".") {
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
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, china), true
	}
	// A zero "now" makes dates without a year invalid: a ledger must say the year.
	return firstDate(s, 0, time.Time{})
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
		return AccountActive, true
	case "关停", "已关停", "暂停", "停用", "suspended":
		return AccountSuspended, true
	case "注销", "已注销", "cancelled", "canceled":
		return AccountCancelled, true
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
