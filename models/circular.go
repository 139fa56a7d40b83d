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
	PassRate     string   `json:"pass_rate"`  // 合格率: (checked − with problems) / checked, "—" when nothing was checked
	Subregions   int      `json:"subregions"` // regions directly below
	AtFull       []string `json:"at_full"`    // those of them at 100%, by short name
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
	"网站全合格地区":  func(f *CircularFigures) string { return fullRegions(f.Websites, f.SubregionLabel) },
	"新媒体运行数":   func(f *CircularFigures) string { return itoa(f.Accounts.Running) },
	"新媒体检查数":   func(f *CircularFigures) string { return itoa(f.Accounts.Checked) },
	"新媒体问题数":   func(f *CircularFigures) string { return itoa(f.Accounts.WithProblems) },
	"新媒体合格率":   func(f *CircularFigures) string { return f.Accounts.PassRate },
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

// fullRegions names the subregions at 100%: "21个市（州）" when all are, else up to five names.
func fullRegions(c Coverage, label string) string {
	n := len(c.AtFull)
	switch {
	case n == c.Subregions:
		return fmt.Sprintf("%d个%s", n, label)
	case n <= 5:
		return fmt.Sprintf("%s%d个%s", strings.Join(c.AtFull, "、"), n, label)
	}
	return fmt.Sprintf("%s等%d个%s", strings.Join(c.AtFull[:5], "、"), n, label)
}

var chineseNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"}

func ordinal(i int) string {
	if i < len(chineseNumerals) {
		return chineseNumerals[i]
	}
	return strconv.Itoa(i + 1)
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
	out := make([]AttachmentRow, len(rows))
	for i, r := range rows {
		out[i] = r.AttachmentRow
		out[i].No = i + 1
	}
	return out
}

// DraftText writes a circular's first text from its figures; the supervisor edits it after.
// Numbers are left as placeholders, so they follow the figures until publishing.
func DraftText(f *CircularFigures, region Region, issuer, issueDate, requirementsTemplate string) CircularText {
	scope := "全省"
	recipients := "各市（州）人民政府，省政府各部门、各直属机构，有关单位："
	direct := "各市（州）、省直部门（单位）"
	switch region.Level {
	case LevelCity:
		scope, direct = "全市", "各县（市、区）、市直部门（单位）"
		recipients = "各县（市、区）人民政府，市政府各部门、各直属机构，有关单位："
	case LevelCounty:
		scope, direct = "全县", "各乡镇（街道）、县直部门（单位）"
		recipients = "各乡镇人民政府、街道办事处，县政府各部门，有关单位："
	}
	if f.Subregions() == 0 {
		direct = "各部门（单位）"
		recipients = "各有关单位："
	}
	t := CircularText{
		Title:      fmt.Sprintf("%s关于%s%s政府网站与政务新媒体检查情况的通报", issuer, f.PeriodLabel, scope),
		Issuer:     issuer,
		Recipients: recipients,
		Intro:      fmt.Sprintf("现将%s%s政府网站与政府系统政务新媒体检查有关情况通报如下。", f.PeriodLabel, scope),
		IssueDate:  issueDate,
	}

	var ov []string
	ov = append(ov, coverageParagraph("（一）政府网站。", direct+"在运行的政府网站", "发现存在突出问题的政府网站", "网站", "的政府网站合格率达100%。", f.Websites))
	ov = append(ov, coverageParagraph("（二）政务新媒体。", scope+"政府系统政务新媒体", "发现存在问题的账号", "新媒体", "的政务新媒体合格率达100%。", f.Accounts))
	tk := "（三）“我为政府网站找错”平台。{{找错起始日}}至{{找错截止日}}，"
	if f.Tickets.Received == 0 {
		tk += "未收到网民反馈的“我为政府网站找错”留言。"
	} else {
		tk += "共收到网民反馈的“我为政府网站找错”留言{{找错留言数}}条"
		if len(f.Tickets.MainCategories) > 0 {
			tk += "，主要集中在{{找错主要类别}}等方面"
		}
		tk += "。相关单位对网民留言进行核实、处理和反馈，按期办结率为{{按期办结率}}。"
	}
	ov = append(ov, tk)
	if f.Rectifications.Due > 0 {
		rc := "（四）整改情况。本期应提交整改报告的单位{{整改应报数}}个，按期提交{{整改按期数}}个"
		if f.Rectifications.Late > 0 {
			rc += "，逾期提交或未提交{{整改逾期数}}个"
		}
		ov = append(ov, rc+"。")
	}
	t.Overview = strings.Join(ov, "\n")

	t.Problems = draftProblems(f)
	if requirementsTemplate == "" {
		requirementsTemplate = DefaultRequirements
	}
	t.Requirements = requirementsTemplate
	period := f.PeriodLabel
	if i := strings.Index(period, "年"); i >= 0 {
		period = period[i+len("年"):]
	}
	t.Closing = fmt.Sprintf("此外，%s检查中被发现问题的，要将整改情况于{{整改期限}}前书面报%s。", period, issuer)
	return t
}

// Subregions is how many regions lie directly below the circular's region.
func (f *CircularFigures) Subregions() int { return max(f.Websites.Subregions, f.Accounts.Subregions) }

func coverageParagraph(head, running, problems, key, full string, c Coverage) string {
	var b strings.Builder
	b.WriteString(head)
	switch {
	case c.Checked == 0:
		fmt.Fprintf(&b, "%s{{%s运行数}}个，本期尚无检查结果。", running, key)
		return b.String()
	case c.Checked == c.Running:
		fmt.Fprintf(&b, "全覆盖检查%s{{%s检查数}}个，", running, key)
	default:
		fmt.Fprintf(&b, "%s{{%s运行数}}个，检查{{%s检查数}}个，", running, key, key)
	}
	fmt.Fprintf(&b, "%s{{%s问题数}}个，合格率{{%s合格率}}。", problems, key, key)
	if len(c.AtFull) > 0 {
		fmt.Fprintf(&b, "其中，{{%s全合格地区}}%s", key, full)
	}
	return b.String()
}

// draftProblems writes 二、存在问题: one paragraph per indicator of the findings, naming each site
// or account and its unit, then one on late 找错 handling, naming the units.
func draftProblems(f *CircularFigures) string {
	var order []string
	byIndicator := map[string][]CircularFinding{}
	for _, x := range f.Findings {
		if _, ok := byIndicator[x.Indicator]; !ok {
			order = append(order, x.Indicator)
		}
		byIndicator[x.Indicator] = append(byIndicator[x.Indicator], x)
	}
	var paras []string
	for _, ind := range order {
		var named []string
		for _, x := range byIndicator[ind] {
			what := "“" + x.Name + "”网站"
			if x.Object == ObjectAccount {
				what = "“" + x.Name + "”" + x.Platform
				if !strings.HasSuffix(x.Platform, "号") {
					what += "账号"
				}
			}
			s := what
			if x.Unit != "" && x.Unit != x.Name {
				s += "（" + x.Unit + "）"
			}
			s += x.Problem
			if x.Veto && !strings.Contains(x.Problem, "单项否决") {
				s += "，被单项否决"
			}
			named = append(named, s)
		}
		paras = append(paras, fmt.Sprintf("（%s）%s。检查发现，%s。", ordinal(len(paras)), ind, strings.Join(named, "；")))
	}
	if len(f.Tickets.Slow) > 0 {
		var named []string
		for _, u := range f.Tickets.Slow {
			var parts []string
			if u.LateClosed > 0 {
				parts = append(parts, fmt.Sprintf("超期办结%d条", u.LateClosed))
			}
			if u.OverdueNow > 0 {
				parts = append(parts, fmt.Sprintf("超期未办结%d条", u.OverdueNow))
			}
			named = append(named, u.Unit+"（"+strings.Join(parts, "，")+"）")
		}
		paras = append(paras, fmt.Sprintf("（%s）“我为政府网站找错”留言办理不及时。个别单位对“我为政府网站找错”工作重视不够，办件拖沓、多次督促后才办结，如%s。",
			ordinal(len(paras)), strings.Join(named, "、")))
	}
	if len(paras) == 0 {
		return "本期检查未发现突出问题。"
	}
	return strings.Join(paras, "\n")
}

// DefaultRequirements is the 三、下步要求 template, from the circulars the provinces publish; an
// issuer replaces it with its own (placeholders allowed).
const DefaultRequirements = `（一）提升政府网站运维保障水平。强化监测巡查力度，加强对页面衔接处等关键部位非法暗链检查，及时清除并追溯源头。加强栏目更新维护，对无法保障内容更新的栏目要及时整合，杜绝出现栏目空白、长期不更新等问题。持续优化网站功能，增强网站与公众的互动交流效果。
（二）加强政务新媒体建设管理。持续清理整合使用频率、活跃度低的政务新媒体。强化账号全生命周期动态管理，对开设、变更、关停注销等环节严格把控，及时报备。定期对本单位开设的政务新媒体账号栏目进行检查，保障栏目链接可用性、栏目名称准确性及内容更新及时性。
（三）严格落实工作责任。严格落实网络意识形态工作责任制，完善信息审查发布工作机制，严格落实“三审三校”，从源头上杜绝错别字、错误表述、个人信息泄露等问题发生。及时办理“我为政府网站找错”网民留言，认真做好审看、处理、反馈工作。`
