package inspector

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFirstDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		year int
		want string // "" = no date
	}{
		{name: "iso", in: "2025-03-20", want: "2025-03-20"},
		{name: "slashes", in: "2025/3/2", want: "2025-03-02"},
		{name: "dots", in: "发布时间：2025.03.20 10:30", want: "2025-03-20"},
		{name: "Chinese", in: "2025年3月20日", want: "2025-03-20"},
		{name: "Chinese with spaces", in: "2025 年 03 月 20 日", want: "2025-03-20"},
		{name: "label", in: "发布日期：2024-12-31 来源：办公室", want: "2024-12-31"},
		{name: "公文 numerals", in: "二〇二五年三月二十日", want: "2025-03-20"},
		{name: "公文 numerals with 十", in: "二〇二四年十二月十一日", want: "2024-12-11"},
		{name: "bracketed month-day", in: "关于开展检查的通知[03-18]", want: "2025-03-18"},
		{name: "full-width brackets", in: "通知（02-01）", want: "2025-02-01"},
		{name: "month-day under a year heading", in: "[12-05]", year: 2023, want: "2023-12-05"},
		{name: "month-day later than today is last year", in: "[12-05]", want: "2024-12-05"},
		{name: "alone month-day", in: " 03-10 ", want: "2025-03-10"},
		{name: "Chinese month-day", in: "3月18日上午", want: "2025-03-18"},
		{name: "first of two", in: "2025-03-01 至 2025-03-31", want: "2025-03-01"},
		{name: "impossible day", in: "2025-02-30", want: ""},
		{name: "impossible month", in: "2025-13-01", want: ""},
		{name: "digits glued on", in: "编号12025-03-201", want: ""},
		{name: "year range is no date", in: "2005-2025 版权所有", want: ""},
		{name: "bare range in text", in: "每天8-10人参加", want: ""},
		{name: "phone number", in: "电话：028-86012345", want: ""},
		{name: "too old", in: "1900-01-01", want: ""},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := firstDate(tt.in, tt.year, testNow)
			if tt.want == "" {
				if ok {
					t.Errorf("firstDate(%q) = %s, want none", tt.in, got.Format(time.DateOnly))
				}
				return
			}
			if !ok || got.Format(time.DateOnly) != tt.want {
				t.Errorf("firstDate(%q) = %s %v, want %s", tt.in, got.Format(time.DateOnly), ok, tt.want)
			}
			if got.Location() != china {
				t.Errorf("date in %v, want China time", got.Location())
			}
		})
	}
}

func TestHeadingYear(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{name: "with 年", in: " 2024年 ", want: 2024},
		{name: "bare", in: "2023", want: 2023},
		{name: "sentence", in: "2024年工作总结", want: 0},
		{name: "not a year", in: "1234", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headingYear(tt.in); got != tt.want {
				t.Errorf("headingYear(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestDaysBetween(t *testing.T) {
	// Late evening UTC is already the next day in China.
	a := time.Date(2025, 3, 5, 17, 0, 0, 0, time.UTC) // 3-6 01:00 in China
	if got := daysBetween(a, testNow); got != 14 {
		t.Errorf("daysBetween = %d, want 14", got)
	}
}

// TestDateShortcutsAgreeWithTheRegexps: isAloneDate, headingYear and nextFullDate look at a text's shape
// before their regexps; on every string of a small alphabet of digits, separators and both
// kinds of space, the shortcut must answer as the regexp alone does.
func TestDateShortcutsAgreeWithTheRegexps(t *testing.T) {
	alphabet := []string{"0", "1", "2", "9", "-", "/", "年", " ", "\t", "\u3000"}
	dates := fmt.Sprint // the matches of the regexp, compared as text
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		if got, want := isAloneDate(s), aloneDate.MatchString(s); got != want {
			t.Errorf("isAloneDate(%q) = %v, the regexp says %v", s, got, want)
		}
		want := 0
		if m := yearHeading.FindStringSubmatch(s); m != nil {
			want = int(m[1][0]-'0')*1000 + int(m[1][1]-'0')*100 + int(m[1][2]-'0')*10 + int(m[1][3]-'0')
		}
		if got := headingYear(s); got != want {
			t.Errorf("headingYear(%q) = %d, the regexp says %d", s, got, want)
		}
		if depth == 0 {
			return
		}
		for _, a := range alphabet {
			walk(s+a, depth-1)
		}
	}
	walk("", 6)
	// A full date is longer than those strings: random ones of up to 24 pieces, with a title.
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"1", "2", "9", "0", "5", "-", ".", "年", "月", " ", "标题"}
	for range 200_000 {
		var b strings.Builder
		for range 1 + rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		var got [][]int
		for m := nextFullDate(s, 0); m != nil && len(got) < 4; m = nextFullDate(s, m[1]) {
			got = append(got, m)
		}
		if want := fullDate.FindAllStringSubmatchIndex(s, 4); dates(got) != dates(want) {
			t.Fatalf("nextFullDate(%q) finds %s, the regexp %s", s, dates(got), dates(want))
		}
	}
}

// TestFirstDateAgreesWithItsRegexps: firstDate looks at a text's shape before each regexp and
// asks the regexps for no more than the date it needs; on random texts of digits, separators,
// brackets, 公文 numerals and broken UTF-8 it must answer as the regexps asked of the whole
// text do (firstDateByRegexps).
func TestFirstDateAgreesWithItsRegexps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"1", "2", "9", "0", "5", "3", "-", ".", "/", "年", "月", "日", "[", "(", "（", "【", "]", ")", "）", "】",
		" ", "\t", "〇", "○", "零", "一", "二", "三", "十", "标题", "\xe5", "\x80",
		"2025-03-01", "2025-02-30", "2024.12.31", "12025-03-201", "二〇二五年三月二十日", "二零二五年十月一日", "[03-18]", "( 03-18 )", "（02-01）", "3月18日", "12-05"}
	for range 200_000 {
		var b strings.Builder
		for range 1 + rng.IntN(20) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		for _, year := range []int{0, 2023} {
			got, gotOK := firstDate(s, year, testNow)
			want, wantOK := firstDateByRegexps(s, year, testNow)
			if gotOK != wantOK || !got.Equal(want) {
				t.Fatalf("firstDate(%q, %d) = %v %v, the regexps say %v %v", s, year, got, gotOK, want, wantOK)
			}
		}
	}
}

// firstDateByRegexps is firstDate without its shortcuts.
func firstDateByRegexps(s string, year int, now time.Time) (time.Time, bool) {
	best, bestAt := time.Time{}, len(s)+1
	consider := func(at int, t time.Time, ok bool) {
		if ok && at < bestAt {
			best, bestAt = t, at
		}
	}
	for _, m := range fullDate.FindAllStringSubmatchIndex(s, 4) {
		if (m[0] > 0 && isDigit(s[m[0]-1])) || (m[1] < len(s) && isDigit(s[m[1]])) {
			continue
		}
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		t, ok := makeDate(y, mo, d)
		consider(m[0], t, ok)
		if ok {
			break
		}
	}
	if m := hanDate.FindStringSubmatchIndex(s); m != nil {
		t, ok := makeDate(hanYear(s[m[2]:m[3]]), hanNumber(s[m[4]:m[5]]), hanNumber(s[m[6]:m[7]]))
		consider(m[0], t, ok)
	}
	for _, re := range []*regexp.Regexp{bracketDate, monthDay, aloneDate} {
		m := re.FindStringSubmatchIndex(s)
		if m == nil || m[0] >= bestAt {
			continue
		}
		if re == monthDay && m[0] > 0 && (isDigit(s[m[0]-1]) || strings.HasSuffix(s[:m[0]], "年")) {
			continue
		}
		mo, _ := strconv.Atoi(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		t, ok := dateWithoutYear(mo, d, year, now)
		consider(m[0], t, ok)
	}
	return best, bestAt <= len(s)
}

// A list entry's date in an element of its own is read even when the headline before it ends in
// a digit: glued, "年度报告20242025-02-14" holds no date, but a reader sees two texts.
func TestEntryDateAfterAHeadlineEndingInAFigure(t *testing.T) {
	info := analyze(t, `<html><body><div class="list"><ul>`+
		`<li><a href="/a/1.html">政府信息公开工作年度报告2024</a><span>2025-02-14</span></li>`+
		`<li><a href="/a/2.html">文章97</a><span>2025-03-01</span></li>`+
		`<li><a href="/a/3.html">文章98</a><span>03-10</span></li>`+
		`</ul></div></body></html>`, false)
	want := map[string]string{"/a/1.html": "2025-02-14", "/a/2.html": "2025-03-01", "/a/3.html": "2025-03-10"}
	got := map[string]string{}
	for _, it := range info.Items {
		got[strings.TrimPrefix(it.Target, "http://www.shifan.gov.cn")] = it.Date.Format(time.DateOnly)
	}
	for target, date := range want {
		if got[target] != date {
			t.Errorf("%s: date %q, want %s (items %v)", target, got[target], date, info.Items)
		}
	}
}
