package inspector

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"
)

// Finding types: the names the jobs package stores and the command line prints.
const (
	Unreachable       = "unreachable"
	DeadLink          = "dead_link"
	HomepageStale     = "homepage_stale"
	StaleColumn       = "stale_column"
	BlankColumn       = "blank_column"
	HiddenLink        = "hidden_link"
	Typo              = "typo"
	MissingBadge      = "missing_badge"
	MissingFooterMark = "missing_footer_mark"
	DuplicatePost     = "duplicate_post"

	// 政务新媒体 accounts.
	AccountStale   = "account_stale"
	NoInteraction  = "no_interaction"
	DeadMenuLink   = "dead_menu_link"
	LedgerMismatch = "ledger_mismatch"
)

// Indicators: the national indicators' own names (国办秘函〔2019〕19号), or the RULES.md
// 扣分 rows where the indicator is split (links on the homepage and elsewhere).
const (
	IndicatorSecurity        = "安全、泄密事故等严重问题"
	IndicatorUnreachable     = "站点无法访问"
	IndicatorHomepageStale   = "首页不更新"
	IndicatorColumnStale     = "栏目不更新"
	IndicatorBlankColumn     = "空白栏目"
	IndicatorHomepageLinks   = "首页链接不可用"
	IndicatorOtherLinks      = "其他页面链接不可用"
	IndicatorBadge           = "我为政府网站找错入口"
	IndicatorFooter          = "页脚标识"
	IndicatorAccuracy        = "内容准确性"
	IndicatorDuplicate       = "一稿多发"
	IndicatorAccountStale    = "政务新媒体更新不及时"
	IndicatorInteraction     = "政务新媒体互动功能"
	IndicatorAccountFunction = "政务新媒体功能可用性"
	IndicatorLedger          = "管理台账与实际运行情况不符"
)

// Finding is one problem with its evidence. The jobs package turns it into a row.
type Finding struct {
	Type     string // one of the constants above
	URL      string // the site's homepage, or the account's reference
	Target   string // what is wrong: the broken link, the column, the copies
	Page     string // where it stands: the page holding the link, the typo, the column
	Evidence string // the reason, link text or snippet a person reads to judge it

	Veto      bool // 单项否决: the site fails whatever its score
	Suspected bool // waits for a person: typos, hidden links, duplicates
	// Warning marks an early warning (预警) raised before the veto line: no points,
	// no veto, something to act on before the next round.
	Warning   bool
	Indicator string  // the indicator's Chinese name
	Points    float64 // deduction under the indicator
	SeenAt    time.Time

	// Key identifies the finding across rounds, so that one dismissed by a person
	// stays dismissed: the type, page, target and the stable part of the evidence.
	// Counts and dates that change every round are left out on purpose.
	Key string
}

// findingKey hashes the parts of a finding that stay the same from round to round.
func findingKey(typ, page, target, ident string) string {
	h := sha256.New()
	for _, s := range []string{typ, page, target, normalizeEvidence(ident)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return typ + ":" + hex.EncodeToString(h.Sum(nil)[:12])
}

// normalizeEvidence drops white space and letter case so that a re-rendered page
// with different line breaks keeps its findings' identity.
func normalizeEvidence(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || isZeroWidth(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}
