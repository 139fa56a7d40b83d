package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// Each row of a sheet is matched to the registry as it is stored, and a row the importer's scope
// does not hold is refused with its reason: the account of the unit the row names (however the
// sheet spaces it or writes its parentheses), else the one within the scope, else the first; an
// unknown account is refused when it names registered units none of which the scope holds. Those
// who see everything import every row.
func TestAccountImportRowsAreMatchedWithinTheImportersScope(t *testing.T) {
	s := storetest.Open(t, storetest.NewClock("2025-03-25 10:00:00"))
	u := demoUsers(t, s)
	ctx := context.Background()
	if _, err := s.LoadRegistry(ctx, models.RegistrySpec{
		Units: []models.UnitSpec{{Name: "自贡市教育局", RegionCode: "510300", Kind: models.UnitDepartment},
			{Name: "成都市教育局（机关）", RegionCode: "510100", Kind: models.UnitDepartment}},
		Accounts: []models.AccountSpec{{Name: "教育发布", Platform: "微信", Unit: "自贡市教育局"},
			{Name: "教育发布", Platform: "微信", Unit: "成都市教育局（机关）"}},
	}); err != nil {
		t.Fatal(err)
	}
	var cdEdu, zgEdu int64
	s.SQLDB().QueryRow("SELECT a.id FROM media_accounts a JOIN units u ON u.id = a.unit_id WHERE a.name = '教育发布' AND u.name = '成都市教育局（机关）'").Scan(&cdEdu)
	s.SQLDB().QueryRow("SELECT a.id FROM media_accounts a JOIN units u ON u.id = a.unit_id WHERE a.name = '教育发布' AND u.name = '自贡市教育局'").Scan(&zgEdu)
	const (
		unknown = int64(0)
		refused = int64(-1)
	)
	rows := []struct {
		name, platform, unit string
		cd, all              int64 // the account matched for 成都's supervisor and for the administrator
		reason               string
	}{
		{"教育发布", "微信", "成都市教育局(机关)", cdEdu, cdEdu, ""},
		{"教育发布", "微信", "\u3000成都市教育局（机关）", cdEdu, cdEdu, ""},
		{"教育发布", "微信", "自贡市教育局 ", refused, zgEdu, "该账号登记在其他地区的单位名下"},
		{"教育发布", "微信", "", cdEdu, -2, ""}, // no unit named: 成都's own, for 成都; either for the administrator
		{"成都发布", "微信", "", *accountID(t, s, "微信", "成都发布"), *accountID(t, s, "微信", "成都发布"), ""},
		{"自贡发布", "微信", "", refused, *accountID(t, s, "微信", "自贡发布"), "该账号登记在其他地区的单位名下"},
		{"四川发布", "微信", "", refused, *accountID(t, s, "微信", "四川发布"), "该账号登记在其他地区的单位名下"},
		{"德阳新号", "抖音", "德阳市人民政府办公室", refused, unknown, "主办单位「德阳市人民政府办公室」不在您的管辖范围内"},
		{"成都新号", "抖音", "成都市教育局", unknown, unknown, ""},
		{"无主号", "抖音", "不存在的局", unknown, unknown, ""},
		{"无单位号", "抖音", "", unknown, unknown, ""},
	}
	sheet := make([]models.UploadedAccount, len(rows))
	for i, r := range rows {
		sheet[i] = models.UploadedAccount{Name: r.name, Platform: r.platform, UnitName: r.unit}
	}
	for _, who := range []string{"cd-supervisor", "admin", "sc-supervisor"} {
		imp, _, err := s.CreateAccountImport(ctx, u[who], "台账.csv", sheet)
		if err != nil {
			t.Fatal(err)
		}
		_, stored, err := s.BeginAccountImport(ctx, imp.ID)
		if err != nil || len(stored) != len(rows) {
			t.Fatalf("%s: %d rows stored, %v", who, len(stored), err)
		}
		wantRefused := 0
		for i, r := range rows {
			want := r.all
			if who == "cd-supervisor" {
				want = r.cd
			}
			got := stored[i]
			switch {
			case want == refused:
				wantRefused++
				if got.AccountID != nil || !strings.Contains(got.Refused, r.reason) || !strings.Contains(got.Refused, "不在您的管辖范围内") {
					t.Errorf("%s, %s %q: account %v, refused %q; want refused: %s", who, r.name, r.unit, got.AccountID, got.Refused, r.reason)
				}
			case want == unknown:
				if got.AccountID != nil || got.Refused != "" {
					t.Errorf("%s, %s %q: account %v, refused %q; want an unknown account", who, r.name, r.unit, got.AccountID, got.Refused)
				}
			case want == -2:
				if got.AccountID == nil || (*got.AccountID != cdEdu && *got.AccountID != zgEdu) || got.Refused != "" {
					t.Errorf("%s, %s %q: account %v, refused %q; want one of the two", who, r.name, r.unit, got.AccountID, got.Refused)
				}
			default:
				if got.AccountID == nil || *got.AccountID != want || got.Refused != "" {
					t.Errorf("%s, %s %q: account %v, refused %q; want account %d", who, r.name, r.unit, got.AccountID, got.Refused, want)
				}
			}
		}
		if imp.Refused != wantRefused {
			t.Errorf("%s: the import counts %d refused, want %d", who, imp.Refused, wantRefused)
		}
	}

	// A sheet of nothing but other regions' accounts is refused whole, and nothing is stored.
	count := func() (n int) {
		s.SQLDB().QueryRow("SELECT (SELECT COUNT(*) FROM media_account_imports) + (SELECT COUNT(*) FROM media_account_uploads)").Scan(&n)
		return n
	}
	before := count()
	_, _, err := s.CreateAccountImport(ctx, u["cd-supervisor"], "他市.csv", []models.UploadedAccount{
		{Name: "自贡发布", Platform: "微信"}, {Name: "四川发布", Platform: "微信"}, {Name: "德阳新号", Platform: "抖音", UnitName: "德阳市人民政府办公室"}})
	if models.ErrorKind(err) != models.KindForbidden || !strings.Contains(models.ErrorMessage(err), "自贡发布（微信）、四川发布（微信）") || count() != before {
		t.Fatalf("a sheet of other regions' accounts: %v, %d rows stored", err, count()-before)
	}
}
