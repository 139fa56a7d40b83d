// Package indicator is the inspection's vocabulary: the types of finding the inspector
// reports, the national indicators they fall under (国办秘函〔2019〕19号), the verdicts, and
// the 扣分 table that turns findings into a verdict and a score. The crawler (jobs/inspector)
// and the store (models) both import it, so a finding type or an indicator is spelled once.
// It imports the standard library only.
package indicator

// Finding types: what the store keeps in a finding's type column and the command line prints.
const (
	TypeUnreachable       = "unreachable"
	TypeDeadLink          = "dead_link"
	TypeHomepageStale     = "homepage_stale"
	TypeStaleColumn       = "stale_column"
	TypeBlankColumn       = "blank_column"
	TypeHiddenLink        = "hidden_link"
	TypeTypo              = "typo"
	TypeMissingBadge      = "missing_badge"
	TypeMissingFooterMark = "missing_footer_mark"
	TypeDuplicatePost     = "duplicate_post"
	// TypeWording: forbidden or careful wording on political terms (禁用词和慎用词), and a state
	// leader named with an office they do not hold at the page's date.
	TypeWording = "wording"
	// TypeUnjudged: a column or page the inspector could not judge (its list is written by a
	// script and no browser is configured, say). A note with its reason: never points, never a
	// veto, so that what was not seen is never a false finding.
	TypeUnjudged = "unjudged"

	// TypeMissingEmblem: the portal of a 县级以上人民政府 shows no 国徽 on its homepage (国徽法:
	// such governments use the emblem prominently on their website's homepage).
	TypeMissingEmblem = "missing_emblem"
	// TypeMissingMeta: pages lack the metadata of 国办发〔2017〕47号 (SiteName, ColumnName,
	// PubDate, …) or carry wrong ones; one finding per kind of page and set of tags.
	TypeMissingMeta = "missing_meta"
	// TypePersonalData: a page or attachment exposes personal data (ID, mobile or bank card
	// numbers, a list of people's e-mail addresses); its evidence is masked. 泄密: a veto
	// once a person confirms it.
	TypePersonalData = "personal_data"

	// 政务新媒体 accounts.
	TypeAccountStale   = "account_stale"
	TypeNoInteraction  = "no_interaction"
	TypeDeadMenuLink   = "dead_menu_link"
	TypeLedgerMismatch = "ledger_mismatch"
)

// Indicators: the national indicators' own names, or the RULES.md 扣分 rows where the
// indicator is split (links on the homepage and elsewhere).
const (
	Security        = "安全、泄密事故等严重问题"
	Unreachable     = "站点无法访问"
	HomepageStale   = "首页不更新"
	ColumnStale     = "栏目不更新"
	BlankColumn     = "空白栏目"
	HomepageLinks   = "首页链接不可用"
	OtherLinks      = "其他页面链接不可用"
	Badge           = "我为政府网站找错入口"
	Footer          = "页脚标识"
	Accuracy        = "内容准确性"
	Duplicate       = "一稿多发"
	AccountStale    = "政务新媒体更新不及时"
	Interaction     = "政务新媒体互动功能"
	AccountFunction = "政务新媒体功能可用性"
	Ledger          = "管理台账与实际运行情况不符"

	// Emblem and Metadata have no row in RULES.md's 扣分 table: their findings are reported
	// and weigh nothing (ScoreTable.Points is 0) until an administrator gives them a row.
	Emblem   = "首页国徽"
	Metadata = "网页元数据"
)
