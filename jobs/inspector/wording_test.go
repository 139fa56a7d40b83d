package inspector

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"zhaocuo/models/indicator"
)

// wordingOf runs the report's wording step over one page's text, dated as given (zero: undated).
func wordingOf(t *testing.T, in *Inspector, text string, date time.Time) []Finding {
	t.Helper()
	const page = "http://www.shifan.gov.cn/news/a1.html"
	info := &pageInfo{URL: page, Date: date, Wording: in.words.findWording(text)}
	r := &round{in: in, pages: map[string]*pageInfo{page: info}}
	return r.wordingFindings([]string{page})
}

// Every rule of wording.txt is found in a sentence planted with it, with its right form and the
// sentence marked.
func TestEveryWordingRuleIsFound(t *testing.T) {
	in := New(Config{})
	rules := DefaultRules().Wording
	if len(rules) < 40 {
		t.Fatalf("wording.txt holds %d rules", len(rules))
	}
	for _, rule := range rules {
		lead := "各单位要规范表述，"
		if len(rule.If) > 0 {
			lead = rule.If[0] + "相关报道中，"
		}
		text := "示范市政府网站。\n" + lead + rule.Wrong + "的说法须核实。其他内容。"
		fs := wordingOf(t, in, text, testNow)
		if len(fs) != 1 {
			t.Errorf("%s: %d findings: %+v", rule.Wrong, len(fs), fs)
			continue
		}
		f := fs[0]
		if f.Type != indicator.TypeWording || f.Target != rule.Wrong || !f.Suspected ||
			!strings.Contains(f.Evidence, "应为「"+rule.Right+"」") || !strings.Contains(f.Evidence, lead+"【"+rule.Wrong+"】的说法须核实。") {
			t.Errorf("%s: %+v", rule.Wrong, f)
		}
		if f.Veto != rule.Serious || (f.Indicator == indicator.Security) != rule.Serious {
			t.Errorf("%s: serious %v, finding veto %v under %s", rule.Wrong, rule.Serious, f.Veto, f.Indicator)
		}
	}
}

func TestWordingCases(t *testing.T) {
	in := New(Config{})
	tests := []struct {
		name, text string
		wrong      []string // the targets found, in order; empty: none
		veto       bool
	}{
		{name: "North Korea", text: "北朝鲜代表团访问。", wrong: []string{"北朝鲜"}, veto: true},
		{name: "South Korea", text: "与南朝鲜开展经贸合作。", wrong: []string{"南朝鲜"}, veto: true},
		{name: "Outer Mongolia", text: "赴外蒙古考察草原畜牧业。", wrong: []string{"外蒙古"}, veto: true},
		{name: "Hong Kong government", text: "香港政府代表出席会议。", wrong: []string{"香港政府"}, veto: true},
		{name: "Taiwan beside China", text: "来自中国、台湾的客商参加展会。", wrong: []string{"中国、台湾"}, veto: true},
		{name: "Taiwan's president", text: "台湾总统选举结果公布。", wrong: []string{"台湾总统"}, veto: true},
		{name: "Taiwan's government", text: "台湾政府发布消息。", wrong: []string{"台湾政府"}, veto: true},
		{name: "中华民国 now", text: "中华民国政府发表声明。", wrong: []string{"中华民国"}, veto: true},
		{name: "the longest form wins", text: "中华民国总统发表讲话。", wrong: []string{"中华民国总统"}, veto: true},
		{name: "a careful word is no veto", text: "前苏联解体后，各国关系发生变化。", wrong: []string{"前苏联"}},
		{name: "two in a sentence", text: "北朝鲜和南朝鲜的代表。", wrong: []string{"北朝鲜", "南朝鲜"}, veto: true},

		// Look-alikes: right uses that contain, or stand near, a rule's words.
		{name: "中华民国 founded in 1912", text: "1912年中华民国成立，孙中山就任临时大总统。"},
		{name: "中华民国 in history", text: "历史上的中华民国曾定都南京。"},
		{name: "民国时期", text: "民国时期的县志记载了这座古桥。"},
		{name: "Korea and DPRK written rightly", text: "朝鲜和韩国代表出席会议，朝鲜半岛局势缓和。"},
		{name: "Korean ethnic group in the north-east", text: "东北朝鲜族群众欢度节日。"},
		{name: "Xianbei of the Northern dynasties", text: "南北朝鲜卑族的历史文化。"},
		{name: "HKSAR government", text: "香港特区政府和香港特别行政区政府均派员出席。"},
		{name: "Taiwan region", text: "台湾地区领导人选举；台湾当局；中国台湾；祖国大陆与台湾。"},
		{name: "countries and regions", text: "美国、日本、台湾等国家和地区的客商。"},
		{name: "台独 in quotes", text: "坚决反对“台独”分裂活动。"},
		{name: "Mongolia, Inner Mongolia", text: "蒙古国总统访问内蒙古自治区，蒙古族群众欢迎。"},
		{name: "Outer Mongolia in history", text: "1946年外蒙古独立。"},
		{name: "separation of powers not about Hong Kong", text: "西方国家奉行三权分立。"},
		{name: "separation of powers about Hong Kong", text: "香港实行三权分立的说法是错误的。", wrong: []string{"三权分立"}},
		{name: "WTO members", text: "世界贸易组织成员和亚太经合组织领导人非正式会议。"},
		{name: "provincial party secretary", text: "中共四川省委书记主持会议。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := wordingOf(t, in, tt.text, testNow)
			var got []string
			for _, f := range fs {
				got = append(got, f.Target)
				if f.Veto != tt.veto {
					t.Errorf("%s: veto %v", f.Target, f.Veto)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.wrong, ",") {
				t.Fatalf("found %q, want %q: %+v", got, tt.wrong, fs)
			}
		})
	}
}

func TestLeadersByPageDate(t *testing.T) {
	in := New(Config{})
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, china)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name, text, date string // date "": undated page
		evidence         string
	}{
		{name: "the premier of the page's year", text: "国务院总理李克强主持召开国务院常务会议。", date: "2018-05-10"},
		{name: "a former premier written as current", text: "国务院总理李克强主持召开国务院常务会议。", date: "2024-05-10",
			evidence: "李克强担任国务院总理的任期为2013年3月至2023年3月，页面日期2024-05-10，当时的国务院总理为李强：【国务院总理李克强】"},
		{name: "the current premier", text: "国务院总理李强主持召开国务院常务会议。", date: "2024-05-10"},
		{name: "name before the short office", text: "李强总理强调，要稳就业。", date: "2024-05-10"},
		{name: "an office before its term", text: "李强总理强调，要稳就业。", date: "2018-05-10",
			evidence: "李强担任国务院总理的任期为2023年3月至今"},
		{name: "a year of the term in the sentence", text: "2015年，国务院总理李克强来我市考察。", date: "2024-05-10"},
		{name: "时任", text: "时任国务院总理李克强来我市考察。", date: "2024-05-10"},
		{name: "an office the person never held", text: "国务院总理王沪宁出席会议。", date: "2024-05-10",
			evidence: "王沪宁未担任过国务院总理，当时的国务院总理为李强"},
		{name: "never held, undated", text: "国务院总理王沪宁出席会议。", evidence: "王沪宁未担任过国务院总理"},
		{name: "a former office on an undated page is not judged", text: "国务院总理李克强出席会议。"},
		{name: "vice premier then", text: "国务院副总理李克强出席会议。", date: "2010-06-01"},
		{name: "vice president now", text: "国家副主席韩正会见外宾。", date: "2025-03-01"},
		{name: "主席 for either office", text: "习近平主席和王沪宁主席出席。", date: "2025-03-01"},
		{name: "主席台 is a rostrum", text: "一片汪洋主席台前。", date: "2025-03-01"},
		{name: "a short office of someone of the same name", text: "市政协李强主席出席。", date: "2025-03-01"},
		{name: "a short office after its term", text: "汪洋主席出席。", date: "2025-03-01",
			evidence: "汪洋担任全国政协主席的任期为2018年3月至2023年3月"},
		{name: "full office name of the NPC", text: "全国人民代表大会常务委员会委员长栗战书出席。", date: "2025-03-01",
			evidence: "栗战书担任全国人大常委会委员长的任期为2018年3月至2023年3月"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var date time.Time
			if tt.date != "" {
				date = day(tt.date).Add(10 * time.Hour)
			}
			fs := wordingOf(t, in, tt.text, date)
			if tt.evidence == "" {
				if len(fs) != 0 {
					t.Fatalf("want nothing, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || !fs[0].Veto || !fs[0].Suspected || fs[0].Indicator != indicator.Security ||
				!strings.Contains(fs[0].Evidence, tt.evidence) {
				t.Fatalf("want one serious finding with %q, got %+v", tt.evidence, fs)
			}
		})
	}
}

// A planted wording on a crawled article is reported by a whole round, next to the typos.
func TestWordingInARound(t *testing.T) {
	f := newFarm(t)
	pages := goodSite()
	onPage("/news/a2.html", `<p>台湾政府近日发布消息。</p>`)(pages)
	res := inspect(t, f.inspector(Config{}), f.serveSite(pages))
	checkFindings(t, res, []want{{typ: indicator.TypeWording, page: "/news/a2.html", target: "台湾政府",
		evidence: "应为「台湾当局」：【台湾政府】近日发布消息。", veto: true, suspected: true}})
}

// An administrator's entries reach a new inspector without touching the base one.
func TestWithRulesAddsEntries(t *testing.T) {
	base := New(Config{})
	extra := Rules{Typos: []TypoPair{{Wrong: "示范事", Right: "示范市"}},
		Wording: []WordingRule{{Wrong: "某某禁用语", Right: "规范用语", Serious: false}}}
	in := base.WithRules(extra)
	text := "示范事政府提出某某禁用语。"
	if hits := in.words.findTypos(text); len(hits) != 1 || hits[0].Right != "示范市" {
		t.Fatalf("typos with the entry: %+v", hits)
	}
	if hits := in.words.findWording(text); len(hits) != 1 || hits[0].Right != "规范用语" {
		t.Fatalf("wording with the entry: %+v", hits)
	}
	if len(base.words.findTypos(text)) != 0 || len(base.words.findWording(text)) != 0 {
		t.Fatal("the base inspector changed")
	}
}

func TestWordingFilesRefuseBadLines(t *testing.T) {
	for _, tt := range []struct{ name, wording, leaders string }{
		{name: "no level", wording: "北朝鲜\t朝鲜\n"},
		{name: "bad level", wording: "北朝鲜\t朝鲜\tgrave\n"},
		{name: "same forms", wording: "朝鲜\t朝鲜\tserious\n"},
		{name: "unknown option", wording: "北朝鲜\t朝鲜\tserious\tnear=北\n"},
		{name: "allow without the wrong form", wording: "北朝鲜\t朝鲜\tserious\tallow=朝鲜族\n"},
		{name: "bad year", wording: "外蒙古\t蒙古国\tserious\tbefore=民国\n"},
		{name: "holder outside a section", leaders: "李强\t国务院总理\t2023-03-11\n"},
		{name: "bad date", leaders: "[holders]\n李强\t国务院总理\t2023年3月11日\n"},
		{name: "term ends before it starts", leaders: "[holders]\n李强\t国务院总理\t2023-03-11\t2020-01-01\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range map[string]string{"typos.txt": "", "protected.txt": "", "badwords.txt": "", "marks.txt": "", "columns.txt": ""} {
				fsys["r/"+name] = &fstest.MapFile{Data: []byte(body)}
			}
			if tt.wording != "" {
				fsys["r/wording.txt"] = &fstest.MapFile{Data: []byte(tt.wording)}
			}
			if tt.leaders != "" {
				fsys["r/leaders.txt"] = &fstest.MapFile{Data: []byte(tt.leaders)}
			}
			if _, err := LoadRules(fsys, "r"); err == nil {
				t.Fatal("loaded")
			}
		})
	}
}
