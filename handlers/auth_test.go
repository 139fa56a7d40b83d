package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
	users, _ := a.Store.Users(t.Context())
	var id int64
	for _, u := range users {
		if u.Username == "gzw-staff" {
			id = u.ID
		}
	}
	resp, body := a.postFormFrom("/admin/users/"+strconv.FormatInt(id, 10)+"/disable", map[string]string{}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	if r, _ := a.api("GET", "/api/v1/tickets", staff, ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled user's token: %d", r.StatusCode)
	}
	if r, b := a.postJSON("/api/v1/auth/login", `{"username":"gzw-staff","password":"demo-pass-123"}`); r.StatusCode != http.StatusForbidden {
		t.Fatalf("disabled user signing in: %d %v", r.StatusCode, b)
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
