package inspector

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"zhaocuo/models/indicator"
)

// onFooter replaces old with new on the homepage, failing when the homepage lacks old (a
// test that plants nothing would pass for the wrong reason).
func onFooter(t *testing.T, p map[string]string, old, new string) {
	t.Helper()
	if !strings.Contains(p["/"], old) {
		t.Fatalf("the homepage lacks %q", old)
	}
	p["/"] = strings.Replace(p["/"], old, new, 1)
}

const goodBadgeLink = `http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5101000001`

func TestMarksWithValues(t *testing.T) {
	tests := []struct {
		name       string
		registered string // the site's IdentifierCode
		portal     bool   // the site's GovPortal
		plant      func(*testing.T, map[string]string)
		wanted     []want
	}{
		{name: "registered code shown: nothing", registered: "5101000001"},
		{name: "no registered code (command line): the shape is enough"},
		{name: "empty 网站标识码", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "网站标识码：5101000001", "网站标识码：")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, page: "/", target: "网站标识码", evidence: "没有有效的值", points: 1}}},
		{name: "网站标识码 that is no code", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "网站标识码：5101000001", "网站标识码：510100")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "网站标识码", evidence: "「网站标识码：510100", points: 1}}},
		{name: "another site's 网站标识码", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "网站标识码：5101000001", "网站标识码：5101000009")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "网站标识码", evidence: "首页网站标识码为5101000009，与登记的网站标识码5101000001不符", points: 1}}},
		{name: "a department's code", registered: "bm07000001",
			plant: func(t *testing.T, p map[string]string) {
				for _, s := range []string{"网站标识码：5101000001", "site_code=5101000001", `content="5101000001"`} {
					onFooter(t, p, s, strings.Replace(s, "5101000001", "bm07000001", 1))
				}
			}},
		{name: "ICP备案号 without a number",
			plant:  func(t *testing.T, p map[string]string) { onFooter(t, p, "蜀ICP备12345678号-1", "ICP备案号：") },
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "ICP备案号", evidence: "「ICP备案号：　川公网安备", points: 1}}},
		{name: "公安机关备案号 without a number",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "川公网安备 51010002000001号", "川公网安备")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "公安机关备案号", evidence: "没有有效的值", points: 1}}},
		{name: "公安 number only in the record link",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, `http://www.beian.gov.cn/portal">川公网安备 51010002000001号`,
					`http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51010002000001"><img src="/img/ga.png" alt="">`)
			}},
		{name: "主办单位 followed by the next label",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "主办单位：示范市人民政府办公室", "主办单位：")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "主办单位", evidence: "「主办单位：　联系电话：028-", points: 1}}},
		{name: "联系电话 without a number",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "联系电话：028-12345678", "联系电话：")
			},
			wanted: []want{{typ: indicator.TypeMissingFooterMark, target: "联系方式", evidence: "电话号码或电子邮箱", points: 1}}},
		{name: "an e-mail address is a contact",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, "联系电话：028-12345678", "电子邮箱：ban@shifan.gov.cn")
			}},

		{name: "找错 entry without the site's code",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, goodBadgeLink, "http://zfwzgl.www.gov.cn/exposure/jiucuo.html")
			},
			wanted: []want{{typ: indicator.TypeMissingBadge, page: "/", target: "我为政府网站找错", evidence: "“我为政府网站找错”入口没有有效的值", points: 2}}},
		{name: "找错 entry with another site's code", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, goodBadgeLink, strings.Replace(goodBadgeLink, "5101000001", "5101000077", 1))
			},
			wanted: []want{{typ: indicator.TypeMissingBadge, evidence: "“我为政府网站找错”入口的标识码为5101000077，与登记的网站标识码5101000001不符", points: 2}}},
		{name: "找错 entry disagreeing with the footer, nothing registered",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, goodBadgeLink, strings.Replace(goodBadgeLink, "5101000001", "5101000077", 1))
			},
			wanted: []want{{typ: indicator.TypeMissingBadge, evidence: "与首页网站标识码5101000001不符", points: 2}}},
		{name: "找错 script with another site's code", registered: "5101000001",
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, `<a href="`+goodBadgeLink+`"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>`,
					`<script id="_jiucuo_" sitecode='5101000077' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>`)
			},
			wanted: []want{{typ: indicator.TypeMissingBadge, evidence: "5101000077", points: 2}}},

		{name: "government portal without 国徽", portal: true,
			wanted: []want{{typ: indicator.TypeMissingEmblem, page: "/", target: "国徽", evidence: "首页未找到国徽", suspected: true}}},
		{name: "department site without 国徽"},
		{name: "government portal with 国徽 as an image", portal: true,
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, nav, `<div class="header"><img src="/images/guohui.png" alt=""><h1>示范市人民政府</h1></div>`+nav)
			}},
		{name: "government portal with 国徽 named in alt", portal: true,
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, nav, `<div class="header"><img src="/images/top1.png" alt="中华人民共和国国徽"></div>`+nav)
			}},
		{name: "government portal with 国徽 as a background", portal: true,
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, `</title>`, `</title><style>.logo{background:url("../img/emblem.png") no-repeat}</style>`)
			}},
		{name: "国徽 in the text is no picture", portal: true,
			plant: func(t *testing.T, p map[string]string) {
				onFooter(t, p, `<div class="main">`, `<div class="main"><p>国徽法宣传周</p>`)
			},
			wanted: []want{{typ: indicator.TypeMissingEmblem, suspected: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFarm(t)
			pages := goodSite()
			if tt.plant != nil {
				tt.plant(t, pages)
			}
			site := f.serveSite(pages)
			site.IdentifierCode, site.GovPortal = tt.registered, tt.portal
			res := inspect(t, f.inspector(Config{}), site)
			checkFindings(t, res, tt.wanted)
		})
	}
}

// The points follow RULES.md: 1 for each footer mark, 2 for the 找错 entry, none for the
// 国徽 and the metadata, which its 扣分 table does not list.
func TestMarkScores(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	onFooter(t, pages, "网站标识码：5101000001", "网站标识码：")
	onFooter(t, pages, goodBadgeLink, "http://zfwzgl.www.gov.cn/exposure/jiucuo.html")
	for _, path := range []string{"/news/a1.html", "/news/a2.html"} {
		pages[path] = strings.Replace(pages[path], `<meta name="PubDate" content="`, `<meta name="Other" content="`, 1)
	}
	site := f.serveSite(pages)
	site.GovPortal = true
	res := inspect(t, f.inspector(Config{}), site)
	if len(res.Findings) != 4 {
		t.Fatalf("want the 标识码, the 找错 entry, the 国徽 and the metadata:%s", dump(res))
	}
	if res.Score != 97 || res.Verdict != indicator.Pass {
		t.Errorf("score %g %s, want 97 合格 (1 + 2 points):%s", res.Score, res.Verdict, dump(res))
	}
}

func TestParseMarkLines(t *testing.T) {
	tests := []struct {
		line, kind, where, want string
		bad                     bool
	}{
		{line: "ICP备案号\ttext\t(?i)ICP备[0-9]+", kind: "value", where: "text"}, // the older form
		{line: "网站标识码\tcode\ttext\t网站标识码：([0-9]{10})", kind: "code", where: "text"},
		{line: "网站标识码\tlabel\ttext\t网站标识码\t10位数字", kind: "label", where: "text", want: "10位数字"},
		{line: "emblem\tvalue\timage\t国徽", kind: "value", where: "image"},
		{line: "x\tcode\tbody\ty", bad: true},
		{line: "x\tguess\ttext\ty", bad: true},
		{line: "x\tvalue\ttext\t(", bad: true},
		{line: "\tvalue\ttext\ty", bad: true},
	}
	for _, tt := range tests {
		m, err := parseMark(tt.line)
		if (err != nil) != tt.bad {
			t.Errorf("parseMark(%q) err = %v, want bad %v", tt.line, err, tt.bad)
			continue
		}
		if !tt.bad && (m.Kind != tt.kind || m.Where != tt.where || m.Want != tt.want) {
			t.Errorf("parseMark(%q) = %+v", tt.line, m)
		}
	}
}

// The marks and metadata are read from any page a site serves.
func FuzzMarks(f *testing.F) {
	for _, s := range []string{
		goodSite()["/"], goodSite()["/news/a1.html"],
		`<meta name="PubDate" content="２０２５年"><meta name="siteidcode"><p>网站标识码：` + "\xff" + `ICP备`,
		`<img src="url(" alt="国徽" style="background:url('x` + "\u3000" + `')"><script sitecode=""></script><style>a{background:url(</style>`,
	} {
		f.Add(s)
	}
	rules := DefaultRules()
	w := compileWords(rules)
	base, _ := url.Parse("http://www.shifan.gov.cn/")
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
		if err != nil {
			return
		}
		info := w.analyzePage(doc, base, true, testNow)
		names, hits := findMarks(rules.Marks, info)
		for _, name := range names {
			if h := hits[name]; utf8.RuneCountInString(h.label) > 200 {
				t.Errorf("%s: a label snippet of %d characters", name, utf8.RuneCountInString(h.label))
			}
		}
		for tag, v := range info.Meta {
			if utf8.RuneCountInString(v) > maxMetaContent {
				t.Errorf("%s kept %d characters", tag, utf8.RuneCountInString(v))
			}
		}
		pageKind(info, false)
	})
}
