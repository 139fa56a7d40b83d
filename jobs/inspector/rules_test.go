package inspector

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	if len(r.Typos) < 40 || len(r.Protected) < 20 || len(r.BadText) < 20 || len(r.BadURL) < 20 {
		t.Errorf("lists too short: %d typos, %d protected, %d bad words, %d bad url parts",
			len(r.Typos), len(r.Protected), len(r.BadText), len(r.BadURL))
	}
	for _, p := range r.Typos {
		if p.Wrong == p.Right {
			t.Errorf("typo pair %q → %q is no correction", p.Wrong, p.Right)
		}
	}
	marks := map[string]bool{}
	for _, m := range r.Marks {
		marks[m.Name] = true
	}
	for _, name := range []string{"badge", "网站标识码", "党政机关标识", "ICP备案号", "公安机关备案号", "主办单位", "联系方式"} {
		if !marks[name] {
			t.Errorf("no pattern for mark %s", name)
		}
	}
	// A correct protected name must never read as a typo of another one.
	w := compileWords(r)
	for _, p := range r.Protected {
		if hits := w.findTypos("　" + p.Name + "　"); len(hits) != 0 {
			t.Errorf("protected name %s gives typo hits %+v", p.Name, hits)
		}
	}
	for _, p := range r.Typos {
		if hits := w.findTypos(p.Right); len(hits) != 0 {
			t.Errorf("the right form %s gives typo hits %+v", p.Right, hits)
		}
	}
}

func TestLoadRulesErrors(t *testing.T) {
	good := fstest.MapFS{}
	for _, name := range []string{"typos.txt", "typos-common.txt", "protected.txt", "badwords.txt", "marks.txt", "columns.txt"} {
		data, err := defaultRuleFiles.ReadFile("rules/" + name)
		if err != nil {
			t.Fatal(err)
		}
		good["r/"+name] = &fstest.MapFile{Data: data}
	}
	if _, err := LoadRules(good, "r"); err != nil {
		t.Fatalf("copy of the defaults: %v", err)
	}
	tests := []struct {
		name, file, data, want string
	}{
		{name: "typo without correction", file: "typos.txt", data: "攻府\n", want: "typos.txt line 1"},
		{name: "word outside a section", file: "badwords.txt", data: "博彩\n", want: "outside a [text] or [url] section"},
		{name: "bad regexp", file: "marks.txt", data: "x\ttext\t(\n", want: "marks.txt line 1"},
		{name: "bad where", file: "marks.txt", data: "x\tbody\ty\n", want: "text|url"},
		{name: "bad limit", file: "columns.txt", data: "news\t动态\t2w\t动态\n", want: "want Nd or Nm"},
		{name: "missing file", file: "", want: "rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range good {
				fsys[k] = v
			}
			if tt.file == "" {
				delete(fsys, "r/typos.txt")
			} else {
				fsys["r/"+tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			}
			_, err := LoadRules(fsys, "r")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestColumnType(t *testing.T) {
	r := DefaultRules()
	tests := []struct{ text, want string }{
		{"工作动态", "news"}, {"通知公告", "notice"}, {"公告", "notice"}, {"区政府文件", "policy"},
		{"人事任免", "personnel"}, {"发展规划", "plan"}, {" 政务动态 >> ", "news"},
		{"关于做好春季防火工作的通知", ""}, {"政务公开", ""}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, _ := r.columnType(tt.text)
			if got != tt.want {
				t.Errorf("columnType(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	if c := r.column("nonsense"); c.Type != "other" {
		t.Errorf("unknown type falls back to %q", c.Type)
	}
}

func TestFindTypos(t *testing.T) {
	w := compileWords(DefaultRules())
	tests := []struct {
		name    string
		text    string
		wrong   []string
		serious []bool
	}{
		{name: "pair", text: "认真布署安排", wrong: []string{"布署"}, serious: []bool{false}},
		{name: "pair on a protected name", text: "中华人民共合国", wrong: []string{"中华人民共合国"}, serious: []bool{true}},
		{name: "substitution", text: "学习习近平新时代中国特色社会注义思想", wrong: []string{"习近平新时代中国特色社会注义思想"}, serious: []bool{true}},
		{name: "missing character", text: "全国人民代表会常务委员会", wrong: []string{"全国人民代表会常务委员会"}, serious: []bool{true}},
		{name: "extra character", text: "中国人民政治协商商会议", wrong: []string{"中国人民政治协商商会议"}, serious: []bool{true}},
		{name: "allowed variant", text: "国务院副总理出席", wrong: nil},
		{name: "correct text", text: "中国共产党中央委员会和国务院办公厅", wrong: nil},
		{name: "different end is another word", text: "中国共产主义青年团", wrong: nil},
		{name: "several", text: "攻府和政付", wrong: []string{"攻府", "政付"}, serious: []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := w.findTypos(tt.text)
			if len(hits) != len(tt.wrong) {
				t.Fatalf("hits = %+v, want %v", hits, tt.wrong)
			}
			for i, h := range hits {
				if h.Wrong != tt.wrong[i] || h.Serious != tt.serious[i] || !strings.Contains(h.Snippet, h.Wrong) {
					t.Errorf("hit %d = %+v, want %s serious=%v", i, h, tt.wrong[i], tt.serious[i])
				}
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("前", 40) + "攻府" + strings.Repeat("后", 40)
	tests := []struct{ name, text, wrong, want string }{
		{"cut both sides", long, "攻府", "…" + strings.Repeat("前", 30) + "【攻府】" + strings.Repeat("后", 30) + "…"},
		{"one sentence", "上一句。按照部暑要求，认真落实。下一句", "部暑", "按照【部暑】要求，认真落实。"},
		{"line breaks end a sentence", "导航\n按照部暑\n要求", "部暑", "按照【部暑】\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := strings.Index(tt.text, tt.wrong)
			if s := snippet(tt.text, i, i+len(tt.wrong)); s != strings.TrimSuffix(tt.want, "\n") {
				t.Errorf("snippet = %q, want %q", s, tt.want)
			}
		})
	}
}

func TestMatcher(t *testing.T) {
	m := newMatcher([]string{"he", "she", "his", "hers", "政府", "府"})
	var got []string
	m.find("ushers 人民政府", func(id, start, end int) { got = append(got, "ushers 人民政府"[start:end]) })
	if strings.Join(got, ",") != "she,he,hers,政府,府" {
		t.Errorf("matches = %v", got)
	}
	if m.first("nothing") != -1 || m.first("this") != 2 {
		t.Error("first")
	}
}
