package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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
	both, err := storetest.SaveAccountImport(ctx, s, admin, "两市.xlsx", []models.AccountResult{
		{AccountID: accountID(t, s, "微信", "成都发布"), Name: "成都发布", Platform: "微信", FiledStatus: models.AccountActive},
		{AccountID: accountID(t, s, "微信", "自贡发布"), Name: "自贡发布", Platform: "微信", FiledStatus: models.AccountActive,
			Findings: []models.Finding{staleFinding("微信", "自贡发布")}},
		{AccountID: accountID(t, s, "微信", "四川发布"), Name: "四川发布", Platform: "微信", FiledStatus: models.AccountActive,
			Findings: []models.Finding{staleFinding("微信", "四川发布")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	zgOnly, err := storetest.SaveAccountImport(ctx, s, admin, "自贡.xlsx", []models.AccountResult{
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

// Accounts the registry does not know are shown to whoever imported the sheet, to those who
// see everything, and to the supervisors of the unit the sheet names when that unit is
// registered within their scope; nobody else sees them.
func TestUnknownAccountsShownToTheImporterAndTheNamedUnitsSupervisor(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	cd, zg, admin := u["cd-supervisor"], zgSupervisor(t, s), u["admin"]
	unknown := func(name, unit string) models.AccountResult {
		ref := "抖音：" + name
		return models.AccountResult{Name: name, Platform: "抖音", UnitName: unit, ReportedOnline: true,
			Findings: []models.Finding{{Type: "ledger_mismatch", Indicator: "管理台账与实际运行情况不符", URL: ref, Page: ref, Target: ref,
				Evidence: "账号在运行，但未报备开设", FindingKey: "ledger_mismatch:" + ref}}}
	}
	province, err := storetest.SaveAccountImport(ctx, s, admin, "全省.xlsx", []models.AccountResult{
		unknown("成都教育", "成都市教育局"),    // a registered unit of 成都
		unknown("自贡某局", "自贡市不存在的局"),  // a unit the registry does not know
		unknown("无主号", ""),           // no unit at all
		unknown("省厅号", "四川省人民政府办公厅"), // a registered unit of the province itself
		{AccountID: accountID(t, s, "微信", "自贡发布"), Name: "自贡发布", Platform: "微信", FiledStatus: models.AccountActive},
	})
	if err != nil {
		t.Fatal(err)
	}
	own, err := storetest.SaveAccountImport(ctx, s, cd, "成都自查.xlsx", []models.AccountResult{unknown("区县号", "")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		user *models.User
		imp  *models.AccountImport
		want []string // the names of the results seen; nil: the import is not found
	}{
		{"成都 sees the unknown account of its registered unit", cd, province, []string{"成都教育"}},
		{"自贡 sees its registered account, not an unknown unit that reads like its own", zg, province, []string{"自贡发布"}},
		{"the administrator sees every row", admin, province, []string{"成都教育", "自贡某局", "无主号", "省厅号", "自贡发布"}},
		{"成都 sees the unknown rows of its own sheet", cd, own, []string{"区县号"}},
		{"自贡 does not see 成都's sheet", zg, own, nil},
		{"the administrator sees 成都's sheet", admin, own, []string{"区县号"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imps, err := s.AccountImports(ctx, scopeOf(t, s, tt.user), tt.user.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			var listed *models.AccountImport
			for i := range imps {
				if imps[i].ID == tt.imp.ID {
					listed = &imps[i]
				}
			}
			imp, rows, err := s.ImportResults(ctx, scopeOf(t, s, tt.user), tt.user.ID, tt.imp.ID)
			if tt.want == nil {
				if models.ErrorKind(err) != models.KindNotFound || listed != nil {
					t.Fatalf("got %d rows, %v, listed %v; want not found", len(rows), err, listed != nil)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			findings := 0
			for _, r := range rows {
				names = append(names, r.Name)
				if r.AccountID == nil && len(r.Findings) != 1 {
					t.Errorf("%s: findings %+v, want its one finding", r.Name, r.Findings)
				}
				findings += len(r.Findings)
			}
			if strings.Join(names, "、") != strings.Join(tt.want, "、") {
				t.Fatalf("rows %v, want %v", names, tt.want)
			}
			if imp.Accounts != len(tt.want) || imp.Findings != findings {
				t.Fatalf("import counted %d accounts, %d findings; want %d, %d", imp.Accounts, imp.Findings, len(tt.want), findings)
			}
			// The list shows the import, counted the same way.
			if listed == nil || listed.Accounts != imp.Accounts || listed.Findings != imp.Findings {
				t.Fatalf("listed as %+v; the page counts %d accounts, %d findings", listed, imp.Accounts, imp.Findings)
			}
		})
	}
}

// A registered name of more than 42 Chinese characters matches again once stored: names are
// cut to the 128 characters their column holds, not to 128 bytes (a third of that in Chinese).
func TestAccountNamesAreCutByCharacters(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	long := strings.Repeat("政", 60) // 180 bytes
	tooLong := strings.Repeat("府", 130)
	unit := strings.Repeat("局", 100)
	imp, _, err := s.CreateAccountImport(ctx, u["sc-supervisor"], strings.Repeat("表", 300)+".xlsx", []models.UploadedAccount{
		{Name: long, Platform: "微信", UnitName: unit}, {Name: tooLong, Platform: "微信"}})
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := s.BeginAccountImport(ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Name != long || rows[0].UnitName != unit || rows[1].Name != strings.Repeat("府", 128) {
		t.Fatalf("stored rows %+v", rows)
	}
	if imp.Filename != strings.Repeat("表", 255) {
		t.Fatalf("file name of %d characters, want 255", len([]rune(imp.Filename)))
	}
	done, err := storetest.SaveAccountImport(ctx, s, u["sc-supervisor"], "results.csv", []models.AccountResult{{Name: long, Platform: "微信", UnitName: unit}})
	if err != nil {
		t.Fatal(err)
	}
	_, results, err := s.ImportResults(ctx, models.Scope{All: true}, 0, done.ID)
	if err != nil || len(results) != 1 || results[0].Name != long || results[0].UnitName != unit {
		t.Fatalf("stored results %+v, %v", results, err)
	}
}

// An import's hour runs from the first try's start, not from the upload: one that waited long
// in the queue is checked and stored. Results that come after the hour are not stored: the
// import is failed, its waiting rows dropped, and the finisher told so.
func TestAccountImportHourRunsFromTheCheckStart(t *testing.T) {
	clock := storetest.NewClock("2025-03-25 10:00:00")
	s := storetest.Open(t, clock)
	u := demoUsers(t, s)
	ctx := context.Background()
	sheet := []models.UploadedAccount{{Name: "无名号", Platform: "抖音"}}
	result := []models.AccountResult{{Name: "无名号", Platform: "抖音"}}
	state := func(id int64) (status, reason string, uploads, results int) {
		t.Helper()
		db := s.SQLDB()
		if err := db.QueryRow("SELECT status, error FROM media_account_imports WHERE id = ?", id).Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM media_account_uploads WHERE import_id = ?", id).Scan(&uploads); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM media_account_results WHERE import_id = ?", id).Scan(&results); err != nil {
			t.Fatal(err)
		}
		return
	}

	queued, _, err := s.CreateAccountImport(ctx, u["sc-supervisor"], "queued.csv", sheet)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Hour) // behind a round of site crawls, say
	imp, rows, err := s.BeginAccountImport(ctx, queued.ID)
	if err != nil || imp.Status != models.ImportRunning || imp.StartedAt == nil || len(rows) != 1 {
		t.Fatalf("begun after 3 hours in the queue: %+v, %d rows, %v", imp, len(rows), err)
	}
	clock.Advance(50 * time.Minute)
	if imp, _, err := s.FinishAccountImport(ctx, queued.ID, result); err != nil || imp.Status != models.ImportDone {
		t.Fatalf("finished 50 minutes after it began: %+v, %v", imp, err)
	}

	slow, _, err := s.CreateAccountImport(ctx, u["sc-supervisor"], "slow.csv", sheet)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.BeginAccountImport(ctx, slow.ID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(models.ImportGiveUp + time.Minute)
	imp, _, err = s.FinishAccountImport(ctx, slow.ID, result)
	if !errors.Is(err, models.ErrImportTooLate) || models.ErrorKind(err) != models.KindConflict || !strings.Contains(models.ErrorMessage(err), "结果未保存") {
		t.Fatalf("finished past the hour: %v, want a conflict saying the results were not kept", err)
	}
	if status, reason, uploads, results := state(slow.ID); status != models.ImportFailed || reason != models.ErrorMessage(err) || uploads+results != 0 ||
		imp.Status != models.ImportFailed {
		t.Fatalf("stored after the late finish: %s %q, %d rows waiting, %d results; returned %+v", status, reason, uploads, results, imp)
	}
	// A second late finisher (the task run twice) finds it failed and is not told again.
	if imp, _, err := s.FinishAccountImport(ctx, slow.ID, result); err != nil || imp.Status != models.ImportFailed {
		t.Fatalf("the second late finisher: %+v, %v", imp, err)
	}
}

// A done import is counted, in the list and on its page, by what the viewer sees of it, its
// checked accounts too: nothing of other regions' accounts, findings or of the sheet's size.
// An importer sees the rows of their own sheet that were refused, counted as refused; no one
// else sees them.
func TestAccountImportCountsOnlyWhatTheViewerSees(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	cd, zg, admin := u["cd-supervisor"], zgSupervisor(t, s), u["admin"]
	zgAccount := func() models.AccountResult {
		return models.AccountResult{AccountID: accountID(t, s, "微信", "自贡发布"), Name: "自贡发布", Platform: "微信",
			FiledStatus: models.AccountActive, Findings: []models.Finding{staleFinding("微信", "自贡发布")}}
	}
	both, err := storetest.SaveAccountImport(ctx, s, admin, "两市.xlsx", []models.AccountResult{
		{AccountID: accountID(t, s, "微信", "成都发布"), Name: "成都发布", Platform: "微信", FiledStatus: models.AccountActive},
		zgAccount(),
	})
	if err != nil {
		t.Fatal(err)
	}
	cdSheet, err := storetest.SaveAccountImport(ctx, s, cd, "成都导入.xlsx", []models.AccountResult{zgAccount(),
		{AccountID: accountID(t, s, "微信", "成都发布"), Name: "成都发布", Platform: "微信", FiledStatus: models.AccountActive}})
	if err != nil {
		t.Fatal(err)
	}
	type counts struct{ accounts, checked, findings, refused int }
	tests := []struct {
		name string
		user *models.User
		imp  int64
		want counts
	}{
		{"成都 sees its one account of two", cd, both.ID, counts{1, 1, 0, 0}},
		{"成都 sees its own sheet, 自贡's account in it refused", cd, cdSheet.ID, counts{2, 2, 0, 1}},
		{"the administrator sees the whole sheet", admin, both.ID, counts{2, 2, 1, 0}},
		{"自贡 sees nothing of 成都's sheet", zg, cdSheet.ID, counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scopeOf(t, s, tt.user)
			imps, err := s.AccountImports(ctx, sc, tt.user.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			var listed *counts
			for _, imp := range imps {
				if imp.ID == tt.imp {
					listed = &counts{imp.Accounts, imp.Checked, imp.Findings, imp.Refused}
				}
			}
			imp, _, err := s.ImportResults(ctx, sc, tt.user.ID, tt.imp)
			if tt.want == (counts{}) {
				if listed != nil || models.ErrorKind(err) != models.KindNotFound {
					t.Fatalf("listed as %+v, its page %v; want neither", listed, err)
				}
				return
			}
			if listed == nil || *listed != tt.want {
				t.Fatalf("listed as %+v, want %+v", listed, tt.want)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := (counts{imp.Accounts, imp.Checked, imp.Findings, imp.Refused}); got != tt.want {
				t.Fatalf("its page counts %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The unit a sheet names is the registered unit however the sheet spaces it or writes its
// parentheses (full-width or half-width), on SQLite as on MySQL: the sheet's spelling is not
// left to the database's collation to compare, which on MySQL ignored a trailing space and on
// SQLite did not.
func TestUnknownAccountsReachTheirUnitHoweverTheSheetSpellsIt(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	cd, zg, scgov, admin := u["cd-supervisor"], zgSupervisor(t, s), u["scgov-staff"], u["admin"]
	if _, err := s.LoadRegistry(ctx, models.RegistrySpec{Units: []models.UnitSpec{
		{Name: "成都高新区管委会（党工委）", RegionCode: "510100", Kind: models.UnitDepartment},
		{Name: "成都天府新区管委会(党工委)", RegionCode: "510100", Kind: models.UnitDepartment},
		{Name: "成都Eco中心", RegionCode: "510100", Kind: models.UnitDepartment},
	}}); err != nil {
		t.Fatal(err)
	}
	unfiled := func(name, unit string) models.AccountResult {
		return models.AccountResult{Name: name, Platform: "抖音", UnitName: unit, ReportedOnline: true}
	}
	imp, err := storetest.SaveAccountImport(ctx, s, admin, "全省.xlsx", []models.AccountResult{
		unfiled("省厅号", "四川省人民政府办公厅 "),
		unfiled("教育号", "\u3000成都市教育局"),
		unfiled("高新号", "成都高新区管委会(党工委)"),
		unfiled("天府号", "成都天府新区管委会（党工委）"),
		unfiled("自贡某局号", "自贡市不存在的局 "),
		unfiled("外文号", "成都Éco中心"), // another unit by its key; MySQL's collation would match it
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		user *models.User
		want []string // nil: the import is not found
	}{
		{"the office sees its account despite the trailing space", scgov, []string{"省厅号"}},
		{"成都 sees its units' accounts however spaced or bracketed", cd, []string{"教育号", "高新号", "天府号"}},
		{"自贡 sees no unit it does not have", zg, nil},
		{"the administrator sees every row", admin, []string{"省厅号", "教育号", "高新号", "天府号", "自贡某局号", "外文号"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scopeOf(t, s, tt.user)
			got, rows, err := s.ImportResults(ctx, sc, tt.user.ID, imp.ID)
			if tt.want == nil {
				if models.ErrorKind(err) != models.KindNotFound {
					t.Fatalf("got %d rows, %v; want not found", len(rows), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rows {
				names = append(names, r.Name)
			}
			if strings.Join(names, "、") != strings.Join(tt.want, "、") || got.Accounts != len(tt.want) {
				t.Fatalf("rows %v (counted %d), want %v", names, got.Accounts, tt.want)
			}
			imps, err := s.AccountImports(ctx, sc, tt.user.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(imps) == 0 || imps[0].ID != imp.ID || imps[0].Accounts != len(tt.want) {
				t.Fatalf("listed as %+v, want import %d with %d accounts", imps, imp.ID, len(tt.want))
			}
		})
	}
}
