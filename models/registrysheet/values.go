package registrysheet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"zhaocuo/models/regkey"
)

var writtenDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$`)

// date reads a date cell: written (2024-03-01, 2024/3/1, 2024年3月1日, a time after it is
// ignored) or Excel's serial day number (a date cell read raw). It returns YYYY-MM-DD or "".
func (r *rowReader) date(column string) string {
	s := r.cell(column)
	if s == "" {
		return ""
	}
	if d, ok := parseDate(s); ok {
		return d
	}
	r.fail(column, fmt.Sprintf("无法识别的日期“%s”，请写作 2024-03-01", s))
	return ""
}

func parseDate(s string) (string, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was; serials
		// from 61 on are one day ahead of a count from 1899-12-31. Registry dates lie after 1990.
		if f < 32874 || f > 73051 { // 1990-01-01 … 2099-12-31
			return "", false
		}
		d := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
		return d.Format(time.DateOnly), true
	}
	m := writtenDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if y < 1990 || y > 2099 || t.Month() != time.Month(mo) || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// AccountKey is the key an account row matches by: its platform and account id, or, for an
// account without one (a ledger that never kept it), its platform and name.
func AccountKey(platform, account, name string) string {
	if account != "" {
		return platform + ":" + account
	}
	return platform + ":名称:" + name
}

// duplicates reports two rows with one key, anywhere in the book (a workbook and a CSV of the
// same kind count together): the second names the first.
func duplicates(b *Book) []Problem {
	var probs []Problem
	seen := map[string]At{}
	check := func(at At, space, key, column, what string) {
		if key == "" {
			return
		}
		// Keys the database's collation holds equal (case, full and half width) are one key.
		k := space + "\x00" + regkey.Fold(key)
		if first, ok := seen[k]; ok {
			probs = append(probs, Problem{Sheet: at.Sheet, Row: at.Line, Column: column,
				Message: fmt.Sprintf("%s“%s”与工作表「%s」第%d行重复，同一%s只能列一次", what, key, first.Sheet, first.Line, what)})
			return
		}
		seen[k] = at
	}
	for _, r := range b.Regions {
		check(r.At, "region", r.Code, "行政区划代码", "行政区划代码")
	}
	for _, r := range b.Units {
		check(r.At, "unit", r.Name, "单位名称", "单位名称")
		check(r.At, "unitcode", r.Code, "统一社会信用代码", "统一社会信用代码")
	}
	for _, r := range b.Websites {
		check(r.At, "site", r.IdentifierCode, "网站标识码", "网站标识码")
	}
	for _, r := range b.Accounts {
		if r.Platform != "" {
			check(r.At, "account", AccountKey(r.Platform, r.Account, r.Name), "账号ID", "账号（平台类型与账号ID）")
		}
	}
	for _, r := range b.Users {
		check(r.At, "user", r.Username, "用户名", "用户名")
	}
	return probs
}

// platform reads a 平台类型 cell: a name clerks write (公众号, 新浪微博) as the stored one; any other
// is kept as written for the models to refuse, with the message a form gets (checkPlatform).
func (r *rowReader) platform() string {
	v := r.cell("平台类型")
	if got, ok := pick(platforms, v); ok {
		return got
	}
	return v
}

// splitList splits a cell that lists several values (one a line, or separated by ；, ; or 、).
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ';' || r == '；' || r == '、' || r == ' ' || r == ',' || r == '，'
	})
	return f
}

// unquote drops the apostrophe an export puts before a cell that a spreadsheet would read as a
// formula (=, +, -, @), so an exported sheet imports back as it was.
func unquote(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}
