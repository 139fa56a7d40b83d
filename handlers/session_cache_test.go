package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"zhaocuo/models"
)

// withSessionCache keeps signed-in users for ttl, listening for changes until the test ends.
func withSessionCache(ttl time.Duration) appOption {
	return func(c *appConfig) { c.SessionTTL = ttl }
}

// twoReplicas are two web replicas, each with a store of its own, on one database and one
// Redis, each keeping a user for a minute if nothing told it otherwise.
func twoReplicas(t *testing.T) (a, b *testApp) {
	a = newTestApp(t, withSessionCache(time.Minute))
	return a, anotherReplica(t, a, withSessionCache(time.Minute))
}

// anotherReplica is another web replica beside a: its own store (connections, kept sessions) on
// the same database, the same Redis.
func anotherReplica(t *testing.T, a *testApp, opts ...appOption) *testApp {
	t.Helper()
	c := newAppConfig(t, a.Clock, a.Redis, opts)
	store, err := a.Store.Reopen(context.Background(), a.Clock, c.storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	c.listen(t, store)
	return newTestAppWith(t, store, a.Clock, a.Redis, c)
}

// behindTheBack changes the database as another program would (the seed command): not
// through the store, which would tell every replica.
func behindTheBack(t *testing.T, a *testApp, query string, args ...any) {
	t.Helper()
	if _, err := a.Store.SQLDB().Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

func userID(t *testing.T, store *models.Store, username string) int64 {
	t.Helper()
	var id int64
	if err := store.SQLDB().QueryRow("SELECT id FROM users WHERE username = ?", username).Scan(&id); err != nil {
		t.Fatalf("no user %s: %v", username, err)
	}
	return id
}

// eventually polls until the replica answers the token with want (the change travels through
// Redis), and fails after two seconds.
func eventually(t *testing.T, app *testApp, token string, want int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		resp, _ := app.api("GET", "/api/v1/me", token, "")
		if resp.StatusCode == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /api/v1/me: %d, want %d", resp.StatusCode, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSessionCacheKeepsTheUserAcrossRequests(t *testing.T) {
	a, b := twoReplicas(t)
	token := a.apiLogin("gzw-staff")
	eventually(t, b, token, http.StatusOK)
	// Revoked in the database behind the replicas' backs (as the seed command would): replica b
	// still answers from its cache, which is what the cache is for; the TTL bounds it.
	behindTheBack(t, a, "UPDATE users SET token_version = token_version + 1 WHERE id = ?", userID(t, a.Store, "gzw-staff"))
	if resp, _ := b.api("GET", "/api/v1/me", token, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("cached session: %d, want 200", resp.StatusCode)
	}
	// A replica without the cache reads the database and refuses the revoked token.
	c := anotherReplica(t, a, withoutCaches)
	if resp, _ := c.api("GET", "/api/v1/me", token, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("uncached: %d, want 401", resp.StatusCode)
	}
}

func TestSignOutOnOneReplicaEndsTheSessionOnTheOther(t *testing.T) {
	a, b := twoReplicas(t)
	token := a.apiLogin("gzw-staff")
	eventually(t, b, token, http.StatusOK) // b has the user cached
	if resp, body := a.api("POST", "/api/v1/auth/logout", token, ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d %v", resp.StatusCode, body)
	}
	eventually(t, b, token, http.StatusUnauthorized)
	if resp, _ := a.api("GET", "/api/v1/me", token, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the replica that signed out: %d, want 401", resp.StatusCode)
	}
}

func TestDisablingOnOneReplicaEndsTheSessionOnTheOther(t *testing.T) {
	a, b := twoReplicas(t)
	token := a.apiLogin("gzw-staff")
	eventually(t, b, token, http.StatusOK)
	a.loginPage("admin")
	id := userID(t, a.Store, "gzw-staff")
	resp, body := a.postFormFrom("/admin/users/"+strconv.FormatInt(id, 10)+"/disable", map[string]string{}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	eventually(t, b, token, http.StatusUnauthorized)
}

func TestATokenNewerThanTheCachedUserIsReadAfresh(t *testing.T) {
	a, b := twoReplicas(t)
	old := a.apiLogin("gzw-staff")
	eventually(t, b, old, http.StatusOK)
	// Signed out and in again where b heard nothing of it (the database changed directly).
	behindTheBack(t, a, "UPDATE users SET token_version = token_version + 1 WHERE id = ?", userID(t, a.Store, "gzw-staff"))
	fresh := a.apiLogin("gzw-staff")
	if resp, _ := b.api("GET", "/api/v1/me", fresh, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("new token on the replica with the old user cached: %d, want 200", resp.StatusCode)
	}
	// Reading afresh also ended the old token there.
	if resp, _ := b.api("GET", "/api/v1/me", old, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old token: %d, want 401", resp.StatusCode)
	}
}

// What a person saves on their own pages shows on the page the save redirects to, with the
// session cache on as production has it.
func TestSavedEmailShowsAfterTheRedirect(t *testing.T) {
	a := newTestApp(t)
	a.loginPage("gzw-staff")
	if resp, _ := a.get("/account"); resp.StatusCode != http.StatusOK { // the user is now kept
		t.Fatalf("account: %d", resp.StatusCode)
	}
	resp, body := a.postFormFrom("/account", map[string]string{"email": "new-address@gzw.sc.gov.cn"}, nil, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	_, body = a.get(resp.Header.Get("Location"))
	if v, _ := doc(t, body).Find(`input[name="email"]`).Attr("value"); v != "new-address@gzw.sc.gov.cn" {
		t.Fatalf("after saving, the page shows %q", v)
	}
}

// A saved e-mail reaches the other replica at once (the store tells it through Redis).
func TestASavedEmailReachesTheOtherReplica(t *testing.T) {
	a, b := twoReplicas(t)
	b.Client.Jar = a.Client.Jar // one browser, its requests sent to either replica
	a.loginPage("gzw-staff")
	emailOn := func(app *testApp) string {
		_, body := app.get("/account")
		v, _ := doc(t, body).Find(`input[name="email"]`).Attr("value")
		return v
	}
	before := emailOn(b) // b keeps the user
	if resp, body := a.postFormFrom("/account", map[string]string{"email": "moved@gzw.sc.gov.cn"}, nil, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on a: %d %s", resp.StatusCode, body)
	}
	deadline := time.Now().Add(2 * time.Second)
	for got := emailOn(b); got != "moved@gzw.sc.gov.cn"; got = emailOn(b) {
		if time.Now().After(deadline) {
			t.Fatalf("b still shows %q (was %q)", got, before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
