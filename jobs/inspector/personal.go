package inspector

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zhaocuo/models/indicator"
)

// Personal data (个人信息泄露): ID numbers, mobile numbers, bank card numbers and the e-mail
// addresses of a list of people, on a page or in an attachment. Government text is full of
// long numbers that are none of these (统一社会信用代码, 文号, order and registration numbers,
// office landlines), so each kind needs its own proof, not just its length: an ID its check
// digit, region and birth date; a card its Luhn digit and issuer; an e-mail a name beside it
// in a list. What is found is kept masked only: the finding must not spread what it reports.

// Kinds of personal data, in the order a finding names them.
const (
	kindID    = "身份证号"
	kindPhone = "手机号"
	kindCard  = "银行卡号"
	kindEmail = "电子邮箱"
)

var personalKinds = []string{kindID, kindPhone, kindCard, kindEmail}

// personalScan is what a page or attachment exposes: distinct values per kind and a few
// examples, masked. Nothing in it is in clear.
type personalScan struct {
	Counts  map[string]int
	Samples []string // masked, at most maxPersonalSamples
}

const maxPersonalSamples = 3

func (s *personalScan) empty() bool { return s == nil || len(s.Counts) == 0 }

// summary reads "身份证号3个、手机号5个".
func (s *personalScan) summary() string {
	var parts []string
	for _, k := range personalKinds {
		if n := s.Counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d个", k, n))
		}
	}
	return strings.Join(parts, "、")
}

// personalScanner gathers hits; seen holds clear values only while one text is scanned, to
// count each value once, and is dropped with the scanner.
type personalScanner struct {
	now    time.Time
	seen   map[string]bool
	scan   personalScan
	emails []emailCandidate
}

type emailCandidate struct {
	value string
	named bool // a person's name stands beside it
}

// scanPersonal finds personal data in text; nil when there is none.
func scanPersonal(text string, now time.Time) *personalScan {
	// Full-width digits (５１０１０４…) are read as ASCII ones; so are full-width X and @.
	if hasFullWidth(text) {
		text = strings.Map(func(r rune) rune {
			if isFullWidth(r) {
				return r - '０' + '0'
			}
			return r
		}, text)
	}
	s := personalScanner{now: now}
	s.digits(text)
	s.mails(text)
	if len(s.scan.Counts) == 0 {
		return nil
	}
	return &s.scan
}

// isFullWidth: a full-width digit, X or @ (U+FF10–FF19, FF38, FF20).
func isFullWidth(r rune) bool { return r >= '０' && r <= '９' || r == 'Ｘ' || r == '＠' }

// hasFullWidth looks for isFullWidth's runes by their UTF-8 bytes (EF BC 90–99, B8, A0), which
// costs a tenth of decoding every rune of a page.
func hasFullWidth(text string) bool {
	for i := 0; i+2 < len(text); {
		j := strings.Index(text[i:], "\xef\xbc")
		if j < 0 || i+j+2 >= len(text) {
			return false
		}
		if c := text[i+j+2]; c >= 0x90 && c <= 0x99 || c == 0xb8 || c == 0xa0 {
			return true
		}
		i += j + 2
	}
	return false
}

func (s *personalScanner) add(kind, clear, masked string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
		s.scan.Counts = map[string]int{}
	}
	if s.seen[kind+clear] {
		return
	}
	s.seen[kind+clear] = true
	s.scan.Counts[kind]++
	if len(s.scan.Samples) < maxPersonalSamples {
		s.scan.Samples = append(s.scan.Samples, masked)
	}
}

// digits walks the text's runs of digits. A run glued to a letter, a '*' or another digit
// group is part of something longer (a credit code, a masked value, an order number) and
// never a finding; a mobile or card written in groups ("139 1234 5678", "6222 0200 …") is
// joined first.
func (s *personalScanner) digits(text string) {
	for i := 0; i < len(text); {
		c := text[i]
		if c < '0' || c > '9' {
			i++
			continue
		}
		start := i
		groups := 1
		end := runEnd(text, i)
		// Groups separated by one space or hyphen: "139-1234-5678", "6222 0212 3456 7890 123".
		// Only a run of three or four digits starts them, and only groups of four follow
		// (the last of a card may be shorter), so "ID 1200.00" stays two numbers.
		if n := end - start; n == 3 || n == 4 {
			for end+1 < len(text) && (text[end] == ' ' || text[end] == '-') && isDigit(text[end+1]) && groups < 5 {
				next := runEnd(text, end+1)
				if k := next - (end + 1); k > 4 || k < 4 && n == 3 {
					break
				}
				end = next
				groups++
			}
		}
		tail := end
		if tail < len(text) && (text[tail] == 'X' || text[tail] == 'x') {
			tail++
		}
		i = tail
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[tail:])
		if start == 0 {
			before = ' '
		}
		if tail == len(text) {
			after = ' '
		}
		if glued(before) || glued(after) {
			continue
		}
		raw := text[start:tail]
		if n := len(raw) - (groups - 1); n < 11 || n > 19 {
			continue // dates, 文号, landlines: most runs end here, before any context is read
		}
		num := raw
		if groups > 1 {
			num = strings.Map(func(r rune) rune {
				if r == ' ' || r == '-' {
					return -1
				}
				return r
			}, raw)
		}
		ctx := contextBefore(text, start, 12)
		switch {
		case groups == 1 && len(num) == 18 && s.idNumber(num, ctx):
			s.add(kindID, num, maskMiddle(num, 4, 4))
		case groups == 1 && len(num) == 15 && s.oldIDNumber(num, ctx):
			s.add(kindID, num, maskMiddle(num, 4, 4))
		case isMobile(num, groups):
			s.add(kindPhone, num, maskMiddle(num, 3, 4))
		case bankCard(num, ctx):
			s.add(kindCard, num, maskMiddle(num, 4, 4))
		}
	}
}

func runEnd(text string, i int) int {
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	return i
}

// glued: the rune next to a run makes it part of a longer token. Chinese text and
// punctuation around a number are fine; Latin letters, digits, '*' and masking marks
// are not. A '.' or '/' glues too: "1.3912345678" and URLs are not numbers of a person.
func glued(r rune) bool {
	switch r {
	case '*', '×', '＊', '#', '.', '/', '_', '=', '%', '&', '?', '@':
		return true
	}
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.IsDigit(r)
}

// contextBefore returns up to n runes before byte offset i.
func contextBefore(text string, i, n int) string {
	j := i
	for k := 0; k < n && j > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:j])
		j -= size
	}
	return text[j:i]
}

// codeWords before a number say it is a code, not a person's: 统一社会信用代码, 注册号,
// 订单号, 文号, 编号 and their kin.
var codeWords = []string{"代码", "注册号", "执照", "订单", "单号", "编号", "流水", "文号", "批准", "备案", "证书", "条码",
	"快递", "运单", "发票", "合同", "项目号", "登记号", "许可证", "税号", "纳税人识别号", "对公"}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// idRegions are the first two digits of the 居民身份证号 regions (GB/T 2260 provinces, and
// 71/81/82/83 for 台湾, 香港, 澳门 residents' numbers).
var idRegions = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, "41": true,
	"42": true, "43": true, "44": true, "45": true, "46": true, "50": true, "51": true, "52": true,
	"53": true, "54": true, "61": true, "62": true, "63": true, "64": true, "65": true, "71": true,
	"81": true, "82": true, "83": true,
}

// idNumber checks an 18-character ID (GB 11643): region, a birth date not in the future and
// not before 1900, and the mod 11-2 check character.
func (s *personalScanner) idNumber(num, ctx string) bool {
	if !idRegions[num[:2]] || hasAny(ctx, codeWords) {
		return false
	}
	if !validBirth(num[6:14], s.now) || idCheckChar(num[:17]) != upper(num[17]) {
		return false
	}
	// A 统一社会信用代码 of a 机关 or 事业单位 (11, 12, 13) or a 社会组织 (51, 52, 53) can be
	// all digits and read as an ID of 北京, 天津, 河北 or 四川, 贵州, 云南: one whose own check
	// character (GB 32100) also holds is taken for the code. One such ID in 31 is missed.
	switch num[:2] {
	case "11", "12", "13", "51", "52", "53":
		return !creditCodeCheck(num)
	}
	return true
}

// creditCodeCheck: the 18th character of an all-digit 统一社会信用代码 is its GB 32100 check.
func creditCodeCheck(num string) bool {
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(num[i]-'0') * weights[i]
	}
	c := (31 - sum%31) % 31
	return c < 10 && num[17] == byte('0'+c)
}

// registrationCheck: a 15-digit 营业执照注册号 ends with an ISO 7064 MOD 11,10 check digit; an
// old ID has none, so one in ten old IDs also passes and is missed.
func registrationCheck(num string) bool {
	p := 10
	for i := 0; i < len(num); i++ {
		sum := (p + int(num[i]-'0')) % 10
		if sum == 0 {
			sum = 10
		}
		if i == len(num)-1 {
			return sum == 1
		}
		p = sum * 2 % 11
	}
	return false
}

// oldIDNumber checks a 15-digit ID of the first generation: region and a 19YYMMDD birth date.
// Fifteen digits are also the length of the old 营业执照注册号, which starts with a region
// too: its code words and the birth years before 1920 (zeros follow the region there) keep
// it out, and so does its MOD 11,10 check digit.
func (s *personalScanner) oldIDNumber(num, ctx string) bool {
	if !idRegions[num[:2]] || hasAny(ctx, codeWords) || num[6:8] < "20" || registrationCheck(num) {
		return false
	}
	return validBirth("19"+num[6:12], s.now)
}

func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}

func validBirth(ymd string, now time.Time) bool {
	for i := 0; i < len(ymd); i++ {
		if !isDigit(ymd[i]) {
			return false
		}
	}
	d, err := time.Parse("20060102", ymd)
	if err != nil || d.Year() < 1900 {
		return false
	}
	return !d.After(now)
}

// idCheckChar computes the check character of the first 17 digits (ISO 7064 MOD 11-2).
func idCheckChar(first17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// isMobile: 11 digits 1[3-9]…, whole or as 3-4-4 groups; a +86 or 86 before it was glued
// or is a 13-digit run, which is also read here.
func isMobile(num string, groups int) bool {
	if len(num) == 13 && strings.HasPrefix(num, "86") {
		num = num[2:]
	}
	if len(num) != 11 || num[0] != '1' || num[1] < '3' {
		return false
	}
	return groups == 1 || groups == 3
}

// cardWords near a number say it is an account.
var cardWords = []string{"卡号", "账号", "帐号", "银行", "开户", "账户", "帐户", "储蓄卡", "信用卡", "社保卡"}

// bankCard: 16–19 digits passing Luhn with an issuer prefix. 银联 cards (62) and the big banks'
// old 19-digit cards (9558, 9559) stand on their own; a Visa or Mastercard number also needs a
// card word before it, and a code word before any of them refuses it: a tenth of all random
// numbers pass Luhn.
func bankCard(num, ctx string) bool {
	if len(num) < 16 || len(num) > 19 || hasAny(ctx, codeWords) || !luhn(num) {
		return false
	}
	switch {
	case strings.HasPrefix(num, "62"), strings.HasPrefix(num, "9558"), strings.HasPrefix(num, "9559"):
		return true
	case num[0] == '4', num[:2] >= "51" && num[:2] <= "55", num[:2] == "35":
		return hasAny(ctx, cardWords)
	}
	return false
}

func luhn(num string) bool {
	sum := 0
	for i := 0; i < len(num); i++ {
		d := int(num[len(num)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// maskMiddle keeps head and tail characters and stars the rest.
func maskMiddle(s string, head, tail int) string {
	if len(s) <= head+tail {
		return strings.Repeat("*", len(s))
	}
	return s[:head] + strings.Repeat("*", len(s)-head-tail) + s[len(s)-tail:]
}

// personalFinding is the finding for one page or attachment; what is found is named by kind
// and count, with a few masked examples, and never in clear.
func personalFinding(page, target, what string, s *personalScan) Finding {
	f := Finding{Type: indicator.TypePersonalData, Page: page, Target: target, Indicator: indicator.Security,
		Suspected: true, Veto: true,
		Evidence: fmt.Sprintf("%s疑似公开个人信息：%s（示例：%s）", what, s.summary(), strings.Join(s.Samples, "、"))}
	f.Key = findingKey(f.Type, f.Page, f.Target, "")
	return f
}

// personalData reports each page and attachment that exposes personal data: one finding
// each, suspected until a person confirms, then a veto (泄密); and a note for each
// attachment that could not be read. The same data on many pages (a webmaster's mobile in the
// template) is one finding, on the first page, with the number of pages.
func (r *round) personalData(urls []string) []Finding {
	hits := func(page string) []*personalScan {
		if s := r.pages[page].Personal; !s.empty() {
			return []*personalScan{s}
		}
		return nil
	}
	// The same kinds, counts and masked examples are the same data.
	key := func(s *personalScan) string { return s.summary() + "\x00" + strings.Join(s.Samples, "\x00") }
	var out []Finding
	for _, u := range gather(urls, hits, key) {
		f := personalFinding(u.pages[0], u.pages[0], "页面", u.hit)
		f.Evidence += onPages(u.pages)
		out = append(out, f)
	}
	out = append(out, r.attachmentFindings()...)
	return out
}

// maskEvidence masks what may be personal data in a piece of page text quoted as evidence (the
// sentence around a typo or a wording): every run of 7 or more digits, full-width ones too, and
// the part of an e-mail address before the @. A quoted sentence of a 公示 would otherwise carry
// the ID numbers and phones the personal-data check itself never writes in clear.
func maskEvidence(s string) string {
	var b strings.Builder
	run := []rune{}
	flush := func() {
		if len(run) >= 7 {
			b.WriteString(string(run[:3]) + strings.Repeat("*", len(run)-5) + string(run[len(run)-2:]))
		} else {
			b.WriteString(string(run))
		}
		run = run[:0]
	}
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			run = append(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	out := b.String()
	for i := strings.IndexAny(out, "@＠"); i >= 0; {
		lo := i
		for lo > 0 && isMailByte(out[lo-1], true) {
			lo--
		}
		if lo < i {
			out = out[:lo] + strings.Repeat("*", i-lo) + out[i:]
		}
		j := strings.IndexAny(out[i+1:], "@＠")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return out
}
