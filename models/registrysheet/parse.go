package registrysheet

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sheet is one sheet of a workbook, or one CSV file, as read: its name and its rows of cells,
// the header first. Rows are as the bounded reader left them (jobs/accountsheet.ReadWorkbook).
type Sheet struct {
	Name string
	Rows [][]string
}

// At is where a row came from: the sheet's name and the spreadsheet's row number (header = 1).
type At struct {
	Sheet string `json:"sheet"`
	Line  int    `json:"line"`
}

// The rows of each kind, their values checked and as the registry stores them.
type (
	RegionRow struct {
		At
		Code, Name, ShortName, ParentCode string
	}
	UnitRow struct {
		At
		Name, Code, RegionCode, Kind, Status string
	}
	WebsiteRow struct {
		At
		Name, IdentifierCode, HomeURL string
		OtherURLs                     []string
		Kind, Unit, SupervisorUnit    string
		Status                        string
	}
	AccountRow struct {
		At
		Platform, Name, Account, Unit, Status         string
		OpenedOn, ChangedOn, SuspendedOn, CancelledOn string // YYYY-MM-DD or empty
	}
	UserRow struct {
		At
		Username, DisplayName, Role, Unit, RegionCode, Phone, Email string
	}
)

// Book is everything the sheets of one import list.
type Book struct {
	Regions  []RegionRow
	Units    []UnitRow
	Websites []WebsiteRow
	Accounts []AccountRow
	Users    []UserRow
}

// Len is how many rows the book holds.
func (b *Book) Len() int {
	return len(b.Regions) + len(b.Units) + len(b.Websites) + len(b.Accounts) + len(b.Users)
}

// Problem is one thing to fix, named by sheet, row and column as the person sees them. Row 0 is
// the sheet itself (its header or its kind).
type Problem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	switch {
	case p.Row == 0 && p.Column == "":
		return fmt.Sprintf("工作表「%s」：%s", p.Sheet, p.Message)
	case p.Row == 0:
		return fmt.Sprintf("工作表「%s」表头「%s」：%s", p.Sheet, p.Column, p.Message)
	}
	return fmt.Sprintf("工作表「%s」第%d行「%s」：%s", p.Sheet, p.Row, p.Column, p.Message)
}

// Parse reads the sheets into a book, checking every cell on its own and every key against the
// other rows (two rows for one 标识码, one username...). Whether named units and regions exist,
// and what the rows change, is the store's to check. Every problem is returned, not the first.
func Parse(sheets []Sheet) (*Book, []Problem) {
	b := &Book{}
	var probs []Problem
	if len(sheets) == 0 {
		return b, []Problem{{Sheet: "（无）", Message: "文件中没有工作表"}}
	}
	for _, sh := range sheets {
		p := &parser{sheet: sh.Name}
		at := headerAt(sh.Rows)
		kind, col, ok := p.header(sh.Name, sh.Rows[at:])
		if !ok {
			probs = append(probs, p.probs...)
			continue
		}
		for i, row := range sh.Rows[at+1:] {
			if strings.TrimSpace(strings.Join(row, "")) == "" {
				continue
			}
			r := rowReader{p: p, line: at + i + 2, cells: row, col: col, kind: kind}
			if !r.fits() {
				continue
			}
			at := At{Sheet: sh.Name, Line: r.line}
			switch kind {
			case Regions:
				b.Regions = append(b.Regions, r.region(at))
			case Units:
				b.Units = append(b.Units, r.unit(at))
			case Websites:
				b.Websites = append(b.Websites, r.website(at))
			case Accounts:
				b.Accounts = append(b.Accounts, r.account(at))
			case Users:
				b.Users = append(b.Users, r.user(at))
			}
		}
		probs = append(probs, p.probs...)
	}
	probs = append(probs, duplicates(b)...)
	if len(probs) == 0 && b.Len() == 0 {
		probs = append(probs, Problem{Sheet: sheets[0].Name, Message: "文件中没有数据行"})
	}
	return b, probs
}

type parser struct {
	sheet string
	probs []Problem
}

func (p *parser) fail(line int, column, msg string) {
	p.probs = append(p.probs, Problem{Sheet: p.sheet, Row: line, Column: column, Message: msg})
}

// header finds the sheet's kind (by its name, else by the headers it has) and each column's
// place; a sheet of no kind, or without a required column, is a problem.
// headerAt is the row of the headers: the first of the first three that names a required column
// of some kind (an exported sheet has its title row above them), else the first.
func headerAt(rows [][]string) int {
	for i, row := range rows[:min(len(rows), 3)] {
		for _, k := range Kinds {
			if requiredFound(k, row) > 0 {
				return i
			}
		}
	}
	return 0
}

func (p *parser) header(name string, rows [][]string) (Kind, map[string]int, bool) {
	if len(rows) == 0 {
		p.fail(0, "", "工作表为空")
		return "", nil, false
	}
	head := rows[0]
	kind, named := kindByName(name)
	if !named {
		best := 0
		for _, k := range Kinds {
			// The kind whose required columns the header has most of; those it lacks are
			// then named below.
			if n := requiredFound(k, head); n > best {
				kind, best = k, n
			}
		}
		if best == 0 {
			p.fail(0, "", "无法识别的工作表：请用模板中的工作表名称（地区、单位、网站、新媒体账号、用户）或表头")
			return "", nil, false
		}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range columns[kind] {
			if _, seen := col[c.name]; seen {
				continue
			}
			if h == c.name || contains(c.aliases, h) {
				col[c.name] = i
			}
		}
	}
	ok := true
	for _, c := range columns[kind] {
		if _, found := col[c.name]; c.required && !found {
			p.fail(0, c.name, fmt.Sprintf("缺少必填列（%s表应有：%s）", kind.Title(), strings.Join(Headers(kind), "、")))
			ok = false
		}
	}
	return kind, col, ok
}

func kindByName(name string) (Kind, bool) {
	n := strings.TrimSpace(name)
	if i := strings.LastIndexByte(n, '.'); i > 0 {
		n = n[:i] // a CSV file's name without its extension
	}
	for _, k := range Kinds {
		for _, alias := range sheetNames[k] {
			if n == alias || strings.HasSuffix(n, alias) || strings.HasPrefix(n, alias) {
				return k, true
			}
		}
	}
	return "", false
}

func requiredOf(k Kind) []column {
	var out []column
	for _, c := range columns[k] {
		if c.required {
			out = append(out, c)
		}
	}
	return out
}

func requiredFound(k Kind, head []string) int {
	n := 0
	for _, c := range requiredOf(k) {
		for _, h := range head {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if h == c.name || contains(c.aliases, h) {
				n++
				break
			}
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// rowReader reads one data row's cells by column name, noting each bad cell.
type rowReader struct {
	p     *parser
	line  int
	cells []string
	col   map[string]int
	kind  Kind
}

func (r *rowReader) cell(name string) string {
	if j, ok := r.col[name]; ok && j < len(r.cells) {
		return unquote(strings.TrimSpace(r.cells[j]))
	}
	return ""
}

func (r *rowReader) fail(column, msg string) { r.p.fail(r.line, column, msg) }

// fits checks every cell's length and encoding first: a row with a cell too long is reported
// once for it, not again by checks that would quote it back.
func (r *rowReader) fits() bool {
	ok := true
	for _, c := range columns[r.kind] {
		v := r.cell(c.name)
		limit, byModels := c.maxChars, checkedByModels[r.kind][c.name]
		if byModels {
			limit = guardChars
		}
		switch n := utf8.RuneCountInString(v); {
		case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00"):
			r.fail(c.name, "含有无法识别的字符，请检查文件编码（UTF-8 或 GBK）")
			ok = false
		case n > limit:
			r.fail(c.name, fmt.Sprintf("不能超过%d个字（现有%d个字）", limit, n))
			ok = false
		case c.required && v == "" && !byModels:
			r.fail(c.name, "不能为空")
			ok = false
		}
	}
	return ok
}

// choose reads an enumerated cell; empty gives def.
func (r *rowReader) choose(column string, cs []choice, def string) string {
	v := r.cell(column)
	if v == "" {
		return def
	}
	got, ok := pick(cs, v)
	if !ok {
		r.fail(column, fmt.Sprintf("应为%s之一，而不是“%s”", labels(cs), v))
	}
	return got
}

// The fields a form also edits (codes, names, addresses, phones...) are the models' to check
// (models/registry_fields.go), so a sheet and a form refuse the same value alike; a code that
// names another row (所属地区代码, 上级区划代码) is looked up by the models, and reported when
// there is no such region.

func (r *rowReader) region(at At) RegionRow {
	row := RegionRow{At: at, Code: r.cell("行政区划代码"), Name: r.cell("地区名称"), ShortName: r.cell("简称"), ParentCode: r.cell("上级区划代码")}
	if row.ParentCode == row.Code && row.Code != "" {
		r.fail("上级区划代码", "不能是地区自己")
	}
	return row
}

func (r *rowReader) unit(at At) UnitRow {
	row := UnitRow{At: at, Name: r.cell("单位名称"), Code: strings.ToUpper(r.cell("统一社会信用代码")), RegionCode: r.cell("所属地区代码"),
		Kind: r.choose("单位类型", unitKinds, "department"), Status: r.choose("状态", unitStatuses, "active")}
	return row
}

func (r *rowReader) website(at At) WebsiteRow {
	row := WebsiteRow{At: at, Name: r.cell("网站名称"), IdentifierCode: r.cell("网站标识码"), HomeURL: r.cell("首页网址"),
		Kind: r.choose("网站类型", siteKinds, "department"), Unit: r.cell("主办单位"), SupervisorUnit: r.cell("主管单位"),
		Status: r.choose("运行状态", siteStatuses, "running")}
	if row.IdentifierCode == "" {
		r.fail("网站标识码", "不能为空（网站按标识码对应）")
	}
	row.OtherURLs = splitList(r.cell("其他网址"))
	return row
}

func (r *rowReader) account(at At) AccountRow {
	row := AccountRow{At: at, Platform: r.platform(), Name: r.cell("账号名称"), Account: r.cell("账号ID"),
		Unit: r.cell("开办主体"), Status: r.choose("运行状态", accountStatuses, "active")}
	row.OpenedOn, row.ChangedOn = r.date("开设日期"), r.date("变更日期")
	row.SuspendedOn, row.CancelledOn = r.date("关停日期"), r.date("注销日期")
	return row
}

func (r *rowReader) user(at At) UserRow {
	row := UserRow{At: at, Username: r.cell("用户名"), DisplayName: r.cell("姓名"), Role: r.choose("角色", roles, ""),
		Unit: r.cell("所属单位"), RegionCode: r.cell("所属地区代码"), Phone: r.cell("手机号码"), Email: r.cell("电子邮箱")}
	return row
}
