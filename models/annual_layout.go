package models

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The two annual reports of 国办函〔2018〕12号, due every 31 January for the year before: a
// 《政府网站工作年度报表》 for each website, and a 《政府网站监管年度报表》 for each supervising
// office's region. docs/annual-reports-layout.md gives the sources of the layouts below and what
// could not be confirmed.
const (
	AnnualWork        = "work"        // 政府网站工作年度报表, one per website
	AnnualSupervision = "supervision" // 政府网站监管年度报表, one per region
)

// AnnualTitles are the reports' names as published.
var AnnualTitles = map[string]string{
	AnnualWork:        "政府网站工作年度报表",
	AnnualSupervision: "政府网站监管年度报表",
}

// Kinds of an item's value.
const (
	ItemCount   = "count"   // a whole number ≥ 0
	ItemDecimal = "decimal" // a number ≥ 0 with at most 2 decimals (平均办理时间（天）)
	ItemPercent = "percent" // a rate as the circulars write it, filled by the system only
	ItemYesNo   = "yesno"   // 是 / 否
	ItemText    = "text"    // at most Max characters
	ItemDate    = "date"    // YYYY-MM-DD
)

// AnnualItem is one line of a report's layout. Path is its place in the published table, the
// group headings above it and then its own label; the layout is the items in the published order.
// System items are filled from the system's data for the year and cannot be edited; the others
// are what the unit or office fills in.
type AnnualItem struct {
	Key    string
	Path   []string
	Unit   string // 条, 个, 次, 天, …: shown after the label as published, （条）
	Kind   string
	Max    int // characters, for text
	System bool
}

// Label is the item's own label with its unit, as the table shows it.
func (it AnnualItem) Label() string {
	l := it.Path[len(it.Path)-1]
	if it.Unit != "" {
		l += "（" + it.Unit + "）"
	}
	return l
}

func sys(key, kind, unit string, path ...string) AnnualItem {
	return AnnualItem{Key: key, Path: path, Unit: unit, Kind: kind, System: true}
}
func fill(key, kind, unit string, path ...string) AnnualItem {
	return AnnualItem{Key: key, Path: path, Unit: unit, Kind: kind}
}
func text(key string, max int, path ...string) AnnualItem {
	return AnnualItem{Key: key, Path: path, Kind: ItemText, Max: max}
}

// signature is the foot both reports share.
var signature = []AnnualItem{
	text("head", 32, "单位负责人"), text("reviewer", 32, "审核人"), text("filler", 32, "填报人"),
	text("phone", 32, "联系电话"), fill("filled_on", ItemDate, "", "填报日期"),
}

// WorkLayout is the 《政府网站工作年度报表》 in the order published since 2018.
var WorkLayout = append([]AnnualItem{
	sys("unit", ItemText, "", "填报单位"),
	sys("site_name", ItemText, "", "网站名称"),
	sys("home_url", ItemText, "", "首页网址"),
	sys("host_unit", ItemText, "", "主办单位"),
	sys("site_kind", ItemText, "", "网站类型"),
	sys("site_code", ItemText, "", "政府网站标识码"),
	text("icp", 64, "ICP备案号"),
	text("psb", 64, "公安机关备案号"),
	fill("visitors", ItemCount, "个", "独立用户访问总量"),
	fill("visits", ItemCount, "次", "网站总访问量"),
	fill("info_total", ItemCount, "", "信息发布（条）", "总数"),
	fill("info_overview", ItemCount, "", "信息发布（条）", "概况类信息更新量"),
	fill("info_news", ItemCount, "", "信息发布（条）", "政务动态信息更新量"),
	fill("info_disclosure", ItemCount, "", "信息发布（条）", "信息公开目录信息更新量"),
	fill("columns_kept", ItemCount, "", "专栏专题（个）", "维护数量"),
	fill("columns_new", ItemCount, "", "专栏专题（个）", "新开设数量"),
	fill("interp_total", ItemCount, "条", "解读回应", "解读信息发布", "总数"),
	fill("interp_materials", ItemCount, "条", "解读回应", "解读信息发布", "解读材料数量"),
	fill("interp_products", ItemCount, "条", "解读回应", "解读信息发布", "解读产品数量"),
	fill("interp_media", ItemCount, "篇", "解读回应", "解读信息发布", "媒体评论文章数量"),
	fill("responses", ItemCount, "次", "解读回应", "回应公众关注热点或重大舆情数量"),
	fill("svc_catalogue", ItemYesNo, "", "办事服务", "是否发布服务事项目录"),
	fill("svc_users", ItemCount, "个", "办事服务", "注册用户数"),
	fill("svc_items", ItemCount, "项", "办事服务", "政务服务事项数量"),
	fill("svc_online_items", ItemCount, "项", "办事服务", "可全程在线办理政务服务事项数量"),
	fill("svc_cases_total", ItemCount, "件", "办事服务", "办件量", "总数"),
	fill("svc_cases_person", ItemCount, "件", "办事服务", "办件量", "自然人办件量"),
	fill("svc_cases_legal", ItemCount, "件", "办事服务", "办件量", "法人办件量"),
	fill("unified_platform", ItemYesNo, "", "互动交流", "是否使用统一平台"),
	sys("msg_received", ItemCount, "条", "互动交流", "留言办理", "收到留言数量"),
	sys("msg_closed", ItemCount, "条", "互动交流", "留言办理", "办结留言数量"),
	sys("msg_avg_days", ItemDecimal, "天", "互动交流", "留言办理", "平均办理时间"),
	sys("msg_public", ItemCount, "条", "互动交流", "留言办理", "公开答复数量"),
	fill("survey_rounds", ItemCount, "期", "互动交流", "征集调查", "征集调查期数"),
	fill("survey_opinions", ItemCount, "条", "互动交流", "征集调查", "收到意见数量"),
	fill("survey_results", ItemCount, "期", "互动交流", "征集调查", "公布调查结果期数"),
	fill("interview_rounds", ItemCount, "期", "互动交流", "在线访谈", "访谈期数"),
	fill("interview_messages", ItemCount, "条", "互动交流", "在线访谈", "网民留言数量"),
	fill("interview_answers", ItemCount, "条", "互动交流", "在线访谈", "答复网民提问数量"),
	fill("smart_qa", ItemYesNo, "", "互动交流", "是否提供智能问答"),
	sys("sec_checks", ItemCount, "次", "安全防护", "安全检测评估次数"),
	sys("sec_problems", ItemCount, "个", "安全防护", "发现问题数量"),
	sys("sec_fixed", ItemCount, "个", "安全防护", "问题整改数量"),
	fill("sec_monitoring", ItemYesNo, "", "安全防护", "是否建立安全监测预警机制"),
	fill("sec_drills", ItemYesNo, "", "安全防护", "是否开展应急演练"),
	fill("sec_responsible", ItemYesNo, "", "安全防护", "是否明确网站安全责任人"),
	sys("media_has", ItemYesNo, "", "移动新媒体", "是否有移动新媒体"),
	sys("weibo_name", ItemText, "", "移动新媒体", "微博", "名称"),
	fill("weibo_posts", ItemCount, "条", "移动新媒体", "微博", "信息发布量"),
	fill("weibo_followers", ItemCount, "个", "移动新媒体", "微博", "关注量"),
	sys("wechat_name", ItemText, "", "移动新媒体", "微信", "名称"),
	fill("wechat_posts", ItemCount, "条", "移动新媒体", "微信", "信息发布量"),
	fill("wechat_subscribers", ItemCount, "个", "移动新媒体", "微信", "订阅数"),
	sys("media_other", ItemText, "", "移动新媒体", "其他"),
	fill("inno_search", ItemYesNo, "", "创新发展", "搜索即服务"),
	fill("inno_languages", ItemYesNo, "", "创新发展", "多语言版本"),
	fill("inno_accessible", ItemYesNo, "", "创新发展", "无障碍浏览"),
	fill("inno_personal", ItemYesNo, "", "创新发展", "千人千网"),
	text("inno_other", 200, "创新发展", "其他"),
}, signature...)

// SupervisionLayout is the 《政府网站监管年度报表》. The notice names its contents (网站抽查、安全
// 检查、网站开设整合、“我为政府网站找错”平台网民留言办理、假冒政府网站处置、人员培训) and two of
// its 填报说明; the lines within each are as laid out in docs/annual-reports-layout.md.
var SupervisionLayout = append([]AnnualItem{
	sys("office", ItemText, "", "填报单位"),
	sys("sites_running", ItemCount, "个", "网站总体情况", "运行网站总数"),
	sys("sites_portal", ItemCount, "个", "网站总体情况", "政府门户网站"),
	sys("sites_department", ItemCount, "个", "网站总体情况", "部门网站"),
	sys("rounds", ItemCount, "次", "网站抽查情况", "抽查次数"),
	sys("checked", ItemCount, "个", "网站抽查情况", "抽查网站数量"),
	sys("pass_q1", ItemPercent, "", "网站抽查情况", "合格率", "第一季度"),
	sys("pass_q2", ItemPercent, "", "网站抽查情况", "合格率", "第二季度"),
	sys("pass_q3", ItemPercent, "", "网站抽查情况", "合格率", "第三季度"),
	sys("pass_q4", ItemPercent, "", "网站抽查情况", "合格率", "第四季度"),
	sys("pass_year", ItemPercent, "", "网站抽查情况", "合格率", "全年"),
	sys("fail_q1", ItemCount, "个", "网站抽查情况", "不合格网站数量", "第一季度"),
	sys("fail_q2", ItemCount, "个", "网站抽查情况", "不合格网站数量", "第二季度"),
	sys("fail_q3", ItemCount, "个", "网站抽查情况", "不合格网站数量", "第三季度"),
	sys("fail_q4", ItemCount, "个", "网站抽查情况", "不合格网站数量", "第四季度"),
	sys("fail_year", ItemCount, "个", "网站抽查情况", "不合格网站数量", "全年"),
	fill("acc_talks", ItemCount, "人次", "网站抽查情况", "问责人次", "约谈"),
	fill("acc_written", ItemCount, "人次", "网站抽查情况", "问责人次", "书面检查"),
	fill("acc_criticized", ItemCount, "人次", "网站抽查情况", "问责人次", "通报批评"),
	fill("acc_removed", ItemCount, "人次", "网站抽查情况", "问责人次", "调离岗位或免职"),
	fill("sec_checks", ItemCount, "次", "安全检查情况", "安全检测评估次数"),
	fill("sec_problems", ItemCount, "个", "安全检查情况", "发现问题数量"),
	fill("sec_fixed", ItemCount, "个", "安全检查情况", "问题整改数量"),
	fill("sites_opened", ItemCount, "个", "网站开设整合情况", "新开设网站数量"),
	fill("sites_merged", ItemCount, "个", "网站开设整合情况", "整合迁移网站数量"),
	fill("sites_closed", ItemCount, "个", "网站开设整合情况", "关停网站数量"),
	sys("zc_received", ItemCount, "条", "“我为政府网站找错”平台网民留言办理情况", "收到留言数量"),
	sys("zc_closed", ItemCount, "条", "“我为政府网站找错”平台网民留言办理情况", "办结留言数量"),
	sys("zc_on_time", ItemPercent, "", "“我为政府网站找错”平台网民留言办理情况", "按期办结率"),
	fill("fake_found", ItemCount, "个", "假冒政府网站处置情况", "发现假冒政府网站数量"),
	fill("fake_handled", ItemCount, "个", "假冒政府网站处置情况", "处置假冒政府网站数量"),
	fill("train_sessions", ItemCount, "次", "人员培训情况", "培训次数"),
	fill("train_people", ItemCount, "人次", "人员培训情况", "培训人数"),
	sys("media_running", ItemCount, "个", "政务新媒体情况", "运行账号数量"),
	sys("media_checked", ItemCount, "个", "政务新媒体情况", "检查账号数量"),
	sys("media_pass_rate", ItemPercent, "", "政务新媒体情况", "合格率"),
}, signature...)

// AnnualLayout is the layout of a report kind.
func AnnualLayout(kind string) []AnnualItem {
	if kind == AnnualSupervision {
		return SupervisionLayout
	}
	return WorkLayout
}

// AnnualValues are a report's values by item key, as they are shown: numbers in decimal, 是/否.
type AnnualValues map[string]string

// ValidateAnnual checks what a unit or office saves against the layout: only the items it fills,
// each of its kind, and it returns the values cleaned (trimmed; empty items dropped, as not yet
// filled). Every problem names the item.
func ValidateAnnual(kind string, in map[string]string) (AnnualValues, error) {
	items := map[string]AnnualItem{}
	for _, it := range AnnualLayout(kind) {
		items[it.Key] = it
	}
	out := AnnualValues{}
	for key, raw := range in {
		it, ok := items[key]
		if !ok {
			return nil, Invalid(key, "报表中没有“"+key+"”这一项")
		}
		v := strings.TrimSpace(raw)
		if v == "" {
			continue
		}
		name := strings.Join(it.Path, "—")
		if it.System {
			return nil, Invalid(key, name+"由系统根据数据填写，不能修改")
		}
		switch it.Kind {
		case ItemCount:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n > 1e15 {
				return nil, Invalid(key, name+"应为不小于0的整数")
			}
			v = strconv.FormatInt(n, 10)
		case ItemDecimal:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1e9 {
				return nil, Invalid(key, name+"应为不小于0的数")
			}
		case ItemYesNo:
			if v != "是" && v != "否" {
				return nil, Invalid(key, name+"应为“是”或“否”")
			}
		case ItemDate:
			if _, err := ParseDate(v); err != nil {
				return nil, Invalid(key, name+"应为 YYYY-MM-DD")
			}
		case ItemText:
			if utf8.RuneCountInString(v) > it.Max {
				return nil, Invalid(key, fmt.Sprintf("%s不能超过%d个字", name, it.Max))
			}
		}
		out[key] = v
	}
	return out, nil
}
