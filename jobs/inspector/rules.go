package inspector

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// defaultRuleFiles are the maintained word lists. They are data, not code, so that a
// list can be corrected without touching the checks; LoadRules reads the same format
// from any file system, which lets an administrator replace them.
//
//go:embed rules/*.txt
var defaultRuleFiles embed.FS

// Rules are the word lists and tables the checks use.
type Rules struct {
	Typos     []TypoPair      // 错敏字: wrong form and the right one
	Protected []ProtectedName // names and titles matched exactly and one character off
	BadText   []string        // gambling and porn words in link text and page text
	BadURL    []string        // gambling and porn patterns in lower-cased host and path
	// BadContentMin is how many different BadText words an outbound page must show
	// (or one in its <title>) to count as 外链变异; one word in a news text is not enough.
	BadContentMin int
	Marks         []Mark       // the 找错 entry ("badge") and the footer marks
	Columns       []ColumnRule // column types with their update limits and names

	// 禁用词和慎用词 (wording.txt) and the state leaders' terms in office (leaders.txt).
	Wording []WordingRule
	Leaders []LeaderTerm
	Offices []LeaderOffice
}

// TypoPair is one entry of the 错敏字 list.
type TypoPair struct{ Wrong, Right string }

// ProtectedName is a name that must be written exactly; Allowed lists correct forms
// that are one character away from it (国务院副总理 next to 国务院总理).
type ProtectedName struct {
	Name    string
	Allowed []string
}

// Mark is a pattern of a required homepage mark. Where is "text" (page text, img alt
// and title), "url" (href, src, and the 找错 script's sitecode) or "image" (an image's
// address, alt and title).
//
// Kind says what a match means. "value": the mark with its value (an ICP备案号 with its
// number). "code": the same, and the first group is a 网站标识码 that must be the site's own.
// "label": the mark's words alone, so that "网站标识码：" followed by nothing is told apart
// from no mark at all; Want says what value should follow, in the finding's words.
type Mark struct {
	Name    string
	Kind    string
	Where   string
	Pattern *regexp.Regexp
	Want    string
}

// ColumnRule says how often a column type must be updated and which link texts name it.
type ColumnRule struct {
	Type  string // news, notice, policy, personnel, plan, other
	Name  string // the indicator's word for the type, e.g. 动态要闻
	Limit Age
	Words []string
}

// Age is a span of months and days, the way the indicators state limits
// ("6 months" is not a fixed number of days).
type Age struct{ Months, Days int }

// Since reports the earliest time that is still within the age before now.
func (a Age) Since(now time.Time) time.Time { return now.AddDate(0, -a.Months, -a.Days) }

func (a Age) String() string {
	if a.Months > 0 {
		return fmt.Sprintf("%d个月", a.Months)
	}
	return fmt.Sprintf("%d天", a.Days)
}

// DefaultRules returns the embedded lists. The files are part of the build, so a
// broken one is a programming error caught by the tests, like template.Must.
func DefaultRules() Rules {
	r, err := LoadRules(defaultRuleFiles, "rules")
	if err != nil {
		panic(err)
	}
	return r
}

// LoadRules reads typos.txt, typos-common.txt, protected.txt, badwords.txt, marks.txt and columns.txt
// from dir in fsys.
func LoadRules(fsys fs.FS, dir string) (Rules, error) {
	r := Rules{BadContentMin: 3}
	parseTypo := func(n int, f []string, _ string) error {
		if len(f) != 2 {
			return fmt.Errorf("want 2 fields, got %d", len(f))
		}
		r.Typos = append(r.Typos, TypoPair{Wrong: f[0], Right: f[1]})
		return nil
	}
	steps := []struct {
		file  string
		parse func(lineNo int, fields []string, line string) error
	}{
		{"typos.txt", parseTypo},
		{"typos-common.txt", parseTypo}, // the published lists of common misspellings
		{"protected.txt", func(n int, _ []string, line string) error {
			name, allowed, _ := strings.Cut(line, "|")
			p := ProtectedName{Name: strings.TrimSpace(name), Allowed: strings.Fields(allowed)}
			if p.Name == "" {
				return fmt.Errorf("empty name")
			}
			r.Protected = append(r.Protected, p)
			return nil
		}},
		{"badwords.txt", parseBadWords(&r)},
		{"marks.txt", func(n int, _ []string, line string) error {
			m, err := parseMark(line)
			if err != nil {
				return err
			}
			r.Marks = append(r.Marks, m)
			return nil
		}},
		{"columns.txt", func(n int, f []string, _ string) error {
			if len(f) < 3 {
				return fmt.Errorf("want type, name, limit and words")
			}
			age, err := parseAge(f[2])
			if err != nil {
				return err
			}
			r.Columns = append(r.Columns, ColumnRule{Type: f[0], Name: f[1], Limit: age, Words: f[3:]})
			return nil
		}},
	}
	for _, s := range steps {
		if err := readRuleFile(fsys, dir+"/"+s.file, s.parse); err != nil {
			return Rules{}, err
		}
	}
	if err := loadWording(fsys, dir, &r); err != nil {
		return Rules{}, err
	}
	return r, nil
}

// parseMark reads name<TAB>kind<TAB>where<TAB>regexp[<TAB>want]. The older form
// name<TAB>where<TAB>regexp is a value line, so that a list kept by an administrator still
// loads.
func parseMark(line string) (Mark, error) {
	f := strings.Split(line, "\t")
	if len(f) == 3 && (f[1] == "text" || f[1] == "url") {
		f = []string{f[0], "value", f[1], f[2]}
	}
	if len(f) < 4 || len(f) > 5 || f[0] == "" || (f[1] != "value" && f[1] != "code" && f[1] != "label") ||
		(f[2] != "text" && f[2] != "url" && f[2] != "image") {
		return Mark{}, fmt.Errorf("want name<TAB>value|code|label<TAB>text|url|image<TAB>regexp[<TAB>want]")
	}
	re, err := regexp.Compile(f[3])
	if err != nil {
		return Mark{}, err
	}
	m := Mark{Name: f[0], Kind: f[1], Where: f[2], Pattern: re}
	if len(f) == 5 {
		m.Want = f[4]
	}
	return m, nil
}

func parseBadWords(r *Rules) func(int, []string, string) error {
	section := ""
	return func(n int, _ []string, line string) error {
		switch {
		case line == "[text]" || line == "[url]":
			section = line
		case section == "[text]":
			r.BadText = append(r.BadText, line)
		case section == "[url]":
			r.BadURL = append(r.BadURL, strings.ToLower(line))
		default:
			return fmt.Errorf("word outside a [text] or [url] section")
		}
		return nil
	}
}

func readRuleFile(fsys fs.FS, name string, parse func(int, []string, string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("inspector: rules: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := parse(n, strings.Fields(line), line); err != nil {
			return fmt.Errorf("inspector: rules: %s line %d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("inspector: rules: read %s: %w", name, err)
	}
	return nil
}

func parseAge(s string) (Age, error) {
	if len(s) < 2 {
		return Age{}, fmt.Errorf("bad limit %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return Age{}, fmt.Errorf("bad limit %q", s)
	}
	switch s[len(s)-1] {
	case 'd':
		return Age{Days: n}, nil
	case 'm':
		return Age{Months: n}, nil
	}
	return Age{}, fmt.Errorf("bad limit %q: want Nd or Nm", s)
}

// column returns the rule of a column type, falling back to "other".
func (r *Rules) column(typ string) ColumnRule {
	var other ColumnRule
	for _, c := range r.Columns {
		if c.Type == typ {
			return c
		}
		if c.Type == "other" {
			other = c
		}
	}
	if other.Type == "" {
		other = ColumnRule{Type: "other", Name: "其他", Limit: Age{Months: 12}}
	}
	return other
}

// columnType recognises a column from the text of a navigation link: the text equals a
// word, or is short and ends with one (区政府文件 is a 政策文件 column). The longest
// matching word wins so that 通知公告 beats 公告. Titles of articles are long, which
// is why the length is capped.
func (r *Rules) columnType(text string) (typ string, ok bool) {
	text = strings.Trim(text, " \u00a0\t\r\n>»›·|【】[]")
	n := len([]rune(text))
	if n == 0 || n > 8 {
		return "", false
	}
	best := 0
	for _, c := range r.Columns {
		for _, w := range c.Words {
			if (text == w || strings.HasSuffix(text, w)) && len(w) > best {
				best, typ = len(w), c.Type
			}
		}
	}
	return typ, best > 0
}
