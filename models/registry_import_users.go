package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"zhaocuo/models/registrysheet"
)

// credential is a new user's initial password and its hash, made before the import's
// transaction; the password itself lives only until the administrator has been shown it.
type credential struct{ password, hash string }

// initialPasswordCost is the bcrypt cost of an initial password. Its strength is its 80 random
// bits (initialPassword), which no cost adds to; it is replaced at the first sign-in by a chosen
// password hashed at bcrypt.DefaultCost. At the default cost a province's 6,000 users would
// take minutes to hash; at this one, seconds.
const initialPasswordCost = bcrypt.MinCost

// passwordAlphabet has no characters read alike (0/O, 1/l/I), as a password read off a list is.
const passwordAlphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// initialPassword returns 16 characters of passwordAlphabet (about 93 bits), with a letter and
// a digit so it passes ValidatePassword.
func initialPassword() (string, error) {
	for {
		buf := make([]byte, 16)
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("store: initial password: %w", err)
		}
		for i, b := range buf {
			buf[i] = passwordAlphabet[int(b)%len(passwordAlphabet)]
		}
		if ValidatePassword(string(buf)) == nil {
			return string(buf), nil
		}
	}
}

// initialPasswords makes the passwords of the rows' users the registry does not have yet,
// hashing on every CPU.
func (s *Store) initialPasswords(ctx context.Context, rows []registrysheet.UserRow) (map[string]credential, error) {
	var known []string
	if err := s.db.WithContext(ctx).Model(&User{}).Pluck("username", &known).Error; err != nil {
		return nil, translate(err, "usernames")
	}
	have := make(map[string]bool, len(known))
	for _, u := range known {
		have[u] = true
	}
	var todo []string
	for _, r := range rows {
		if !have[r.Username] {
			todo = append(todo, r.Username)
		}
	}
	out := make(map[string]credential, len(todo))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan string)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range next {
				c, err := newCredential()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[name] = c
				mu.Unlock()
			}
		}()
	}
	for _, name := range todo {
		next <- name
	}
	close(next)
	wg.Wait()
	return out, firstErr
}

func newCredential() (credential, error) {
	pw, err := initialPassword()
	if err != nil {
		return credential{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), initialPasswordCost)
	if err != nil {
		return credential{}, fmt.Errorf("store: hash initial password: %w", err)
	}
	return credential{password: pw, hash: string(hash)}, nil
}

func (w *importWriter) users(ops []userOp) error {
	var created []User
	for _, op := range ops {
		r := op.row
		unitID, regionID, err := w.place(r)
		if err != nil {
			return err
		}
		if op.existing == nil {
			c, ok := w.creds[r.Username]
			if !ok { // a user added by someone else between the hashing and now is in op.existing
				if c, err = newCredential(); err != nil {
					return err
				}
			}
			created = append(created, User{Username: r.Username, DisplayName: r.DisplayName, PasswordHash: c.hash, Role: r.Role,
				UnitID: unitID, RegionID: regionID, Email: r.Email, Phone: r.Phone, TokenVersion: 1, MustChangePassword: true,
				CreatedAt: w.now, UpdatedAt: w.now})
			w.passwords = append(w.passwords, InitialPassword{Username: r.Username, DisplayName: r.DisplayName, Password: c.password})
			continue
		}
		set := map[string]any{"display_name": r.DisplayName, "role": r.Role, "unit_id": unitID, "region_id": regionID,
			"email": r.Email, "phone": r.Phone, "updated_at": w.now}
		if op.revoke {
			// A changed role or place revokes the tokens issued under the old one.
			set["token_version"] = gorm.Expr("token_version + 1")
		}
		if err := w.tx.Model(&User{}).Where("id = ?", op.existing.ID).Updates(set).Error; err != nil {
			return err
		}
		w.event(RegistryUser, op.existing.ID, r.Username, RegistryUpdated, op.changes)
	}
	if len(created) == 0 {
		return nil
	}
	if err := w.tx.CreateInBatches(&created, importBatch).Error; err != nil {
		return err
	}
	for _, u := range created {
		w.event(RegistryUser, u.ID, u.Username, RegistryCreated, FieldChanges{"display_name": {"", u.DisplayName}, "role": {"", u.Role}})
	}
	return nil
}

// place is the unit and region a user row puts the user in (planner.userPlace, by id now).
func (w *importWriter) place(r registrysheet.UserRow) (unitID, regionID *int64, err error) {
	switch r.Role {
	case RoleUnitStaff, RoleUnitReviewer:
		id, err := w.unitID(r.Unit)
		if err != nil || id == nil {
			return nil, nil, fmt.Errorf("store: import user %s: unit %q: %v", r.Username, r.Unit, err)
		}
		region := w.snap.unitByID[*id].RegionID
		return id, &region, nil
	}
	if r.RegionCode == "" {
		return nil, nil, nil
	}
	reg := w.snap.regions[r.RegionCode]
	if reg == nil {
		return nil, nil, fmt.Errorf("store: import user %s: region %q vanished after the check", r.Username, r.RegionCode)
	}
	return nil, &reg.ID, nil
}
