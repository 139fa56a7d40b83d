package inspector

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// words holds the rules compiled for scanning: one automaton for the 错敏字 (wrong
// forms, protected names and their halves), one for bad words, one for bad URL parts.
type words struct {
	rules    Rules
	typo     *matcher
	typoPats []typoPattern
	badText  *matcher
	badURL   *matcher
	empty    *matcher // emptyWords (page.go)
	// statistical turns on the check for typos no list names (typostat.go); only the
	// benchmark's baseline turns it off.
	statistical bool
	wording     *wording // 禁用词和慎用词 and leaders' offices (wording.go)
}

type typoPattern struct {
	kind  int // patWrong, patExact, patLeft, patRight
	index int // into Rules.Typos or Rules.Protected
}

const (
	patWrong = iota
	patExact
	patLeft
	patRight
)

// minFuzzyRunes: below five characters one character off is mostly another word.
const minFuzzyRunes = 5

func compileWords(r Rules) *words {
	w := &words{rules: r, statistical: true}
	var pats []string
	for i, t := range r.Typos {
		pats = append(pats, t.Wrong)
		w.typoPats = append(w.typoPats, typoPattern{patWrong, i})
	}
	for i, p := range r.Protected {
		pats = append(pats, p.Name)
		w.typoPats = append(w.typoPats, typoPattern{patExact, i})
		rs := []rune(p.Name)
		if len(rs) >= minFuzzyRunes {
			// One edit touches one half only, so a name written one character off
			// still shows one of its halves exactly: search for the halves, then
			// measure the window around each.
			half := len(rs) / 2
			pats = append(pats, string(rs[:half]), string(rs[half:]))
			w.typoPats = append(w.typoPats, typoPattern{patLeft, i}, typoPattern{patRight, i})
		}
	}
	w.typo = newMatcher(pats)
	w.badText = newMatcher(r.BadText)
	w.badURL = newMatcher(r.BadURL)
	w.empty = newMatcher(emptyWords)
	w.wording = compileWording(r)
	return w
}

// typoHit is a suspected 错敏字 in a text.
type typoHit struct {
	Wrong, Right string
	Snippet      string // the sentence around it, the wrong form in 【】
	Serious      bool   // touches a protected name: a serious wrong expression
}

// findTypos scans text once for wrong forms and for protected names one character off,
// then for typos no list names (typostat.go) where no listed form was found.
func (w *words) findTypos(text string) []typoHit {
	var wrong, exact, halves []span
	var halfKinds []int
	w.typo.find(text, func(id, start, end int) {
		p := w.typoPats[id]
		switch p.kind {
		case patWrong:
			wrong = append(wrong, span{start, end, p.index})
		case patExact:
			exact = append(exact, span{start, end, p.index})
		default:
			halves = append(halves, span{start, end, p.index})
			halfKinds = append(halfKinds, p.kind)
		}
	})
	type found struct {
		hit        typoHit
		start, end int
	}
	var kept, fuzzy []found
	// Overlapping pairs are one mistake (渡假 inside 渡假村): the longest form names it.
	slices.SortStableFunc(wrong, func(a, b span) int { return (b.end - b.start) - (a.end - a.start) })
	for _, s := range wrong {
		if slices.ContainsFunc(kept, func(k found) bool { return k.start < s.end && s.start < k.end }) {
			continue
		}
		if w.statistical && sharedLexicon().splitsWords(text, s.start, s.end) {
			continue // 干部暑期 holds 部暑 across two words
		}
		t := w.rules.Typos[s.index]
		kept = append(kept, found{typoHit{Wrong: t.Wrong, Right: t.Right, Snippet: snippet(text, s.start, s.end), Serious: w.protects(t.Right)}, s.start, s.end})
	}
	for i, h := range halves {
		p := w.rules.Protected[h.index]
		n := utf8.RuneCountInString(p.Name)
		for _, win := range fuzzyWindows(text, h.start, h.end, halfKinds[i] == patLeft, n) {
			if overlapsName(exact, h.index, win) {
				continue
			}
			cand := text[win[0]:win[1]]
			if !sameEnds(cand, p.Name) || editDistance(cand, p.Name) != 1 || allowedAround(text, win, p.Allowed) {
				continue
			}
			fuzzy = append(fuzzy, found{typoHit{Wrong: cand, Right: p.Name, Snippet: snippet(text, win[0], win[1]), Serious: true}, win[0], win[1]})
		}
	}
	// One wrong spot is one hit: a pair wins over a fuzzy match, and of fuzzy matches
	// the longest name (社会注义 inside a misspelt 习近平新时代…思想 is the same mistake).
	slices.SortStableFunc(fuzzy, func(a, b found) int { return (b.end - b.start) - (a.end - a.start) })
	for _, f := range fuzzy {
		if !slices.ContainsFunc(kept, func(k found) bool { return k.start < f.end && f.start < k.end }) {
			kept = append(kept, f)
		}
	}
	if w.statistical {
		sharedLexicon().findStatTypos(text, w.partOfProtected, func(start, end int, wrong, right string) {
			if !slices.ContainsFunc(kept, func(k found) bool { return k.start < end && start < k.end }) {
				kept = append(kept, found{typoHit{Wrong: wrong, Right: right, Snippet: snippet(text, start, end), Serious: w.protects(right)}, start, end})
			}
		})
	}
	slices.SortStableFunc(kept, func(a, b found) int { return a.start - b.start })
	hits := make([]typoHit, len(kept))
	for i, k := range kept {
		hits[i] = k.hit
		hits[i].Wrong = strings.Clone(k.hit.Wrong) // not the page's whole text, which it is cut from
	}
	return hits
}

// fuzzyWindows lists the byte ranges of n-1, n and n+1 runes that start at a left
// half's start or end at a right half's end.
func fuzzyWindows(text string, start, end int, left bool, n int) [][2]int {
	var out [][2]int
	for _, size := range []int{n - 1, n, n + 1} {
		if left {
			e := start
			for k := 0; k < size && e < len(text); k++ {
				_, sz := utf8.DecodeRuneInString(text[e:])
				e += sz
			}
			out = append(out, [2]int{start, e})
		} else {
			s := end
			for k := 0; k < size && s > 0; k++ {
				_, sz := utf8.DecodeLastRuneInString(text[:s])
				s -= sz
			}
			out = append(out, [2]int{s, end})
		}
	}
	return out
}

// span is a match in a text: byte range and the index of the rule entry.
type span struct{ start, end, index int }

func overlapsName(exact []span, index int, win [2]int) bool {
	for _, s := range exact {
		if s.index == index && s.start < win[1] && win[0] < s.end {
			return true
		}
	}
	return false
}

func sameEnds(a, b string) bool {
	ra, _ := utf8.DecodeRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	la, _ := utf8.DecodeLastRuneInString(a)
	lb, _ := utf8.DecodeLastRuneInString(b)
	return ra == rb && la == lb
}

func allowedAround(text string, win [2]int, allowed []string) bool {
	for _, a := range allowed {
		lo, hi := max(0, win[0]-len(a)), min(len(text), win[1]+len(a))
		if strings.Contains(text[lo:hi], a) {
			return true
		}
	}
	return false
}

// partOfProtected reports whether s is written inside a protected name: correct by definition.
func (w *words) partOfProtected(s string) bool {
	for _, p := range w.rules.Protected {
		if strings.Contains(p.Name, s) {
			return true
		}
	}
	return false
}

// protects reports whether s contains a protected name: a typo in it is serious.
func (w *words) protects(s string) bool {
	for _, p := range w.rules.Protected {
		if strings.Contains(s, p.Name) {
			return true
		}
	}
	return false
}

// editDistance is the Levenshtein distance in runes of two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// snippet returns the sentence around text[start:end] on one line, the suspected form in
// 【】 so that a reader sees at once which characters are meant: "…按照【部暑】要求…". The
// sentence is cut at 。！？；, at a line break, or 30 characters from the form.
func snippet(text string, start, end int) string {
	const reach = 30
	lo, hi := start, end
	cutLo, cutHi := true, true
	for k := 0; k < reach; k++ {
		if lo == 0 {
			cutLo = false
			break
		}
		r, sz := utf8.DecodeLastRuneInString(text[:lo])
		if sentenceEnd(r) {
			cutLo = false
			break
		}
		lo -= sz
	}
	for k := 0; k < reach; k++ {
		if hi == len(text) {
			cutHi = false
			break
		}
		r, sz := utf8.DecodeRuneInString(text[hi:])
		hi += sz
		if sentenceEnd(r) {
			cutHi = false
			break
		}
	}
	var b strings.Builder
	if cutLo {
		b.WriteString("…")
	}
	b.WriteString(strings.Join(strings.Fields(text[lo:start]), " "))
	b.WriteString("【" + text[start:end] + "】")
	b.WriteString(strings.Join(strings.Fields(text[end:hi]), " "))
	if cutHi {
		b.WriteString("…")
	}
	return maskEvidence(b.String())
}

func sentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '\n':
		return true
	}
	return false
}

// badWord returns a gambling or porn word in the link's text or target, or "".
// Targets on .gov.cn hosts are exempt: the state lotteries are government sites.
func (w *words) badWord(u *url.URL, texts ...string) string {
	if u != nil && isGovHost(u.Hostname()) {
		return ""
	}
	for _, t := range texts {
		if t = stripZeroWidth(t); t != "" {
			if id := w.badText.first(t); id >= 0 {
				return w.rules.BadText[id]
			}
		}
	}
	if u == nil {
		return ""
	}
	target := strings.ToLower(u.Host + u.EscapedPath())
	if p, err := url.PathUnescape(u.EscapedPath()); err == nil {
		if id := w.badText.first(p); id >= 0 {
			return w.rules.BadText[id]
		}
	}
	if id := w.badURL.first(target); id >= 0 {
		return w.rules.BadURL[id]
	}
	return ""
}

// badContent counts the different bad words of a page's text and says whether the
// title holds one; it returns the words found when the page counts as such a site.
func (w *words) badContent(title, text string) []string {
	seen := map[int]bool{}
	w.badText.find(text, func(id, _, _ int) { seen[id] = true })
	inTitle := w.badText.first(title)
	if inTitle >= 0 {
		seen[inTitle] = true
	}
	if len(seen) < max(1, w.rules.BadContentMin) && inTitle < 0 {
		return nil
	}
	var out []string
	for id := range w.rules.BadText {
		if seen[id] {
			out = append(out, w.rules.BadText[id])
		}
	}
	return out
}

func isGovHost(host string) bool {
	host = strings.ToLower(host)
	return host == "gov.cn" || strings.HasSuffix(host, ".gov.cn")
}

func stripZeroWidth(s string) string {
	if !strings.ContainsFunc(s, isZeroWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isZeroWidth(r) {
			return -1
		}
		return r
	}, s)
}
