package models

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// unitKeyLen is the characters a unit key keeps, as many as the unit_key column holds.
const unitKeyLen = 128

// UnitKey is the form of a unit's name that every spelling of it in a sheet shares with the
// registry's: `四川省人民政府办公厅 ` is 四川省人民政府办公厅, `（机关）` is `(机关)`. Sheets are typed
// by hand, and the database used to decide it: MySQL's collation ignored trailing spaces, case
// and (depending on the collation) full-width forms while SQLite compared bytes, so who was shown
// an account the registry does not know depended on the backend. Comparing keys made here, the
// answer is the same on both.
//
// The key is the name in Unicode NFKC (full-width letters, digits, parentheses and the
// ideographic space become their ASCII forms), without invisible format characters (a
// zero-width space pasted from a web page), with its blanks trimmed and each run of them made
// one space, and with its Latin letters in lower case; it keeps unitKeyLen characters. Bytes
// that are not UTF-8 become U+FFFD.
func UnitKey(name string) string {
	s := norm.NFKC.String(strings.ToValidUTF8(name, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r):
			return -1
		case unicode.Is(unicode.Latin, r):
			return unicode.ToLower(r)
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	// Dropping a character or lowering a letter can leave a letter and a combining mark that
	// NFKC writes as one character: normalise again, so that the key of a key is itself.
	s = norm.NFKC.String(s)
	return cutAtBoundary(s, unitKeyLen)
}

// cutAtBoundary keeps at most n characters of a normalised s, cut where normalisation may cut
// (never between a letter and its combining marks, whose prefix NFKC could write otherwise)
// and without the blank the cut may leave at its end.
func cutAtBoundary(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	end, runes := 0, 0
	for end < len(s) {
		seg := norm.NFKC.NextBoundaryInString(s[end:], true)
		if seg <= 0 {
			break
		}
		if runes += utf8.RuneCountInString(s[end : end+seg]); runes > n {
			break
		}
		end += seg
	}
	return strings.TrimRight(s[:end], " ")
}

// unitKeys returns the distinct keys of the names, in order, leaving out the empty key: a row
// that names no unit is no unit's.
func unitKeys(names []string) []string {
	keys := make([]string, 0, len(names))
	for _, n := range names {
		if k := UnitKey(n); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
