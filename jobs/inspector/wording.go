package inspector

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhaocuo/models/indicator"
)

// WordingRule is one rule of the 禁用词和慎用词 list: a form not to write, the form to write,
// and what makes a use of it right after all.
type WordingRule struct {
	Wrong, Right string
	Serious      bool     // 严重表述错误: a veto once a person confirms it; else 慎用 (内容准确性)
	Allow        []string // longer correct forms that contain Wrong (北朝鲜 inside 南北朝鲜卑)
	Unless       []string // words that, in the same sentence, make the use right (成立 for 中华民国)
	Before       int      // a year before this named in the same sentence makes it history; 0: none
	If           []string // the rule holds only in a sentence naming one of these; empty: always
}

// wordingHit is a use of a wording rule, or a leader named with an office, in a page's text.
// Leader hits are judged against the page's date in the report, which the page walk reads last.
type wordingHit struct {
	Wrong, Right string
	Serious      bool
	Sentence     string // the sentence with the wording marked 【】
	Leader       *leaderHit
}

// wording is the compiled wording rules and leader offices: one automaton over the rules'
// wrong forms and every way an office is written.
type wording struct {
	rules   []WordingRule
	offices []officeForm
	terms   map[string][]LeaderTerm // by name
	names   []string                // every leader's name, longest first
	m       *matcher
	nRules  int // pattern ids below nRules are rules; the rest are offices
}

func compileWording(r Rules) *wording {
	wd := &wording{rules: r.Wording, offices: officeForms(r), terms: map[string][]LeaderTerm{}, nRules: len(r.Wording)}
	pats := make([]string, 0, len(r.Wording)+len(wd.offices))
	for _, rule := range r.Wording {
		pats = append(pats, rule.Wrong)
	}
	for _, o := range wd.offices {
		pats = append(pats, o.text)
	}
	for _, t := range r.Leaders {
		if len(wd.terms[t.Name]) == 0 {
			wd.names = append(wd.names, t.Name)
		}
		wd.terms[t.Name] = append(wd.terms[t.Name], t)
	}
	// Longest first: 李克强 must not be read as a 李克 followed by 强.
	slices.SortStableFunc(wd.names, func(a, b string) int { return len(b) - len(a) })
	wd.m = newMatcher(pats)
	return wd
}

// findWording scans a page's text once for the wording rules and for leaders named with an office.
func (w *words) findWording(text string) []wordingHit {
	if w.wording == nil {
		return nil
	}
	wd := w.wording
	type found struct {
		hit        wordingHit
		start, end int
	}
	var all []found
	wd.m.find(text, func(id, start, end int) {
		if id >= wd.nRules {
			if h, s, e, ok := wd.leaderAt(text, wd.offices[id-wd.nRules], start, end); ok {
				all = append(all, found{h, s, e})
			}
			return
		}
		rule := &wd.rules[id]
		sentence, sStart := sentenceAround(text, start, end)
		if allowedAround(text, [2]int{start, end}, rule.Allow) || !rule.applies(sentence) {
			return
		}
		all = append(all, found{wordingHit{Wrong: rule.Wrong, Right: rule.Right, Serious: rule.Serious,
			Sentence: markSentence(sentence, start-sStart, end-sStart)}, start, end})
	})
	// One spot, one hit: the longest form found there (中华民国总统 over 中华民国).
	slices.SortStableFunc(all, func(a, b found) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var hits []wordingHit
	lastEnd := -1
	for _, f := range all {
		if f.start < lastEnd {
			continue
		}
		hits = append(hits, f.hit)
		lastEnd = f.end
	}
	return hits
}

// applies reports whether the rule holds in the sentence: its condition is met and nothing in
// it makes the use right.
func (r *WordingRule) applies(sentence string) bool {
	if len(r.If) > 0 && !slices.ContainsFunc(r.If, func(s string) bool { return strings.Contains(sentence, s) }) {
		return false
	}
	if slices.ContainsFunc(r.Unless, func(s string) bool { return strings.Contains(sentence, s) }) {
		return false
	}
	if r.Before > 0 && slices.ContainsFunc(yearsIn(sentence), func(y int) bool { return y < r.Before }) {
		return false
	}
	return true
}

// sentenceEnds close a sentence; a line break does too, as page text keeps a block per line.
const sentenceEnds = "。！？!?；;\n"

// maxSentenceRunes bounds the sentence shown on each side of the wording: a page without
// punctuation is not quoted whole.
const maxSentenceRunes = 60

// sentenceAround returns the sentence holding text[start:end] and the byte offset it starts at.
func sentenceAround(text string, start, end int) (string, int) {
	lo := start
	for k := 0; k < maxSentenceRunes && lo > 0; k++ {
		r, sz := utf8.DecodeLastRuneInString(text[:lo])
		if strings.ContainsRune(sentenceEnds, r) {
			break
		}
		lo -= sz
	}
	hi := end
	for k := 0; k < maxSentenceRunes && hi < len(text); k++ {
		r, sz := utf8.DecodeRuneInString(text[hi:])
		hi += sz
		if strings.ContainsRune(sentenceEnds, r) {
			break
		}
	}
	return text[lo:hi], lo
}

// markSentence puts 【】 around the wording and folds white space, for the evidence.
func markSentence(sentence string, start, end int) string {
	fold := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return maskEvidence(strings.TrimSpace(fold(sentence[:start]) + "【" + sentence[start:end] + "】" + fold(sentence[end:])))
}

var yearPattern = regexp.MustCompile(`(1[6-9][0-9]{2}|20[0-9]{2})\s*年`)

// yearsIn lists the years a sentence names (1912年, 2015 年).
func yearsIn(s string) []int {
	var out []int
	for _, m := range yearPattern.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		out = append(out, y)
	}
	return out
}

// wordingFindings reports each use of a wording rule once per sentence, and each leader named
// with an office they did not hold at the page's date.
func (r *round) wordingFindings(urls []string) []Finding {
	type judged struct {
		wordingHit
		why string // for a leader: what is wrong at the page's date
	}
	hits := func(page string) []judged {
		info := r.pages[page]
		var out []judged
		for _, h := range info.Wording {
			why := ""
			if h.Leader != nil {
				var ok bool
				if why, ok = r.in.words.wording.judgeLeader(*h.Leader, info.Date); !ok {
					continue
				}
			}
			out = append(out, judged{h, why})
		}
		return out
	}
	var out []Finding
	for _, u := range gather(urls, hits, func(h judged) string { return h.Wrong + "\x00" + h.Sentence }) {
		f := Finding{Type: indicator.TypeWording, Target: u.hit.Wrong, Page: u.pages[0], Suspected: true, Indicator: indicator.Accuracy}
		if u.hit.Leader != nil {
			f.Evidence = fmt.Sprintf("疑似领导人姓名职务表述错误「%s」：%s：%s", u.hit.Wrong, u.hit.why, u.hit.Sentence)
		} else {
			f.Evidence = fmt.Sprintf("疑似禁用表述「%s」，应为「%s」：%s", u.hit.Wrong, u.hit.Right, u.hit.Sentence)
		}
		if u.hit.Serious {
			// A serious wrong expression (严重表述错误): a veto once a person confirms it.
			f.Veto, f.Indicator = true, indicator.Security
		}
		f.Evidence += onPages(u.pages)
		f.Key = findingKey(f.Type, f.Page, f.Target, u.hit.Sentence)
		out = append(out, f)
	}
	return out
}

// loadWording reads wording.txt and leaders.txt from dir, when they are there: a rules
// directory written before they existed still loads, without these checks.
func loadWording(fsys fs.FS, dir string, r *Rules) error {
	files := []struct {
		name  string
		parse func(int, []string, string) error
	}{
		{"wording.txt", func(_ int, _ []string, line string) error {
			rule, err := ParseWordingRule(line)
			if err == nil {
				r.Wording = append(r.Wording, rule)
			}
			return err
		}},
		{"leaders.txt", parseLeaders(r)},
	}
	for _, f := range files {
		if _, err := fs.Stat(fsys, dir+"/"+f.name); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := readRuleFile(fsys, dir+"/"+f.name, f.parse); err != nil {
			return err
		}
	}
	return nil
}

// ParseWordingRule reads one line of wording.txt: wrong, right and level separated by a TAB,
// then the options (allow=A|B unless=A|B before=YYYY if=A|B).
func ParseWordingRule(line string) (WordingRule, error) {
	f := strings.Split(line, "\t")
	if len(f) < 3 || len(f) > 4 {
		return WordingRule{}, fmt.Errorf("want wrong<TAB>right<TAB>serious|careful[<TAB>options]")
	}
	rule := WordingRule{Wrong: strings.TrimSpace(f[0]), Right: strings.TrimSpace(f[1])}
	switch strings.TrimSpace(f[2]) {
	case "serious":
		rule.Serious = true
	case "careful":
	default:
		return WordingRule{}, fmt.Errorf("level %q: want serious or careful", f[2])
	}
	if rule.Wrong == "" || rule.Right == "" || rule.Wrong == rule.Right {
		return WordingRule{}, fmt.Errorf("want a wrong form and a different right one")
	}
	if len(f) == 4 {
		for _, opt := range strings.Fields(f[3]) {
			key, val, _ := strings.Cut(opt, "=")
			words := strings.Split(val, "|")
			switch key {
			case "allow":
				rule.Allow = words
			case "unless":
				rule.Unless = words
			case "if":
				rule.If = words
			case "before":
				y, err := strconv.Atoi(val)
				if err != nil || y < 1000 || y > 9999 {
					return WordingRule{}, fmt.Errorf("before=%q: want a year", val)
				}
				rule.Before = y
			default:
				return WordingRule{}, fmt.Errorf("unknown option %q", opt)
			}
			if slices.Contains(words, "") {
				return WordingRule{}, fmt.Errorf("option %q has an empty word", opt)
			}
		}
	}
	for _, a := range rule.Allow {
		if !strings.Contains(a, rule.Wrong) {
			return WordingRule{}, fmt.Errorf("allow=%s does not contain %s", a, rule.Wrong)
		}
	}
	return rule, nil
}
