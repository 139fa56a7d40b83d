package models

import (
	"context"
	"slices"
	"strings"

	"zhaocuo/models/registrysheet"
)

// RegistryBook returns the registry within the administrator's scope as the sheets write it, in
// the import's layout: an export imports back unchanged. The users' password hashes are not read.
func (s *Store) RegistryBook(ctx context.Context, actor *User) (*registrysheet.Book, error) {
	scope, err := s.importScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	snap, err := loadRegSnapshot(ctx, s.db)
	if err != nil {
		return nil, err
	}
	p := &planner{snap: snap, scope: scope}
	regionOf := func(id int64) *Region { return snap.regionByID[id] }
	b := &registrysheet.Book{}
	regions := make([]*Region, 0, len(snap.regions))
	for _, r := range snap.regionByID {
		regions = append(regions, r)
	}
	slices.SortFunc(regions, func(a, b *Region) int { return strings.Compare(a.Path, b.Path) })
	for _, r := range regions {
		if !p.inScope(r.Path) {
			continue
		}
		row := registrysheet.RegionRow{Code: r.Code, Name: r.Name, ShortName: r.ShortName}
		if r.ParentID != nil {
			row.ParentCode = regionOf(*r.ParentID).Code
		}
		b.Regions = append(b.Regions, row)
	}
	units := sortedByID(snap.unitByID)
	for _, u := range units {
		r := regionOf(u.RegionID)
		if r == nil || !p.inScope(r.Path) {
			continue
		}
		b.Units = append(b.Units, registrysheet.UnitRow{Name: u.Name, Code: deref(u.Code), RegionCode: r.Code, Kind: u.Kind, Status: u.Status})
	}
	for _, w := range sortedByID(snap.siteByID) {
		if !p.ownedInScope(&w.UnitID, nil) {
			continue
		}
		row := registrysheet.WebsiteRow{Name: w.Name, IdentifierCode: w.IdentifierCode, HomeURL: w.HomeURL, Kind: w.Kind,
			Unit: p.unitNameOf(&w.UnitID), SupervisorUnit: p.unitNameOf(w.SupervisorUnitID), Status: w.Status}
		// The other bases: those the home page does not already give.
		home, _ := parseBases([]string{w.HomeURL})
		for _, base := range snap.siteBases[w.ID] {
			if len(home) == 0 || base != home[0].Host+home[0].PathPrefix {
				row.OtherURLs = append(row.OtherURLs, "https://"+base)
			}
		}
		b.Websites = append(b.Websites, row)
	}
	accounts := make([]*MediaAccount, 0, len(snap.accounts))
	for _, a := range snap.accounts {
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, func(a, b *MediaAccount) int { return int(a.ID - b.ID) })
	for _, a := range accounts {
		if !p.ownedInScope(&a.UnitID, nil) {
			continue
		}
		b.Accounts = append(b.Accounts, registrysheet.AccountRow{Platform: a.Platform, Name: a.Name, Account: a.Account,
			Unit: p.unitNameOf(&a.UnitID), Status: a.Status, OpenedOn: dayString(a.OpenedOn), ChangedOn: dayString(a.ChangedOn),
			SuspendedOn: dayString(a.SuspendedOn), CancelledOn: dayString(a.CancelledOn)})
	}
	users := make([]*User, 0, len(snap.users))
	for _, u := range snap.users {
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b *User) int { return int(a.ID - b.ID) })
	for _, u := range users {
		if !p.ownedInScope(u.UnitID, u.RegionID) {
			continue
		}
		row := registrysheet.UserRow{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Unit: p.unitNameOf(u.UnitID),
			Phone: u.Phone, Email: u.Email}
		if u.RegionID != nil && u.Role != RoleUnitStaff && u.Role != RoleUnitReviewer {
			row.RegionCode = regionOf(*u.RegionID).Code
		}
		b.Users = append(b.Users, row)
	}
	return b, nil
}

func sortedByID[T any](m map[int64]*T) []*T {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}
