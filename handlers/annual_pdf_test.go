package handlers_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhaocuo/models/circulardoc/doctest"
	"zhaocuo/models/storetest"
)

// The demo province's 2025 reports, rebuilt from the test data (the 四川 tickets of the 2025 Q1
// circular and its inspection), filled in, published and downloaded as DOCX, read as LibreOffice
// renders them: a grid of 项目 and 内容, its header row on every page, every figure the page shows
// on one line with its label. With
// ZHAOCUO_ANNUAL_EXAMPLES=1 the PDFs are kept as docs/annual-report-example-*.pdf.
func TestAnnualDOCXRendersTheFigures(t *testing.T) {
	a := newTestApp(t, withInspection(t))
	storetest.SichuanTickets(t, a.Store, a.Clock)
	a.Clock.Set(storetest.At("2026-01-20 10:00"))
	ctx := context.Background()
	region, err := a.Store.FindRegion(ctx, "510000")
	if err != nil {
		t.Fatal(err)
	}
	site := a.siteID("gzw.sc.gov.cn")
	for _, r := range []struct {
		user, path, example string
		fill                map[string]string
	}{
		{"gzw-staff", "/staff/annual/work/" + site + "/2025", "site", map[string]string{"visitors": "35210", "visits": "1208345", "info_total": "2140",
			"smart_qa": "否", "sec_monitoring": "是", "weibo_posts": "0", "wechat_posts": "615", "wechat_subscribers": "48210",
			"head": "张三", "reviewer": "李四", "filler": "王五", "phone": "028-00000000", "filled_on": "2026-01-20"}},
		{"sc-supervisor", "/staff/annual/supervision/" + strconv.FormatInt(region.ID, 10) + "/2025", "supervision", map[string]string{
			"acc_talks": "3", "acc_written": "1", "train_sessions": "4", "train_people": "260", "fake_found": "2", "fake_handled": "2",
			"filler": "赵六", "phone": "028-00000001", "filled_on": "2026-01-20"}},
	} {
		t.Run(r.example, func(t *testing.T) {
			a.Client.Jar, _ = cookiejar.New(nil)
			a.loginPage(r.user)
			if resp, body := a.postFormFrom(r.path, r.fill, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d %.300s", resp.StatusCode, body)
			}
			if resp, body := a.postFormFrom(r.path+"/publish", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d %.300s", resp.StatusCode, body)
			}
			// What the page shows, item by item: the PDF must say the same.
			_, body := a.get(r.path)
			want := map[string]string{}
			doc(t, body).Find("#annual-items tbody tr[id^=item-]").Each(func(_ int, row *goquery.Selection) {
				want[strings.TrimSpace(row.Find("th").Text())] = strings.TrimSpace(row.Find(".value").Text())
			})
			if len(want) < 20 {
				t.Fatalf("%d items on the page", len(want))
			}
			resp, docx := a.get(r.path + "/document?format=docx")
			if resp.StatusCode != 200 {
				t.Fatalf("docx: %d", resp.StatusCode)
			}
			pdf := doctest.ToPDF(t, "report.docx", []byte(docx))
			pages, _ := doctest.PDFText(t, pdf)
			text := strings.Join(strings.Fields(strings.Join(pages, "")), "")
			// The grid: each item's label and value on one printed line, and the header row at
			// the top of every page (LibreOffice repeats it; no row is split across pages).
			if len(pages) < 2 {
				t.Errorf("%d pages: the grid does not cross a page", len(pages))
			}
			var lines []string
			for i, p := range pages {
				header := false
				for _, l := range strings.Split(p, "\n") {
					l = strings.Join(strings.Fields(l), "")
					lines = append(lines, l)
					header = header || l == "项目内容"
				}
				if !header {
					t.Errorf("page %d lacks the header row 项目 | 内容", i+1)
				}
			}
			for label, value := range want {
				if value == "" {
					value = "—"
				}
				// A long value wraps in its cell: its first characters share the label's line.
				l, v := strings.Join(strings.Fields(label), ""), strings.Join(strings.Fields(value), "")
				start := v
				if r := []rune(v); len(r) > 8 {
					start = string(r[:8])
				}
				found := false
				for _, line := range lines {
					found = found || strings.Contains(line, l+start)
				}
				if !found || !strings.Contains(text, v) {
					t.Errorf("no printed line holds %s | %s", l, value)
				}
			}
			for _, v := range r.fill {
				if !strings.Contains(text, v) {
					t.Errorf("the PDF lacks the filled-in %q", v)
				}
			}
			if os.Getenv("ZHAOCUO_ANNUAL_EXAMPLES") == "1" {
				if err := os.WriteFile(filepath.Join("..", "docs", "annual-report-example-"+r.example+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
