package inspector

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// E-mail addresses are personal data only in a list of people (a 公示名单 with a 邮箱 column):
// an office's address on its contact page is no one's.

// mails finds e-mail addresses; they count only as a list of people: two or more each with
// a name beside it (a 公示名单 with a 邮箱 column). An office's one address is no one's data.
func (s *personalScanner) mails(text string) {
	for i := strings.IndexByte(text, '@'); i >= 0; {
		start := i
		for start > 0 && isMailByte(text[start-1], true) {
			start--
		}
		end := i + 1
		for end < len(text) && isMailByte(text[end], false) {
			end++
		}
		for end > i+1 && text[end-1] == '.' {
			end--
		}
		local, domain := text[start:i], text[i+1:end]
		if local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") {
			s.emails = append(s.emails, emailCandidate{value: local + "@" + domain, named: nameNear(text, start, end)})
		}
		next := strings.IndexByte(text[i+1:], '@')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	named := 0
	for _, e := range s.emails {
		if e.named {
			named++
		}
	}
	if named < 2 {
		return
	}
	for _, e := range s.emails {
		if e.named {
			at := strings.IndexByte(e.value, '@')
			domain := e.value[at:]
			if strings.ContainsAny(domain, "0123456789") {
				domain = "@***" // a domain of digits may be a number of the person's
			}
			s.add(kindEmail, strings.ToLower(e.value), e.value[:1]+"***"+domain)
		}
	}
}

func isMailByte(c byte, local bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c), c == '.', c == '-':
		return true
	case local && (c == '_' || c == '+'):
		return true
	}
	return false
}

// surnames are the common 姓 (the hundred most frequent cover about 85% of people); a name in
// a list is a field of two to four Han characters starting with one.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

// officeWords in a field say it names an office, not a person.
var officeWords = []string{"办", "局", "委", "厅", "处", "科", "部", "室", "站", "所", "中心", "政府", "邮箱", "电话", "地址", "联系"}

// nameNear: a person's name stands within the few fields before the address or right after
// it on its row.
func nameNear(text string, start, end int) bool {
	before := contextBefore(text, start, 30)
	after := text[end:]
	if n := len(after); n > 60 {
		after = after[:60]
		for !utf8.ValidString(after) {
			after = after[:len(after)-1]
		}
	}
	if i := strings.IndexByte(after, '\n'); i >= 0 {
		after = after[:i]
	}
	for _, field := range strings.FieldsFunc(before+" "+after, func(r rune) bool {
		return !unicode.Is(unicode.Han, r)
	}) {
		if looksLikeName(field) {
			return true
		}
	}
	return false
}

func looksLikeName(field string) bool {
	n := utf8.RuneCountInString(field)
	if n < 2 || n > 4 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(field)
	return strings.ContainsRune(surnames, first) && !hasAny(field, officeWords)
}
