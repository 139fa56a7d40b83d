package models_test

import (
	"context"
	"strings"
	"testing"

	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
)

// A value a sheet's row and a form (or the API) both give is accepted or refused by one rule,
// with one message: the sheet's report names the column, the form its field. Before the rules
// were made one, every case here differed (the sheet took a 20-character 标识码 the form refused
// less of, a query in a URL, a 23-digit phone; the form took a platform the sheet did not know,
// an upper-case username; the rest said the same thing in other words).
func TestSheetAndFormRefuseAlike(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("甲", n) }
	region := func(code, name string) []registrysheet.Sheet {
		return []registrysheet.Sheet{sheet("地区", "行政区划代码|地区名称|上级区划代码", code+"|"+name+"|510100")}
	}
	regionForm := func(code, name string) error {
		_, err := s.CreateRegion(ctx, models.RegistryActor{Scope: models.Scope{All: true}}, models.RegionInput{Code: code, Name: name})
		return err
	}
	site := func(column, v string) []registrysheet.Sheet {
		row := map[string]string{"网站名称": "甲网站", "网站标识码": "5100000097", "首页网址": "https://jia.gov.cn/"}
		row[column] = v
		return []registrysheet.Sheet{sheet("网站", "网站名称|网站标识码|首页网址|主办单位",
			row["网站名称"]+"|"+row["网站标识码"]+"|"+row["首页网址"]+"|四川省教育厅")}
	}
	siteForm := func(f func(*models.WebsiteInput)) error {
		in := models.WebsiteInput{Name: "甲网站", IdentifierCode: "5100000097", Kind: models.SitePortal, UnitID: 1, Bases: []string{"https://jia.gov.cn/"}}
		f(&in)
		_, err := in.Validate()
		return err
	}
	unit := func(name, code string) []registrysheet.Sheet {
		return []registrysheet.Sheet{sheet("单位", "单位名称|统一社会信用代码|所属地区代码", name+"|"+code+"|510100")}
	}
	unitForm := func(name, code string) error {
		return (&models.UnitInput{Name: name, Code: code, RegionID: 1, Kind: models.UnitDepartment}).Validate()
	}
	account := func(platform, name, id string) []registrysheet.Sheet {
		return []registrysheet.Sheet{sheet("新媒体账号", "平台类型|账号名称|账号ID|开办主体", platform+"|"+name+"|"+id+"|四川省教育厅")}
	}
	accountForm := func(platform, name, id string) error {
		_, err := (&models.AccountInput{Platform: platform, Name: name, Account: id, UnitID: 1}).Validate()
		return err
	}
	user := func(username, name, role, region, phone, email string) []registrysheet.Sheet {
		return []registrysheet.Sheet{sheet("用户", "用户名|姓名|角色|所属单位|所属地区代码|手机号码|电子邮箱",
			username+"|"+name+"|"+role+"||"+region+"|"+phone+"|"+email)}
	}
	regionID := int64(1)
	userForm := func(f func(*models.UserInput)) error {
		in := models.UserInput{DisplayName: "甲", Role: models.RoleSupervisor, RegionID: &regionID}
		f(&in)
		return in.Validate()
	}
	cases := []struct {
		name, column, field string
		sheets              []registrysheet.Sheet
		form                error
	}{
		{"12-digit region code", "行政区划代码", "code", region("510104001000", "甲街道"), regionForm("510104001000", "甲街道")},
		{"region name too long", "地区名称", "name", region("510199", long(65)), regionForm("510199", long(65))},
		{"标识码 too long", "网站标识码", "identifier_code", site("网站标识码", "51000000970000000000"),
			siteForm(func(in *models.WebsiteInput) { in.IdentifierCode = "51000000970000000000" })},
		{"标识码 too short", "网站标识码", "identifier_code", site("网站标识码", "51000"),
			siteForm(func(in *models.WebsiteInput) { in.IdentifierCode = "51000" })},
		{"site name too long", "网站名称", "name", site("网站名称", long(129)), siteForm(func(in *models.WebsiteInput) { in.Name = long(129) })},
		{"not http", "首页网址", "bases", site("首页网址", "ftp://jia.gov.cn/"), siteForm(func(in *models.WebsiteInput) { in.Bases = []string{"ftp://jia.gov.cn/"} })},
		{"password in URL", "首页网址", "bases", site("首页网址", "https://u:p@jia.gov.cn/"),
			siteForm(func(in *models.WebsiteInput) { in.Bases = []string{"https://u:p@jia.gov.cn/"} })},
		{"query in URL", "首页网址", "bases", site("首页网址", "https://jia.gov.cn/?a=1"),
			siteForm(func(in *models.WebsiteInput) { in.Bases = []string{"https://jia.gov.cn/?a=1"} })},
		{"host too long", "首页网址", "bases", site("首页网址", "https://"+strings.Repeat("a", 250)+".gov.cn/"),
			siteForm(func(in *models.WebsiteInput) { in.Bases = []string{"https://" + strings.Repeat("a", 250) + ".gov.cn/"} })},
		{"unit name too long", "单位名称", "name", unit(long(129), ""), unitForm(long(129), "")},
		{"credit code with O", "统一社会信用代码", "code", unit("甲单位", "11510104MB000000OM"), unitForm("甲单位", "11510104MB000000OM")},
		{"credit code check character", "统一社会信用代码", "code", unit("甲单位", "11510104MB0000000X"), unitForm("甲单位", "11510104MB0000000X")},
		{"unknown platform", "平台类型", "platform", account("MySpace", "甲", "a1"), accountForm("MySpace", "甲", "a1")},
		{"account name too long", "账号名称", "name", account("微信", long(129), "a1"), accountForm("微信", long(129), "a1")},
		{"upper-case username", "用户名", "username", user("ZhangSan", "甲", "主管单位", "510100", "", ""),
			models.ValidateUserSpec(models.UserSpec{Username: "ZhangSan", Role: models.RoleSupervisor, RegionCode: "510100"})},
		{"display name too long", "姓名", "display_name", user("zhang", long(65), "主管单位", "510100", "", ""),
			userForm(func(in *models.UserInput) { in.DisplayName = long(65) })},
		{"phone too long", "手机号码", "phone", user("zhang", "甲", "主管单位", "510100", strings.Repeat("1", 23), ""),
			userForm(func(in *models.UserInput) { in.Phone = strings.Repeat("1", 23) })},
		{"e-mail without a dotted domain", "电子邮箱", "email", user("zhang", "甲", "主管单位", "510100", "", "a@b"),
			userForm(func(in *models.UserInput) { in.Email = "a@b" })},
		{"supervisor without a region", "所属地区代码", "region_id", user("zhang", "甲", "主管单位", "", "", ""),
			userForm(func(in *models.UserInput) { in.RegionID = nil })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if models.ErrorKind(c.form) != models.KindInvalid || models.ErrorField(c.form) != c.field {
				t.Fatalf("form: %v (field %q), want refused on %s", c.form, models.ErrorField(c.form), c.field)
			}
			plan, err := s.PlanRegistryImport(ctx, admin, "book.xlsx", c.sheets)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range plan.Problems {
				if p.Row == 2 && p.Column == c.column {
					got = append(got, p.Message)
				}
			}
			if len(got) != 1 || got[0] != models.ErrorMessage(c.form) {
				t.Errorf("sheet says %q under 「%s」, form says %q\nall: %s", got, c.column, models.ErrorMessage(c.form), problems(plan))
			}
		})
	}
}

// Names the database's collation holds equal (utf8mb4_unicode_ci: case, full and half width)
// are one name: a row spelling a registry's unit, username or account so is reported on its row
// when the import is checked, not left to the unique index at confirm (a bare 409 on MariaDB,
// a second record on SQLite); two rows of one book spelling one name so are duplicates.
func TestCollationEqualNamesReportedOnTheirRow(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	first := []registrysheet.Sheet{
		sheet("单位", "单位名称|所属地区代码", "成都ABC服务中心|510100"),
		sheet("新媒体账号", "平台类型|账号名称|账号ID|开办主体", "微信|ABC发布|GovABC|成都ABC服务中心"),
	}
	plan, err := s.PlanRegistryImport(ctx, admin, "first.xlsx", first)
	if err != nil || len(plan.Problems) > 0 {
		t.Fatalf("%v %s", err, problems(plan))
	}
	if _, err := s.ApplyRegistryImport(ctx, admin, plan.ID); err != nil {
		t.Fatal(err)
	}
	// A username from before usernames were lower case only.
	if _, err := s.EnsureUser(ctx, models.UserSpec{Username: "Wang.Li", DisplayName: "王力", Role: models.RoleSupervisor, RegionCode: "510100"}, "x"); err != nil {
		t.Fatal(err)
	}
	second := []registrysheet.Sheet{
		sheet("单位", "单位名称|所属地区代码", "成都ａｂｃ服务中心|510100", "成都XY中心|510100", "成都ｘｙ中心|510100"),
		sheet("新媒体账号", "平台类型|账号名称|账号ID|开办主体", "微信|另一个发布|govabc|成都ABC服务中心"),
		sheet("用户", "用户名|姓名|角色|所属地区代码", "wang.li|王力|主管单位|510100"),
	}
	plan, err = s.PlanRegistryImport(ctx, admin, "second.xlsx", second)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		sheet  string
		row    int
		column string
		text   string
	}{
		{"单位", 2, "单位名称", "与已有的单位“成都ABC服务中心”只差大小写或全角、半角"},
		{"单位", 4, "单位名称", "与工作表「单位」第3行重复"},
		{"新媒体账号", 2, "账号ID", "与已有的微信账号“GovABC”只差大小写或全角、半角"},
		{"用户", 2, "用户名", "与已有的用户名“Wang.Li”只差大小写或全角、半角"},
	} {
		found := false
		for _, p := range plan.Problems {
			found = found || p.Sheet == w.sheet && p.Row == w.row && p.Column == w.column && strings.Contains(p.Message, w.text)
		}
		if !found {
			t.Errorf("no problem %+v among:\n%s", w, problems(plan))
		}
	}
	if plan.ID != 0 {
		t.Errorf("a plan with problems was kept as %d", plan.ID)
	}
}
