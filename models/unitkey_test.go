package models_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"zhaocuo/models"
)

func TestUnitKeyGivesOneKeyToEverySpellingOfAUnit(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a registered name is its own key", "四川省人民政府办公厅", "四川省人民政府办公厅"},
		{"trailing spaces are trimmed", "四川省人民政府办公厅 ", "四川省人民政府办公厅"},
		{"leading tabs and newlines are trimmed", "\t\n四川省人民政府办公厅", "四川省人民政府办公厅"},
		{"an ideographic space is a blank", "\u3000四川省人民政府办公厅\u3000", "四川省人民政府办公厅"},
		{"inner blanks become one space", "成都市  教育局\u3000\t(机关)", "成都市 教育局 (机关)"},
		{"full-width parentheses are half-width", "成都市教育局（机关）", "成都市教育局(机关)"},
		{"half-width parentheses stay", "成都市教育局(机关)", "成都市教育局(机关)"},
		{"full-width Latin letters and digits are ASCII, lower case", "ＡＢＣ中心１号", "abc中心1号"},
		{"Latin letters are lower case", "成都市IT中心", "成都市it中心"},
		{"accented Latin capitals are lower case", "ÉCOLE", "école"},
		{"a zero-width space pasted from a page is dropped", "成都市\u200b教育局\ufeff", "成都市教育局"},
		{"a letter and its combining mark are one character", "e\u0301cole", "école"},
		{"bytes that are not UTF-8 become U+FFFD", "教育局\xff", "教育局\uFFFD"},
		{"no name is the empty key", "  \u3000 ", ""},
		{"a long name keeps 128 characters", strings.Repeat("局", 130), strings.Repeat("局", 128)},
		{"a cut leaves no blank at the end", strings.Repeat("局", 127) + " 办公室", strings.Repeat("局", 127)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.UnitKey(tt.in); got != tt.want {
				t.Errorf("UnitKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A key is its own key (a name stored as its key matches itself), valid UTF-8 and within the
// column that stores it.
func FuzzUnitKey(f *testing.F) {
	for _, s := range []string{"四川省人民政府办公厅 ", "成都市教育局（机关）", "ＡＢＣ", "e\u0301", "\u3000", "ǅ", "İ", "ﷺ", "\xff\xfe",
		strings.Repeat("㍿", 40), strings.Repeat("a\u0301", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := models.UnitKey(s)
		if again := models.UnitKey(k); again != k {
			t.Fatalf("UnitKey(%q) = %q, but UnitKey(%q) = %q", s, k, k, again)
		}
		if !utf8.ValidString(k) {
			t.Fatalf("UnitKey(%q) = %q is not UTF-8", s, k)
		}
		if n := utf8.RuneCountInString(k); n > 128 {
			t.Fatalf("UnitKey(%q) has %d characters, more than its column holds", s, n)
		}
	})
}
