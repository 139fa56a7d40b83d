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

// The circular names the findings of issues 19 and 20 in its own words, not by the indicator.
func TestNewFindingTypesInCirculars(t *testing.T) {
	for _, c := range []struct {
		typ, ind string
		n        int
		want     string
	}{
		{indicator.TypeMissingEmblem, indicator.Emblem, 1, "首页未规范展示国徽"},
		{indicator.TypeMissingMeta, indicator.Metadata, 2, "网页元数据不规范（2类）"},
		{indicator.TypePersonalData, indicator.Security, 3, "存在个人信息泄露（3处）"},
	} {
		if got := problemText(c.typ, c.ind, false, c.n); got != c.want {
			t.Errorf("%s: %q, want %q", c.typ, got, c.want)
		}
	}
}
