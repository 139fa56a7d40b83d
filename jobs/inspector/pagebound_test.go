package inspector

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/html"
)

// A page keeps no text until its round ends, only its signature, and the signature is bounded
// however long the page: a short article keeps every shingle of its text, a page of 200 KB a
// sample of at most about maxShingles, of the first maxBlockBytes of its text.
func TestPageKeepsASignatureNotText(t *testing.T) {
	para := "<p>" + strings.Repeat("全市经济运行总体平稳稳中有进规模以上工业增加值同比增长", 10) + "</p>"
	tests := []struct {
		name  string
		paras int
		level uint8
	}{
		{name: "a short article", paras: 1},
		{name: "a page of 200 KB of text", paras: 250, level: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := analyze(t, "<html><body><div class=\"article\">"+strings.Repeat(para, tt.paras)+"</div></body></html>", false)
			s := info.text
			if s == nil {
				t.Fatal("no signature")
			}
			if s.level != tt.level {
				t.Errorf("level %d, want %d", s.level, tt.level)
			}
			if len(s.shingles) > 2*maxShingles || s.size() > 16<<10 {
				t.Errorf("the signature keeps %d shingles, %d bytes", len(s.shingles), s.size())
			}
			if want := tt.paras * utf8.RuneCountInString(para[3:len(para)-4]); tt.level == 0 && s.facts.Runes != want {
				t.Errorf("%d letters, want %d", s.facts.Runes, want)
			}
		})
	}
}

// referenceBody is a body's shingles as they were made from its text: the blocks not in the
// template put together, normalised, and shingled.
func referenceBody(blocks []string, template map[string]bool, level uint8) []uint32 {
	var b strings.Builder
	for _, blk := range blocks {
		if !template[blk] {
			b.WriteString(blk)
		}
	}
	rs := []rune(normalizeText(b.String()))
	var out []uint32
	for i := 0; i+shingleRunes <= len(rs); i++ {
		if h := shingleHash(rs[i], rs[i+1], rs[i+2]); sampled(h, level) {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// The body put together from the blocks' signatures has exactly the shingles of the body's
// text, the ones across the joins of blocks included, whichever blocks the template takes
// out: blocks of one letter, of two, of punctuation only, long ones, in any order.
func TestSignedBodyHasTheShinglesOfItsText(t *testing.T) {
	pieces := []string{"通知", "第", "一", "2025年3月", "全市经济运行总体平稳", "，", "稳中有进。", "A", "规模以上工业增加值同比增长5.6%",
		"各区县人民政府", "市政府各部门", "现将有关事项通知如下", "（", "二", "）", "落实", "责任"}
	rng := rand.New(rand.NewPCG(7, 23))
	for trial := 0; trial < 2000; trial++ {
		var blocks []string
		for range 1 + rng.IntN(30) {
			blocks = append(blocks, pieces[rng.IntN(len(pieces))])
		}
		if trial%50 == 0 { // long enough to be sampled
			for range 60 {
				blocks = append(blocks, fmt.Sprintf("第%d条全市经济运行总体平稳稳中有进规模以上工业增加值同比增长%d个百分点", rng.IntN(1000), rng.IntN(100)))
			}
		}
		template := map[string]bool{}
		for _, p := range pieces {
			if rng.IntN(4) == 0 {
				template[p] = true
			}
		}
		s := signText("", blocks)
		_, got, _ := s.body(func(key uint64) bool {
			for _, blk := range blocks {
				if blockKey(blk) == key {
					return template[blk]
				}
			}
			return false
		})
		if want := referenceBody(blocks, template, s.level); !slices.Equal(got, want) {
			t.Fatalf("blocks %q less %v: %d shingles, want %d", blocks, template, len(got), len(want))
		}
	}
}

// Two bodies are compared on their samples: the similarity measured on long pages is within a
// few hundredths of that of their whole texts, so copies stay copies and different texts
// different, on either side of the thresholds.
func TestSampledSimilarityIsCloseToTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	words := strings.Fields(`全市 经济 运行 总体 平稳 稳中有进 规模以上 工业 增加值 同比 增长 社会 消费品 零售 总额 固定资产 投资
		民间 降幅 收窄 居民 消费 价格 上涨 就业 形势 稳定 城镇 调查 失业率 合理 区间 外部 环境 复杂 严峻 需求 不足 问题 突出`)
	sentence := func() string {
		var b strings.Builder
		for range 12 {
			b.WriteString(words[rng.IntN(len(words))])
		}
		fmt.Fprintf(&b, "%d。", rng.IntN(100000))
		return b.String()
	}
	worst := 0.0
	for trial := 0; trial < 40; trial++ {
		var a []string
		for range 100 + rng.IntN(300) {
			a = append(a, sentence())
		}
		b := slices.Clone(a)
		for i := range b { // change a share of b's sentences
			if rng.Float64() < float64(trial)/40 {
				b[i] = sentence()
			}
		}
		whole := jaccard(referenceBody(a, nil, 0), referenceBody(b, nil, 0))
		sa, sb := signText("", a), signText("", b)
		if sa.level == 0 {
			t.Fatalf("a body of %d sentences was not sampled", len(a))
		}
		arts := [2]*article{}
		for i, s := range []*textSig{sa, sb} {
			_, sh, _ := s.body(func(uint64) bool { return false })
			arts[i] = &article{shingles: sh, level: s.level}
		}
		worst = max(worst, abs(similarity(arts[0], arts[1])-whole))
	}
	t.Logf("largest difference between the sampled and the whole similarity: %.3f", worst)
	if worst > 0.05 {
		t.Fatalf("the sampled similarity is %.3f off the whole's", worst)
	}
}

func abs(x float64) float64 { return max(x, -x) }

// What a round holds of each page it read, measured on the heap: 200 article pages of 60 KB,
// each with its own text, analysed and kept as a round keeps them. The page's text is not among
// it: a page once kept its first 16 KB, and a typo the whole text it was cut from (25.7 KB a
// page in all); now its signature (some 6 KB here) and its links (some 5 KB).
func TestARoundHoldsLittleOfEachPage(t *testing.T) {
	sentences := readLines(t, "testdata/clean-gov.txt")
	rng := rand.New(rand.NewPCG(11, 13))
	page := func(i int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<html><head><title>第%d篇 关于做好春季森林防火工作的通知</title></head><body><div class="nav">`, i)
		for c := range 30 {
			fmt.Fprintf(&b, `<a href="/col/%d/">栏目%d</a>`, c, c)
		}
		b.WriteString(`</div><div class="article"><h1>关于做好春季森林防火工作的通知</h1><p>发布日期：2025-03-01</p>`)
		for b.Len() < 60<<10 { // paragraphs of four sentences
			b.WriteString("<p>")
			for range 4 {
				b.WriteString(sentences[rng.IntN(len(sentences))])
				if rng.IntN(40) == 0 {
					b.WriteString("各地要按照部暑要求抓好落实。") // a typo: its Wrong once held the page's whole text
				}
			}
			fmt.Fprintf(&b, "共%d项。</p>", rng.IntN(1e6))
		}
		b.WriteString(`</div></body></html>`)
		return b.String()
	}
	const n = 200
	docs := make([]string, n)
	for i := range docs {
		docs[i] = page(i)
	}
	w := compileWords(DefaultRules())
	u, _ := url.Parse("http://www.shifan.gov.cn/art/1.html")
	read := func(src string) *pageInfo {
		doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
		if err != nil {
			t.Fatal(err)
		}
		return w.analyzePage(doc, u, false, testNow)
	}
	// The heap is read after the first 50 pages and after the other 150: what was loaded once
	// (the dictionaries, on the first page) falls out of the difference.
	infos := make([]*pageInfo, n)
	var heap [2]int64
	for i := range infos {
		if i == 50 {
			heap[0] = heapInUse()
		}
		infos[i] = read(docs[i])
	}
	heap[1] = heapInUse()
	per := (heap[1] - heap[0]) / (n - 50)
	runtimeKeepAlive(infos, docs, w)
	t.Logf("a round holds %.1f KB of each 60 KB page", float64(per)/1024)
	if per > 16<<10 {
		t.Fatalf("a round holds %d bytes of each 60 KB page; want at most 16 KB", per)
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func runtimeKeepAlive(v ...any) { runtime.KeepAlive(v) }

// size is what a signature holds, in bytes: what a page keeps of its text.
func (s *textSig) size() int {
	return 8*len(s.keys) + int(unsafe.Sizeof(blockSig{}))*len(s.blocks) + 4*len(s.shingles) + len(s.figures)
}
