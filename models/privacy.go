package models

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// PersonalData is one piece of personal data found in a text that is about to be published.
type PersonalData struct {
	Kind   string // "phone", "id_card", "id_like", "email"
	Text   string // as found
	Masked string // as it will be published
	Start  int    // byte offsets in the text
	End    int
}

// Kinds of personal data, as people read them. An id_like number has the shape of a resident ID
// card number (region, birth date) but not its check digit: most likely an ID card number with a
// typo, which still gives away 17 true digits, so it is masked like one; the reviewer is told
// what it is, not that it is an ID card number.
var personalDataLabels = map[string]string{"phone": "电话号码", "id_card": "身份证号", "id_like": "疑似证件号码（校验位不符）", "email": "电子邮箱"}

// PersonalDataLabel names a kind of personal data.
func PersonalDataLabel(kind string) string { return personalDataLabels[kind] }

// The patterns run on the folded text (see foldText), so full-width digits and letters match as
// ASCII. Numbers may be written in groups, separated by a space, a dash or a dot, with spaces
// around it ("138 0013 8000", "138 - 0013 - 8000", "5101 0419 9001 0112 30"). They carry no
// boundaries (Go's regexp has no look-around): a candidate counts only when no digit stands
// right before or after it, and only when its digits, separators removed, pass the kind's check.
const numberSep = `(?:[ \t]?[-.]?[ \t]?)`

var (
	// The usual groupings first (6-8-4 and 4-4-4-4-2 for an ID card, 3-4-4 for a mobile, or none),
	// then any: in "1700 138 0013 8000" the usual reading finds the phone that an unusual one
	// ("1700 138 0013") would take and leave half shown.
	idCardUsual       = regexp.MustCompile(`[1-9]\d{5}` + numberSep + `\d{8}` + numberSep + `\d{3}[\dXx]|[1-9]\d{3}` + numberSep + `\d{4}` + numberSep + `\d{4}` + numberSep + `\d{4}` + numberSep + `\d[\dXx]`)
	idCardCandidate   = regexp.MustCompile(`[1-9](?:` + numberSep + `\d){16}` + numberSep + `[\dXx]`)
	idCardShape       = regexp.MustCompile(`^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$`)
	mobileUsual       = regexp.MustCompile(`(?:(?:\(\+?86\)|(?:\+|00)?86)` + numberSep + `)?1\d{2}` + numberSep + `\d{4}` + numberSep + `\d{4}`)
	mobileCandidate   = regexp.MustCompile(`(?:(?:\(\+?86\)|(?:\+|00)?86)` + numberSep + `)?1(?:` + numberSep + `\d){10}`)
	landlineCandidate = regexp.MustCompile(`(?:\(0\d{2,3}\)[ \t]?|0\d{2,3}(?:[ \t]?[-.][ \t]?|[ \t]))\d(?:` + numberSep + `\d){6,7}`)
	ipv4Shape         = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`)
	emailPattern      = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
)

// FindPersonalData finds mainland phone numbers (mobile and landline), resident ID card numbers
// and e-mail addresses, however their digits and letters are typed (full-width or not) and
// grouped, in order of position. An 18-digit number of an ID card's shape is "id_card" only when
// its check digit is right, "id_like" otherwise.
func FindPersonalData(text string) []PersonalData {
	f := foldText(text)
	var found []PersonalData
	// free says whether a span of the folded text is clear of what was found before.
	free := func(span [2]int) bool {
		start, end := f.at[span[0]], f.at[span[1]]
		for _, p := range found {
			if start < p.End && end > p.Start {
				return false
			}
		}
		return true
	}
	add := func(kind string, span [2]int, keepFirst, keepLast int) {
		start, end := f.at[span[0]], f.at[span[1]]
		s := text[start:end]
		masked := maskDigits(s, keepFirst, keepLast)
		if kind == "email" {
			masked = f.maskEmail(span)
		}
		found = append(found, PersonalData{Kind: kind, Text: s, Masked: masked, Start: start, End: end})
	}
	// E-mail addresses first: their names may be phone numbers (QQ mail), masked with the address.
	for _, m := range emailPattern.FindAllStringIndex(f.text, -1) {
		add("email", [2]int{m[0], m[1]}, 0, 0)
	}
	// Then ID cards: an 18-digit number would otherwise also look like a phone number inside it.
	idCards := func(re *regexp.Regexp) {
		for _, m := range f.numbers(re, func(span [2]int, s string) bool {
			return free(span) && idCardShape.MatchString(digitsOf(s))
		}) {
			kind := "id_like"
			if idCardChecksumOK(digitsOf(f.text[m[0]:m[1]])) {
				kind = "id_card"
			}
			add(kind, m, 6, 4)
		}
	}
	mobiles := func(re *regexp.Regexp) {
		for _, m := range f.numbers(re, func(span [2]int, s string) bool {
			d := digitsOf(s)
			return free(span) && d[len(d)-11+1] >= '3' && !ipv4Shape.MatchString(s)
		}) {
			d := digitsOf(f.text[m[0]:m[1]])
			add("phone", m, len(d)-11+3, 4) // the country code, and 3 digits of the number
		}
	}
	idCards(idCardUsual)
	mobiles(mobileUsual)
	idCards(idCardCandidate)
	mobiles(mobileCandidate)
	for _, m := range f.numbers(landlineCandidate, func(span [2]int, s string) bool {
		return free(span) && !ipv4Shape.MatchString(s)
	}) {
		s := f.text[m[0]:m[1]]
		area := s // the area code: up to the first separator or ")"
		if i := strings.IndexAny(s, ") \t-."); i >= 0 {
			area = s[:i]
		}
		add("phone", m, len(digitsOf(area)), 4)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	return found
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

// foldedText is a text with the look-alikes of ASCII that Chinese keyboards type folded to ASCII
// (see asciiLookalike), and for each of its bytes the offset in the original text of the
// character it comes from, so what is found in the folded text is masked in the original.
type foldedText struct {
	orig string
	text string
	at   []int // len(text)+1 offsets; the last is len(original)
}

func foldText(s string) foldedText {
	var b strings.Builder
	b.Grow(len(s))
	at := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if a, ok := asciiLookalike(r); ok {
			b.WriteByte(a)
			at = append(at, i)
		} else {
			b.WriteString(s[i : i+size]) // as it was, invalid bytes too, so offsets stay exact
			for k := 0; k < size; k++ {
				at = append(at, i+k)
			}
		}
		i += size
	}
	return foldedText{orig: s, text: b.String(), at: append(at, len(s))}
}

// asciiLookalike maps the full-width forms of ASCII (１３８, ｚｈａｎｇ＠ｑｑ．ｃｏｍ), the
// ideographic and no-break spaces and the dashes people put between digit groups to ASCII.
func asciiLookalike(r rune) (byte, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return byte(r - 0xFEE0), true
	case r == 0x3000 || r == 0x00A0 || r == 0x202F || r >= 0x2002 && r <= 0x200A:
		return ' ', true
	case r >= 0x2010 && r <= 0x2015 || r == 0x2212 || r == 0xFE58 || r == 0xFE63:
		return '-', true
	}
	return 0, false
}

// numbers returns the spans of re's matches in the folded text that no digit touches on either
// side and that ok accepts (given the span and its text). A match refused is tried again one byte
// further, so "11 13800138000" still finds its phone number and "2 110105 19491231 002X" its ID
// card number.
func (f foldedText) numbers(re *regexp.Regexp, ok func(span [2]int, s string) bool) [][2]int {
	var spans [][2]int
	isDigit := func(i int) bool { return i >= 0 && i < len(f.text) && f.text[i] >= '0' && f.text[i] <= '9' }
	for pos := 0; pos < len(f.text); {
		m := re.FindStringIndex(f.text[pos:])
		if m == nil {
			break
		}
		span := [2]int{pos + m[0], pos + m[1]}
		if isDigit(span[0]-1) || isDigit(span[1]) || !ok(span, f.text[span[0]:span[1]]) {
			pos = span[0] + 1
			continue
		}
		spans = append(spans, span)
		pos = span[1]
	}
	return spans
}

// digitsOf keeps the digits of a folded number (and an ID card's final X, as X).
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == 'X' || c == 'x':
			b.WriteByte('X')
		}
	}
	return b.String()
}

// maskDigits keeps enough to recognise a number one gave oneself, and no more: the first
// keepFirst and the last keepLast of its digits (typed as they were), each other digit becoming
// a star; separators stay. Phones keep their country and area codes and the first 3 digits of a
// mobile number, ID cards the first 6 (the issuing region).
func maskDigits(s string, keepFirst, keepLast int) string {
	n := 0
	for _, r := range s {
		if isNumberChar(r) {
			n++
		}
	}
	var b strings.Builder
	k := 0
	for _, r := range s {
		if isNumberChar(r) {
			if k >= keepFirst && k < n-keepLast {
				r = '*'
			}
			k++
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isNumberChar(r rune) bool {
	if a, ok := asciiLookalike(r); ok {
		r = rune(a)
	}
	return r >= '0' && r <= '9' || r == 'X' || r == 'x'
}

// maskEmail keeps the first character and the domain of the e-mail address at span (of the
// folded text), each as typed.
func (f foldedText) maskEmail(span [2]int) string {
	at := span[0] + strings.LastIndexByte(f.text[span[0]:span[1]], '@')
	first, _ := utf8.DecodeRuneInString(f.orig[f.at[span[0]]:])
	return string(first) + "***" + f.orig[f.at[at]:f.at[span[1]]]
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
