package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhaocuo/models/registrysheet"
)

// importBatch is how many rows one INSERT writes.
const importBatch = 500

// importApplyHook, when set (by tests), runs between the writes of each kind; an error from it
// fails the transaction there, as a database failure half-way would.
var importApplyHook func(kind registrysheet.Kind) error

// importWriter writes a checked import's operations in the transaction, keeping the snapshot up
// to date as records are created, so a site finds the unit created before it by name.
type importWriter struct {
	tx        *gorm.DB
	snap      *regSnapshot
	now       time.Time
	importID  int64
	actorID   int64
	creds     map[string]credential
	evs       []RegistryEvent
	changes   []FieldChanges
	events    int
	passwords []InitialPassword
}

func (w *importWriter) event(entity string, id int64, key, action string, ch FieldChanges) {
	importID, actorID := w.importID, w.actorID
	w.evs = append(w.evs, RegistryEvent{Entity: entity, EntityID: id, EntityKey: truncateRunes(key, 160), Action: action,
		Source: RegistryByImport, ImportID: &importID, ActorID: &actorID})
	w.changes = append(w.changes, ch)
}

func (w *importWriter) write(ops *importOps) error {
	steps := []struct {
		kind registrysheet.Kind
		fn   func() error
	}{
		{registrysheet.Regions, func() error { return w.regions(ops.regions) }},
		{registrysheet.Units, func() error { return w.units(ops.units) }},
		{registrysheet.Websites, func() error { return w.sites(ops.sites) }},
		{registrysheet.Accounts, func() error { return w.accounts(ops.accounts) }},
		{registrysheet.Users, func() error { return w.users(ops.users) }},
	}
	for _, st := range steps {
		if err := st.fn(); err != nil {
			return err
		}
		if importApplyHook != nil {
			if err := importApplyHook(st.kind); err != nil {
				return err
			}
		}
	}
	for i, ev := range w.evs {
		if ev.Action == RegistryCreated || len(w.changes[i]) > 0 {
			w.events++
		}
	}
	return recordRegistryEvents(w.tx, w.now, w.evs, w.changes)
}

func (w *importWriter) regions(ops []regionOp) error {
	// In the planned order: a parent before its children.
	for _, op := range ops {
		r := op.row
		if op.existing != nil {
			if err := w.tx.Model(&Region{}).Where("id = ?", op.existing.ID).
				Updates(map[string]any{"name": r.Name, "short_name": r.ShortName}).Error; err != nil {
				return err
			}
			w.event(RegistryRegion, op.existing.ID, r.Code, RegistryUpdated, op.changes)
			continue
		}
		reg := &Region{Code: r.Code, Name: r.Name, ShortName: r.ShortName, Level: LevelProvince, Path: "/" + r.Code + "/", CreatedAt: w.now}
		if parent := w.snap.regions[r.ParentCode]; parent != nil {
			reg.ParentID, reg.Level, reg.Path = &parent.ID, parent.Level+1, parent.Path+r.Code+"/"
		}
		if err := w.tx.Create(reg).Error; err != nil {
			return err
		}
		w.snap.regions[reg.Code], w.snap.regionByID[reg.ID] = reg, reg
		w.event(RegistryRegion, reg.ID, r.Code, RegistryCreated, FieldChanges{"name": {"", r.Name}, "parent": {"", r.ParentCode}})
	}
	return nil
}

// unitID finds a unit by name or 统一社会信用代码 among the registry and what this import created.
func (w *importWriter) unitID(ref string) (*int64, error) {
	if ref == "" {
		return nil, nil
	}
	u := w.snap.units[ref]
	if u == nil {
		u = w.snap.unitByCode[ref]
	}
	if u == nil {
		return nil, fmt.Errorf("store: import: unit %q vanished after the check", ref)
	}
	return &u.ID, nil
}

func (w *importWriter) units(ops []unitOp) error {
	var created []Unit
	for _, op := range ops {
		r := op.row
		region := w.snap.regions[r.RegionCode]
		var code *string
		if r.Code != "" {
			code = &r.Code
		}
		if op.existing == nil {
			created = append(created, Unit{Name: r.Name, Code: code, RegionID: region.ID, Kind: r.Kind, Status: r.Status,
				ReviewRequired: true, CreatedAt: w.now, UpdatedAt: &w.now})
			continue
		}
		set := map[string]any{"name": r.Name, "region_id": region.ID, "kind": r.Kind, "status": r.Status, "updated_at": w.now}
		if code != nil {
			set["code"] = *code
		}
		if err := w.tx.Model(&Unit{}).Where("id = ?", op.existing.ID).Updates(set).Error; err != nil {
			return err
		}
		u := *op.existing
		u.Name, u.RegionID = r.Name, region.ID
		w.snap.units[u.Name], w.snap.unitByID[u.ID] = &u, &u
		if code != nil {
			w.snap.unitByCode[*code] = &u
		}
		w.event(RegistryUnit, u.ID, r.Name, RegistryUpdated, op.changes)
	}
	if len(created) == 0 {
		return nil
	}
	if err := w.tx.CreateInBatches(&created, importBatch).Error; err != nil {
		return err
	}
	for i := range created {
		u := &created[i]
		w.snap.units[u.Name], w.snap.unitByID[u.ID] = u, u
		if u.Code != nil {
			w.snap.unitByCode[*u.Code] = u
		}
		w.event(RegistryUnit, u.ID, u.Name, RegistryCreated, FieldChanges{"name": {"", u.Name}, "code": {"", deref(u.Code)},
			"region": {"", w.snap.regionByID[u.RegionID].Code}, "kind": {"", u.Kind}})
	}
	return nil
}

func (w *importWriter) sites(ops []siteOp) error {
	var created []Website
	var createdOps []siteOp
	var bases []WebsiteBase
	for _, op := range ops {
		r := op.row
		unitID, err := w.unitID(r.Unit)
		if err != nil {
			return err
		}
		supervisor, err := w.unitID(r.SupervisorUnit)
		if err != nil {
			return err
		}
		if op.existing == nil {
			created = append(created, Website{Name: r.Name, UnitID: *unitID, SupervisorUnitID: supervisor, IdentifierCode: r.IdentifierCode,
				Kind: r.Kind, Status: r.Status, HomeURL: r.HomeURL, CreatedAt: w.now, UpdatedAt: w.now})
			createdOps = append(createdOps, op)
			continue
		}
		id := op.existing.ID
		if err := w.tx.Model(&Website{}).Where("id = ?", id).Updates(map[string]any{"name": r.Name, "unit_id": *unitID,
			"supervisor_unit_id": supervisor, "identifier_code": r.IdentifierCode, "kind": r.Kind, "status": r.Status,
			"home_url": r.HomeURL, "updated_at": w.now}).Error; err != nil {
			return err
		}
		if _, moved := op.changes["bases"]; moved {
			if err := w.tx.Where("website_id = ?", id).Delete(&WebsiteBase{}).Error; err != nil {
				return err
			}
			for _, b := range op.bases {
				b.WebsiteID = id
				bases = append(bases, b)
			}
		}
		w.event(RegistryWebsite, id, r.IdentifierCode, RegistryUpdated, op.changes)
	}
	if len(created) > 0 {
		if err := w.tx.CreateInBatches(&created, importBatch).Error; err != nil {
			return err
		}
	}
	for i, site := range created {
		for _, b := range createdOps[i].bases {
			b.WebsiteID = site.ID
			bases = append(bases, b)
		}
		w.event(RegistryWebsite, site.ID, site.IdentifierCode, RegistryCreated, FieldChanges{"name": {"", site.Name},
			"home_url": {"", site.HomeURL}, "unit": {"", createdOps[i].row.Unit}, "kind": {"", site.Kind}})
	}
	if len(bases) > 0 {
		return w.tx.CreateInBatches(&bases, importBatch).Error
	}
	return nil
}

func parseDay(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, s) // UTC midnight: the database's DATE reads back the day
	if err != nil {
		return nil
	}
	return &t
}

func (w *importWriter) accounts(ops []accountOp) error {
	var created []MediaAccount
	for _, op := range ops {
		r := op.row
		unitID, err := w.unitID(r.Unit)
		if err != nil {
			return err
		}
		if op.existing == nil {
			created = append(created, MediaAccount{Name: r.Name, Platform: r.Platform, Account: r.Account, UnitID: *unitID, Status: r.Status,
				OpenedOn: parseDay(r.OpenedOn), ChangedOn: parseDay(r.ChangedOn), SuspendedOn: parseDay(r.SuspendedOn),
				CancelledOn: parseDay(r.CancelledOn), CreatedAt: w.now, UpdatedAt: w.now})
			continue
		}
		if err := w.tx.Model(&MediaAccount{}).Where("id = ?", op.existing.ID).Updates(map[string]any{"name": r.Name, "account": r.Account,
			"unit_id": *unitID, "status": r.Status, "opened_on": parseDay(r.OpenedOn), "changed_on": parseDay(r.ChangedOn),
			"suspended_on": parseDay(r.SuspendedOn), "cancelled_on": parseDay(r.CancelledOn), "updated_at": w.now}).Error; err != nil {
			return err
		}
		w.event(RegistryAccount, op.existing.ID, registrysheet.AccountKey(r.Platform, r.Account, r.Name), RegistryUpdated, op.changes)
	}
	if len(created) == 0 {
		return nil
	}
	if err := w.tx.CreateInBatches(&created, importBatch).Error; err != nil {
		return err
	}
	for _, a := range created {
		w.event(RegistryAccount, a.ID, registrysheet.AccountKey(a.Platform, a.Account, a.Name), RegistryCreated,
			FieldChanges{"name": {"", a.Name}, "platform": {"", a.Platform}, "account": {"", a.Account}, "status": {"", a.Status}})
	}
	return nil
}
