package models

import (
	"fmt"
	"strconv"
	"strings"
)

// The first text of a circular, drafted from its figures in the words the published circulars
// use; the supervisor edits it after.

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
		// The 版记's 印发 line starts as the issuer on the issue date; the office corrects it.
		PrintOffice: issuer,
		PrintDate:   issueDate,
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
		fmt.Fprintf(&b, "%s{{%s运行数}}个，本期尚无检查结果", running, key)
		if c.Uninspected > 0 {
			fmt.Fprintf(&b, "，其中{{%s无法检查数}}个因首页无法打开等原因未能检查", key)
		}
		b.WriteString("。")
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
	// A site nobody could read is not in 检查数 nor in 合格率; the circular says how many there were.
	if c.Uninspected > 0 {
		fmt.Fprintf(&b, "另有{{%s无法检查数}}个%s因首页无法打开等原因未能检查，未计入合格率。", key, key)
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
