package inspector

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// China keeps one offset all year, so a fixed zone gives the calendar date of every
// publishing time without depending on the system's zoneinfo files. Immutable.
var china = time.FixedZone("Asia/Shanghai", 8*60*60)

// Compiled once; regexp values are safe for concurrent use and hold no state.
var (
	// 2025-03-20, 2025/3/20, 2025.03.20, 2025年3月20日, 2025 年 03 月 20 日.
	fullDate = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})`)
	// 二〇二五年三月二十日, the way 公文 write dates.
	hanDate = regexp.MustCompile(`([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`)
	// Dates without a year: [03-20], (03-20), 3月20日, or a cell that holds only 03-20.
	// Bare "3-20" inside running text is too often a range or a number to be trusted.
	bracketDate = regexp.MustCompile(`[\[(（【]\s*([0-9]{1,2})[-/.]([0-9]{1,2})\s*[\])）】]`)
	monthDay    = regexp.MustCompile(`([0-9]{1,2})月([0-9]{1,2})日`)
	aloneDate   = regexp.MustCompile(`^\s*([0-9]{1,2})[-/.]([0-9]{1,2})\s*$`)
	yearHeading = regexp.MustCompile(`^\s*((?:19|20)[0-9]{2})\s*年?\s*$`)
)

// firstDate returns the first date written in s. A date without a year takes year
// (the heading above the list) when it is set, else the latest year that does not put
// the date after now. Impossible dates (2025-02-30) are skipped.
func firstDate(s string, year int, now time.Time) (time.Time, bool) {
	// Most text holds no date at all; the regexps need not look at it.
	if !strings.ContainsAny(s, "0123456789〇○零") {
		return time.Time{}, false
	}
	best, bestAt := time.Time{}, len(s)+1
	consider := func(at int, t time.Time, ok bool) {
		if ok && at < bestAt {
			best, bestAt = t, at
		}
	}
	for _, m := range fullDates(s) {
		// The regexp cannot look around: refuse digits glued to either end
		// (a file number 12025-03-201 is no date).
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
	// Each pattern below needs a character most text lacks: a cheap look before the regexp.
	if strings.Contains(s, "年") {
		if m := hanDate.FindStringSubmatchIndex(s); m != nil {
			t, ok := makeDate(hanYear(s[m[2]:m[3]]), hanNumber(s[m[4]:m[5]]), hanNumber(s[m[6]:m[7]]))
			consider(m[0], t, ok)
		}
	}
	for _, re := range []*regexp.Regexp{bracketDate, monthDay, aloneDate} {
		if re == bracketDate && !strings.ContainsAny(s, "[(（【") || re == monthDay && !strings.Contains(s, "月") || re == aloneDate && !isAloneDate(s) {
			continue
		}
		m := re.FindStringSubmatchIndex(s)
		if m == nil || m[0] >= bestAt {
			continue
		}
		if re == monthDay && m[0] > 0 && (isDigit(s[m[0]-1]) || strings.HasSuffix(s[:m[0]], "年")) {
			continue // part of a full date the full pattern refused
		}
		mo, _ := strconv.Atoi(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		t, ok := dateWithoutYear(mo, d, year, now)
		consider(m[0], t, ok)
	}
	return best, bestAt <= len(s)
}

// WrittenDate reads the first date written with its year in s (2025-03-20, 2025年3月20日,
// 二〇二五年三月二十日) as the crawler reads one on a page: the day in China. A date without its
// year is no date here. The account sheet reads its dates so.
func WrittenDate(s string) (time.Time, bool) { return firstDate(s, 0, time.Time{}) }

// ChinaDay is the calendar day in China, in the zone of the dates read from pages.
func ChinaDay(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, china)
}

func dateWithoutYear(month, day, year int, now time.Time) (time.Time, bool) {
	if year > 0 {
		return makeDate(year, month, day)
	}
	today := now.In(china)
	t, ok := makeDate(today.Year(), month, day)
	if ok && t.After(today.AddDate(0, 0, 1)) {
		t, ok = makeDate(today.Year()-1, month, day)
	}
	return t, ok
}

func makeDate(y, m, d int) (time.Time, bool) {
	if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, china)
	if t.Day() != d { // 02-30 rolled over into March
		return time.Time{}, false
	}
	return t, true
}

// fullDates is fullDate.FindAllStringSubmatchIndex(s, 4). Every full date starts with a year
// 19xx or 20xx, so the regexp starts at the first one: it has no literal prefix with which to
// skip the text before it by itself, and a list entry's title comes before its date.
func fullDates(s string) [][]int {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) {
			ms := fullDate.FindAllStringSubmatchIndex(s[i:], 4)
			for _, m := range ms {
				for k := range m {
					m[k] += i
				}
			}
			return ms
		}
	}
	return nil
}

// regexpSpace is what \s matches in Go's regexps: ASCII white space only.
const regexpSpace = " \t\n\f\r"

// isAloneDate reports whether s holds only a date without a year (aloneDate). Every text node
// of a list is asked; the few of three to five characters once the spaces are trimmed go to the
// regexp.
func isAloneDate(s string) bool {
	t := strings.Trim(s, regexpSpace)
	return len(t) >= 3 && len(t) <= 5 && aloneDate.MatchString(s)
}

// headingYear reports the year of a text that is only a year ("2025年", "2024"),
// the heading some sites put above a list of MM-DD items. It is asked of every text node of
// a page: those that do not start with 19 or 20 once trimmed never reach the regexp.
func headingYear(s string) int {
	if t := strings.TrimLeft(s, regexpSpace); !strings.HasPrefix(t, "19") && !strings.HasPrefix(t, "20") {
		return 0
	}
	m := yearHeading.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func hanYear(s string) int {
	y := 0
	for _, r := range s {
		y = y*10 + hanDigit(r)
	}
	return y
}

// hanNumber reads 一 to 三十一: 十 alone is 10, 十X is 10+X, X十 is 10X, X十Y is 10X+Y.
func hanNumber(s string) int {
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return hanDigit(rs[0])
	case len(rs) == 2 && rs[0] == '十':
		return 10 + hanDigit(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return 10 * hanDigit(rs[0])
	case len(rs) == 3 && rs[1] == '十':
		return 10*hanDigit(rs[0]) + hanDigit(rs[2])
	}
	return -1
}

func hanDigit(r rune) int {
	if i := strings.IndexRune("〇一二三四五六七八九", r); i >= 0 {
		return len([]rune("〇一二三四五六七八九"[:i]))
	}
	switch r {
	case '○', '零':
		return 0
	}
	return -100 // makes the whole number invalid
}

// daysBetween counts calendar days in China from a to b.
func daysBetween(a, b time.Time) int {
	a, b = a.In(china), b.In(china)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
