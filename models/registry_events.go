package models

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RegistryEvent is one change to the registry (a region, unit, website, account, user or
// webhook): who made it, how, and the fields it changed. Every write to the registry, by form, API
// or sheet import, records one in the same transaction, so the history of a site's URL or a
// user's role can be read back.
type RegistryEvent struct {
	ID        int64
	Entity    string // RegistryRegion, RegistryUnit...
	EntityID  int64
	EntityKey string // the key a sheet names it by: 标识码, platform:account, username, unit name
	Action    string // RegistryCreated, RegistryUpdated...
	Source    string // RegistryByForm, RegistryByAPI, RegistryByImport
	ImportID  *int64
	ActorID   *int64
	Changes   string // JSON {"field": ["old", "new"]}
	CreatedAt time.Time
}

// What a registry event is about.
const (
	RegistryRegion  = "region"
	RegistryUnit    = "unit"
	RegistryWebsite = "website"
	RegistryAccount = "account"
	RegistryUser    = "user"
	RegistryWebhook = "webhook"
)

// What happened to it.
const (
	RegistryCreated  = "created"
	RegistryUpdated  = "updated"
	RegistryClosed   = "closed"
	RegistryReopened = "reopened"
	RegistryDeleted  = "deleted"
)

// How the change came.
const (
	RegistryByForm   = "form"
	RegistryByAPI    = "api"
	RegistryByImport = "import"
)

// FieldChanges collects the fields a write changes, as the audit trail shows them.
type FieldChanges map[string][2]string

// Set records field's change from old to new when they differ.
func (c FieldChanges) Set(field, old, new string) {
	if old != new {
		c[field] = [2]string{old, new}
	}
}

// recordRegistryEvents writes the events in tx, the transaction of the change they describe;
// an event with no changes and action RegistryUpdated is dropped (nothing happened).
func recordRegistryEvents(tx *gorm.DB, now time.Time, evs []RegistryEvent, changes []FieldChanges) error {
	if len(evs) != len(changes) {
		return fmt.Errorf("store: registry events: %d events, %d change sets", len(evs), len(changes))
	}
	rows := make([]RegistryEvent, 0, len(evs))
	for i, ev := range evs {
		if ev.Action == RegistryUpdated && len(changes[i]) == 0 {
			continue
		}
		body, err := json.Marshal(changes[i])
		if err != nil {
			return fmt.Errorf("store: registry event changes: %w", err)
		}
		ev.Changes, ev.CreatedAt = string(body), now
		rows = append(rows, ev)
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, 500).Error
}
