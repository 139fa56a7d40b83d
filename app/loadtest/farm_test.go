package loadtest

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// testFarm is a farm of one site served in process, with no latency.
func testFarm(pages int) *farmSites {
	f := &farmSites{sites: 1, pages: pages, fanout: 8, pageBytes: 60 << 10, changes: 0.02, newPages: 0.01, seed: 1}
	f.day.Store(1)
	return f
}

// get asks the farm's site 0 for a path, with the headers given as name, value, ….
func (f *farmSites) get(t *testing.T, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	f.handle(0, w, req)
	return w
}

var contentText = regexp.MustCompile(`(?s)<div class="content">(.*?)</div>`)

// pageText is a page's content as the 一稿多发 check shingles it: letters and digits only, at
// most its first 16 KB (the inspector keeps no more of a page).
func pageText(body []byte) []rune {
	m := contentText.FindSubmatch(body)
	s := string(m[1])
	if len(s) > 16<<10 {
		s = s[:16<<10]
	}
	s = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, "")
	return []rune(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return r
		}
		return -1
	}, s))
}

func shingles(rs []rune) []uint32 {
	var out []uint32
	for i := 0; i+3 <= len(rs); i++ {
		h := fnv.New32a()
		h.Write([]byte(string(rs[i : i+3])))
		out = append(out, h.Sum32())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func jaccard(a, b []uint32) float64 {
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter, i, j = inter+1, i+1, j+1
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// The farm's pages are no copies of each other: the 一稿多发 check calls two pages copies from
// a Jaccard similarity of 0.8 of their character 3-grams (jobs/inspector/dup.go), and a page
// made of a small bank of sentences would be a copy of every other. (Word salad passes too:
// TestFarmTextIsProse holds that the text is prose.)
func TestFarmPagesAreNotCopies(t *testing.T) {
	f := testFarm(200)
	var sets [][]uint32
	for page := range 60 {
		sets = append(sets, shingles(pageText(f.body(0, page, f.history(0, page)))))
	}
	worst := 0.0
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			worst = max(worst, jaccard(sets[i], sets[j]))
		}
	}
	t.Logf("the most alike of 60 pages: Jaccard %.2f", worst)
	if worst >= 0.5 {
		t.Errorf("two pages share %.2f of their 3-grams; want well under the 0.8 of a copy", worst)
	}
}

// The farm's text is prose: sentences of clauses, as a government page has, not runs of words
// (the 错敏字 checks cost three times as much on word salad and flag many of its seams). The
// statistical check itself is not run here (it is internal to jobs/inspector); `loadtest farm`
// counts the typos the worker finds in a round.
func TestFarmTextIsProse(t *testing.T) {
	f := testFarm(200)
	text := string(contentText.FindSubmatch(f.body(0, 7, f.history(0, 7)))[1])
	clauses := strings.FieldsFunc(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text, ""), func(r rune) bool {
		return strings.ContainsRune("，。、；：！？", r)
	})
	longest, runes := 0, 0
	for _, c := range clauses {
		n := len([]rune(c))
		longest, runes = max(longest, n), runes+n
	}
	mean := float64(runes) / float64(len(clauses))
	t.Logf("%d clauses, %.1f characters on average, the longest %d", len(clauses), mean, longest)
	if mean > 20 || longest > 40 {
		t.Errorf("clauses of %.1f characters on average, the longest %d: want the 8–15 of prose and none over 40", mean, longest)
	}
	if !strings.Contains(text, "。") || strings.Count(text, "，") < strings.Count(text, "。") {
		t.Error("the text wants sentences of several clauses")
	}
}

// A farm's day as a government site's: an updated page's entry on its parent's list shows the
// day's date (so the parent changes too), new pages appear on a column's list with the day's
// date, and what did not change answers 304 to the validators of the day before.
func TestFarmDayChanges(t *testing.T) {
	f := testFarm(200)
	f.newPages, f.typos = 0.02, 1
	type seen struct{ etag, modified, body string }
	day1 := map[int]seen{}
	for page := range f.total() {
		w := f.get(t, pagePath(page))
		if w.Code != http.StatusOK {
			t.Fatalf("day 1, %s: %d", pagePath(page), w.Code)
		}
		day1[page] = seen{w.Header().Get("ETag"), w.Header().Get("Last-Modified"), w.Body.String()}
	}
	f.day.Store(2)
	const today = "2025-03-02"

	updated, fresh, unchanged := 0, 0, 0
	for page := 1; page < 200; page++ {
		if f.history(0, page).listed != 2 {
			continue
		}
		updated++
		parent := (page - 1) / 8
		w := f.get(t, pagePath(parent), "If-None-Match", day1[parent].etag)
		if w.Code != http.StatusOK {
			t.Errorf("page %d was updated on day 2; its parent %d answers %d to the ETag of day 1, want 200", page, parent, w.Code)
			continue
		}
		if entry := fmt.Sprintf(`<a href="/p/%d.html">%s</a><span>%s</span>`, page, f.title(0, page), today); !strings.Contains(w.Body.String(), entry) {
			t.Errorf("page %d was updated on day 2; its parent %d's list lacks %s", page, parent, entry)
		}
		if w := f.get(t, pagePath(page), "If-None-Match", day1[page].etag); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "发布日期："+today) || !strings.Contains(w.Body.String(), "部暑") {
			t.Errorf("page %d was updated on day 2: %d to the ETag of day 1, want 200, its new date and the planted typo", page, w.Code)
		}
	}
	if updated == 0 {
		t.Fatal("no page was updated on day 2: choose another seed")
	}

	for page := 200; page < f.total(); page++ {
		fresh++
		if w := f.get(t, pagePath(page)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "部暑") {
			t.Errorf("new page %d: %d, want 200 and the planted typo (-typos 1)", page, w.Code)
		}
		entry := fmt.Sprintf(`<li><a href="/p/%d.html">%s</a><span>%s</span></li>`, page, f.title(0, page), today)
		linked := false
		for column := 1; column <= 8; column++ {
			linked = linked || strings.Contains(f.get(t, pagePath(column)).Body.String(), entry)
		}
		if !linked {
			t.Errorf("new page %d is on no column's list with the date %s", page, today)
		}
	}
	if fresh != 4 {
		t.Errorf("%d new pages on day 2, want 2%% of 200", fresh)
	}

	for page := range 200 {
		w := f.get(t, pagePath(page))
		if w.Body.String() != day1[page].body {
			continue
		}
		unchanged++
		if w.Header().Get("ETag") != day1[page].etag {
			t.Errorf("page %d is the same on day 2 under another ETag", page)
		}
		if w := f.get(t, pagePath(page), "If-None-Match", day1[page].etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("unchanged page %d: %d to its ETag, want 304", page, w.Code)
		}
		if w := f.get(t, pagePath(page), "If-Modified-Since", day1[page].modified); w.Code != http.StatusNotModified {
			t.Errorf("unchanged page %d: %d to its Last-Modified, want 304", page, w.Code)
		}
		if w := f.get(t, pagePath(page), "If-None-Match", `"another"`, "If-Modified-Since", day1[page].modified); w.Code != http.StatusOK {
			t.Errorf("page %d: %d to an ETag not its own, want 200", page, w.Code)
		}
	}
	t.Logf("day 2: %d pages updated, %d new, %d of 200 unchanged", updated, fresh, unchanged)
	if unchanged < 150 {
		t.Errorf("%d of 200 pages unchanged on day 2, want most", unchanged)
	}
}

// An edit in place changes the page but not its entry on the list: a daily round cannot see it.
func TestFarmEditInPlace(t *testing.T) {
	f := testFarm(200)
	f.changes, f.newPages, f.edits = 0, 0, 0.05
	etags := map[int]string{}
	for page := range 200 {
		etags[page] = f.get(t, pagePath(page)).Header().Get("ETag")
	}
	f.day.Store(2)
	edited := 0
	for page := 1; page < 200; page++ {
		if f.history(0, page).version == 0 {
			continue
		}
		edited++
		if w := f.get(t, pagePath(page), "If-None-Match", etags[page]); w.Code != http.StatusOK {
			t.Errorf("page %d was edited: %d to its old ETag, want 200", page, w.Code)
		}
		parent := (page - 1) / 8
		if w := f.get(t, pagePath(parent), "If-None-Match", etags[parent]); w.Code != http.StatusNotModified && f.history(0, parent).version == 0 {
			t.Errorf("page %d was edited in place; its parent %d answers %d, want 304 (its list is the same)", page, parent, w.Code)
		}
	}
	if edited == 0 {
		t.Fatal("no page was edited on day 2")
	}
}

func pagePath(page int) string {
	if page == 0 {
		return "/"
	}
	return fmt.Sprintf("/p/%d.html", page)
}

// BenchmarkFarmBody is the CPU a 60 KB page costs the farm, which runs beside the crawler.
func BenchmarkFarmBody(b *testing.B) {
	f := testFarm(2000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		page := i % 2000
		f.body(0, page, f.history(0, page))
	}
}

// TestFarmWritePages writes pages for a look with the inspector's checks (FARM_PAGES=dir).
func TestFarmWritePages(t *testing.T) {
	dir := os.Getenv("FARM_PAGES")
	if dir == "" {
		t.Skip("FARM_PAGES not set")
	}
	f := testFarm(2000)
	for page := range 100 {
		if err := os.WriteFile(fmt.Sprintf("%s/%d.html", dir, page), f.body(3, page*17, f.history(3, page*17)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
