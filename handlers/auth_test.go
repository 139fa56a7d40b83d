package handlers_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/go-redis/v9"
)

const demoPassword = "demo-pass-123"

// apiLogin signs in through the API and returns the token.
func (a *testApp) apiLogin(username string) string {
	a.t.Helper()
	resp, body := a.postJSON("/api/v1/auth/login", `{"username":"`+username+`","password":"`+demoPassword+`"}`)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("login %s: %d %v", username, resp.StatusCode, body)
	}
	return body["token"].(string)
}

// api sends a JSON request with a Bearer token.
func (a *testApp) api(method, path, token, body string, header ...string) (*http.Response, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, raw := a.do(req)
	var m map[string]any
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			a.t.Fatalf("%s %s: not JSON (%d): %q", method, path, resp.StatusCode, raw)
		}
	}
	return resp, m
}

// loginPage signs in through the form; the client keeps the session cookie.
func (a *testApp) loginPage(username string) {
	a.t.Helper()
	resp, body := a.postFormFrom("/login", map[string]string{"username": username, "password": demoPassword, "next": "/staff"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff" {
		a.t.Fatalf("sign in %s: %d %s", username, resp.StatusCode, body)
	}
}

func TestAPILoginAnswersTokenAndUser(t *testing.T) {
	a := newTestApp(t)
	resp, body := a.postJSON("/api/v1/auth/login", `{"username":"gzw-staff","password":"demo-pass-123"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	user := body["user"].(map[string]any)
	if user["username"] != "gzw-staff" || user["role"] != "unit_staff" || user["unit"] != "四川省政府国有资产监督管理委员会" || user["region"] != "四川省" {
		t.Fatalf("user %v", user)
	}
	exp, err := time.Parse(time.RFC3339, body["expires_at"].(string))
	if err != nil || time.Until(exp) < 11*time.Hour {
		t.Fatalf("expires_at %v", body["expires_at"])
	}
	if r, _ := a.api("GET", "/api/v1/me", body["token"].(string), ""); r.StatusCode != 200 {
		t.Fatalf("me: %d", r.StatusCode)
	}
}

func TestWrongPasswordsAreThrottled(t *testing.T) {
	a := newTestApp(t)
	for i := 0; i < 5; i++ {
		resp, body := a.postJSON("/api/v1/auth/login", `{"username":"gzw-staff","password":"wrong-password"}`)
		if resp.StatusCode != 400 || body["error"] != "用户名或密码错误" {
			t.Fatalf("attempt %d: %d %v", i+1, resp.StatusCode, body)
		}
	}
	// Now even the right password waits.
	resp, body := a.postJSON("/api/v1/auth/login", `{"username":"gzw-staff","password":"demo-pass-123"}`)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures: %d %v", resp.StatusCode, body)
	}
	// Another user is not affected.
	if r, _ := a.postJSON("/api/v1/auth/login", `{"username":"gzw-reviewer","password":"demo-pass-123"}`); r.StatusCode != 200 {
		t.Fatalf("other user: %d", r.StatusCode)
	}
}

// Every token that is not a current, sound one of an active user answers 401 and does nothing.
func TestBadTokensAre401(t *testing.T) {
	a := newTestApp(t)
	good := a.apiLogin("gzw-staff")
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
		return jwt.MapClaims{"sub": "5", "iss": "zhaocuo", "aud": []string{"zhaocuo"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "ver": 1}
	}
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1","ver":1,"role":"admin","iss":"zhaocuo","aud":["zhaocuo"],"exp":9999999999,"iat":1}`)) + "." + parts[2]
	expired := valid()
	expired["exp"], expired["iat"] = now.Add(-time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
	noExp := valid()
	delete(noExp, "exp")
	otherIssuer := valid()
	otherIssuer["iss"] = "someone-else"
	otherAudience := valid()
	otherAudience["aud"] = []string{"another-app"}
	tests := []struct{ name, token string }{
		{"garbage", "not.a.token"},
		{"alg none", none},
		{"payload changed", tampered},
		{"wrong key", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-1234"), valid())},
		{"HS512 with the right key", sign(jwt.SigningMethodHS512, secret, valid())},
		{"expired", sign(jwt.SigningMethodHS256, secret, expired)},
		{"no expiry", sign(jwt.SigningMethodHS256, secret, noExp)},
		{"other issuer", sign(jwt.SigningMethodHS256, secret, otherIssuer)},
		{"other audience", sign(jwt.SigningMethodHS256, secret, otherAudience)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := a.api("GET", "/api/v1/tickets", tt.token, "")
			if resp.StatusCode != http.StatusUnauthorized || body["error"] != "请先登录" {
				t.Fatalf("%d %v", resp.StatusCode, body)
			}
		})
	}
	// The good token works, until its user signs out, when it stops at once.
	if r, _ := a.api("GET", "/api/v1/tickets", good, ""); r.StatusCode != 200 {
		t.Fatalf("good token: %d", r.StatusCode)
	}
	if r, _ := a.api("POST", "/api/v1/auth/logout", good, ""); r.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r, _ := a.api("GET", "/api/v1/tickets", good, ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("token after logout: %d", r.StatusCode)
	}
}

func TestDisabledUsersTokenStopsAtOnce(t *testing.T) {
	a := newTestApp(t)
	staff := a.apiLogin("gzw-staff")
	a.loginPage("admin")
	id := userID(t, a.Store, "gzw-staff")
	resp, body := a.postFormFrom("/admin/users/"+strconv.FormatInt(id, 10)+"/disable", map[string]string{}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	if r, _ := a.api("GET", "/api/v1/tickets", staff, ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled user's token: %d", r.StatusCode)
	}
	// Its right password is answered exactly as a wrong one, on the API and on the form: the
	// answer does not tell that the password was right.
	disabled, dBody := a.postJSON("/api/v1/auth/login", `{"username":"gzw-staff","password":"demo-pass-123"}`)
	wrong, wBody := a.postJSON("/api/v1/auth/login", `{"username":"gzw-reviewer","password":"wrong-pass-123"}`)
	if disabled.StatusCode != wrong.StatusCode || fmt.Sprint(dBody) != fmt.Sprint(wBody) {
		t.Fatalf("disabled, right password: %d %v; active, wrong password: %d %v", disabled.StatusCode, dBody, wrong.StatusCode, wBody)
	}
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	disabled, dPage := b.postFormFrom("/login", map[string]string{"username": "gzw-staff", "password": demoPassword}, nil, "same-origin")
	wrong, wPage := b.postFormFrom("/login", map[string]string{"username": "gzw-reviewer", "password": "wrong-pass-123"}, nil, "same-origin")
	dMsg, wMsg := doc(t, dPage).Find(".flash-error").Text(), doc(t, wPage).Find(".flash-error").Text()
	if disabled.StatusCode != wrong.StatusCode || dMsg != wMsg || dMsg == "" {
		t.Fatalf("form: disabled %d %q; wrong %d %q", disabled.StatusCode, dMsg, wrong.StatusCode, wMsg)
	}
}

func TestPagesNeedSigningInAndTheRightRole(t *testing.T) {
	a := newTestApp(t)
	resp, _ := a.get("/staff/tickets")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("signed out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The cookie never authorises the API, nor a token the pages.
	a.loginPage("gzw-staff")
	if r, _ := a.api("GET", "/api/v1/tickets", "", ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API with only the cookie: %d", r.StatusCode)
	}
	if r, _ := a.get("/admin"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("staff on /admin: %d", r.StatusCode)
	}
	if r, _ := a.get("/staff/audit"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("staff on the audit log: %d", r.StatusCode)
	}
	// The sign-in page only sends people back into this site.
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	resp, _ = b.postFormFrom("/login", map[string]string{"username": "gzw-staff", "password": demoPassword, "next": "//evil.example/x"}, nil, "same-origin")
	if loc := resp.Header.Get("Location"); loc != "/staff" {
		t.Fatalf("open redirect to %q", loc)
	}
}

// When the database cannot be asked who a token belongs to, the answer says the service failed
// (5xx), not that the user is signed out (401), so a client keeps its token and tries again.
func TestSessionCheckFailingIsNotA401(t *testing.T) {
	a := newTestApp(t)
	token := a.apiLogin("gzw-staff")
	a.Store.SQLDB().Close()
	resp, body := a.api("GET", "/api/v1/me", token, "")
	if resp.StatusCode < 500 || body["error"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	if resp, _ := a.get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("an anonymous route: %d", resp.StatusCode)
	}
}

// resolveAsBrowser resolves a Location header against base as a browser's URL parser (WHATWG)
// does for http(s): leading and trailing C0 controls and spaces dropped, tabs and newlines
// removed anywhere, a backslash read as a slash; what is left is resolved by RFC 3986.
func resolveAsBrowser(base, location string) (*url.URL, error) {
	loc := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	loc = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, loc)
	b, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("Location %q: %w", location, err)
	}
	return b.ResolveReference(ref), nil
}

// staysOnSite says what is wrong with a redirect that leaves base's origin, or nil.
func staysOnSite(base string, resp *http.Response) error {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	loc := resp.Header.Get("Location")
	to, err := resolveAsBrowser(base, loc)
	if err != nil {
		return err
	}
	if from := mustURL(base); to.Scheme != from.Scheme || to.Host != from.Host {
		return fmt.Errorf("Location %q takes the browser to %s://%s", loc, to.Scheme, to.Host)
	}
	return nil
}

// openRedirects are next= values that would take a browser elsewhere if they were followed as
// given, with the forms a browser or a proxy reads the same.
var openRedirects = []string{
	"https://evil.example/phish", "//evil.example/phish", "///evil.example", "/\\evil.example", "\\\\evil.example",
	"/\t/evil.example/phish", "\t//evil.example", "/\n/evil.example", "/\r\n/evil.example", " //evil.example",
	"/%09/evil.example/phish", "/%0a/evil.example", "/%0d%0aSet-Cookie:%20x=1", "/%2F%2Fevil.example", "/%5Cevil.example",
	"/%5c%5cevil.example", "/%00//evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\u0085/evil.example",
	"javascript:alert(1)", "/staff/../\\evil.example", "evil.example", "http:evil.example", "%2F%2Fevil.example",
	"/\xff/evil.example", "/%", "/%z9",
}

// roundTrip sends req with the client's cookies and returns the answer as it came, Location
// unread: Go's client refuses to follow (even to return) a Location with a control character,
// which a browser would follow.
func (a *testApp) roundTrip(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	for _, c := range a.Client.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestSignInSendsOnlyToThisSite(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	for _, next := range openRedirects {
		t.Run(fmt.Sprintf("%q", next), func(t *testing.T) {
			// Already signed in: the sign-in page sends the browser on at once.
			req, _ := http.NewRequest("GET", a.URL+"/login?next="+url.QueryEscape(next), nil)
			resp := a.roundTrip(t, req)
			if err := staysOnSite(a.URL, resp); err != nil {
				t.Fatalf("GET /login: %v", err)
			}
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/staff" {
				t.Fatalf("GET /login: %d to %q, want 303 to /staff", resp.StatusCode, loc)
			}
			// Signing in with the form.
			form := url.Values{"username": {"gzw-staff"}, "password": {demoPassword}, "next": {next}}
			req, _ = http.NewRequest("POST", a.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp = a.roundTrip(t, req)
			if err := staysOnSite(a.URL, resp); err != nil {
				t.Fatalf("POST /login: %v", err)
			}
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/staff" {
				t.Fatalf("POST /login: %d to %q, want 303 to /staff", resp.StatusCode, loc)
			}
		})
	}
	// A path on this site is kept, its query too (an encoded slash in the query is a value).
	for _, next := range []string{"/staff/tickets?status=open&q=a%2Fb", "/staff/tickets/ZC20250325000001", "/admin/users#top"} {
		resp, _ := a.get("/login?next=" + url.QueryEscape(next))
		if loc := resp.Header.Get("Location"); loc != next {
			t.Errorf("GET /login?next=%s: to %q", next, loc)
		}
	}
	// Signed out, the form carries on only what it would follow.
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	_, body := b.get("/login?next=" + url.QueryEscape("/\t/evil.example"))
	if v, _ := doc(t, body).Find(`input[name="next"]`).Attr("value"); v != "" {
		t.Errorf("the form carries next=%q", v)
	}
}

// syncBuffer is a log the app writes to from many requests at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// signIn is one API sign-in, safe to send from many goroutines: the status and the answer.
func (a *testApp) signIn(username, password, device string) (int, map[string]any, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password, "device_token": device})
	resp, err := http.Post(a.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	err = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, err
}

// burst sends the passwords for username all at once and counts the answers by status.
func (a *testApp) burst(t *testing.T, username string, passwords []string) map[int]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	start := make(chan struct{})
	for _, p := range passwords {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, body, err := a.signIn(username, p, "")
			if err != nil {
				t.Errorf("sign-in: %v", err)
				return
			}
			if code == http.StatusOK && p != demoPassword || code != http.StatusOK && code != http.StatusTooManyRequests && code != http.StatusBadRequest {
				t.Errorf("%s: %d %v", p, code, body)
			}
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

func wrongPasswords(n int) []string {
	var list []string
	for i := range n {
		list = append(list, fmt.Sprintf("wrong-guess-%03d", i))
	}
	return list
}

// Wrong passwords sent all at once are evaluated no more often than the limit allows, and the
// right one sent among them gets in only if it was among the first five evaluated.
func TestConcurrentWrongPasswordsAreEvaluatedWithinTheLimit(t *testing.T) {
	log := &syncBuffer{}
	a := newTestApp(t, withLog(log))
	statuses := a.burst(t, "gzw-staff", wrongPasswords(150))
	evaluated := 150 - statuses[http.StatusTooManyRequests]
	t.Logf("150 wrong at once on %s: %v; %d evaluated, %d logged as failed", a.Store.Dialect(), statuses, evaluated, log.count("sign-in failed"))
	if evaluated > 5 || log.count("sign-in failed") > 5 {
		t.Errorf("150 wrong passwords at once: %d evaluated (%d logged), want at most 5", evaluated, log.count("sign-in failed"))
	}
	// 39 wrong and the right one at once, on another username. A right password gives its
	// place back, so a sixth may be evaluated after it; never a sixth wrong one.
	before := log.count("sign-in failed")
	passwords := append(wrongPasswords(39), demoPassword)
	rand.Shuffle(len(passwords), func(i, j int) { passwords[i], passwords[j] = passwords[j], passwords[i] })
	statuses = a.burst(t, "gzw-reviewer", passwords)
	wrong := statuses[http.StatusBadRequest]
	t.Logf("39 wrong and the right one at once: %v; %d wrong evaluated (%d logged), the right one got a token: %v",
		statuses, wrong, log.count("sign-in failed")-before, statuses[http.StatusOK] == 1)
	if wrong > 5 || log.count("sign-in failed")-before > 5 {
		t.Errorf("39 wrong and the right one at once: %d wrong evaluated, want at most 5", wrong)
	}
	// 39 wrong at once, then the right one: it waits like the rest.
	statuses = a.burst(t, "scgov-staff", wrongPasswords(39))
	if code, body, _ := a.signIn("scgov-staff", demoPassword, ""); code != http.StatusTooManyRequests {
		t.Errorf("the right password after 39 wrong at once (%v): %d %v", statuses, code, body)
	}
}

// Right passwords sent at once for one username all get in: an attempt finding the places taken
// by attempts still in flight waits for them.
func TestConcurrentRightPasswordsAllGetIn(t *testing.T) {
	a := newTestApp(t)
	passwords := make([]string, 20)
	for i := range passwords {
		passwords[i] = demoPassword
	}
	if statuses := a.burst(t, "gzw-staff", passwords); statuses[http.StatusOK] != 20 {
		t.Fatalf("20 right passwords at once: %v", statuses)
	}
}

// blackHole is a Redis that takes connections and never answers.
func blackHole(t *testing.T) *redis.Client {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			go io.Copy(io.Discard, conn)
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// When the wrong passwords cannot be counted (Redis slow or away), no password is evaluated:
// the sign-in and the password change are refused with a 503 that says so.
func TestSignInFailsClosedWithoutRedis(t *testing.T) {
	for _, tt := range []struct {
		name  string
		redis func(t *testing.T) redis.UniversalClient
	}{
		{"Redis that does not answer", func(t *testing.T) redis.UniversalClient { return blackHole(t) }},
		{"Redis away", func(t *testing.T) redis.UniversalClient {
			rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
			t.Cleanup(func() { rdb.Close() })
			return rdb
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log := &syncBuffer{}
			a := newTestApp(t, withoutCaches, withLog(log))
			a.loginPage("gzw-staff") // before Redis goes
			b := newTestAppOn(t, a.Store, a.Clock, a.Redis, withoutCaches, withLog(log), func(c *appConfig) { c.Redis = tt.redis(t) })
			b.Client.Jar = a.Client.Jar
			for _, password := range []string{"wrong-pass-123", demoPassword} {
				start := time.Now()
				resp, body := b.postJSON("/api/v1/auth/login", `{"username":"gzw-reviewer","password":"`+password+`"}`)
				if resp.StatusCode != http.StatusServiceUnavailable || body["error"] != "登录服务暂时不可用，请稍后再试" || resp.Header.Get("Retry-After") == "" {
					t.Errorf("API sign-in (%s): %d %v", password, resp.StatusCode, body)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("the refusal took %v", d)
				}
				resp, page := b.postFormFrom("/login", map[string]string{"username": "gzw-reviewer", "password": password}, nil, "same-origin")
				if msg := doc(t, page).Find(".flash-error").Text(); resp.StatusCode != http.StatusServiceUnavailable || msg != "登录服务暂时不可用，请稍后再试" {
					t.Errorf("form sign-in (%s): %d %q", password, resp.StatusCode, msg)
				}
			}
			resp, page := b.postFormFrom("/account/password", map[string]string{"old_password": demoPassword, "new_password": "new-pass-456", "confirm_password": "new-pass-456"}, nil, "same-origin")
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("password change: %d %s", resp.StatusCode, doc(t, page).Find(".flash-error").Text())
			}
			if n := log.count("sign-in failed"); n != 0 {
				t.Errorf("%d wrong passwords were evaluated", n)
			}
		})
	}
}

// lockOut sends five wrong passwords for username from a client of no device, as an attacker
// would, and checks that the username is then closed to such clients, right password or not.
func (a *testApp) lockOut(t *testing.T, username string) {
	t.Helper()
	for i := range 5 {
		if code, body, _ := a.signIn(username, fmt.Sprintf("attacker-guess-%d", i), ""); code != http.StatusBadRequest {
			t.Fatalf("guess %d: %d %v", i, code, body)
		}
	}
	code, body, _ := a.signIn(username, demoPassword, "")
	if code != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(body["error"]), "在此前成功登录过的浏览器上仍可登录") {
		t.Fatalf("closed username, right password, no device: %d %v", code, body)
	}
}

// Others' wrong guesses close a username to clients it never signed in on, not to its owner's
// browser (the device cookie) or program (the device token).
func TestALockedUsernameStillSignsInOnItsOwnersDevices(t *testing.T) {
	a := newTestApp(t)
	// The owner signed in before, on a browser and with a program.
	a.loginPage("gzw-staff")
	deviceCookie := false
	for _, c := range a.Client.Jar.Cookies(mustURL(a.URL + "/login")) {
		deviceCookie = deviceCookie || strings.HasPrefix(c.Name, "zc_device_")
	}
	if !deviceCookie {
		t.Fatal("signing in set no device cookie")
	}
	code, body, _ := a.signIn("gzw-staff", demoPassword, "")
	device, _ := body["device_token"].(string)
	if code != http.StatusOK || device == "" {
		t.Fatalf("API sign-in: %d %v", code, body)
	}
	if resp, _ := a.postFormFrom("/logout", nil, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}

	a.lockOut(t, "gzw-staff")

	// The owner's browser and program still get in.
	a.loginPage("gzw-staff")
	if code, body, _ := a.signIn("gzw-staff", demoPassword, device); code != http.StatusOK {
		t.Fatalf("locked username, owner's device token: %d %v", code, body)
	}
	// A device token that is not the owner's, or not sound, is no device.
	_, rb, _ := a.signIn("gzw-reviewer", demoPassword, "")
	id, rest, _ := strings.Cut(device, ".")
	_, mac, _ := strings.Cut(rest, ".")
	forged := map[string]string{
		"another user's": rb["device_token"].(string),
		"MAC changed":    device[:len(device)-2] + "AA",
		"expiry moved":   id + "." + strconv.FormatInt(time.Now().Add(365*24*time.Hour).Unix(), 10) + "." + mac,
		"id changed":     "AAAAAAAAAAAAAAAAAAAAAA." + rest,
		"expired":        signDevice("gzw-staff", id, time.Now().Add(-time.Minute).Unix()),
		"garbage":        "not-a-device-token",
	}
	for name, tok := range forged {
		if code, body, _ := a.signIn("gzw-staff", demoPassword, tok); code != http.StatusTooManyRequests {
			t.Errorf("%s device token: %d %v", name, code, body)
		}
	}
	// A browser that never signed in as gzw-staff is refused, with the way out in the message.
	b := newTestAppOn(t, a.Store, a.Clock, a.Redis)
	resp, page := b.postFormFrom("/login", map[string]string{"username": "gzw-staff", "password": demoPassword}, nil, "same-origin")
	if msg := doc(t, page).Find(".flash-error").Text(); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(msg, "分钟后再试") {
		t.Fatalf("a new browser: %d %q", resp.StatusCode, msg)
	}

	// The device has its own five: the owner's typos, or a thief of the token, close it alone.
	for i := range 5 {
		if code, body, _ := a.signIn("gzw-staff", fmt.Sprintf("typo-%d", i), device); code != http.StatusBadRequest {
			t.Fatalf("typo %d on the device: %d %v", i, code, body)
		}
	}
	if code, body, _ := a.signIn("gzw-staff", demoPassword, device); code != http.StatusTooManyRequests {
		t.Fatalf("the device after five typos: %d %v", code, body)
	}
	a.loginPage("gzw-staff") // the browser is another device
}

// One client address takes 20 wrong passwords in 15 minutes across usernames (RATE_LIMIT on),
// whatever X-Forwarded-For it claims; browsers with a device cookie are not counted by it.
func TestOneClientTriesOnlySoManyPasswords(t *testing.T) {
	a := newTestApp(t, withRateLimit(20))
	a.loginPage("gzw-staff") // a colleague's browser behind the same address
	send := func(username, password, forwarded string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", a.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwarded)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	for i := range 20 {
		if code, body := send(fmt.Sprintf("user-%02d", i), "Spring2025!", fmt.Sprintf("10.0.0.%d", i)); code != http.StatusBadRequest {
			t.Fatalf("wrong password %d: %d %v", i, code, body)
		}
	}
	code, body := send("scgov-staff", demoPassword, "10.9.9.9")
	if code != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(body["error"]), "本网络登录失败次数过多") {
		t.Fatalf("the 21st, a right password: %d %v", code, body)
	}
	a.loginPage("gzw-staff") // the device cookie's browser is not held up by the address
}

// With RATE_LIMIT=0 (scripted use, the hostile suite) the per-client count is off; the
// username's stays.
func TestPerClientCountIsOffWithRateLimitOff(t *testing.T) {
	a := newTestApp(t)
	for i := range 30 {
		if code, body, _ := a.signIn(fmt.Sprintf("user-%02d", i), "Spring2025!", ""); code != http.StatusBadRequest {
			t.Fatalf("wrong password %d: %d %v", i, code, body)
		}
	}
	if code, body, _ := a.signIn("scgov-staff", demoPassword, ""); code != http.StatusOK {
		t.Fatalf("after 30 wrong passwords for other names: %d %v", code, body)
	}
}

// The current password asked by /account/password is counted like a sign-in's: a stolen
// session cannot guess its way to the password.
func TestPasswordChangeGuessesAreLimited(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	change := func(old string) (*http.Response, string) {
		resp, page := a.postFormFrom("/account/password", map[string]string{"old_password": old, "new_password": "new-pass-456", "confirm_password": "new-pass-456"}, nil, "same-origin")
		return resp, doc(t, page).Find(".flash-error, .field-error").Text()
	}
	for i := range 5 {
		if resp, msg := change(fmt.Sprintf("guess-%d-pass", i)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("guess %d: %d %q", i, resp.StatusCode, msg)
		}
	}
	resp, msg := change(demoPassword)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(msg, "原密码错误次数过多") {
		t.Fatalf("the right password after five wrong: %d %q", resp.StatusCode, msg)
	}
}

// signDevice signs a device token with the test secret, as the app does (device.go).
func signDevice(username, id string, expires int64) string {
	exp := strconv.FormatInt(expires, 10)
	m := hmac.New(sha256.New, []byte("test-secret-test-secret-test-secret!"))
	m.Write([]byte("device\x00" + id + "\x00" + exp + "\x00" + username))
	return id + "." + exp + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// usernameSpellings are names a MySQL collation (utf8mb4_unicode_ci) holds equal to "admin".
var usernameSpellings = []string{"ádmin", "ADMIN", "Admin", "ａｄｍｉｎ", "admin\x00", "ad\u00admin", "admin\u200b", "àdmín"}

// A name signs in only as it is stored: no other spelling reaches the account past the wrong
// passwords counted for the name.
func TestUsernamesCompareAsStored(t *testing.T) {
	a := newTestApp(t)
	a.lockOut(t, "admin")
	for _, name := range usernameSpellings {
		code, body, _ := a.signIn(name, demoPassword, "")
		if code != http.StatusBadRequest || body["error"] != "用户名或密码错误" {
			t.Errorf("%q with admin's password: %d %v", name, code, body)
		}
	}
}
