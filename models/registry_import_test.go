package models_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
	"zhaocuo/models/storetest"
)

// registryWorld is the demo registry (四川省, its cities, their units, sites and accounts) with
// an administrator who imports.
func registryWorld(t testing.TB) (*models.Store, *models.User) {
	t.Helper()
	s := storetest.Open(t, storetest.NewClock("2026-12-06 10:00:00"))
	ctx := context.Background()
	if _, err := s.LoadRegistry(ctx, models.DemoRegistry()); err != nil {
		t.Fatal(err)
	}
	hash, err := models.HashPassword("admin-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.EnsureUser(ctx, models.UserSpec{Username: "admin", DisplayName: "管理员", Role: models.RoleAdmin}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return s, admin
}

func sheet(name string, rows ...string) registrysheet.Sheet {
	sh := registrysheet.Sheet{Name: name}
	for _, r := range rows {
		sh.Rows = append(sh.Rows, strings.Split(r, "|"))
	}
	return sh
}

// goodBook is a small province's worth of new registry: a county, a unit with a site and an
// account, and two users.
func goodBook() []registrysheet.Sheet {
	return []registrysheet.Sheet{
		sheet("地区", "行政区划代码|地区名称|简称|上级区划代码", "510104|锦江区|锦江|510100"),
		sheet("单位", "单位名称|统一社会信用代码|所属地区代码|单位类型|状态", "锦江区人民政府办公室|11510104MB0000000M|510104|政府办公厅（室）|正常"),
		sheet("网站", "网站名称|网站标识码|首页网址|其他网址|网站类型|主办单位|主管单位|运行状态",
			"锦江区人民政府|5101040001|https://www.cdjj.gov.cn/|http://cdjj.gov.cn/|门户|锦江区人民政府办公室|成都市人民政府办公室|运行"),
		sheet("新媒体账号", "平台类型|账号名称|账号ID|开办主体|运行状态|开设日期|变更日期|关停日期|注销日期",
			"微信公众号|锦江发布|jinjiangfabu|锦江区人民政府办公室|正常|2019-03-01|||"),
		sheet("用户", "用户名|姓名|角色|所属单位|所属地区代码|手机号码|电子邮箱",
			"jj-staff|锦江区经办人|经办人|锦江区人民政府办公室||13800000001|jj@cdjj.gov.cn",
			"jj-supervisor|锦江区监管员|主管单位||510104||"),
	}
}

func TestRegistryImportAppliesOnceAndAgainChangesNothing(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	plan, err := s.PlanRegistryImport(ctx, admin, "book.xlsx", goodBook())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) > 0 || plan.ID == 0 {
		t.Fatalf("problems %v, id %d", plan.Problems, plan.ID)
	}
	for _, k := range registrysheet.Kinds {
		want := 1
		if k == registrysheet.Users {
			want = 2
		}
		if got := plan.Counts[k]; got.New != want || got.Changed != 0 {
			t.Errorf("%s: plan %+v, want %d new", k, *got, want)
		}
	}
	// Nothing is written before the confirmation.
	if n := count(t, s, "units WHERE name = '锦江区人民政府办公室'"); n != 0 {
		t.Fatalf("the plan wrote %d units", n)
	}
	res, err := s.ApplyRegistryImport(ctx, admin, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 6 || len(res.Passwords) != 2 {
		t.Fatalf("events %d, passwords %d; want 6 and 2", res.Events, len(res.Passwords))
	}
	if n := count(t, s, "registry_events WHERE source = 'import' AND import_id = "+itoa(plan.ID)); n != 6 {
		t.Fatalf("%d import events, want 6", n)
	}
	// The site routes reports at once, by both its bases.
	for _, page := range []string{"https://www.cdjj.gov.cn/a.html", "http://cdjj.gov.cn/"} {
		if got := route(t, s, page); got != "锦江区人民政府办公室" {
			t.Errorf("%s routes to %q", page, got)
		}
	}
	// A new user signs in with the password shown once, and must change it; only its hash is kept.
	u, err := s.Authenticate(ctx, "jj-staff", res.Passwords[0].Password)
	if err != nil || !u.MustChangePassword || u.UnitID == nil {
		t.Fatalf("sign-in with the initial password: %+v %v", u, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(res.Passwords[0].Password)) != nil || strings.Contains(dump(t, s), res.Passwords[0].Password) {
		t.Fatal("the initial password is kept other than as its hash")
	}
	// Confirming twice writes nothing more.
	if _, err := s.ApplyRegistryImport(ctx, admin, plan.ID); models.ErrorKind(err) != models.KindConflict {
		t.Fatalf("second confirmation: %v", err)
	}
	// The same sheets again: every row unchanged, no event.
	again, err := s.PlanRegistryImport(ctx, admin, "book.xlsx", goodBook())
	if err != nil || len(again.Problems) > 0 {
		t.Fatal(err, again.Problems)
	}
	for _, k := range registrysheet.Kinds {
		if c := again.Counts[k]; c.New+c.Changed != 0 {
			t.Errorf("%s again: %+v", k, *c)
		}
	}
	res2, err := s.ApplyRegistryImport(ctx, admin, again.ID)
	if err != nil || res2.Events != 0 || len(res2.Passwords) != 0 {
		t.Fatalf("re-import: %+v %v", res2, err)
	}
	// A changed row updates its record by its key and writes one event with the fields.
	changed := goodBook()
	changed[2].Rows[1][2] = "https://www.cdjj.gov.cn/index/"
	changed[2].Rows[1][3] = ""
	third, err := s.PlanRegistryImport(ctx, admin, "book.xlsx", changed)
	if err != nil || len(third.Problems) > 0 {
		t.Fatal(err, third.Problems)
	}
	if c := third.Counts[registrysheet.Websites]; c.Changed != 1 || len(third.Changes) != 1 || third.Changes[0].Changes["home_url"][1] != "https://www.cdjj.gov.cn/index/" {
		t.Fatalf("plan of one changed site: %+v %+v", *c, third.Changes)
	}
	res3, err := s.ApplyRegistryImport(ctx, admin, third.ID)
	if err != nil || res3.Events != 1 {
		t.Fatalf("changed row: %+v %v", res3, err)
	}
	if n := count(t, s, "registry_events WHERE entity = 'website' AND action = 'updated' AND import_id = "+itoa(third.ID)); n != 1 {
		t.Fatalf("%d update events", n)
	}
	if route(t, s, "http://cdjj.gov.cn/") == "锦江区人民政府办公室" {
		t.Fatal("the dropped base still routes to the site")
	}
}

func TestRegistryImportReportsEveryProblemAndWritesNothing(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	sheets := []registrysheet.Sheet{
		sheet("单位", "单位名称|所属地区代码", "无名单位|519999"),
		sheet("网站", "网站名称|网站标识码|首页网址|网站类型|主办单位",
			"甲|5101040001|ftp://jia.gov.cn/|门户|不存在的单位",
			"乙|5101040001|https://yi.gov.cn/|门户|四川省教育厅",
			"丙|5101040002|https://www.sc.gov.cn/|部门|四川省教育厅",
			"丁|5101040003|not a url|部门|四川省教育厅",
			"戊|5101040004|https://wu.gov.cn/"+strings.Repeat("a", 300)+"/|部门|四川省教育厅"),
		sheet("新媒体账号", "平台类型|账号名称|账号ID|开办主体",
			"飞信|某账号|x1|四川省教育厅",
			"微信|教育一|edu1|四川省教育厅",
			"微信公众号|教育二|edu1|四川省教育厅"),
		sheet("用户", "用户名|姓名|角色|所属单位|所属地区代码",
			"no-unit|无单位|经办人||",
			"bad-region|错地区|主管单位||519999"),
		sheet("Sheet9", "名字|网址"),
		sheet("Sheet10", "甲|乙"),
	}
	plan, err := s.PlanRegistryImport(ctx, admin, "bad.xlsx", sheets)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sheet        string
		row          int
		column, text string
	}{
		{"单位", 2, "所属地区代码", "地区“519999”不存在"},
		{"网站", 2, "首页网址", "不是 http 或 https 网址"},
		{"网站", 2, "主办单位", "单位“不存在的单位”不存在"},
		{"网站", 3, "网站标识码", "与工作表「网站」第2行重复"},
		{"网站", 4, "首页网址", "已属于网站「四川省人民政府」"},
		{"网站", 5, "首页网址", "不是有效的网址"}, // written without a scheme, it reads as https, as in the form
		{"网站", 6, "首页网址", "过长"},
		{"新媒体账号", 2, "平台类型", "应为微信、微博"},
		{"新媒体账号", 4, "账号ID", "与工作表「新媒体账号」第3行重复"},
		{"用户", 2, "所属单位", "经办人和审核人须填写所属单位"},
		{"用户", 3, "所属地区代码", "地区“519999”不存在"},
		{"Sheet9", 0, "网站标识码", "缺少必填列"},
		{"Sheet10", 0, "", "无法识别的工作表"},
	}
	for _, w := range want {
		found := false
		for _, p := range plan.Problems {
			if p.Sheet == w.sheet && p.Row == w.row && p.Column == w.column && strings.Contains(p.Message, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %+v among:\n%s", w, problems(plan))
		}
	}
	if plan.ID != 0 || count(t, s, "registry_imports") != 0 || count(t, s, "units WHERE name = '无名单位'") != 0 {
		t.Fatal("a sheet with problems was kept or written")
	}
	// A sheet missing a required column names it.
	plan, err = s.PlanRegistryImport(ctx, admin, "sites.csv", []registrysheet.Sheet{sheet("sites.csv", "网站名称|首页网址", "甲|https://jia.gov.cn/")})
	if err != nil || len(plan.Problems) == 0 || plan.Problems[0].Column != "网站标识码" || !strings.Contains(plan.Problems[0].Message, "缺少必填列") {
		t.Fatalf("missing column: %v %s", err, problems(plan))
	}
}

func TestRegistryImportFailingHalfWayWritesNothing(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	plan, err := s.PlanRegistryImport(ctx, admin, "book.xlsx", goodBook())
	if err != nil || plan.ID == 0 {
		t.Fatal(err, plan.Problems)
	}
	before := count(t, s, "registry_events")
	undo := models.FailRegistryImportAfter(registrysheet.Websites)
	_, err = s.ApplyRegistryImport(ctx, admin, plan.ID)
	undo()
	if err == nil {
		t.Fatal("the failure was not reported")
	}
	for _, table := range []string{"regions WHERE code = '510104'", "units WHERE name = '锦江区人民政府办公室'", "websites WHERE identifier_code = '5101040001'", "website_bases WHERE host = 'www.cdjj.gov.cn'"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("%s: %d rows after the failed import", table, n)
		}
	}
	if n := count(t, s, "registry_events"); n != before {
		t.Errorf("%d events written by the failed import", n-before)
	}
	// The plan is still there to confirm once the failure is gone.
	if res, err := s.ApplyRegistryImport(ctx, admin, plan.ID); err != nil || res.Events != 6 {
		t.Fatalf("confirming after the failure: %+v %v", res, err)
	}
}

func TestRegistryExportImportsBackUnchanged(t *testing.T) {
	s, admin := registryWorld(t)
	ctx := context.Background()
	book, err := s.RegistryBook(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var sheets []registrysheet.Sheet
	for _, k := range registrysheet.Kinds {
		sh := registrysheet.Sheet{Name: k.Title(), Rows: [][]string{registrysheet.Headers(k)}}
		sh.Rows = append(sh.Rows, book.Cells(k)...)
		sheets = append(sheets, sh)
	}
	plan, err := s.PlanRegistryImport(ctx, admin, "export.xlsx", sheets)
	if err != nil || len(plan.Problems) > 0 {
		t.Fatalf("%v\n%s", err, problems(plan))
	}
	for _, k := range registrysheet.Kinds {
		if c := plan.Counts[k]; c.New+c.Changed != 0 || (k != registrysheet.Users && c.Unchanged == 0) {
			t.Errorf("%s: %+v %+v", k, *c, plan.Changes)
		}
	}
}

func TestRegistryImportOnlyByAdministrators(t *testing.T) {
	s, _ := registryWorld(t)
	ctx := context.Background()
	hash, _ := models.HashPassword("super-pass-1")
	sup, err := s.EnsureUser(ctx, models.UserSpec{Username: "cd-sup", DisplayName: "成都监管", Role: models.RoleSupervisor, RegionCode: "510100"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PlanRegistryImport(ctx, sup, "book.xlsx", goodBook()); models.ErrorKind(err) != models.KindForbidden {
		t.Fatalf("a supervisor's import: %v", err)
	}
}

func TestRegistrySheetValuesAreTheModelsConstants(t *testing.T) {
	want := map[string][]string{
		"unitKinds":       {models.UnitGovernmentOffice, models.UnitDepartment, models.UnitTown},
		"unitStatuses":    {models.UnitActive, models.UnitClosed},
		"siteKinds":       {models.SitePortal, models.SiteDepartment},
		"siteStatuses":    {models.SiteRunning, models.SiteClosed},
		"accountStatuses": {models.AccountActive, models.AccountSuspended, models.AccountCancelled},
		"roles":           {models.RoleAdmin, models.RoleSupervisor, models.RoleUnitStaff, models.RoleUnitReviewer},
		"platforms":       models.AccountPlatforms,
	}
	got := registrysheet.StoredValues()
	for k, w := range want {
		if strings.Join(got[k], ",") != strings.Join(w, ",") {
			t.Errorf("%s: sheets store %v, models have %v", k, got[k], w)
		}
	}
}

func problems(p *models.ImportPlan) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, x := range p.Problems {
		b.WriteString(x.String() + "\n")
	}
	return b.String()
}

func count(t *testing.T, s *models.Store, from string) int64 {
	t.Helper()
	var n int64
	if err := s.SQLDB().QueryRow("SELECT COUNT(*) FROM " + from).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dump is every text of the tables an import writes, to look for what must not be kept.
func dump(t *testing.T, s *models.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT COALESCE(summary, '') || COALESCE(sheets, '') FROM registry_imports", "SELECT changes FROM registry_events", "SELECT password_hash FROM users"} {
		if s.Dialect() == "mysql" {
			q = strings.Replace(q, "COALESCE(summary, '') || COALESCE(sheets, '')", "CONCAT(COALESCE(summary, ''), COALESCE(sheets, ''))", 1)
		}
		rows, err := s.SQLDB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			b.WriteString(v)
		}
		rows.Close()
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// route is the unit a page of raw routes to, or "".
func route(t *testing.T, s *models.Store, raw string) string {
	t.Helper()
	page, err := models.ParsePageURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Route(context.Background(), page)
	if err != nil || m == nil {
		return ""
	}
	return m.UnitName
}
