package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// publishedReport files a report to 国资委 with description and takes it to a published reply.
func (a *testApp) publishedReport(description string) string {
	a.t.Helper()
	f := validFields()
	f["description"] = description
	resp, body := a.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		a.t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	no := body["ticket_no"].(string)
	a.answer(no, true)
	return no
}

// repliesFound searches 留言选登 for q and returns how many replies the page lists.
func (a *testApp) repliesFound(q string) int {
	a.t.Helper()
	resp, page := a.get("/replies?" + url.Values{"q": {q}}.Encode())
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("search %q: %d", q, resp.StatusCode)
	}
	return doc(a.t, page).Find("article.reply").Length()
}

// The attacker's loop against 留言选登: a published ticket's description holds a phone number and
// an ID card number, which the page shows masked. For each masked digit the attacker is given
// every true digit before it (and, the other way round, every one after it) and tries the ten
// digits in its place; a search that lists the ticket confirms one. None may be confirmed: the
// search reads only what the page shows.
func TestRepliesSearchConfirmsNoMaskedDigit(t *testing.T) {
	a := newTestApp(t)
	const phone, id = "13800138000", "11010519491231002X"
	a.publishedReport("页面上的联系电话13800138000打不通，我的身份证号11010519491231002X，请核实。")

	_, page := a.get("/replies")
	shown := doc(t, page).Find("article.reply").Text()
	if !strings.Contains(shown, "138****8000") || !strings.Contains(shown, "110105********002X") || strings.Contains(shown, phone) {
		t.Fatalf("the published description is not masked: %q", shown)
	}
	for _, visible := range []string{"138", "8000", "110105", "002X", "138****8000", "打不通"} {
		if a.repliesFound(visible) != 1 {
			t.Errorf("searching what the page shows (%q) finds nothing", visible)
		}
	}

	// requests counts every search; toFirstHit, those an attacker going 0, 1, 2… from the known
	// prefix needs until the search confirms the digit (the figure of the assessment).
	requests, recovered, masked, toFirstHit := 0, 0, 0, 0
	for _, secret := range []struct {
		digits      string
		first, last int // the masked positions [first, last)
	}{{phone, 3, 7}, {id, 6, 14}} {
		for pos := secret.first; pos < secret.last; pos++ {
			masked++
			hit := false
			for d := '0'; d <= '9'; d++ {
				for i, q := range []string{secret.digits[:pos] + string(d), string(d) + secret.digits[pos+1:]} {
					requests++
					if i == 0 && !hit {
						toFirstHit++
					}
					if a.repliesFound(q) > 0 {
						hit = hit || i == 0
						recovered++
						t.Errorf("the search for %q lists the ticket: digit %d of %s confirmed", q, pos+1, secret.digits)
					}
				}
			}
		}
	}
	t.Logf("%d searches over %d masked digits: %d confirmations (going 0-9 from the known prefix, %d searches)", requests, masked, recovered, toFirstHit)
}

// Looking for a phone number, an ID card number or an e-mail address typed in another way
// (full-width, in groups, half of it) finds nothing the masked text does not show either.
func TestRepliesSearchOfPersonalDataInAnyForm(t *testing.T) {
	a := newTestApp(t)
	a.publishedReport("请联系１３９ ００１３－９０００或zhang.san@example.com，身份证5101 0419 9001 0112 30。")
	for _, q := range []string{"13900139000", "１３９００１３９０００", "139 0013", "0013", "00139000", "zhang", "zhang.san@",
		"510104199001011230", "5101 0419 9001", "0419", "19900101", "%0013%", "139_0013"} {
		if n := a.repliesFound(q); n != 0 {
			t.Errorf("searching %q lists %d replies", q, n)
		}
	}
	for _, q := range []string{"１３９", "z***@example.com", "5101 04"} {
		if n := a.repliesFound(q); n != 1 {
			t.Errorf("searching what the page shows (%q) lists %d replies", q, n)
		}
	}
}

// 留言选登 and the captchas are limited per client like the status queries: 30 and 10 times the
// hourly report limit; past it, 429 with Retry-After. Captchas stored for a client stay within
// what the limit lets it draw.
func TestRepliesAndCaptchasAreLimitedPerClient(t *testing.T) {
	a := newTestApp(t, withRateLimit(1), withCaptcha)
	for i := 0; i < 30; i++ {
		if resp, _ := a.get("/replies?q=" + strconv.Itoa(i)); resp.StatusCode != http.StatusOK {
			t.Fatalf("search %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, page := a.get("/replies?q=1380")
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != http.StatusTooManyRequests || err != nil || secs < 1 || !strings.Contains(page, "频繁") {
		t.Fatalf("search 31: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	for i := 0; i < 9; i++ {
		a.captcha()
	}
	if resp, _ := a.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the form, 10th captcha: %d", resp.StatusCode)
	}
	resp, body := a.get("/api/v1/captcha")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, `"error"`) {
		t.Fatalf("11th captcha: %d %s", resp.StatusCode, body)
	}
	if resp, page := a.get("/"); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "频繁") {
		t.Fatalf("the form past the limit: %d", resp.StatusCode)
	}
	var stored int
	a.Store.SQLDB().QueryRow("SELECT COUNT(*) FROM captchas").Scan(&stored)
	if stored != 10 {
		t.Fatalf("%d captchas stored, want the 10 the limit allows", stored)
	}
}

// An IPv6 client is counted by its /64, which one subscriber holds whole: hopping across its
// addresses does not renew the budget; another /64 and an IPv4 client have theirs.
func TestLimitsCountAnIPv6ClientByItsPrefix(t *testing.T) {
	a := newTestApp(t, withRateLimit(1), func(c *appConfig) { c.TrustedProxies = []string{"127.0.0.1", "::1"} })
	from := func(ip string) int {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/replies?q=1", nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, _ := a.do(req)
		return resp.StatusCode
	}
	for i := 0; i < 30; i++ {
		if s := from(fmt.Sprintf("2001:db8:1:2:%x::%x", i, i+1)); s != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, s)
		}
	}
	if s := from("2001:db8:1:2:ffff:ffff:ffff:ffff"); s != http.StatusTooManyRequests {
		t.Fatalf("31st request from the same /64: %d", s)
	}
	if s := from("2001:db8:1:3::1"); s != http.StatusOK {
		t.Fatalf("another /64: %d", s)
	}
	if s := from("198.51.100.7"); s != http.StatusOK {
		t.Fatalf("an IPv4 client: %d", s)
	}
}
