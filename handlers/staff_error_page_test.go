package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A refused staff form's error page says what was wrong, shows what was typed, and leads back to
// the staff page it came from and to the staff's own start page, never to the citizens' form.
func TestStaffErrorPageLeadsBackWithTheInput(t *testing.T) {
	a := newTestApp(t)
	no, _ := a.submitTo("https://gzw.sc.gov.cn/error-page.html")
	staff := a.apiLogin("gzw-staff")
	for _, step := range []struct{ action, body string }{{"accept", ""}, {"reply", `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`}} {
		if r, b := a.api("POST", "/api/v1/tickets/"+no+"/"+step.action, staff, step.body); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", step.action, r.StatusCode, b)
		}
	}
	a.loginPage("gzw-staff")
	ticketPage := "/staff/tickets/" + no
	for _, referer := range []string{a.URL + ticketPage, ""} {
		form := url.Values{"text": {"我认为可以通过，请审核人确认"}, "public": {"1"}}
		req, _ := http.NewRequest(http.MethodPost, a.URL+ticketPage+"/approve", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		resp, body := a.do(req)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a unit's staff approving: %d", resp.StatusCode)
		}
		d := doc(t, body)
		main := d.Find("main")
		if msg := strings.TrimSpace(main.Find(".error-message").Text()); msg == "" {
			t.Errorf("the page does not say what was wrong: %q", main.Text())
		}
		if !strings.Contains(main.Text(), "我认为可以通过，请审核人确认") {
			t.Error("what was typed is lost")
		}
		var links []string
		main.Find("a").Each(func(_ int, s *goquery.Selection) {
			links = append(links, s.AttrOr("href", ""))
		})
		if strings.Join(links, " ") != ticketPage+" /staff" {
			t.Errorf("referer %q: the page links %v, want back to %s and to /staff", referer, links, ticketPage)
		}
	}
}

// An administrator's rates page and audit log link only to pages an administrator may open: its
// numbers and entries are plain text where the ticket pages are not theirs to see.
func TestAdminIsLinkedOnlyWhereAdminMayGo(t *testing.T) {
	a := statsWorld(t)
	a.loginPage("admin")
	for _, page := range []string{"/staff/stats?from=2025-03-01&to=2025-03-31", "/staff/audit"} {
		resp, body := a.get(page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", page, resp.StatusCode)
		}
		seen := map[string]bool{}
		doc(t, body).Find("main a[href]").Each(func(_ int, s *goquery.Selection) {
			href := s.AttrOr("href", "")
			if seen[href] || !strings.HasPrefix(href, "/") || strings.Contains(href, "export=") {
				return
			}
			seen[href] = true
			if r, _ := a.get(href); r.StatusCode == http.StatusForbidden {
				t.Errorf("%s links %q (%s), which an administrator may not open", page, href, strings.TrimSpace(s.Text()))
			}
		})
	}
}
