package models

import (
	"testing"

	"zhaocuo/models/indicator"
)

// A wording finding is named in a circular as the typos are (a serious one as 严重表述错误), and
// its ticket goes under 内容不准确.
func TestWordingFindingsInCircularsAndTickets(t *testing.T) {
	if got := problemText(indicator.TypeWording, indicator.Security, true, 1); got != "出现严重表述错误" {
		t.Errorf("serious: %q", got)
	}
	if got := problemText(indicator.TypeWording, indicator.Accuracy, false, 3); got != "存在不规范表述（3处）" {
		t.Errorf("careful: %q", got)
	}
	if got := findingCategories[indicator.TypeWording]; got != "内容不准确" {
		t.Errorf("category: %q", got)
	}
}
