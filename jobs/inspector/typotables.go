package inspector

import (
	"math"
	"unicode/utf8"
)

// The statistical check's tables (typostat.go). The scan asks about every character and
// every short window of a page, so what it looks up is kept in flat arrays that a lookup
// reads in one cache line, never a Go map of strings.

// hanLo and hanHi bound the block of Han characters the dense tables cover: CJK Extension A
// and the Unified Ideographs, where every character of gse's frequent words falls.
const hanLo, hanHi = 0x3400, 0xA000

// hanTable holds a value per character: an array over the Han block, a map for the rest.
type hanTable[T any] struct {
	dense []T
	set   []bool
	other map[rune]T
}

func newHanTable[T any](m map[rune]T) hanTable[T] {
	t := hanTable[T]{dense: make([]T, hanHi-hanLo), set: make([]bool, hanHi-hanLo), other: map[rune]T{}}
	for r, v := range m {
		if r >= hanLo && r < hanHi {
			t.dense[r-hanLo], t.set[r-hanLo] = v, true
		} else {
			t.other[r] = v
		}
	}
	return t
}

func (t *hanTable[T]) get(r rune) (T, bool) {
	if r >= hanLo && r < hanHi {
		return t.dense[r-hanLo], t.set[r-hanLo]
	}
	v, ok := t.other[r]
	return v, ok
}

// similarTable holds the frequent words a typo may stand for under the keys
// maskKey(word, k, class)|1, one slot per word and key, with the word's characters and count
// in the slot. Open addressing: a key's words follow one another in its probe sequence.
type similarTable struct {
	slots []similarSlot
	mask  uint64
}

// similarSlot is one word under one key, 32 bytes: two to a cache line.
type similarSlot struct {
	key   uint64 // 0 for an empty slot
	word  [statMaxWord]rune
	count uint32
	n     uint8 // characters of word
}

func newSimilarTable(words []similarSlot) similarTable {
	size := 1
	for size < 2*len(words) {
		size <<= 1
	}
	t := similarTable{slots: largeTable[similarSlot](size), mask: uint64(size - 1)}
	for _, w := range words {
		i := w.key & t.mask
		for t.slots[i].key != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = w
	}
	return t
}

// differsAt reports whether the slot's word has the characters of win except at position k.
func (s *similarSlot) differsAt(win []rune, k int) bool {
	if int(s.n) != len(win) {
		return false
	}
	for i, r := range win {
		if (s.word[i] == r) == (i == k) {
			return false
		}
	}
	return true
}

// countTable holds the log-probability of every word, keyed by a hash of its bytes, in one
// flat array with open addressing. A Go map of 350,000 strings costs a cache miss for the
// bucket and another for the key's bytes on every lookup, and the segmentation makes tens of
// lookups per suspicious window; two words sharing a hash would only blur one score (the
// slot's index and its tag are 51 bits of the hash together).
type countTable struct {
	slots []countSlot
	mask  uint64
	n     int
	// rareLP is the score of a word written statRare times: written more often, it is no
	// typo. Counts are whole, so the threshold halfway to the next count is far from any
	// score's rounding.
	rareLP float32
	// pairs holds a bit for the first two characters of every word of two or more: most
	// substrings the segmentation asks about start with no such pair, and this 128 KB
	// table answers without touching the large one.
	pairs []uint64
	// chars holds the scores of the words of one character, which the segmentation asks
	// about at every position: a 100 KB array rather than the 4 MB table.
	chars hanTable[float32]
}

// countSlot is one entry, 8 bytes: eight to a cache line.
type countSlot struct {
	tag uint32  // the hash's high half, |1; 0 for an empty slot
	lp  float32 // log-probability of the word, for the segmentation
}

const pairBits = 1 << 20

func newCountTable(freq map[string]uint32, logTotal float64) countTable {
	size := 1
	for size < len(freq)*3/2 {
		size <<= 1
	}
	t := countTable{slots: largeTable[countSlot](size), mask: uint64(size - 1), n: len(freq), pairs: make([]uint64, pairBits/64),
		rareLP: float32(math.Log(statRare+0.5) - logTotal)}
	chars := map[rune]float32{}
	for w, f := range freq {
		i, tag := t.slot(wordHash(w))
		t.slots[i] = countSlot{tag: tag, lp: float32(math.Log(float64(f)) - logTotal)}
		if a, size := utf8.DecodeRuneInString(w); size < len(w) {
			b, _ := utf8.DecodeRuneInString(w[size:])
			p := pairHash(a, b)
			t.pairs[p/64] |= 1 << (p % 64)
		} else {
			chars[a] = t.slots[i].lp
		}
	}
	t.chars = newHanTable(chars)
	return t
}

// slot returns the index of the word of hash h, or of the empty slot where it would go, and
// its tag.
func (t *countTable) slot(h uint64) (uint64, uint32) {
	tag := uint32(h>>32) | 1
	i := h & t.mask
	for t.slots[i].tag != 0 && t.slots[i].tag != tag {
		i = (i + 1) & t.mask
	}
	return i, tag
}

// charLogProb is logProb of the character r written alone.
func (t *countTable) charLogProb(r rune) (float64, bool) {
	lp, ok := t.chars.get(r)
	return float64(lp), ok
}

func pairHash(a, b rune) uint64 {
	return (uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)*0xC2B2AE3D27D4EB4F) >> 44
}

// mayStartWord reports whether some word of two or more characters may start with a, b.
func (t *countTable) mayStartWord(a, b rune) bool {
	p := pairHash(a, b)
	return t.pairs[p/64]&(1<<(p%64)) != 0
}

// logProb returns the log-probability of the word w, if it is one.
func (t *countTable) logProb(w string) (float32, bool) {
	if i, _ := t.slot(wordHash(w)); t.slots[i].tag != 0 {
		return t.slots[i].lp, true
	}
	return 0, false
}

// logProbRunes is logProb of the word written with the characters rs.
func (t *countTable) logProbRunes(rs []rune) (float64, bool) {
	if i, _ := t.slot(runesHash(rs)); t.slots[i].tag != 0 {
		return float64(t.slots[i].lp), true
	}
	return 0, false
}

// runesHash is wordHash of the characters rs written in UTF-8.
func runesHash(rs []rune) uint64 {
	h := uint64(14695981039346656037)
	var b [utf8.UTFMax]byte
	for _, r := range rs {
		if r >= 0x800 && r < 0x10000 && (r < 0xD800 || r > 0xDFFF) { // three bytes, as Chinese is
			h = (h ^ uint64(0xE0|r>>12)) * 1099511628211
			h = (h ^ uint64(0x80|r>>6&0x3F)) * 1099511628211
			h = (h ^ uint64(0x80|r&0x3F)) * 1099511628211
			continue
		}
		for _, c := range b[:utf8.EncodeRune(b[:], r)] {
			h = (h ^ uint64(c)) * 1099511628211
		}
	}
	return h ^ h>>31
}

func wordHash[S ~string | ~[]byte](w S) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i])) * 1099511628211
	}
	return h ^ h>>31
}
