package models

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CircularFigures are the numbers and lists of a circular (季度检查情况通报), all taken from data:
// the inspection source for websites and accounts, the rates for 找错. A draft's figures can be
// refreshed at any time; a published circular keeps the ones it was published with.
type CircularFigures struct {
	RegionID       int64  `json:"region_id"`
	RegionCode     string `json:"region_code"`
	RegionName     string `json:"region_name"`
	Period         string `json:"period"`       // as asked: 2025Q1, 2025-03, …
	PeriodLabel    string `json:"period_label"` // 2025年第一季度
	From           string `json:"from"`         // first day
	To             string `json:"to"`           // last day
	Cutoff         string `json:"cutoff"`       // 找错 counted up to this day, inclusive
	Deadline       string `json:"deadline"`     // rectification reports due
	Decimals       int    `json:"decimals"`
	SubregionLabel string `json:"subregion_label"` // 市（州）, 县（市、区）

	Websites Coverage      `json:"websites"`
	Accounts Coverage      `json:"accounts"`
	Tickets  TicketFigures `json:"tickets"`

	Findings        []CircularFinding   `json:"findings"`
	WebsiteRows     []AttachmentRow     `json:"website_rows"`
	AccountRows     []AttachmentRow     `json:"account_rows"`
	RectifyingUnits []string            `json:"rectifying_units"` // every unit named in the attachments
	Rectifications  RectificationCounts `json:"rectifications"`   // earlier circulars' rectifications due in this period
	RefreshedAt     time.Time           `json:"refreshed_at"`
}

// Coverage is the inspection of websites or of accounts over the region's subtree.
type Coverage struct {
	Running      int64    `json:"running"`
	Checked      int64    `json:"checked"`
	WithProblems int64    `json:"with_problems"`
	Uninspected  int64    `json:"uninspected"` // running, none of the period's checks could read them: out of 合格率
	PassRate     string   `json:"pass_rate"`   // 合格率: (checked − with problems) / checked, "—" when nothing was checked
	Subregions   int      `json:"subregions"`  // regions directly below
	AtFull       []string `json:"at_full"`     // those of them at 100%, by short name
	AtFullCodes  []string `json:"at_full_codes"`
	Qualified    int64    `json:"qualified"`
}

// TicketFigures are the 找错 paragraph's numbers, from the rates.
type TicketFigures struct {
	Received       int64        `json:"received"`
	Valid          int64        `json:"valid"`
	Due            int64        `json:"due"`
	OnTime         int64        `json:"on_time"`
	OnTimeRate     string       `json:"on_time_rate"`    // 按期办结率
	CompletionRate string       `json:"completion_rate"` // 办结率
	MainCategories []string     `json:"main_categories"` // the two most received
	Slow           []SlowUnit   `json:"slow_units"`      // units with late or overdue tickets
	AsOf           time.Time    `json:"as_of"`
	Categories     []NamedCount `json:"categories"`
}

// SlowUnit is a unit that closed tickets late or has tickets overdue: "办件拖沓".
type SlowUnit struct {
	Unit       string `json:"unit"`
	LateClosed int64  `json:"late_closed"`
	OverdueNow int64  `json:"overdue_now"`
}

// NamedCount is a category with the tickets received in it.
type NamedCount struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// AttachmentRow is one line of an attachment table: 序号, 名称, 主办单位, 存在的突出问题.
type AttachmentRow struct {
	No       int    `json:"no"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	Problems string `json:"problems"`
}

// CircularText is the editable text of a circular. The sections may hold placeholders such as
// {{网站合格率}}: they are filled from the figures when shown, so refreshed figures show through
// the edited text, and filled for good when the circular is published.
type CircularText struct {
	Title        string `json:"title"`
	DocNumber    string `json:"doc_number"` // 文号, e.g. 川办便函〔2025〕78号
	Issuer       string `json:"issuer"`     // 发文机关 (落款)
	Recipients   string `json:"recipients"` // 主送机关
	Intro        string `json:"intro"`
	Overview     string `json:"overview"`     // 一、总体情况
	Problems     string `json:"problems"`     // 二、存在问题
	Requirements string `json:"requirements"` // 三、下步要求
	Closing      string `json:"closing"`      // the rectification sentence
	IssueDate    string `json:"issue_date"`   // 成文日期, YYYY-MM-DD
	// 版记 (GB/T 9704-2012 7.4), on the last page: 抄送机关 (optional), 印发机关 and 印发日期.
	CC          string `json:"cc"`
	PrintOffice string `json:"print_office"`
	PrintDate   string `json:"print_date"` // YYYY-MM-DD
	// NoDocNumber is the office's word that the circular has no 文号: publishing with an empty
	// 文号 is refused without it, so a forgotten one is not published unnoticed.
	NoDocNumber bool `json:"no_doc_number"`
}

// Circular is a circular's figures and text.
type Circular struct {
	Figures CircularFigures `json:"figures"`
	Text    CircularText    `json:"text"`
}

// Placeholders are the figures text may name, with what each shows.
var Placeholders = map[string]func(f *CircularFigures) string{
	"网站运行数":    func(f *CircularFigures) string { return itoa(f.Websites.Running) },
	"网站检查数":    func(f *CircularFigures) string { return itoa(f.Websites.Checked) },
	"网站问题数":    func(f *CircularFigures) string { return itoa(f.Websites.WithProblems) },
	"网站合格率":    func(f *CircularFigures) string { return f.Websites.PassRate },
	"网站无法检查数":  func(f *CircularFigures) string { return itoa(f.Websites.Uninspected) },
	"网站全合格地区":  func(f *CircularFigures) string { return fullRegions(f.Websites, f.SubregionLabel) },
	"新媒体运行数":   func(f *CircularFigures) string { return itoa(f.Accounts.Running) },
	"新媒体检查数":   func(f *CircularFigures) string { return itoa(f.Accounts.Checked) },
	"新媒体问题数":   func(f *CircularFigures) string { return itoa(f.Accounts.WithProblems) },
	"新媒体合格率":   func(f *CircularFigures) string { return f.Accounts.PassRate },
	"新媒体无法检查数": func(f *CircularFigures) string { return itoa(f.Accounts.Uninspected) },
	"新媒体全合格地区": func(f *CircularFigures) string { return fullRegions(f.Accounts, f.SubregionLabel) },
	"找错起始日":    func(f *CircularFigures) string { return monthDay(f.From) },
	"找错截止日":    func(f *CircularFigures) string { return monthDay(f.Cutoff) },
	"找错留言数":    func(f *CircularFigures) string { return itoa(f.Tickets.Received) },
	"找错主要类别":   func(f *CircularFigures) string { return strings.Join(f.Tickets.MainCategories, "、") },
	"按期办结率":    func(f *CircularFigures) string { return f.Tickets.OnTimeRate },
	"办结率":      func(f *CircularFigures) string { return f.Tickets.CompletionRate },
	"整改单位数":    func(f *CircularFigures) string { return strconv.Itoa(len(f.RectifyingUnits)) },
	"整改应报数":    func(f *CircularFigures) string { return itoa(f.Rectifications.Due) },
	"整改按期数":    func(f *CircularFigures) string { return itoa(f.Rectifications.OnTime) },
	"整改逾期数":    func(f *CircularFigures) string { return itoa(f.Rectifications.Late) },
	"整改期限":     func(f *CircularFigures) string { return monthDay(f.Deadline) },
	"时段":       func(f *CircularFigures) string { return f.PeriodLabel },
}

var placeholder = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

// FillPlaceholders writes the figures into text.
func FillPlaceholders(text string, f *CircularFigures) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if fn, ok := Placeholders[name]; ok {
			return fn(f)
		}
		return m
	})
}

// Validate checks the text a supervisor saves: lengths, dates, and that every placeholder is one
// the figures can fill.
func (t *CircularText) Validate() error {
	for _, c := range []struct {
		field, value, name string
		max                int
	}{
		{"title", t.Title, "标题", 200}, {"doc_number", t.DocNumber, "文号", 64}, {"issuer", t.Issuer, "发文机关", 64},
		{"recipients", t.Recipients, "主送机关", 500}, {"intro", t.Intro, "开头", 2000}, {"overview", t.Overview, "总体情况", 20000},
		{"problems", t.Problems, "存在问题", 20000}, {"requirements", t.Requirements, "下步要求", 20000}, {"closing", t.Closing, "整改要求", 2000},
		{"cc", t.CC, "抄送机关", 500}, {"print_office", t.PrintOffice, "印发机关", 64},
	} {
		if len([]rune(c.value)) > c.max {
			return Invalid(c.field, fmt.Sprintf("%s不能超过%d个字", c.name, c.max))
		}
		for _, m := range placeholder.FindAllStringSubmatch(c.value, -1) {
			if _, ok := Placeholders[m[1]]; !ok {
				return Invalid(c.field, fmt.Sprintf("%s中的占位符{{%s}}不存在", c.name, m[1]))
			}
		}
	}
	if strings.TrimSpace(t.Title) == "" {
		return Invalid("title", "请填写标题")
	}
	if strings.TrimSpace(t.Issuer) == "" {
		return Invalid("issuer", "请填写发文机关")
	}
	if _, err := ParseDate(t.IssueDate); err != nil {
		return Invalid("issue_date", "成文日期应为 YYYY-MM-DD")
	}
	if t.NoDocNumber && strings.TrimSpace(t.DocNumber) != "" {
		return Invalid("doc_number", "已勾选“本通报无文号”，请清空文号或取消勾选")
	}
	if t.PrintDate != "" {
		if _, err := ParseDate(t.PrintDate); err != nil {
			return Invalid("print_date", "印发日期应为 YYYY-MM-DD")
		}
	}
	if (strings.TrimSpace(t.PrintOffice) == "") != (t.PrintDate == "") {
		return Invalid("print_office", "版记的印发机关和印发日期应同时填写")
	}
	return nil
}

// ValidateForPublishing is Validate and what only a published circular needs: a 文号, unless the
// office said the circular has none.
func (t *CircularText) ValidateForPublishing() error {
	if err := t.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(t.DocNumber) == "" && !t.NoDocNumber {
		return Invalid("doc_number", "文号为空：请填写文号；如本通报确无文号，请勾选“本通报无文号”并保存后再发布")
	}
	return nil
}

// Filled is the text with every placeholder filled from the figures.
func (c *Circular) Filled() CircularText {
	t := c.Text
	for _, p := range []*string{&t.Title, &t.Intro, &t.Overview, &t.Problems, &t.Requirements, &t.Closing} {
		*p = FillPlaceholders(*p, &c.Figures)
	}
	return t
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// monthDay writes 2025-04-30 as 4月30日.
func monthDay(day string) string {
	d, err := ParseDate(day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d月%d日", d.Month, d.Day)
}

// ChineseDate writes 2025-03-25 as 2025年3月25日, as a 公文's date is written.
func ChineseDate(day string) string {
	d, err := ParseDate(day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// attachmentRows merges the findings of one object kind into one row per site or account, the
// vetoed first, otherwise in the source's order; a row's problems are joined with 、.
func attachmentRows(findings []CircularFinding, object string) []AttachmentRow {
	type row struct {
		AttachmentRow
		veto  bool
		first int
	}
	var rows []*row
	index := map[[2]string]*row{}
	for i, f := range findings {
		if f.Object != object {
			continue
		}
		name := f.Name
		if f.Object == ObjectAccount && f.Platform != "" {
			name += "（" + f.Platform + "）"
		}
		k := [2]string{name, f.Unit}
		r := index[k]
		if r == nil {
			r = &row{AttachmentRow: AttachmentRow{Name: name, Unit: f.Unit}, first: i}
			index[k] = r
			rows = append(rows, r)
		}
		if r.Problems == "" {
			r.Problems = f.Problem
		} else if !strings.Contains(r.Problems, f.Problem) {
			r.Problems += "、" + f.Problem
		}
		r.veto = r.veto || f.Veto
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].veto && !rows[j].veto })
	out := make([]AttachmentRow, len(rows)) // [] in JSON when empty
	for i, r := range rows {
		out[i] = r.AttachmentRow
		out[i].No = i + 1
	}
	return out
}
