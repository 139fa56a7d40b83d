package handlers_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The rates page's charts and figures read at a glance: the categories most reported first, the
// axis marked at round numbers, the period written by its last day, and every rate with the
// same decimals.
func TestRatesChartsReadAtAGlance(t *testing.T) {
	a := newTestApp(t)
	var first string
	for _, c := range []struct {
		category string
		n        int
	}{{"信息不更新", 2}, {"链接不可用", 1}, {"错别字", 3}, {"其他", 1}} {
		for i := range c.n {
			f := validFields()
			f["page_url"], f["category"] = "https://gzw.sc.gov.cn/"+c.category+strconv.Itoa(i)+".html", c.category
			resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("submit: %d %v", resp.StatusCode, body)
			}
			if first == "" {
				first = body["ticket_no"].(string)
			}
		}
	}
	a.answer(first, true)
	a.loginPage("sc-supervisor")
	resp, page := a.get("/staff/stats?from=2025-03-01&to=2025-03-31")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
	d := doc(t, page)

	var counts []int
	d.Find(`svg.chart[aria-label="各类问题留言数"] title`).Each(func(_ int, s *goquery.Selection) {
		m := regexp.MustCompile(`(\d+) 条`).FindStringSubmatch(s.Text())
		n, _ := strconv.Atoi(m[1])
		counts = append(counts, n)
	})
	if len(counts) != 4 || counts[0] != 3 || counts[1] != 2 || counts[2] != 1 || counts[3] != 1 {
		t.Errorf("the categories chart is ordered %v: want the most reported first (3, 2, 1, 1)", counts)
	}

	var ticks []int
	d.Find(`svg.chart[aria-label*="收到和办结"] text[text-anchor="end"]`).Each(func(_ int, s *goquery.Selection) {
		n, err := strconv.Atoi(s.Text())
		if err != nil {
			t.Fatalf("an axis label %q", s.Text())
		}
		ticks = append(ticks, n)
	})
	if len(ticks) < 2 || ticks[0] != 0 || ticks[len(ticks)-1] < 7 {
		t.Fatalf("axis %v: want 0 up to at least the peak of 7", ticks)
	}
	step := ticks[1]
	round := false
	for p := 1; p <= 1000; p *= 10 {
		round = round || step == p || step == 2*p || step == 5*p
	}
	for i, v := range ticks {
		if v != i*step || !round {
			t.Errorf("axis %v: want round steps of 1, 2 or 5 times a power of ten", ticks)
			break
		}
	}

	intro := d.Find("section.card p.muted").First().Text()
	if !strings.Contains(intro, "2025-03-01 至 2025-03-31") || strings.Contains(page, "（不含）") {
		t.Errorf("the period is written %q: want it to the last day", intro)
	}

	decimals := map[int][]string{}
	d.Find(".stat-cards small, .stat-cards b, table.stats b, svg.chart text").Each(func(_ int, s *goquery.Selection) {
		for _, p := range regexp.MustCompile(`\d+(?:\.(\d+))?%`).FindAllStringSubmatch(s.Text(), -1) {
			decimals[len(p[1])] = append(decimals[len(p[1])], p[0])
		}
	})
	if len(decimals) != 1 {
		t.Errorf("rates written with different decimals: %v", decimals)
	}
}
