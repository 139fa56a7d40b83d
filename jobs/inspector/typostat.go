package inspector

import (
	"bufio"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	statRare     = 4   // a word written this rarely or less counts as unknown (the list holds misspellings at 2–3)
	statMaxWord  = 6   // longest word the local segmentation looks up, in characters
	statContext  = 3   // characters of context on each side of a window
	// statPenalty is the log-probability cost of assuming a typo: the replaced reading
	// must be more than e^9 ≈ 8,000 times as likely as the text as written.
	statPenaltyDefault = 9.0
	bloomBits   = 1 << 26 // 8 MB; with ~4 million variants, two probes give about 1% false hits
)

var statPenalty = statPenaltyDefault

// typoLexicon is what the statistical check keeps of gse's dictionary.
type typoLexicon struct {
	freq     map[string]uint32 // words of 1–statMaxWord characters and their counts
	names    map[string]bool   // words tagged as names of people, places and organisations
	logTotal float64
	conf     map[rune][]rune // confusable characters: same sound or look-alike
	bloom    []uint64        // one-character variants of the frequent words
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
	lx.conf = confusables(lx.freq)
	lx.bloom = make([]uint64, bloomBits/64)
	variants := 0
	for w, f := range lx.freq {
		rs := []rune(w)
		if f < statFrequent || len(rs) < 2 || len(rs) > 4 || lx.names[w] {
			continue
		}
		for k, c := range rs {
			for _, x := range lx.conf[c] {
				rs[k] = x
				if lx.freq[string(rs)] <= statRare {
					lx.bloomAdd(hashRunes(rs))
					variants++
				}
			}
			rs[k] = c
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&kept)
	lexiconStats.Load = time.Since(start)
	lexiconStats.Words = len(lx.freq)
	lexiconStats.Variants = variants
	lexiconStats.HeapAfterLoadMB = float64(loaded.HeapAlloc-before.HeapAlloc) / 1e6
	lexiconStats.HeapKeptMB = float64(kept.HeapAlloc-before.HeapAlloc) / 1e6
	return lx
}

// confusables groups the characters of common words by their pinyin without tones, and
// adds the look-alike groups of rules/confusable-shapes.txt. Only characters that occur in
// frequent words take part: a rare character as a candidate only adds false suspicion.
func confusables(freq map[string]uint32) map[rune][]rune {
	common := map[rune]bool{}
	for w, f := range freq {
		if f >= statFrequent {
			for _, r := range w {
				common[r] = true
			}
		}
	}
	args := pinyin.NewArgs()
	args.Heteronym = true
	bySound := map[string][]rune{}
	for r := range common {
		for _, p := range pinyin.SinglePinyin(r, args) {
			bySound[p] = append(bySound[p], r)
		}
	}
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

func (lx *typoLexicon) bloomAdd(h uint64) {
	a, b := h%bloomBits, (h>>32|h<<32)%bloomBits
	lx.bloom[a/64] |= 1 << (a % 64)
	lx.bloom[b/64] |= 1 << (b % 64)
}

func (lx *typoLexicon) bloomHas(h uint64) bool {
	a, b := h%bloomBits, (h>>32|h<<32)%bloomBits
	return lx.bloom[a/64]&(1<<(a%64)) != 0 && lx.bloom[b/64]&(1<<(b%64)) != 0
}

// statHit is a suspected typo: the runes [start, end) of a run, read as right.
type statHit struct {
	start, end int // rune offsets in the run
	right      string
	gain       float64
}

// findStatTypos scans text and returns the suspected typos with byte offsets. skip reports
// words that must never be suspected (parts of the protected names).
func (lx *typoLexicon) findStatTypos(text string, skip func(string) bool, emit func(start, end int, wrong, right string)) {
	var run []rune
	var offs []int // byte offset of each rune of the run, and of its end
	flush := func(end int) {
		if len(run) >= 2 {
			offs = append(offs, end)
			for _, h := range lx.scanRun(run, skip) {
				emit(offs[h.start], offs[h.end], string(run[h.start:h.end]), h.right)
			}
		}
		run, offs = run[:0], offs[:0]
	}
	for i, r := range text {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
			offs = append(offs, i)
			continue
		}
		flush(i)
	}
	flush(len(text))
}

// scanRun tests every window of 2–4 characters of one run of Chinese characters.
func (lx *typoLexicon) scanRun(run []rune, skip func(string) bool) []statHit {
	var hits []statHit
	for i := 0; i+2 <= len(run); i++ {
		for n := 2; n <= 4 && i+n <= len(run); n++ {
			win := run[i : i+n]
			if !lx.bloomHas(hashRunes(win)) {
				continue
			}
			w := string(win)
			if lx.freq[w] > statRare || lx.names[w] || skip(w) {
				continue
			}
			if h, ok := lx.judge(run, i, n); ok {
				hits = append(hits, h)
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

// judge looks for the replacement of one character of run[i:i+n] that reads best, and
// reports it when it beats the text as written by more than the penalty.
func (lx *typoLexicon) judge(run []rune, i, n int) (statHit, bool) {
	lo, hi := max(0, i-statContext), min(len(run), i+n+statContext)
	span := append([]rune(nil), run[lo:hi]...)
	asWritten, _ := lx.segment(span, -1, -1)
	best := statHit{gain: statPenalty}
	found := false
	win := span[i-lo : i-lo+n]
	for k := range win {
		c := win[k]
		for _, x := range lx.conf[c] {
			win[k] = x
			right := string(win)
			if f := lx.freq[right]; f >= statFrequent && !lx.names[right] {
				score, used := lx.segment(span, i-lo, i-lo+n)
				if gain := score - asWritten; used && gain > best.gain {
					best, found = statHit{start: i, end: i + n, right: right, gain: gain}, true
				}
			}
		}
		win[k] = c
	}
	return best, found
}

// segment returns the log-probability of the best segmentation of span into dictionary
// words, and whether one word of it covers span[ws:we] (精神 in 全会精神). Unknown single characters get the
// probability of a word seen once, so a run of them is costly but possible.
func (lx *typoLexicon) segment(span []rune, ws, we int) (float64, bool) {
	const unknown = 0.0 // log(1): a count of one
	best := make([]float64, len(span)+1)
	from := make([]int, len(span)+1)
	for j := 1; j <= len(span); j++ {
		best[j] = math.Inf(-1)
		for k := 1; k <= statMaxWord && k <= j; k++ {
			f := lx.freq[string(span[j-k:j])]
			var lp float64
			switch {
			case f > 0:
				lp = math.Log(float64(f)) - lx.logTotal
			case k == 1:
				lp = unknown - lx.logTotal
			default:
				continue
			}
			if s := best[j-k] + lp; s > best[j] {
				best[j], from[j] = s, j-k
			}
		}
	}
	used := false
	for j := len(span); j > 0; j = from[j] {
		if from[j] <= ws && j >= we {
			used = true
		}
	}
	return best[len(span)], used
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
