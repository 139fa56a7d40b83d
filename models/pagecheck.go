package models

import "time"

// Page checks: the page a citizen reported, fetched once when the report arrives and again when
// the unit replies, so the reviewer sees whether the fault is really gone before approving.
const (
	PageCheckArrival = "arrival"
	PageCheckRecheck = "recheck"
)

// PageCheck is one fetch of a ticket's page: whether it opened, its status, and a hash of its
// text (the same text gives the same hash whatever the markup around it).
type PageCheck struct {
	ID         int64
	TicketID   int64
	Purpose    string
	URL        string
	At         time.Time
	OK         bool
	Status     int
	Error      string
	TextHash   string
	DurationMS int `gorm:"column:duration_ms"`
}

func (PageCheck) TableName() string { return "ticket_page_checks" }

// recheckCategories are the citizens' categories whose fault a fetch can see: the page does not
// open, or has not changed.
var recheckCategories = map[string]bool{"链接不可用": true, "内容无法访问": true, "信息不更新": true, "错别字": true}

// Rechecked reports whether a reply to a ticket of the category has its page fetched again.
func Rechecked(category string) bool { return recheckCategories[category] }

// PageVerdict says, for the reviewer, what the recheck shows against the fetch at arrival: "" when
// there is nothing to compare.
func PageVerdict(category string, arrival, recheck *PageCheck) string {
	if recheck == nil || !Rechecked(category) {
		return ""
	}
	if !recheck.OK {
		return "页面现在仍无法打开，问题可能尚未解决"
	}
	switch {
	case arrival == nil:
		return "页面现在可以打开（收到留言时未核查，无法比较内容）"
	case !arrival.OK:
		return "页面收到留言时无法打开，现在可以打开"
	case arrival.TextHash == recheck.TextHash:
		return "页面内容与收到留言时相同，问题可能尚未解决"
	}
	return "页面内容已有变化，请核对问题是否已改正"
}
