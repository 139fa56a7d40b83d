package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"zhaocuo/handlers"
	"zhaocuo/models"
)

// withSessionCache keeps signed-in users for ttl, listening for changes until the test ends.
func withSessionCache(t *testing.T, ttl time.Duration) appOption {
	return func(d *handlers.Deps) { d.SessionTTL, d.Context = ttl, t.Context() }
}

// twoReplicas are two web replicas on one database and one Redis, each with a session cache
// that would keep a user for a minute if nothing told it otherwise.
func twoReplicas(t *testing.T) (a, b *testApp) {
	a = newTestApp(t, withSessionCache(t, time.Minute))
	b = newTestAppOn(t, a.Store, a.Clock, a.Redis, withSessionCache(t, time.Minute))
	return a, b
}

func userID(t *testing.T, store *models.Store, username string) int64 {
	t.Helper()
	users, err := store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return 0
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
	if err := a.Store.RevokeTokens(context.Background(), userID(t, a.Store, "gzw-staff")); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.api("GET", "/api/v1/me", token, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("cached session: %d, want 200", resp.StatusCode)
	}
	// A replica without the cache reads the database and refuses the revoked token.
	c := newTestAppOn(t, a.Store, a.Clock, a.Redis)
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
	if err := a.Store.RevokeTokens(context.Background(), userID(t, a.Store, "gzw-staff")); err != nil {
		t.Fatal(err)
	}
	fresh := a.apiLogin("gzw-staff")
	if resp, _ := b.api("GET", "/api/v1/me", fresh, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("new token on the replica with the old user cached: %d, want 200", resp.StatusCode)
	}
	// Reading afresh also ended the old token there.
	if resp, _ := b.api("GET", "/api/v1/me", old, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old token: %d, want 401", resp.StatusCode)
	}
}
