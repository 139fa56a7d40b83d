package registrysheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhaocuo/models/xlsxsheet/sheettest"
)

func rows(s string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Split(line, "|"))
	}
	return out
}

func TestParseReadsAliasesAndValues(t *testing.T) {
	book, probs := Parse([]Sheet{
		{Name: "政府网站", Rows: rows("名称|标识码|网站首页网址|其他域名|类型|主办单位名称|状态\n" +
			"锦江区人民政府|5101040001|https://www.cdjj.gov.cn/|http://cdjj.gov.cn/；https://m.cdjj.gov.cn/|政府门户网站|锦江区人民政府办公室|正常运行")},
		{Name: "accounts.csv", Rows: rows("所属平台|账号名称|微信号|主办单位|状态|开设时间\n微信公众号|锦江发布|jjfb|锦江区人民政府办公室|已关停|43525")},
		{Name: "人员", Rows: rows("登录名|姓名|角色|单位|手机|邮箱\njj-staff|甲|经办人|锦江区人民政府办公室|'+8613800000000|a@b.cn")},
	})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	w := book.Websites[0]
	if w.Kind != "portal" || w.Status != "running" || len(w.OtherURLs) != 2 || w.At.Line != 2 || w.At.Sheet != "政府网站" {
		t.Errorf("website %+v", w)
	}
	a := book.Accounts[0]
	if a.Platform != "微信" || a.Account != "jjfb" || a.Status != "suspended" || a.OpenedOn != "2019-03-01" {
		t.Errorf("account %+v", a)
	}
	if u := book.Users[0]; u.Role != "unit_staff" || u.Phone != "+8613800000000" {
		t.Errorf("user %+v", u)
	}
}

func TestParseNamesEveryBadCell(t *testing.T) {
	_, probs := Parse([]Sheet{
		{Name: "网站", Rows: rows("网站名称|网站标识码|首页网址|主办单位|网站类型\n" +
			"甲|12|javascript:alert(1)|单位|门户\n" +
			"乙|5101040001|https://yi.gov.cn/|单位|博客\n" +
			"丙|5101040001|https://bing.gov.cn/|单位|部门\n" +
			"丁|5101040002|https://ding.gov.cn/||部门")},
		{Name: "用户", Rows: rows("用户名|姓名|角色|所属单位|所属地区代码|电子邮箱\n" +
			"a|甲|审核人|||x\n" +
			"bb|乙|主管单位|||\n" +
			"cc|丙|站长|||\n" +
			"ＢＢ|丁|主管单位|510000||")},
		{Name: "新媒体账号", Rows: rows("平台类型|账号名称|开办主体|注销日期\nMySpace|甲|单位|2024-02-30")},
	})
	// The fields a form also edits (标识码, addresses, usernames, e-mail, a role's unit or region,
	// the platform) are the models' to check: models TestSheetAndFormRefuseAlike.
	want := []string{
		"工作表「网站」第3行「网站类型」：应为门户、部门之一，而不是“博客”", "工作表「网站」第5行「主办单位」：不能为空",
		"工作表「网站」第4行「网站标识码」：网站标识码“5101040001”与工作表「网站」第3行重复",
		"工作表「用户」第4行「角色」", "工作表「用户」第5行「用户名」：用户名“ＢＢ”与工作表「用户」第3行重复",
		"工作表「新媒体账号」第2行「注销日期」：无法识别的日期“2024-02-30”",
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no %q among\n%s", w, all)
		}
	}
}

// Every sheet a person uploads passes through Parse: it must not panic, and every problem it
// reports names a row that exists (or the header, 0) and says something.
func FuzzParse(f *testing.F) {
	f.Add("网站", "网站名称,网站标识码,首页网址,主办单位\n甲,5101040001,https://a.gov.cn/,单位\n")
	f.Add("用户.csv", "用户名,姓名,角色,所属单位\nx,y,经办人,\n")
	f.Add("新媒体账号", "平台类型,账号名称,开办主体,开设日期\n微信,甲,乙,99999\n")
	f.Add("x", "\"a\nb\",c\n")
	f.Fuzz(func(t *testing.T, name, body string) {
		cr := csv.NewReader(strings.NewReader(body))
		cr.FieldsPerRecord, cr.LazyQuotes = -1, true
		recs, _ := cr.ReadAll()
		book, probs := Parse([]Sheet{{Name: name, Rows: recs}})
		for _, p := range probs {
			if p.Message == "" || p.Row < 0 || p.Row > len(recs) {
				t.Fatalf("problem %+v of %d rows", p, len(recs))
			}
		}
		// The 标识码 keys a site's row here; the home page, like every field a form also edits,
		// is the models' to refuse (registry_fields.go), so an empty one passes Parse.
		if len(probs) == 0 {
			for _, w := range book.Websites {
				if w.IdentifierCode == "" {
					t.Fatalf("accepted a site without its key: %+v", w)
				}
			}
		}
	})
}

// What the export writes reads back as the same book.
func TestWriteXLSXAndCSVReadBack(t *testing.T) {
	book := &Book{
		Regions:  []RegionRow{{Code: "510104", Name: "锦江区", ParentCode: "510100"}},
		Websites: []WebsiteRow{{Name: "=HYPERLINK(1)", IdentifierCode: "5101040001", HomeURL: "https://a.gov.cn/", OtherURLs: []string{"https://b.gov.cn/x/"}, Kind: "portal", Unit: "单位", Status: "running"}},
		Accounts: []AccountRow{{Platform: "微信", Name: "锦江发布", Account: "jinjiang", Unit: "单位", Status: "active", OpenedOn: "2024-03-01"}},
		Users:    []UserRow{{Username: "u1", DisplayName: "甲", Role: "unit_staff", Unit: "单位", Phone: "+8613800000000"}},
	}
	var x bytes.Buffer
	asOf := time.Date(2026, 12, 7, 6, 35, 0, 0, time.FixedZone("CST", 8*3600))
	if err := WriteXLSX(&x, book, "四川省 登记信息", asOf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	var sheets []Sheet
	for _, k := range Kinds {
		sheettest.CheckPrintable(t, f, k.Title(), "四川省 登记信息 "+k.Title()+"（截至 2026-12-07 06:35）", len(Headers(k)))
	}
	for _, name := range f.GetSheetList() {
		// Read as the import reads a sheet (accountsheet: raw cell values).
		rows, _ := f.GetRows(name, excelize.Options{RawCellValue: true})
		sheets = append(sheets, Sheet{Name: name, Rows: rows})
	}
	// A code stays text; a day is an Excel date.
	if typ, _ := f.GetCellType(Regions.Title(), "A3"); typ != excelize.CellTypeInlineString {
		t.Errorf("the 区划代码 is of type %v, want text", typ)
	}
	id, _ := f.GetCellStyle(Accounts.Title(), "F3")
	if st, _ := f.GetStyle(id); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("the 开设日期 has no date format: %+v", st)
	}
	if v, _ := f.GetCellValue(Accounts.Title(), "F3"); v != "2024-03-01" {
		t.Errorf("the 开设日期 shows %q", v)
	}
	back, probs := Parse(sheets)
	if len(probs) > 0 || back.Websites[0].Name != "=HYPERLINK(1)" || back.Websites[0].OtherURLs[0] != "https://b.gov.cn/x/" || back.Regions[0].ParentCode != "510100" ||
		back.Accounts[0].OpenedOn != "2024-03-01" || back.Websites[0].Line != 3 {
		t.Fatalf("%v %+v", probs, back)
	}
	var c bytes.Buffer
	if err := WriteCSV(&c, book, Websites); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.String(), "'=HYPERLINK(1)") {
		t.Fatalf("a formula written as is: %q", c.String())
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	back, probs = Parse([]Sheet{{Name: "网站.csv", Rows: recs}})
	if len(probs) > 0 || back.Websites[0].Name != "=HYPERLINK(1)" {
		t.Fatalf("%v %+v", probs, back.Websites)
	}
}
