package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
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
