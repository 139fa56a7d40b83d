package inspector

import (
	"math"
	"testing"
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
