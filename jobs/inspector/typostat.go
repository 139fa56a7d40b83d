package inspector

import (
	"bufio"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/mozillazg/go-pinyin"
)

// The statistical 错敏字 check finds typos that no list names: in a run of Chinese text, a
// rare or unknown word of 2–4 characters that becomes a frequent dictionary word when one
// character is replaced by one that sounds the same (pinyin without tones: the usual input
// method slip) or looks alike (rules/confusable-shapes.txt) is a suspected typo, with the
// frequent word as the suggested form.
//
// "Becomes a word" alone would flag half of every page (的是 → 的士), so a suspicion must
// win a comparison: the best segmentation of the surrounding characters with the
// replacement, less the cost of assuming an error, must beat the best segmentation of the
// text as written. 北部暑期 segments well as 北部|暑期 and is left alone; 按照部暑要求 only
// segments well as 按照|部署|要求.
//
// The word frequencies are gse's embedded dictionary (the jieba word list, 350,000 words
// with counts and parts of speech). gse's own segmenter reads about 1.3 MB of text a second
// here, which would take 15 ms of a 60 KB page; so gse loads its dictionary once per process
// and the check keeps a compact copy: a map of the words, and a Bloom filter of every
// one-character variant of the frequent words, which lets the scan over a page test three
// hashes per character and segment only where a variant stands.

// Tuning, measured on testdata/clean-gov.txt and testdata/typos-labelled.txt.
const (
	statFrequent = 50 // a suggested word must be at least this frequent in gse's counts
	statRare     = 4  // a word written this rarely or less counts as unknown (the list holds misspellings at 2–3)
	statMaxWord  = 4  // longest word the local segmentation looks up, in characters
	statContext  = 2  // characters of context on each side of a window
	// statPenalty is the log-probability cost of assuming a typo: the replaced reading
	// must be more than e^9 ≈ 8,000 times as likely as the text as written.
	statPenaltyDefault = 9.0
	bloomBits          = 1 << 26 // 8 MB; with ~4 million variants, two probes give about 1% false hits
	// statSpacing: a run of Chinese text holding more than one suspicion per this many
	// characters is not prose, and none of them is reported.
	statSpacing = 20
	// statSlack is how much the context may add to a candidate's reading over the window
	// read character by character: a candidate that cannot win by the penalty less the
	// slack there is never segmented in context (nor its variant put in the Bloom filter).
	statSlack = 2.0
)

var statPenalty = statPenaltyDefault

// typoLexicon is what the statistical check keeps of gse's dictionary.
type typoLexicon struct {
	freq     map[string]uint32 // words of 1–statMaxWord characters and their counts, while loading
	counts   countTable        // the same for the scan, without the strings
	names    map[string]bool   // words tagged as names of people, places and organisations
	logTotal float64
	bloom    []uint64 // one-character variants of the frequent words
	// classes are the sound (pinyin without tones) and look-alike groups of a character;
	// similar finds the frequent words that differ from a window only at position k by a
	// character of the same class: key maskKey(window, k, class).
	classes hanTable[[]uint32]
	similar similarTable
	// single is the log-probability of each character as a word of its own: the sum over
	// a window is the worst reading of it, a bound that spares most segmentations.
	single hanTable[float64]
}

// singles is the log-probability of reading s character by character.
func (lx *typoLexicon) singles(s []rune) float64 {
	var sum float64
	for _, r := range s {
		if lp, ok := lx.single.get(r); ok {
			sum += lp
		} else {
			sum -= lx.logTotal
		}
	}
	return sum
}

// mayWin reports whether a candidate word of count f could beat a window whose
// character-by-character reading scores singles, by the penalty less the slack.
func (lx *typoLexicon) mayWin(f uint32, singles float64) bool {
	return math.Log(float64(f))-lx.logTotal-singles >= statPenalty-statSlack
}

var (
	lexiconOnce sync.Once
	lexicon     *typoLexicon
	// lexiconStats says what loading cost, for the benchmark notes.
	lexiconStats struct {
		Words           int
		Variants        int
		Load            time.Duration
		HeapAfterLoadMB float64 // gse's segmenter and our copy, before gse is dropped
		HeapKeptMB      float64 // our copy alone
	}
)

// sharedLexicon loads gse's dictionary the first time a page needs it. The segmenter takes
// seconds and over 100 MB to build, so every Inspector of the process shares one copy.
func sharedLexicon() *typoLexicon {
	lexiconOnce.Do(func() { lexicon = loadLexicon() })
	return lexicon
}

func loadLexicon() *typoLexicon {
	start := time.Now()
	var before, loaded, kept runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var seg gse.Segmenter
	seg.SkipLog, seg.NotLoadHMM = true, true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		// The dictionary is compiled into the binary: failing to read it is a build defect.
		panic("inspector: gse dictionary: " + err.Error())
	}
	lx := &typoLexicon{freq: make(map[string]uint32, 360000), names: map[string]bool{}}
	var total float64
	for _, t := range seg.Dict.Tokens {
		w := t.Text()
		n := utf8.RuneCountInString(w)
		if n == 0 || n > statMaxWord {
			continue
		}
		lx.freq[w] = uint32(t.Freq())
		total += t.Freq()
		switch t.Pos() {
		case "nr", "nrt", "nrfg", "ns", "nt", "nz":
			lx.names[w] = true
		}
	}
	total += singleCharFreqs(lx.freq)
	for _, w := range govWords() {
		if lx.freq[w] < statFrequent {
			lx.freq[w] = statFrequent
			total += statFrequent
		}
	}
	lx.logTotal = math.Log(total)
	runtime.GC()
	runtime.ReadMemStats(&loaded)
	runtime.KeepAlive(&seg) // measured with gse's segmenter still held, then let go
	seg = gse.Segmenter{}
	single := map[rune]float64{}
	for w, f := range lx.freq {
		if r, size := utf8.DecodeRuneInString(w); size == len(w) {
			single[r] = math.Log(float64(f)) - lx.logTotal
		}
	}
	lx.single = newHanTable(single)
	conf := confusables(lx.freq)
	classes := charClasses(lx.freq)
	lx.classes = newHanTable(classes)
	lx.bloom = largeTable[uint64](bloomBits / 64)
	var candidates []string // the frequent words a typo may stand for
	for w, f := range lx.freq {
		if n := utf8.RuneCountInString(w); f >= statFrequent && n >= 2 && n <= 4 && !lx.names[w] {
			candidates = append(candidates, w)
		}
	}
	var similar []similarSlot
	for _, w := range candidates {
		rs := []rune(w)
		for k, c := range rs {
			for _, cls := range classes[c] {
				slot := similarSlot{key: maskKey(rs, k, cls) | 1, count: lx.freq[w], n: uint8(len(rs))}
				copy(slot.word[:], rs)
				similar = append(similar, slot)
			}
		}
	}
	lx.similar = newSimilarTable(similar)
	// The variants are millions of map lookups, the most of the load's time: on every core,
	// the Bloom filter's words set atomically.
	var variants atomic.Int64
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(0)
			for i := g; i < len(candidates); i += workers {
				w := candidates[i]
				f, rs := lx.freq[w], []rune(w)
				for k, c := range rs {
					for _, x := range conf[c] {
						rs[k] = x
						if lx.freq[string(rs)] <= statRare && lx.mayWin(f, lx.singles(rs)) {
							word, bits := bloomProbe(hashRunes(rs))
							atomic.OrUint64(&lx.bloom[word], bits)
							n++
						}
					}
					rs[k] = c
				}
			}
			variants.Add(n)
		}()
	}
	wg.Wait()
	lx.counts = newCountTable(lx.freq, lx.logTotal)
	lx.freq = nil
	runtime.GC()
	runtime.ReadMemStats(&kept)
	lexiconStats.Load = time.Since(start)
	lexiconStats.Words = lx.counts.n
	lexiconStats.Variants = int(variants.Load())
	lexiconStats.HeapAfterLoadMB = float64(loaded.HeapAlloc-before.HeapAlloc) / 1e6
	lexiconStats.HeapKeptMB = float64(kept.HeapAlloc-before.HeapAlloc) / 1e6
	return lx
}

// commonChars are the characters of frequent words. Only they take part in the confusion
// sets: a rare character as a candidate only adds false suspicion.
func commonChars(freq map[string]uint32) map[rune]bool {
	common := map[rune]bool{}
	for w, f := range freq {
		if f >= statFrequent {
			for _, r := range w {
				common[r] = true
			}
		}
	}
	return common
}

// soundGroups groups the common characters by their pinyin without tones (every reading of
// a character with several).
func soundGroups(common map[rune]bool) map[string][]rune {
	args := pinyin.NewArgs()
	args.Heteronym = true
	bySound := map[string][]rune{}
	for r := range common {
		for _, p := range pinyin.SinglePinyin(r, args) {
			bySound[p] = append(bySound[p], r)
		}
	}
	return bySound
}

// charClasses numbers the sound groups and the look-alike groups, and lists each common
// character's.
func charClasses(freq map[string]uint32) map[rune][]uint32 {
	common := commonChars(freq)
	classes := map[rune][]uint32{}
	id := uint32(0)
	for _, group := range soundGroups(common) {
		id++
		for _, r := range group {
			classes[r] = append(classes[r], id)
		}
	}
	for _, group := range shapeGroups() {
		id++
		for _, r := range group {
			if common[r] {
				classes[r] = append(classes[r], id)
			}
		}
	}
	return classes
}

// maskKey hashes a word with its character k left out, and the class that character is
// to be of.
func maskKey(rs []rune, k int, class uint32) uint64 {
	h := uint64(14695981039346656037) ^ uint64(class)<<8 ^ uint64(k)
	for i, r := range rs {
		if i == k {
			r = 0
		}
		h = (h ^ uint64(r)) * 1099511628211
	}
	return h
}

// confusables lists for each common character the others of its sound and look-alike
// groups: the variants the Bloom filter holds.
func confusables(freq map[string]uint32) map[rune][]rune {
	common := commonChars(freq)
	bySound := soundGroups(common)
	sets := map[rune]map[rune]bool{}
	link := func(a, b rune) {
		if a == b {
			return
		}
		if sets[a] == nil {
			sets[a] = map[rune]bool{}
		}
		sets[a][b] = true
	}
	for _, group := range bySound {
		for _, a := range group {
			for _, b := range group {
				link(a, b)
			}
		}
	}
	for _, group := range shapeGroups() {
		for _, a := range group {
			for _, b := range group {
				if common[a] && common[b] {
					link(a, b)
				}
			}
		}
	}
	conf := make(map[rune][]rune, len(sets))
	for a, set := range sets {
		for b := range set {
			conf[a] = append(conf[a], b)
		}
	}
	return conf
}

// shapeGroups reads rules/confusable-shapes.txt: one group of look-alike characters a line.
func shapeGroups() [][]rune {
	var groups [][]rune
	for _, line := range embeddedLines("rules/confusable-shapes.txt") {
		var g []rune
		for _, s := range strings.Fields(line) {
			r, _ := utf8.DecodeRuneInString(s)
			g = append(g, r)
		}
		groups = append(groups, g)
	}
	return groups
}

// govWords reads rules/gov-words.txt: words of government writing gse's dictionary lacks.
func govWords() []string {
	var words []string
	for _, line := range embeddedLines("rules/gov-words.txt") {
		words = append(words, strings.Fields(line)...)
	}
	return words
}

// embeddedLines returns the lines of an embedded rule file that are not blank or comments.
func embeddedLines(name string) []string {
	f, err := defaultRuleFiles.Open(name)
	if err != nil {
		panic("inspector: " + err.Error()) // embedded: a missing file is a build defect
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}

func hashRunes(rs []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h ^ h>>29
}

// The Bloom filter is blocked: both probes of a key fall in one 64-bit word, so a test
// costs one cache miss rather than two.
func bloomProbe(h uint64) (word uint64, bits uint64) {
	return (h >> 12) % (bloomBits / 64), 1<<(h&63) | 1<<(h>>6&63)
}

func (lx *typoLexicon) bloomHas(h uint64) bool {
	w, bits := bloomProbe(h)
	return lx.bloom[w]&bits == bits
}

// statHit is a suspected typo: the runes [start, end) of a run, read as right.
type statHit struct {
	start, end int // rune offsets in the run
	right      string
	gain       float64
}

// findStatTypos scans text and calls emit with the byte range of each suspected typo.
// skip reports words that must never be suspected (parts of the protected names).
func (lx *typoLexicon) findStatTypos(text string, skip func(string) bool, emit func(start, end int, wrong, right string)) {
	var sc statScan
	runStart := -1
	var offs []int // byte offset in text of each character of the run, then of its end
	flush := func(end int) {
		if len(offs) >= 2 {
			base := offs[0]
			offs = append(offs, end)
			for k := range offs {
				offs[k] -= base
			}
			hits := sc.scanRun(lx, text[base:end], offs, skip)
			// Real typos are rare: a run with a suspicion every few characters is not
			// prose (character soup, keyword lists, a foreign script in Han characters).
			if len(hits) > 1 && len(hits)*statSpacing > len(offs)-1 {
				hits = nil
			}
			for _, h := range hits {
				emit(base+offs[h.start], base+offs[h.end], text[base+offs[h.start]:base+offs[h.end]], h.right)
			}
		}
		offs, runStart = offs[:0], -1
	}
	for i, r := range text {
		if r >= 0x3400 && unicode.Is(unicode.Han, r) {
			if runStart < 0 {
				runStart = i
			}
			offs = append(offs, i)
			continue
		}
		flush(i)
	}
	flush(len(text))
}

// statScan holds the buffers of one scan, so that testing a window allocates nothing.
type statScan struct {
	win   []rune    // the window's characters
	runes []rune    // the span's characters
	buf   []byte    // the span around a window, with a character replaced
	offs  []int     // byte offsets of the span's characters
	best  []float64 // the segmentation's best scores and back pointers
	from  []int
}

// scanRun tests every window of 2–4 characters of one run of Chinese characters; offs
// holds the byte offset of each character of run and, last, the run's length.
func (sc *statScan) scanRun(lx *typoLexicon, run string, offs []int, skip func(string) bool) []statHit {
	var hits []statHit
	n := len(offs) - 1
	for i := 0; i+2 <= n; i++ {
		h := uint64(14695981039346656037)
		for j := i; j < i+4 && j < n; j++ {
			r, _ := utf8.DecodeRuneInString(run[offs[j]:])
			h = (h ^ uint64(r)) * 1099511628211
			if j == i || !lx.bloomHas(h^h>>29) {
				continue
			}
			w := run[offs[i]:offs[j+1]]
			if lx.counts.frequent(w) {
				continue
			}
			if hit, ok := sc.judge(lx, run, offs, i, j+1); ok && !lx.names[w] && !skip(w) {
				hits = append(hits, hit)
			}
		}
	}
	// Overlapping suspicions are one mistake: keep the strongest.
	var kept []statHit
	for _, h := range hits {
		overlap := false
		for k := range kept {
			if h.start < kept[k].end && kept[k].start < h.end {
				overlap = true
				if h.gain > kept[k].gain {
					kept[k] = h
				}
			}
		}
		if !overlap {
			kept = append(kept, h)
		}
	}
	return kept
}

// judge looks for the frequent word that the window [ws, we) (character indexes into run)
// becomes by replacing one character with one of the same sound or look, and reports it
// when the text reads better that way by more than the penalty.
func (sc *statScan) judge(lx *typoLexicon, run string, offs []int, ws, we int) (statHit, bool) {
	sc.win = sc.win[:0]
	for k := ws; k < we; k++ {
		r, _ := utf8.DecodeRuneInString(run[offs[k]:])
		sc.win = append(sc.win, r)
	}
	lo, hi := max(0, ws-statContext), min(len(offs)-1, we+statContext)
	// Segmented only when a candidate needs them: the context before the window, which reads
	// the same with every candidate, and the span as written, which only a candidate whose
	// reading uses it as a word is compared with (most are not).
	prefix, asWritten := false, math.NaN()
	singles := lx.singles(sc.win)
	best := statHit{gain: statPenalty}
	found := false
	sim := &lx.similar
	for k, c := range sc.win {
		classes, _ := lx.classes.get(c)
		for _, cls := range classes {
			key := maskKey(sc.win, k, cls) | 1
			for i := key & sim.mask; sim.slots[i].key != 0; i = (i + 1) & sim.mask {
				right := &sim.slots[i]
				if right.key != key || !right.differsAt(sc.win, k) {
					continue // another key, or a collision of the hashed one
				}
				if !lx.mayWin(right.count, singles) {
					continue
				}
				if !prefix {
					sc.setOffs(offs, lo, ws, 0, 0)
					sc.buf = append(sc.buf[:0], run[offs[lo]:offs[ws]]...)
					sc.segment(lx, sc.buf, -1, -1, 0)
					prefix = true
				}
				// The span with the window replaced by right.
				sc.buf = append(sc.buf[:0], run[offs[lo]:offs[ws]]...)
				for _, r := range right.word[:right.n] {
					sc.buf = utf8.AppendRune(sc.buf, r)
				}
				rightLen := len(sc.buf) - (offs[ws] - offs[lo])
				sc.buf = append(sc.buf, run[offs[we]:offs[hi]]...)
				sc.setOffs(offs, lo, hi, we, rightLen-(offs[we]-offs[ws]))
				score, used := sc.segment(lx, sc.buf, ws-lo, we-lo, ws-lo)
				if !used {
					continue
				}
				if math.IsNaN(asWritten) {
					sc.setOffs(offs, lo, hi, 0, 0)
					sc.buf = append(sc.buf[:0], run[offs[lo]:offs[hi]]...)
					asWritten, _ = sc.segment(lx, sc.buf, -1, -1, ws-lo)
				}
				// Of candidates that read equally well the first in the characters' order wins,
				// whatever order the table was filled in.
				gain := score - asWritten
				if gain > best.gain || gain == best.gain && found && slices.Compare(right.word[:right.n], []rune(best.right)) < 0 {
					best, found = statHit{start: ws, end: we, right: string(right.word[:right.n]), gain: gain}, true
				}
			}
		}
	}
	return best, found
}

// setOffs puts into sc.offs the byte offsets of the characters lo…hi of run relative to
// lo, shifted by delta from character from on (a replacement of another length).
func (sc *statScan) setOffs(offs []int, lo, hi, from, delta int) {
	sc.offs = sc.offs[:0]
	for k := lo; k <= hi; k++ {
		o := offs[k] - offs[lo]
		if from > 0 && k >= from {
			o += delta
		}
		sc.offs = append(sc.offs, o)
	}
}

// segment returns the log-probability of the best segmentation of span (whose character
// offsets are in sc.offs) into dictionary words, and whether one word of it covers the
// characters [ws, we) (精神 in 全会精神). Unknown single characters get the probability of
// a word seen once, so a run of them is costly but possible.
//
// A replacement leaves the characters before the window as they were, so the scores up to
// the window's start are those of the text as written: from > 0 starts there.
func (sc *statScan) segment(lx *typoLexicon, span []byte, ws, we, from int) (float64, bool) {
	n := len(sc.offs) - 1
	if from == 0 {
		sc.best = append(sc.best[:0], make([]float64, n+1)...)
		sc.from = append(sc.from[:0], make([]int, n+1)...)
	} else {
		sc.best = append(sc.best[:from+1], make([]float64, n-from)...)
		sc.from = append(sc.from[:from+1], make([]int, n-from)...)
	}
	sc.runes = sc.runes[:0]
	for k := 0; k < n; k++ {
		r, _ := utf8.DecodeRune(span[sc.offs[k]:])
		sc.runes = append(sc.runes, r)
	}
	for j := from + 1; j <= n; j++ {
		sc.best[j] = math.Inf(-1)
		for k := 1; k <= statMaxWord && k <= j; k++ {
			var lp float64
			var ok bool
			if k == 1 {
				lp, ok = lx.counts.charLogProb(sc.runes[j-1])
			} else if lx.counts.mayStartWord(sc.runes[j-k], sc.runes[j-k+1]) {
				lp, ok = lx.counts.logProbBytes(span[sc.offs[j-k]:sc.offs[j]])
			}
			switch {
			case ok:
			case k == 1:
				lp = -lx.logTotal // a count of one
			default:
				continue
			}
			if s := sc.best[j-k] + lp; s > sc.best[j] {
				sc.best[j], sc.from[j] = s, j-k
			}
		}
	}
	used := false
	for j := n; j > 0; j = sc.from[j] {
		if sc.from[j] <= ws && j >= we {
			used = true
		}
	}
	return sc.best[n], used
}

// singleCharFreqs fills in the counts of single characters, which gse's loader sets to 2
// for every one of them ("to reduce the word frequency"): the segmentation must know that
// 以 stands alone far more often than 暑. gse's IDF table (exported as ZhIdf) still ranks
// them; log count and IDF fall on a line of slope −1 for the words that have both, so a
// character's count is e^(a − idf) with a the median of log count + idf over those words.
// It returns the sum of the counts added.
func singleCharFreqs(freq map[string]uint32) float64 {
	idf := map[string]float64{}
	var offsets []float64
	sc := bufio.NewScanner(strings.NewReader(gse.ZhIdf))
	for sc.Scan() {
		word, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			continue
		}
		switch n := utf8.RuneCountInString(word); {
		case n == 1:
			idf[word] = x
		case n == 2 && len(offsets) < 20000:
			if f := freq[word]; f > 10 {
				offsets = append(offsets, math.Log(float64(f))+x)
			}
		}
	}
	if len(offsets) == 0 {
		return 0
	}
	slices.Sort(offsets)
	a := offsets[len(offsets)/2]
	var added float64
	for c, x := range idf {
		f := math.Exp(a - x)
		if f < 2 {
			continue
		}
		freq[c] = uint32(min(f, math.MaxUint32))
		added += f
	}
	return added
}

// splitsWords reports whether the text as written reads, at the bytes [start, end), as the end
// of one word and the start of the next: 部暑 in 干部暑期 is 干部|暑期, and 政付 in 财政付清 is
// 财政|付清. A listed wrong form (rules/typos.txt) is two or three characters that also meet
// across words in right text; its hit is no 错敏字 when the best segmentation of its
// surroundings, as for the statistical check, puts a word boundary inside it with a word of
// its own on each side reaching past it.
func (lx *typoLexicon) splitsWords(text string, start, end int) bool {
	lo, hi := start, end
	for range statContext + statMaxWord {
		r, size := utf8.DecodeLastRuneInString(text[:lo])
		if size == 0 || r < 0x3400 || !unicode.Is(unicode.Han, r) {
			break
		}
		lo -= size
	}
	for range statContext + statMaxWord {
		r, size := utf8.DecodeRuneInString(text[hi:])
		if size == 0 || r < 0x3400 || !unicode.Is(unicode.Han, r) {
			break
		}
		hi += size
	}
	var sc statScan
	ws, we := -1, -1
	for i := range text[lo:hi] {
		if lo+i == start {
			ws = len(sc.offs)
		}
		if lo+i == end {
			we = len(sc.offs)
		}
		sc.offs = append(sc.offs, i)
	}
	if end == hi {
		we = len(sc.offs)
	}
	sc.offs = append(sc.offs, hi-lo)
	if ws < 0 || we < 0 {
		return false // not on character boundaries: nothing to judge
	}
	sc.segment(lx, []byte(text[lo:hi]), -1, -1, 0)
	left, right := false, false
	for j := len(sc.offs) - 1; j > 0; j = sc.from[j] {
		k := sc.from[j] // the word [k, j)
		left = left || k < ws && ws < j && j < we
		right = right || ws < k && k < we && we < j
	}
	return left && right
}
