package inspector

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tinyLexicon builds the statistical check's tables from a handful of words, the candidates
// put into the similar table in the order given, all characters of one sound class.
func tinyLexicon(freq map[string]uint32, candidates []string) *typoLexicon {
	var total float64
	for _, f := range freq {
		total += float64(f)
	}
	lx := &typoLexicon{logTotal: math.Log(total), names: map[string]bool{}}
	lx.counts = newCountTable(freq, lx.logTotal)
	classes, single := map[rune][]uint32{}, map[rune]float64{}
	for w := range freq {
		for _, r := range w {
			classes[r] = []uint32{1}
		}
	}
	lx.classes, lx.single = newHanTable(classes), newHanTable(single)
	var slots []similarSlot
	for _, w := range candidates {
		rs := []rune(w)
		for k := range rs {
			slot := similarSlot{key: maskKey(rs, k, 1) | 1, count: freq[w], n: uint8(len(rs))}
			copy(slot.word[:], rs)
			slots = append(slots, slot)
		}
	}
	lx.similar = newSimilarTable(slots)
	return lx
}

// TestEqualCandidatesChosenByTheirCharacters: two frequent words that a window becomes with
// the same gain give one suggestion whatever order the lexicon was filled in (its Go maps are
// walked in a different order by every process).
func TestEqualCandidatesChosenByTheirCharacters(t *testing.T) {
	freq := map[string]uint32{"助急": 1000, "助洁": 1000, "助": 1, "技": 1, "急": 1, "洁": 1, "其他": 1_000_000}
	for _, order := range [][]string{{"助急", "助洁"}, {"助洁", "助急"}} {
		lx := tinyLexicon(freq, order)
		sc := statScan{run: "助技", runes: []rune("助技"), offs: []int{0, 3, 6}}
		sc.setRun()
		hit, ok := sc.judge(lx, 0, 2)
		if !ok || hit.right != "助急" {
			t.Errorf("filled in the order %v: judge(助技) = %q, %v; want 助急 (急 U+6025 before 洁 U+6D01)", order, hit.right, ok)
		}
	}
}

// TestLargeTable: the statistical check's tables come zeroed and whole from largeTable, which
// on Linux maps them on their own, aligned to huge pages.
func TestLargeTable(t *testing.T) {
	for _, n := range []int{10, 3 << 20} {
		tab := largeTable[similarSlot](n)
		if len(tab) != n || tab[0] != (similarSlot{}) || tab[n-1] != (similarSlot{}) {
			t.Fatalf("largeTable(%d): %d slots, first %v, last %v", n, len(tab), tab[0], tab[n-1])
		}
		tab[n-1].count = 7 // writable to the end
	}
}

// TestStatShortcutsAgree: the scan's own decoding, Han test and hash of a word's characters
// answer as the standard library does, on every character of the Basic Multilingual Plane and
// on broken UTF-8.
func TestStatShortcutsAgree(t *testing.T) {
	for r := rune(0); r < 0x10000+0x100; r++ {
		if got, want := isHan(r), r >= 0x3400 && unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("isHan(%U) = %v, want %v", r, got, want)
		}
		s := string(r) + "x"
		if r, size := decodeRune(s, 0); r != []rune(s)[0] || size != len(string(r)) {
			t.Fatalf("decodeRune(%q) = %U, %d", s, r, size)
		}
		rs := []rune{r, '政', r}
		if got, want := runesHash(rs), wordHash(string(rs)); got != want {
			t.Fatalf("runesHash(%q) = %x, wordHash %x", string(rs), got, want)
		}
	}
	for _, s := range []string{"\xe5\x80", "\xed\xa0\x80", "\xe0\x80\x80", "\xef\xbf", "\xe5\x80\xe5\x80\x80", "\xc0\x80"} {
		for i := 0; i < len(s); {
			r, size := decodeRune(s, i)
			wr, wsize := utf8.DecodeRuneInString(s[i:])
			if r != wr || size != wsize {
				t.Fatalf("decodeRune(%q, %d) = %U, %d; want %U, %d", s, i, r, size, wr, wsize)
			}
			i += size
		}
	}
}

// The gain bound (mayGain) passes over only candidates that could not have won: the statistical
// check finds the same with it and without it, on the labelled sentences, the clean ones, and
// the clean ones with each character of the labelled pairs' confusions swapped in wherever its
// partner stands (so that most sentences hold a suspicion for the bound to judge).
func TestGainBoundChangesNoFinding(t *testing.T) {
	var texts []string
	swaps := map[rune]rune{}
	for _, l := range readLabelled(t) {
		texts = append(texts, l.sentence)
		w, r := []rune(l.wrong), []rune(l.right)
		for i := range min(len(w), len(r)) {
			if w[i] != r[i] {
				swaps[r[i]] = w[i]
			}
		}
	}
	for _, name := range []string{"testdata/clean-gov.txt", "testdata/clean-gov-heldout.txt"} {
		for _, c := range readLines(t, name) {
			texts = append(texts, c)
			rs := []rune(c)
			for i, r := range rs {
				if wrong, ok := swaps[r]; ok {
					m := slices.Clone(rs)
					m[i] = wrong
					texts = append(texts, string(m))
				}
			}
		}
	}
	lx := sharedLexicon()
	find := func() (out []string, hits int) {
		for _, text := range texts {
			lx.findStatTypos(text, func(string) bool { return false }, func(start, end int, wrong, right string) {
				out = append(out, fmt.Sprintf("%s [%d,%d) %s→%s", text, start, end, wrong, right))
				hits++
			})
			out = append(out, "")
		}
		return out, hits
	}
	with, hits := find()
	gainBound = false
	defer func() { gainBound = true }()
	without, _ := find()
	t.Logf("%d texts, %d suspicions", len(texts), hits)
	if hits < len(texts)/10 {
		t.Fatalf("only %d suspicions in %d texts: too few for the bound to be tried", hits, len(texts))
	}
	for i := range max(len(with), len(without)) {
		if i >= len(with) || i >= len(without) || with[i] != without[i] {
			t.Fatalf("the bound changes a finding: with it %q, without it %q", at(with, i), at(without, i))
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// Set phrases of government writing that the general dictionary lacks are words, not typos:
// each of these was flagged (提质→地质, 多措→多次, 办实→办事, 市融→市容) until it went into
// rules/gov-words.txt.
func TestSetPhrasesAreNotTypos(t *testing.T) {
	w := compileWords(DefaultRules())
	for _, s := range []string{
		"市融媒体中心召开工作会议，部署全年宣传报道工作。",
		"切实把好事办好、实事办实，不断增强群众获得感。",
		"县应急管理局聚焦安全生产，强化监管，推动安全生产工作提质增效。",
		"关于多措并举推进营商环境工作情况的报告",
		"全市多措并举推进乡村振兴。",
	} {
		if hits := w.findTypos(s); len(hits) > 0 {
			t.Errorf("%s: %v", s, hits)
		}
	}
}
