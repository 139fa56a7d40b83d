package models_test

import (
	"context"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// accountID returns the id of a registered account.
func accountID(t *testing.T, s *models.Store, platform, name string) *int64 {
	t.Helper()
	var id int64
	if err := s.SQLDB().QueryRow("SELECT id FROM media_accounts WHERE platform = ? AND name = ?", platform, name).Scan(&id); err != nil {
		t.Fatalf("account %s：%s: %v", platform, name, err)
	}
	return &id
}

// staleFinding is an account's 单项否决 for no update, as the checks name it.
func staleFinding(platform, name string) models.Finding {
	ref := platform + "：" + name
	return models.Finding{Type: "account_stale", Indicator: "政务新媒体更新不及时", URL: ref, Page: ref, Target: ref,
		Evidence: "已30天未更新", Veto: true, FindingKey: "account_stale:" + ref}
}

// zgSupervisor adds the supervisor of 自贡市, a second 市州 beside the demo's 成都.
func zgSupervisor(t *testing.T, s *models.Store) *models.User {
	t.Helper()
	hash, _ := models.HashPassword("demo-pass-123")
	u, err := s.EnsureUser(context.Background(), models.UserSpec{Username: "zg-supervisor", DisplayName: "自贡市政府办公室监管员",
		Role: models.RoleSupervisor, RegionCode: "510300"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The province's imports are listed for a 市州's supervisor only where they hold an account of
// that 市州, counted by its accounts and their findings.
func TestAccountImportsListedAndCountedPerRegion(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	cd, zg, admin := u["cd-supervisor"], zgSupervisor(t, s), u["admin"]
	both, err := s.SaveAccountImport(ctx, admin, "两市.xlsx", []models.AccountResult{
		{AccountID: accountID(t, s, "微信", "成都发布"), Name: "成都发布", Platform: "微信", FiledStatus: models.AccountActive},
		{AccountID: accountID(t, s, "微信", "自贡发布"), Name: "自贡发布", Platform: "微信", FiledStatus: models.AccountActive,
			Findings: []models.Finding{staleFinding("微信", "自贡发布")}},
		{AccountID: accountID(t, s, "微信", "四川发布"), Name: "四川发布", Platform: "微信", FiledStatus: models.AccountActive,
			Findings: []models.Finding{staleFinding("微信", "四川发布")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	zgOnly, err := s.SaveAccountImport(ctx, admin, "自贡.xlsx", []models.AccountResult{
		{AccountID: accountID(t, s, "微信", "自贡发布"), Name: "自贡发布", Platform: "微信", FiledStatus: models.AccountActive,
			Findings: []models.Finding{staleFinding("微信", "自贡发布")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		id                 int64
		accounts, findings int
	}
	tests := []struct {
		name string
		user *models.User
		want []line
	}{
		{"成都 sees the import with its account, counted by it", cd, []line{{both.ID, 1, 0}}},
		{"自贡 sees both, counted by its own account", zg, []line{{zgOnly.ID, 1, 1}, {both.ID, 1, 1}}},
		{"the administrator sees every import whole", admin, []line{{zgOnly.ID, 1, 1}, {both.ID, 3, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imps, err := s.AccountImports(ctx, scopeOf(t, s, tt.user), tt.user.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			var got []line
			for _, imp := range imps {
				got = append(got, line{imp.ID, imp.Accounts, imp.Findings})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("imports %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("imports %+v, want %+v", got, tt.want)
				}
			}
			// The import's page counts as its line in the list does.
			for _, want := range tt.want {
				imp, rows, err := s.ImportResults(ctx, scopeOf(t, s, tt.user), tt.user.ID, want.id)
				if err != nil || imp.Accounts != want.accounts || imp.Findings != want.findings || len(rows) != want.accounts {
					t.Fatalf("import %d: %+v, %d results, %v; want %+v", want.id, imp, len(rows), err, want)
				}
			}
		})
	}
	if _, _, err := s.ImportResults(ctx, scopeOf(t, s, cd), cd.ID, zgOnly.ID); models.ErrorKind(err) != models.KindNotFound {
		t.Fatalf("成都 opening 自贡's import: %v, want not found", err)
	}
}
