package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// registryFixture is the demo registry with the actors the edit tests write as.
type registryFixture struct {
	s          *models.Store
	users      map[string]*models.User
	admin      models.RegistryActor // sees everything
	chengdu    models.RegistryActor // scoped to 成都市
	chengduReg int64
}

func newRegistryFixture(t *testing.T) *registryFixture {
	t.Helper()
	s := storetest.Open(t, storetest.NewClock("2026-12-07 10:00:00"))
	f := &registryFixture{s: s, users: demoUsers(t, s)}
	ctx := context.Background()
	sc, err := s.ScopeOf(ctx, f.users["cd-supervisor"])
	if err != nil {
		t.Fatal(err)
	}
	f.admin = models.RegistryActor{Scope: models.Scope{All: true}, UserID: f.users["admin"].ID, Source: models.RegistryByForm}
	f.chengdu = models.RegistryActor{Scope: sc, UserID: f.users["cd-supervisor"].ID, Source: models.RegistryByAPI}
	f.chengduReg = sc.RegionID
	return f
}

func (f *registryFixture) site(t *testing.T, name string) models.WebsiteRow {
	t.Helper()
	l, err := f.s.SearchWebsites(context.Background(), models.Scope{All: true}, models.ListQuery{Q: name})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("site %s: %v %v", name, l.Items, err)
	}
	return l.Items[0]
}

func (f *registryFixture) unit(t *testing.T, name string) models.UnitRow {
	t.Helper()
	l, err := f.s.SearchUnits(context.Background(), models.Scope{All: true}, models.ListQuery{Q: name})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("unit %s: %v %v", name, l.Items, err)
	}
	return l.Items[0]
}

// events returns entity's registry events as "action source changed-fields".
func (f *registryFixture) events(t *testing.T, entity string, id int64) []string {
	t.Helper()
	rows, err := f.s.SQLDB().Query("SELECT action, source, changes FROM registry_events WHERE entity = ? AND entity_id = ? ORDER BY id", entity, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, src, ch string
		rows.Scan(&a, &src, &ch)
		out = append(out, a+" "+src+" "+ch)
	}
	return out
}

func (f *registryFixture) route(t *testing.T, s *models.Store, raw string) string {
	t.Helper()
	page, err := models.ParsePageURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Route(context.Background(), page)
	if err != nil {
		t.Fatal(err)
	}
	if m == nil {
		return ""
	}
	return m.WebsiteName
}

func siteInput(w models.WebsiteRow) models.WebsiteInput {
	return models.WebsiteInput{Name: w.Name, IdentifierCode: w.IdentifierCode, Kind: w.Kind, UnitID: w.UnitID,
		SupervisorUnitID: w.SupervisorUnitID, Bases: append([]string(nil), w.Bases...)}
}

// A site's bases are edited in place: the routing table follows at once, the change is an event,
// and a base another site holds is refused with that site's name.
func TestEditWebsiteBasesRoutesAtOnce(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()
	gzw := f.site(t, "四川省政府国有资产监督管理委员会")
	if got := f.route(t, f.s, "https://gzw-new.sc.gov.cn/a.html"); got != "" {
		t.Fatalf("routed before the edit: %q", got)
	}
	in := siteInput(gzw)
	in.Bases = append(in.Bases, "https://gzw-new.sc.gov.cn/")
	in.Name = "四川省国资委"
	if _, err := f.s.SaveWebsite(ctx, f.admin, gzw.ID, in); err != nil {
		t.Fatal(err)
	}
	if got := f.route(t, f.s, "https://gzw-new.sc.gov.cn/a.html"); got != "四川省国资委" {
		t.Fatalf("after the edit routed to %q", got)
	}
	evs := f.events(t, models.RegistryWebsite, gzw.ID)
	if len(evs) != 1 || !strings.HasPrefix(evs[0], "updated form ") || !strings.Contains(evs[0], "gzw-new.sc.gov.cn/") || !strings.Contains(evs[0], `"name"`) {
		t.Fatalf("events %q", evs)
	}
	// Saving the same again changes nothing and records nothing.
	if _, err := f.s.SaveWebsite(ctx, f.admin, gzw.ID, in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.events(t, models.RegistryWebsite, gzw.ID)); n != 1 {
		t.Fatalf("an unchanged save recorded %d events", n)
	}
	// Stealing the provincial portal's host is refused, naming the portal; nothing is written.
	edu := f.site(t, "四川省教育厅")
	steal := siteInput(edu)
	steal.Bases = append(steal.Bases, "https://www.sc.gov.cn/")
	_, err := f.s.SaveWebsite(ctx, f.admin, edu.ID, steal)
	if models.ErrorKind(err) != models.KindConflict || !strings.Contains(models.ErrorMessage(err), "四川省人民政府") {
		t.Fatalf("stealing a base: %v", err)
	}
	if got := f.route(t, f.s, "https://www.sc.gov.cn/x"); got != "四川省人民政府" {
		t.Fatalf("the portal's host routes to %q", got)
	}
	// Removing a base stops its routing.
	in.Bases = in.Bases[:1]
	if _, err := f.s.SaveWebsite(ctx, f.admin, gzw.ID, in); err != nil {
		t.Fatal(err)
	}
	if got := f.route(t, f.s, "https://gzw-new.sc.gov.cn/a.html"); got != "" {
		t.Fatalf("a removed base still routes to %q", got)
	}
}

// Writes are checked against the writer's scope: what lies outside it is not found, and
// moving something out of it is refused.
func TestRegistryWritesStayInScope(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()
	province := f.site(t, "四川省人民政府")
	cdEdu := f.site(t, "成都市教育局")
	provUnit := f.unit(t, "四川省教育厅")
	cdUnit := f.unit(t, "成都市教育局")
	if _, err := f.s.SaveWebsite(ctx, f.chengdu, province.ID, siteInput(province)); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a 成都 actor edited the provincial portal: %v", err)
	}
	move := siteInput(cdEdu)
	move.UnitID = provUnit.ID
	if _, err := f.s.SaveWebsite(ctx, f.chengdu, cdEdu.ID, move); models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) != "unit_id" {
		t.Errorf("a 成都 actor moved a site to a provincial unit: %v", err)
	}
	if _, err := f.s.SaveUnit(ctx, f.chengdu, provUnit.ID, models.UnitInput{Name: "x", RegionID: provUnit.RegionID, Kind: provUnit.Kind}); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a 成都 actor edited a provincial unit: %v", err)
	}
	if _, err := f.s.SaveUnit(ctx, f.chengdu, cdUnit.ID, models.UnitInput{Name: cdUnit.Name, RegionID: provUnit.RegionID, Kind: cdUnit.Kind}); models.ErrorField(err) != "region_id" {
		t.Errorf("a 成都 actor moved a unit to the province: %v", err)
	}
	if err := f.s.SetWebsiteOpen(ctx, f.chengdu, province.ID, false); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a 成都 actor closed the provincial portal: %v", err)
	}
	admin := f.users["admin"]
	role := models.RoleAdmin
	region := f.chengduReg
	if _, err := f.s.UpdateUser(ctx, f.chengdu, f.users["cd-supervisor"].ID, models.UserInput{Role: role, RegionID: &region}); models.ErrorKind(err) != models.KindForbidden {
		t.Errorf("a 成都 actor made an administrator: %v", err)
	}
	if _, err := f.s.UpdateUser(ctx, f.chengdu, admin.ID, models.UserInput{Role: models.RoleSupervisor, RegionID: &region}); models.ErrorKind(err) != models.KindNotFound {
		t.Errorf("a 成都 actor edited the administrator: %v", err)
	}
	// Inside the scope, the same actor's edit goes through.
	in := siteInput(cdEdu)
	in.Name = "成都市教育局门户"
	if _, err := f.s.SaveWebsite(ctx, f.chengdu, cdEdu.ID, in); err != nil {
		t.Errorf("a 成都 actor could not edit a 成都 site: %v", err)
	}
}

// A unit is closed instead of deleted: not while it runs sites, then it cannot be picked, and
// reopening brings it back; each step an event.
func TestUnitCloseAndReopen(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()
	unit := f.unit(t, "四川省广播电视局")
	site := f.site(t, "四川省广播电视局")
	if err := f.s.SetUnitOpen(ctx, f.admin, unit.ID, false); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("closed a unit that runs a site: %v", err)
	}
	if err := f.s.SetWebsiteOpen(ctx, f.admin, site.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := f.route(t, f.s, "https://gdj.sc.gov.cn/x"); got != "" {
		t.Fatalf("a closed site routes: %q", got)
	}
	if err := f.s.SetUnitOpen(ctx, f.admin, unit.ID, false); err != nil {
		t.Fatal(err)
	}
	picks, err := f.s.Picks(ctx, models.Scope{All: true}, "unit", "广播电视")
	if err != nil || len(picks) != 0 {
		t.Fatalf("a closed unit is offered: %v %v", picks, err)
	}
	sub, err := f.s.SubmitReport(ctx, models.Report{PageURL: "https://www.unregistered.example.cn/a.html", Category: "内容不准确",
		Description: "页面上公布的办事电话已经停用，请更新。"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Perform(ctx, f.users["sc-supervisor"], sub.Ticket.TicketNo, models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: unit.ID}, RequestKey: "k-closed"})
	if models.ErrorField(err) != "unit" || !strings.Contains(models.ErrorMessage(err), "撤销") {
		t.Fatalf("a ticket was assigned to a closed unit: %v", err)
	}
	acc := models.AccountInput{Name: "新账号", Platform: "抖音", Account: "dy-1", UnitID: unit.ID}
	if _, err := f.s.SaveAccount(ctx, f.admin, 0, acc); models.ErrorField(err) != "unit_id" {
		t.Fatalf("an account was opened for a closed unit: %v", err)
	}
	if err := f.s.SetWebsiteOpen(ctx, f.admin, site.ID, true); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("a site of a closed unit reopened: %v", err)
	}
	if err := f.s.SetUnitOpen(ctx, f.admin, unit.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetWebsiteOpen(ctx, f.admin, site.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := f.route(t, f.s, "https://gdj.sc.gov.cn/x"); got != "四川省广播电视局" {
		t.Fatalf("a reopened site routes to %q", got)
	}
	evs := f.events(t, models.RegistryUnit, unit.ID)
	if len(evs) != 2 || !strings.HasPrefix(evs[0], "closed form") || !strings.HasPrefix(evs[1], "reopened form") {
		t.Fatalf("unit events %q", evs)
	}
	if evs := f.events(t, models.RegistryWebsite, site.ID); len(evs) != 2 {
		t.Fatalf("site events %q", evs)
	}
}

// Units, accounts and users are edited field by field, each change an event; a changed role
// revokes the user's tokens, and the contacts never reach the trail.
func TestEditUnitAccountAndUser(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()
	unit := f.unit(t, "成都市教育局")
	no := false
	u, err := f.s.SaveUnit(ctx, f.chengdu, unit.ID, models.UnitInput{Name: "成都市教育局（改）", Code: "11510100mb1234567k", RegionID: unit.RegionID, Kind: unit.Kind, ReviewRequired: &no})
	if err != nil {
		t.Fatal(err)
	}
	if u.Code == nil || *u.Code != "11510100MB1234567K" || u.ReviewRequired {
		t.Fatalf("unit saved as %+v", u)
	}
	other := f.unit(t, "四川省教育厅")
	if _, err := f.s.SaveUnit(ctx, f.admin, other.ID, models.UnitInput{Name: other.Name, Code: "11510100MB1234567K", RegionID: other.RegionID, Kind: other.Kind}); models.ErrorField(err) != "code" {
		t.Fatalf("a taken code: %v", err)
	}
	if evs := f.events(t, models.RegistryUnit, unit.ID); len(evs) != 1 || !strings.Contains(evs[0], "review_required") {
		t.Fatalf("unit events %q", evs)
	}

	acc, err := f.s.SaveAccount(ctx, f.admin, 0, models.AccountInput{Name: "成都教育", Platform: "微信", Account: "cdjy", UnitID: unit.ID, OpenedOn: "2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveAccount(ctx, f.admin, 0, models.AccountInput{Name: "又一个", Platform: "微信", Account: "cdjy", UnitID: unit.ID}); models.ErrorField(err) != "account" {
		t.Fatalf("a second account with one key: %v", err)
	}
	acc, err = f.s.SaveAccount(ctx, f.admin, acc.ID, models.AccountInput{Name: "成都教育", Platform: "微信", Account: "cdjy", UnitID: unit.ID, OpenedOn: "2020-05-01", CancelledOn: "2026-11-30"})
	if err != nil || acc.Status != models.AccountCancelled {
		t.Fatalf("cancelled account %+v %v", acc, err)
	}
	row, err := f.s.AccountListRow(ctx, models.Scope{All: true}, acc.ID)
	if err != nil || row.CancelledOn == nil || *row.CancelledOn != "2026-11-30" || *row.OpenedOn != "2020-05-01" {
		t.Fatalf("account read back %+v %v", row, err)
	}
	if evs := f.events(t, models.RegistryAccount, acc.ID); len(evs) != 2 || !strings.HasPrefix(evs[1], "closed") {
		t.Fatalf("account events %q", evs)
	}

	staff := f.users["gzw-staff"]
	reviewerUnit := *staff.UnitID
	got, err := f.s.UpdateUser(ctx, f.admin, staff.ID, models.UserInput{DisplayName: "改任审核", Role: models.RoleUnitReviewer, UnitID: &reviewerUnit, Phone: "028-12345678", Email: "a@b.cn"})
	if err != nil {
		t.Fatal(err)
	}
	if got.TokenVersion <= staff.TokenVersion {
		t.Fatalf("a role change kept token version %d", got.TokenVersion)
	}
	if _, err := f.s.SessionUser(ctx, staff.ID, staff.TokenVersion); err != nil {
		t.Fatal(err)
	}
	evs := f.events(t, models.RegistryUser, staff.ID)
	if len(evs) != 1 || strings.Contains(evs[0], "028-12345678") || strings.Contains(evs[0], "a@b.cn") || !strings.Contains(evs[0], "unit_reviewer") {
		t.Fatalf("user events %q", evs)
	}
}

// The lists find by name, code and host, page, and take the query's % and _ as themselves.
func TestRegistrySearchAndPaging(t *testing.T) {
	f := newRegistryFixture(t)
	ctx := context.Background()
	all := models.Scope{All: true}
	l, err := f.s.SearchWebsites(ctx, all, models.ListQuery{Q: "edu.chengdu"})
	if err != nil || len(l.Items) != 1 || l.Items[0].Name != "成都市教育局" || len(l.Items[0].Bases) != 2 {
		t.Fatalf("by host: %+v %v", l, err)
	}
	units, err := f.s.SearchUnits(ctx, all, models.ListQuery{Size: 5, Page: 2})
	if err != nil || len(units.Items) != 5 || units.Total < 20 || units.Page != 2 {
		t.Fatalf("page 2: %+v %v", units, err)
	}
	for _, q := range []string{"%", "_", "' OR 1=1 --"} {
		l, err := f.s.SearchUnits(ctx, all, models.ListQuery{Q: q})
		if err != nil || l.Total != 0 {
			t.Errorf("q %q found %d (%v)", q, l.Total, err)
		}
	}
	cd, err := f.s.SearchUnits(ctx, f.chengdu.Scope, models.ListQuery{})
	if err != nil || cd.Total != 2 {
		t.Fatalf("a 成都 actor sees %d units: %v", cd.Total, err)
	}
	users, err := f.s.SearchUsers(ctx, f.chengdu.Scope, models.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users.Items {
		if u.Username == "admin" || u.Username == "sc-supervisor" {
			t.Errorf("a 成都 actor sees %s", u.Username)
		}
	}
}
