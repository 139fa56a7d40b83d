// Package regkey holds the two registry rules that both the sheets (models/registrysheet, which
// generates and de-duplicates rows) and the models need, and that models/registrysheet cannot
// import from models (it is below it): the key under which MySQL's collation finds two names
// equal, and the 统一社会信用代码's check character. Every other field rule lives in models.
package regkey

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/width"
)

var folder = cases.Fold()

// Fold is a name as utf8mb4_unicode_ci compares it, near enough for a registry: full-width
// forms read as their half-width ones (ＡＢＣ１ as ABC1, the ideographic space as a space),
// case folded, surrounding space dropped. Two names with one Fold hit one unique index.
func Fold(s string) string {
	return folder.String(width.Narrow.String(strings.TrimSpace(s)))
}

// creditChars are the characters a 统一社会信用代码 uses (GB 32100-2015: no I, O, S, V, Z), in the
// order of their values 0–30.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^i mod 31 for the first 17 positions (GB 32100-2015, 附录).
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheck is the 18th character of a 统一社会信用代码 whose first 17 are given (upper case,
// from creditChars); 0 when they are not.
func CreditCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	return creditChars[(31-sum%31)%31]
}

// ValidCredit: 18 characters of creditChars, the 3rd to 8th a 行政区划代码 (digits), and the
// check character right.
func ValidCredit(code string) bool {
	if len(code) != 18 || strings.IndexFunc(code[2:8], func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	c := CreditCheck(code[:17])
	return c != 0 && c == code[17]
}
