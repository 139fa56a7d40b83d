package models

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// PersonalData is one piece of personal data found in a text that is about to be published.
type PersonalData struct {
	Kind   string // "phone", "id_card", "email"
	Text   string // as found
	Masked string // as it will be published
	Start  int    // byte offsets in the text
	End    int
}

// Kinds of personal data, as people read them.
var personalDataLabels = map[string]string{"phone": "电话号码", "id_card": "身份证号", "email": "电子邮箱"}

// PersonalDataLabel names a kind of personal data.
func PersonalDataLabel(kind string) string { return personalDataLabels[kind] }

var (
	// Digits not preceded or followed by another digit (Go's regexp has no look-around, so the
	// neighbours are matched and trimmed off).
	idCardPattern   = regexp.MustCompile(`(?:^|\D)([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?:\D|$)`)
	mobilePattern   = regexp.MustCompile(`(?:^|\D)((?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?:\D|$)`)
	landlinePattern = regexp.MustCompile(`(?:^|\D)(0\d{2,3}[- ]\d{7,8})(?:\D|$)`)
	emailPattern    = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
)

// FindPersonalData finds mainland phone numbers, resident ID card numbers (with a valid check
// digit) and e-mail addresses, in order of position.
func FindPersonalData(text string) []PersonalData {
	var found []PersonalData
	taken := func(start, end int) bool {
		for _, f := range found {
			if start < f.End && end > f.Start {
				return true
			}
		}
		return false
	}
	add := func(kind string, start, end int) {
		if taken(start, end) {
			return
		}
		s := text[start:end]
		found = append(found, PersonalData{Kind: kind, Text: s, Masked: mask(kind, s), Start: start, End: end})
	}
	// ID cards first: an 18-digit number would otherwise also look like a phone number inside it.
	for _, m := range allSubmatches(idCardPattern, text) {
		if idCardChecksumOK(text[m[0]:m[1]]) {
			add("id_card", m[0], m[1])
		}
	}
	for _, m := range allSubmatches(mobilePattern, text) {
		add("phone", m[0], m[1])
	}
	for _, m := range allSubmatches(landlinePattern, text) {
		add("phone", m[0], m[1])
	}
	for _, m := range emailPattern.FindAllStringIndex(text, -1) {
		add("email", m[0], m[1])
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	return found
}

// allSubmatches returns the spans of group 1 of every match, rescanning from the end of each
// group so that neighbouring numbers sharing one separator are all found.
func allSubmatches(re *regexp.Regexp, text string) [][2]int {
	var spans [][2]int
	for pos := 0; pos < len(text); {
		m := re.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			break
		}
		spans = append(spans, [2]int{pos + m[2], pos + m[3]})
		pos += m[3]
	}
	return spans
}

// MaskPersonalData returns the text with every piece of personal data masked.
func MaskPersonalData(text string) string {
	found := FindPersonalData(text)
	if len(found) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, f := range found {
		b.WriteString(text[last:f.Start])
		b.WriteString(f.Masked)
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// mask keeps enough to recognise a number one gave oneself, and no more: the first 3 and last 4
// digits of a phone, the first 6 (the issuing region) and last 4 of an ID card, the first letter
// and the domain of an e-mail.
func mask(kind, s string) string {
	switch kind {
	case "email":
		at := strings.LastIndexByte(s, '@')
		first, _ := utf8.DecodeRuneInString(s)
		return string(first) + "***" + s[at:]
	case "id_card":
		return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
	default:
		// Count digits only, past a +86 country code, so "+86 138 0013 8000" masks like
		// "13800138000".
		runes := []rune(s)
		var digits []int
		for i, r := range runes {
			if r >= '0' && r <= '9' {
				digits = append(digits, i)
			}
		}
		first := 0
		if len(digits) == 13 && runes[digits[0]] == '8' && runes[digits[1]] == '6' {
			first = 2
		}
		for k := first + 3; k < len(digits)-4; k++ {
			runes[digits[k]] = '*'
		}
		return string(runes)
	}
}

// idCardChecksumOK checks the ISO 7064 MOD 11-2 check digit of an 18-digit ID card number.
func idCardChecksumOK(id string) bool {
	if len(id) != 18 {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(id[i]-'0') * weights[i]
	}
	check := "10X98765432"[sum%11]
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	return last == check
}
