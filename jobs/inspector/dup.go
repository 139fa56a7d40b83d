package inspector

import (
	"cmp"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"zhaocuo/models/indicator"
)

// 一稿多发 is judged by body text. Two pages are copies when the Jaccard similarity of
// their sets of character 3-grams (white space and punctuation dropped) is at least
// DuplicateThreshold. The body leaves out the site's template, the headline and the lines
// of publishing data (发布日期, 来源): the same body re-posted under a new headline months
// later is still a copy. A headline only helps: two pages under the same headline are
// copies from SameTitleThreshold on (a re-post with one sentence corrected), unless the
// site gives many pages that title. Copies also carry the same figures: two bodies of one
// template whose numbers differ (a monthly 经济运行情况, 空气质量月报) are two releases.
//
// Comparing every pair of a 5,000-page site is 12.5 million comparisons, so candidates
// come from MinHash with banding (6 bands of 4 hashes: a pair at 0.8 becomes a candidate
// with probability 0.96, one at 0.3 with 0.05) and from pages with the same headline;
// each candidate pair is then measured on the sample of shingles the two pages share, which
// for bodies of up to maxShingles is all of them (signature.go).
const (
	DuplicateThreshold = 0.8
	SameTitleThreshold = 0.65
	minArticleRunes    = 50 // shorter texts ("详见附件") are alike without being copies
	shingleRunes       = 3
	minhashBands       = 6
	minhashRows        = 4
	maxBucketPairs     = 16 // beyond this many members a bucket is chained, not paired
	maxMetaRunes       = 30 // a dated line longer than this is text, not publishing data
	// Bodies with at least minFigures numbers each are copies only when at least
	// figuresAlike of their numbers (Jaccard of the sets) are the same. Fewer numbers than
	// that may be a view counter or a date, not the text's figures.
	minFigures   = 3
	figuresAlike = 0.5
)

// figure is a number as a text writes it: 86.3, 2025, 12345678.
var figure = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?`)

// metaLabel starts a line of publishing data, the same for every article of a column.
var metaLabel = regexp.MustCompile(`^\s*(发布(日期|时间|机构|单位)|发文(日期|机关)|成文日期|日期|时间|来源|信息来源|作者|编辑|责任编辑|审核|浏览(次数)?|点击(数|量|次数)?|阅读(量|数)?|访问量|字号|索引号|文号)\s*[:：]`)

type article struct {
	url      string
	title    string
	titleKey string // the headline, normalised; "" when it is the site's template title
	date     time.Time
	shingles []uint32 // sorted, distinct: the body's shingles in the page's sample (signature.go)
	level    uint8    // the sample's level
	figures  []uint64 // the body's numbers, hashed (figures.go), sorted, distinct
	// sig is the MinHash signature of the shingles at the article's level and, second, at the
	// level above: two copies whose pages fell on either side of a level still meet.
	sig [2][minhashBands * minhashRows]uint32
}

// duplicates finds groups of copies. It returns one suspected finding per group and the
// set of later copies, which freshness then ignores.
func (r *round) duplicates(urls []string) ([]Finding, map[string]bool) {
	// Text on more pages than this is the site's template, whatever its markup; so is a
	// <title> that many pages share (sites that title every page with their own name).
	boiler := max(5, len(urls)/20)
	df, titles := map[uint64]int{}, map[string]int{}
	for _, u := range urls {
		p := r.pages[u]
		titles[normalizeText(p.Title)]++
		seen := map[uint64]bool{}
		for _, b := range p.blockKeys() {
			if !seen[b] {
				seen[b] = true
				df[b]++
			}
		}
	}
	arts := make([]*article, len(urls))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(urls); i += workers {
				arts[i] = articleOf(r.pages[urls[i]], df, boiler, r.in.cfg.FigureKey)
			}
		}(w)
	}
	wg.Wait()
	arts = slices.DeleteFunc(arts, func(a *article) bool { return a == nil })
	for _, a := range arts {
		if titles[a.titleKey] > boiler {
			a.titleKey = ""
		}
	}

	uf := newUnionFind(len(arts))
	pairUp := func(b []int) {
		for j := 1; j < len(b); j++ {
			if len(b) <= maxBucketPairs {
				for i := 0; i < j; i++ {
					uf.unionIf(b[i], b[j], arts)
				}
			} else {
				uf.unionIf(b[j-1], b[j], arts)
				uf.unionIf(b[0], b[j], arts)
			}
		}
	}
	type bucketKey struct {
		level uint8
		rows  [minhashRows]uint32
	}
	for band := 0; band < minhashBands; band++ {
		buckets := map[bucketKey][]int{}
		for i, a := range arts {
			for up := range a.sig {
				if a.sig[up][0] == ^uint32(0) {
					continue // no shingle in the sample of the level above
				}
				k := bucketKey{level: a.level + uint8(up)}
				copy(k.rows[:], a.sig[up][band*minhashRows:])
				buckets[k] = append(buckets[k], i)
			}
		}
		for _, b := range buckets {
			pairUp(b)
		}
	}
	sameTitle := map[string][]int{}
	for i, a := range arts {
		if a.titleKey != "" {
			sameTitle[a.titleKey] = append(sameTitle[a.titleKey], i)
		}
	}
	for _, b := range sameTitle {
		pairUp(b)
	}

	groups := map[int][]*article{}
	for i, a := range arts {
		root := uf.find(i)
		groups[root] = append(groups[root], a)
	}
	var out []Finding
	copies := map[string]bool{}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		// The earliest is the original; undated copies go last.
		slices.SortFunc(g, func(a, b *article) int {
			return cmp.Or(cmp.Compare(boolRank(!a.date.IsZero()), boolRank(!b.date.IsZero())),
				a.date.Compare(b.date), cmp.Compare(a.url, b.url))
		})
		var list, later []string
		for i, a := range g {
			list = append(list, a.url)
			if i > 0 {
				copies[a.url] = true
				if normalizeText(a.title) == normalizeText(g[0].title) {
					later = append(later, a.url)
				} else {
					later = append(later, a.url+"「"+a.title+"」")
				}
			}
		}
		f := Finding{Type: indicator.TypeDuplicatePost, Page: g[0].url, Target: strings.Join(list, " "), Suspected: true,
			Indicator: indicator.Duplicate,
			Evidence: fmt.Sprintf("「%s」相同或近似的文章%d篇（正文字符3-gram Jaccard≥%.2f，标题相同时≥%.2f），原文%s，重复：%s",
				g[0].title, len(g), DuplicateThreshold, SameTitleThreshold, g[0].url, strings.Join(later, "、"))}
		f.Key = findingKey(f.Type, f.Page, f.Target, "")
		out = append(out, f)
	}
	return out, copies
}

// makeArticle is a page's body as 一稿多发 compares it: its text less the site's template,
// the headline and the lines of publishing data, from the page's signature (signature.go), its
// figures hashed under key (figures.go). Nil when too little is left to judge.
func makeArticle(p *pageInfo, df map[uint64]int, boiler int, key []byte) *article {
	if p.text == nil {
		return nil
	}
	runes, shingles, figures := p.text.body(func(key uint64) bool { return df[key] > boiler })
	if runes < minArticleRunes {
		return nil
	}
	a := &article{url: p.URL, title: p.Title, titleKey: normalizeText(p.Title), date: p.Date,
		shingles: shingles, level: p.text.level, figures: hashFigures(key, figures)}
	a.sign()
	return a
}

// normalizeText keeps letters and digits, lower-cased: what two copies share whatever
// their spacing and punctuation.
func normalizeText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// isMetaLine: a line of publishing data (发布日期：…, 来源：…), or a short line holding a
// date. Every article has one and a re-post has its own, so it says nothing of the body.
func isMetaLine(blk string) bool {
	if metaLabel.MatchString(blk) {
		return true
	}
	return utf8.RuneCountInString(blk) <= maxMetaRunes && fullDate.MatchString(blk)
}

// mix32 is a seeded integer hash (the finaliser of MurmurHash3): one permutation of
// the shingle hashes per MinHash row.
func mix32(x, seed uint32) uint32 {
	x ^= seed*0x9e3779b9 + 0x7f4a7c15
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	x *= 0xc2b2ae35
	x ^= x >> 16
	return x
}

// similarity is the Jaccard similarity of two bodies' shingles, on the sample they share: that
// of the higher level.
func similarity(a, b *article) float64 {
	level := max(a.level, b.level)
	return jaccard(atLevel(a.shingles, a.level, level), atLevel(b.shingles, b.level, level))
}

// atLevel is a sample of shingles at a higher level.
func atLevel(s []uint32, from, to uint8) []uint32 {
	if from == to {
		return s
	}
	out := make([]uint32, 0, len(s)>>(to-from))
	for _, h := range s {
		if sampled(h, to) {
			out = append(out, h)
		}
	}
	return out
}

// jaccard of two sorted sets.
func jaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// sameFigures: two bodies with numbers enough carry mostly the same ones.
func sameFigures(a, b []uint64) bool {
	if len(a) < minFigures || len(b) < minFigures {
		return true
	}
	inter := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			inter++
		}
	}
	return float64(inter)/float64(len(a)+len(b)-inter) >= figuresAlike
}

type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{parent: p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// unionIf joins two articles whose bodies really are alike; already joined ones are not
// measured again.
func (u *unionFind) unionIf(i, j int, arts []*article) {
	ri, rj := u.find(i), u.find(j)
	threshold := DuplicateThreshold
	if arts[i].titleKey != "" && arts[i].titleKey == arts[j].titleKey {
		threshold = SameTitleThreshold
	}
	if ri == rj || !sameFigures(arts[i].figures, arts[j].figures) || similarity(arts[i], arts[j]) < threshold {
		return
	}
	u.parent[ri] = rj
}
