package models_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// countingFeed counts what the store tells the other replicas.
type countingFeed struct{ told atomic.Int64 }

func (f *countingFeed) UsersChanged(context.Context) { f.told.Add(1) }

// Every write of a user (or of the regions scopes are made of) is seen at once by the kept
// sessions, here and, through the feed, on the other replicas.
func TestEveryUserWriteReachesTheKeptSessions(t *testing.T) {
	feed := &countingFeed{}
	s := storetest.OpenWith(t, storetest.NewClock("2025-03-25 10:00:00"), models.Options{SessionTTL: time.Minute, UsersFeed: feed})
	users := demoUsers(t, s)
	ctx := context.Background()
	staff, sup := users["gzw-staff"], users["sc-supervisor"]
	tests := []struct {
		name  string
		user  *models.User
		write func() error
		see   func(u *models.User, sc models.Scope) error
	}{
		{"e-mail", staff, func() error { return s.SetEmail(ctx, staff.ID, "new@gzw.sc.gov.cn") }, func(u *models.User, _ models.Scope) error {
			return want(u.Email, "new@gzw.sc.gov.cn")
		}},
		{"password reset", staff, func() error { return s.SetPassword(ctx, staff.ID, "reset-pass-456") }, versionRaised(staff)},
		{"password change", staff, func() error { return s.ChangePassword(ctx, staff.ID, "reset-pass-456", "own-pass-789") }, versionRaised(staff)},
		{"sign-out", staff, func() error { return s.RevokeTokens(ctx, staff.ID) }, versionRaised(staff)},
		{"disabled", staff, func() error {
			return s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, staff.ID, false)
		}, func(u *models.User, _ models.Scope) error {
			return want(u.Disabled, true)
		}},
		{"enabled", staff, func() error {
			return s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, staff.ID, true)
		}, func(u *models.User, _ models.Scope) error {
			return want(u.Disabled, false)
		}},
		{"role and unit", staff, func() error {
			hash, _ := models.HashPassword("demo-pass-123")
			_, err := s.EnsureUser(ctx, models.UserSpec{Username: "gzw-staff", DisplayName: "改任", Role: models.RoleUnitReviewer, Unit: "四川省人民政府办公厅"}, hash)
			return err
		}, func(u *models.User, sc models.Scope) error {
			if err := want(u.Role, models.RoleUnitReviewer); err != nil {
				return err
			}
			return want(sc.UnitID == *staff.UnitID, false)
		}},
		{"a second top region", sup, func() error {
			_, err := s.LoadRegistry(ctx, models.RegistrySpec{Regions: []models.RegionSpec{{Code: "500000", Name: "重庆市", ShortName: "重庆"}}})
			return err
		}, func(_ *models.User, sc models.Scope) error {
			return want(sc.All, false) // the supervisor of the only top region saw all; no longer the only one
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Kept: read once, then from memory.
			u, err := s.SessionUser(ctx, tt.user.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ScopeOf(ctx, u); err != nil {
				t.Fatal(err)
			}
			told := feed.told.Load()
			if err := tt.write(); err != nil {
				t.Fatal(err)
			}
			if feed.told.Load() == told {
				t.Error("the other replicas were not told")
			}
			u, err = s.SessionUser(ctx, tt.user.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := s.ScopeOf(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.see(u, sc); err != nil {
				t.Errorf("kept session after the write: %v", err)
			}
		})
	}
}

// The kept sessions are what they are for: a change made outside the store (another program)
// is seen after the TTL, not before; a token newer than the kept user reads it afresh.
func TestKeptSessionsOutliveOnlyOutsideChanges(t *testing.T) {
	s := storetest.OpenWith(t, storetest.NewClock("2025-03-25 10:00:00"), models.Options{SessionTTL: time.Minute, UsersFeed: &countingFeed{}})
	staff := demoUsers(t, s)["gzw-staff"]
	ctx := context.Background()
	if _, err := s.SessionUser(ctx, staff.ID, staff.TokenVersion); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SQLDB().Exec("UPDATE users SET email = 'outside@example.cn', token_version = token_version + 1 WHERE id = ?", staff.ID); err != nil {
		t.Fatal(err)
	}
	u, _ := s.SessionUser(ctx, staff.ID, staff.TokenVersion)
	if u.Email == "outside@example.cn" {
		t.Fatal("an outside change was seen at once: nothing is kept")
	}
	u, _ = s.SessionUser(ctx, staff.ID, staff.TokenVersion+1)
	if u.Email != "outside@example.cn" {
		t.Fatalf("a newer token was answered with the kept user (%q)", u.Email)
	}
}

func want[T comparable](got, want T) error {
	if got != want {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

func versionRaised(before *models.User) func(*models.User, models.Scope) error {
	return func(u *models.User, _ models.Scope) error {
		if u.TokenVersion <= before.TokenVersion {
			return fmt.Errorf("token version %d, was %d", u.TokenVersion, before.TokenVersion)
		}
		before.TokenVersion = u.TokenVersion
		return nil
	}
}

// A username compares as stored, byte for byte, whatever the database's collation holds equal;
// an unknown name, a wrong password and a disabled account get one answer after the same work.
func TestAuthenticateComparesNamesAsStoredAndAnswersOnce(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	users := demoUsers(t, s)
	ctx := context.Background()
	for _, name := range []string{"ádmin", "ADMIN", "ａｄｍｉｎ", "admin\x00", "ad\u00admin", "admin\u200b", "admin ", " admin"} {
		if u, err := s.Authenticate(ctx, name, "demo-pass-123"); err != models.ErrBadCredentials {
			t.Errorf("%q: %v %v", name, u, err)
		}
	}
	if err := s.SetUserEnabled(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, users["gzw-staff"].ID, false); err != nil {
		t.Fatal(err)
	}
	// Each refusal costs a bcrypt comparison: at least half of the quickest of three, measured
	// here (a busy machine makes some slower, never one quicker).
	hash, _ := models.HashPassword("some-pass-123")
	cost := time.Hour
	for range 3 {
		start := time.Now()
		bcrypt.CompareHashAndPassword([]byte(hash), []byte("other-pass-123"))
		cost = min(cost, time.Since(start))
	}
	for _, tt := range []struct{ name, username, password string }{
		{"unknown name", "no-such-user", "demo-pass-123"},
		{"wrong password", "gzw-reviewer", "wrong-pass-123"},
		{"disabled, right password", "gzw-staff", "demo-pass-123"},
		{"disabled, wrong password", "gzw-staff", "wrong-pass-123"},
	} {
		start := time.Now()
		u, err := s.Authenticate(ctx, tt.username, tt.password)
		took := time.Since(start)
		if err != models.ErrBadCredentials {
			t.Errorf("%s: %v %v, want ErrBadCredentials", tt.name, u, err)
		}
		if took < cost/2 {
			t.Errorf("%s answered in %v, a bcrypt comparison takes %v", tt.name, took, cost)
		}
	}
}
