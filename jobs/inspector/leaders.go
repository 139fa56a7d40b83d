package inspector

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// LeaderTerm is one term of a state leader in an office. Dates are days in China; To is the day
// the term ended (the successor's first day), zero while in office.
type LeaderTerm struct {
	Name, Office string
	From, To     time.Time
}

// LeaderOffice is an office of leaders.txt and the other ways it is written. Short forms
// ("总理") count only right after a person's name.
type LeaderOffice struct {
	Office string
	Forms  []string
	After  []string
}

// officeForm is one way an office is written, as the automaton finds it.
type officeForm struct {
	text    string
	offices []string // "主席" after a name is 国家主席 or 全国政协主席
	after   bool     // short: only right after a name
}

// leaderHit is a leader's name written next to an office, to be judged by the page's date.
type leaderHit struct {
	Name, Office string
	Offices      []string // the offices the written form may mean
	Years        []int    // years the sentence names: 2015年 makes it history
	Then         bool     // 时任, 原 or 前 before it: a former office on purpose
	Short        bool     // written as a short form after the name (李强总理)
}

func officeForms(r Rules) []officeForm {
	byText := map[string]int{}
	var out []officeForm
	add := func(text, office string, after bool) {
		if i, ok := byText[text]; ok {
			out[i].offices = append(out[i].offices, office)
			return
		}
		byText[text] = len(out)
		out = append(out, officeForm{text: text, offices: []string{office}, after: after})
	}
	known := map[string]bool{}
	for _, o := range r.Offices {
		known[o.Office] = true
		add(o.Office, o.Office, false)
		for _, f := range o.Forms {
			add(f, o.Office, false)
		}
		for _, f := range o.After {
			add(f, o.Office, true)
		}
	}
	// An office only an administrator's entry names is written as it is named.
	for _, t := range r.Leaders {
		if !known[t.Office] {
			known[t.Office] = true
			add(t.Office, t.Office, false)
		}
	}
	return out
}

// wordsAfterShortOffice make a short office the start of another word: 主席台, 主席团.
var wordsAfterShortOffice = []string{"台", "团", "令"}

// leaderAt reads a leader's name right after (国务院总理李强) or right before (李强总理) an office
// found at text[start:end]. Only names on the list count: a name the list does not know is
// left to the protected names' fuzzy match.
func (wd *wording) leaderAt(text string, o officeForm, start, end int) (wordingHit, int, int, bool) {
	name, s, e := "", start, end
	if !o.after {
		for _, n := range wd.names {
			if strings.HasPrefix(text[end:], n) {
				name, e = n, end+len(n)
				break
			}
		}
	}
	if name == "" {
		for _, n := range wd.names {
			if strings.HasSuffix(text[:start], n) {
				name, s = n, start-len(n)
				break
			}
		}
		if name != "" && o.after {
			for _, w := range wordsAfterShortOffice {
				if strings.HasPrefix(text[end:], w) {
					return wordingHit{}, 0, 0, false
				}
			}
		}
	}
	if name == "" {
		return wordingHit{}, 0, 0, false
	}
	sentence, sStart := sentenceAround(text, s, e)
	before := sentence[:s-sStart]
	then := strings.HasSuffix(before, "时任") || strings.HasSuffix(before, "原") || strings.HasSuffix(before, "前")
	h := wordingHit{Wrong: strings.Clone(text[s:e]), Right: "", Serious: true, Sentence: markSentence(sentence, s-sStart, e-sStart),
		Leader: &leaderHit{Name: name, Office: o.offices[0], Offices: o.offices, Years: yearsIn(sentence), Then: then, Short: o.after}}
	return h, s, e, true
}

// judgeLeader decides a leader's hit against the page's date, and says why it is wrong. A
// name with an office the person never held is wrong whenever; one with an office they held at
// another time is wrong when the page is dated outside the term, unless the sentence says it
// speaks of that time (时任, or a year of the term). An undated page is judged on the first only.
func (wd *wording) judgeLeader(h leaderHit, date time.Time) (string, bool) {
	var held []LeaderTerm
	for _, t := range wd.terms[h.Name] {
		for _, o := range h.Offices {
			if t.Office == o {
				held = append(held, t)
			}
		}
	}
	if len(held) == 0 {
		if h.Short {
			// "李强主席" may be a city's 政协主席 of the same name: a short form says
			// which office only of a person who held it.
			return "", false
		}
		return fmt.Sprintf("%s未担任过%s%s", h.Name, h.Office, wd.holderNote(h.Office, date)), true
	}
	if date.IsZero() || h.Then {
		return "", false
	}
	day := date.In(china).Format(time.DateOnly)
	for _, t := range held {
		if !t.covers(date) {
			continue
		}
		return "", false
	}
	for _, t := range held {
		for _, y := range h.Years {
			if y >= t.From.Year() && (t.To.IsZero() || y <= t.To.Year()) {
				return "", false
			}
		}
	}
	t := held[0]
	return fmt.Sprintf("%s担任%s的任期为%s，页面日期%s%s", h.Name, t.Office, t.span(), day, wd.holderNote(t.Office, date)), true
}

// holderNote names who held the office at the page's date; nothing for an undated page.
func (wd *wording) holderNote(office string, date time.Time) string {
	if date.IsZero() {
		return ""
	}
	var names []string
	for _, n := range wd.names {
		for _, t := range wd.terms[n] {
			if t.Office == office && t.covers(date) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "，当时的" + office + "为" + strings.Join(names, "、")
}

func (t LeaderTerm) covers(date time.Time) bool {
	day := date.In(china)
	return !day.Before(t.From) && (t.To.IsZero() || day.Before(t.To))
}

func (t LeaderTerm) span() string {
	to := "今"
	if !t.To.IsZero() {
		to = t.To.Format("2006年1月")
	}
	return t.From.Format("2006年1月") + "至" + to
}

// parseLeaders reads leaders.txt: an [offices] section, then [holders].
func parseLeaders(r *Rules) func(int, []string, string) error {
	section := ""
	return func(_ int, _ []string, line string) error {
		if line == "[offices]" || line == "[holders]" {
			section = line
			return nil
		}
		f := strings.Split(line, "\t")
		switch section {
		case "[offices]":
			o := LeaderOffice{Office: strings.TrimSpace(f[0])}
			if len(f) > 1 {
				for _, form := range strings.Split(f[1], "|") {
					if after, ok := strings.CutPrefix(strings.TrimSpace(form), "~"); ok && after != "" {
						o.After = append(o.After, after)
					} else if form = strings.TrimSpace(form); form != "" {
						o.Forms = append(o.Forms, form)
					}
				}
			}
			if o.Office == "" || len(f) > 2 {
				return fmt.Errorf("want office<TAB>forms")
			}
			r.Offices = append(r.Offices, o)
		case "[holders]":
			if len(f) < 3 || len(f) > 4 {
				return fmt.Errorf("want name<TAB>office<TAB>from[<TAB>to]")
			}
			to := ""
			if len(f) == 4 {
				to = f[3]
			}
			t, err := ParseLeaderTerm(f[0], f[1], f[2], to)
			if err != nil {
				return err
			}
			r.Leaders = append(r.Leaders, t)
		default:
			return fmt.Errorf("line outside an [offices] or [holders] section")
		}
		return nil
	}
}

// ParseLeaderTerm checks one term: a name of two to four characters, an office, the first
// day and (empty while in office) the day it ended, as YYYY-MM-DD.
func ParseLeaderTerm(name, office, from, to string) (LeaderTerm, error) {
	t := LeaderTerm{Name: strings.TrimSpace(name), Office: strings.TrimSpace(office)}
	if n := utf8.RuneCountInString(t.Name); n < 2 || n > 6 || t.Office == "" {
		return LeaderTerm{}, fmt.Errorf("want a name of 2 to 6 characters and an office")
	}
	var err error
	if t.From, err = time.ParseInLocation(time.DateOnly, strings.TrimSpace(from), china); err != nil {
		return LeaderTerm{}, fmt.Errorf("from %q: want YYYY-MM-DD", from)
	}
	if to = strings.TrimSpace(to); to != "" {
		if t.To, err = time.ParseInLocation(time.DateOnly, to, china); err != nil {
			return LeaderTerm{}, fmt.Errorf("to %q: want YYYY-MM-DD", to)
		}
		if !t.To.After(t.From) {
			return LeaderTerm{}, fmt.Errorf("the term ends before it starts")
		}
	}
	return t, nil
}
