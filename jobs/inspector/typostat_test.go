package inspector

import (
	"math"
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
