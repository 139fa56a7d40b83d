package handlers_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// drillWorld: in March 2025, one ticket of the province's own office, two of 成都's, one that no
// site matches (triage), and a duplicate of the province's and one made 无效.
func drillWorld(t *testing.T) *testApp {
	a := newTestApp(t)
	a.submitTo("https://www.sc.gov.cn/own.html")
	a.submitTo("https://www.sc.gov.cn/own.html") // merged at receipt: a duplicate
	a.submitTo("https://www.chengdu.gov.cn/1.html")
	junk, _ := a.submitTo("https://www.chengdu.gov.cn/2.html")
	a.submitTo("https://nowhere.example.cn/3.html")
	if r, b := a.api("POST", "/api/v1/tickets/"+junk+"/invalidate", a.apiLogin("sc-supervisor"), `{"text":"与政府网站无关的广告信息"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("invalidate: %d %v", r.StatusCode, b)
	}
	return a
}

var listTotal = regexp.MustCompile(`共 (\d+) 条`)

// Every number of the rates page leads to a list of exactly the tickets it counts (the 本级 line
// to the region's own, not those below it; the 待分办 line to those with no unit), and the list
// says above it what it is filtered to: the period and the line.
func TestEveryRatesNumberListsTheTicketsItCounts(t *testing.T) {
	a := drillWorld(t)
	a.loginPage("sc-supervisor")
	resp, page := a.get("/staff/stats?from=2025-03-01&to=2025-03-31")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
	d := doc(t, page)
	checked := 0
	d.Find(".stat-cards a, table.stats tbody td a").Each(func(_ int, s *goquery.Selection) {
		want, err := strconv.Atoi(strings.TrimSpace(s.Text()))
		if err != nil {
			return // a rate, not a count
		}
		href, _ := s.Attr("href")
		line := strings.TrimSpace(s.Closest("tr").Find("td").Eq(1).Text())
		_, list := a.get(href)
		m := listTotal.FindStringSubmatch(list)
		if m == nil {
			t.Fatalf("%s: no total on the list", href)
		}
		if got, _ := strconv.Atoi(m[1]); got != want {
			t.Errorf("%s %q: the number is %d, the list behind it has %d (%s)", line, s.Text(), want, got, href)
		}
		sel := doc(t, list).Find("#list-selection").Text()
		if !strings.Contains(sel, "2025-03-01 至 2025-03-31") {
			t.Errorf("%s: the list does not say its period: %q", href, sel)
		}
		if strings.Contains(line, "本级") && !strings.Contains(sel, "本级") {
			t.Errorf("%s: the 本级 line's list does not say so: %q", href, sel)
		}
		checked++
	})
	if checked < 20 {
		t.Fatalf("only %d numbers followed", checked)
	}
}

// The export keeps 无效 and 重复 apart, as the JSON and the page do.
func TestRatesExportKeepsInvalidAndDuplicatesApart(t *testing.T) {
	a := drillWorld(t)
	token := a.apiLogin("sc-supervisor")
	_, body := a.api("GET", "/api/v1/stats/completion?from=2025-03-01&to=2025-03-31&group_by=unit", token, "")
	total := body["total"].(map[string]any)
	if total["invalid"] != float64(1) || total["duplicates"] != float64(1) {
		t.Fatalf("JSON total %v", total)
	}
	a.loginPage("sc-supervisor")
	resp, raw := a.get("/staff/stats?from=2025-03-01&to=2025-03-31&export=unit&format=csv")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	last := rows[len(rows)-1]
	if _, ok := col["重复"]; !ok || last[col["无效"]] != "1" || last[col["重复"]] != "1" {
		t.Fatalf("header %v, total %v: want 无效 1 and 重复 1 apart", rows[0], last)
	}
}
