package inspector

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"zhaocuo/models/indicator"
)

// Finding is one problem with its evidence. The jobs package turns it into a row.
type Finding struct {
	Type     string // one of indicator's Type constants
	URL      string // the site's homepage, or the account's reference
	Target   string // what is wrong: the broken link, the column, the copies
	Page     string // where it stands: the page holding the link, the typo, the column
	Evidence string // the reason, link text or snippet a person reads to judge it

	Veto      bool // 单项否决: the site fails whatever its score
	Suspected bool // waits for a person: typos, hidden links, duplicates
	// Warning marks an early warning (预警) raised before the veto line: no points,
	// no veto, something to act on before the next round.
	Warning   bool
	Indicator string  // the indicator's Chinese name, one of indicator's constants
	Points    float64 // deduction under the indicator
	SeenAt    time.Time

	// Key identifies the finding across rounds, so that one dismissed by a person
	// stays dismissed: the type, page, target and the stable part of the evidence.
	// Counts and dates that change every round are left out on purpose.
	Key string
}

// mark is what the finding weighs in the score.
func (f Finding) mark() indicator.Mark {
	return indicator.Mark{Indicator: f.Indicator, Points: f.Points, Veto: f.Veto, Warning: f.Warning}
}

// findingKey hashes the parts of a finding that stay the same from round to round.
func findingKey(typ, page, target, ident string) string {
	h := sha256.New()
	for _, s := range []string{typ, page, target, normalizeEvidence(ident)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return typ + ":" + hex.EncodeToString(h.Sum(nil)[:12])
}

// normalizeEvidence drops white space and letter case so that a re-rendered page
// with different line breaks keeps its findings' identity.
func normalizeEvidence(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || isZeroWidth(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}
