package inspector

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// What a page keeps of its text until its site ends. 一稿多发 and the column checks read the
// whole site at once, and a province's worker crawls dozens of sites of thousands of pages
// together, so a page keeps no text: its text facts, and a signature of each block of content
// text. The signature is what makeArticle needs to shingle the page's body once the site's
// template is known (the blocks on many pages): each block's key, its first and last two
// letters, its numbers, and a sample of its shingles. A shingle crossing two blocks is made
// when the body is put together, from the letters at their edges, so the body's shingles are
// those of its text, whichever blocks the template takes out.
//
// The sample keeps every shingle of a body of up to maxShingles; of a longer page, the shingles
// whose hash falls in a share of 1/2, 1/4, … (the page's level), so that a page keeps at most
// about maxShingles of them. A sample of a set at a level holds the samples at every higher
// level, so two bodies are compared on the sample they share: Jaccard similarity measured on
// some hundreds of shingles of each, within a few hundredths of that of the whole sets.
const maxShingles = 1024

// textSig is a page's content text as the site-wide checks read it.
type textSig struct {
	facts    textFacts
	keys     []uint64   // every block of content text, for the site's template
	blocks   []blockSig // each block as a body holds it (keys[i] is blocks[i]'s)
	shingles []uint32   // each block's own shingles in the sample, block after block
	figures  string     // each block's numbers, block after block, each followed by a space
	level    uint8      // the sample: shingles h with sampled(h, level)
}

// blockSig is a block of content text, as a body is put together from it. The numbers fit in
// 16 bits: a page's blocks hold at most maxBlockBytes.
type blockSig struct {
	runes    uint16  // letters and digits (normalizeText); 0: never in a body (publishing data, the headline)
	shingles uint16  // where its shingles end in textSig.shingles
	figures  uint16  // and its numbers in textSig.figures
	edge     [4]rune // the first two and the last two letters (a block of two or three: some twice)
}

// sampled says whether a shingle is in the sample of the given level: the top level bits of
// its (mixed) hash are zero.
func sampled(h uint32, level uint8) bool {
	return level == 0 || (h*0x9e3779b1)>>(32-level) == 0
}

// shingleHash is the FNV-1a hash of three letters, each written as three bytes: a shingle.
func shingleHash(a, b, c rune) uint32 {
	h := uint32(2166136261)
	for _, r := range [3]rune{a, b, c} {
		for _, x := range [3]byte{byte(r), byte(r >> 8), byte(r >> 16)} {
			h ^= uint32(x)
			h *= 16777619
		}
	}
	return h
}

// signText signs a page's blocks of content text; the page then drops them.
func signText(title string, blocks []string) *textSig {
	s := &textSig{facts: blockFacts(blocks), keys: make([]uint64, len(blocks)), blocks: make([]blockSig, len(blocks))}
	titleKey := normalizeText(title)
	all := make([]uint32, 0, maxBlockBytes/3) // every block's own shingles, before the sample
	ends := make([]int, len(blocks))
	var rs []rune
	var figures strings.Builder
	for i, blk := range blocks {
		s.keys[i] = blockKey(blk)
		b := &s.blocks[i]
		// Publishing data, or the headline again (<h1>; or the <title> is "headline_site name").
		if t := normalizeText(blk); t != "" && !strings.Contains(titleKey, t) && !isMetaLine(blk) {
			rs = append(rs[:0], []rune(t)...)
			b.runes = uint16(min(len(rs), 1<<16-1))
			b.edge = [4]rune{rs[0], rs[min(1, len(rs)-1)], rs[max(0, len(rs)-2)], rs[len(rs)-1]}
			for j := 0; j+shingleRunes <= len(rs); j++ {
				all = append(all, shingleHash(rs[j], rs[j+1], rs[j+2]))
			}
			for _, f := range figure.FindAllString(blk, -1) {
				figures.WriteString(f)
				figures.WriteByte(' ')
			}
		}
		ends[i] = len(all)
		b.figures = uint16(min(figures.Len(), 1<<16-1))
	}
	s.figures = strings.Clone(figures.String())
	for len(all)>>s.level > maxShingles {
		s.level++
	}
	keep := 0
	for _, h := range all {
		if sampled(h, s.level) {
			keep++
		}
	}
	s.shingles = make([]uint32, 0, keep)
	from := 0
	for i, end := range ends {
		for _, h := range all[from:end] {
			if sampled(h, s.level) {
				s.shingles = append(s.shingles, h)
			}
		}
		s.blocks[i].shingles = uint16(len(s.shingles))
		from = end
	}
	return s
}

// blockFacts are what the column checks read of a page's content text.
func blockFacts(blocks []string) textFacts {
	var f textFacts
	for _, b := range blocks {
		n := textRunes(b)
		f.Runes += n
		f.Paragraph = f.Paragraph || n >= paragraphRunes
	}
	f.ZeroCount = zeroCount.MatchString(strings.Join(blocks, ""))
	return f
}

// body puts a page's body together from its signature: the blocks that are neither the site's
// template nor publishing data nor the headline. It returns the body's letters, its shingles
// in the page's sample (sorted, distinct) and its numbers (sorted, distinct).
func (s *textSig) body(template func(uint64) bool) (runes int, shingles []uint32, figures []string) {
	// At most two shingles cross each join.
	shingles = make([]uint32, 0, len(s.shingles)+2*len(s.blocks))
	var carry []rune // the body's last two letters so far
	var sh, fig uint16
	for i, b := range s.blocks {
		own, nums := s.shingles[sh:b.shingles], s.figures[fig:b.figures]
		sh, fig = b.shingles, b.figures
		if b.runes == 0 || template(s.keys[i]) {
			continue
		}
		runes += int(b.runes)
		// The shingles across the join: those that start in the carry.
		head := b.edge[:min(int(b.runes), 2)]
		seq := append(slices.Clone(carry), head...)
		for i := 0; i < len(carry) && i+shingleRunes <= len(seq); i++ {
			if h := shingleHash(seq[i], seq[i+1], seq[i+2]); sampled(h, s.level) {
				shingles = append(shingles, h)
			}
		}
		shingles = append(shingles, own...)
		figures = append(figures, strings.Fields(nums)...)
		if b.runes >= 2 {
			carry = append(carry[:0], b.edge[2], b.edge[3])
		} else {
			carry = seq[max(0, len(seq)-2):]
		}
	}
	slices.Sort(shingles)
	slices.Sort(figures)
	return runes, slices.Compact(shingles), slices.Compact(figures)
}

// cutText cuts s to at most n bytes at a character boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
