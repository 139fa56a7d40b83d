package inspector

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	if !hasDateDigit(s) {
		return time.Time{}, false
	}
	best, bestAt := time.Time{}, len(s)+1
	consider := func(at int, t time.Time, ok bool) {
		if ok && at < bestAt {
			best, bestAt = t, at
		}
	}
	// The first full date of the text, of its first four (fullDate.FindAllStringSubmatchIndex(s, 4)).
	for n, m := 0, nextFullDate(s, 0); n < 4 && m != nil; n, m = n+1, nextFullDate(s, m[1]) {
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
	// Each pattern below needs a character most text lacks with digits next to it, and only a
	// match before the best date so far counts: a cheap look for one before the regexp.
	if hanDateBefore(s, bestAt) {
		if m := hanDate.FindStringSubmatchIndex(s); m != nil {
			t, ok := makeDate(hanYear(s[m[2]:m[3]]), hanNumber(s[m[4]:m[5]]), hanNumber(s[m[6]:m[7]]))
			consider(m[0], t, ok)
		}
	}
	for _, re := range []*regexp.Regexp{bracketDate, monthDay, aloneDate} {
		if re == bracketDate && !bracketDateBefore(s, bestAt) || re == monthDay && !monthDayBefore(s, bestAt) || re == aloneDate && !isAloneDate(s) {
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

// nextFullDate is the first match of fullDate in s at or after the byte from, as
// FindAllStringSubmatchIndex finds them one after the other. Every full date starts with a year
// 19xx or 20xx, so the regexp starts at the first one: it has no literal prefix with which to
// skip the text before it by itself, and a list entry's title comes before its date.
func nextFullDate(s string, from int) []int {
	for i := from; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) {
			m := fullDate.FindStringSubmatchIndex(s[i:])
			for k := range m {
				m[k] += i
			}
			return m
		}
	}
	return nil
}

// hasDateDigit is strings.ContainsAny(s, "0123456789〇○零"), which for a set beyond ASCII looks
// each character of s up in the set.
func hasDateDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			return true
		case c == 0xE2 || c == 0xE3 || c == 0xE9: // the lead bytes of ○, 〇, 零
			if t := s[i:]; strings.HasPrefix(t, "〇") || strings.HasPrefix(t, "○") || strings.HasPrefix(t, "零") {
				return true
			}
		}
	}
	return false
}

// hanDateBefore reports whether a match of hanDate may start before the byte limit: a 年
// after four of its digits, each three bytes long.
func hanDateBefore(s string, limit int) bool {
	for i := 12; i < len(s) && i < limit+12; i++ {
		if j := strings.Index(s[i:], "年"); j < 0 {
			return false
		} else {
			i += j
		}
		if i < limit+12 && isHanDigits(s[i-12:i]) {
			return true
		}
	}
	return false
}

// isHanDigits reports whether s is characters of hanDate's year, each three bytes long.
func isHanDigits(s string) bool {
	for k := 0; k+3 <= len(s); k += 3 {
		if !strings.Contains("〇○零一二三四五六七八九", s[k:k+3]) || !utf8.ValidString(s[k:k+3]) {
			return false
		}
	}
	return true
}

// bracketDateBefore reports whether a match of bracketDate may start before the byte limit:
// an opening bracket, spaces, a digit.
func bracketDateBefore(s string, limit int) bool {
	for i := 0; i < len(s) && i < limit; i++ {
		var rest string
		switch c := s[i]; {
		case c == '[' || c == '(':
			rest = s[i+1:]
		case c == 0xEF && strings.HasPrefix(s[i:], "（"), c == 0xE3 && strings.HasPrefix(s[i:], "【"):
			rest = s[i+3:]
		default:
			continue
		}
		if rest = strings.TrimLeft(rest, regexpSpace); rest != "" && isDigit(rest[0]) {
			return true
		}
	}
	return false
}

// monthDayBefore reports whether a match of monthDay may start before the byte limit: a digit,
// 月 at most two bytes later, a digit after it.
func monthDayBefore(s string, limit int) bool {
	for i := 1; i < len(s) && i < limit+2; i++ {
		if j := strings.Index(s[i:], "月"); j < 0 {
			return false
		} else {
			i += j
		}
		if i < limit+2 && isDigit(s[i-1]) && i+3 < len(s) && isDigit(s[i+3]) {
			return true
		}
	}
	return false
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
