// Package registrysheet reads and writes the registry as the sheets clerks keep: regions, units,
// websites, 政务新媒体 accounts and users, one sheet (or CSV file) per kind, headers in Chinese.
// It knows the columns and the values a cell may hold; it does not know the database: whether a
// named unit exists, or a host is routed to another site, the store checks (models.PlanRegistryImport).
//
// Where the columns come from (docs/registry-import.md has the notes):
//   - 网站: the 网站基本信息表 of the 全国政府网站信息报送系统 (普查 2015 and the yearly 报送 since)
//     names a site by 网站名称, 网站标识码, 首页网址, 主办单位, 主管单位 and 网站类型 (政府门户网站 /
//     部门网站); those are the header names here, with the short forms clerks type as aliases.
//     其他网址 and 运行状态 are ours: the registry routes reports by every base of a site.
//   - 新媒体账号: the 全国政务新媒体信息报送系统 files each account's 开设, 变更, 关停 and 注销 (报备) under
//     its 平台类型, 账号名称 and 开办主体; 账号ID and the four dates are named as those filings name them.
//   - 地区, 单位, 用户: no national layout is published; the columns follow the 行政区划代码 of GB/T 2260
//     and the 统一社会信用代码 of GB 32100, and this system's own role names.
package registrysheet

// Kind is what a sheet lists.
type Kind string

// The kinds of sheet, in the order an import applies them (a unit names its region, a site its
// units, a user a unit or region).
const (
	Regions  Kind = "regions"
	Units    Kind = "units"
	Websites Kind = "websites"
	Accounts Kind = "accounts"
	Users    Kind = "users"
)

// Kinds lists every kind in the order they are applied and written.
var Kinds = []Kind{Regions, Units, Websites, Accounts, Users}

// Title is a kind's sheet name, as the workbook and the messages name it.
func (k Kind) Title() string {
	switch k {
	case Regions:
		return "地区"
	case Units:
		return "单位"
	case Websites:
		return "网站"
	case Accounts:
		return "新媒体账号"
	case Users:
		return "用户"
	}
	return string(k)
}

// sheetNames are other names a sheet (or a CSV file's name) of a kind goes by.
var sheetNames = map[Kind][]string{
	Regions:  {"地区", "行政区划", "regions"},
	Units:    {"单位", "机构", "units"},
	Websites: {"网站", "政府网站", "网站基本信息", "websites"},
	Accounts: {"新媒体账号", "政务新媒体", "新媒体", "账号", "accounts"},
	Users:    {"用户", "账号用户", "人员", "users"},
}

// column is one header: its name as written on export, the names it is also found under, whether
// a row needs it, and how many characters it may hold (the database column's width).
type column struct {
	name     string
	aliases  []string
	required bool
	maxChars int
}

// columns are each kind's headers, in the order an export writes them.
var columns = map[Kind][]column{
	Regions: {
		{"行政区划代码", []string{"区划代码", "地区代码", "代码"}, true, 12},
		{"地区名称", []string{"名称", "行政区划名称", "地区"}, true, 64},
		{"简称", []string{"地区简称"}, false, 32},
		{"上级区划代码", []string{"上级代码", "上级地区代码"}, false, 12},
	},
	Units: {
		{"单位名称", []string{"名称", "机构名称"}, true, 128},
		{"统一社会信用代码", []string{"社会信用代码", "信用代码", "机构代码"}, false, 18},
		{"所属地区代码", []string{"行政区划代码", "地区代码", "区划代码"}, true, 12},
		{"单位类型", []string{"类型", "机构类型"}, false, 16},
		{"状态", []string{"单位状态"}, false, 16},
	},
	Websites: {
		{"网站名称", []string{"名称"}, true, 128},
		{"网站标识码", []string{"标识码"}, true, 16},
		{"首页网址", []string{"网站首页网址", "首页URL", "网站地址", "网址", "首页地址"}, true, 512},
		{"其他网址", []string{"其他域名", "其他基础网址", "网站域名"}, false, 4000},
		{"网站类型", []string{"类型"}, false, 16},
		{"主办单位", []string{"主办单位名称", "开办单位"}, true, 128},
		{"主管单位", []string{"主管单位名称"}, false, 128},
		{"运行状态", []string{"状态", "网站状态"}, false, 16},
	},
	Accounts: {
		{"平台类型", []string{"平台", "所属平台", "平台名称"}, true, 16},
		{"账号名称", []string{"名称"}, true, 128},
		{"账号ID", []string{"账号", "账号编号", "微信号", "原始ID", "账号id"}, false, 128},
		{"开办主体", []string{"主办单位", "开办单位", "运营单位", "主体单位"}, true, 128},
		{"运行状态", []string{"状态", "账号状态"}, false, 16},
		{"开设日期", []string{"开设时间", "开通日期"}, false, 32},
		{"变更日期", []string{"变更时间"}, false, 32},
		{"关停日期", []string{"关停时间"}, false, 32},
		{"注销日期", []string{"注销时间"}, false, 32},
	},
	Users: {
		{"用户名", []string{"登录名", "登录账号"}, true, 64},
		{"姓名", []string{"显示名称", "名称"}, true, 64},
		{"角色", []string{"用户角色"}, true, 16},
		{"所属单位", []string{"单位", "单位名称"}, false, 128},
		{"所属地区代码", []string{"地区代码", "行政区划代码"}, false, 12},
		{"手机号码", []string{"手机", "联系电话", "电话"}, false, 20},
		{"电子邮箱", []string{"邮箱", "电子邮件", "Email", "email"}, false, 254},
	},
}

// checkedByModels are the columns whose values a form also edits: the models check them, for a
// row as for a form (presence, length, format: models/registry_fields.go), so both refuse a
// value alike. The reader only bounds them by guardChars, against a cell that is not a value at
// all, before a duplicate's message would quote it. 网站标识码 stays required here: a sheet keys
// sites by it, a form need not.
var checkedByModels = map[Kind]map[string]bool{
	Regions:  {"行政区划代码": true, "地区名称": true, "简称": true},
	Units:    {"单位名称": true, "统一社会信用代码": true},
	Websites: {"网站名称": true, "网站标识码": true, "首页网址": true, "其他网址": true},
	Accounts: {"平台类型": true, "账号名称": true, "账号ID": true},
	Users:    {"用户名": true, "姓名": true, "手机号码": true, "电子邮箱": true},
}

// guardChars bounds a cell the models check (and 其他网址's list of up to 50 addresses).
const guardChars = 30000

// Headers returns a kind's header row as an export (and its template) writes it.
func Headers(k Kind) []string {
	out := make([]string, len(columns[k]))
	for i, c := range columns[k] {
		out[i] = c.name
	}
	return out
}

// Values of the registry as the sheets write them. The stored values are the models' constants
// (models.SitePortal...); registrysheet does not import models (models imports it), so they are
// spelled here again and a models test holds the two equal.
var (
	unitKinds = []choice{
		{"gov_office", "政府办公厅（室）", []string{"政府办公厅", "政府办公室", "办公厅", "办公室", "政府办公厅(室)"}},
		{"department", "部门", []string{"政府部门", "部门单位"}},
		{"town", "镇街", []string{"乡镇", "街道", "乡镇（街道）", "乡镇(街道)"}},
	}
	unitStatuses = []choice{
		{"active", "正常", []string{"启用", "运行", "在用"}},
		{"closed", "已撤销", []string{"撤销", "停用", "关闭", "已关闭"}},
	}
	siteKinds = []choice{
		{"portal", "门户", []string{"政府门户网站", "门户网站"}},
		{"department", "部门", []string{"部门网站", "政府部门网站"}},
	}
	siteStatuses = []choice{
		{"running", "运行", []string{"正常", "正常运行", "运行中", "开通"}},
		{"closed", "关停", []string{"已关停", "关闭", "已关闭", "下线", "停止运行"}},
	}
	accountStatuses = []choice{
		{"active", "正常", []string{"运行", "正常运行", "开通", "已开设"}},
		{"suspended", "关停", []string{"已关停", "暂停"}},
		{"cancelled", "注销", []string{"已注销"}},
	}
	roles = []choice{
		{"admin", "平台管理员", []string{"管理员", "系统管理员", "admin"}},
		{"supervisor", "主管单位", []string{"监管员", "监管人员", "主管", "supervisor"}},
		{"unit_staff", "经办人", []string{"工作人员", "单位经办人", "unit_staff"}},
		{"unit_reviewer", "审核人", []string{"单位审核人", "unit_reviewer"}},
	}
	// platforms are the 平台类型 the national system lists, with the names clerks write them by;
	// the stored name is the short one the registry has always used (微信, 微博).
	platforms = []choice{
		{"微信", "微信", []string{"微信公众号", "微信公众平台", "微信订阅号", "微信服务号", "公众号"}},
		{"微博", "微博", []string{"新浪微博", "政务微博"}},
		{"抖音", "抖音", []string{"抖音号"}},
		{"快手", "快手", []string{"快手号"}},
		{"今日头条", "今日头条", []string{"头条号", "头条"}},
		{"视频号", "视频号", []string{"微信视频号"}},
		{"百家号", "百家号", nil},
		{"哔哩哔哩", "哔哩哔哩", []string{"B站", "bilibili"}},
		{"小程序", "小程序", []string{"微信小程序"}},
		{"移动客户端", "移动客户端", []string{"客户端", "APP", "App", "app"}},
		{"其他", "其他", []string{"其它"}},
	}
)

// choice is one value a cell may name: stored as value, written as label, also read as aliases.
type choice struct {
	value, label string
	aliases      []string
}

// Platforms lists the 平台类型 names an account sheet may use (for the template's note).
func Platforms() []string {
	out := make([]string, len(platforms))
	for i, p := range platforms {
		out[i] = p.label
	}
	return out
}

// StoredValues lists the values the sheets store for each enumerated field, for the test that
// holds them equal to the models' constants.
func StoredValues() map[string][]string {
	get := func(cs []choice) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.value
		}
		return out
	}
	return map[string][]string{"unitKinds": get(unitKinds), "unitStatuses": get(unitStatuses), "siteKinds": get(siteKinds),
		"siteStatuses": get(siteStatuses), "accountStatuses": get(accountStatuses), "roles": get(roles), "platforms": get(platforms)}
}

func pick(cs []choice, s string) (string, bool) {
	for _, c := range cs {
		if s == c.value || s == c.label {
			return c.value, true
		}
		for _, a := range c.aliases {
			if s == a {
				return c.value, true
			}
		}
	}
	return "", false
}

func label(cs []choice, value string) string {
	for _, c := range cs {
		if c.value == value {
			return c.label
		}
	}
	return value
}

func labels(cs []choice) string {
	out := ""
	for i, c := range cs {
		if i > 0 {
			out += "、"
		}
		out += c.label
	}
	return out
}
