package inspector

import (
	"fmt"
	"strings"
	"testing"

	"zhaocuo/models/indicator"
)

// newsBody is a short news text, the length most re-posted items have: short enough that
// a new headline weighs as much as a sentence of it.
const newsBody = `<p>3月11日，市营商环境专项检查组深入各区县政务服务中心，围绕办事指南公开、窗口服务质量、` +
	`企业开办时限等方面开展实地检查。检查组现场查阅办件档案，随机访谈办事群众和企业代表，` +
	`对发现的问题当场反馈并提出整改要求。</p><p>下一步，市营商环境办将建立问题清单，逐项跟踪整改落实情况。</p>`

// newsArticle is an article page the way portals build them: headline, a line of
// publishing data, the body, and the article's metadata (国办发〔2017〕47号).
func newsArticle(title, date, source, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title><meta name="ArticleTitle" content="` + title +
		`"><meta name="PubDate" content="` + date + `"><meta name="ContentSource" content="` + source + `"></head><body>` + nav +
		`<div class="article"><h1>` + title + `</h1><p class="info"><span>发布日期：` + date + `</span><span>来源：` + source + `</span></p>` +
		body + `</div><div class="footer"><p>示范市人民政府办公室主办</p></div></body></html>`
}

// notice is a 公示 of the usual template with its own person and facts.
func notice(name, person, post string) string {
	return `<p>根据干部选拔任用有关规定，经市委研究，现将拟任职干部情况予以公示。</p><p>` + person +
		`</p><p>拟任` + post + `。</p><p>公示时间：2025年3月10日至3月16日。公示期间，如对公示对象有异议，` +
		`可通过来信、来电、来访等方式向市委组织部反映。反映问题要实事求是，以个人名义反映的提倡署真实姓名。</p>` +
		`<p>联系电话：028-12345678。</p><p>` + name + `</p>`
}

// monthlyReport is a 经济运行情况 release: the same sentences every month, other figures.
func monthlyReport(month int, growth, retail, retailGrowth, investment string) string {
	return fmt.Sprintf(`<p>据市统计局统计，%d月份，全市经济运行总体平稳、稳中有进。规模以上工业增加值同比增长%s%%，增速较上月提高0.3个百分点。`+
		`社会消费品零售总额%s亿元，同比增长%s%%。固定资产投资同比增长%s%%，其中工业投资保持较快增长，民间投资降幅收窄。`+
		`居民消费价格同比上涨0.5%%，就业形势总体稳定，城镇调查失业率保持在合理区间。</p>`+
		`<p>总的看，全市经济延续恢复向好态势，但外部环境复杂严峻，需求不足问题仍然突出。下一步，要坚持稳中求进工作总基调，`+
		`加力推动各项政策落地见效，巩固和增强经济回升向好势头。</p>`, month, growth, retail, retailGrowth, investment)
}

func TestDuplicateByBody(t *testing.T) {
	tests := []struct {
		name   string
		plant  func(map[string]string)
		wanted []want
	}{
		{name: "the same body under a new title in another column four months later",
			plant: func(p map[string]string) {
				p["/news/a0.html"] = newsArticle("我市开展营商环境专项检查", "2024-11-12", "市营商环境办", newsBody)
				p["/news/"] = strings.Replace(p["/news/"], `</ul>`, item("/news/a0.html", "我市开展营商环境专项检查", "2024-11-12")+`</ul>`, 1)
				p["/policy/p2.html"] = newsArticle("关于全市政务服务中心营商环境检查情况的通报", "2025-03-12", "市政府办公室", newsBody)
				p["/policy/"] = strings.Replace(p["/policy/"], `<ul class="list">`, `<ul class="list">`+
					item("/policy/p2.html", "关于全市政务服务中心营商环境检查情况的通报", "2025/03/12"), 1)
			},
			wanted: []want{{typ: indicator.TypeDuplicatePost, page: "/news/a0.html", target: "/policy/p2.html", suspected: true,
				evidence: "「关于全市政务服务中心营商环境检查情况的通报」"}}},
		{name: "two notices of one template with different people are not copies",
			plant: func(p map[string]string) {
				p["/notice/n3.html"] = newsArticle("关于张建国同志拟任职的公示", "2025-03-10", "市委组织部", notice("中共示范市委组织部",
					"张建国，男，汉族，1978年5月生，四川成都人，在职研究生学历，中共党员，现任示范市农业农村局副局长，分管乡村振兴和农田建设工作。",
					"示范市农业农村局局长"))
				p["/notice/n4.html"] = newsArticle("关于李秀英同志拟任职的公示", "2025-03-10", "市委组织部", notice("中共示范市委组织部",
					"李秀英，女，回族，1983年11月生，甘肃临夏人，大学学历，中共党员，曾任东城区教育局办公室主任，现任示范市教育局副局长。",
					"示范市教育局党组成员、副局长（正职级）"))
				p["/notice/"] = strings.Replace(p["/notice/"], `<ul class="list">`, `<ul class="list">`+
					item("/notice/n3.html", "关于张建国同志拟任职的公示", "03-10")+item("/notice/n4.html", "关于李秀英同志拟任职的公示", "03-10"), 1)
			}},
		{name: "two notices under one headline with different people are not copies",
			plant: func(p map[string]string) {
				p["/notice/n3.html"] = newsArticle("市管干部任职前公示", "2025-03-10", "市委组织部", notice("中共示范市委组织部",
					"张建国，男，汉族，1978年5月生，四川成都人，在职研究生学历，中共党员，现任示范市农业农村局副局长，分管乡村振兴和农田建设工作。",
					"示范市农业农村局局长"))
				p["/notice/n4.html"] = newsArticle("市管干部任职前公示", "2025-03-17", "市委组织部", notice("中共示范市委组织部",
					"李秀英，女，回族，1983年11月生，甘肃临夏人，大学学历，中共党员，曾任东城区教育局办公室主任，现任示范市教育局副局长。",
					"示范市教育局党组成员、副局长（正职级）"))
				p["/notice/"] = strings.Replace(p["/notice/"], `<ul class="list">`, `<ul class="list">`+
					item("/notice/n4.html", "市管干部任职前公示", "03-17")+item("/notice/n3.html", "市管干部任职前公示", "03-10"), 1)
			}},
		{name: "monthly releases of one template with other figures are not copies",
			plant: func(p map[string]string) {
				p["/policy/s1.html"] = newsArticle("1月份全市经济运行情况", "2025-02-15", "市统计局", monthlyReport(1, "5.2", "86.3", "4.1", "3.6"))
				p["/policy/s2.html"] = newsArticle("2月份全市经济运行情况", "2025-03-15", "市统计局", monthlyReport(2, "5.8", "79.4", "3.7", "4.2"))
				p["/policy/"] = strings.Replace(p["/policy/"], `<ul class="list">`, `<ul class="list">`+
					item("/policy/s2.html", "2月份全市经济运行情况", "2025/03/15")+item("/policy/s1.html", "1月份全市经济运行情况", "2025/02/15"), 1)
			}},
		{name: "a release re-posted with its figures is a copy",
			plant: func(p map[string]string) {
				p["/policy/s1.html"] = newsArticle("1月份全市经济运行情况", "2025-02-15", "市统计局", monthlyReport(1, "5.2", "86.3", "4.1", "3.6"))
				p["/news/a0.html"] = newsArticle("我市1月份经济运行开局平稳", "2025-03-14", "市发展改革委", monthlyReport(1, "5.2", "86.3", "4.1", "3.6"))
				p["/policy/"] = strings.Replace(p["/policy/"], `<ul class="list">`, `<ul class="list">`+item("/policy/s1.html", "1月份全市经济运行情况", "2025/02/15"), 1)
				p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+item("/news/a0.html", "我市1月份经济运行开局平稳", "2025-03-14"), 1)
			},
			wanted: []want{{typ: indicator.TypeDuplicatePost, page: "/policy/s1.html", target: "/news/a0.html", suspected: true}}},
		{name: "the same title with a near-identical body is a copy",
			plant: func(p map[string]string) {
				p["/news/a0.html"] = newsArticle("我市开展营商环境专项检查", "2025-03-11", "市营商环境办", newsBody)
				p["/news/a4.html"] = newsArticle("我市开展营商环境专项检查", "2025-03-14", "市政务服务中心",
					strings.Replace(newsBody, "下一步，市营商环境办将建立问题清单，逐项跟踪整改落实情况。", "检查组要求各区县于3月底前报送整改情况。", 1))
				p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+
					item("/news/a4.html", "我市开展营商环境专项检查", "2025-03-14")+item("/news/a0.html", "我市开展营商环境专项检查", "2025-03-11"), 1)
			},
			wanted: []want{{typ: indicator.TypeDuplicatePost, page: "/news/a0.html", target: "/news/a4.html", suspected: true}}},
		{name: "short texts under one headline are not copies",
			plant: func(p map[string]string) {
				for _, n := range []string{"n3", "n4"} {
					p["/notice/"+n+".html"] = newsArticle("关于公布2025年度行政许可事项清单的通知", "2025-03-1"+n[1:], "市政府办公室",
						`<p>详见附件。</p><p><a href="/files/`+n+`.pdf">附件：行政许可事项清单.pdf</a></p>`)
					p["/files/"+n+".pdf"] = stubPDF
					p["/notice/"] = strings.Replace(p["/notice/"], `<ul class="list">`, `<ul class="list">`+
						item("/notice/"+n+".html", "关于公布2025年度行政许可事项清单的通知", "03-1"+n[1:]), 1)
				}
			}},
		{name: "a template paragraph on many pages does not make them copies",
			plant: func(p map[string]string) {
				const notePara = `<p>温馨提示：本网站发布的信息仅供参考，转载请注明出处。如对本文内容有疑问，请在工作日工作时间拨打政务服务热线咨询，` +
					`我们将在三个工作日内答复。本网站不对第三方网站的内容负责，涉及个人信息的内容已依法处理。</p>`
				for i := 1; i <= 6; i++ {
					path := fmt.Sprintf("/news/b%d.html", i)
					p[path] = newsArticle(fmt.Sprintf("示范市第%d期政务简报", i), fmt.Sprintf("2025-03-%02d", 10+i), "市政府办公室",
						"<p>"+prose(uint64(700+i), 10)+"</p>"+notePara)
					p["/news/"] = strings.Replace(p["/news/"], `<ul class="list">`, `<ul class="list">`+
						item(path, fmt.Sprintf("示范市第%d期政务简报", i), fmt.Sprintf("2025-03-%02d", 10+i)), 1)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			tt.plant(pages)
			res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
			checkFindings(t, res, tt.wanted)
		})
	}
}
