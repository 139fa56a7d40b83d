package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestListNamesFitsWhatItIsGiven(t *testing.T) {
	for _, tc := range []struct {
		names []string
		n     int
		want  string
	}{
		{[]string{"甲网站", "乙网站"}, 20, "甲网站、乙网站"},
		{[]string{"甲网站", "乙网站", "丙网站"}, 11, "甲网站、乙网站、丙网站"},
		{[]string{"甲网站", "乙网站", "丙网站"}, 10, "甲网站、乙网站等3个"},
		{[]string{"甲网站", "乙网站", "丙网站"}, 9, "甲网站等3个"},
		{[]string{strings.Repeat("长", 30), "乙"}, 10, "长长长长长长…等2个"},
	} {
		got := listNames(tc.names, tc.n)
		if got != tc.want || utf8.RuneCountInString(got) > tc.n {
			t.Errorf("listNames(%v, %d) = %q, want %q", tc.names, tc.n, got, tc.want)
		}
	}
}
